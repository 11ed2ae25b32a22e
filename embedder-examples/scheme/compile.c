/* The compiler: syntax trees to nodes.  Special forms are recognized by
 * name unless the name is bound as a local variable; derived forms (cond,
 * when, unless, let*, named let, do) become core nodes here.  Variables
 * are resolved to (depth, index) in the frames of enclosing lambdas and
 * lets, or to a global index.  Malformed special forms are syntax errors
 * at the form's line and column. */

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "compiler.h"

void syntax_error(struct compiler *c, const struct syntax *s, const char *fmt, ...) {
  char msg[400];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  c->in->line = s->line;
  c->in->col = s->col;
  scheme_fail(c->in, "syntax error", msg);
}

/* ---- Scopes -------------------------------------------------------------------- */

void scope_init(struct scope *sc, struct scope *parent) {
  memset(sc, 0, sizeof *sc);
  sc->parent = parent;
}

void scope_free(struct scope *sc) { sc->names = NULL; }

long scope_find(const struct scope *sc, const char *name) {
  for (size_t i = sc->count; i-- > 0;)
    if (!strcmp(sc->names[i], name))
      return (long)i;
  return -1;
}

size_t scope_add(struct compiler *c, struct scope *sc, const char *name) {
  long found = scope_find(sc, name);
  if (found >= 0)
    return (size_t)found;
  if (sc->count == sc->capacity) {
    /* Arena memory, so an error that leaves the compiler leaks nothing. */
    sc->capacity = sc->capacity ? 2 * sc->capacity : 8;
    const char **names = arena_alloc(c->in->code_arena, sc->capacity * sizeof *names);
    if (sc->count)
      memcpy(names, sc->names, sc->count * sizeof *names);
    sc->names = names;
  }
  sc->names[sc->count] = arena_strdup(c->in->code_arena, name);
  return sc->count++;
}

bool lookup_local(const struct scope *sc, const char *name, unsigned *depth, size_t *index) {
  for (unsigned d = 0; sc; sc = sc->parent, d++) {
    long i = scope_find(sc, name);
    if (i >= 0) {
      *depth = d;
      *index = (size_t)i;
      return true;
    }
  }
  return false;
}

/* ---- Nodes ------------------------------------------------------------------ */

struct node *new_node(struct compiler *c, enum node_kind kind, const struct syntax *s) {
  struct node *n = arena_alloc(c->in->code_arena, sizeof *n);
  n->kind = kind;
  n->line = s->line;
  n->col = s->col;
  return n;
}

struct node **new_items(struct compiler *c, size_t n) {
  return arena_alloc(c->in->code_arena, (n ? n : 1) * sizeof(struct node *));
}

struct node *constant(struct compiler *c, const struct syntax *where, value v) {
  struct node *n = new_node(c, N_CONST, where);
  n->index = add_constant(c->in, v);
  return n;
}

struct node *unspecified(struct compiler *c, const struct syntax *where) {
  return constant(c, where, UNSPEC);
}

/* ---- Quoted data ------------------------------------------------------------- */

value syntax_to_datum(struct interp *in, const struct syntax *s) {
  switch (s->kind) {
  case SX_FIXNUM: return make_fixnum(s->fixnum);
  case SX_BOOL: return make_bool(s->fixnum);
  case SX_CHAR: return make_char((uint32_t)s->fixnum);
  case SX_STRING: return make_string(in, s->text, s->length);
  case SX_SYMBOL: return intern(in, s->text, s->length);
  case SX_LIST: {
    size_t slot = in->sp;
    push(in, s->tail ? syntax_to_datum(in, s->tail) : NIL);
    for (size_t i = s->count; i-- > 0;) {
      value item = syntax_to_datum(in, s->items[i]);
      in->stack[slot] = cons(in, item, in->stack[slot]);
    }
    return pop(in);
  }
  case SX_VECTOR: {
    size_t slot = in->sp;
    push(in, make_vector(in, s->count, UNSPEC));
    for (size_t i = 0; i < s->count; i++) {
      value item = syntax_to_datum(in, s->items[i]);
      obj_set(in, in->stack[slot], i, item);
    }
    return pop(in);
  }
  }
  return UNSPEC;
}

/* ---- Helpers for special forms ------------------------------------------- */

static const struct syntax *arg(const struct syntax *s, size_t i) { return s->items[i]; }

void need_proper(struct compiler *c, const struct syntax *s, const char *form) {
  if (s->tail)
    syntax_error(c, s, "%s: unexpected '.' in the form", form);
}

void need_count(struct compiler *c, const struct syntax *s, const char *form, size_t min,
                       size_t max) {
  need_proper(c, s, form);
  if (s->count < min || s->count > max)
    syntax_error(c, s, "bad %s form: %s", form,
                 s->count < min ? "too few parts" : "too many parts");
}

const char *symbol_name(struct compiler *c, const struct syntax *s, const char *what) {
  if (s->kind != SX_SYMBOL)
    syntax_error(c, s, "%s must be a symbol", what);
  return s->text;
}

struct node *compile_sequence(struct compiler *c, struct scope *sc, struct syntax *const *forms,
                             size_t n, const struct syntax *where) {
  if (n == 0)
    return unspecified(c, where);
  if (n == 1)
    return compile(c, sc, forms[0]);
  struct node *seq = new_node(c, N_SEQ, where);
  seq->items = new_items(c, n);
  seq->count = n;
  for (size_t i = 0; i < n; i++)
    seq->items[i] = compile(c, sc, forms[i]);
  return seq;
}

/* ---- lambda and bodies ------------------------------------------------------ */

/* Compiles `params body...` into a lambda; `name` is for printing. */
struct lambda *compile_lambda(struct compiler *c, struct scope *sc, const char *name,
                              const struct syntax *params, struct syntax *const *body,
                              size_t nbody, const struct syntax *where) {
  struct lambda *lam = arena_alloc(c->in->code_arena, sizeof *lam);
  lam->name = arena_strdup(c->in->code_arena, name);
  struct scope inner;
  scope_init(&inner, sc);
  const struct syntax *rest = NULL;
  if (params->kind == SX_SYMBOL) {
    rest = params;
  } else if (params->kind == SX_LIST) {
    for (size_t i = 0; i < params->count; i++) {
      const char *p = symbol_name(c, params->items[i], "a parameter");
      if (scope_find(&inner, p) >= 0)
        syntax_error(c, params->items[i], "parameter '%s' appears twice", p);
      scope_add(c, &inner, p);
    }
    rest = params->tail;
    lam->nrequired = (unsigned)params->count;
  } else {
    syntax_error(c, params, "bad parameter list");
  }
  if (rest) {
    const char *p = symbol_name(c, rest, "the rest parameter");
    if (scope_find(&inner, p) >= 0)
      syntax_error(c, rest, "parameter '%s' appears twice", p);
    scope_add(c, &inner, p);
    lam->rest = true;
  }
  if (nbody == 0)
    syntax_error(c, where, "lambda: no body");
  lam->body = compile_body(c, &inner, body, nbody, where);
  lam->frame_size = (unsigned)inner.count;
  scope_free(&inner);
  return lam;
}

/* The name a (define ...) form defines, or NULL if it is not one. */
static const char *definition_name(struct compiler *c, const struct syntax *s) {
  if (s->kind != SX_LIST || s->count < 2 || !sx_is_symbol(s->items[0], "define"))
    return NULL;
  const struct syntax *target = s->items[1];
  if (target->kind == SX_LIST && target->count > 0)
    target = target->items[0];
  return symbol_name(c, target, "the name in define");
}

/* Adds the names defined at the top of a body (also inside begin). */
static void scan_definitions(struct compiler *c, struct scope *sc, struct syntax *const *forms,
                             size_t n) {
  for (size_t i = 0; i < n; i++) {
    const struct syntax *f = forms[i];
    const char *name = definition_name(c, f);
    if (name)
      scope_add(c, sc, name);
    else if (f->kind == SX_LIST && f->count > 0 && sx_is_symbol(f->items[0], "begin") &&
             !f->tail)
      scan_definitions(c, sc, f->items + 1, f->count - 1);
  }
}

struct node *compile_body(struct compiler *c, struct scope *sc,
                                 struct syntax *const *forms, size_t n, const struct syntax *where) {
  scan_definitions(c, sc, forms, n);
  return compile_sequence(c, sc, forms, n, where);
}

/* ---- define and set! ---------------------------------------------------------- */

struct node *compile_define(struct compiler *c, struct scope *sc, const struct syntax *s) {
  need_proper(c, s, "define");
  if (s->count < 2)
    syntax_error(c, s, "bad define form: too few parts");
  const struct syntax *target = arg(s, 1);
  const char *name;
  struct node *val;
  if (target->kind == SX_LIST && target->count > 0) {
    name = symbol_name(c, target->items[0], "the name in define");
    struct syntax params = *target;  /* the parameters: the list without its head */
    params.items = target->items + 1;
    params.count = target->count - 1;
    struct node *lam = new_node(c, N_LAMBDA, s);
    lam->lambda = compile_lambda(c, sc, name, &params, s->items + 2, s->count - 2, s);
    val = lam;
  } else {
    name = symbol_name(c, target, "the name in define");
    if (s->count > 3)
      syntax_error(c, s, "bad define form: too many parts");
    if (s->count == 3) {
      const struct syntax *e = arg(s, 2);
      /* (define f (lambda ...)) names the procedure f */
      if (e->kind == SX_LIST && e->count >= 3 && sx_is_symbol(e->items[0], "lambda") &&
          !e->tail && !lookup_local(sc, "lambda", &(unsigned){0}, &(size_t){0})) {
        val = new_node(c, N_LAMBDA, e);
        val->lambda = compile_lambda(c, sc, name, arg(e, 1), e->items + 2, e->count - 2, e);
      } else {
        val = compile(c, sc, e);
      }
    } else {
      val = unspecified(c, s);
    }
  }
  struct node *n;
  if (sc) {
    long i = scope_find(sc, name);
    if (i < 0)
      syntax_error(c, s, "define is allowed only at top level or at the start of a body");
    n = new_node(c, N_SET_LOCAL, s);
    n->depth = 0;
    n->index = (size_t)i;
    n->init = true;
  } else {
    n = new_node(c, N_DEFINE_GLOBAL, s);
    n->index = global_lookup(c->in, name);
  }
  n->a = val;
  return n;
}

struct node *compile_set(struct compiler *c, struct scope *sc, const struct syntax *s) {
  need_count(c, s, "set!", 3, 3);
  const char *name = symbol_name(c, arg(s, 1), "the variable in set!");
  struct node *n;
  unsigned depth;
  size_t index;
  if (lookup_local(sc, name, &depth, &index)) {
    n = new_node(c, N_SET_LOCAL, s);
    n->depth = depth;
    n->index = index;
  } else {
    n = new_node(c, N_SET_GLOBAL, s);
    n->index = global_lookup(c->in, name);
  }
  n->name = arena_strdup(c->in->code_arena, name);
  n->a = compile(c, sc, arg(s, 2));
  return n;
}

/* ---- Expressions ------------------------------------------------------------ */

static struct node *compile_variable(struct compiler *c, struct scope *sc, const struct syntax *s) {
  unsigned depth;
  size_t index;
  if (lookup_local(sc, s->text, &depth, &index)) {
    struct node *n = new_node(c, N_LOCAL, s);
    n->depth = depth;
    n->index = index;
    n->name = arena_strdup(c->in->code_arena, s->text);
    return n;
  }
  struct node *n = new_node(c, N_GLOBAL, s);
  n->index = global_lookup(c->in, s->text);
  n->name = c->in->globals[n->index].name;
  return n;
}

static struct node *compile_call(struct compiler *c, struct scope *sc, const struct syntax *s) {
  need_proper(c, s, "a procedure call");
  struct node *n = new_node(c, N_CALL, s);
  n->a = compile(c, sc, arg(s, 0));
  n->count = s->count - 1;
  n->items = new_items(c, n->count);
  for (size_t i = 0; i < n->count; i++)
    n->items[i] = compile(c, sc, arg(s, i + 1));
  return n;
}

struct node *compile(struct compiler *c, struct scope *sc, const struct syntax *s) {
  switch (s->kind) {
  case SX_SYMBOL:
    return compile_variable(c, sc, s);
  case SX_LIST:
    break;
  default:
    return constant(c, s, syntax_to_datum(c->in, s));
  }
  if (s->count == 0)
    syntax_error(c, s, "empty combination '()' (quote it for the empty list)");
  const struct syntax *head = arg(s, 0);
  unsigned depth;
  size_t index;
  if (head->kind == SX_SYMBOL && !lookup_local(sc, head->text, &depth, &index)) {
    struct node *n = compile_special(c, sc, s, head->text);
    if (n)
      return n;
  }
  return compile_call(c, sc, s);
}

struct node *compile_toplevel(struct interp *in, struct syntax *s) {
  struct compiler c = {.in = in};
  return compile(&c, NULL, s);
}
