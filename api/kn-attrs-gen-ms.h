#ifndef KN_ATTRS_GEN_MS_H
#define KN_ATTRS_GEN_MS_H

/* gen-ms: generational mark-sweep with a non-moving, page-promoting
 * nursery (V8's MinorMS), one mutator.  Roots are precise, or the C stack
 * is scanned conservatively when the library was configured with
 * --enable-conservative-stack (pkg-config's cflags then define
 * KN_CONSERVATIVE_STACK). */

enum {
  /* Payloads above this many bytes go to the large-object space. */
  KN_GEN_MS_LARGE_THRESHOLD = 8192,
  /* Every heap object lies in a frame of this many bytes, aligned to its
   * size, whose first byte holds the barrier's page flags
   * (KN_PAGE_POINTERS_*); a nursery or old page is one or more frames. */
  KN_GEN_MS_FRAME_BYTES = 64 * 1024,
  KN_GEN_MS_FLAGS_OFFSET = 0,
};

/* The nursery bumps a pointer through free spans of its pages. */
static inline enum kn_allocator_kind kn_attr_allocator(void) { return KN_ALLOCATOR_BUMP_POINTER; }
/* Payload bytes above which an allocation goes to the large-object space. */
static inline size_t kn_attr_large_threshold(void) { return KN_GEN_MS_LARGE_THRESHOLD; }
/* Long-lived allocations go straight to the old space (slow path). */
static inline int kn_attr_long_lived_separate(void) { return 1; }
/* Old-to-young stores are recorded; the flags sit in each frame's header. */
static inline enum kn_barrier_kind kn_attr_write_barrier(void) { return KN_BARRIER_PAGE_FLAGS; }
/* One mutator: no safepoints to poll. */
static inline enum kn_safepoint_kind kn_attr_safepoint(void) { return KN_SAFEPOINT_NONE; }
/* Nothing moves: promotion retags whole pages. */
static inline int kn_attr_moves_objects(void) { return 0; }
/* The C stack is scanned when configured with --enable-conservative-stack. */
static inline int kn_attr_conservative_stack(void) {
#ifdef KN_CONSERVATIVE_STACK
  return 1;
#else
  return 0;
#endif
}

static inline size_t kn_attr_barrier_page_size(void) { return KN_GEN_MS_FRAME_BYTES; }
static inline size_t kn_attr_barrier_flags_offset(void) { return KN_GEN_MS_FLAGS_OFFSET; }

#endif
