/* The resolver: decides where every variable lives, once, before running.
 *
 * A function without inner functions keeps its parameters and locals on
 * the VM stack (REF_SLOT): nothing can capture them, so a call allocates
 * nothing.  A function with inner functions keeps them in a heap scope
 * record (struct js_env) that closures share (REF_ENV, `depth` records up
 * the chain).  A block with let/const that contains a function literal
 * gets a record of its own (and a loop, one per iteration), so closures
 * capture per-block bindings; other blocks borrow slots from the
 * enclosing record.  Names declared at the top level of the script, and
 * names not declared anywhere, are globals (REF_GLOBAL). */

#include <stdlib.h>

#include "ast.h"

struct binding {
  uint32_t atom;
  struct ref ref;
};

struct scope {
  struct scope *parent;
  struct funcinfo *func;
  bool materialized;       /* a js_env at run time */
  bool global;             /* the script's top level: declarations are globals */
  struct scope *home;      /* where this scope's slots come from */
  int *slot_counter;
  struct binding *names;
  int count;
  size_t cap;
  size_t hoisted_cap;      /* of func->hoisted, in a function's own scope */
};

static Value atom_value(uint32_t atom) { return vm.consts[atom]; }

static uint32_t global_index(uint32_t atom) {
  for (size_t i = 0; i < vm.nglobals; i++)
    if (atom_value(vm.global_atoms[i]) == atom_value(atom))
      return (uint32_t)i;
  if (vm.nglobals == vm.globals_cap) {
    /* three parallel arrays share vm.globals_cap: grow each from its old value */
    size_t need = vm.nglobals + 1, defined_cap = vm.globals_cap, atoms_cap = vm.globals_cap;
    const char *what = "resolving the program";
    vm.global_defined = grow_array(vm.global_defined, 1, &defined_cap, need, 64, what);
    vm.global_atoms = grow_array(vm.global_atoms, sizeof *vm.global_atoms, &atoms_cap, need, 64,
                                 what);
    vm.globals = grow_array(vm.globals, sizeof *vm.globals, &vm.globals_cap, need, 64, what);
  }
  vm.globals[vm.nglobals] = JS_UNDEFINED;
  vm.global_defined[vm.nglobals] = 0;
  vm.global_atoms[vm.nglobals] = atom;
  return (uint32_t)vm.nglobals++;
}

/* The global variable named `s`, declared (used by the builtins). */
uint32_t global_declare(const char *s) {
  uint32_t idx = global_index((uint32_t)add_const(intern_ascii(s)));
  vm.global_defined[idx] = 1;
  return idx;
}

static struct binding *find_local(struct scope *s, uint32_t atom) {
  for (int i = 0; i < s->count; i++)
    if (atom_value(s->names[i].atom) == atom_value(atom))
      return &s->names[i];
  return NULL;
}

static struct binding *declare(struct scope *s, uint32_t atom, bool is_const) {
  struct binding *b = find_local(s, atom);
  if (b)
    return b;
  if ((size_t)s->count == s->cap)
    s->names = grow_array(s->names, sizeof *s->names, &s->cap, (size_t)s->count + 1, 8,
                          "resolving the program");
  b = &s->names[s->count++];
  b->atom = atom;
  b->ref.is_const = is_const;
  b->ref.depth = 0;
  if (s->global) {
    b->ref.kind = REF_GLOBAL;
    b->ref.index = global_index(atom);
    vm.global_defined[b->ref.index] = 1;
  } else {
    b->ref.kind = s->home->materialized ? REF_ENV : REF_SLOT;
    b->ref.index = (uint32_t)(*s->home->slot_counter)++;
  }
  return b;
}

/* Depth counts the scope records between the reference and the scope that
 * declares the name: the declaring scope's home is the nearest record. */
static struct ref lookup(struct scope *s, uint32_t atom) {
  uint16_t depth = 0;
  for (; s; s = s->parent) {
    struct binding *b = find_local(s, atom);
    if (b) {
      struct ref r = b->ref;
      if (r.kind == REF_ENV)
        r.depth = depth;
      return r;
    }
    if (s->materialized)
      depth++;
  }
  struct ref r = {.kind = REF_GLOBAL, .index = global_index(atom)};
  return r;
}

static void resolve_node(struct scope *s, struct node *n);

static void resolve_list(struct scope *s, struct node **list, int n) {
  for (int i = 0; i < n; i++)
    resolve_node(s, list[i]);
}

/* Declares `var`s and function declarations of a function body (not of
 * nested functions). */
static void hoist(struct scope *fs, struct node *n) {
  if (!n)
    return;
  switch (n->type) {
  case N_VAR:
    if (n->decl_kind == TOK_VAR)
      for (int i = 0; i < n->nlist; i++)
        declare(fs, (uint32_t)n->list[i]->cidx, false);
    break;
  case N_FUNCDECL:
    declare(fs, (uint32_t)n->cidx, false);
    if ((size_t)fs->func->nhoisted == fs->hoisted_cap)
      fs->func->hoisted = grow_array(fs->func->hoisted, sizeof *fs->func->hoisted,
                                     &fs->hoisted_cap, (size_t)fs->func->nhoisted + 1, 4,
                                     "resolving the program");
    fs->func->hoisted[fs->func->nhoisted++] = n;
    break;
  case N_BLOCK:
    for (int i = 0; i < n->nlist; i++)
      hoist(fs, n->list[i]);
    break;
  case N_IF:
    hoist(fs, n->b);
    hoist(fs, n->c);
    break;
  case N_FOR:
    hoist(fs, n->a);
    hoist(fs, n->d);
    break;
  case N_WHILE:
  case N_DOWHILE:
    hoist(fs, n->b);
    break;
  default:
    break;
  }
}

static bool declares_lexical(struct node **list, int n) {
  for (int i = 0; i < n; i++)
    if (list[i]->type == N_VAR && list[i]->decl_kind != TOK_VAR)
      return true;
  return false;
}

static void declare_lexical(struct scope *s, struct node **list, int n) {
  for (int i = 0; i < n; i++)
    if (list[i]->type == N_VAR && list[i]->decl_kind != TOK_VAR)
      for (int k = 0; k < list[i]->nlist; k++)
        declare(s, (uint32_t)list[i]->list[k]->cidx, list[i]->decl_kind == TOK_CONST);
}

/* A block scope: its own record if it must be, else slots of its home. */
static void open_block(struct scope *bs, struct scope *parent, struct node *owner, bool lexical) {
  *bs = (struct scope){.parent = parent, .func = parent->func};
  if (lexical && owner->contains_func && parent->func->heap_env) {
    bs->materialized = true;
    bs->home = bs;
    bs->slot_counter = &owner->env_slots;
  } else {
    bs->home = parent->home;
    bs->slot_counter = parent->slot_counter;
  }
}

static void resolve_function(struct scope *parent, struct funcinfo *f) {
  check_c_stack();
  struct scope fs = {.parent = parent, .func = f};
  f->heap_env = f->has_inner;
  fs.materialized = f->heap_env;
  fs.home = &fs;
  fs.slot_counter = &f->nslots;
  fs.global = false;
  f->param_refs = cmem_alloc(((size_t)f->nparams + 1) * sizeof *f->param_refs,
                             "resolving the program");
  for (int i = 0; i < f->nparams; i++)
    f->param_refs[i] = declare(&fs, f->params[i], false)->ref;
  if (f->is_script)
    fs.global = true;
  hoist(&fs, f->body);
  f->self_ref.kind = REF_UNRESOLVED;
  if (f->is_expression && f->name >= 0 && !find_local(&fs, (uint32_t)f->name))
    f->self_ref = declare(&fs, (uint32_t)f->name, false)->ref;
  declare_lexical(&fs, f->body->list, f->body->nlist);
  fs.global = false;
  for (int i = 0; i < f->nhoisted; i++)
    f->hoisted[i]->ref = lookup(&fs, (uint32_t)f->hoisted[i]->cidx);
  resolve_list(&fs, f->body->list, f->body->nlist);
  cmem_free(fs.names);
}

static void resolve_node(struct scope *s, struct node *n) {
  if (!n)
    return;
  check_c_stack();
  switch (n->type) {
  case N_IDENT:
    n->ref = lookup(s, (uint32_t)n->cidx);
    resolve_node(s, n->a);
    break;
  case N_FUNC:
  case N_FUNCDECL:
    resolve_function(s, n->func);
    break;
  case N_BLOCK: {
    bool lexical = declares_lexical(n->list, n->nlist);
    struct scope bs;
    open_block(&bs, s, n, lexical);
    declare_lexical(&bs, n->list, n->nlist);
    resolve_list(&bs, n->list, n->nlist);
    cmem_free(bs.names);
    break;
  }
  case N_FOR: {
    bool lexical = n->a && n->a->type == N_VAR && n->a->decl_kind != TOK_VAR;
    struct scope bs;
    open_block(&bs, s, n, lexical);
    if (lexical)
      declare_lexical(&bs, &n->a, 1);
    resolve_node(&bs, n->a);
    resolve_node(&bs, n->b);
    resolve_node(&bs, n->c);
    resolve_node(&bs, n->d);
    cmem_free(bs.names);
    break;
  }
  default:
    resolve_node(s, n->a);
    resolve_node(s, n->b);
    resolve_node(s, n->c);
    resolve_node(s, n->d);
    resolve_list(s, n->list, n->nlist);
  }
}

void resolve_program(struct node *program) { resolve_function(NULL, program->func); }
