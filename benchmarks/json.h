#ifndef BENCH_JSON_H
#define BENCH_JSON_H

/* JSON values as GC objects, for the JSON roundtrip workload.
 *   number: pointerless {meta, double}
 *   string: pointerless {meta, bytes}; meta's count is the length
 *   array:  BENCH_TAG_VEC {meta, values...}
 *   object: BENCH_TAG_VEC {meta, key, value, key, value...}; keys are
 *           strings interned in a long-lived table
 *   null, false, true: immediates. */

#include <string.h>

#include "bench-util.h"

enum json_kind { JSON_NUMBER = 1, JSON_STRING, JSON_ARRAY, JSON_OBJECT };

#define JSON_NULL ((void *)(uintptr_t)0x1)
#define JSON_FALSE ((void *)(uintptr_t)0x9)
#define JSON_TRUE ((void *)(uintptr_t)0x11)

static inline uintptr_t json_meta(const void *v) { return *(const uintptr_t *)v; }
static inline enum json_kind json_kind_of(const void *v) {
  return (enum json_kind)bench_meta_kind(json_meta(v));
}
static inline uint32_t json_count(const void *v) { return bench_meta_count(json_meta(v)); }
static inline char *json_chars(void *s) { return (char *)s + sizeof(uintptr_t); }
static inline double json_number_value(const void *n) {
  double d;
  memcpy(&d, (const char *)n + sizeof(uintptr_t), sizeof d);
  return d;
}
static inline void **json_slots(void *v) { return (void **)v + 1; }

/* Payload sizes, for the live-size computation. */
static inline size_t json_string_size(size_t len) { return sizeof(uintptr_t) + len; }
static inline size_t json_vec_size(size_t n) { return sizeof(uintptr_t) * (n + 1); }
static inline size_t json_number_size(void) { return sizeof(uintptr_t) + sizeof(double); }

/* How long a value lives: JSON_LONG_LIVED values (setup data kept for the
 * whole run) are allocated with the long-lived hint, which block-persist
 * routes to blocks of their own (fix A) and other collectors ignore. */
enum json_lifetime { JSON_SHORT_LIVED, JSON_LONG_LIVED };

void *json_number(bench_mut *m, double d, enum json_lifetime life);
/* `text` must not point into the heap (it would move). */
void *json_string(bench_mut *m, const char *text, size_t len, enum json_lifetime life);
/* An array or object of `count` slots, all NULL. */
void *json_vec(bench_mut *m, enum json_kind kind, uint32_t count, enum json_lifetime life);

/* Keys: one long-lived table, registered as a root. */
struct json_keys {
  void *table;               /* BENCH_TAG_VEC of string or NULL slots */
  uint32_t count;
};
void json_keys_init(bench_mut *m, struct json_keys *keys);
void json_keys_destroy(bench_mut *m, struct json_keys *keys);
/* The interned string equal to `text` (outside the heap). */
void *json_intern(bench_mut *m, struct json_keys *keys, const char *text, size_t len);

/* Stringifies `value` (which does not move meanwhile: no allocation) into
 * a malloc'd buffer; returns its length.  The printer writes numbers with
 * json_format_number. */
size_t json_print(void *value, char **out);
size_t json_format_number(double d, char *buf, size_t size);

/* Parses the heap string in *blob_slot (a root: it may move) and returns
 * the value; NULL on a syntax error. */
void *json_parse(bench_mut *m, struct json_keys *keys, void **blob_slot);

#endif
