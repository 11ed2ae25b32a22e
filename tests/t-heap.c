/* The heap as a whole: growth, exhaustion with and without a handler,
 * mutator attachment, the verifier. */

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "test-embedder.h"

static void grows_when_live_data_grows(void) {
  struct test_heap th = test_heap_create("heap-size=256k,heap-policy=growable");
  static void *root;
  CHECK(kn_heap_add_root(th.heap, &root));
  struct kn_stats before;
  kn_heap_get_stats(th.heap, &before);
  for (uint32_t i = 0; i < 100000; i++) { /* about 2.4 MB live */
    struct tnode *n = test_node(th.mut, i, 1);
    test_set(th.mut, n, 0, root);
    root = n;
  }
  struct kn_stats after;
  kn_heap_get_stats(th.heap, &after);
  CHECKF(after.peak_heap_bytes > 4 * before.heap_bytes, "peak heap %llu, initial %llu",
         (unsigned long long)after.peak_heap_bytes, (unsigned long long)before.heap_bytes);
  struct tnode *n = root;
  for (uint32_t i = 100000; i-- > 0; n = n->fields[0])
    CHECK(n && n->id == i);
  test_heap_destroy(&th);
}

/* Fills a heap with live data until it cannot grow. */
static void fill_heap(void *spec) {
  struct test_heap th = test_heap_create(spec);
  static void *root;
  CHECK(kn_heap_add_root(th.heap, &root));
  for (uint32_t i = 0;; i++) {
    struct tnode *n = test_node(th.mut, i, 7);
    test_set(th.mut, n, 0, root);
    root = n;
  }
}

static void exhaustion_fixed_aborts_with_message(void) {
  char err[1024];
  int status = kn_test_run_child(fill_heap, "heap-size=1m,heap-policy=fixed", err, sizeof err);
  CHECKF(WIFSIGNALED(status) && WTERMSIG(status) == SIGABRT, "status %d, stderr: %s", status,
         err);
  CHECKF(strstr(err, "heap exhausted") && strstr(err, "fixed heap of 1048576 bytes"),
         "stderr: %s", err);
}

static void exhaustion_growable_names_limit(void) {
  char err[1024];
  int status = kn_test_run_child(fill_heap, "heap-size=256k,heap-max-size=2m", err, sizeof err);
  CHECKF(WIFSIGNALED(status) && WTERMSIG(status) == SIGABRT, "status %d, stderr: %s", status,
         err);
  CHECKF(strstr(err, "heap exhausted") && strstr(err, "heap-max-size=2097152"), "stderr: %s",
         err);
}

static void **handler_root;
static int handler_calls;

/* Drops the embedder's data, as an interpreter might abandon a computation. */
static bool drop_and_retry(struct kn_heap *heap, size_t request, void *data) {
  (void)heap, (void)data;
  CHECK(request > 0);
  handler_calls++;
  *handler_root = NULL;
  return true;
}

/* Pushes a node on the list in `*root`.  Out of line, and after scrubbing
 * the stack, so that no frame live during the next allocation still holds
 * the previous head in a register or an unwritten slot: a conservative
 * collector would keep the dropped list alive through that stale copy, and
 * the handler's retry would never find room. */
__attribute__((noinline)) static void push_node(struct kn_mutator *mut, void **root,
                                                uint32_t id) {
  struct tnode *n = test_node(mut, id, 3);
  kn_store(mut, n, &n->fields[0], *root);
  *root = n;
}

static void exhaustion_handler_retries(void) {
  /* The loop's last node can stay in a callee-saved register that the
   * allocator spills, so a conservative scan keeps the whole list alive
   * and every retry fails again: the case cannot pass there. */
  if (kn_attr_conservative_stack())
    kn_test_skip("a conservative stack scan may see the dropped list in a stale register");
  struct test_heap th = test_heap_create("heap-size=1m,heap-policy=fixed");
  static void *root;
  handler_root = &root;
  CHECK(kn_heap_add_root(th.heap, &root));
  kn_heap_set_oom_handler(th.heap, drop_and_retry, NULL);
  for (uint32_t i = 0; i < 200000; i++) {
    test_scrub_stack();
    push_node(th.mut, &root, i);
  }
  CHECKF(handler_calls >= 1, "the handler was never called");
  CHECK(root && ((struct tnode *)root)->id == 199999);
  test_heap_destroy(&th);
}

static bool exit_from_handler(struct kn_heap *heap, size_t request, void *data) {
  (void)heap, (void)data;
  fprintf(stderr, "embedder: out of memory for %zu bytes\n", request);
  exit(3);
}

static void fill_heap_with_exit_handler(void *arg) {
  (void)arg;
  struct test_heap th = test_heap_create("heap-size=1m,heap-policy=fixed");
  kn_heap_set_oom_handler(th.heap, exit_from_handler, NULL);
  static void *root;
  CHECK(kn_heap_add_root(th.heap, &root));
  for (uint32_t i = 0;; i++) {
    struct tnode *n = test_node(th.mut, i, 7);
    test_set(th.mut, n, 0, root);
    root = n;
  }
}

static void exhaustion_handler_may_exit(void) {
  char err[1024];
  int status = kn_test_run_child(fill_heap_with_exit_handler, NULL, err, sizeof err);
  CHECKF(WIFEXITED(status) && WEXITSTATUS(status) == 3, "status %d, stderr: %s", status, err);
  CHECKF(strstr(err, "embedder: out of memory"), "stderr: %s", err);
}

static void allocate_impossible(void *arg) {
  (void)arg;
  struct test_heap th = test_heap_create(NULL);
  kn_allocate(th.mut, (size_t)1 << 40, KN_ALLOC_POINTERLESS, TAG_BLOB);
}

static void huge_request_reports(void) {
  char err[1024];
  int status = kn_test_run_child(allocate_impossible, NULL, err, sizeof err);
  CHECKF(WIFSIGNALED(status) && WTERMSIG(status) == SIGABRT, "status %d, stderr: %s", status,
         err);
  CHECKF(strstr(err, "heap exhausted") || strstr(err, "exceeds the largest object"),
         "stderr: %s", err);
}

static void *attach_and_allocate(void *arg) {
  struct kn_heap *heap = arg;
  struct kn_mutator *mut = kn_mutator_attach(heap);
  if (!mut)
    return (void *)heap; /* refused */
  for (uint32_t i = 0; i < 1000; i++)
    test_node(mut, i, 2);
  kn_mutator_detach(mut);
  return NULL;
}

static void second_mutator(void) {
  struct test_heap th = test_heap_create(NULL);
  pthread_t thread;
  void *result;
  kn_mutator_deactivate(th.mut);
  CHECK(pthread_create(&thread, NULL, attach_and_allocate, th.heap) == 0);
  CHECK(pthread_join(thread, &result) == 0);
  kn_mutator_reactivate(th.mut);
  if (result) {
    const char *why = kn_heap_error(th.heap);
    CHECKF(strstr(why, "one mutator"), "refusal without a clear reason: '%s'", why);
  }
  test_node(th.mut, 1, 1);
  kn_collect(th.mut, KN_COLLECT_MAJOR);
  test_heap_destroy(&th);
}

static void verifier_catches_bad_edge(void) {
  struct test_heap th = test_heap_create(NULL);
  static void *root;
  CHECK(kn_heap_add_root(th.heap, &root));
  struct tnode *n = test_node(th.mut, 1, 2);
  root = n;
  CHECK(kn_heap_verify(th.mut) == 0);
  static uint64_t not_in_heap[4];
  n->fields[1] = &not_in_heap[2];
  size_t problems = kn_heap_verify(th.mut);
  CHECKF(problems == 1, "the verifier found %zu problems, expected 1", problems);
  n->fields[1] = NULL;
  CHECK(kn_heap_verify(th.mut) == 0);
  test_heap_destroy(&th);
}

static void verify_option_runs_after_collections(void) {
  struct test_heap th = test_heap_create("verify=1,heap-size=256k");
  static void *root;
  CHECK(kn_heap_add_root(th.heap, &root));
  for (uint32_t i = 0; i < 30000; i++) {
    struct tnode *n = test_node(th.mut, i, 2);
    test_set(th.mut, n, i & 1, root);
    if (i % 3 == 0)
      root = n;
  }
  kn_collect(th.mut, KN_COLLECT_MAJOR);
  CHECK(kn_heap_verify(th.mut) == 0);
  test_heap_destroy(&th);
}

const struct kn_test_case kn_heap_cases[] = {
  {"heap/grows-when-live-data-grows", grows_when_live_data_grows},
  {"heap/exhaustion-fixed-aborts-with-message", exhaustion_fixed_aborts_with_message},
  {"heap/exhaustion-growable-names-limit", exhaustion_growable_names_limit},
  {"heap/exhaustion-handler-retries", exhaustion_handler_retries},
  {"heap/exhaustion-handler-may-exit", exhaustion_handler_may_exit},
  {"heap/huge-request-reports", huge_request_reports},
  {"heap/second-mutator", second_mutator},
  {"heap/verifier-catches-bad-edge", verifier_catches_bad_edge},
  {"heap/verify-option-runs-after-collections", verify_option_runs_after_collections},
  {NULL, NULL},
};
