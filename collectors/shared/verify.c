/* The heap verifier: what a healthy heap looks like.
 *
 * Starting from the roots, every reference must point to the start of an
 * object that the collector considers allocated (is_object), whose header
 * is not forwarded and whose size is sane; every object reachable is
 * visited once.  The walk uses its own visited set and worklist, so it
 * trusts nothing the collector's own marking decided. */

#include <stdlib.h>
#include <string.h>

#include "kn-internal.h"

struct kn_verifier {
  struct kn_edge_sink sink;
  struct kn_common *common;
  kn_is_object_fn is_object;
  void *ctx;
  void *current;           /* the object being traced, NULL for roots */
  uintptr_t *set;          /* open addressing; 0 is empty */
  size_t set_mask, set_count;
  void **stack;
  size_t stack_count, stack_capacity;
  size_t problems, objects;
};

/* Multiplicative hashing; the high half is folded in because the table
 * index takes the low bits, and objects at the same offset of different
 * aligned pages share their low bits. */
static size_t hash_ptr(uintptr_t p) {
  uint64_t h = (uint64_t)(p >> 3) * 0x9e3779b97f4a7c15ull;
  return (size_t)(h ^ (h >> 32));
}

static void set_grow(struct kn_verifier *v);

/* Inserts `p`; false if it was there already. */
static bool set_insert(struct kn_verifier *v, uintptr_t p) {
  if (2 * (v->set_count + 1) > v->set_mask + 1)
    set_grow(v);
  for (size_t i = hash_ptr(p) & v->set_mask;; i = (i + 1) & v->set_mask) {
    if (v->set[i] == p)
      return false;
    if (!v->set[i]) {
      v->set[i] = p;
      v->set_count++;
      return true;
    }
  }
}

static void set_grow(struct kn_verifier *v) {
  uintptr_t *old = v->set;
  size_t old_size = v->set_mask + 1;
  size_t size = old ? 2 * old_size : 1024;
  v->set = calloc(size, sizeof *v->set);
  if (!v->set)
    kn_fatal("verifier: out of memory");
  v->set_mask = size - 1;
  v->set_count = 0;
  for (size_t i = 0; old && i < old_size; i++)
    if (old[i])
      set_insert(v, old[i]);
  free(old);
}

static void push(struct kn_verifier *v, void *obj) {
  if (v->stack_count == v->stack_capacity) {
    v->stack_capacity = v->stack_capacity ? 2 * v->stack_capacity : 1024;
    v->stack = realloc(v->stack, v->stack_capacity * sizeof *v->stack);
    if (!v->stack)
      kn_fatal("verifier: out of memory");
  }
  v->stack[v->stack_count++] = obj;
}

static void problem(struct kn_verifier *v, void **slot, void *ref, const char *what) {
  v->problems++;
  if (v->problems > 20)
    return;
  if (v->current)
    fprintf(stderr, "kennel verify: slot %p of object %p (tag %u, %zu bytes) holds %p: %s\n",
            (void *)slot, v->current, kn_object_tag(v->current), kn_object_size(v->current),
            ref, what);
  else
    fprintf(stderr, "kennel verify: root slot %p holds %p: %s\n", (void *)slot, ref, what);
}

static void check_edges(struct kn_edge_sink *sink, void ***slots, size_t count) {
  struct kn_verifier *v = KN_CONTAINER_OF(sink, struct kn_verifier, sink);
  for (size_t i = 0; i < count; i++) {
    void *ref = *slots[i];
    if (!kn_is_reference(ref))
      continue;
    if (!v->is_object(v->ctx, ref)) {
      problem(v, slots[i], ref, "not an allocated object");
      continue;
    }
    kn_header h = *kn_object_header(ref);
    if (h & KN_HEADER_FORWARDED) {
      problem(v, slots[i], ref, "object is still forwarded after collection");
      continue;
    }
    if ((h >> KN_HEADER_SIZE_SHIFT) > KN_MAX_OBJECT_BYTES) {
      problem(v, slots[i], ref, "object header has an impossible size");
      continue;
    }
    if (set_insert(v, (uintptr_t)ref))
      push(v, ref);
  }
}

struct kn_verifier *kn_verifier_create(struct kn_common *c, kn_is_object_fn is_object,
                                       void *ctx) {
  struct kn_verifier *v = calloc(1, sizeof *v);
  if (!v)
    kn_fatal("verifier: out of memory");
  kn_sink_init(&v->sink, check_edges);
  v->common = c;
  v->is_object = is_object;
  v->ctx = ctx;
  set_grow(v);
  return v;
}

struct kn_edge_sink *kn_verifier_sink(struct kn_verifier *v) { return &v->sink; }

size_t kn_verifier_finish(struct kn_verifier *v) {
  kn_edges_flush(&v->sink.edges);
  while (v->stack_count) {
    void *obj = v->stack[--v->stack_count];
    v->objects++;
    v->current = obj;
    kn_trace_object(v->common, &v->sink, obj);
  }
  v->current = NULL;
  if (v->problems > 20)
    fprintf(stderr, "kennel verify: ... and %zu more problems\n", v->problems - 20);
  return v->problems;
}

size_t kn_verifier_objects(struct kn_verifier *v) { return v->objects; }

void kn_verifier_destroy(struct kn_verifier *v) {
  free(v->set);
  free(v->stack);
  free(v);
}
