/* Primitives on numbers, predicates, strings, symbols and characters,
 * output, and (gc); the table of every primitive and how they become
 * global variables. */

#include <stdlib.h>
#include <string.h>

#include "prims.h"

/* ---- Numbers (fixnums; overflow is an error) ------------------------------------ */

static value checked(struct interp *in, const char *who, bool overflow, int64_t r) {
  if (overflow || r > FIXNUM_MAX || r < FIXNUM_MIN)
    scheme_error(in, "%s: integer overflow (integers are limited to 63 bits)", who);
  return make_fixnum(r);
}

PRIM(p_add) {
  int64_t sum = 0;
  for (size_t i = 0; i < argc; i++)
    if (__builtin_add_overflow(sum, check_fixnum(in, "+", args[i]), &sum))
      checked(in, "+", true, 0);
  return checked(in, "+", false, sum);
}

PRIM(p_mul) {
  int64_t product = 1;
  for (size_t i = 0; i < argc; i++)
    if (__builtin_mul_overflow(product, check_fixnum(in, "*", args[i]), &product))
      checked(in, "*", true, 0);
  return checked(in, "*", false, product);
}

PRIM(p_sub) {
  int64_t r = check_fixnum(in, "-", args[0]);
  if (argc == 1)
    return checked(in, "-", false, -r);
  for (size_t i = 1; i < argc; i++)
    if (__builtin_sub_overflow(r, check_fixnum(in, "-", args[i]), &r))
      checked(in, "-", true, 0);
  return checked(in, "-", false, r);
}

static int64_t divisor(struct interp *in, const char *who, value v) {
  int64_t d = check_fixnum(in, who, v);
  if (d == 0)
    scheme_error(in, "%s: division by zero", who);
  return d;
}

PRIM(p_quotient) {
  (void)argc;
  int64_t d = divisor(in, "quotient", args[1]);
  return checked(in, "quotient", false, check_fixnum(in, "quotient", args[0]) / d);
}

PRIM(p_remainder) {
  (void)argc;
  int64_t d = divisor(in, "remainder", args[1]);
  return make_fixnum(check_fixnum(in, "remainder", args[0]) % d);
}

PRIM(p_modulo) {
  (void)argc;
  int64_t d = divisor(in, "modulo", args[1]);
  int64_t m = check_fixnum(in, "modulo", args[0]) % d;
  if (m != 0 && (m < 0) != (d < 0))
    m += d;
  return make_fixnum(m);
}

/* = < > <= >=: every argument an integer, each relation holds in turn. */
static value compare(struct interp *in, const char *who, value *args, size_t argc, int op) {
  bool holds = true;
  for (size_t i = 0; i < argc; i++)
    check_fixnum(in, who, args[i]);
  for (size_t i = 0; i + 1 < argc && holds; i++) {
    int64_t a = fixnum_val(args[i]), b = fixnum_val(args[i + 1]);
    holds = op == 0 ? a == b : op == 1 ? a < b : op == 2 ? a > b : op == 3 ? a <= b : a >= b;
  }
  return make_bool(holds);
}

PRIM(p_num_eq) { return compare(in, "=", args, argc, 0); }
PRIM(p_lt) { return compare(in, "<", args, argc, 1); }
PRIM(p_gt) { return compare(in, ">", args, argc, 2); }
PRIM(p_le) { return compare(in, "<=", args, argc, 3); }
PRIM(p_ge) { return compare(in, ">=", args, argc, 4); }

PRIM(p_zero) { (void)argc; return make_bool(check_fixnum(in, "zero?", args[0]) == 0); }
PRIM(p_positive) { (void)argc; return make_bool(check_fixnum(in, "positive?", args[0]) > 0); }
PRIM(p_negative) { (void)argc; return make_bool(check_fixnum(in, "negative?", args[0]) < 0); }
PRIM(p_even) { (void)argc; return make_bool(check_fixnum(in, "even?", args[0]) % 2 == 0); }
PRIM(p_odd) { (void)argc; return make_bool(check_fixnum(in, "odd?", args[0]) % 2 != 0); }

static value extreme(struct interp *in, const char *who, value *args, size_t argc, bool max) {
  int64_t r = check_fixnum(in, who, args[0]);
  for (size_t i = 1; i < argc; i++) {
    int64_t x = check_fixnum(in, who, args[i]);
    if (max ? x > r : x < r)
      r = x;
  }
  return make_fixnum(r);
}

PRIM(p_max) { return extreme(in, "max", args, argc, true); }
PRIM(p_min) { return extreme(in, "min", args, argc, false); }

PRIM(p_abs) {
  (void)argc;
  int64_t n = check_fixnum(in, "abs", args[0]);
  return checked(in, "abs", false, n < 0 ? -n : n);
}

static unsigned radix_arg(struct interp *in, const char *who, value *args, size_t argc) {
  if (argc < 2)
    return 10;
  int64_t r = check_fixnum(in, who, args[1]);
  if (r != 2 && r != 8 && r != 10 && r != 16)
    scheme_error(in, "%s: radix must be 2, 8, 10 or 16, not %lld", who, (long long)r);
  return (unsigned)r;
}

PRIM(p_number_to_string) {
  unsigned radix = radix_arg(in, "number->string", args, argc);
  int64_t n = check_fixnum(in, "number->string", args[0]);
  char buf[80], *p = buf + sizeof buf;
  uint64_t u = n < 0 ? -(uint64_t)n : (uint64_t)n;
  do {
    *--p = "0123456789abcdef"[u % radix];
    u /= radix;
  } while (u);
  if (n < 0)
    *--p = '-';
  return make_string(in, p, (size_t)(buf + sizeof buf - p));
}

PRIM(p_string_to_number) {
  unsigned radix = radix_arg(in, "string->number", args, argc);
  if (!is_string(args[0]))
    type_error(in, "string->number", "a string", args[0]);
  const struct sstring *s = str_of(args[0]);
  size_t i = 0;
  bool neg = false;
  if (s->length > 0 && (s->bytes[0] == '-' || s->bytes[0] == '+'))
    neg = s->bytes[i++] == '-';
  if (i == s->length)
    return FALSE_V;
  uint64_t v = 0;
  for (; i < s->length; i++) {
    char c = s->bytes[i];
    unsigned d = c >= '0' && c <= '9' ? (unsigned)(c - '0')
                 : c >= 'a' && c <= 'f' ? (unsigned)(c - 'a' + 10)
                 : c >= 'A' && c <= 'F' ? (unsigned)(c - 'A' + 10) : 99;
    if (d >= radix)
      return FALSE_V;
    v = v * radix + d;
    if (v > (uint64_t)FIXNUM_MAX + 1)
      scheme_error(in, "string->number: integer too large (integers are limited to 63 bits)");
  }
  if (!neg && v > (uint64_t)FIXNUM_MAX)
    scheme_error(in, "string->number: integer too large (integers are limited to 63 bits)");
  return make_fixnum(neg ? -(int64_t)v : (int64_t)v);
}

/* ---- Predicates ------------------------------------------------------------------ */

PRIM(p_eq) { (void)in, (void)argc; return make_bool(args[0] == args[1]); }
PRIM(p_eqv) { (void)in, (void)argc; return make_bool(values_eqv(args[0], args[1])); }
PRIM(p_equal) { (void)in, (void)argc; return make_bool(values_equal(in, args[0], args[1])); }
PRIM(p_not) { (void)in, (void)argc; return make_bool(args[0] == FALSE_V); }
PRIM(p_null) { (void)in, (void)argc; return make_bool(args[0] == NIL); }
PRIM(p_pair) { (void)in, (void)argc; return make_bool(is_pair(args[0])); }
PRIM(p_symbol) { (void)in, (void)argc; return make_bool(is_symbol(args[0])); }
PRIM(p_string) { (void)in, (void)argc; return make_bool(is_string(args[0])); }
PRIM(p_number) { (void)in, (void)argc; return make_bool(is_fixnum(args[0])); }
PRIM(p_procedure) { (void)in, (void)argc; return make_bool(is_procedure(args[0])); }
PRIM(p_vector_p) { (void)in, (void)argc; return make_bool(is_vector(args[0])); }
PRIM(p_char_p) { (void)in, (void)argc; return make_bool(is_char(args[0])); }
PRIM(p_boolean) {
  (void)in, (void)argc;
  return make_bool(args[0] == TRUE_V || args[0] == FALSE_V);
}

PRIM(p_list_p) {
  (void)in, (void)argc;
  value slow = args[0], fast = args[0];
  for (;;) {
    if (fast == NIL)
      return TRUE_V;
    if (!is_pair(fast))
      return FALSE_V;
    fast = cdr(fast);
    if (fast == NIL)
      return TRUE_V;
    if (!is_pair(fast))
      return FALSE_V;
    fast = cdr(fast);
    slow = cdr(slow);
    if (fast == slow)
      return FALSE_V;  /* circular */
  }
}

/* ---- Strings, symbols, characters ------------------------------------------------ */

static const struct sstring *check_string(struct interp *in, const char *who, value v) {
  if (!is_string(v))
    type_error(in, who, "a string", v);
  return str_of(v);
}

PRIM(p_string_append) {
  size_t total = 0;
  for (size_t i = 0; i < argc; i++)
    total += check_string(in, "string-append", args[i])->length;
  value s = make_string_uninit(in, total);
  size_t at = 0;
  for (size_t i = 0; i < argc; i++) {  /* args re-read after the allocation */
    memcpy(str_of(s)->bytes + at, str_of(args[i])->bytes, str_of(args[i])->length);
    at += str_of(args[i])->length;
  }
  return s;
}

PRIM(p_string_length) {
  (void)argc;
  return make_fixnum((int64_t)check_string(in, "string-length", args[0])->length);
}

PRIM(p_string_ref) {
  (void)argc;
  const struct sstring *s = check_string(in, "string-ref", args[0]);
  return make_char((unsigned char)s->bytes[check_index(in, "string-ref", args[1], s->length)]);
}

PRIM(p_substring) {
  size_t length = check_string(in, "substring", args[0])->length;
  size_t end = argc > 2 ? check_index(in, "substring", args[2], length + 1) : length;
  size_t start = check_index(in, "substring", args[1], end + 1);
  value s = make_string_uninit(in, end - start);
  memcpy(str_of(s)->bytes, str_of(args[0])->bytes + start, end - start);
  return s;
}

static int string_compare(struct interp *in, const char *who, value a, value b) {
  const struct sstring *x = check_string(in, who, a), *y = check_string(in, who, b);
  size_t n = x->length < y->length ? x->length : y->length;
  int c = memcmp(x->bytes, y->bytes, n);
  return c ? c : (x->length > y->length) - (x->length < y->length);
}

PRIM(p_string_eq) {
  for (size_t i = 0; i + 1 < argc; i++)
    if (string_compare(in, "string=?", args[i], args[i + 1]) != 0)
      return FALSE_V;
  check_string(in, "string=?", args[argc - 1]);
  return TRUE_V;
}

PRIM(p_string_lt) {
  for (size_t i = 0; i + 1 < argc; i++)
    if (string_compare(in, "string<?", args[i], args[i + 1]) >= 0)
      return FALSE_V;
  check_string(in, "string<?", args[argc - 1]);
  return TRUE_V;
}

PRIM(p_string_to_symbol) {
  (void)argc;
  const struct sstring *s = check_string(in, "string->symbol", args[0]);
  /* intern may allocate, which may move the string: copy its name out. */
  char small[128];
  char *name = s->length < sizeof small ? small : xmalloc(s->length + 1);
  memcpy(name, s->bytes, s->length);
  value sym = intern(in, name, s->length);
  if (name != small)
    free(name);
  return sym;
}

PRIM(p_symbol_to_string) {
  (void)argc;
  if (!is_symbol(args[0]))
    type_error(in, "symbol->string", "a symbol", args[0]);
  value s = make_string_uninit(in, str_of(args[0])->length);
  memcpy(str_of(s)->bytes, str_of(args[0])->bytes, str_of(s)->length);
  return s;
}

PRIM(p_char_to_integer) {
  (void)argc;
  if (!is_char(args[0]))
    type_error(in, "char->integer", "a character", args[0]);
  return make_fixnum(char_code(args[0]));
}

PRIM(p_integer_to_char) {
  (void)argc;
  int64_t n = check_fixnum(in, "integer->char", args[0]);
  if (n < 0 || n > 255)
    scheme_error(in, "integer->char: %lld is not a character code in [0, 255]", (long long)n);
  return make_char((uint32_t)n);
}

/* ---- Output and the rest -------------------------------------------------------- */

PRIM(p_display) { (void)argc; print_value(in, stdout, args[0], false); return UNSPEC; }
PRIM(p_write) { (void)argc; print_value(in, stdout, args[0], true); return UNSPEC; }
PRIM(p_newline) { (void)in, (void)args, (void)argc; putchar('\n'); return UNSPEC; }

PRIM(p_gc) {
  (void)args, (void)argc;
  kn_collect(in->mut, KN_COLLECT_MAJOR);
  return UNSPEC;
}

PRIM(p_exit) {
  int status = 0;
  if (argc > 0)
    status = args[0] == FALSE_V ? 1 : is_fixnum(args[0]) ? (int)fixnum_val(args[0]) : 0;
  scheme_exit(in, status);
}

/* (error message irritant...): reports them and stops the program. */
PRIM(p_error) {
  char text[400];
  FILE *out = fmemopen(text, sizeof text, "w");
  if (out) {
    for (size_t i = 0; i < argc; i++) {
      if (i)
        fputc(' ', out);
      print_value_limited(in, out, args[i], i > 0 || !is_string(args[i]) ? true : false, 120);
    }
    fputc(0, out);
    fclose(out);
  } else {
    snprintf(text, sizeof text, "(error)");
  }
  text[sizeof text - 1] = 0;
  scheme_error(in, "%s", text);
}

const struct primitive data_primitives[] = {
  {"+", 0, -1, p_add},
  {"-", 1, -1, p_sub},
  {"*", 0, -1, p_mul},
  {"quotient", 2, 2, p_quotient},
  {"remainder", 2, 2, p_remainder},
  {"modulo", 2, 2, p_modulo},
  {"=", 1, -1, p_num_eq},
  {"<", 1, -1, p_lt},
  {">", 1, -1, p_gt},
  {"<=", 1, -1, p_le},
  {">=", 1, -1, p_ge},
  {"zero?", 1, 1, p_zero},
  {"positive?", 1, 1, p_positive},
  {"negative?", 1, 1, p_negative},
  {"even?", 1, 1, p_even},
  {"odd?", 1, 1, p_odd},
  {"max", 1, -1, p_max},
  {"min", 1, -1, p_min},
  {"abs", 1, 1, p_abs},
  {"number->string", 1, 2, p_number_to_string},
  {"string->number", 1, 2, p_string_to_number},
  {"eq?", 2, 2, p_eq},
  {"eqv?", 2, 2, p_eqv},
  {"equal?", 2, 2, p_equal},
  {"not", 1, 1, p_not},
  {"null?", 1, 1, p_null},
  {"pair?", 1, 1, p_pair},
  {"list?", 1, 1, p_list_p},
  {"symbol?", 1, 1, p_symbol},
  {"string?", 1, 1, p_string},
  {"number?", 1, 1, p_number},
  {"integer?", 1, 1, p_number},
  {"procedure?", 1, 1, p_procedure},
  {"vector?", 1, 1, p_vector_p},
  {"boolean?", 1, 1, p_boolean},
  {"char?", 1, 1, p_char_p},
  {"string-append", 0, -1, p_string_append},
  {"string-length", 1, 1, p_string_length},
  {"string-ref", 2, 2, p_string_ref},
  {"substring", 2, 3, p_substring},
  {"string=?", 1, -1, p_string_eq},
  {"string<?", 1, -1, p_string_lt},
  {"string->symbol", 1, 1, p_string_to_symbol},
  {"symbol->string", 1, 1, p_symbol_to_string},
  {"char->integer", 1, 1, p_char_to_integer},
  {"integer->char", 1, 1, p_integer_to_char},
  {"display", 1, 1, p_display},
  {"write", 1, 1, p_write},
  {"newline", 0, 0, p_newline},
  {"gc", 0, 0, p_gc},
  {"exit", 0, 1, p_exit},
  {"error", 1, -1, p_error},
  {NULL, 0, 0, NULL},
};

/* ---- The table --------------------------------------------------------------------- */

static const struct primitive *const tables[] = {list_primitives, data_primitives};

const struct primitive *primitive_of(value prim) {
  uint64_t data = imm_data(prim);
  return &tables[data >> 16][data & 0xffff];
}

void define_primitives(struct interp *in) {
  for (unsigned t = 0; t < sizeof tables / sizeof tables[0]; t++)
    for (unsigned i = 0; tables[t][i].name; i++) {
      size_t global = global_lookup(in, tables[t][i].name);  /* may grow global_values */
      in->global_values[global] = make_prim(t << 16 | i);
    }
}
