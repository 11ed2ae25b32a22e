#ifndef KN_ATTRS_H
#define KN_ATTRS_H

/* What the inline fast paths need to know about the configured collector.
 * Each collector has a header of tiny inline functions returning
 * constants; the compiler folds them, so the fast paths carry only the
 * branches that matter for that collector.  The embedder never names the
 * collector: the build (pkg-config's cflags) defines KN_COLLECTOR_<NAME>. */

#include <stddef.h>

enum kn_allocator_kind {
  KN_ALLOCATOR_BUMP_POINTER,  /* inline bump into kn_mutator_fast.hp/limit */
  KN_ALLOCATOR_OUT_OF_LINE,   /* every allocation calls the library */
};

enum kn_barrier_kind {
  KN_BARRIER_NONE,            /* no write barrier; kn_write_barrier is empty */
  KN_BARRIER_PAGE_FLAGS,      /* V8 style: flags on the object's and value's pages */
  KN_BARRIER_OUT_OF_LINE,     /* every barrier calls the library */
};

enum kn_safepoint_kind {
  KN_SAFEPOINT_NONE,          /* one mutator: nothing to poll */
  KN_SAFEPOINT_POLL,          /* poll kn_mutator_fast.stop_requested */
};

#if defined(KN_COLLECTOR_SEMI)
#include "kn-attrs-semi.h"
#elif defined(KN_COLLECTOR_PCC)
#include "kn-attrs-pcc.h"
#elif defined(KN_COLLECTOR_GEN_MS)
#include "kn-attrs-gen-ms.h"
#elif defined(KN_COLLECTOR_BLOCK_PERSIST)
#include "kn-attrs-block-persist.h"
#else
#error "no collector selected: compile with the cflags of `pkg-config --cflags kennel`"
#endif

#endif
