/* Special forms other than lambda, define and set! (compile.c): quote,
 * if, begin, the let family, cond, case, and, or, when, unless, do.
 * Derived forms become core nodes: named let and do become a letrec'd
 * procedure called with the initial values, so their loops are proper
 * tail calls. */

#include <string.h>

#include "compiler.h"

static const struct syntax *arg(const struct syntax *s, size_t i) { return s->items[i]; }

static struct node *compile_if(struct compiler *c, struct scope *sc, const struct syntax *s) {
  need_count(c, s, "if", 3, 4);
  struct node *n = new_node(c, N_IF, s);
  n->a = compile(c, sc, arg(s, 1));
  n->b = compile(c, sc, arg(s, 2));
  n->c = s->count == 4 ? compile(c, sc, arg(s, 3)) : NULL;
  return n;
}

/* and / or: zero operands give the identity, one gives itself. */
static struct node *compile_logic(struct compiler *c, struct scope *sc, const struct syntax *s,
                                  enum node_kind kind) {
  need_proper(c, s, kind == N_AND ? "and" : "or");
  if (s->count == 1)
    return constant(c, s, make_bool(kind == N_AND));
  if (s->count == 2)
    return compile(c, sc, arg(s, 1));
  struct node *n = new_node(c, kind, s);
  n->count = s->count - 1;
  n->items = new_items(c, n->count);
  for (size_t i = 0; i < n->count; i++)
    n->items[i] = compile(c, sc, arg(s, i + 1));
  return n;
}

static struct node *compile_when(struct compiler *c, struct scope *sc, const struct syntax *s,
                                 bool when) {
  need_proper(c, s, when ? "when" : "unless");
  if (s->count < 2)
    syntax_error(c, s, "bad %s form: no test", when ? "when" : "unless");
  struct node *n = new_node(c, N_IF, s);
  n->a = compile(c, sc, arg(s, 1));
  struct node *body = compile_sequence(c, sc, s->items + 2, s->count - 2, s);
  n->b = when ? body : unspecified(c, s);
  n->c = when ? NULL : body;
  return n;
}

/* ---- cond and case ------------------------------------------------------------ */

static struct node *compile_cond_clauses(struct compiler *c, struct scope *sc,
                                         const struct syntax *s, size_t i) {
  if (i == s->count)
    return NULL;
  const struct syntax *clause = arg(s, i);
  if (clause->kind != SX_LIST || clause->count == 0 || clause->tail)
    syntax_error(c, clause, "bad cond clause");
  if (sx_is_symbol(arg(clause, 0), "else")) {
    if (i + 1 != s->count)
      syntax_error(c, clause, "cond: else clause must be the last");
    return compile_sequence(c, sc, clause->items + 1, clause->count - 1, clause);
  }
  struct node *rest = compile_cond_clauses(c, sc, s, i + 1);
  if (clause->count == 1) {  /* (test): the test's value if true */
    struct node *n = new_node(c, N_OR, clause);
    n->count = 2;
    n->items = new_items(c, 2);
    n->items[0] = compile(c, sc, arg(clause, 0));
    n->items[1] = rest ? rest : unspecified(c, clause);
    return n;
  }
  if (sx_is_symbol(arg(clause, 1), "=>")) {
    if (clause->count != 3)
      syntax_error(c, clause, "bad cond clause: (test => receiver)");
    struct node *n = new_node(c, N_COND_ARROW, clause);
    n->a = compile(c, sc, arg(clause, 0));
    n->b = compile(c, sc, arg(clause, 2));
    n->c = rest;
    return n;
  }
  struct node *n = new_node(c, N_IF, clause);
  n->a = compile(c, sc, arg(clause, 0));
  n->b = compile_sequence(c, sc, clause->items + 1, clause->count - 1, clause);
  n->c = rest;
  return n;
}

static struct node *compile_cond(struct compiler *c, struct scope *sc, const struct syntax *s) {
  need_proper(c, s, "cond");
  struct node *n = compile_cond_clauses(c, sc, s, 1);
  return n ? n : unspecified(c, s);
}

static struct node *compile_case(struct compiler *c, struct scope *sc, const struct syntax *s) {
  need_proper(c, s, "case");
  if (s->count < 2)
    syntax_error(c, s, "bad case form: no key");
  struct node *n = new_node(c, N_CASE, s);
  n->a = compile(c, sc, arg(s, 1));
  n->clauses = arena_alloc(c->in->code_arena, (s->count + 1) * sizeof *n->clauses);
  for (size_t i = 2; i < s->count; i++) {
    const struct syntax *clause = arg(s, i);
    if (clause->kind != SX_LIST || clause->count == 0 || clause->tail)
      syntax_error(c, clause, "bad case clause");
    struct node *body = compile_sequence(c, sc, clause->items + 1, clause->count - 1, clause);
    if (sx_is_symbol(arg(clause, 0), "else")) {
      if (i + 1 != s->count)
        syntax_error(c, clause, "case: else clause must be the last");
      n->c = body;
      break;
    }
    const struct syntax *data = arg(clause, 0);
    if (data->kind != SX_LIST || data->tail)
      syntax_error(c, data, "case: a clause must start with a list of data");
    struct case_clause *cl = &n->clauses[n->nclauses++];
    cl->body = body;
    cl->nconstants = data->count;
    cl->constants = arena_alloc(c->in->code_arena, (data->count + 1) * sizeof(size_t));
    for (size_t j = 0; j < data->count; j++)
      cl->constants[j] = add_constant(c->in, syntax_to_datum(c->in, arg(data, j)));
  }
  return n;
}

/* ---- The let family ------------------------------------------------------------ */

/* Checks (name init) bindings and returns their count. */
static size_t check_bindings(struct compiler *c, const struct syntax *bindings, const char *form) {
  if (bindings->kind != SX_LIST || bindings->tail)
    syntax_error(c, bindings, "%s: bindings must be a list", form);
  for (size_t i = 0; i < bindings->count; i++) {
    const struct syntax *b = arg(bindings, i);
    if (b->kind != SX_LIST || b->tail || b->count != 2)
      syntax_error(c, b, "%s: a binding must be (name value)", form);
    symbol_name(c, arg(b, 0), "a bound name");
  }
  return bindings->count;
}

static void add_binding_names(struct compiler *c, struct scope *sc, const struct syntax *bindings,
                              const char *form) {
  for (size_t i = 0; i < bindings->count; i++) {
    const struct syntax *name = arg(arg(bindings, i), 0);
    if (scope_find(sc, name->text) >= 0)
      syntax_error(c, name, "%s: '%s' is bound twice", form, name->text);
    scope_add(c, sc, name->text);
  }
}

static struct node *compile_named_let(struct compiler *c, struct scope *sc,
                                      const struct syntax *s);

static struct node *compile_let(struct compiler *c, struct scope *sc, const struct syntax *s) {
  need_proper(c, s, "let");
  if (s->count >= 2 && arg(s, 1)->kind == SX_SYMBOL)
    return compile_named_let(c, sc, s);
  if (s->count < 3)
    syntax_error(c, s, "bad let form: too few parts");
  const struct syntax *bindings = arg(s, 1);
  size_t n = check_bindings(c, bindings, "let");
  struct node *let = new_node(c, N_LET, s);
  let->count = n;
  let->items = new_items(c, n);
  for (size_t i = 0; i < n; i++)
    let->items[i] = compile(c, sc, arg(arg(bindings, i), 1));
  struct scope inner;
  scope_init(&inner, sc);
  add_binding_names(c, &inner, bindings, "let");
  let->a = compile_body(c, &inner, s->items + 2, s->count - 2, s);
  let->frame_size = (unsigned)inner.count;
  scope_free(&inner);
  return let;
}

/* let*: one frame per binding, the body in the innermost. */
static struct node *compile_let_star_from(struct compiler *c, struct scope *sc,
                                          const struct syntax *s, size_t i) {
  const struct syntax *bindings = arg(s, 1);
  struct node *let = new_node(c, N_LET, i < bindings->count ? arg(bindings, i) : s);
  struct scope inner;
  scope_init(&inner, sc);
  if (i < bindings->count) {
    const struct syntax *b = arg(bindings, i);
    let->count = 1;
    let->items = new_items(c, 1);
    let->items[0] = compile(c, sc, arg(b, 1));
    scope_add(c, &inner, arg(b, 0)->text);
  }
  if (i + 1 < bindings->count)
    let->a = compile_let_star_from(c, &inner, s, i + 1);
  else
    let->a = compile_body(c, &inner, s->items + 2, s->count - 2, s);
  let->frame_size = (unsigned)inner.count;
  scope_free(&inner);
  return let;
}

static struct node *compile_let_star(struct compiler *c, struct scope *sc, const struct syntax *s) {
  need_proper(c, s, "let*");
  if (s->count < 3)
    syntax_error(c, s, "bad let* form: too few parts");
  check_bindings(c, arg(s, 1), "let*");
  return compile_let_star_from(c, sc, s, 0);
}

static struct node *compile_letrec(struct compiler *c, struct scope *sc, const struct syntax *s) {
  need_proper(c, s, "letrec");
  if (s->count < 3)
    syntax_error(c, s, "bad letrec form: too few parts");
  const struct syntax *bindings = arg(s, 1);
  size_t n = check_bindings(c, bindings, "letrec");
  struct scope inner;
  scope_init(&inner, sc);
  add_binding_names(c, &inner, bindings, "letrec");
  struct node *let = new_node(c, N_LETREC, s);
  let->count = n;
  let->items = new_items(c, n);
  for (size_t i = 0; i < n; i++) {
    const struct syntax *b = arg(bindings, i);
    const struct syntax *e = arg(b, 1);
    if (e->kind == SX_LIST && e->count >= 3 && !e->tail && sx_is_symbol(arg(e, 0), "lambda") &&
        !lookup_local(&inner, "lambda", &(unsigned){0}, &(size_t){0})) {
      let->items[i] = new_node(c, N_LAMBDA, e);
      let->items[i]->lambda =
          compile_lambda(c, &inner, arg(b, 0)->text, arg(e, 1), e->items + 2, e->count - 2, e);
    } else {
      let->items[i] = compile(c, &inner, e);
    }
  }
  let->a = compile_body(c, &inner, s->items + 2, s->count - 2, s);
  let->frame_size = (unsigned)inner.count;
  scope_free(&inner);
  return let;
}

/* A loop: ((letrec ((NAME (lambda VARS BODY))) NAME) INITS...), where the
 * caller compiles BODY in the lambda's scope (its parent holds NAME). */
struct loop_parts {
  const char *name;
  const struct syntax *const *vars;
  size_t nvars;
  struct node *(*body)(struct compiler *c, struct scope *sc, const struct syntax *s);
};

static struct node *compile_loop(struct compiler *c, struct scope *sc, const struct syntax *s,
                                 const struct loop_parts *parts, struct node **inits) {
  struct scope loop_scope, lambda_scope;
  scope_init(&loop_scope, sc);
  scope_add(c, &loop_scope, parts->name);
  scope_init(&lambda_scope, &loop_scope);
  for (size_t i = 0; i < parts->nvars; i++) {
    if (scope_find(&lambda_scope, parts->vars[i]->text) >= 0)
      syntax_error(c, parts->vars[i], "'%s' is bound twice", parts->vars[i]->text);
    scope_add(c, &lambda_scope, parts->vars[i]->text);
  }
  struct lambda *lam = arena_alloc(c->in->code_arena, sizeof *lam);
  lam->name = arena_strdup(c->in->code_arena, parts->name[0] == ' ' ? "do" : parts->name);
  lam->nrequired = (unsigned)parts->nvars;
  lam->body = parts->body(c, &lambda_scope, s);
  lam->frame_size = (unsigned)lambda_scope.count;
  scope_free(&lambda_scope);

  struct node *letrec = new_node(c, N_LETREC, s);
  letrec->frame_size = 1;
  letrec->count = 1;
  letrec->items = new_items(c, 1);
  letrec->items[0] = new_node(c, N_LAMBDA, s);
  letrec->items[0]->lambda = lam;
  letrec->a = new_node(c, N_LOCAL, s); /* NAME: depth 0, index 0 */
  scope_free(&loop_scope);

  struct node *call = new_node(c, N_CALL, s);
  call->a = letrec;
  call->count = parts->nvars;
  call->items = inits;
  return call;
}

static struct node *named_let_body(struct compiler *c, struct scope *sc, const struct syntax *s) {
  return compile_body(c, sc, s->items + 3, s->count - 3, s);
}

static struct node *compile_named_let(struct compiler *c, struct scope *sc,
                                      const struct syntax *s) {
  if (s->count < 4)
    syntax_error(c, s, "bad named let form: too few parts");
  const struct syntax *bindings = arg(s, 2);
  size_t n = check_bindings(c, bindings, "let");
  const struct syntax **vars = arena_alloc(c->in->code_arena, (n + 1) * sizeof *vars);
  struct node **inits = new_items(c, n);
  for (size_t i = 0; i < n; i++) {
    vars[i] = arg(arg(bindings, i), 0);
    inits[i] = compile(c, sc, arg(arg(bindings, i), 1));
  }
  struct loop_parts parts = {arg(s, 1)->text, vars, n, named_let_body};
  struct node *call = compile_loop(c, sc, s, &parts, inits);
  return call;
}

/* (do ((var init step)...) (test result...) command...) */
static struct node *do_body(struct compiler *c, struct scope *sc, const struct syntax *s) {
  const struct syntax *specs = arg(s, 1), *exit = arg(s, 2);
  struct node *n = new_node(c, N_IF, exit);
  n->a = compile(c, sc, arg(exit, 0));
  n->b = compile_sequence(c, sc, exit->items + 1, exit->count - 1, exit);
  size_t ncommands = s->count - 3;
  struct node *loop = new_node(c, N_SEQ, s);
  loop->count = ncommands + 1;
  loop->items = new_items(c, ncommands + 1);
  for (size_t i = 0; i < ncommands; i++)
    loop->items[i] = compile(c, sc, arg(s, i + 3));
  struct node *again = new_node(c, N_CALL, s);
  again->a = new_node(c, N_LOCAL, s);
  again->a->depth = 1; /* the loop procedure, index 0 of the enclosing frame */
  again->count = specs->count;
  again->items = new_items(c, specs->count);
  for (size_t i = 0; i < specs->count; i++) {
    const struct syntax *spec = arg(specs, i);
    again->items[i] = compile(c, sc, arg(spec, spec->count == 3 ? 2 : 0));
  }
  loop->items[ncommands] = again;
  n->c = loop;
  return n;
}

static struct node *compile_do(struct compiler *c, struct scope *sc, const struct syntax *s) {
  need_proper(c, s, "do");
  if (s->count < 3)
    syntax_error(c, s, "bad do form: too few parts");
  const struct syntax *specs = arg(s, 1), *exit = arg(s, 2);
  if (specs->kind != SX_LIST || specs->tail)
    syntax_error(c, specs, "do: the variables must be a list");
  if (exit->kind != SX_LIST || exit->tail || exit->count == 0)
    syntax_error(c, exit, "do: the exit clause must be (test result...)");
  size_t n = specs->count;
  const struct syntax **vars = arena_alloc(c->in->code_arena, (n + 1) * sizeof *vars);
  struct node **inits = new_items(c, n);
  for (size_t i = 0; i < n; i++) {
    const struct syntax *spec = arg(specs, i);
    if (spec->kind != SX_LIST || spec->tail || spec->count < 2 || spec->count > 3 ||
        arg(spec, 0)->kind != SX_SYMBOL) {
      syntax_error(c, spec, "do: a variable must be (name init [step])");
    }
    vars[i] = arg(spec, 0);
    inits[i] = compile(c, sc, arg(spec, 1));
  }
  struct loop_parts parts = {" do-loop", vars, n, do_body};
  struct node *call = compile_loop(c, sc, s, &parts, inits);
  return call;
}

/* ---- Dispatch ------------------------------------------------------------------- */

struct node *compile_special(struct compiler *c, struct scope *sc, const struct syntax *s,
                             const char *name) {
  switch (name[0]) {
  case 'a':
    if (!strcmp(name, "and")) return compile_logic(c, sc, s, N_AND);
    break;
  case 'b':
    if (!strcmp(name, "begin")) {
      need_proper(c, s, "begin");
      return compile_sequence(c, sc, s->items + 1, s->count - 1, s);
    }
    break;
  case 'c':
    if (!strcmp(name, "cond")) return compile_cond(c, sc, s);
    if (!strcmp(name, "case")) return compile_case(c, sc, s);
    break;
  case 'd':
    if (!strcmp(name, "define")) return compile_define(c, sc, s);
    if (!strcmp(name, "do")) return compile_do(c, sc, s);
    break;
  case 'i':
    if (!strcmp(name, "if")) return compile_if(c, sc, s);
    break;
  case 'l':
    if (!strcmp(name, "lambda")) {
      need_proper(c, s, "lambda");
      if (s->count < 3)
        syntax_error(c, s, "bad lambda form: too few parts");
      struct node *n = new_node(c, N_LAMBDA, s);
      n->lambda = compile_lambda(c, sc, "", arg(s, 1), s->items + 2, s->count - 2, s);
      return n;
    }
    if (!strcmp(name, "let")) return compile_let(c, sc, s);
    if (!strcmp(name, "let*")) return compile_let_star(c, sc, s);
    if (!strcmp(name, "letrec") || !strcmp(name, "letrec*")) return compile_letrec(c, sc, s);
    break;
  case 'o':
    if (!strcmp(name, "or")) return compile_logic(c, sc, s, N_OR);
    break;
  case 'q':
    if (!strcmp(name, "quote")) {
      need_count(c, s, "quote", 2, 2);
      return constant(c, s, syntax_to_datum(c->in, arg(s, 1)));
    }
    break;
  case 's':
    if (!strcmp(name, "set!")) return compile_set(c, sc, s);
    break;
  case 'u':
    if (!strcmp(name, "unless")) return compile_when(c, sc, s, false);
    break;
  case 'w':
    if (!strcmp(name, "when")) return compile_when(c, sc, s, true);
    break;
  }
  return NULL;
}
