#ifndef KN_STATS_H
#define KN_STATS_H

/* Statistics and events.  Every collector reports the same figures through
 * the same structures; what only one collector knows (promotion rate,
 * persisted blocks) travels as named counters. */

#include <stdint.h>
#include <stdio.h>

enum kn_collection_kind {
  KN_COLLECT_MINOR,  /* young generation only; a major one where there is none */
  KN_COLLECT_MAJOR,  /* the whole heap */
  KN_COLLECTION_KINDS
};

#define KN_MAX_COUNTERS 16

/* A figure that only some collectors have, such as "promoted-bytes". */
struct kn_counter {
  const char *name;
  uint64_t value;
};

/* What one collection did; passed to the listener when it ends. */
struct kn_collection_report {
  enum kn_collection_kind kind;
  uint64_t number;            /* 1 for the first collection of the heap */
  uint64_t pause_ns;
  uint64_t live_bytes;        /* bytes of objects that survived */
  uint64_t heap_bytes;        /* heap size after the collection */
  unsigned counter_count;
  struct kn_counter counters[KN_MAX_COUNTERS];
};

struct kn_event_listener {
  void (*collection_start)(void *data, enum kn_collection_kind kind);
  void (*collection_end)(void *data, const struct kn_collection_report *report);
  void (*heap_resized)(void *data, uint64_t old_bytes, uint64_t new_bytes);
  void *data;
};

/* Totals since the heap was created. */
struct kn_stats {
  const char *collector;
  uint64_t collections[KN_COLLECTION_KINDS];
  uint64_t pause_p50_ns, pause_p95_ns, pause_max_ns, pause_total_ns;
  uint64_t bytes_allocated;
  uint64_t live_bytes;        /* after the last collection */
  uint64_t heap_bytes;        /* now */
  uint64_t peak_heap_bytes;
  unsigned counter_count;     /* collector-specific totals */
  struct kn_counter counters[KN_MAX_COUNTERS];
};

struct kn_heap;

void kn_heap_get_stats(struct kn_heap *heap, struct kn_stats *out);
void kn_heap_set_event_listener(struct kn_heap *heap,
                                const struct kn_event_listener *listener);

/* One "key: value" line per figure, stable so scripts can read it. */
void kn_stats_print(const struct kn_stats *stats, FILE *out);

#endif
