#ifndef KN_LARGE_SPACE_H
#define KN_LARGE_SPACE_H

/* The large-object space: objects too big to copy cheaply, each in its own
 * mapping, never moved; collected by marking in place and sweeping the
 * unmarked.  Marking is atomic, so parallel tracers may share it.
 *
 * Invariant: between collections every mark is clear; during one, an
 * object is marked at most once, by whoever wins kn_large_space_mark. */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct kn_large_object;

struct kn_large_space {
  struct kn_large_object *objects;  /* doubly linked, newest first */
  uintptr_t *index;                 /* open-addressing set of object addresses */
  size_t index_mask, index_count, index_tombstones;
  size_t bytes;                     /* mapped bytes of all objects */
  size_t count;
  size_t live_bytes;                /* after the last sweep */
  uintptr_t *sorted;                /* object addresses in order, for interior lookups */
  size_t sorted_count, sorted_capacity;
  bool sorted_stale;                /* objects came or went since it was built */
  size_t align;                     /* alignment of each mapping (a system page by default) */
  size_t reserve;                   /* bytes at the start of each mapping the collector owns */
};

void kn_large_space_init(struct kn_large_space *ls);
/* As kn_large_space_init, but each mapping is aligned to `align` (a power of
 * two) and begins with `reserve` bytes that belong to the collector (a page
 * header that the write barrier reads, say): an object's address rounded
 * down to `align` is then the start of those bytes.  reserve + 64 must be
 * below `align`. */
void kn_large_space_init_aligned(struct kn_large_space *ls, size_t align, size_t reserve);
void kn_large_space_destroy(struct kn_large_space *ls);

/* Maps a zeroed object with its header; NULL if the system refuses. */
void *kn_large_space_allocate(struct kn_large_space *ls, size_t size, unsigned kind,
                              unsigned tag);

/* True if `ref` is the address of an object in this space. */
bool kn_large_space_contains(const struct kn_large_space *ls, const void *ref);

/* The object whose memory (header included) holds the address `addr`, or
 * NULL: the lookup a conservative scanner needs for interior pointers.
 * Sorts the objects on first use after a change, then binary-searches. */
void *kn_large_space_find(struct kn_large_space *ls, uintptr_t addr);

/* True if this call marked the object (it was unmarked). */
bool kn_large_space_mark(void *obj);
bool kn_large_space_is_marked(const void *obj);

/* Frees every unmarked object and clears the marks of the rest; returns the
 * bytes freed. */
size_t kn_large_space_sweep(struct kn_large_space *ls);

/* Bytes an object of `size` payload bytes costs in this space. */
size_t kn_large_space_cost(size_t size);
/* The same for a space set up with kn_large_space_init_aligned. */
size_t kn_large_space_object_cost(const struct kn_large_space *ls, size_t size);

/* Calls visit(obj, data) for every object in the space. */
void kn_large_space_visit(const struct kn_large_space *ls, void (*visit)(void *obj, void *data),
                          void *data);

#endif
