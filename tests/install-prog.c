/* Built outside the tree against the installed library, through pkg-config:
 * proves that the headers, the library and kennel.pc work together. */
#include <kennel.h>
#include <stdio.h>
#include <string.h>

struct pair {
  long value;
  struct pair *next;
};

static void trace(void *obj, unsigned tag, struct kn_edges *edges, void *data) {
  (void)tag, (void)data;
  kn_edges_push(edges, (void **)&((struct pair *)obj)->next);
}

int main(void) {
  struct kn_options *opts = kn_options_create();
  if (!kn_options_parse(opts, "heap-size=1m")) {
    fprintf(stderr, "%s\n", kn_options_error(opts));
    return 1;
  }
  struct kn_embedder embedder = {.trace_object = trace};
  struct kn_heap *heap;
  struct kn_mutator *mut;
  if (!kn_heap_create(opts, &embedder, &heap, &mut))
    return 1;
  kn_options_destroy(opts);
  static struct pair *list;
  kn_heap_add_root(heap, (void **)&list);
  for (long i = 0; i < 100000; i++) {
    struct pair *p = kn_allocate(mut, sizeof *p, KN_ALLOC_TRACED, 1);
    p->value = i;
    kn_store(mut, p, (void **)&p->next, i % 1000 ? list : NULL);
    list = p;
  }
  long sum = 0;
  for (struct pair *p = list; p; p = p->next)
    sum += p->value;
  struct kn_stats stats;
  kn_heap_get_stats(heap, &stats);
  printf("collector %s, %llu collections, sum %ld\n", kn_collector_name(),
         (unsigned long long)(stats.collections[0] + stats.collections[1]), sum);
  kn_heap_destroy(heap);
  return sum == (99000L + 99999L) * 1000 / 2 ? 0 : 2; /* the last 1000 values */
}
