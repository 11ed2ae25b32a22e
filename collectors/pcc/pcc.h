#ifndef PCC_H
#define PCC_H

/* pcc's heap and mutator, shared by its files: pcc.c (heap, mutators,
 * allocation, collection), evacuate.c (the parallel trace) and verify.c. */

#include <pthread.h>

#include "blocks.h"
#include "kn-internal.h"
#include "large-space.h"
#include "mutators.h"
#include "tracer.h"

/* A collector bit of the header word (kn-object.h): an evacuation of this
 * object is in progress, by whoever set it. */
#define PCC_HEADER_BUSY ((kn_header)2)

struct pcc_worker;

enum { PCC_FORWARDING_AUTO, PCC_FORWARDING_ATOMIC };  /* option "forwarding" */

struct kn_heap {
  struct kn_common common;      /* first: the shared code casts */
  /* Protects the block store, the capacity and the large-object space.
   * Never held across a safepoint or a collection. */
  pthread_mutex_t lock;
  struct pcc_block_store blocks;
  size_t capacity;              /* blocks mutators may fill, survivors included */
  struct kn_large_space large;
  struct kn_mutator_registry mutators;
  struct kn_tracer *tracer;
  struct pcc_worker *workers;   /* one per tracer worker */
  bool always_atomic;           /* forwarding=atomic */
  size_t parallel_threshold;    /* option parallel-threshold */
  unsigned next_root_task;      /* during a trace: roots claimed so far */
  unsigned gc_threads;          /* workers that took part in the last trace */
  /* Survivor blocks the last collection left partly filled: mutators
   * continue them before taking fresh blocks.  Used blocks all. */
  struct pcc_block *partial[KN_MAX_TRACE_WORKERS];
  unsigned npartial;
  struct kn_mutator *first;     /* the creator's mutator */
  uint64_t detached_allocated;  /* bytes allocated by mutators since detached */
  uint64_t paged_out_reported;  /* blocks.paged_out_total already in the stats */
};

struct kn_mutator {
  struct kn_mutator_base base;  /* first: the fast paths cast */
  struct kn_heap *heap;
  struct kn_mutator_entry entry;
  struct pcc_block *block;      /* the block it bumps through, or NULL */
  uintptr_t block_limit;        /* its end; fast.limit is lower in stress mode */
  uintptr_t block_base;         /* where this mutator started allocating in it */
  uint64_t allocated;           /* bytes since the last collection, retired blocks */
  uint64_t stress_countdown;
};

/* One GC worker's state: where it copies to, and what it did. */
struct pcc_worker {
  _Alignas(KN_CACHE_LINE) struct kn_edge_sink sink;
  struct kn_heap *heap;
  struct kn_trace_worker *tracer;
  struct pcc_block *block;      /* to-space block it copies into */
  struct pcc_block *last_block; /* after the trace: the block it ended in */
  uintptr_t alloc, limit;
  bool atomic;                  /* several workers: forward with compare-and-swap */
  uint64_t copied_bytes;
  uint64_t traced;              /* objects traced in this collection */
  bool tracing_large;           /* its edges may go to idle workers */
  uint64_t edge_batches_shared; /* of the large objects it traced */
  /* Tracing alone (Cheney's scan): the copy blocks in the order it took
   * them, where its scan is, and the large objects it marked, not yet
   * traced.  The arrays are kept from one collection to the next. */
  bool alone;
  struct kn_pointer_stack scan_blocks; /* of struct pcc_block * */
  size_t scan_index;            /* into scan_blocks */
  uintptr_t scan;               /* in scan_blocks[scan_index], or 0: its start */
  struct kn_pointer_stack large;
  uint64_t cpu_ns;              /* CPU time of a trace alone */
};

/* Evacuates everything reachable from the roots of the heap and of every
 * mutator, with the world stopped; returns the bytes copied. */
size_t pcc_evacuate(struct kn_heap *heap, size_t from_bytes);

/* Returns the number of problems in the heap, with the world stopped and
 * every mutator's block retired. */
size_t pcc_verify(struct kn_heap *heap);

static inline size_t pcc_footprint(const struct kn_heap *heap) {
  return 2 * heap->capacity * PCC_BLOCK_SIZE + heap->large.bytes;
}

#endif
