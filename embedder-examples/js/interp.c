/* The interpreter: walks the resolved syntax tree.
 *
 * A call's values sit on the VM stack: [callee, this, arg0 .. argN-1],
 * then, for a function that keeps its locals on the stack, the rest of its
 * slots, then the slot that holds the current scope record.  Every
 * temporary that must outlive an allocation is pushed there too, and read
 * back from its slot after the allocation (which may have moved it).
 *
 * Reading and writing properties (`obj.name`, `obj[key]`) is property.c. */

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "ast.h"
#include "builtins.h"

enum completion { C_NORMAL, C_BREAK, C_CONTINUE, C_RETURN };

struct frame {
  struct funcinfo *f;
  size_t base;       /* stack index of the callee; `this` is at base + 1 */
  Value *slots;      /* stack-mode locals */
  size_t env_idx;    /* stack index of the current scope record */
};

static Value eval(struct frame *fr, struct node *n);
static enum completion exec(struct frame *fr, struct node *n);

const struct node *vm_current_node;

/* ---- Variables ---------------------------------------------------------- */

static Value env_at(struct frame *fr, unsigned depth) {
  Value e = vm.stack[fr->env_idx];
  while (depth--)
    e = as_env(e)->parent;
  return e;
}

static Value read_ref(struct frame *fr, const struct node *n) {
  const struct ref *r = &n->ref;
  switch (r->kind) {
  case REF_SLOT:
    return fr->slots[r->index];
  case REF_ENV:
    return as_env(env_at(fr, r->depth))->slots[r->index];
  default:
    if (!vm.global_defined[r->index]) {
      char name[128];
      js_error_at(n, "ReferenceError", "%s is not defined",
                  atom_text(vm.consts[vm.global_atoms[r->index]], name, sizeof name));
    }
    return vm.globals[r->index];
  }
}

static void write_ref_init(struct frame *fr, const struct ref *r, Value v) {
  switch (r->kind) {
  case REF_SLOT:
    fr->slots[r->index] = v;
    break;
  case REF_ENV: {
    struct js_env *e = as_env(env_at(fr, r->depth));
    store(e, &e->slots[r->index], v);
    break;
  }
  default:
    vm.globals[r->index] = v;
    vm.global_defined[r->index] = 1;
  }
}

static void write_ref(struct frame *fr, const struct node *n, Value v) {
  if (n->ref.is_const)
    js_error_at(n, "TypeError", "Assignment to constant variable.");
  write_ref_init(fr, &n->ref, v);
}

/* ---- Operators ------------------------------------------------------------ */

static bool is_objectlike(Value v) { return is_object(v) || is_array(v) || is_function(v); }

static Value arith(int op, Value a, Value b) {
  double x = to_number(a), y = to_number(b);
  switch (op) {
  case TOK_MINUS: return make_number(x - y);
  case TOK_STAR: return make_number(x * y);
  case TOK_SLASH: return make_number(x / y);
  default: return make_number(fmod(x, y));
  }
}

static Value smi_binary(int op, int32_t x, int32_t y, bool *done) {
  int32_t r;
  *done = true;
  switch (op) {
  case TOK_PLUS:
    if (!__builtin_add_overflow(x, y, &r))
      return make_smi(r);
    return make_number((double)x + y);
  case TOK_MINUS:
    if (!__builtin_sub_overflow(x, y, &r))
      return make_smi(r);
    return make_number((double)x - y);
  case TOK_STAR: {
    int64_t p = (int64_t)x * y;
    if (p >= INT32_MIN && p <= INT32_MAX && !(p == 0 && (x < 0 || y < 0)))
      return make_smi((int32_t)p);
    return make_number((double)x * y);
  }
  case TOK_PERCENT:
    if (y > 0 && x >= 0)
      return make_smi(x % y);
    break;
  case TOK_LT: return js_bool(x < y);
  case TOK_GT: return js_bool(x > y);
  case TOK_LE: return js_bool(x <= y);
  case TOK_GE: return js_bool(x >= y);
  case TOK_SEQ: case TOK_EQ: return js_bool(x == y);
  case TOK_SNE: case TOK_NE: return js_bool(x != y);
  case TOK_AMP: return make_smi(x & y);
  case TOK_PIPE: return make_smi(x | y);
  case TOK_CARET: return make_smi(x ^ y);
  default: break;
  }
  *done = false;
  return JS_UNDEFINED;
}

static Value compare(int op, Value a, Value b) {
  if (is_string(a) && is_string(b)) {
    int c = string_compare(a, b);
    return js_bool(op == TOK_LT ? c < 0 : op == TOK_GT ? c > 0 : op == TOK_LE ? c <= 0 : c >= 0);
  }
  double x = to_number(a), y = to_number(b);
  return js_bool(op == TOK_LT ? x < y : op == TOK_GT ? x > y : op == TOK_LE ? x <= y : x >= y);
}

/* Both operands in rooted slots. */
static Value binary_op(int op, Value *a, Value *b) {
  if (is_smi(*a) && is_smi(*b)) {
    bool done;
    Value r = smi_binary(op, smi_val(*a), smi_val(*b), &done);
    if (done)
      return r;
  }
  if (op == TOK_PLUS) {
    if (is_string(*a) || is_string(*b) || is_objectlike(*a) || is_objectlike(*b)) {
      if (!is_string(*a))
        *a = to_string(a);
      if (!is_string(*b))
        *b = to_string(b);
      return string_concat(a, b); /* ropes stay ropes */
    }
    return make_number(to_number(*a) + to_number(*b));
  }
  flatten(a);
  flatten(b);
  switch (op) {
  case TOK_MINUS: case TOK_STAR: case TOK_SLASH: case TOK_PERCENT:
    return arith(op, *a, *b);
  case TOK_LT: case TOK_GT: case TOK_LE: case TOK_GE:
    return compare(op, *a, *b);
  case TOK_SEQ: return js_bool(js_strict_equal(*a, *b));
  case TOK_SNE: return js_bool(!js_strict_equal(*a, *b));
  case TOK_EQ: return js_bool(js_loose_equal(*a, *b));
  case TOK_NE: return js_bool(!js_loose_equal(*a, *b));
  case TOK_AMP: return make_smi(to_int32(*a) & to_int32(*b));
  case TOK_PIPE: return make_smi(to_int32(*a) | to_int32(*b));
  case TOK_CARET: return make_smi(to_int32(*a) ^ to_int32(*b));
  case TOK_SHL: return make_smi((int32_t)((uint32_t)to_int32(*a) << (to_uint32(*b) & 31)));
  case TOK_SHR: return make_smi(to_int32(*a) >> (to_uint32(*b) & 31));
  case TOK_USHR: return make_number((double)(to_uint32(*a) >> (to_uint32(*b) & 31)));
  default:
    js_fatal("internal: unknown operator %d", op);
  }
}

static int compound_op(int assign_op) {
  switch (assign_op) {
  case TOK_PLUS_ASSIGN: return TOK_PLUS;
  case TOK_MINUS_ASSIGN: return TOK_MINUS;
  case TOK_STAR_ASSIGN: return TOK_STAR;
  case TOK_SLASH_ASSIGN: return TOK_SLASH;
  case TOK_PERCENT_ASSIGN: return TOK_PERCENT;
  case TOK_AMP_ASSIGN: return TOK_AMP;
  case TOK_PIPE_ASSIGN: return TOK_PIPE;
  case TOK_CARET_ASSIGN: return TOK_CARET;
  case TOK_SHL_ASSIGN: return TOK_SHL;
  case TOK_SHR_ASSIGN: return TOK_SHR;
  default: return TOK_USHR;
  }
}

/* ---- Calls ------------------------------------------------------------------- */

static void instantiate_hoisted(struct frame *fr) {
  for (int i = 0; i < fr->f->nhoisted; i++) {
    struct node *h = fr->f->hoisted[i];
    Value *name = push(vm.consts[h->cidx]);
    Value fn = new_function(h, &vm.stack[fr->env_idx], name);
    pop();
    write_ref_init(fr, &h->ref, fn);
  }
}

static Value alloc_env(size_t nslots, Value *parent) {
  struct js_env *e = vm_alloc(sizeof *e + nslots * sizeof(Value), KN_ALLOC_TRACED, TAG_ENV);
  store(e, &e->parent, *parent);
  return (Value)e;
}

static enum completion exec_list(struct frame *fr, struct node **list, int n) {
  for (int i = 0; i < n; i++) {
    enum completion c = exec(fr, list[i]);
    if (c != C_NORMAL)
      return c;
  }
  return C_NORMAL;
}

Value call_value(size_t base, int argc) {
  struct js_function *f = as_function(vm.stack[base]);
  if (f->native >= 0) {
    /* natives read string units directly: give them flat strings */
    for (size_t i = base + 1; i < base + 2 + (size_t)argc; i++)
      flatten(&vm.stack[i]);
    Value r = call_native(as_function(vm.stack[base])->native, base, argc);
    vm.sp = base;
    return r;
  }
  check_c_stack();
  struct funcinfo *fi = f->code->func;
  struct frame fr = {.f = fi, .base = base};
  size_t args = base + 2;
  if (!fi->heap_env) {
    size_t top = args + (size_t)fi->nslots;
    if (top + 1 >= vm.stack_cap)
      vm_stack_overflow();
    for (size_t i = args + (size_t)argc; i < top; i++)
      vm.stack[i] = JS_UNDEFINED;
    vm.sp = top;
    fr.slots = &vm.stack[args];
    fr.env_idx = vm.sp;
    push(f->env);
  } else {
    fr.env_idx = vm.sp;
    Value *parent = push(f->env); /* rooted: alloc_env may move the function */
    Value env = alloc_env((size_t)fi->nslots, parent);
    vm.stack[fr.env_idx] = env;
    int n = argc < fi->nparams ? argc : fi->nparams;
    for (int i = 0; i < n; i++)
      store(as_env(env), &as_env(env)->slots[fi->param_refs[i].index], vm.stack[args + i]);
  }
  if (fi->self_ref.kind != REF_UNRESOLVED)
    write_ref_init(&fr, &fi->self_ref, vm.stack[base]);
  instantiate_hoisted(&fr);
  enum completion c = exec_list(&fr, fi->body->list, fi->body->nlist);
  Value result = c == C_RETURN ? vm.retval : JS_UNDEFINED;
  vm.retval = JS_UNDEFINED;
  vm.sp = base;
  return result;
}

static void describe_callee(const struct node *n, char *buf, size_t size) {
  char name[100];
  if (n->type == N_IDENT) {
    atom_text(vm.consts[n->cidx], buf, size);
  } else if (n->type == N_MEMBER) {
    describe_callee(n->a, name, sizeof name);
    char prop[100];
    snprintf(buf, size, "%s.%s", name, atom_text(vm.consts[n->cidx], prop, sizeof prop));
  } else {
    snprintf(buf, size, "expression");
  }
}

static Value eval_call(struct frame *fr, struct node *n) {
  size_t base = vm.sp;
  if (n->a->type == N_MEMBER || n->a->type == N_INDEX) {
    push(JS_UNDEFINED);
    push(eval(fr, n->a->a));
    Value fn;
    if (n->a->type == N_MEMBER) {
      vm_current_node = n->a;
      fn = get_property(&vm.stack[base + 1], vm.consts[n->a->cidx]);
    } else {
      Value *key = push(eval(fr, n->a->b));
      vm_current_node = n->a;
      fn = get_element(&vm.stack[base + 1], key);
      pop();
    }
    vm.stack[base] = fn;
  } else {
    push(eval(fr, n->a));
    push(JS_UNDEFINED);
  }
  for (int i = 0; i < n->nlist; i++)
    push(eval(fr, n->list[i]));
  if (!is_function(vm.stack[base])) {
    char what[200];
    describe_callee(n->a, what, sizeof what);
    js_error_at(n->a, "TypeError", "%s is not a function", what);
  }
  vm_current_node = n;
  return call_value(base, n->nlist);
}

static Value eval_new(struct frame *fr, struct node *n) {
  size_t base = vm.sp;
  Value *fn = push(eval(fr, n->a));
  if (!is_function(*fn) || !as_function(*fn)->code) {
    char what[200];
    describe_callee(n->a, what, sizeof what);
    js_error_at(n, "TypeError", "%s is not a constructor", what);
  }
  Value *proto = push(function_prototype(fn));
  struct js_function *f = as_function(*fn);
  if (f->instance_shape == JS_UNDEFINED ||
      as_shape(f->instance_shape)->proto != *proto) {
    Value shape = is_object(*proto) ? new_shape_root(proto) : vm.root_shape;
    store(as_function(*fn), &as_function(*fn)->instance_shape, shape);
  }
  Value *shape = &as_function(*fn)->instance_shape;
  Value *shape_slot = push(*shape);
  Value obj = new_object(shape_slot, as_function(*fn)->ctor_slots);
  vm.sp = base + 1;
  push(obj);
  for (int i = 0; i < n->nlist; i++)
    push(eval(fr, n->list[i]));
  vm_current_node = n;
  Value r = call_value(base, n->nlist);
  Value self = vm.stack[base + 1];
  if (is_objectlike(r))
    return r;
  if (!object_is_dict(self)) {
    uint32_t count = as_shape(as_object(self)->shape)->count;
    struct js_function *fnp = as_function(vm.stack[base]);
    if (count > fnp->ctor_slots && count <= 32)
      fnp->ctor_slots = count;
  }
  return self;
}

/* ---- Expressions ---------------------------------------------------------------- */

static Value eval_object(struct frame *fr, struct node *n) {
  Value *shape = push(vm.root_shape);
  Value *obj = push(new_object(shape, n->nlist ? (size_t)n->nlist : 4));
  for (int i = 0; i < n->nlist; i++) {
    Value *key = push(vm.consts[n->keys[i]]);
    Value *val = push(eval(fr, n->list[i]));
    object_set(obj, key, val);
    vm.sp -= 2;
  }
  Value r = *obj;
  vm.sp -= 2;
  return r;
}

static Value eval_array(struct frame *fr, struct node *n) {
  Value *arr = push(new_array((size_t)n->nlist));
  for (int i = 0; i < n->nlist; i++) {
    Value *v = push(eval(fr, n->list[i]));
    array_push(arr, v);
    pop();
  }
  return pop();
}

static Value eval_member(struct frame *fr, struct node *n) {
  Value obj = eval(fr, n->a);
  if (is_object(obj)) {
    struct js_shape *s = as_shape(as_object(obj)->shape);
    if (s->id == n->ic_shape)
      return *object_slot(obj, n->ic_slot);
    if (!s->dict) {
      int idx = shape_lookup((Value)s, vm.consts[n->cidx]);
      if (idx >= 0) {
        n->ic_shape = s->id;
        n->ic_slot = (uint32_t)idx;
        return *object_slot(obj, (uint32_t)idx);
      }
    }
  }
  Value *o = push(obj);
  vm_current_node = n;
  Value r = get_property(o, vm.consts[n->cidx]);
  pop();
  return r;
}

static Value eval_assign(struct frame *fr, struct node *n) {
  struct node *t = n->a;
  bool compound = n->op != TOK_ASSIGN;
  size_t base = vm.sp;
  if (t->type == N_IDENT) {
    if (!compound) {
      Value v = eval(fr, n->b);
      write_ref(fr, t, v);
      return v;
    }
    Value *cur = push(read_ref(fr, t));
    Value *v = push(eval(fr, n->b));
    Value r = binary_op(compound_op(n->op), cur, v);
    vm.sp = base;
    write_ref(fr, t, r);
    return r;
  }
  Value *obj = push(eval(fr, t->a));
  Value *key = t->type == N_INDEX ? push(eval(fr, t->b)) : NULL;
  Value *cur = NULL;
  if (compound) {
    vm_current_node = t;
    cur = push(key ? get_element(obj, key) : get_property(obj, vm.consts[t->cidx]));
  }
  Value *v = push(eval(fr, n->b));
  if (compound)
    *v = binary_op(compound_op(n->op), cur, v);
  vm_current_node = t;
  if (key)
    set_element(obj, key, v);
  else
    set_property(obj, vm.consts[t->cidx], v);
  Value r = *v;
  vm.sp = base;
  return r;
}

static Value eval_update(struct frame *fr, struct node *n) {
  struct node *t = n->a;
  int delta = n->op == TOK_INC ? 1 : -1;
  size_t base = vm.sp;
  Value *obj = NULL, *key = NULL, old;
  if (t->type == N_IDENT) {
    old = read_ref(fr, t);
  } else {
    obj = push(eval(fr, t->a));
    if (t->type == N_INDEX)
      key = push(eval(fr, t->b));
    vm_current_node = t;
    old = key ? get_element(obj, key) : get_property(obj, vm.consts[t->cidx]);
  }
  Value *oldv, *newv;
  if (is_smi(old) && smi_val(old) != (delta > 0 ? INT32_MAX : INT32_MIN)) {
    oldv = push(old);
    newv = push(make_smi(smi_val(old) + delta));
  } else {
    double d = to_number(old);
    oldv = push(make_number(d));
    newv = push(make_number(d + delta));
  }
  if (t->type == N_IDENT) {
    write_ref(fr, t, *newv);
  } else {
    vm_current_node = t;
    if (key)
      set_element(obj, key, newv);
    else
      set_property(obj, vm.consts[t->cidx], newv);
  }
  Value r = n->prefix ? *newv : *oldv;
  vm.sp = base;
  return r;
}

static Value eval_unary(struct frame *fr, struct node *n) {
  Value v = eval(fr, n->a);
  switch (n->op) {
  case TOK_NOT: return js_bool(!to_boolean(v));
  case TOK_MINUS:
    if (is_smi(v) && smi_val(v) != 0 && smi_val(v) != INT32_MIN)
      return make_smi(-smi_val(v));
    return make_number(-to_number(v));
  case TOK_PLUS: return is_smi(v) ? v : make_number(to_number(v));
  case TOK_TILDE: return make_smi(~to_int32(v));
  default: return JS_UNDEFINED;
  }
}

static Value eval_typeof(struct frame *fr, struct node *n) {
  if (n->a->type == N_IDENT && n->a->ref.kind == REF_GLOBAL && !vm.global_defined[n->a->ref.index])
    return vm.atoms[A_UNDEFINED];
  Value v = eval(fr, n->a);
  const char *t = type_of(v);
  switch (t[0]) {
  case 'u': return vm.atoms[A_UNDEFINED];
  case 'b': return vm.atoms[A_BOOLEAN];
  case 'n': return vm.atoms[A_NUMBER];
  case 's': return vm.atoms[A_STRING];
  case 'f': return vm.atoms[A_FUNCTION];
  default: return vm.atoms[A_OBJECT];
  }
}

static Value eval(struct frame *fr, struct node *n) {
  switch (n->type) {
  case N_NUM:
    return n->cidx < 0 ? n->lit : vm.consts[n->cidx];
  case N_STR:
    return vm.consts[n->cidx];
  case N_LIT:
    return n->lit;
  case N_IDENT:
    return read_ref(fr, n);
  case N_THIS:
    return vm.stack[fr->base + 1];
  case N_ARRAY:
    return eval_array(fr, n);
  case N_OBJECT:
    return eval_object(fr, n);
  case N_FUNC: {
    Value *name = push(n->func->name >= 0 ? vm.consts[n->func->name] : vm.atoms[A_EMPTY]);
    Value fn = new_function(n, &vm.stack[fr->env_idx], name);
    pop();
    return fn;
  }
  case N_UNARY:
    return eval_unary(fr, n);
  case N_TYPEOF:
    return eval_typeof(fr, n);
  case N_BINARY: {
    Value *a = push(eval(fr, n->a));
    Value b = eval(fr, n->b);
    if (is_smi(*a) && is_smi(b)) {
      bool done;
      Value r = smi_binary(n->op, smi_val(*a), smi_val(b), &done);
      if (done) {
        pop();
        return r;
      }
    }
    Value *bp = push(b);
    Value r = binary_op(n->op, a, bp);
    vm.sp -= 2;
    return r;
  }
  case N_AND: {
    Value a = eval(fr, n->a);
    return to_boolean(a) ? eval(fr, n->b) : a;
  }
  case N_OR: {
    Value a = eval(fr, n->a);
    return to_boolean(a) ? a : eval(fr, n->b);
  }
  case N_COND:
    return to_boolean(eval(fr, n->a)) ? eval(fr, n->b) : eval(fr, n->c);
  case N_ASSIGN:
    return eval_assign(fr, n);
  case N_UPDATE:
    return eval_update(fr, n);
  case N_MEMBER:
    return eval_member(fr, n);
  case N_INDEX: {
    Value *obj = push(eval(fr, n->a));
    Value *key = push(eval(fr, n->b));
    vm_current_node = n;
    Value r = get_element(obj, key);
    vm.sp -= 2;
    return r;
  }
  case N_CALL:
    return eval_call(fr, n);
  case N_NEW:
    return eval_new(fr, n);
  case N_COMMA:
    eval(fr, n->a);
    return eval(fr, n->b);
  default:
    js_fatal("internal: node %d is not an expression", n->type);
  }
}

/* ---- Statements ------------------------------------------------------------------ */

static void enter_scope(struct frame *fr, int nslots) {
  Value env = alloc_env((size_t)nslots, &vm.stack[fr->env_idx]);
  vm.stack[fr->env_idx] = env;
}

static void leave_scope(struct frame *fr) { vm.stack[fr->env_idx] = as_env(vm.stack[fr->env_idx])->parent; }

/* A fresh copy of the loop's scope record for the next iteration, so that
 * closures made in one iteration keep that iteration's bindings. */
static void copy_scope(struct frame *fr, int nslots) {
  Value *parent = push(as_env(vm.stack[fr->env_idx])->parent);
  Value env = alloc_env((size_t)nslots, parent);
  pop();
  struct js_env *old = as_env(vm.stack[fr->env_idx]);
  for (int i = 0; i < nslots; i++)
    store(as_env(env), &as_env(env)->slots[i], old->slots[i]);
  vm.stack[fr->env_idx] = env;
}

static enum completion exec_loop_body(struct frame *fr, struct node *body, bool *stop) {
  enum completion c = exec(fr, body);
  *stop = c == C_BREAK || c == C_RETURN;
  kn_safepoint(vm.mut);
  return c == C_RETURN ? C_RETURN : C_NORMAL;
}

static enum completion exec_for(struct frame *fr, struct node *n) {
  if (n->env_slots)
    enter_scope(fr, n->env_slots);
  if (n->a) {
    if (n->a->type == N_VAR)
      exec(fr, n->a);
    else
      eval(fr, n->a);
  }
  enum completion result = C_NORMAL;
  for (;;) {
    if (n->b && !to_boolean(eval(fr, n->b)))
      break;
    bool stop;
    result = exec_loop_body(fr, n->d, &stop);
    if (stop)
      break;
    if (n->env_slots)
      copy_scope(fr, n->env_slots);
    if (n->c)
      eval(fr, n->c);
  }
  if (n->env_slots)
    leave_scope(fr);
  return result;
}

static enum completion exec(struct frame *fr, struct node *n) {
  switch (n->type) {
  case N_EXPR:
    eval(fr, n->a);
    return C_NORMAL;
  case N_VAR:
    for (int i = 0; i < n->nlist; i++) {
      struct node *d = n->list[i];
      if (d->a)
        write_ref_init(fr, &d->ref, eval(fr, d->a));
      else if (n->decl_kind != TOK_VAR)
        write_ref_init(fr, &d->ref, JS_UNDEFINED);
    }
    return C_NORMAL;
  case N_FUNCDECL:
  case N_EMPTY:
    return C_NORMAL;
  case N_BLOCK: {
    if (!n->env_slots)
      return exec_list(fr, n->list, n->nlist);
    enter_scope(fr, n->env_slots);
    enum completion c = exec_list(fr, n->list, n->nlist);
    leave_scope(fr);
    return c;
  }
  case N_IF:
    if (to_boolean(eval(fr, n->a)))
      return exec(fr, n->b);
    return n->c ? exec(fr, n->c) : C_NORMAL;
  case N_WHILE:
    while (to_boolean(eval(fr, n->a))) {
      bool stop;
      enum completion c = exec_loop_body(fr, n->b, &stop);
      if (stop)
        return c;
    }
    return C_NORMAL;
  case N_DOWHILE:
    do {
      bool stop;
      enum completion c = exec_loop_body(fr, n->b, &stop);
      if (stop)
        return c;
    } while (to_boolean(eval(fr, n->a)));
    return C_NORMAL;
  case N_FOR:
    return exec_for(fr, n);
  case N_BREAK:
    return C_BREAK;
  case N_CONTINUE:
    return C_CONTINUE;
  case N_RETURN:
    vm.retval = n->a ? eval(fr, n->a) : JS_UNDEFINED;
    return C_RETURN;
  default:
    eval(fr, n);
    return C_NORMAL;
  }
}

void run_program(struct node *program) {
  struct funcinfo *f = program->func;
  size_t base = vm.sp;
  push(JS_UNDEFINED); /* callee */
  push(JS_UNDEFINED); /* this */
  struct frame fr = {.f = f, .base = base};
  size_t top = vm.sp + (size_t)f->nslots;
  if (top + 1 >= vm.stack_cap)
    vm_stack_overflow();
  for (size_t i = vm.sp; i < top; i++)
    vm.stack[i] = JS_UNDEFINED;
  fr.slots = &vm.stack[vm.sp];
  vm.sp = top;
  fr.env_idx = vm.sp;
  push(JS_UNDEFINED);
  if (f->heap_env)
    enter_scope(&fr, f->nslots);
  instantiate_hoisted(&fr);
  exec_list(&fr, f->body->list, f->body->nlist);
  vm.sp = base;
}
