/* Small C-memory helpers: checked malloc, an arena for compiled code, and
 * a string-keyed map for global names. */

#include <stdlib.h>
#include <string.h>

#include "scheme.h"

void *xmalloc(size_t n) {
  void *p = malloc(n ? n : 1);
  if (!p) {
    fputs("scheme: out of memory (C heap)\n", stderr);
    exit(2);
  }
  return p;
}

void *xrealloc(void *p, size_t n) {
  p = realloc(p, n ? n : 1);
  if (!p) {
    fputs("scheme: out of memory (C heap)\n", stderr);
    exit(2);
  }
  return p;
}

/* ---- Arena: compiled code lives until the interpreter ends. ------------- */

struct arena_block {
  struct arena_block *next;
  size_t used, size;
  _Alignas(16) char bytes[];
};

struct arena {
  struct arena_block *blocks;
};

struct arena *arena_create(void) {
  struct arena *a = xmalloc(sizeof *a);
  a->blocks = NULL;
  return a;
}

void *arena_alloc(struct arena *a, size_t bytes) {
  bytes = (bytes + 15) & ~(size_t)15;
  struct arena_block *b = a->blocks;
  if (!b || b->size - b->used < bytes) {
    size_t size = bytes > 65536 ? bytes : 65536;
    b = xmalloc(sizeof *b + size);
    b->size = size;
    b->used = 0;
    b->next = a->blocks;
    a->blocks = b;
  }
  void *p = b->bytes + b->used;
  b->used += bytes;
  memset(p, 0, bytes);
  return p;
}

char *arena_strdup(struct arena *a, const char *s) {
  size_t n = strlen(s) + 1;
  char *copy = arena_alloc(a, n);
  memcpy(copy, s, n);
  return copy;
}

void arena_destroy(struct arena *a) {
  while (a->blocks) {
    struct arena_block *next = a->blocks->next;
    free(a->blocks);
    a->blocks = next;
  }
  free(a);
}

/* ---- strmap: open addressing, string keys owned by the caller. -------- */

struct strmap {
  const char **keys;
  size_t *vals;
  size_t count, capacity;
};

static size_t hash_string(const char *s) {
  size_t h = 5381;
  while (*s)
    h = h * 33 + (unsigned char)*s++;
  return h;
}

struct strmap *strmap_create(void) {
  struct strmap *m = xmalloc(sizeof *m);
  m->capacity = 512;
  m->count = 0;
  m->keys = calloc(m->capacity, sizeof *m->keys);
  m->vals = calloc(m->capacity, sizeof *m->vals);
  if (!m->keys || !m->vals) {
    fputs("scheme: out of memory (C heap)\n", stderr);
    exit(2);
  }
  return m;
}

size_t strmap_get(const struct strmap *m, const char *key) {
  size_t mask = m->capacity - 1;
  for (size_t i = hash_string(key) & mask; m->keys[i]; i = (i + 1) & mask)
    if (!strcmp(m->keys[i], key))
      return m->vals[i];
  return 0;
}

static void strmap_insert(struct strmap *m, const char *key, size_t val) {
  size_t mask = m->capacity - 1;
  size_t i = hash_string(key) & mask;
  while (m->keys[i] && strcmp(m->keys[i], key))
    i = (i + 1) & mask;
  if (!m->keys[i])
    m->count++;
  m->keys[i] = key;
  m->vals[i] = val;
}

void strmap_put(struct strmap *m, const char *key, size_t val) {
  if ((m->count + 1) * 2 > m->capacity) {
    struct strmap old = *m;
    m->capacity *= 2;
    m->count = 0;
    m->keys = calloc(m->capacity, sizeof *m->keys);
    m->vals = calloc(m->capacity, sizeof *m->vals);
    if (!m->keys || !m->vals) {
      fputs("scheme: out of memory (C heap)\n", stderr);
      exit(2);
    }
    for (size_t i = 0; i < old.capacity; i++)
      if (old.keys[i])
        strmap_insert(m, old.keys[i], old.vals[i]);
    free(old.keys);
    free(old.vals);
  }
  strmap_insert(m, key, val);
}

void strmap_destroy(struct strmap *m) {
  free(m->keys);
  free(m->vals);
  free(m);
}
