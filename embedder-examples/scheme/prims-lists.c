/* Primitives on pairs, lists and vectors, and the higher-order ones
 * (map, for-each; apply is handled by the evaluator for tail calls). */

#include "prims.h"

size_t check_index(struct interp *in, const char *who, value v, size_t limit) {
  if (!is_fixnum(v))
    type_error(in, who, "an integer index", v);
  int64_t i = fixnum_val(v);
  if (i < 0 || (uint64_t)i >= limit)
    scheme_error(in, "%s: index %lld out of range [0, %zu)", who, (long long)i, limit);
  return (size_t)i;
}

struct list_builder list_begin(struct interp *in) {
  struct list_builder b = {in->sp};
  push(in, NIL);
  push(in, NIL);
  return b;
}

void list_add(struct interp *in, struct list_builder *b, value item) {
  value p = cons(in, item, NIL);
  value *s = &in->stack[b->slot];
  if (s[0] == NIL)
    s[0] = p;
  else
    obj_set(in, s[1], 1, p);
  s[1] = p;
}

value list_end(struct interp *in, struct list_builder *b) {
  value head = in->stack[b->slot];
  in->sp = b->slot;
  return head;
}

size_t list_length(struct interp *in, const char *who, value list) {
  size_t n = 0;
  value slow = list;
  for (value l = list; is_pair(l); l = cdr(l)) {
    n++;
    if (!(n & 1))
      slow = cdr(slow);
    if (is_pair(cdr(l)) && cdr(l) == slow)
      scheme_error(in, "%s: circular list", who);
  }
  value end = list;
  for (size_t i = 0; i < n; i++)
    end = cdr(end);
  if (end != NIL)
    type_error(in, who, "a proper list", list);
  return n;
}

/* ---- Pairs ------------------------------------------------------------------- */

PRIM(p_cons) { (void)argc; return cons(in, args[0], args[1]); }
PRIM(p_car) { (void)argc; return car(check_pair(in, "car", args[0])); }
PRIM(p_cdr) { (void)argc; return cdr(check_pair(in, "cdr", args[0])); }
PRIM(p_caar) { (void)argc; return car(check_pair(in, "caar", car(check_pair(in, "caar", args[0])))); }
PRIM(p_cdar) { (void)argc; return cdr(check_pair(in, "cdar", car(check_pair(in, "cdar", args[0])))); }
PRIM(p_cadr) { (void)argc; return car(check_pair(in, "cadr", cdr(check_pair(in, "cadr", args[0])))); }
PRIM(p_cddr) { (void)argc; return cdr(check_pair(in, "cddr", cdr(check_pair(in, "cddr", args[0])))); }
PRIM(p_caddr) {
  (void)argc;
  value l = cdr(check_pair(in, "caddr", args[0]));
  return car(check_pair(in, "caddr", cdr(check_pair(in, "caddr", l))));
}
PRIM(p_cdddr) {
  (void)argc;
  value l = cdr(check_pair(in, "cdddr", args[0]));
  return cdr(check_pair(in, "cdddr", cdr(check_pair(in, "cdddr", l))));
}
PRIM(p_cadddr) {
  (void)argc;
  value l = cdr(check_pair(in, "cadddr", args[0]));
  l = cdr(check_pair(in, "cadddr", cdr(check_pair(in, "cadddr", l))));
  return car(check_pair(in, "cadddr", l));
}
PRIM(p_set_car) {
  (void)argc;
  obj_set(in, check_pair(in, "set-car!", args[0]), 0, args[1]);
  return UNSPEC;
}
PRIM(p_set_cdr) {
  (void)argc;
  obj_set(in, check_pair(in, "set-cdr!", args[0]), 1, args[1]);
  return UNSPEC;
}

/* ---- Lists -------------------------------------------------------------------- */

PRIM(p_list) {
  value result = NIL;
  for (size_t i = argc; i-- > 0;)
    result = cons(in, args[i], result);  /* cons roots `result` while it allocates */
  return result;
}

PRIM(p_length) { (void)argc; return make_fixnum((int64_t)list_length(in, "length", args[0])); }

PRIM(p_append) {
  if (argc == 0)
    return NIL;
  struct list_builder b = list_begin(in);
  for (size_t i = 0; i + 1 < argc; i++) {
    list_length(in, "append", args[i]);
    /* args[i] is the cursor: rooted, advanced in place */
    for (; is_pair(args[i]); args[i] = cdr(args[i]))
      list_add(in, &b, car(args[i]));
  }
  value *s = &in->stack[b.slot];
  if (s[0] == NIL)
    return list_end(in, &b), args[argc - 1];
  obj_set(in, s[1], 1, args[argc - 1]);
  return list_end(in, &b);
}

PRIM(p_reverse) {
  (void)argc;
  list_length(in, "reverse", args[0]);
  size_t slot = in->sp;
  push(in, NIL);
  for (; is_pair(args[0]); args[0] = cdr(args[0]))
    in->stack[slot] = cons(in, car(args[0]), in->stack[slot]);
  return pop(in);
}

static value list_tail(struct interp *in, const char *who, value list, value k) {
  int64_t n = check_fixnum(in, who, k);
  if (n < 0)
    scheme_error(in, "%s: negative index %lld", who, (long long)n);
  for (int64_t i = 0; i < n; i++) {
    if (!is_pair(list))
      scheme_error(in, "%s: index %lld out of range for the list", who, (long long)n);
    list = cdr(list);
  }
  return list;
}

PRIM(p_list_tail) { (void)argc; return list_tail(in, "list-tail", args[0], args[1]); }

PRIM(p_list_ref) {
  (void)argc;
  value l = list_tail(in, "list-ref", args[0], args[1]);
  if (!is_pair(l))
    scheme_error(in, "list-ref: index %lld out of range for the list",
                 (long long)fixnum_val(args[1]));
  return car(l);
}

static value member_by(struct interp *in, value x, value list, int how) {
  for (; is_pair(list); list = cdr(list)) {
    value y = car(list);
    if (how == 0 ? x == y : how == 1 ? values_eqv(x, y) : values_equal(in, x, y))
      return list;
  }
  (void)in;
  return FALSE_V;
}

PRIM(p_memq) { (void)argc; return member_by(in, args[0], args[1], 0); }
PRIM(p_memv) { (void)argc; return member_by(in, args[0], args[1], 1); }
PRIM(p_member) { (void)argc; return member_by(in, args[0], args[1], 2); }

static value assoc_by(struct interp *in, const char *who, value x, value alist, int how) {
  for (; is_pair(alist); alist = cdr(alist)) {
    value entry = car(alist);
    if (!is_pair(entry))
      type_error(in, who, "an association list (of pairs)", entry);
    value key = car(entry);
    if (how == 0 ? x == key : how == 1 ? values_eqv(x, key) : values_equal(in, x, key))
      return entry;
  }
  return FALSE_V;
}

PRIM(p_assq) { (void)argc; return assoc_by(in, "assq", args[0], args[1], 0); }
PRIM(p_assv) { (void)argc; return assoc_by(in, "assv", args[0], args[1], 1); }
PRIM(p_assoc) { (void)argc; return assoc_by(in, "assoc", args[0], args[1], 2); }

/* map and for-each: args[0] is the procedure, args[1..] the lists, used
 * as cursors.  Stops at the end of the shortest list. */
static value map_each(struct interp *in, const char *who, value *args, size_t argc, bool collect) {
  if (!is_procedure(args[0]))
    type_error(in, who, "a procedure", args[0]);
  for (size_t i = 1; i < argc; i++)
    list_length(in, who, args[i]);
  struct list_builder b = list_begin(in);
  for (;;) {
    for (size_t i = 1; i < argc; i++)
      if (!is_pair(args[i])) {
        value head = list_end(in, &b);
        return collect ? head : UNSPEC;
      }
    size_t base = in->sp;
    push(in, args[0]);
    for (size_t i = 1; i < argc; i++) {
      push(in, car(args[i]));
      args[i] = cdr(args[i]);
    }
    value v = apply_procedure(in, base, argc - 1);
    if (collect)
      list_add(in, &b, v);  /* roots v while it allocates */
  }
}

PRIM(p_map) { return map_each(in, "map", args, argc, true); }
PRIM(p_for_each) { return map_each(in, "for-each", args, argc, false); }

/* Never called: the evaluator spreads (apply f ... list) itself so that
 * it is a proper tail call. */
value prim_apply(struct interp *in, value *args, size_t argc) {
  (void)in, (void)args, (void)argc;
  return UNSPEC;
}

/* ---- Vectors -------------------------------------------------------------------- */

static value check_vector(struct interp *in, const char *who, value v) {
  if (!is_vector(v))
    type_error(in, who, "a vector", v);
  return v;
}

static size_t check_length(struct interp *in, const char *who, value v, size_t element_size) {
  int64_t n = check_fixnum(in, who, v);
  if (n < 0)
    scheme_error(in, "%s: negative length %lld", who, (long long)n);
  if ((uint64_t)n > (KN_MAX_OBJECT_BYTES - 64) / element_size)
    scheme_error(in, "%s: length %lld is too large", who, (long long)n);
  return (size_t)n;
}

PRIM(p_make_vector) {
  size_t n = check_length(in, "make-vector", args[0], sizeof(value));
  return make_vector(in, n, argc > 1 ? args[1] : UNSPEC);
}

PRIM(p_vector) {
  value v = make_vector(in, argc, UNSPEC);
  for (size_t i = 0; i < argc; i++)
    obj_set(in, v, i, args[i]);
  return v;
}

PRIM(p_vector_ref) {
  (void)argc;
  value v = check_vector(in, "vector-ref", args[0]);
  return vector_items(v)[check_index(in, "vector-ref", args[1], vector_length(v))];
}

PRIM(p_vector_set) {
  (void)argc;
  value v = check_vector(in, "vector-set!", args[0]);
  obj_set(in, v, check_index(in, "vector-set!", args[1], vector_length(v)), args[2]);
  return UNSPEC;
}

PRIM(p_vector_length) {
  (void)argc;
  return make_fixnum((int64_t)vector_length(check_vector(in, "vector-length", args[0])));
}

/* Optional [start [end]] arguments at args[first], args[first + 1]. */
static void range_args(struct interp *in, const char *who, value *args, size_t argc, size_t first,
                       size_t length, size_t *start, size_t *end) {
  *start = 0;
  *end = length;
  if (argc > first + 1)
    *end = check_index(in, who, args[first + 1], length + 1);
  if (argc > first)
    *start = check_index(in, who, args[first], *end + 1);
}

PRIM(p_vector_to_list) {
  size_t start, end;
  range_args(in, "vector->list", args, argc, 1,
             vector_length(check_vector(in, "vector->list", args[0])), &start, &end);
  value result = NIL;
  for (size_t i = end; i-- > start;)
    result = cons(in, vector_items(args[0])[i], result);  /* args[0] re-read: it may move */
  return result;
}

PRIM(p_list_to_vector) {
  (void)argc;
  size_t n = list_length(in, "list->vector", args[0]);
  value v = make_vector(in, n, UNSPEC);
  size_t i = 0;
  for (value l = args[0]; is_pair(l); l = cdr(l))  /* no allocation in this loop */
    obj_set(in, v, i++, car(l));
  return v;
}

PRIM(p_vector_fill) {
  size_t start, end;
  range_args(in, "vector-fill!", args, argc, 2,
             vector_length(check_vector(in, "vector-fill!", args[0])), &start, &end);
  for (size_t i = start; i < end; i++)
    obj_set(in, args[0], i, args[1]);
  return UNSPEC;
}

const struct primitive list_primitives[] = {
  {"cons", 2, 2, p_cons},
  {"car", 1, 1, p_car},
  {"cdr", 1, 1, p_cdr},
  {"caar", 1, 1, p_caar},
  {"cdar", 1, 1, p_cdar},
  {"cadr", 1, 1, p_cadr},
  {"cddr", 1, 1, p_cddr},
  {"caddr", 1, 1, p_caddr},
  {"cdddr", 1, 1, p_cdddr},
  {"cadddr", 1, 1, p_cadddr},
  {"set-car!", 2, 2, p_set_car},
  {"set-cdr!", 2, 2, p_set_cdr},
  {"list", 0, -1, p_list},
  {"length", 1, 1, p_length},
  {"append", 0, -1, p_append},
  {"reverse", 1, 1, p_reverse},
  {"list-tail", 2, 2, p_list_tail},
  {"list-ref", 2, 2, p_list_ref},
  {"memq", 2, 2, p_memq},
  {"memv", 2, 2, p_memv},
  {"member", 2, 2, p_member},
  {"assq", 2, 2, p_assq},
  {"assv", 2, 2, p_assv},
  {"assoc", 2, 2, p_assoc},
  {"map", 2, -1, p_map},
  {"for-each", 2, -1, p_for_each},
  {"apply", 2, -1, prim_apply},
  {"make-vector", 1, 2, p_make_vector},
  {"vector", 0, -1, p_vector},
  {"vector-ref", 2, 2, p_vector_ref},
  {"vector-set!", 3, 3, p_vector_set},
  {"vector-length", 1, 1, p_vector_length},
  {"vector->list", 1, 3, p_vector_to_list},
  {"list->vector", 1, 1, p_list_to_vector},
  {"vector-fill!", 2, 4, p_vector_fill},
  {NULL, 0, 0, NULL},
};
