#ifndef KN_INLINE_H
#define KN_INLINE_H

/* The fast paths: allocation, write barrier, safepoint and root frames.
 * They are inline and branch on the collector's attributes
 * (kn-attrs-<name>.h), which the compiler folds away. */

#include <string.h>

#include "kn-attrs.h"
#include "kn-heap.h"
#include "kn-object.h"

/* A frame of precise roots on a mutator's shadow stack: `count` values in
 * `values`, which the collector reads and updates.  Push on entry to a
 * function that holds heap references across an allocation, pop on exit,
 * in LIFO order. */
struct kn_frame {
  struct kn_frame *prev;
  size_t count;
  void **values;
};

/* Every collector's mutator begins with this, so that the fast paths can
 * reach the fields they need without a call. */
struct kn_mutator_fast {
  uintptr_t hp;           /* next free byte of the bump region */
  uintptr_t limit;        /* end of the bump region; hp <= limit */
  struct kn_frame *frames;
  int stop_requested;     /* KN_SAFEPOINT_POLL: a collection is waiting */
};

static inline struct kn_mutator_fast *kn_mutator_fast(struct kn_mutator *mut) {
  return (struct kn_mutator_fast *)mut;
}

void *kn_allocate_slow(struct kn_mutator *mut, size_t size, unsigned kind, unsigned tag);
void kn_write_barrier_slow(struct kn_mutator *mut, void *obj, void **slot, void *value);
void kn_safepoint_slow(struct kn_mutator *mut);

/* Allocates an object of `size` payload bytes, zeroed, with the given
 * kind flags (KN_ALLOC_*) and embedder tag.  Never returns NULL: heap
 * exhaustion goes to the heap's OOM handler. */
static inline void *kn_allocate(struct kn_mutator *mut, size_t size, unsigned kind,
                                unsigned tag) {
#ifdef KN_DEBUG
  if (tag > 0xffffu)
    kn_misuse("kn_allocate: the tag does not fit in 16 bits");
  if (kind & ~(unsigned)(KN_ALLOC_POINTERLESS | KN_ALLOC_LONG_LIVED | KN_ALLOC_LARGE))
    kn_misuse("kn_allocate: unknown kind flags");
#endif
  if (kn_attr_allocator() == KN_ALLOCATOR_BUMP_POINTER &&
      size <= kn_attr_large_threshold() &&
      !(kind & KN_ALLOC_LARGE) &&
      !(kn_attr_long_lived_separate() && (kind & KN_ALLOC_LONG_LIVED))) {
    struct kn_mutator_fast *fast = kn_mutator_fast(mut);
    size_t bytes = kn_allocation_bytes(size);
    uintptr_t hp = fast->hp;
    if (fast->limit - hp >= bytes) {
      fast->hp = hp + bytes;
      *(kn_header *)hp = kn_header_make(size, kind, tag);
      void *obj = (void *)(hp + KN_HEADER_BYTES);
      memset(obj, 0, bytes - KN_HEADER_BYTES);
      return obj;
    }
  }
  return kn_allocate_slow(mut, size, kind, tag);
}

/* Page flags for KN_BARRIER_PAGE_FLAGS collectors. */
enum {
  KN_PAGE_POINTERS_FROM_INTERESTING = 1u,  /* an old page: record its young edges */
  KN_PAGE_POINTERS_TO_INTERESTING = 2u,    /* a young page */
};

static inline unsigned kn_page_flags(const void *addr) {
  uintptr_t page = (uintptr_t)addr & ~(uintptr_t)(kn_attr_barrier_page_size() - 1);
  return *(const unsigned char *)(page + kn_attr_barrier_flags_offset());
}

/* Call after storing `value` into the field `slot` of heap object `obj`. */
static inline void kn_write_barrier(struct kn_mutator *mut, void *obj, void **slot,
                                    void *value) {
  switch (kn_attr_write_barrier()) {
  case KN_BARRIER_NONE:
    return;
  case KN_BARRIER_PAGE_FLAGS:
    if (!kn_is_reference(value))
      return;
    if (!(kn_page_flags(obj) & KN_PAGE_POINTERS_FROM_INTERESTING))
      return;
    if (!(kn_page_flags(value) & KN_PAGE_POINTERS_TO_INTERESTING))
      return;
    kn_write_barrier_slow(mut, obj, slot, value);
    return;
  case KN_BARRIER_OUT_OF_LINE:
    kn_write_barrier_slow(mut, obj, slot, value);
    return;
  }
}

/* Stores `value` into the field `slot` of `obj`, with the barrier. */
static inline void kn_store(struct kn_mutator *mut, void *obj, void **slot, void *value) {
  *slot = value;
  kn_write_barrier(mut, obj, slot, value);
}

/* Threaded collectors stop the world at safepoints.  Allocation slow paths
 * are safepoints; a loop that runs long without allocating calls this. */
static inline void kn_safepoint(struct kn_mutator *mut) {
  if (kn_attr_safepoint() == KN_SAFEPOINT_POLL &&
      __atomic_load_n(&kn_mutator_fast(mut)->stop_requested, __ATOMIC_RELAXED))
    kn_safepoint_slow(mut);
}

static inline void kn_frame_push(struct kn_mutator *mut, struct kn_frame *frame,
                                 void **values, size_t count) {
  struct kn_mutator_fast *fast = kn_mutator_fast(mut);
  frame->prev = fast->frames;
  frame->count = count;
  frame->values = values;
  fast->frames = frame;
}

static inline void kn_frame_pop(struct kn_mutator *mut, struct kn_frame *frame) {
  struct kn_mutator_fast *fast = kn_mutator_fast(mut);
#ifdef KN_DEBUG
  if (fast->frames != frame)
    kn_misuse("kn_frame_pop: frame is not the innermost one (pops out of order)");
#endif
  fast->frames = frame->prev;
}

#endif
