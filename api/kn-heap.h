#ifndef KN_HEAP_H
#define KN_HEAP_H

/* Heap and mutator lifecycle, roots, collection requests and heap
 * exhaustion.  A heap is created with a mutator for the calling thread;
 * other threads attach mutators of their own where the collector allows. */

#include <stdbool.h>
#include <stddef.h>

#include "kn-edges.h"
#include "kn-options.h"
#include "kn-stats.h"

struct kn_heap;
struct kn_mutator;

/* What the collector asks of the embedder. */
struct kn_embedder {
  /* Report every pointer field of `obj` (kn_edges_push).  Never called for
   * pointerless objects.  It must not allocate or touch other objects'
   * headers; it may run on a GC thread. */
  void (*trace_object)(void *obj, unsigned tag, struct kn_edges *edges, void *data);
  /* Report global roots the embedder keeps itself; may be NULL. */
  void (*trace_roots)(struct kn_edges *edges, void *data);
  void *data;
};

/* Creates a heap from `opts` (copied; NULL for defaults) and a mutator for
 * the calling thread.  Returns false, with the reason in
 * kn_options_error(opts) when opts is not NULL, if the heap cannot be set
 * up (for example: a heap size that cannot be reserved). */
bool kn_heap_create(struct kn_options *opts, const struct kn_embedder *embedder,
                    struct kn_heap **heap_out, struct kn_mutator **mut_out);

/* Frees the heap and everything in it.  Only the mutator that created the
 * heap may still be attached. */
void kn_heap_destroy(struct kn_heap *heap);

struct kn_heap *kn_mutator_heap(struct kn_mutator *mut);

/* Attaches a mutator for the calling thread.  Returns NULL if the collector
 * supports only one mutator; kn_heap_error then says so. */
struct kn_mutator *kn_mutator_attach(struct kn_heap *heap);
void kn_mutator_detach(struct kn_mutator *mut);

/* A thread about to block outside the heap marks itself inactive, so that
 * collections need not wait for it:
 *
 *     kn_mutator_deactivate(mut);
 *     n = read(fd, buf, len);          (or sleep, join, wait on a lock...)
 *     kn_mutator_reactivate(mut);
 *
 * Do it around anything that may block for long, and always around waiting
 * for another mutator thread (a lock it holds, a join, a condition it
 * signals): that thread may itself be waiting for a collection, which
 * would wait for this one forever.  While inactive, a thread must not read
 * or write heap objects or call kn_ functions with `mut`, except
 * kn_mutator_reactivate.  Its frames and roots callback remain roots: a
 * collection may move their objects and update them, so reload heap
 * pointers from frames after reactivating.  Reactivation waits for a
 * collection in progress to finish.  With one mutator both calls do
 * nothing. */
void kn_mutator_deactivate(struct kn_mutator *mut);
void kn_mutator_reactivate(struct kn_mutator *mut);

/* The last error message of calls on this heap, or "". */
const char *kn_heap_error(struct kn_heap *heap);

/* Precise roots.  A registered slot is read at every collection and
 * updated when its object moves. */
bool kn_heap_add_root(struct kn_heap *heap, void **slot);
bool kn_heap_remove_root(struct kn_heap *heap, void **slot);
/* Roots that belong to one mutator, reported by a callback. */
void kn_mutator_set_roots(struct kn_mutator *mut,
                          void (*trace_roots)(struct kn_edges *edges, void *data),
                          void *data);

/* Collection requests.  A collector without generations treats a minor
 * request as a major one. */
void kn_collect(struct kn_mutator *mut, enum kn_collection_kind kind);

/* Heap exhaustion: when an allocation cannot be satisfied within the heap's
 * limit, even after a major collection, the handler is called with the
 * request.  Return true to retry (after dropping roots, say), or do not
 * return (exit, longjmp).  If it returns false, or no handler is set, kennel
 * prints the heap size and limit and aborts. */
typedef bool (*kn_oom_handler)(struct kn_heap *heap, size_t request, void *data);
void kn_heap_set_oom_handler(struct kn_heap *heap, kn_oom_handler handler, void *data);

/* Checks every object reachable from the roots; returns the number of
 * problems found and prints each to stderr.  Option verify=1 runs it after
 * every collection and aborts on a problem. */
size_t kn_heap_verify(struct kn_mutator *mut);

/* Reports a misuse of the API (debug builds check for many) and aborts. */
void kn_misuse(const char *what) __attribute__((noreturn));

#endif
