/* JSON.parse and JSON.stringify.
 *
 * The parser reads the rooted text string by position.  An object's
 * members and an array's elements are first pushed on the VM stack (so
 * they are rooted while the rest is parsed), then the container is
 * allocated at its final size.  Keys go through PARSE_KEY_CACHE (after
 * seed 000): a small long-lived direct-mapped table from the key's units
 * to its interned string, so a key seen before costs a hash and a compare
 * and allocates nothing.
 *
 * The printer writes into a buffer outside the heap and allocates only the
 * result, so nothing moves while it walks the value and it may use
 * addresses to detect cycles. */

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "builtins.h"

enum { KEY_CACHE_MAX_LEN = 64 };

struct json_parser {
  Value *text;   /* rooted string */
  size_t pos;
};

static const uint16_t *units(struct json_parser *p) { return as_string(*p->text)->units; }
static size_t text_length(struct json_parser *p) { return as_string(*p->text)->length; }

static void __attribute__((noreturn)) json_error(struct json_parser *p, const char *what) {
  if (p->pos >= text_length(p))
    js_error_at(vm_current_node, "SyntaxError",
                "JSON.parse: unexpected end of JSON input at position %zu", p->pos);
  uint16_t c = units(p)[p->pos];
  if (c >= 32 && c < 127)
    js_error_at(vm_current_node, "SyntaxError", "JSON.parse: %s: unexpected '%c' at position %zu",
                what, (char)c, p->pos);
  js_error_at(vm_current_node, "SyntaxError",
              "JSON.parse: %s: unexpected character U+%04X at position %zu", what, c, p->pos);
}

static void skip_ws(struct json_parser *p) {
  size_t n = text_length(p);
  const uint16_t *u = units(p);
  while (p->pos < n && (u[p->pos] == ' ' || u[p->pos] == '\t' || u[p->pos] == '\n' || u[p->pos] == '\r'))
    p->pos++;
}

static bool peek_is(struct json_parser *p, uint16_t c) {
  return p->pos < text_length(p) && units(p)[p->pos] == c;
}

static Value parse_value(struct json_parser *p);

/* Decodes a string with escapes into `b`, from just after the quote. */
static void decode_escaped(struct json_parser *p, struct ubuf *b) {
  for (;;) {
    if (p->pos >= text_length(p))
      json_error(p, "unterminated string");
    uint16_t c = units(p)[p->pos];
    if (c == '"') {
      p->pos++;
      return;
    }
    if (c < 0x20)
      json_error(p, "bad control character in string literal");
    if (c != '\\') {
      ubuf_add(b, c);
      p->pos++;
      continue;
    }
    p->pos++;
    if (p->pos >= text_length(p))
      json_error(p, "unterminated string");
    c = units(p)[p->pos];
    switch (c) {
    case '"': case '\\': case '/': ubuf_add(b, c); break;
    case 'b': ubuf_add(b, '\b'); break;
    case 'f': ubuf_add(b, '\f'); break;
    case 'n': ubuf_add(b, '\n'); break;
    case 'r': ubuf_add(b, '\r'); break;
    case 't': ubuf_add(b, '\t'); break;
    case 'u': {
      unsigned v = 0;
      for (int i = 1; i <= 4; i++) {
        int d = p->pos + i < text_length(p) ? hex_digit(units(p)[p->pos + i]) : -1;
        if (d < 0) {
          p->pos += (size_t)i;
          json_error(p, "bad Unicode escape");
        }
        v = v * 16 + (unsigned)d;
      }
      ubuf_add(b, (uint16_t)v); /* surrogate halves pass through as units */
      p->pos += 4;
      break;
    }
    default:
      json_error(p, "bad escaped character");
    }
    p->pos++;
  }
}

/* Parses a string; as an interned key when `key` is set. */
static Value parse_string(struct json_parser *p, bool key) {
  p->pos++; /* the opening quote */
  size_t start = p->pos, n = text_length(p);
  const uint16_t *u = units(p);
  size_t i = start;
  while (i < n && u[i] != '"' && u[i] != '\\' && u[i] >= 0x20)
    i++;
  if (i < n && u[i] == '"') {
    size_t len = i - start;
    p->pos = i + 1;
    if (!key) {
      Value s = alloc_string(len); /* moves the text: re-read it below */
      memcpy(as_string(s)->units, units(p) + start, len * sizeof(uint16_t));
      return s;
    }
    uint32_t h = hash_units(u + start, len);
    size_t slot = h & (values_count(vm.parse_key_cache) - 1);
    Value cached = values_of(vm.parse_key_cache)[slot];
    if (cached && as_string(cached)->hash == h && as_string(cached)->length == len &&
        memcmp(as_string(cached)->units, u + start, len * sizeof(uint16_t)) == 0)
      return cached;
    Value atom = intern_slice(p->text, start, len);
    if (len <= KEY_CACHE_MAX_LEN)
      store((void *)vm.parse_key_cache, &values_of(vm.parse_key_cache)[slot], atom);
    return atom;
  }
  p->pos = i;
  struct ubuf b = {0};
  for (size_t k = start; k < i; k++)
    ubuf_add(&b, u[k]);
  decode_escaped(p, &b);
  Value s = key ? intern_units(b.u, b.len) : make_string_units(b.u, b.len);
  ubuf_free(&b);
  return s;
}

static bool is_digit_at(struct json_parser *p, size_t at) {
  return at < text_length(p) && units(p)[at] >= '0' && units(p)[at] <= '9';
}

static Value parse_number(struct json_parser *p) {
  size_t start = p->pos;
  if (peek_is(p, '-'))
    p->pos++;
  if (!is_digit_at(p, p->pos))
    json_error(p, "no digits in number");
  if (units(p)[p->pos] == '0')
    p->pos++;
  else
    while (is_digit_at(p, p->pos))
      p->pos++;
  if (peek_is(p, '.')) {
    p->pos++;
    if (!is_digit_at(p, p->pos))
      json_error(p, "no digits after the decimal point");
    while (is_digit_at(p, p->pos))
      p->pos++;
  }
  if (peek_is(p, 'e') || peek_is(p, 'E')) {
    p->pos++;
    if (peek_is(p, '+') || peek_is(p, '-'))
      p->pos++;
    if (!is_digit_at(p, p->pos))
      json_error(p, "no digits in exponent");
    while (is_digit_at(p, p->pos))
      p->pos++;
  }
  char buf[128];
  size_t len = p->pos - start;
  if (len >= sizeof buf) {
    char *big = cmem_alloc(len + 1, "parsing a number");
    for (size_t i = 0; i < len; i++)
      big[i] = (char)units(p)[start + i];
    big[len] = 0;
    double d = strtod(big, NULL);
    cmem_free(big);
    return make_number(d);
  }
  for (size_t i = 0; i < len; i++)
    buf[i] = (char)units(p)[start + i];
  buf[len] = 0;
  return make_number(strtod(buf, NULL));
}

static void expect_word(struct json_parser *p, const char *word) {
  for (size_t i = 0; word[i]; i++, p->pos++)
    if (!peek_is(p, (uint16_t)word[i]))
      json_error(p, "invalid literal");
}

static Value parse_array(struct json_parser *p) {
  p->pos++;
  size_t first = vm.sp;
  skip_ws(p);
  if (peek_is(p, ']')) {
    p->pos++;
    return new_array(0);
  }
  for (;;) {
    push(parse_value(p));
    skip_ws(p);
    if (peek_is(p, ',')) {
      p->pos++;
      continue;
    }
    if (peek_is(p, ']'))
      break;
    json_error(p, "expected ',' or ']' after an array element");
  }
  p->pos++;
  size_t n = vm.sp - first;
  Value arr = new_array(n);
  struct js_array *a = as_array(arr);
  for (size_t i = 0; i < n; i++)
    store((void *)a->elems, &values_of(a->elems)[i], vm.stack[first + i]);
  a->length = n;
  vm.sp = first;
  return arr;
}

static Value parse_object(struct json_parser *p) {
  p->pos++;
  size_t first = vm.sp;
  skip_ws(p);
  if (peek_is(p, '}')) {
    p->pos++;
  } else {
    for (;;) {
      skip_ws(p);
      if (!peek_is(p, '"'))
        json_error(p, "expected a property name");
      push(parse_string(p, true));
      skip_ws(p);
      if (!peek_is(p, ':'))
        json_error(p, "expected ':' after a property name");
      p->pos++;
      push(parse_value(p));
      skip_ws(p);
      if (peek_is(p, ',')) {
        p->pos++;
        continue;
      }
      if (peek_is(p, '}'))
        break;
      json_error(p, "expected ',' or '}' after a property value");
    }
    p->pos++;
  }
  size_t n = (vm.sp - first) / 2;
  Value *shape = push(vm.root_shape);
  Value *obj = push(new_object(shape, n == 0 ? 1 : n > 64 ? 4 : n));
  for (size_t i = 0; i < n; i++)
    object_set(obj, &vm.stack[first + 2 * i], &vm.stack[first + 2 * i + 1]);
  Value r = *obj;
  vm.sp = first;
  return r;
}

static Value parse_value(struct json_parser *p) {
  skip_ws(p);
  if (c_stack_low())
    js_error_at(vm_current_node, "RangeError",
                "JSON.parse: nesting too deep at position %zu", p->pos);
  if (p->pos >= text_length(p))
    json_error(p, "expected a value");
  switch (units(p)[p->pos]) {
  case '{': return parse_object(p);
  case '[': return parse_array(p);
  case '"': return parse_string(p, false);
  case 't': expect_word(p, "true"); return JS_TRUE;
  case 'f': expect_word(p, "false"); return JS_FALSE;
  case 'n': expect_word(p, "null"); return JS_NULL;
  default:
    if (units(p)[p->pos] == '-' || is_digit_at(p, p->pos))
      return parse_number(p);
    json_error(p, "expected a value");
  }
}

Value json_parse(Value *text) {
  struct json_parser p = {.text = text, .pos = 0};
  Value v = parse_value(&p);
  skip_ws(&p);
  if (p.pos < text_length(&p))
    json_error(&p, "unexpected text after the JSON value");
  return v;
}

/* ---- stringify ---------------------------------------------------------------- */

struct json_printer {
  struct ubuf out;
  Value *ancestors;   /* containers being printed, for cycle detection */
  size_t depth, cap;
};

static void quote(struct ubuf *b, Value s) {
  static const char hex[] = "0123456789abcdef";
  struct ubuf tmp = {0};
  const uint16_t *units = string_units(s, &tmp);
  uint32_t length = string_length(s);
  ubuf_add(b, '"');
  for (uint32_t i = 0; i < length; i++) {
    uint16_t c = units[i];
    switch (c) {
    case '"': ubuf_add_ascii(b, "\\\""); continue;
    case '\\': ubuf_add_ascii(b, "\\\\"); continue;
    case '\b': ubuf_add_ascii(b, "\\b"); continue;
    case '\f': ubuf_add_ascii(b, "\\f"); continue;
    case '\n': ubuf_add_ascii(b, "\\n"); continue;
    case '\r': ubuf_add_ascii(b, "\\r"); continue;
    case '\t': ubuf_add_ascii(b, "\\t"); continue;
    default: break;
    }
    bool lone = false;
    if (c >= 0xd800 && c <= 0xdbff)
      lone = !(i + 1 < length && units[i + 1] >= 0xdc00 && units[i + 1] <= 0xdfff);
    else if (c >= 0xdc00 && c <= 0xdfff)
      lone = !(i > 0 && units[i - 1] >= 0xd800 && units[i - 1] <= 0xdbff);
    if (c < 0x20 || lone) {
      ubuf_add_ascii(b, "\\u");
      for (int shift = 12; shift >= 0; shift -= 4)
        ubuf_add(b, (uint16_t)hex[(c >> shift) & 15]);
    } else {
      ubuf_add(b, c);
    }
  }
  ubuf_free(&tmp);
  ubuf_add(b, '"');
}

static bool skipped_in_object(Value v) { return v == JS_UNDEFINED || is_function(v); }

/* A cycle repeats with some period L, so comparing with every ancestor at
 * depths below 64 and at powers of two finds it by depth 2L while costing
 * time linear in the depth, even for legitimately deep documents. */
static bool time_to_check(size_t depth) { return depth < 64 || (depth & (depth - 1)) == 0; }

static void enter(struct json_printer *pr, Value v) {
  for (size_t i = 0; time_to_check(pr->depth) && i < pr->depth; i++)
    if (pr->ancestors[i] == v)
      js_error_at(vm_current_node, "TypeError", "Converting circular structure to JSON");
  if (c_stack_low())
    js_error_at(vm_current_node, "RangeError", "JSON.stringify: nesting too deep");
  if (pr->depth == pr->cap)
    pr->ancestors = grow_array(pr->ancestors, sizeof *pr->ancestors, &pr->cap, pr->depth + 1,
                               64, "in JSON.stringify");
  pr->ancestors[pr->depth++] = v;
}

static void print_value(struct json_printer *pr, Value v) {
  struct ubuf *b = &pr->out;
  if (is_string(v)) {
    quote(b, v);
  } else if (is_number(v)) {
    double d = num_val(v);
    if (isfinite(d))
      ubuf_add_number(b, d);
    else
      ubuf_add_ascii(b, "null");
  } else if (v == JS_TRUE || v == JS_FALSE || v == JS_NULL) {
    ubuf_add_value(b, v);
  } else if (is_array(v)) {
    enter(pr, v);
    ubuf_add(b, '[');
    struct js_array *a = as_array(v);
    for (uint64_t i = 0; i < a->length; i++) {
      if (i)
        ubuf_add(b, ',');
      Value e = values_of(a->elems)[i];
      if (skipped_in_object(e))
        ubuf_add_ascii(b, "null");
      else
        print_value(pr, e);
    }
    ubuf_add(b, ']');
    pr->depth--;
  } else if (is_object(v)) {
    enter(pr, v);
    ubuf_add(b, '{');
    size_t n = object_count(v);
    Value keys_small[64];
    Value *keys = n <= 64 ? keys_small : cmem_alloc(n * sizeof *keys, "in JSON.stringify");
    object_keys(v, keys, n);
    bool reordered = order_keys(keys, n);
    bool first = true;
    for (size_t i = 0; i < n; i++) {
      Value e = reordered ? object_get(v, keys[i]) : object_value_at(v, i);
      if (skipped_in_object(e))
        continue;
      if (!first)
        ubuf_add(b, ',');
      first = false;
      quote(b, keys[i]);
      ubuf_add(b, ':');
      print_value(pr, e);
    }
    if (keys != keys_small)
      cmem_free(keys);
    ubuf_add(b, '}');
    pr->depth--;
  }
}

Value json_stringify(Value v) {
  if (skipped_in_object(v))
    return JS_UNDEFINED;
  struct json_printer pr = {{0}, NULL, 0, 0};
  print_value(&pr, v); /* allocates nothing on the heap: v stays put */
  cmem_free(pr.ancestors);
  Value s = make_string_units(pr.out.u, pr.out.len);
  ubuf_free(&pr.out);
  return s;
}
