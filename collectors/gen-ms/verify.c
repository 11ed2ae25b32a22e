/* The verifier, gen-ms's part: what an allocated object is (for the shared
 * reachability walk), and the remembered-set check: every field of an
 * allocated old object that holds a young reference must be remembered.
 * With option verify=1 the check runs before and after every collection,
 * so a store that skipped the write barrier is reported before the minor
 * trace can free the object it stored. */

#include "gen-ms.h"

static bool gm_is_object(void *ctx, void *ref) {
  struct kn_heap *heap = ctx;
  if (gm_in_region(&heap->region, ref))
    return gm_find_object(heap, (uintptr_t)ref, false) != NULL;
  return kn_large_space_contains(&heap->large, ref);
}

struct remset_check {
  struct kn_edge_sink sink;
  struct kn_heap *heap;
  void *host;
  const char *when;
  size_t problems;
};

static void check_edges(struct kn_edge_sink *sink, void ***slots, size_t count) {
  struct remset_check *rc = KN_CONTAINER_OF(sink, struct remset_check, sink);
  struct gm_region *r = &rc->heap->region;
  for (size_t i = 0; i < count; i++) {
    void *v = *slots[i];
    if (!kn_is_reference(v) || !gm_in_region(r, v) || gm_page_of(r, v)->state != GM_PAGE_YOUNG)
      continue;
    if (gm_is_remembered(rc->heap, rc->host, slots[i]))
      continue;
    if (++rc->problems <= 20)
      fprintf(stderr,
              "kennel verify: gen-ms: %s: slot %p of old object %p (tag %u) holds young "
              "object %p but is not in the remembered set\n",
              rc->when, (void *)slots[i], rc->host, kn_object_tag(rc->host), v);
  }
}

static void check_object(void *obj, void *data) {
  struct remset_check *rc = data;
  rc->host = obj;
  kn_trace_object(&rc->heap->common, &rc->sink, obj);
}

size_t gm_verify_remset(struct kn_heap *heap, const char *when) {
  struct gm_region *r = &heap->region;
  struct remset_check rc = {.heap = heap, .when = when};
  kn_sink_init(&rc.sink, check_edges);
  for (size_t i = 0; i < r->high_water; i++) {
    struct gm_page *p = &r->pages[i];
    if (p->state == GM_PAGE_OLD)
      gm_page_visit(r, p, !p->swept, check_object, &rc);
  }
  kn_large_space_visit(&heap->large, check_object, &rc);
  return rc.problems;
}

size_t gm_verify(struct kn_heap *heap) {
  heap->epoch++;
  gm_lab_seal(heap);
  struct kn_mutator *mut = heap->mutator;
  struct kn_verifier *v = kn_verifier_create(&heap->common, gm_is_object, heap);
  kn_trace_global_roots(&heap->common, kn_verifier_sink(v));
  kn_trace_mutator_roots(&mut->base.fast, &mut->base.roots, kn_verifier_sink(v));
  size_t problems = kn_verifier_finish(v);
  kn_verifier_destroy(v);
  problems += gm_verify_remset(heap, "verification");
  return problems;
}
