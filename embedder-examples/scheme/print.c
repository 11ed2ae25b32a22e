/* Printing, as Guile 3.0 prints (display and write), and the
 * equivalence predicates eqv? and equal?. */

#include <string.h>

#include "scheme.h"

struct printer {
  struct interp *in;
  FILE *out;
  bool write;
  size_t budget;  /* bytes left before printing stops */
};

static bool emit(struct printer *p, const char *s, size_t n) {
  if (p->budget == 0)
    return false;
  if (n > p->budget)
    n = p->budget;
  fwrite(s, 1, n, p->out);
  p->budget -= n;
  return p->budget > 0;
}

static bool emits(struct printer *p, const char *s) { return emit(p, s, strlen(s)); }

/* Guile's names for the control characters 0..32. */
static const char *const char_names[33] = {
  "nul", "soh", "stx", "etx", "eot", "enq", "ack", "alarm", "backspace", "tab", "newline",
  "vtab", "page", "return", "so", "si", "dle", "dc1", "dc2", "dc3", "dc4", "nak", "syn",
  "etb", "can", "em", "sub", "esc", "fs", "gs", "rs", "us", "space",
};

static void print_char(struct printer *p, uint32_t c) {
  char buf[16];
  if (!p->write) {
    if (c < 0x80) {
      buf[0] = (char)c;
      emit(p, buf, 1);
    } else {
      buf[0] = (char)(0xc0 | (c >> 6));
      buf[1] = (char)(0x80 | (c & 0x3f));
      emit(p, buf, 2);
    }
    return;
  }
  emits(p, "#\\");
  if (c <= 32)
    emits(p, char_names[c]);
  else if (c == 127)
    emits(p, "delete");
  else if (c < 127) {
    buf[0] = (char)c;
    emit(p, buf, 1);
  } else {
    snprintf(buf, sizeof buf, "%o", c);  /* Guile: #\200 */
    emits(p, buf);
  }
}

static void print_string(struct printer *p, const struct sstring *s) {
  if (!p->write) {
    emit(p, s->bytes, s->length);
    return;
  }
  emits(p, "\"");
  for (size_t i = 0; i < s->length && p->budget; i++) {
    unsigned char c = (unsigned char)s->bytes[i];
    char buf[8];
    switch (c) {
    case '"': emits(p, "\\\""); break;
    case '\\': emits(p, "\\\\"); break;
    case '\n': emits(p, "\\n"); break;
    case '\t': emits(p, "\\t"); break;
    case '\r': emits(p, "\\r"); break;
    case 7: emits(p, "\\a"); break;
    case 8: emits(p, "\\b"); break;
    case 11: emits(p, "\\v"); break;
    case 12: emits(p, "\\f"); break;
    default:
      if (c < 32 || c == 127) {
        snprintf(buf, sizeof buf, "\\x%02x", c);
        emits(p, buf);
      } else {
        buf[0] = (char)c;
        emit(p, buf, 1);
      }
    }
  }
  emits(p, "\"");
}

/* Symbols that would not read back as themselves are written #{...}#. */
static bool symbol_needs_braces(const struct sstring *s) {
  if (s->length == 0 || (s->length == 1 && s->bytes[0] == '.'))
    return true;
  const char *b = s->bytes;
  if (strchr("#'`,", b[0]))
    return true;
  if ((b[0] >= '0' && b[0] <= '9') ||
      ((b[0] == '+' || b[0] == '-' || b[0] == '.') && s->length > 1 && b[1] >= '0' && b[1] <= '9'))
    return true;
  for (size_t i = 0; i < s->length; i++)
    if ((unsigned char)b[i] <= 32 || strchr("()[]\";#", b[i]))
      return true;
  return false;
}

static void print_symbol(struct printer *p, const struct sstring *s) {
  if (!p->write || !symbol_needs_braces(s)) {
    emit(p, s->bytes, s->length);
    return;
  }
  emits(p, "#{");
  for (size_t i = 0; i < s->length; i++) {
    unsigned char c = (unsigned char)s->bytes[i];
    char buf[8];
    if (c < 32 || c == '(' || c == ')') {
      snprintf(buf, sizeof buf, "\\x%x;", c);
      emits(p, buf);
    } else {
      buf[0] = (char)c;
      emit(p, buf, 1);
    }
  }
  emits(p, "}#");
}

static void print(struct printer *p, value v);

static void print_procedure(struct printer *p, value v) {
  char buf[200];
  if (is_prim(v)) {
    snprintf(buf, sizeof buf, "#<procedure %s>", primitive_of(v)->name);
  } else {
    const char *name = closure_lambda(v)->name;
    snprintf(buf, sizeof buf, "#<procedure %s>", name[0] ? name : "#f");
  }
  emits(p, buf);
}

static void print_list(struct printer *p, value v) {
  emits(p, "(");
  print(p, car(v));
  for (v = cdr(v); is_pair(v) && p->budget; v = cdr(v)) {
    emits(p, " ");
    print(p, car(v));
  }
  if (v != NIL) {
    emits(p, " . ");
    print(p, v);
  }
  emits(p, ")");
}

static void print(struct printer *p, value v) {
  char buf[32];
  if (!p->budget)
    return;
  check_c_stack(p->in);
  if (is_fixnum(v)) {
    snprintf(buf, sizeof buf, "%lld", (long long)fixnum_val(v));
    emits(p, buf);
  } else if (v == NIL) {
    emits(p, "()");
  } else if (v == TRUE_V) {
    emits(p, "#t");
  } else if (v == FALSE_V) {
    emits(p, "#f");
  } else if (v == UNSPEC || v == NULL) {
    emits(p, "#<unspecified>");
  } else if (is_char(v)) {
    print_char(p, char_code(v));
  } else if (is_prim(v) || is_closure(v)) {
    print_procedure(p, v);
  } else if (is_pair(v)) {
    print_list(p, v);
  } else if (is_vector(v)) {
    emits(p, "#(");
    for (size_t i = 0; i < vector_length(v) && p->budget; i++) {
      if (i)
        emits(p, " ");
      print(p, vector_items(v)[i]);
    }
    emits(p, ")");
  } else if (is_string(v)) {
    print_string(p, str_of(v));
  } else if (is_symbol(v)) {
    print_symbol(p, str_of(v));
  } else {
    emits(p, "#<unknown>");
  }
}

void print_value(struct interp *in, FILE *out, value v, bool write) {
  struct printer p = {in, out, write, SIZE_MAX};
  print(&p, v);
}

void print_value_limited(struct interp *in, FILE *out, value v, bool write, size_t limit) {
  struct printer p = {in, out, write, limit};
  print(&p, v);
}

/* ---- Equivalence ---------------------------------------------------------------- */

bool values_eqv(value a, value b) {
  /* Fixnums and characters are immediates: eqv? is identity here.  Empty
   * strings are distinct objects, as in Guile. */
  return a == b;
}

bool values_equal(struct interp *in, value a, value b) {
  check_c_stack(in);
  for (;;) {
    if (a == b)
      return true;
    if (!is_ref(a) || !is_ref(b) || kn_object_tag(a) != kn_object_tag(b))
      return false;
    switch (kn_object_tag(a)) {
    case T_PAIR:
      if (!values_equal(in, car(a), car(b)))
        return false;
      a = cdr(a);
      b = cdr(b);
      continue;
    case T_VECTOR:
      if (vector_length(a) != vector_length(b))
        return false;
      for (size_t i = 0; i < vector_length(a); i++)
        if (!values_equal(in, vector_items(a)[i], vector_items(b)[i]))
          return false;
      return true;
    case T_STRING:
      return str_of(a)->length == str_of(b)->length &&
             !memcmp(str_of(a)->bytes, str_of(b)->bytes, str_of(a)->length);
    default:
      return false;
    }
  }
}
