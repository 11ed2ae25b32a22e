#ifndef KN_ATTRS_PCC_H
#define KN_ATTRS_PCC_H

/* pcc: parallel copying, several mutators, precise roots.  Each mutator
 * bumps through a 64 kB block of its own; collections stop the world at
 * safepoints. */

enum {
  /* Objects whose payload exceeds this many bytes live in the non-moving
   * large-object space. */
  KN_PCC_LARGE_THRESHOLD = 8192,
};

/* Allocation bumps a pointer through the mutator's own block. */
static inline enum kn_allocator_kind kn_attr_allocator(void) { return KN_ALLOCATOR_BUMP_POINTER; }
/* Payload bytes above which an allocation goes to the large-object space. */
static inline size_t kn_attr_large_threshold(void) { return KN_PCC_LARGE_THRESHOLD; }
/* Long-lived allocations share the blocks: no separate space. */
static inline int kn_attr_long_lived_separate(void) { return 0; }
/* Not generational: no write barrier. */
static inline enum kn_barrier_kind kn_attr_write_barrier(void) { return KN_BARRIER_NONE; }
/* Several mutators: kn_safepoint polls kn_mutator_fast.stop_requested. */
static inline enum kn_safepoint_kind kn_attr_safepoint(void) { return KN_SAFEPOINT_POLL; }
/* Objects move: every root must be precise. */
static inline int kn_attr_moves_objects(void) { return 1; }
/* The stack is not scanned: roots are registered. */
static inline int kn_attr_conservative_stack(void) { return 0; }

/* Unused by pcc, present so the barrier code compiles for every collector. */
static inline size_t kn_attr_barrier_page_size(void) { return 0; }
static inline size_t kn_attr_barrier_flags_offset(void) { return 0; }

#endif
