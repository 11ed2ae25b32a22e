/* The JSON roundtrip (seed 000, Perry's bench_json_roundtrip): build
 * `records` records {id, name, value, tags: [two strings], nested: {x, y}}
 * as GC objects and stringify them into one blob (about 1 MB for 10,000);
 * then `warmup` rounds and `iterations` timed rounds of parse(blob) and
 * stringify(result).  Each round's text must equal the blob byte for byte;
 * a checksum of the lengths is printed.  Object keys are interned in a
 * long-lived table allocated with KN_ALLOC_LONG_LIVED (the seed's
 * PARSE_KEY_CACHE).  The source records and the blob are setup data kept
 * for the whole run, so they carry the long-lived hint too: without it the
 * first parse shares a block with them, and block-persist's persistence
 * pass cascades from there (doc/block-persist.md). */

#include <stdlib.h>

#include "json.h"
#include "workloads.h"

enum { R_RECORDS, R_BLOB, R_PARSED, R_TEXT, R_RECORD, R_PART, R_COUNT };

static const char *const record_keys[] = {"id", "name", "value", "tags", "nested", "x", "y"};

struct record_fields {
  double id, value, x, y;
  char name[32], tag0[32], tag1[32];
};

static struct record_fields record_fields(long i) {
  struct record_fields f = {.id = (double)i, .value = (double)i * 3.14159,
                            .x = (double)(i % 100), .y = (double)i * 2.5};
  snprintf(f.name, sizeof f.name, "item_%ld", i);
  snprintf(f.tag0, sizeof f.tag0, "tag%ld", i % 10);
  snprintf(f.tag1, sizeof f.tag1, "group%ld", i % 7);
  return f;
}

/* Sets an object's pair k to (interned key, the value in r[R_PART]). */
static void set_pair(bench_mut *m, struct json_keys *keys, void **r, void **obj_slot,
                     uint32_t k, const char *key) {
  void *interned = json_intern(m, keys, key, strlen(key));
  void *obj = *obj_slot;
  bench_store(m, obj, &json_slots(obj)[2 * k], interned);
  bench_store(m, obj, &json_slots(obj)[2 * k + 1], r[R_PART]);
}

static void make_record(bench_mut *m, struct json_keys *keys, void **r, long i) {
  struct record_fields f = record_fields(i);
  r[R_RECORD] = json_vec(m, JSON_OBJECT, 10, JSON_LONG_LIVED);
  r[R_PART] = json_number(m, f.id, JSON_LONG_LIVED);
  set_pair(m, keys, r, &r[R_RECORD], 0, "id");
  r[R_PART] = json_string(m, f.name, strlen(f.name), JSON_LONG_LIVED);
  set_pair(m, keys, r, &r[R_RECORD], 1, "name");
  r[R_PART] = json_number(m, f.value, JSON_LONG_LIVED);
  set_pair(m, keys, r, &r[R_RECORD], 2, "value");

  void *tags = json_vec(m, JSON_ARRAY, 2, JSON_LONG_LIVED);
  r[R_PART] = tags;
  set_pair(m, keys, r, &r[R_RECORD], 3, "tags");
  void *s = json_string(m, f.tag0, strlen(f.tag0), JSON_LONG_LIVED);
  tags = json_slots(r[R_RECORD])[7];
  bench_store(m, tags, &json_slots(tags)[0], s);
  s = json_string(m, f.tag1, strlen(f.tag1), JSON_LONG_LIVED);
  tags = json_slots(r[R_RECORD])[7];
  bench_store(m, tags, &json_slots(tags)[1], s);

  r[R_PART] = json_vec(m, JSON_OBJECT, 4, JSON_LONG_LIVED);
  set_pair(m, keys, r, &r[R_RECORD], 4, "nested");
  /* r[R_PART] now doubles as the nested object's slot. */
  void *nested_slot[1] = {r[R_PART]};
  struct bench_frame fr;
  bench_frame_push(m, &fr, nested_slot, 1);
  r[R_PART] = json_number(m, f.x, JSON_LONG_LIVED);
  set_pair(m, keys, r, &nested_slot[0], 0, "x");
  r[R_PART] = json_number(m, f.y, JSON_LONG_LIVED);
  set_pair(m, keys, r, &nested_slot[0], 1, "y");
  bench_frame_pop(m, &fr);
  r[R_PART] = NULL;
}

/* Bytes of one record's objects, and the length of its JSON text. */
static size_t record_bytes(long i, size_t *text_len) {
  struct record_fields f = record_fields(i);
  char num[40];
  size_t len = strlen("{\"id\":,\"name\":\"\",\"value\":,\"tags\":[\"\",\"\"],"
                      "\"nested\":{\"x\":,\"y\":}}");
  len += json_format_number(f.id, num, sizeof num) + json_format_number(f.value, num, sizeof num) +
         json_format_number(f.x, num, sizeof num) + json_format_number(f.y, num, sizeof num) +
         strlen(f.name) + strlen(f.tag0) + strlen(f.tag1);
  *text_len = len;
  return bench_object_bytes(json_vec_size(10)) + bench_object_bytes(json_vec_size(2)) +
         bench_object_bytes(json_vec_size(4)) + 4 * bench_object_bytes(json_number_size()) +
         bench_object_bytes(json_string_size(strlen(f.name))) +
         bench_object_bytes(json_string_size(strlen(f.tag0))) +
         bench_object_bytes(json_string_size(strlen(f.tag1)));
}

/* Live at the peak: the records, the blob, one parse result (records
 * again), one printed text (blob again), the parser's stack and the key
 * table. */
static size_t live_size(long records) {
  size_t objects = bench_object_bytes(json_vec_size((size_t)records)), text = 2;
  for (long i = 0; i < records; i++) {
    size_t len;
    objects += record_bytes(i, &len);
    text += len + 1;
  }
  size_t blob = bench_object_bytes(json_string_size(text));
  size_t stack = 2 * bench_object_bytes(json_vec_size(2 * (size_t)records + 128));
  size_t keys = 8 * bench_object_bytes(json_string_size(8)) + bench_object_bytes(json_vec_size(16));
  return 2 * objects + 2 * blob + stack + keys;
}

/* Stringifies r[from] into a heap string in r[to]. */
static size_t stringify(bench_mut *m, void **r, int from, int to, enum json_lifetime life) {
  char *text;
  size_t len = json_print(r[from], &text);
  r[to] = json_string(m, text, len, life);
  free(text);
  return len;
}

static bool same_text(void *a, void *b) {
  return json_count(a) == json_count(b) && !memcmp(json_chars(a), json_chars(b), json_count(a));
}

int workload_json(int argc, char **argv) {
  long records = 10000, warmup = 3, iterations = 50;
  const struct bench_opt opts[] = {
    {"records", BENCH_OPT_INT, &records, 1, 1e7, "records in the blob (10000)"},
    {"warmup", BENCH_OPT_INT, &warmup, 0, 1000, "untimed roundtrips first (3)"},
    {"iterations", BENCH_OPT_INT, &iterations, 1, 1e6, "timed roundtrips (50)"},
    {NULL, 0, NULL, 0, 0, NULL},
  };
  struct bench_common c;
  bench_parse_args(argc, argv, &c, opts);
  bench_mut *m = bench_start(&c, live_size(records));
  printf("records: %ld\niterations: %ld\n", records, iterations);

  void *r[R_COUNT] = {NULL};
  struct bench_frame f;
  bench_frame_push(m, &f, r, R_COUNT);
  struct json_keys keys;
  json_keys_init(m, &keys);
  r[R_RECORDS] = json_vec(m, JSON_ARRAY, (uint32_t)records, JSON_LONG_LIVED);
  for (long i = 0; i < records; i++) {
    make_record(m, &keys, r, i);
    bench_store(m, r[R_RECORDS], &json_slots(r[R_RECORDS])[i], r[R_RECORD]);
  }
  r[R_RECORD] = NULL;
  size_t blob_len = stringify(m, r, R_RECORDS, R_BLOB, JSON_LONG_LIVED);
  printf("blob-bytes: %zu\n", blob_len);

  uint64_t checksum = 0, t0 = 0;
  bool ok = true;
  for (long k = 0; k < warmup + iterations; k++) {
    if (k == warmup)
      t0 = bench_now_ns();
    r[R_PARSED] = json_parse(m, &keys, &r[R_BLOB]);
    if (!bench_check(r[R_PARSED] != NULL, "the blob does not parse"))
      break;
    if (c.corrupt && k == warmup + iterations - 1) {
      void *first = json_slots(r[R_PARSED])[0];
      void *other = json_slots(json_slots(r[R_PARSED])[records > 1 ? 1 : 0])[3];
      bench_store(m, first, &json_slots(first)[1], other); /* id := a name */
    }
    checksum += stringify(m, r, R_PARSED, R_TEXT, JSON_SHORT_LIVED);
    ok &= bench_check(same_text(r[R_TEXT], r[R_BLOB]), "a roundtrip changed the text");
  }
  uint64_t elapsed = bench_now_ns() - t0;
  bench_check(keys.count == sizeof record_keys / sizeof record_keys[0],
              "the key table does not hold exactly the record keys");
  bench_check(checksum == (uint64_t)(warmup + iterations) * blob_len, "checksum");
  printf("checksum: %llu\n", (unsigned long long)checksum);
  printf("ms-per-roundtrip: %.3f\n", elapsed / 1e6 / (double)iterations);
  json_keys_destroy(m, &keys);
  bench_frame_pop(m, &f);
  return bench_finish(m, &c, elapsed, ok);
}
