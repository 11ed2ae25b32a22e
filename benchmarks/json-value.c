/* JSON values as GC objects (json.h): constructors, the long-lived key
 * table, a printer and a parser of our own. */

#include <math.h>
#include <stdlib.h>

#include "json.h"

/* ---- Values -------------------------------------------------------------- */

static void *alloc_data(bench_mut *m, size_t size, enum json_lifetime life) {
  return life == JSON_LONG_LIVED ? bench_alloc_long_lived_data(m, size) : bench_alloc_data(m, size);
}

void *json_number(bench_mut *m, double d, enum json_lifetime life) {
  uintptr_t *n = alloc_data(m, json_number_size(), life);
  n[0] = bench_meta(JSON_NUMBER, 0);
  memcpy(&n[1], &d, sizeof d);
  return n;
}

static void *string_of_length(bench_mut *m, size_t len, enum json_lifetime life) {
  uintptr_t *s = alloc_data(m, json_string_size(len), life);
  s[0] = bench_meta(JSON_STRING, (uint32_t)len);
  return s;
}

void *json_string(bench_mut *m, const char *text, size_t len, enum json_lifetime life) {
  void *s = string_of_length(m, len, life);
  memcpy(json_chars(s), text, len);
  return s;
}

void *json_vec(bench_mut *m, enum json_kind kind, uint32_t count, enum json_lifetime life) {
  size_t size = json_vec_size(count);
  uintptr_t *v = life == JSON_LONG_LIVED ? bench_alloc_long_lived(m, size, BENCH_TAG_VEC)
                                         : bench_alloc(m, size, BENCH_TAG_VEC);
  v[0] = bench_meta(kind, count);
  return v;
}

/* ---- Interned keys ------------------------------------------------------- */

static uint32_t hash_text(const char *text, size_t len) {
  uint32_t h = 2166136261u;
  for (size_t i = 0; i < len; i++)
    h = (h ^ (unsigned char)text[i]) * 16777619u;
  return h;
}

static void *table_vec(bench_mut *m, uint32_t capacity) {
  uintptr_t *v = bench_alloc_long_lived(m, json_vec_size(capacity), BENCH_TAG_VEC);
  v[0] = bench_meta(JSON_ARRAY, capacity);
  return v;
}

void json_keys_init(bench_mut *m, struct json_keys *keys) {
  keys->table = NULL;
  keys->count = 0;
  bench_add_root(m, &keys->table);
  keys->table = table_vec(m, 16);
}

void json_keys_destroy(bench_mut *m, struct json_keys *keys) {
  bench_remove_root(m, &keys->table);
  keys->table = NULL;
}

static void **find_slot(void *table, const char *text, size_t len) {
  uint32_t capacity = json_count(table);
  void **slots = json_slots(table);
  for (uint32_t i = hash_text(text, len) & (capacity - 1);; i = (i + 1) & (capacity - 1)) {
    void *s = slots[i];
    if (!s || (json_count(s) == len && !memcmp(json_chars(s), text, len)))
      return &slots[i];
  }
}

static void grow_table(bench_mut *m, struct json_keys *keys) {
  void *bigger = table_vec(m, 2 * json_count(keys->table));
  void *old = keys->table; /* read after the allocation: it may have moved */
  for (uint32_t i = 0; i < json_count(old); i++) {
    void *s = json_slots(old)[i];
    if (s) {
      void **slot = find_slot(bigger, json_chars(s), json_count(s));
      bench_store(m, bigger, slot, s);
    }
  }
  keys->table = bigger;
}

void *json_intern(bench_mut *m, struct json_keys *keys, const char *text, size_t len) {
  void **slot = find_slot(keys->table, text, len);
  if (*slot)
    return *slot;
  if (2 * (keys->count + 1) > json_count(keys->table))
    grow_table(m, keys);
  void *s = string_of_length(m, len, JSON_LONG_LIVED);
  memcpy(json_chars(s), text, len);
  slot = find_slot(keys->table, text, len); /* the table may have moved */
  bench_store(m, keys->table, slot, s);
  keys->count++;
  return s;
}

/* ---- Printer ------------------------------------------------------------- */

struct buffer {
  char *bytes;
  size_t len, capacity;
};

static void reserve(struct buffer *b, size_t more) {
  if (b->len + more <= b->capacity)
    return;
  size_t cap = b->capacity ? 2 * b->capacity : 4096;
  while (cap < b->len + more)
    cap *= 2;
  b->bytes = realloc(b->bytes, cap);
  if (!b->bytes)
    bench_fatal("out of memory");
  b->capacity = cap;
}

static void put(struct buffer *b, const char *s, size_t n) {
  reserve(b, n);
  memcpy(b->bytes + b->len, s, n);
  b->len += n;
}

static void put_char(struct buffer *b, char c) { put(b, &c, 1); }

size_t json_format_number(double d, char *buf, size_t size) {
  int n = d == floor(d) && fabs(d) < 1e15 ? snprintf(buf, size, "%.0f", d)
                                          : snprintf(buf, size, "%.17g", d);
  return (size_t)n;
}

static void print_string(struct buffer *b, const char *s, size_t len) {
  put_char(b, '"');
  for (size_t i = 0; i < len; i++) {
    unsigned char c = (unsigned char)s[i];
    if (c == '"' || c == '\\') {
      put_char(b, '\\');
      put_char(b, (char)c);
    } else if (c < 0x20) {
      char esc[8];
      snprintf(esc, sizeof esc, "\\u%04x", c);
      put(b, esc, 6);
    } else {
      put_char(b, (char)c);
    }
  }
  put_char(b, '"');
}

static void print_value(struct buffer *b, void *v) {
  if (v == JSON_NULL || !v)
    return put(b, "null", 4);
  if (v == JSON_TRUE)
    return put(b, "true", 4);
  if (v == JSON_FALSE)
    return put(b, "false", 5);
  switch (json_kind_of(v)) {
  case JSON_NUMBER: {
    char num[40];
    put(b, num, json_format_number(json_number_value(v), num, sizeof num));
    return;
  }
  case JSON_STRING:
    return print_string(b, json_chars(v), json_count(v));
  case JSON_ARRAY:
    put_char(b, '[');
    for (uint32_t i = 0; i < json_count(v); i++) {
      if (i)
        put_char(b, ',');
      print_value(b, json_slots(v)[i]);
    }
    return put_char(b, ']');
  case JSON_OBJECT:
    put_char(b, '{');
    for (uint32_t i = 0; i < json_count(v); i += 2) {
      if (i)
        put_char(b, ',');
      void *key = json_slots(v)[i];
      print_string(b, json_chars(key), json_count(key));
      put_char(b, ':');
      print_value(b, json_slots(v)[i + 1]);
    }
    return put_char(b, '}');
  }
  bench_fatal("json: corrupt value kind %u", json_kind_of(v));
}

size_t json_print(void *value, char **out) {
  struct buffer b = {NULL, 0, 0};
  print_value(&b, value);
  *out = b.bytes;
  return b.len;
}

/* ---- Parser -------------------------------------------------------------- */

/* Parsed values wait on a value stack (a rooted heap array) until their
 * array or object is complete, so that nothing unrooted is held across an
 * allocation. */
enum { R_BLOB, R_STACK, R_TMP, R_COUNT };

struct parser {
  bench_mut *m;
  struct json_keys *keys;
  void **r;
  size_t pos, len;
  uint32_t sp;
};

static const char *text(struct parser *p) { return json_chars(p->r[R_BLOB]); }

static int peek(struct parser *p) {
  while (p->pos < p->len && strchr(" \t\r\n", text(p)[p->pos]))
    p->pos++;
  return p->pos < p->len ? (unsigned char)text(p)[p->pos] : -1;
}

static bool expect(struct parser *p, char c) {
  if (peek(p) != c)
    return false;
  p->pos++;
  return true;
}

static void push(struct parser *p, void *v) {
  p->r[R_TMP] = v;
  if (p->sp == json_count(p->r[R_STACK])) {
    void *bigger = json_vec(p->m, JSON_ARRAY, 2 * p->sp, JSON_SHORT_LIVED);
    void **old = json_slots(p->r[R_STACK]);
    for (uint32_t i = 0; i < p->sp; i++)
      bench_store(p->m, bigger, &json_slots(bigger)[i], old[i]);
    p->r[R_STACK] = bigger;
  }
  void *stack = p->r[R_STACK];
  bench_store(p->m, stack, &json_slots(stack)[p->sp++], p->r[R_TMP]);
  p->r[R_TMP] = NULL;
}

/* Replaces the top `n` values with an array or object holding them. */
static void collapse(struct parser *p, enum json_kind kind, uint32_t n) {
  void *v = json_vec(p->m, kind, n, JSON_SHORT_LIVED);
  void **top = json_slots(p->r[R_STACK]) + (p->sp - n);
  for (uint32_t i = 0; i < n; i++) {
    bench_store(p->m, v, &json_slots(v)[i], top[i]);
    top[i] = NULL;
  }
  p->sp -= n;
  push(p, v);
}

/* The decoded length of the string body at pos, or -1. */
static long string_length(struct parser *p, size_t *end) {
  const char *t = text(p);
  long n = 0;
  size_t i = p->pos;
  for (; i < p->len && t[i] != '"'; i++, n++) {
    if (t[i] != '\\')
      continue;
    if (++i >= p->len)
      return -1;
    if (t[i] == 'u') {
      if (i + 4 >= p->len)
        return -1;
      i += 4;
    }
  }
  *end = i;
  return i < p->len ? n : -1;
}

static void decode_string(const char *t, size_t from, size_t to, char *out) {
  for (size_t i = from; i < to; i++) {
    char c = t[i];
    if (c == '\\') {
      c = t[++i];
      switch (c) {
      case 'n': c = '\n'; break;
      case 't': c = '\t'; break;
      case 'r': c = '\r'; break;
      case 'b': c = '\b'; break;
      case 'f': c = '\f'; break;
      case 'u': c = (char)strtol((char[]){t[i + 1], t[i + 2], t[i + 3], t[i + 4], 0}, NULL, 16);
                i += 4; break;
      default: break; /* '"', '\\', '/' stand for themselves */
      }
    }
    *out++ = c;
  }
}

static bool parse_string(struct parser *p, bool is_key) {
  p->pos++; /* the opening quote */
  size_t end;
  long n = string_length(p, &end);
  if (n < 0)
    return false;
  if (is_key) {
    char small[128];
    char *key = (size_t)n <= sizeof small ? small : malloc((size_t)n);
    if (!key)
      bench_fatal("out of memory");
    decode_string(text(p), p->pos, end, key);
    push(p, json_intern(p->m, p->keys, key, (size_t)n));
    if (key != small)
      free(key);
  } else {
    void *s = string_of_length(p->m, (size_t)n, JSON_SHORT_LIVED);
    decode_string(text(p), p->pos, end, json_chars(s)); /* text re-read: it may move */
    push(p, s);
  }
  p->pos = end + 1;
  return true;
}

static bool parse_number(struct parser *p) {
  char buf[64];
  size_t n = 0;
  const char *t = text(p);
  while (p->pos < p->len && n < sizeof buf - 1 && strchr("+-0123456789.eE", t[p->pos]))
    buf[n++] = t[p->pos++];
  buf[n] = 0;
  char *end;
  double d = strtod(buf, &end);
  if (!n || *end)
    return false;
  push(p, json_number(p->m, d, JSON_SHORT_LIVED));
  return true;
}

static bool parse_literal(struct parser *p, const char *word, void *value) {
  size_t n = strlen(word);
  if (p->len - p->pos < n || memcmp(text(p) + p->pos, word, n))
    return false;
  p->pos += n;
  push(p, value);
  return true;
}

static bool parse_value(struct parser *p);

static bool parse_container(struct parser *p, char close, enum json_kind kind) {
  p->pos++;
  uint32_t base = p->sp;
  if (!expect(p, close)) {
    do {
      if (kind == JSON_OBJECT && (peek(p) != '"' || !parse_string(p, true) || !expect(p, ':')))
        return false;
      if (!parse_value(p))
        return false;
    } while (expect(p, ','));
    if (!expect(p, close))
      return false;
  }
  collapse(p, kind, p->sp - base);
  return true;
}

static bool parse_value(struct parser *p) {
  switch (peek(p)) {
  case '{': return parse_container(p, '}', JSON_OBJECT);
  case '[': return parse_container(p, ']', JSON_ARRAY);
  case '"': return parse_string(p, false);
  case 't': return parse_literal(p, "true", JSON_TRUE);
  case 'f': return parse_literal(p, "false", JSON_FALSE);
  case 'n': return parse_literal(p, "null", JSON_NULL);
  case -1: return false;
  default: return parse_number(p);
  }
}

void *json_parse(bench_mut *m, struct json_keys *keys, void **blob_slot) {
  void *r[R_COUNT] = {*blob_slot, NULL, NULL};
  struct bench_frame f;
  bench_frame_push(m, &f, r, R_COUNT);
  r[R_STACK] = json_vec(m, JSON_ARRAY, 64, JSON_SHORT_LIVED);
  struct parser p = {.m = m, .keys = keys, .r = r, .len = json_count(r[R_BLOB])};
  bool ok = parse_value(&p) && peek(&p) == -1 && p.sp == 1;
  void *result = ok ? json_slots(r[R_STACK])[0] : NULL;
  bench_frame_pop(m, &f);
  return result;
}
