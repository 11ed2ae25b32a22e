#ifndef BENCH_RUNTIME_H
#define BENCH_RUNTIME_H

/* The one layer between the benchmark workloads and a collector, so that
 * each workload is written once and runs on every kennel collector and on
 * Boehm GC (the reference).  Compiled against kennel's public API by
 * default, against Boehm GC when BENCH_BDW is defined:
 *
 *   bench_alloc           kn_allocate(TRACED)       GC_MALLOC
 *   bench_alloc_data      kn_allocate(POINTERLESS)  GC_MALLOC_ATOMIC
 *   bench_alloc_long_lived  ... | KN_ALLOC_LONG_LIVED  GC_MALLOC
 *   bench_frame_push/pop  kn_frame_push/pop         nothing (the stack is scanned)
 *   bench_store           kn_store                  plain store
 *   bench_collect         kn_collect(MAJOR)         GC_gcollect
 *
 * The workloads' object model (the only one the tracer knows):
 *   - tag 1..BENCH_MAX_FIXED: the first `tag` words are references, the
 *     rest plain data (a GCBench node is tag 2: left, right, i, j);
 *   - BENCH_TAG_VEC: word 0 is a meta word (bench_meta: a kind for the
 *     workload in bits 32..47 and a count in bits 0..31), then `count`
 *     reference slots;
 *   - pointerless data (bench_alloc_data): never traced.
 * A reference slot holds NULL, an object, or an immediate with one of its
 * low three bits set (bench_fixnum).
 *
 * Roots: a workload keeps every reference it holds across an allocation in
 * an array on the C stack registered with bench_frame_push (kennel's
 * collectors may move objects and update the array; Boehm scans the stack
 * and sees the array there).  After an allocation, re-read from the array. */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

enum { BENCH_MAX_FIXED = 8, BENCH_TAG_VEC = 15 };

/* Exit statuses every workload uses; the runner reads them. */
enum {
  BENCH_EXIT_OK = 0,
  BENCH_EXIT_WRONG = 1,       /* a result check failed */
  BENCH_EXIT_USAGE = 2,       /* bad workload name or option */
  BENCH_EXIT_EXHAUSTED = 3,   /* the fixed heap was too small */
  BENCH_EXIT_SKIPPED = 77,    /* the collector cannot run this configuration */
};

/* What a heap is created from. */
struct bench_config {
  size_t heap_bytes;          /* fixed heap size */
  const char *gc_options;     /* extra kennel options "key=value,..." or NULL */
  bool gc_report;             /* print each collection's report to stderr */
};

/* One recorded collection pause. */
struct bench_pause {
  uint64_t start_ns;          /* bench_now_ns() when it began */
  uint64_t duration_ns;
};

static inline uintptr_t bench_meta(unsigned kind, uint32_t count) {
  return ((uintptr_t)kind << 32) | count;
}
static inline uint32_t bench_meta_count(uintptr_t meta) { return (uint32_t)meta; }
static inline unsigned bench_meta_kind(uintptr_t meta) { return (unsigned)(meta >> 32) & 0xffffu; }

/* Small integers stored in reference slots: never traced. */
static inline void *bench_fixnum(intptr_t v) { return (void *)(((uintptr_t)v << 3) | 1u); }
static inline intptr_t bench_fixnum_value(const void *p) { return (intptr_t)p >> 3; }

/* Bytes an object of `size` payload bytes takes, header included: the
 * same figure for every collector, so that heap sizes computed from it are
 * identical across collectors and the reference. */
static inline size_t bench_object_bytes(size_t size) {
  return 8 + ((size + 7) & ~(size_t)7);
}

uint64_t bench_now_ns(void);

#ifndef BENCH_BDW
/* ---- kennel ------------------------------------------------------------ */
#include "kennel.h"

typedef struct kn_mutator bench_mut;
struct bench_frame {
  struct kn_frame kn;
};

static inline void *bench_alloc(bench_mut *m, size_t size, unsigned tag) {
  return kn_allocate(m, size, KN_ALLOC_TRACED, tag);
}
static inline void *bench_alloc_data(bench_mut *m, size_t size) {
  return kn_allocate(m, size, KN_ALLOC_POINTERLESS, 0);
}
static inline void *bench_alloc_long_lived(bench_mut *m, size_t size, unsigned tag) {
  return kn_allocate(m, size, KN_ALLOC_TRACED | KN_ALLOC_LONG_LIVED, tag);
}
static inline void *bench_alloc_long_lived_data(bench_mut *m, size_t size) {
  return kn_allocate(m, size, KN_ALLOC_POINTERLESS | KN_ALLOC_LONG_LIVED, 0);
}
static inline void bench_store(bench_mut *m, void *obj, void **slot, void *value) {
  kn_store(m, obj, slot, value);
}
static inline void bench_frame_push(bench_mut *m, struct bench_frame *f, void **values,
                                    size_t count) {
  kn_frame_push(m, &f->kn, values, count);
}
static inline void bench_frame_pop(bench_mut *m, struct bench_frame *f) {
  kn_frame_pop(m, &f->kn);
}
static inline void bench_safepoint(bench_mut *m) { kn_safepoint(m); }
static inline void bench_collect(bench_mut *m) { kn_collect(m, KN_COLLECT_MAJOR); }

#else
/* ---- Boehm GC ------------------------------------------------------------ */
#define GC_THREADS 1
#include <gc.h>
#include <string.h>

typedef struct bench_bdw_mutator bench_mut;
struct bench_frame {
  char unused;
};

void bench_bdw_out_of_memory(size_t size) __attribute__((noreturn));

static inline void *bench_bdw_check(void *p, size_t size) {
  if (__builtin_expect(p == NULL, 0))
    bench_bdw_out_of_memory(size);
  return p;
}
static inline void *bench_alloc(bench_mut *m, size_t size, unsigned tag) {
  (void)m, (void)tag;
  return bench_bdw_check(GC_MALLOC(size), size);
}
static inline void *bench_alloc_data(bench_mut *m, size_t size) {
  (void)m;
  /* kennel returns zeroed memory; GC_MALLOC_ATOMIC does not. */
  return memset(bench_bdw_check(GC_MALLOC_ATOMIC(size), size), 0, size);
}
static inline void *bench_alloc_long_lived(bench_mut *m, size_t size, unsigned tag) {
  return bench_alloc(m, size, tag);
}
static inline void *bench_alloc_long_lived_data(bench_mut *m, size_t size) {
  return bench_alloc_data(m, size);
}
static inline void bench_store(bench_mut *m, void *obj, void **slot, void *value) {
  (void)m, (void)obj;
  *slot = value;
}
static inline void bench_frame_push(bench_mut *m, struct bench_frame *f, void **values,
                                    size_t count) {
  (void)m, (void)f, (void)values, (void)count;
}
static inline void bench_frame_pop(bench_mut *m, struct bench_frame *f) { (void)m, (void)f; }
static inline void bench_safepoint(bench_mut *m) { (void)m; }
static inline void bench_collect(bench_mut *m) { (void)m, GC_gcollect(); }
#endif

/* ---- Heap lifecycle, the same for both ------------------------------------ */

/* Creates the process's heap and the calling thread's mutator; on failure
 * prints why and exits with BENCH_EXIT_USAGE (bad options) or
 * BENCH_EXIT_EXHAUSTED.  One heap per process. */
bench_mut *bench_heap_create(const struct bench_config *cfg);
void bench_heap_destroy(bench_mut *m);
/* A mutator for the calling thread, or NULL if the collector supports only
 * one (*why then says so). */
bench_mut *bench_mutator_attach(bench_mut *main, const char **why);
void bench_mutator_detach(bench_mut *m);
/* Around blocking calls (pthread_join) of a thread that holds a mutator. */
void bench_mutator_deactivate(bench_mut *m);
void bench_mutator_reactivate(bench_mut *m);
/* A global root: a slot outside the stack that is read at each collection. */
void bench_add_root(bench_mut *m, void **slot);
void bench_remove_root(bench_mut *m, void **slot);
const char *bench_collector_name(void);
/* Prints the collector's statistics as "key: value" lines (kn_stats_print's
 * keys; the Boehm adapter prints the same keys from its own figures). */
void bench_print_stats(bench_mut *m, FILE *out);
/* Every pause since the heap was created, in order. */
const struct bench_pause *bench_pauses(size_t *count);

#endif
