#ifndef KN_ATTRS_BLOCK_PERSIST_H
#define KN_ATTRS_BLOCK_PERSIST_H

/* block-persist: conservative stack scanning, bump allocation in big arena
 * blocks, nothing moves; a block holding a reachable object is kept whole. */

enum {
  /* Objects whose payload exceeds this many bytes live in the large-object
   * space. */
  KN_BLOCK_PERSIST_LARGE_THRESHOLD = 8192,
};

/* Allocation bumps a pointer through the current arena block. */
static inline enum kn_allocator_kind kn_attr_allocator(void) { return KN_ALLOCATOR_BUMP_POINTER; }
/* Payload bytes above which an allocation goes to the large-object space. */
static inline size_t kn_attr_large_threshold(void) { return KN_BLOCK_PERSIST_LARGE_THRESHOLD; }
/* Long-lived allocations take the slow path, to their own blocks (fix A). */
static inline int kn_attr_long_lived_separate(void) { return 1; }
/* Not generational: no write barrier. */
static inline enum kn_barrier_kind kn_attr_write_barrier(void) { return KN_BARRIER_NONE; }
/* One mutator: no safepoints to poll. */
static inline enum kn_safepoint_kind kn_attr_safepoint(void) { return KN_SAFEPOINT_NONE; }
/* Objects never move: ambiguous references are safe. */
static inline int kn_attr_moves_objects(void) { return 0; }
/* The mutator's stack and registers are scanned conservatively. */
static inline int kn_attr_conservative_stack(void) { return 1; }

/* Unused by block-persist, present so the barrier code compiles. */
static inline size_t kn_attr_barrier_page_size(void) { return 0; }
static inline size_t kn_attr_barrier_flags_offset(void) { return 0; }

#endif
