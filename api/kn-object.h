#ifndef KN_OBJECT_H
#define KN_OBJECT_H

/* Every kennel object starts with one header word that the collector owns,
 * placed just before the address the embedder sees.  It holds the payload
 * size, the embedder's 16-bit type tag and the allocation kind, so the
 * collector can copy, walk and skip objects without calling the embedder,
 * and the embedder gets a type tag for free.
 *
 *   bit  0      forwarded: the rest of the word is the new address
 *   bits 1-7    collector bits (mark, age, busy); owned by the collector
 *   bits 8-15   allocation kind flags (KN_ALLOC_*)
 *   bits 16-31  embedder tag
 *   bits 32-63  payload size in bytes
 *
 * Object addresses are aligned to KN_GRANULE bytes. */

#include <stddef.h>
#include <stdint.h>

#define KN_GRANULE 8u
#define KN_HEADER_BYTES 8u
#define KN_MAX_OBJECT_BYTES 0xfffffff0u

typedef uint64_t kn_header;

/* Allocation kinds and hints, or-ed together as the `kind` argument of
 * kn_allocate. */
enum kn_alloc_flags {
  KN_ALLOC_TRACED = 0,         /* the embedder's trace callback reports its edges */
  KN_ALLOC_POINTERLESS = 1u,   /* never traced: strings, numbers, byte arrays */
  KN_ALLOC_LONG_LIVED = 2u,    /* hint: interned or cached data that lives long */
  KN_ALLOC_LARGE = 4u,         /* force the non-moving large-object space */
};

enum {
  KN_HEADER_FORWARDED = 1u,
  KN_HEADER_GC_BITS = 0xfeu,
  KN_HEADER_KIND_SHIFT = 8,
  KN_HEADER_TAG_SHIFT = 16,
  KN_HEADER_SIZE_SHIFT = 32,
};

static inline kn_header *kn_object_header(const void *obj) {
  return (kn_header *)((uintptr_t)obj - KN_HEADER_BYTES);
}

static inline kn_header kn_header_make(size_t size, unsigned kind, unsigned tag) {
  return ((kn_header)size << KN_HEADER_SIZE_SHIFT) |
         ((kn_header)(tag & 0xffffu) << KN_HEADER_TAG_SHIFT) |
         ((kn_header)(kind & 0xffu) << KN_HEADER_KIND_SHIFT);
}

/* Payload size as requested at allocation. */
static inline size_t kn_object_size(const void *obj) {
  return (size_t)(*kn_object_header(obj) >> KN_HEADER_SIZE_SHIFT);
}

/* The tag passed to kn_allocate. */
static inline unsigned kn_object_tag(const void *obj) {
  return (unsigned)((*kn_object_header(obj) >> KN_HEADER_TAG_SHIFT) & 0xffffu);
}

static inline unsigned kn_object_kind(const void *obj) {
  return (unsigned)((*kn_object_header(obj) >> KN_HEADER_KIND_SHIFT) & 0xffu);
}

/* Bytes an object of `size` payload bytes takes in the heap, header included. */
static inline size_t kn_allocation_bytes(size_t size) {
  return KN_HEADER_BYTES + ((size + KN_GRANULE - 1) & ~(size_t)(KN_GRANULE - 1));
}

#endif
