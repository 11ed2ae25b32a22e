/* Roots: registered slots, frames, per-mutator and embedder callbacks;
 * objects they hold survive and the roots follow moved objects; objects
 * whose roots are removed are reclaimed. */

#include <signal.h>
#include <string.h>
#include <sys/wait.h>

#include "test-embedder.h"

static void registered_root_added_and_removed(void) {
  struct test_heap th = test_heap_create(NULL);
  static void *root;
  CHECK(kn_heap_add_root(th.heap, &root));
  uint64_t live_empty = test_live_after_collect(&th);
  root = test_node(th.mut, 1, 1000); /* 8 kB of fields */
  uint64_t live_held = test_live_after_collect(&th);
  CHECKF(live_held >= live_empty + 8000, "live %llu -> %llu", (unsigned long long)live_empty,
         (unsigned long long)live_held);
  CHECK(((struct tnode *)root)->id == 1);
  CHECK(kn_heap_remove_root(th.heap, &root));
  test_scrub_stack(); /* a conservative scan must not find a stale copy */
  uint64_t live_dropped = test_live_after_collect(&th);
  CHECKF(live_dropped + 8000 <= live_held, "an unrooted object survived: %llu -> %llu",
         (unsigned long long)live_held, (unsigned long long)live_dropped);
  test_heap_destroy(&th);
}

static void frames_hold_and_update(void) {
  struct test_heap th = test_heap_create(NULL);
  void *outer_vals[2] = {0};
  struct kn_frame outer;
  kn_frame_push(th.mut, &outer, outer_vals, 2);
  outer_vals[0] = test_node(th.mut, 10, 0);
  {
    void *inner_vals[1] = {0};
    struct kn_frame inner;
    kn_frame_push(th.mut, &inner, inner_vals, 1);
    inner_vals[0] = test_node(th.mut, 20, 1);
    outer_vals[1] = test_node(th.mut, 30, 0);
    test_set(th.mut, inner_vals[0], 0, outer_vals[1]);
    kn_collect(th.mut, KN_COLLECT_MAJOR);
    struct tnode *in = inner_vals[0];
    CHECK(in->id == 20 && in->fields[0] == outer_vals[1]);
    kn_frame_pop(th.mut, &inner);
  }
  for (int i = 0; i < 3; i++)
    kn_collect(th.mut, KN_COLLECT_MAJOR);
  CHECK(((struct tnode *)outer_vals[0])->id == 10);
  CHECK(((struct tnode *)outer_vals[1])->id == 30);
  kn_frame_pop(th.mut, &outer);
  test_heap_destroy(&th);
}

struct root_array {
  void *slots[8];
  int calls;
};

static void trace_array(struct kn_edges *edges, void *data) {
  struct root_array *a = data;
  a->calls++;
  kn_edges_push_range(edges, a->slots, 8);
}

static void mutator_roots_callback(void) {
  struct test_heap th = test_heap_create(NULL);
  static struct root_array a;
  kn_mutator_set_roots(th.mut, trace_array, &a);
  for (uint32_t i = 0; i < 8; i++)
    a.slots[i] = test_node(th.mut, i, 0);
  a.slots[3] = (void *)(uintptr_t)0x2b; /* an immediate: must be left alone */
  kn_collect(th.mut, KN_COLLECT_MAJOR);
  kn_collect(th.mut, KN_COLLECT_MAJOR);
  CHECK(a.calls >= 2);
  for (uint32_t i = 0; i < 8; i++)
    if (i != 3)
      CHECKF(((struct tnode *)a.slots[i])->id == i, "slot %u", i);
  CHECK(a.slots[3] == (void *)(uintptr_t)0x2b);
  test_heap_destroy(&th);
}

static struct root_array global_array;

static void trace_object_for_globals(void *obj, unsigned tag, struct kn_edges *edges,
                                     void *data) {
  (void)tag, (void)data;
  struct tnode *n = obj;
  kn_edges_push_range(edges, n->fields, n->nfields);
}

static void embedder_global_roots(void) {
  struct kn_embedder embedder = {.trace_object = trace_object_for_globals,
                                 .trace_roots = trace_array,
                                 .data = &global_array};
  struct kn_heap *heap;
  struct kn_mutator *mut;
  struct kn_options *opts = kn_test_options(NULL);
  CHECK(kn_heap_create(opts, &embedder, &heap, &mut));
  kn_options_destroy(opts);
  for (uint32_t i = 0; i < 8; i++) {
    struct tnode *n = test_node(mut, 100 + i, 1);
    global_array.slots[i] = n;
  }
  for (int round = 0; round < 4; round++) {
    for (int j = 0; j < 1000; j++)
      test_node(mut, 0, 4);
    kn_collect(mut, KN_COLLECT_MAJOR);
  }
  CHECK(global_array.calls >= 4);
  for (uint32_t i = 0; i < 8; i++)
    CHECK(((struct tnode *)global_array.slots[i])->id == 100 + i);
  kn_heap_destroy(heap);
}

static void root_added_twice_is_harmless(void) {
  struct test_heap th = test_heap_create(NULL);
  static void *root;
  CHECK(kn_heap_add_root(th.heap, &root));
  CHECK(kn_heap_add_root(th.heap, &root));
  root = test_node(th.mut, 5, 0);
  kn_collect(th.mut, KN_COLLECT_MAJOR);
  kn_collect(th.mut, KN_COLLECT_MAJOR);
  CHECK(((struct tnode *)root)->id == 5);
  CHECK(kn_heap_remove_root(th.heap, &root));
  CHECK(kn_heap_remove_root(th.heap, &root));
  CHECK(!kn_heap_add_root(th.heap, NULL));
  test_heap_destroy(&th);
}

static void remove_unregistered(void *arg) {
  (void)arg;
  struct test_heap th = test_heap_create(NULL);
  static void *never_added;
  bool removed = kn_heap_remove_root(th.heap, &never_added);
  fprintf(stderr, "returned %d: %s\n", removed, kn_heap_error(th.heap));
  test_heap_destroy(&th);
}

/* Removing a slot that was never added is an error: reported by the return
 * value and kn_heap_error, and an abort in debug builds. */
static void removing_unregistered_root_is_reported(void) {
  char err[1024];
  int status = kn_test_run_child(remove_unregistered, NULL, err, sizeof err);
#ifdef KN_DEBUG
  CHECKF(WIFSIGNALED(status) && WTERMSIG(status) == SIGABRT, "status %d: %s", status, err);
  CHECKF(strstr(err, "API misuse") && strstr(err, "not a registered root"), "stderr: %s", err);
#else
  CHECKF(WIFEXITED(status) && WEXITSTATUS(status) == 0, "status %d: %s", status, err);
  CHECKF(strstr(err, "returned 0: ") && strstr(err, "not a registered root"), "stderr: %s",
         err);
#endif
}

static void pop_out_of_order(void *arg) {
  (void)arg;
  struct test_heap th = test_heap_create(NULL);
  void *a[1] = {0}, *b[1] = {0};
  struct kn_frame fa, fb;
  kn_frame_push(th.mut, &fa, a, 1);
  kn_frame_push(th.mut, &fb, b, 1);
  kn_frame_pop(th.mut, &fa);
}

static void frame_popped_out_of_order_is_caught(void) {
#ifndef KN_DEBUG
  kn_test_skip("frame order is checked in debug builds (--enable-debug) only");
#endif
  char err[1024];
  int status = kn_test_run_child(pop_out_of_order, NULL, err, sizeof err);
  CHECKF(WIFSIGNALED(status) && WTERMSIG(status) == SIGABRT, "status %d: %s", status, err);
  CHECKF(strstr(err, "kn_frame_pop") && strstr(err, "out of order"), "stderr: %s", err);
}

const struct kn_test_case kn_roots_cases[] = {
  {"roots/frame-popped-out-of-order-is-caught", frame_popped_out_of_order_is_caught},
  {"roots/removing-unregistered-is-reported", removing_unregistered_root_is_reported},
  {"roots/registered-added-and-removed", registered_root_added_and_removed},
  {"roots/frames-hold-and-update", frames_hold_and_update},
  {"roots/mutator-callback", mutator_roots_callback},
  {"roots/embedder-global-callback", embedder_global_roots},
  {"roots/added-twice-is-harmless", root_added_twice_is_harmless},
  {NULL, NULL},
};
