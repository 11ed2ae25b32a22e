/* The thread entry points of collectors that support one mutator only
 * (semi, gen-ms, block-persist): the heap's own mutator is the only one,
 * so a second is refused with the reason, and there is never another
 * thread to wait for at a safepoint. */

#include "kn-internal.h"

struct kn_mutator *kn_mutator_attach(struct kn_heap *heap) {
  kn_set_error(kn_common_of(heap),
               "%s supports one mutator only (the heap's own): use pcc for several threads",
               kn_collector_id);
  return NULL;
}

void kn_mutator_detach(struct kn_mutator *mut) {
  (void)mut;
  kn_misuse("kn_mutator_detach: this collector's only mutator belongs to the heap; "
            "kn_heap_destroy frees it");
}

/* Nothing waits for the only mutator, so there is nothing to announce. */
void kn_mutator_deactivate(struct kn_mutator *mut) { (void)mut; }
void kn_mutator_reactivate(struct kn_mutator *mut) { (void)mut; }
void kn_safepoint_slow(struct kn_mutator *mut) { (void)mut; }
