/* Numbers, strings and the conversions between values. */

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "js.h"

/* ---- Numbers ------------------------------------------------------------ */

/* Integral doubles in int32 range (but not -0) are small integers, so that
 * equal numbers have one representation; others are boxed. */
Value make_number(double d) {
  if (d >= -2147483648.0 && d <= 2147483647.0) {
    int32_t i = (int32_t)d;
    if ((double)i == d && !(i == 0 && signbit(d)))
      return make_smi(i);
  }
  double *box = vm_alloc(sizeof(double), KN_ALLOC_POINTERLESS, TAG_DOUBLE);
  *box = d;
  return (Value)box;
}

/* Shared by the lexer's escapes and numbers and JSON's \u escapes. */
int hex_digit(uint32_t c) {
  if (c >= '0' && c <= '9')
    return (int)(c - '0');
  if (c >= 'a' && c <= 'f')
    return (int)(c - 'a' + 10);
  if (c >= 'A' && c <= 'F')
    return (int)(c - 'A' + 10);
  return -1;
}

/* Shortest digits that read back as `d` (at most 17), then JavaScript's
 * Number::toString layout: plain up to 21 integer digits, else exponent. */
int format_number(double d, char *buf) {
  if (isnan(d))
    return sprintf(buf, "NaN");
  if (isinf(d))
    return sprintf(buf, d < 0 ? "-Infinity" : "Infinity");
  if (d == 0)
    return sprintf(buf, "0");
  if (d == trunc(d) && fabs(d) < 9007199254740992.0)
    return sprintf(buf, "%lld", (long long)d);
  char tmp[40];
  /* 15 digits find the shortest form when it has 15 or fewer, except for
   * subnormals, whose precision is lower: search those from 1 digit. */
  for (int prec = fabs(d) < 2.2250738585072014e-308 ? 1 : 15; prec <= 17; prec++) {
    snprintf(tmp, sizeof tmp, "%.*e", prec - 1, d);
    if (strtod(tmp, NULL) == d)
      break;
  }
  /* tmp is [-]D.DDDDe[+-]XX */
  char digits[24];
  int k = 0, pos = 0;
  bool negative = tmp[0] == '-';
  const char *p = tmp + negative;
  for (; *p && *p != 'e'; p++)
    if (*p != '.')
      digits[k++] = *p;
  int exponent = atoi(p + 1);
  while (k > 1 && digits[k - 1] == '0')
    k--;
  int n = exponent + 1; /* position of the decimal point */
  if (negative)
    buf[pos++] = '-';
  if (k <= n && n <= 21) {
    memcpy(buf + pos, digits, (size_t)k);
    pos += k;
    for (int i = k; i < n; i++)
      buf[pos++] = '0';
  } else if (0 < n && n <= 21) {
    memcpy(buf + pos, digits, (size_t)n);
    pos += n;
    buf[pos++] = '.';
    memcpy(buf + pos, digits + n, (size_t)(k - n));
    pos += k - n;
  } else if (-6 < n && n <= 0) {
    buf[pos++] = '0';
    buf[pos++] = '.';
    for (int i = 0; i < -n; i++)
      buf[pos++] = '0';
    memcpy(buf + pos, digits, (size_t)k);
    pos += k;
  } else {
    buf[pos++] = digits[0];
    if (k > 1) {
      buf[pos++] = '.';
      memcpy(buf + pos, digits + 1, (size_t)(k - 1));
      pos += k - 1;
    }
    pos += sprintf(buf + pos, "e%c%d", n - 1 < 0 ? '-' : '+', abs(n - 1));
  }
  buf[pos] = 0;
  return pos;
}

/* ---- Strings ------------------------------------------------------------ */

Value alloc_string(size_t len) {
  if (len > 0x3fffffff)
    js_fatal("RangeError: invalid string length %zu", len);
  struct js_string *s =
      vm_alloc(sizeof(struct js_string) + len * sizeof(uint16_t), KN_ALLOC_POINTERLESS, TAG_STRING);
  s->length = (uint32_t)len;
  return (Value)s;
}

Value make_string_units(const uint16_t *units, size_t len) {
  Value v = alloc_string(len);
  if (len)
    memcpy(as_string(v)->units, units, len * sizeof(uint16_t));
  return v;
}

Value make_string_utf8(const char *s, size_t len) {
  struct ubuf b = {0};
  for (size_t i = 0; i < len; i++)
    ubuf_add(&b, (unsigned char)s[i]);
  Value v = make_string_units(b.u, b.len);
  ubuf_free(&b);
  return v;
}

uint32_t hash_units(const uint16_t *u, size_t len) {
  uint32_t h = 2166136261u;
  for (size_t i = 0; i < len; i++) {
    h ^= u[i];
    h *= 16777619u;
  }
  return h ? h : 1;
}

uint32_t string_hash(Value s) {
  struct js_string *str = as_string(s);
  if (!str->hash)
    str->hash = hash_units(str->units, str->length);
  return str->hash;
}

static bool units_equal_any(Value a, Value b);

bool string_equal(Value a, Value b) {
  if (a == b)
    return true;
  if (is_rope(a) || is_rope(b))
    return units_equal_any(a, b);
  struct js_string *x = as_string(a), *y = as_string(b);
  if (ptr_tag(a) == TAG_ISTRING && ptr_tag(b) == TAG_ISTRING)
    return false;
  return x->length == y->length &&
         memcmp(x->units, y->units, x->length * sizeof(uint16_t)) == 0;
}

int string_compare(Value a, Value b) {
  struct ubuf ta = {0}, tb = {0};
  const uint16_t *x = string_units(a, &ta), *y = string_units(b, &tb);
  uint32_t lx = string_length(a), ly = string_length(b);
  uint32_t n = lx < ly ? lx : ly;
  int r = lx < ly ? -1 : lx > ly ? 1 : 0;
  for (uint32_t i = 0; i < n; i++)
    if (x[i] != y[i]) {
      r = x[i] < y[i] ? -1 : 1;
      break;
    }
  ubuf_free(&ta);
  ubuf_free(&tb);
  return r;
}

uint32_t string_length(Value s) {
  return is_rope(s) ? as_rope(s)->length : as_string(s)->length;
}

const char *atom_text(Value atom, char *buf, size_t size) {
  struct js_string *s = as_string(atom);
  size_t n = s->length < size - 1 ? s->length : size - 1;
  for (size_t i = 0; i < n; i++)
    buf[i] = s->units[i] < 128 ? (char)s->units[i] : '?';
  buf[n] = 0;
  return buf;
}

/* Copies the units of a rope into dst (its length), right to left, with an
 * explicit stack: ropes may be millions of levels deep. */
static void rope_copy(Value rope, uint16_t *dst) {
  size_t pos = as_rope(rope)->length, depth = 0, cap = 0;
  Value *stack = grow_array(NULL, sizeof *stack, &cap, 1, 64, "flattening a string");
  stack[depth++] = rope;
  while (depth) {
    Value v = stack[--depth];
    if (is_rope(v) && as_rope(v)->right == JS_UNDEFINED)
      v = as_rope(v)->left;
    if (!is_rope(v)) {
      struct js_string *s = as_string(v);
      pos -= s->length;
      if (s->length)
        memcpy(dst + pos, s->units, s->length * sizeof(uint16_t));
      continue;
    }
    if (depth + 2 > cap)
      stack = grow_array(stack, sizeof *stack, &cap, depth + 2, 64, "flattening a string");
    stack[depth++] = as_rope(v)->left;
    stack[depth++] = as_rope(v)->right; /* popped first: fills the end */
  }
  cmem_free(stack);
}

Value flatten(Value *slot) {
  if (!is_rope(*slot))
    return *slot;
  if (as_rope(*slot)->right == JS_UNDEFINED)
    return *slot = as_rope(*slot)->left;
  Value flat = alloc_string(as_rope(*slot)->length); /* moves the rope: re-read */
  rope_copy(*slot, as_string(flat)->units);
  struct js_rope *r = as_rope(*slot);
  store(r, &r->left, flat);
  r->right = JS_UNDEFINED;
  return *slot = flat;
}

const uint16_t *string_units(Value s, struct ubuf *tmp) {
  if (!is_rope(s))
    return as_string(s)->units;
  tmp->len = 0;
  ubuf_add_string(tmp, s);
  return tmp->u;
}

Value string_concat(Value *a, Value *b) {
  size_t la = string_length(*a), lb = string_length(*b);
  if (la == 0)
    return *b;
  if (lb == 0)
    return *a;
  if (la + lb >= ROPE_MIN_LENGTH) {
    if (la + lb > 0x3fffffff)
      js_error_at(vm_current_node, "RangeError", "Invalid string length");
    struct js_rope *r = vm_alloc(sizeof *r, KN_ALLOC_TRACED, TAG_ROPE);
    store(r, &r->left, *a);
    store(r, &r->right, *b);
    r->length = (uint32_t)(la + lb);
    return (Value)r;
  }
  Value r = alloc_string(la + lb); /* may move *a and *b: read them after */
  memcpy(as_string(r)->units, as_string(*a)->units, la * sizeof(uint16_t));
  memcpy(as_string(r)->units + la, as_string(*b)->units, lb * sizeof(uint16_t));
  return r;
}

/* ---- A UTF-16 buffer outside the heap -------------------------------------- */

static void ubuf_reserve(struct ubuf *b, size_t extra) {
  if (b->len + extra <= b->cap)
    return;
  b->u = grow_array(b->u, sizeof *b->u, &b->cap, b->len + extra, 64, "for a string buffer");
}

void ubuf_add(struct ubuf *b, uint16_t c) {
  ubuf_reserve(b, 1);
  b->u[b->len++] = c;
}

void ubuf_add_ascii(struct ubuf *b, const char *s) {
  size_t n = strlen(s);
  ubuf_reserve(b, n);
  for (size_t i = 0; i < n; i++)
    b->u[b->len++] = (unsigned char)s[i];
}

void ubuf_add_string(struct ubuf *b, Value s) {
  if (is_rope(s)) {
    ubuf_reserve(b, as_rope(s)->length);
    rope_copy(s, b->u + b->len);
    b->len += as_rope(s)->length;
    return;
  }
  struct js_string *str = as_string(s);
  if (str->length == 0)
    return;
  ubuf_reserve(b, str->length);
  memcpy(b->u + b->len, str->units, str->length * sizeof(uint16_t));
  b->len += str->length;
}

void ubuf_add_number(struct ubuf *b, double d) {
  char buf[40];
  format_number(d, buf);
  ubuf_add_ascii(b, buf);
}

void ubuf_free(struct ubuf *b) {
  cmem_free(b->u);
  b->u = NULL;
  b->len = b->cap = 0;
}

void ubuf_add_value(struct ubuf *b, Value v) {
  if (is_string(v)) {
    ubuf_add_string(b, v);
  } else if (is_number(v)) {
    ubuf_add_number(b, num_val(v));
  } else if (v == JS_UNDEFINED) {
    ubuf_add_ascii(b, "undefined");
  } else if (v == JS_NULL) {
    ubuf_add_ascii(b, "null");
  } else if (v == JS_TRUE || v == JS_FALSE) {
    ubuf_add_ascii(b, v == JS_TRUE ? "true" : "false");
  } else if (is_array(v)) {
    /* Array.prototype.toString: join(",") with null/undefined as "" */
    check_c_stack();
    struct js_array *a = as_array(v);
    for (uint64_t i = 0; i < a->length; i++) {
      if (i)
        ubuf_add(b, ',');
      Value e = values_of(a->elems)[i];
      if (e != JS_UNDEFINED && e != JS_NULL && e != v)
        ubuf_add_value(b, e);
    }
  } else if (is_function(v)) {
    ubuf_add_ascii(b, "function () { [code] }");
  } else {
    ubuf_add_ascii(b, "[object Object]");
  }
}

Value to_string(Value *slot) {
  if (is_string(*slot))
    return flatten(slot);
  struct ubuf b = {0};
  ubuf_add_value(&b, *slot);
  Value s = make_string_units(b.u, b.len);
  ubuf_free(&b);
  return s;
}

/* Writes UTF-8; a lone surrogate becomes U+FFFD, as Node prints it. */
void print_utf8(const uint16_t *u, size_t len, void *file) {
  FILE *out = file;
  for (size_t i = 0; i < len; i++) {
    uint32_t c = u[i];
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < len && u[i + 1] >= 0xdc00 && u[i + 1] <= 0xdfff) {
      c = 0x10000 + ((c - 0xd800) << 10) + (u[i + 1] - 0xdc00);
      i++;
    } else if (c >= 0xd800 && c <= 0xdfff) {
      c = 0xfffd;
    }
    if (c < 0x80) {
      putc((int)c, out);
    } else if (c < 0x800) {
      putc((int)(0xc0 | (c >> 6)), out);
      putc((int)(0x80 | (c & 0x3f)), out);
    } else if (c < 0x10000) {
      putc((int)(0xe0 | (c >> 12)), out);
      putc((int)(0x80 | ((c >> 6) & 0x3f)), out);
      putc((int)(0x80 | (c & 0x3f)), out);
    } else {
      putc((int)(0xf0 | (c >> 18)), out);
      putc((int)(0x80 | ((c >> 12) & 0x3f)), out);
      putc((int)(0x80 | ((c >> 6) & 0x3f)), out);
      putc((int)(0x80 | (c & 0x3f)), out);
    }
  }
}

/* ---- Conversions ---------------------------------------------------------- */

static bool is_js_space(uint16_t c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f' ||
         c == 0xa0 || c == 0xfeff || c == 0x2028 || c == 0x2029;
}

static double string_to_number(Value s) {
  if (is_rope(s))
    return NAN; /* 128 units or more: never a number literal we accept */
  struct js_string *str = as_string(s);
  size_t i = 0, n = str->length;
  while (i < n && is_js_space(str->units[i]))
    i++;
  while (n > i && is_js_space(str->units[n - 1]))
    n--;
  if (i == n)
    return 0;
  char buf[400];
  if (n - i >= sizeof buf)
    return NAN;
  size_t k = 0;
  for (size_t j = i; j < n; j++) {
    uint16_t c = str->units[j];
    if (c > 127)
      return NAN;
    buf[k++] = (char)c;
  }
  buf[k] = 0;
  const char *p = buf;
  double sign = 1;
  if (strcmp(p, "Infinity") == 0 || strcmp(p, "+Infinity") == 0)
    return INFINITY;
  if (strcmp(p, "-Infinity") == 0)
    return -INFINITY;
  if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X' || p[1] == 'o' || p[1] == 'O' || p[1] == 'b' ||
                      p[1] == 'B')) {
    int base = (p[1] == 'x' || p[1] == 'X') ? 16 : (p[1] == 'o' || p[1] == 'O') ? 8 : 2;
    double v = 0;
    if (!p[2])
      return NAN;
    for (p += 2; *p; p++) {
      int d = (*p >= '0' && *p <= '9')   ? *p - '0'
              : (*p >= 'a' && *p <= 'f') ? *p - 'a' + 10
              : (*p >= 'A' && *p <= 'F') ? *p - 'A' + 10
                                         : 99;
      if (d >= base)
        return NAN;
      v = v * base + d;
    }
    return v;
  }
  for (const char *q = p; *q; q++)
    if (!((*q >= '0' && *q <= '9') || *q == '.' || *q == 'e' || *q == 'E' || *q == '+' ||
          *q == '-'))
      return NAN;
  char *end;
  double v = strtod(p, &end);
  if (*end || end == p)
    return NAN;
  return sign * v;
}

double to_number(Value v) {
  if (is_smi(v))
    return smi_val(v);
  if (is_double(v))
    return double_val(v);
  if (v == JS_TRUE)
    return 1;
  if (v == JS_FALSE || v == JS_NULL)
    return 0;
  if (v == JS_UNDEFINED)
    return NAN;
  if (is_string(v))
    return string_to_number(v);
  if (is_array(v)) {
    struct ubuf b = {0};
    ubuf_add_value(&b, v);
    Value s = JS_UNDEFINED;
    double d = NAN;
    if (b.len == 0) {
      d = 0;
    } else {
      /* parse the text without allocating */
      char buf[400];
      if (b.len < sizeof buf) {
        size_t k;
        for (k = 0; k < b.len && b.u[k] < 128; k++)
          buf[k] = (char)b.u[k];
        buf[k] = 0;
        char *end;
        d = k == b.len ? strtod(buf, &end) : NAN;
        if (k != b.len || *end)
          d = NAN;
      }
    }
    (void)s;
    ubuf_free(&b);
    return d;
  }
  return NAN;
}

bool to_boolean(Value v) {
  if (is_smi(v))
    return smi_val(v) != 0;
  if (v == JS_TRUE)
    return true;
  if (v == JS_FALSE || v == JS_NULL || v == JS_UNDEFINED)
    return false;
  if (is_double(v)) {
    double d = double_val(v);
    return d == d && d != 0;
  }
  if (is_string(v))
    return string_length(v) != 0;
  return true;
}

int32_t to_int32(Value v) {
  if (is_smi(v))
    return smi_val(v);
  return (int32_t)to_uint32(v);
}

uint32_t to_uint32(Value v) {
  if (is_smi(v))
    return (uint32_t)smi_val(v);
  double d = to_number(v);
  if (!isfinite(d))
    return 0;
  d = trunc(d);
  d = fmod(d, 4294967296.0);
  if (d < 0)
    d += 4294967296.0;
  return (uint32_t)d;
}

bool js_strict_equal(Value a, Value b) {
  if (a == b)
    return !is_double(a) || double_val(a) == double_val(a);
  if (is_number(a) && is_number(b))
    return num_val(a) == num_val(b);
  if (is_string(a) && is_string(b))
    return string_equal(a, b);
  return false;
}

/* Equality of two strings, flat or not, without allocating. */
static bool units_equal_any(Value a, Value b) {
  struct ubuf ta = {0}, tb = {0};
  uint32_t n = string_length(a);
  bool eq = n == string_length(b) &&
            memcmp(string_units(a, &ta), string_units(b, &tb), n * sizeof(uint16_t)) == 0;
  ubuf_free(&ta);
  ubuf_free(&tb);
  return eq;
}

static bool is_nullish(Value v) { return v == JS_NULL || v == JS_UNDEFINED; }

bool js_loose_equal(Value a, Value b) {
  if (is_nullish(a) || is_nullish(b))
    return is_nullish(a) && is_nullish(b);
  if (is_number(a) && is_number(b))
    return num_val(a) == num_val(b);
  if (is_string(a) && is_string(b))
    return string_equal(a, b);
  bool ap = is_ptr(a) && !is_string(a) && !is_double(a);
  bool bp = is_ptr(b) && !is_string(b) && !is_double(b);
  if (ap && bp)
    return a == b;
  if (ap || bp) {
    /* an object against a primitive: compare its string form */
    Value obj = ap ? a : b, prim = ap ? b : a;
    struct ubuf u = {0};
    ubuf_add_value(&u, obj);
    bool eq;
    if (is_string(prim)) {
      struct ubuf tmp = {0};
      eq = string_length(prim) == u.len &&
           (u.len == 0 || memcmp(string_units(prim, &tmp), u.u, u.len * 2) == 0);
      ubuf_free(&tmp);
    } else {
      eq = to_number(obj) == to_number(prim);
    }
    ubuf_free(&u);
    return eq;
  }
  return to_number(a) == to_number(b);
}

const char *type_of(Value v) {
  if (v == JS_UNDEFINED)
    return "undefined";
  if (v == JS_NULL)
    return "object";
  if (v == JS_TRUE || v == JS_FALSE)
    return "boolean";
  if (is_number(v))
    return "number";
  if (is_string(v))
    return "string";
  if (is_function(v))
    return "function";
  return "object";
}
