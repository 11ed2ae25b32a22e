/* Collections: the trace (minor: young objects only, from the roots and
 * the remembered set; major: everything, from the roots), then sorting and
 * sweeping, then the remembered set brought up to date.
 *
 * Marks live in the object header (GM_MARK).  A minor trace stops at old
 * objects: they are live by assumption, and their young fields are in the
 * remembered set.  The major trace notes each old-to-young field it passes
 * (a candidate), because the remembered set is rebuilt from the live old
 * objects only: slots of dead old objects must not outlive them.
 *
 * The mark stack holds references still to be marked, not marked objects
 * still to be traced: an edge pushes its target unexamined, and the drain
 * passes each reference through a short FIFO that prefetches its header,
 * so that the cache misses of several marks overlap instead of following
 * one another.  Large objects are marked at the edge (their mark is in the
 * large-object space) and pushed tagged, to be traced only. */

#include <string.h>

#include "gen-ms.h"

struct candidate {
  void *host;
  void **slot;
};

struct marker {
  struct kn_edge_sink sink;
  struct kn_heap *heap;
  bool major;
  bool host_old;           /* major: the object being traced is old */
  void *host;
  void **stack;
  size_t count, capacity;
  struct candidate *cand;  /* major: old-to-young fields seen */
  size_t ncand, capcand;
};

static void push(struct marker *m, void *obj) {
  if (m->count == m->capacity) {
    m->capacity = m->capacity ? 2 * m->capacity : 1024;
    m->stack = realloc(m->stack, m->capacity * sizeof *m->stack);
    if (!m->stack)
      kn_fatal("gen-ms: out of memory for the mark stack");
  }
  m->stack[m->count++] = obj;
}

static void note_candidate(struct marker *m, void **slot) {
  if (m->ncand == m->capcand) {
    m->capcand = m->capcand ? 2 * m->capcand : 256;
    m->cand = realloc(m->cand, m->capcand * sizeof *m->cand);
    if (!m->cand)
      kn_fatal("gen-ms: out of memory for the remembered set");
  }
  m->cand[m->ncand++] = (struct candidate){m->host, slot};
}

/* A marked large object on the mark stack: to be traced, not marked. */
static const uintptr_t MARKED_TAG = 1;

static inline void mark_ref(struct marker *m, void *ref, void **slot) {
  if (!m->major) {
    if (gm_is_young(ref))
      push(m, ref);
    return;
  }
  if (gm_in_region(&m->heap->region, ref)) {
    if (slot && m->host_old && gm_is_young(ref))
      note_candidate(m, slot);
    push(m, ref);
  } else if (kn_large_space_mark(ref) && !(kn_object_kind(ref) & KN_ALLOC_POINTERLESS)) {
    push(m, (void *)((uintptr_t)ref | MARKED_TAG));
  }
}

static void mark_edges(struct kn_edge_sink *sink, void ***slots, size_t count) {
  struct marker *m = KN_CONTAINER_OF(sink, struct marker, sink);
  for (size_t i = 0; i < count; i++) {
    void *ref = *slots[i];
    if (kn_is_reference(ref))
      mark_ref(m, ref, slots[i]);
  }
}

static void trace(struct marker *m, void *obj) {
  m->host = obj;
  m->host_old = m->major && !(gm_in_region(&m->heap->region, obj) && gm_is_young(obj));
  kn_trace_object(&m->heap->common, &m->sink, obj);
}

/* Marks a small object (young, or any in a major trace) and traces it if
 * it was unmarked; or traces a large object marked already. */
static inline void visit(struct marker *m, void *entry) {
  if ((uintptr_t)entry & MARKED_TAG) {
    trace(m, (void *)((uintptr_t)entry & ~MARKED_TAG));
    return;
  }
  kn_header *h = kn_object_header(entry);
  if (*h & GM_MARK)
    return;
  *h |= GM_MARK;
  gm_page_of(&m->heap->region, entry)->live_bytes += (uint32_t)gm_header_bytes(*h);
  if (!(kn_object_kind(entry) & KN_ALLOC_POINTERLESS))
    trace(m, entry);
}

/* References leave the stack through a prefetching FIFO (kn-internal.h). */
static void drain(struct marker *m) {
  struct kn_prefetch_fifo fifo = {0};
  void *entry;
  while ((entry = kn_prefetch_fifo_next(&fifo, m->stack, &m->count, MARKED_TAG)))
    visit(m, entry);
  m->host = NULL;
  m->host_old = false;
}

/* A word of the C stack: marks the object it points into, if any. */
static void mark_ambiguous(uintptr_t word, void *data) {
  struct marker *m = data;
  if (!word)
    return;
  void *obj = gm_find_object(m->heap, word, true);
  if (obj) {
    mark_ref(m, obj, NULL);
    return;
  }
  if (m->major && kn_is_reference((void *)word) &&
      kn_large_space_contains(&m->heap->large, (void *)word))
    mark_ref(m, (void *)word, NULL);
}

static void trace_roots(struct marker *m) {
  struct kn_heap *heap = m->heap;
  struct kn_mutator *mut = heap->mutator;
  kn_trace_global_roots(&heap->common, &m->sink);
  kn_trace_mutator_roots(&mut->base.fast, &mut->base.roots, &m->sink);
  if (kn_attr_conservative_stack())
    kn_stack_scan(&mut->stack, mark_ambiguous, m);
  if (!m->major)
    gm_remset_trace(heap, &m->sink);
}

/* The remembered set was cleared after the major trace; the candidates
 * whose targets are still young are its new content. */
static void rebuild_remset(struct kn_heap *heap, struct marker *m) {
  for (size_t i = 0; i < m->ncand; i++) {
    void *v = *m->cand[i].slot;
    if (kn_is_reference(v) && gm_is_young(v))
      gm_remember_slot(heap, m->cand[i].host, m->cand[i].slot);
  }
}

static uint64_t young_live_bytes(struct kn_heap *heap) {
  uint64_t live = 0;
  for (size_t i = 0; i < heap->nursery.pages.count; i++)
    live += heap->nursery.pages.items[i]->live_bytes;
  return live;
}

static void report_counts(struct kn_heap *heap, struct kn_collection_report *r,
                          const struct gm_sort_counts *s) {
  struct kn_common *c = &heap->common;
  static const char *const names[] = {"pages-empty", "pages-recycled", "pages-aging",
                                      "pages-promoted", "pages-promoted-eagerly",
                                      "pages-released", "promoted-bytes", "pages-demoted"};
  uint64_t values[] = {s->empty,          s->recycled, s->aging,          s->promoted,
                       s->promoted_eager, s->released, s->promoted_bytes, s->demoted};
  for (size_t i = 0; i < sizeof values / sizeof values[0]; i++) {
    kn_report_add_counter(r, names[i], values[i]);
    kn_stats_add_counter(c, names[i], values[i]);
  }
  kn_report_add_counter(r, "remembered-slots", gm_remset_count(heap));
  kn_report_add_counter(r, "large-objects", heap->large.count);
}

void gm_collect(struct kn_heap *heap, enum kn_collection_kind kind) {
  struct kn_common *c = &heap->common;
  if (kind == KN_COLLECT_MINOR && gm_policy_wants_major(heap))
    kind = KN_COLLECT_MAJOR;
  bool major = kind == KN_COLLECT_MAJOR;
  kn_collection_begin(c, kind);
  heap->epoch++;
  gm_nursery_prepare(heap);
  if (c->verify && gm_verify_remset(heap, "before a collection"))
    kn_fatal("heap verification failed: the remembered set misses old-to-young edges "
             "(a store without kn_write_barrier?)");
  struct gm_sort_counts counts = {0};
  if (major)
    counts.demoted = gm_old_prepare_major(heap);

  struct marker m = {.heap = heap, .major = major};
  kn_sink_init(&m.sink, mark_edges);
  trace_roots(&m);
  drain(&m);

  struct gm_page_list promoted = {0};
  uint64_t young_live = young_live_bytes(heap);
  if (major) {
    gm_remset_clear(heap); /* before dead large objects are unmapped */
    kn_large_space_sweep(&heap->large);
    gm_old_after_major(heap, &counts);
  }
  gm_nursery_sort(heap, major, &promoted, &counts);
  if (major)
    rebuild_remset(heap, &m);
  else
    gm_remset_prune(heap);
  gm_remset_scan_promoted(heap, &promoted);
  free(promoted.items);
  free(m.stack);
  free(m.cand);

  uint64_t live = heap->old.live_bytes + (young_live - counts.promoted_bytes) +
                  (major ? heap->large.live_bytes : heap->large.bytes);
  if (major)
    gm_policy_after_major(heap, (size_t)live);
  struct kn_collection_report report = {
    .kind = kind,
    .live_bytes = live,
    .heap_bytes = heap->policy.budget,
  };
  report_counts(heap, &report, &counts);
  kn_collection_end(c, &report);
  if (c->verify) {
    size_t problems = gm_verify(heap);
    if (problems)
      kn_fatal("heap verification failed after collection %llu: %zu problems",
               (unsigned long long)(c->stats.totals.collections[KN_COLLECT_MINOR] +
                                    c->stats.totals.collections[KN_COLLECT_MAJOR]),
               problems);
  }
}
