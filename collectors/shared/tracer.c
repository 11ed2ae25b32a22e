/* The parallel tracer: worker pool, shared deques, stealing, termination.
 * The design is described in tracer.h. */

#define _GNU_SOURCE
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "kn-internal.h"
#include "tracer.h"

/* Objects a worker takes from a shared deque at once. */
#define KN_STEAL_BATCH 256u

struct kn_tracer {
  unsigned nworkers;
  struct kn_trace_worker *workers;
  pthread_t *threads;            /* nworkers - 1 of them */

  /* The pool: threads wait for `generation` to change.  A helper joins a
   * trace only while it is open; worker 0 closes it when the trace is
   * done and waits for the helpers that joined (`running`), never for one
   * that has not woken yet. */
  pthread_mutex_t pool_lock;
  pthread_cond_t work_ready, work_done;
  uint64_t generation;
  unsigned running;
  unsigned joined;               /* workers of the last trace, worker 0 included */
  unsigned max_workers;          /* of this trace, worker 0 included */
  bool open;
  bool shutdown;
  kn_trace_start_fn start;
  kn_trace_object_fn trace;
  kn_trace_flush_fn flush;
  void *arg;

  /* Termination detection; atomics. */
  unsigned active;
  int done;
};

/* ---- Shared deques ----------------------------------------------------- */

static void deque_init(struct kn_shared_deque *d) {
  pthread_mutex_init(&d->lock, NULL);
  d->items = NULL;
  d->count = d->capacity = 0;
}

static void deque_destroy(struct kn_shared_deque *d) {
  free(d->items);
  pthread_mutex_destroy(&d->lock);
}

static size_t deque_count(const struct kn_shared_deque *d) {
  return __atomic_load_n(&d->count, __ATOMIC_ACQUIRE);
}

static void deque_set_count(struct kn_shared_deque *d, size_t n) {
  __atomic_store_n(&d->count, n, __ATOMIC_RELEASE);
}

/* Makes room for `n` more items in d; the caller holds d's lock. */
static void deque_reserve(struct kn_shared_deque *d, size_t n) {
  if (d->count + n <= d->capacity)
    return;
  size_t cap = d->capacity ? 2 * d->capacity : 4 * KN_LOCAL_QUEUE_SIZE;
  while (cap < d->count + n)
    cap *= 2;
  void **grown = realloc(d->items, cap * sizeof *grown);
  if (!grown)
    kn_fatal("tracer: out of memory for a shared worklist of %zu objects", cap);
  d->items = grown;
  d->capacity = cap;
}

/* Moves the `n` oldest objects of w's local queue to its shared deque. */
void kn_tracer_publish(struct kn_trace_worker *w, size_t n) {
  struct kn_shared_deque *d = &w->shared;
  struct kn_local_queue *q = &w->local;
  pthread_mutex_lock(&d->lock);
  deque_reserve(d, n);
  for (size_t i = 0; i < n; i++)
    d->items[d->count + i] = q->items[q->read++ % KN_LOCAL_QUEUE_SIZE];
  deque_set_count(d, d->count + n);
  pthread_mutex_unlock(&d->lock);
  w->published += n;
}

void kn_tracer_share(struct kn_trace_worker *w, void *item) {
  struct kn_shared_deque *d = &w->shared;
  pthread_mutex_lock(&d->lock);
  deque_reserve(d, 1);
  d->items[d->count] = item;
  deque_set_count(d, d->count + 1);
  pthread_mutex_unlock(&d->lock);
  w->published++;
}

/* Moves up to `max` objects from deque `d` to w's (empty) local queue;
 * returns how many. */
static size_t take_from(struct kn_trace_worker *w, struct kn_shared_deque *d, bool half) {
  if (!deque_count(d))
    return 0;
  pthread_mutex_lock(&d->lock);
  size_t n = half ? (d->count + 1) / 2 : d->count;
  if (n > KN_STEAL_BATCH)
    n = KN_STEAL_BATCH;
  struct kn_local_queue *q = &w->local;
  for (size_t i = 0; i < n; i++)
    q->items[q->write++ % KN_LOCAL_QUEUE_SIZE] = d->items[d->count - n + i];
  deque_set_count(d, d->count - n);
  pthread_mutex_unlock(&d->lock);
  return n;
}

static bool refill_from_own(struct kn_trace_worker *w) {
  return take_from(w, &w->shared, false) > 0;
}

static bool steal(struct kn_trace_worker *w) {
  struct kn_tracer *t = w->tracer;
  for (unsigned k = 1; k < t->nworkers; k++) {
    struct kn_trace_worker *victim = &t->workers[(w->id + k) % t->nworkers];
    size_t n = take_from(w, &victim->shared, true);
    if (n) {
      w->stolen += n;
      return true;
    }
  }
  return false;
}

static bool all_deques_empty(struct kn_tracer *t) {
  for (unsigned i = 0; i < t->nworkers; i++)
    if (deque_count(&t->workers[i].shared))
      return false;
  return true;
}

/* ---- Termination ------------------------------------------------------- */

bool kn_tracer_someone_idle(const struct kn_tracer *t) {
  return __atomic_load_n(&t->active, __ATOMIC_RELAXED) < t->nworkers;
}

static void backoff(unsigned round) {
  if (round < 16) {
    sched_yield();
  } else {
    struct timespec ts = {0, round < 64 ? 10000 : 100000};
    nanosleep(&ts, NULL);
  }
}

/* Called with w's queues empty.  Returns true with work in w's local
 * queue, or false when the whole trace is finished. */
static bool wait_for_work(struct kn_trace_worker *w) {
  struct kn_tracer *t = w->tracer;
  __atomic_fetch_sub(&t->active, 1, __ATOMIC_SEQ_CST);
  for (unsigned round = 0;; round++) {
    if (__atomic_load_n(&t->done, __ATOMIC_ACQUIRE))
      return false;
    if (!all_deques_empty(t)) {
      __atomic_fetch_add(&t->active, 1, __ATOMIC_SEQ_CST);
      if (refill_from_own(w) || steal(w))
        return true;
      __atomic_fetch_sub(&t->active, 1, __ATOMIC_SEQ_CST);
    }
    if (__atomic_load_n(&t->active, __ATOMIC_SEQ_CST) == 0 && all_deques_empty(t) &&
        __atomic_load_n(&t->active, __ATOMIC_SEQ_CST) == 0) {
      __atomic_store_n(&t->done, 1, __ATOMIC_RELEASE);
      return false;
    }
    backoff(round);
  }
}

static void run_worker(struct kn_trace_worker *w) {
  struct kn_tracer *t = w->tracer;
  kn_trace_object_fn trace = t->trace;
  kn_trace_flush_fn flush = t->flush;
  void *arg = t->arg;
  uint64_t cpu_start = kn_thread_cpu_ns();
  t->start(w, arg);
  for (;;) {
    void *obj;
    while ((obj = kn_local_pop(&w->local)))
      trace(w, obj, arg);
    if (flush) {
      flush(w, arg);
      if (kn_local_count(&w->local))
        continue;
    }
    if (refill_from_own(w) || steal(w))
      continue;
    if (!wait_for_work(w))
      break;
  }
  w->cpu_ns = kn_thread_cpu_ns() - cpu_start;
}

/* ---- The pool ---------------------------------------------------------- */

static void *worker_thread(void *arg) {
  struct kn_trace_worker *w = arg;
  struct kn_tracer *t = w->tracer;
  uint64_t seen = 0;
  for (;;) {
    pthread_mutex_lock(&t->pool_lock);
    while (t->generation == seen && !t->shutdown)
      pthread_cond_wait(&t->work_ready, &t->pool_lock);
    if (t->shutdown) {
      pthread_mutex_unlock(&t->pool_lock);
      return NULL;
    }
    seen = t->generation;
    if (!t->open || t->running + 1 >= t->max_workers) { /* done, or enough workers */
      pthread_mutex_unlock(&t->pool_lock);
      continue;
    }
    t->running++;
    t->joined++;
    /* Counted active before it looks for work: see wait_for_work. */
    __atomic_fetch_add(&t->active, 1, __ATOMIC_SEQ_CST);
    pthread_mutex_unlock(&t->pool_lock);

    run_worker(w);

    pthread_mutex_lock(&t->pool_lock);
    if (--t->running == 0)
      pthread_cond_signal(&t->work_done);
    pthread_mutex_unlock(&t->pool_lock);
  }
}

void *kn_calloc_cache_aligned(size_t n, size_t size) {
  void *p;
  if (n && size > SIZE_MAX / n)
    return NULL;
  size_t bytes = n * size;
  if (posix_memalign(&p, KN_CACHE_LINE, bytes > 0 ? bytes : KN_CACHE_LINE))
    return NULL;
  return memset(p, 0, bytes);
}

unsigned kn_tracer_workers_for(unsigned parallelism) {
  if (parallelism == 0) {
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    parallelism = cores > 0 ? (unsigned)cores : 1;
  }
  return parallelism > KN_MAX_TRACE_WORKERS ? KN_MAX_TRACE_WORKERS : parallelism;
}

struct kn_tracer *kn_tracer_create(unsigned nworkers) {
  if (nworkers < 1)
    nworkers = 1;
  struct kn_tracer *t = calloc(1, sizeof *t);
  if (!t)
    return NULL;
  t->workers = kn_calloc_cache_aligned(nworkers, sizeof *t->workers);
  t->threads = calloc(nworkers, sizeof *t->threads);
  if (!t->workers || !t->threads) {
    free(t->workers);
    free(t->threads);
    free(t);
    return NULL;
  }
  pthread_mutex_init(&t->pool_lock, NULL);
  pthread_cond_init(&t->work_ready, NULL);
  pthread_cond_init(&t->work_done, NULL);
  for (unsigned i = 0; i < nworkers; i++) {
    t->workers[i].tracer = t;
    t->workers[i].id = i;
    deque_init(&t->workers[i].shared);
  }
  t->nworkers = 1;
  for (unsigned i = 1; i < nworkers; i++) {
    if (pthread_create(&t->threads[i - 1], NULL, worker_thread, &t->workers[i]))
      break;
    t->nworkers++;
  }
  return t;
}

void kn_tracer_destroy(struct kn_tracer *t) {
  pthread_mutex_lock(&t->pool_lock);
  t->shutdown = true;
  pthread_cond_broadcast(&t->work_ready);
  pthread_mutex_unlock(&t->pool_lock);
  for (unsigned i = 0; i + 1 < t->nworkers; i++)
    pthread_join(t->threads[i], NULL);
  for (unsigned i = 0; i < t->nworkers; i++)
    deque_destroy(&t->workers[i].shared);
  pthread_cond_destroy(&t->work_done);
  pthread_cond_destroy(&t->work_ready);
  pthread_mutex_destroy(&t->pool_lock);
  free(t->threads);
  free(t->workers);
  free(t);
}

unsigned kn_tracer_worker_count(const struct kn_tracer *t) { return t->nworkers; }

unsigned kn_tracer_joined(const struct kn_tracer *t) { return t->joined; }

struct kn_trace_worker *kn_tracer_worker(struct kn_tracer *t, unsigned i) {
  return &t->workers[i];
}

void kn_tracer_run(struct kn_tracer *t, unsigned max_workers, kn_trace_start_fn start,
                   kn_trace_object_fn trace, kn_trace_flush_fn flush, void *arg) {
  pthread_mutex_lock(&t->pool_lock);
  t->start = start;
  t->trace = trace;
  t->flush = flush;
  t->arg = arg;
  for (unsigned i = 1; i < t->nworkers; i++)
    t->workers[i].cpu_ns = 0;
  __atomic_store_n(&t->active, 1, __ATOMIC_SEQ_CST);
  __atomic_store_n(&t->done, 0, __ATOMIC_SEQ_CST);
  t->max_workers = max_workers;
  t->joined = 1;
  t->open = max_workers > 1;
  if (t->open) {
    t->generation++;
    pthread_cond_broadcast(&t->work_ready);
  }
  pthread_mutex_unlock(&t->pool_lock);

  run_worker(&t->workers[0]);

  pthread_mutex_lock(&t->pool_lock);
  t->open = false;
  while (t->running > 0)
    pthread_cond_wait(&t->work_done, &t->pool_lock);
  pthread_mutex_unlock(&t->pool_lock);
}
