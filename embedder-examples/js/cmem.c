/* C memory outside the kennel heap: the syntax tree, the parser's and the
 * resolver's tables, the globals and literals, and the scratch buffers of
 * print, JSON and string building.
 *
 * Why one list: any error ends the run by a longjmp from wherever it is
 * found (the middle of a parse, of JSON.stringify, of an allocation), past
 * C frames that hold buffers.  Every block is on the list `vm.cmem`, so the
 * run's end frees whatever is left, and no error path has to know what its
 * callers held.  A block costs a 16-byte header; none of this is on the
 * interpreter's hot paths (heap allocation, property access, calls). */

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "js.h"

/* Before each block's payload.  Aligned like malloc's memory, so the
 * payload that follows it is too. */
struct cmem_block {
  _Alignas(max_align_t) struct cmem_block *prev;
  struct cmem_block *next;
};

static struct cmem_block *block_of(void *payload) { return (struct cmem_block *)payload - 1; }

static void link_block(struct cmem_block *b) {
  b->prev = NULL;
  b->next = vm.cmem;
  if (vm.cmem)
    vm.cmem->prev = b;
  vm.cmem = b;
}

static void unlink_block(struct cmem_block *b) {
  if (b->prev)
    b->prev->next = b->next;
  else
    vm.cmem = b->next;
  if (b->next)
    b->next->prev = b->prev;
}

static void __attribute__((noreturn)) out_of_memory(const char *what, size_t size) {
  js_fatal("out of memory %s (%zu bytes)", what, size);
}

/* malloc, not calloc: glibc's calloc bypasses the thread cache, which made
 * the scratch buffers of string flattening measurably slower. */
void *cmem_alloc(size_t size, const char *what) {
  return memset(cmem_resize(NULL, size, what), 0, size);
}

void *cmem_resize(void *payload, size_t size, const char *what) {
  if (size > SIZE_MAX - sizeof(struct cmem_block))
    out_of_memory(what, size);
  struct cmem_block *old = payload ? block_of(payload) : NULL;
  if (old)
    unlink_block(old);
  struct cmem_block *b = realloc(old, sizeof *b + size);
  if (!b) {
    if (old)
      link_block(old); /* still the caller's, and still freed at the end */
    out_of_memory(what, size);
  }
  link_block(b);
  return b + 1;
}

void cmem_free(void *payload) {
  if (!payload)
    return;
  struct cmem_block *b = block_of(payload);
  unlink_block(b);
  free(b);
}

void cmem_free_all(void) {
  while (vm.cmem) {
    struct cmem_block *b = vm.cmem;
    vm.cmem = b->next;
    free(b);
  }
}

void *grow_array(void *items, size_t size, size_t *cap, size_t need, size_t first,
                 const char *what) {
  size_t n = *cap > 0 ? *cap : first > 0 ? first : 1;
  while (n < need && n <= SIZE_MAX / 2)
    n *= 2;
  if (n < need || n > SIZE_MAX / size)
    js_fatal("out of memory %s (%zu items)", what, need);
  items = cmem_resize(items, n * size, what);
  *cap = n;
  return items;
}
