/* The evaluator: walks compiled nodes.
 *
 * run(in, node, fp) evaluates `node` with its environment in stack[fp]
 * (sp == fp + 1 on entry) and leaves sp == fp.  Tail positions (the last
 * expression of a body, the branches of if, calls) loop inside run
 * instead of recursing, so tail calls take no C stack and no value stack.
 * Non-tail subexpressions recurse on the C stack; the evaluator runs on a
 * thread with a big stack (main.c), and run() checks the remaining depth
 * so that runaway recursion is an error, not a crash.
 *
 * Rooting: the environment and every evaluated operand live on the value
 * stack while anything else is evaluated or allocated. */

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "node.h"

/* ---- Errors ------------------------------------------------------------------- */

void scheme_exit(struct interp *in, int status) {
  fflush(stdout);
  if (in->gc_stats)
    interp_print_stats(in, stderr);
  fflush(stderr);
  exit(status);
}

void scheme_fail(struct interp *in, const char *category, const char *message) {
  fflush(stdout);
  if (in->line > 0)
    fprintf(stderr, "%s:%d:%d: %s: %s\n", in->file, in->line, in->col, category, message);
  else
    fprintf(stderr, "%s: %s: %s\n", in->file, category, message);
  int status = in->error_status ? in->error_status : 1;
  in->error_status = 0;
  if (in->repl && in->on_error)
    longjmp(*in->on_error, 1);
  scheme_exit(in, status);
}

void scheme_error(struct interp *in, const char *fmt, ...) {
  char msg[512];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  scheme_fail(in, "error", msg);
}

/* Writes a short external representation of `v` into buf. */
static void describe(struct interp *in, value v, char *buf, size_t size) {
  char *text = NULL;
  size_t len = 0;
  FILE *out = open_memstream(&text, &len);
  if (!out) {
    snprintf(buf, size, "?");
    return;
  }
  print_value_limited(in, out, v, true, size);
  fclose(out);
  snprintf(buf, size, "%s%s", text, len >= size - 1 ? "..." : "");
  free(text);
}

void type_error(struct interp *in, const char *who, const char *expected, value got) {
  char what[80];
  describe(in, got, what, sizeof what);
  scheme_error(in, "%s: expected %s, got %s", who, expected, what);
}

/* ---- Procedure application --------------------------------------------------- */

static void arity_error(struct interp *in, const char *who, unsigned min, bool more, size_t got) {
  scheme_error(in, "%s: wrong number of arguments (expected %s%u, got %zu)",
               who[0] ? who : "#<procedure>", more ? "at least " : "", min, got);
}

/* Turns the closure at stack[base] and its argc arguments above it into a
 * new environment in stack[base] (sp == base + 1); returns the body. */
static struct node *enter_closure(struct interp *in, size_t base, size_t argc) {
  struct lambda *lam = closure_lambda(in->stack[base]);
  if (argc < lam->nrequired || (!lam->rest && argc > lam->nrequired))
    arity_error(in, lam->name, lam->nrequired, lam->rest, argc);
  size_t rest_slot = in->sp;
  push(in, NIL);
  if (lam->rest)
    for (size_t i = argc; i-- > lam->nrequired;)
      in->stack[rest_slot] = cons(in, in->stack[base + 1 + i], in->stack[rest_slot]);
  size_t parent_slot = in->sp;
  push(in, closure_env(in->stack[base]));
  value frame = make_env(in, lam->frame_size, parent_slot);
  value *fields = obj_fields(frame);
  for (size_t i = 0; i < lam->nrequired; i++)
    kn_store(in->mut, frame, &fields[1 + i], in->stack[base + 1 + i]);
  if (lam->rest)
    kn_store(in->mut, frame, &fields[1 + lam->nrequired], in->stack[rest_slot]);
  in->stack[base] = frame;
  in->sp = base + 1;
  return lam->body;
}

/* (apply f a ... list) at stack[base]: makes it (f a ... items of list);
 * returns the new argument count. */
static size_t spread_apply(struct interp *in, size_t base, size_t argc) {
  if (argc < 2)
    arity_error(in, "apply", 2, true, argc);
  value list = in->stack[base + argc];
  for (size_t i = 0; i + 1 < argc; i++)
    in->stack[base + i] = in->stack[base + 1 + i];
  in->sp = base + argc - 1;
  size_t n = argc - 2;
  for (; is_pair(list); list = cdr(list), n++)
    push(in, car(list));  /* no allocation: list stays valid */
  if (list != NIL)
    type_error(in, "apply", "a proper list as the last argument", in->stack[base + argc]);
  return n;
}

static value call_primitive(struct interp *in, size_t base, size_t argc) {
  const struct primitive *p = primitive_of(in->stack[base]);
  if ((int)argc < p->min_args || (p->max_args >= 0 && (int)argc > p->max_args))
    arity_error(in, p->name, (unsigned)p->min_args, p->max_args != p->min_args, argc);
  value result = p->fn(in, &in->stack[base + 1], argc);
  in->sp = base;
  return result;
}

static void not_a_procedure(struct interp *in, value f) {
  char what[80];
  describe(in, f, what, sizeof what);
  scheme_error(in, "not a procedure: %s", what);
}

static value run(struct interp *in, struct node *node, size_t fp);

value apply_procedure(struct interp *in, size_t base, size_t argc) {
  for (;;) {
    value f = in->stack[base];
    if (is_closure(f))
      return run(in, enter_closure(in, base, argc), base);
    if (!is_prim(f))
      not_a_procedure(in, f);
    if (primitive_of(f)->fn != prim_apply)
      return call_primitive(in, base, argc);
    argc = spread_apply(in, base, argc);
  }
}

/* ---- Evaluation --------------------------------------------------------------- */

static value frame_at(value env, unsigned depth) {
  while (depth--)
    env = obj_fields(env)[0];
  return env;
}

static value variable_error(struct interp *in, struct node *node, const char *what) {
  in->line = node->line;
  in->col = node->col;
  scheme_error(in, "%s: %s", what, node->name);
}

/* Evaluates a non-tail subexpression in the environment at stack[fp]. */
static inline value eval_sub(struct interp *in, struct node *node, size_t fp) {
  switch (node->kind) {
  case N_CONST:
    return in->constants[node->index];
  case N_LOCAL: {
    value v = obj_fields(frame_at(in->stack[fp], node->depth))[1 + node->index];
    return v ? v : variable_error(in, node, "variable used before its definition");
  }
  case N_GLOBAL: {
    value v = in->global_values[node->index];
    return v ? v : variable_error(in, node, "unbound variable");
  }
  default: {
    size_t sub = in->sp;
    push(in, in->stack[fp]);
    return run(in, node, sub);
  }
  }
}

static value run(struct interp *in, struct node *node, size_t fp) {
  check_c_stack(in);
  value v;
  size_t base, argc;
  for (;;) {
    switch (node->kind) {
    case N_CONST:
    case N_LOCAL:
    case N_GLOBAL:
      v = eval_sub(in, node, fp);
      goto done;
    case N_SET_LOCAL: {
      v = eval_sub(in, node->a, fp);
      value frame = frame_at(in->stack[fp], node->depth);
      value *slot = &obj_fields(frame)[1 + node->index];
      if (!*slot && !node->init)
        variable_error(in, node, "set! of a variable before its definition");
      kn_store(in->mut, frame, slot, v);
      v = UNSPEC;
      goto done;
    }
    case N_SET_GLOBAL:
      v = eval_sub(in, node->a, fp);
      if (!in->global_values[node->index])
        variable_error(in, node, "set! of an unbound variable");
      in->global_values[node->index] = v;
      v = UNSPEC;
      goto done;
    case N_DEFINE_GLOBAL:
      in->global_values[node->index] = eval_sub(in, node->a, fp);
      v = UNSPEC;
      goto done;
    case N_IF:
      v = eval_sub(in, node->a, fp);
      node = v != FALSE_V ? node->b : node->c;
      if (!node) {
        v = UNSPEC;
        goto done;
      }
      continue;
    case N_LAMBDA:
      v = make_closure(in, node->lambda, fp);
      goto done;
    case N_SEQ:
      for (size_t i = 0; i + 1 < node->count; i++)
        eval_sub(in, node->items[i], fp);
      node = node->items[node->count - 1];
      continue;
    case N_AND:
    case N_OR: {
      bool stop_on_false = node->kind == N_AND;
      for (size_t i = 0; i + 1 < node->count; i++) {
        v = eval_sub(in, node->items[i], fp);
        if ((v == FALSE_V) == stop_on_false)
          goto done;
      }
      node = node->items[node->count - 1];
      continue;
    }
    case N_LET: {
      base = in->sp;
      for (size_t i = 0; i < node->count; i++)
        push(in, eval_sub(in, node->items[i], fp));
      value frame = make_env(in, node->frame_size, fp);
      for (size_t i = 0; i < node->count; i++)
        kn_store(in->mut, frame, &obj_fields(frame)[1 + i], in->stack[base + i]);
      in->stack[fp] = frame;
      in->sp = fp + 1;
      node = node->a;
      continue;
    }
    case N_LETREC:
      in->stack[fp] = make_env(in, node->frame_size, fp);
      for (size_t i = 0; i < node->count; i++) {
        v = eval_sub(in, node->items[i], fp);
        kn_store(in->mut, in->stack[fp], &obj_fields(in->stack[fp])[1 + i], v);
      }
      node = node->a;
      continue;
    case N_CASE: {
      v = eval_sub(in, node->a, fp);
      struct node *next = node->c;
      for (size_t i = 0; i < node->nclauses; i++) {
        const struct case_clause *cl = &node->clauses[i];
        for (size_t j = 0; j < cl->nconstants; j++)
          if (values_eqv(v, in->constants[cl->constants[j]])) {
            next = cl->body;
            goto matched;
          }
      }
    matched:
      if (!next) {
        v = UNSPEC;
        goto done;
      }
      node = next;
      continue;
    }
    case N_COND_ARROW:
      v = eval_sub(in, node->a, fp);
      if (v == FALSE_V) {
        node = node->c;
        if (!node) {
          v = UNSPEC;
          goto done;
        }
        continue;
      }
      base = in->sp;
      push(in, v);
      push(in, eval_sub(in, node->b, fp));
      v = in->stack[base + 1];
      in->stack[base + 1] = in->stack[base];
      in->stack[base] = v;
      argc = 1;
      in->line = node->line;
      in->col = node->col;
      goto apply;
    case N_CALL:
      base = in->sp;
      push(in, eval_sub(in, node->a, fp));
      for (size_t i = 0; i < node->count; i++)
        push(in, eval_sub(in, node->items[i], fp));
      argc = node->count;
      in->line = node->line;
      in->col = node->col;
    apply:
      for (;;) {
        value f = in->stack[base];
        if (is_closure(f)) {
          node = enter_closure(in, base, argc);
          in->stack[fp] = in->stack[base];
          in->sp = fp + 1;
          break;
        }
        if (!is_prim(f))
          not_a_procedure(in, f);
        if (primitive_of(f)->fn != prim_apply) {
          v = call_primitive(in, base, argc);
          goto done;
        }
        argc = spread_apply(in, base, argc);
      }
      continue;
    }
  }
done:
  in->sp = fp;
  return v;
}

value eval_toplevel(struct interp *in, struct node *node) {
  size_t fp = in->sp;
  push(in, UNSPEC);  /* no frame: top-level variables are globals */
  return run(in, node, fp);
}
