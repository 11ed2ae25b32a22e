/* The mutator registry and stop-the-world; the protocol is described in
 * mutators.h. */

#include "mutators.h"

static void lock(struct kn_mutator_registry *reg) { pthread_mutex_lock(&reg->lock); }
static void unlock(struct kn_mutator_registry *reg) { pthread_mutex_unlock(&reg->lock); }

static void set_stop_requested(struct kn_mutator_entry *e, int value) {
  __atomic_store_n(&e->base->fast.stop_requested, value, __ATOMIC_RELAXED);
}

void kn_mutators_init(struct kn_mutator_registry *reg) {
  pthread_mutex_init(&reg->lock, NULL);
  pthread_cond_init(&reg->changed, NULL);
  pthread_cond_init(&reg->restarted, NULL);
  reg->head = NULL;
  reg->count = 0;
  reg->collecting = false;
  reg->epoch = 0;
}

void kn_mutators_destroy(struct kn_mutator_registry *reg) {
  pthread_cond_destroy(&reg->restarted);
  pthread_cond_destroy(&reg->changed);
  pthread_mutex_destroy(&reg->lock);
}

/* Waits, PARKED, while a collection is in progress.  Called with the lock
 * held; returns with it held and the mutator in state `after`. */
static void wait_out_collection(struct kn_mutator_registry *reg, struct kn_mutator_entry *e,
                                enum kn_mutator_state after) {
  if (reg->collecting) {
    e->state = KN_MUTATOR_PARKED;
    pthread_cond_broadcast(&reg->changed);
    while (reg->collecting)
      pthread_cond_wait(&reg->restarted, &reg->lock);
  }
  e->state = after;
}

void kn_mutators_add(struct kn_mutator_registry *reg, struct kn_mutator_entry *e,
                     struct kn_mutator_base *base) {
  e->base = base;
  e->prev = NULL;
  lock(reg);
  while (reg->collecting)
    pthread_cond_wait(&reg->restarted, &reg->lock);
  e->state = KN_MUTATOR_RUNNING;
  e->next = reg->head;
  if (reg->head)
    reg->head->prev = e;
  reg->head = e;
  reg->count++;
  unlock(reg);
}

void kn_mutators_remove(struct kn_mutator_registry *reg, struct kn_mutator_entry *e) {
  lock(reg);
  wait_out_collection(reg, e, KN_MUTATOR_RUNNING);
  if (e->prev)
    e->prev->next = e->next;
  else
    reg->head = e->next;
  if (e->next)
    e->next->prev = e->prev;
  reg->count--;
  pthread_cond_broadcast(&reg->changed);
  unlock(reg);
}

void kn_mutators_park(struct kn_mutator_registry *reg, struct kn_mutator_entry *e) {
  lock(reg);
  wait_out_collection(reg, e, KN_MUTATOR_RUNNING);
  unlock(reg);
}

void kn_mutators_deactivate(struct kn_mutator_registry *reg, struct kn_mutator_entry *e) {
  lock(reg);
  e->state = KN_MUTATOR_INACTIVE;
  pthread_cond_broadcast(&reg->changed);
  unlock(reg);
}

void kn_mutators_reactivate(struct kn_mutator_registry *reg, struct kn_mutator_entry *e) {
  lock(reg);
  while (reg->collecting)
    pthread_cond_wait(&reg->restarted, &reg->lock);
  e->state = KN_MUTATOR_RUNNING;
  unlock(reg);
}

uint64_t kn_mutators_epoch(struct kn_mutator_registry *reg) {
  lock(reg);
  uint64_t epoch = reg->epoch;
  unlock(reg);
  return epoch;
}

static bool others_stopped(struct kn_mutator_registry *reg, struct kn_mutator_entry *self) {
  for (struct kn_mutator_entry *e = reg->head; e; e = e->next)
    if (e != self && e->state == KN_MUTATOR_RUNNING)
      return false;
  return true;
}

bool kn_mutators_stop_world(struct kn_mutator_registry *reg, struct kn_mutator_entry *self,
                            uint64_t epoch) {
  lock(reg);
  wait_out_collection(reg, self, KN_MUTATOR_RUNNING);
  if (epoch != KN_ANY_EPOCH && epoch != reg->epoch) {
    unlock(reg);
    return false;
  }
  reg->collecting = true;
  for (struct kn_mutator_entry *e = reg->head; e; e = e->next)
    if (e != self)
      set_stop_requested(e, 1);
  while (!others_stopped(reg, self))
    pthread_cond_wait(&reg->changed, &reg->lock);
  unlock(reg);
  return true;
}

void kn_mutators_restart_world(struct kn_mutator_registry *reg) {
  lock(reg);
  for (struct kn_mutator_entry *e = reg->head; e; e = e->next)
    set_stop_requested(e, 0);
  reg->collecting = false;
  reg->epoch++;
  pthread_cond_broadcast(&reg->restarted);
  unlock(reg);
}
