#ifndef KN_MUTATORS_H
#define KN_MUTATORS_H

/* The mutator registry: every thread attached to a heap, and the
 * stop-the-world protocol that collectors with several mutators share.
 *
 * Each attached mutator is in one of three states:
 *   RUNNING   it may touch heap objects and allocate
 *   PARKED    it waits at a safepoint for a collection to finish
 *   INACTIVE  it promised not to touch the heap (kn_mutator_deactivate):
 *             blocked in a system call, waiting on a lock, and so on
 *
 * A thread that wants a collection calls kn_mutators_stop_world.  That sets
 * `collecting` and the stop_requested flag of every other mutator (the
 * inline kn_safepoint polls it), then waits until every other mutator is
 * PARKED or INACTIVE.  While `collecting` is set no mutator becomes
 * RUNNING: safepoints park, reactivation and attachment wait, so the
 * collecting thread owns the heap alone.  kn_mutators_restart_world clears
 * the flags and wakes everyone.
 *
 * All state changes happen under one mutex, which also orders memory: what
 * a mutator wrote before parking is visible to the collector, and what the
 * collector wrote (moved objects, updated roots) is visible to the mutator
 * after it wakes. */

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "kn-internal.h"

enum kn_mutator_state { KN_MUTATOR_RUNNING, KN_MUTATOR_PARKED, KN_MUTATOR_INACTIVE };

/* A collector embeds one in each mutator and hands it to the registry. */
struct kn_mutator_entry {
  struct kn_mutator_base *base;
  struct kn_mutator_entry *prev, *next;
  enum kn_mutator_state state;
};

struct kn_mutator_registry {
  pthread_mutex_t lock;
  pthread_cond_t changed;        /* a mutator parked, deactivated or left */
  pthread_cond_t restarted;      /* a collection finished */
  struct kn_mutator_entry *head;
  size_t count;
  bool collecting;
  uint64_t epoch;                /* collections finished; see stop_world */
};

/* Passed as `epoch` to kn_mutators_stop_world: collect whatever happened. */
#define KN_ANY_EPOCH UINT64_MAX

void kn_mutators_init(struct kn_mutator_registry *reg);
void kn_mutators_destroy(struct kn_mutator_registry *reg);

/* Registers the calling thread's mutator as RUNNING, waiting first for a
 * collection in progress to finish. */
void kn_mutators_add(struct kn_mutator_registry *reg, struct kn_mutator_entry *e,
                     struct kn_mutator_base *base);
/* Unregisters it, parking first if a collection is in progress.  The
 * collector must already have handed back what the mutator owned. */
void kn_mutators_remove(struct kn_mutator_registry *reg, struct kn_mutator_entry *e);

/* The safepoint slow path: parks until the collection in progress, if any,
 * has finished. */
void kn_mutators_park(struct kn_mutator_registry *reg, struct kn_mutator_entry *e);

void kn_mutators_deactivate(struct kn_mutator_registry *reg, struct kn_mutator_entry *e);
/* Waits for a collection in progress before returning to RUNNING. */
void kn_mutators_reactivate(struct kn_mutator_registry *reg, struct kn_mutator_entry *e);

/* The epoch now: read it before deciding a collection is needed. */
uint64_t kn_mutators_epoch(struct kn_mutator_registry *reg);

/* Stops every other mutator.  If another thread collects first, the caller
 * parks until it finishes; then, if the epoch is no longer `epoch` (a
 * collection happened meanwhile), returns false without stopping anything,
 * so the caller can retry what made it want a collection.  Returns true
 * with the world stopped otherwise.  KN_ANY_EPOCH always stops. */
bool kn_mutators_stop_world(struct kn_mutator_registry *reg, struct kn_mutator_entry *self,
                            uint64_t epoch);
void kn_mutators_restart_world(struct kn_mutator_registry *reg);

/* Iteration, valid while the world is stopped (or under reg->lock). */
static inline struct kn_mutator_entry *kn_mutators_first(struct kn_mutator_registry *reg) {
  return reg->head;
}

#endif
