#ifndef KN_TRACER_H
#define KN_TRACER_H

/* The parallel tracer: a pool of GC worker threads that share a grey
 * worklist by work stealing.  Any collector that traces an object graph
 * can run its trace on it; what "tracing an object" means (copying,
 * marking) is the collector's callback.
 *
 * Each worker has a local queue of KN_LOCAL_QUEUE_SIZE objects that only it
 * touches, and a shared deque that others may steal from.  When the local
 * queue is full the worker publishes its oldest three quarters to its
 * shared deque.  Every 16 pushes it also publishes the older half of its
 * local queue if another worker is idle and its own shared deque is empty,
 * so that a graph whose grey set stays small (a tree traced depth first)
 * still spreads.  A worker whose local queue is empty takes
 * a batch from its own shared deque, then steals half of another's.
 *
 * Termination: a worker with no work decrements `active` and polls (with
 * backoff) for a non-empty deque.  The trace is finished when `active` is 0
 * and every deque is empty: no worker can then hold or create work.  Every
 * change that empties a deque is made by an active worker, so reading
 * `active`, then the deques, then `active` again cannot miss work in
 * flight.
 *
 * The threads are started once, with the tracer, and reused by every
 * kn_tracer_run.  The calling thread is worker 0; with one worker there are
 * no threads at all.  A helper thread joins a trace only if it wakes
 * before worker 0 has finished it: a small trace does not wait for the
 * scheduler to wake a helper it no longer needs.  So a collector must
 * not give a helper work of its own at the start (roots dealt by worker
 * number): the start callback takes shared work by claiming it
 * (kn_tracer_claim), and a helper that never joins claims nothing. */

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define KN_LOCAL_QUEUE_SIZE 1024u
#define KN_MAX_TRACE_WORKERS 8u

/* Per-worker state is written for every object traced.  Each worker's
 * state therefore starts on a cache line of its own: two workers writing
 * one line make every write a miss (measured on pcc's trace benchmark:
 * two workers took 5x the CPU time of one before their state was
 * aligned). */
#define KN_CACHE_LINE 64

/* n zeroed elements of `size` bytes (a multiple of KN_CACHE_LINE) at a
 * cache-line boundary, or NULL; free() releases them. */
void *kn_calloc_cache_aligned(size_t n, size_t size);

struct kn_local_queue {
  size_t read, write;            /* ring indices; count = write - read */
  void *items[KN_LOCAL_QUEUE_SIZE];
};

struct kn_shared_deque {
  pthread_mutex_t lock;
  void **items;
  size_t count;                  /* written under lock, read atomically */
  size_t capacity;
};

struct kn_tracer;

struct kn_trace_worker {
  _Alignas(KN_CACHE_LINE) struct kn_tracer *tracer;
  unsigned id;
  struct kn_local_queue local;
  struct kn_shared_deque shared;
  uint64_t published, stolen;    /* objects, for statistics */
  unsigned pushes;               /* paces the check for idle workers */
  uint64_t cpu_ns;               /* thread CPU time of its last run */
  void *data;                    /* the collector's per-worker state */
};

/* Called once on each worker before it starts tracing (to trace its share
 * of the roots), then for every item a worker takes.  The tracer never
 * looks into items: they are grey objects, or whatever else the collector
 * queues (pcc also queues batches of edges, with a tag bit). */
typedef void (*kn_trace_start_fn)(struct kn_trace_worker *w, void *arg);
typedef void (*kn_trace_object_fn)(struct kn_trace_worker *w, void *obj, void *arg);
/* Called when a worker's local queue runs empty, before it looks for work
 * elsewhere: a collector that holds work back (edges batched across
 * objects) hands it over here, pushing any objects it greys. */
typedef void (*kn_trace_flush_fn)(struct kn_trace_worker *w, void *arg);

/* The number of workers `parallelism` asks for: 0 means one per core, at
 * most KN_MAX_TRACE_WORKERS. */
unsigned kn_tracer_workers_for(unsigned parallelism);

/* Starts nworkers - 1 threads; NULL if out of memory.  If threads cannot
 * be created, runs with fewer workers. */
struct kn_tracer *kn_tracer_create(unsigned nworkers);
void kn_tracer_destroy(struct kn_tracer *t);
unsigned kn_tracer_worker_count(const struct kn_tracer *t);
/* How many workers took part in the last trace, worker 0 included. */
unsigned kn_tracer_joined(const struct kn_tracer *t);
struct kn_trace_worker *kn_tracer_worker(struct kn_tracer *t, unsigned i);

/* Runs one trace on worker 0 and the helpers that join it (none if
 * `max_workers` is 1), and returns when no grey object is left.  `flush`
 * may be NULL. */
void kn_tracer_run(struct kn_tracer *t, unsigned max_workers, kn_trace_start_fn start,
                   kn_trace_object_fn trace, kn_trace_flush_fn flush, void *arg);

/* For start callbacks: the next of `count` shared start tasks (such as
 * the mutators whose roots must be traced), or `count` when all are
 * taken.  *next starts at 0 for each trace. */
static inline unsigned kn_tracer_claim(unsigned *next, unsigned count) {
  unsigned i = __atomic_fetch_add(next, 1, __ATOMIC_RELAXED);
  return i < count ? i : count;
}

/* Out of line: moves objects to the shared deque. */
void kn_tracer_publish(struct kn_trace_worker *w, size_t n);
/* Puts one item straight on w's shared deque, where an idle worker finds
 * it at once, bypassing the local queue (whose newest items are the last
 * to be published). */
void kn_tracer_share(struct kn_trace_worker *w, void *item);
bool kn_tracer_someone_idle(const struct kn_tracer *t);

static inline size_t kn_local_count(const struct kn_local_queue *q) {
  return q->write - q->read;
}

/* Adds a grey object to this worker's queue. */
static inline void kn_tracer_push(struct kn_trace_worker *w, void *obj) {
  struct kn_local_queue *q = &w->local;
  size_t n = kn_local_count(q);
  if (n == KN_LOCAL_QUEUE_SIZE)
    kn_tracer_publish(w, KN_LOCAL_QUEUE_SIZE / 4 * 3);
  else if ((++w->pushes & 15) == 0 && n >= 2 && kn_tracer_someone_idle(w->tracer) &&
           __atomic_load_n(&w->shared.count, __ATOMIC_RELAXED) == 0)
    kn_tracer_publish(w, n / 2);
  q->items[q->write++ % KN_LOCAL_QUEUE_SIZE] = obj;
}

/* The newest grey object of this worker's queue, or NULL. */
static inline void *kn_local_pop(struct kn_local_queue *q) {
  if (q->write == q->read)
    return NULL;
  return q->items[--q->write % KN_LOCAL_QUEUE_SIZE];
}

#endif
