/* The embedding: how the interpreter uses kennel.
 *
 * - trace_object: every traced object is an array of values, so tracing
 *   reports every word; the collector skips immediates (low bits set) and
 *   NULL itself.
 * - Roots: the mutator roots callback reports the value stack, the global
 *   variables, the constants of compiled code and the symbol table.  No
 *   other place holds a heap reference across an allocation.
 * - Symbols are allocated with KN_ALLOC_LONG_LIVED (they are interned and
 *   never die); strings and symbols are KN_ALLOC_POINTERLESS.
 * - Heap exhaustion goes to an OOM handler that reports it and exits (or
 *   returns to the REPL prompt). */

#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "scheme.h"

/* Values on the stack at once: deep recursion needs a few per frame. */
enum { STACK_VALUES = 32u << 20 };

static void trace_object(void *obj, unsigned tag, struct kn_edges *edges, void *data) {
  (void)tag, (void)data;
  kn_edges_push_range(edges, obj_fields(obj), obj_nfields(obj));
}

static void push_slots(struct kn_edges *edges, value *slots, size_t n) {
  kn_edges_push_range(edges, slots, n);
}

static void trace_roots(struct kn_edges *edges, void *data) {
  struct interp *in = data;
  push_slots(edges, in->stack, in->sp);
  push_slots(edges, in->global_values, in->nglobals);
  push_slots(edges, in->constants, in->nconstants);
  push_slots(edges, in->symbols, in->symbols_capacity);
}

/* Heap exhaustion: report where, and exit with status 2 (or return to
 * the REPL prompt, where the emptied stack frees what the program held). */
static bool out_of_memory(struct kn_heap *heap, size_t request, void *data) {
  (void)heap;
  struct interp *in = data;
  in->sp = 0;
  in->error_status = 2;
  scheme_error(in, "heap exhausted: cannot allocate %zu bytes within the heap limit "
               "(raise --heap-size)", request);
}

bool interp_init(struct interp *in, struct kn_options *opts) {
  struct kn_embedder embedder = {.trace_object = trace_object};
  if (!kn_heap_create(opts, &embedder, &in->heap, &in->mut))
    return false;
  in->stack_capacity = STACK_VALUES;
  void *stack = mmap(NULL, STACK_VALUES * sizeof(value), PROT_READ | PROT_WRITE,
                     MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (stack == MAP_FAILED) {
    kn_heap_destroy(in->heap);
    return false;
  }
  in->stack = stack;
  in->code_arena = arena_create();
  in->global_index = strmap_create();
  in->symbols_capacity = 1024;
  in->symbols = calloc(in->symbols_capacity, sizeof(value));
  if (!in->symbols) {
    fputs("scheme: out of memory\n", stderr);
    exit(2);
  }
  kn_mutator_set_roots(in->mut, trace_roots, in);
  kn_heap_set_oom_handler(in->heap, out_of_memory, in);
  define_primitives(in);
  return true;
}

void interp_destroy(struct interp *in) {
  kn_heap_destroy(in->heap);
  munmap(in->stack, STACK_VALUES * sizeof(value));
  free(in->global_values);
  free(in->globals);
  free(in->constants);
  free(in->symbols);
  strmap_destroy(in->global_index);
  arena_destroy(in->code_arena);
}

void interp_print_stats(struct interp *in, FILE *out) {
  struct kn_stats stats;
  kn_heap_get_stats(in->heap, &stats);
  kn_stats_print(&stats, out);
}

void stack_overflow(struct interp *in) {
  in->sp = 0;
  scheme_error(in, "stack overflow: recursion too deep");
}

/* ---- Allocation ------------------------------------------------------------
 * Each constructor takes its heap arguments from the stack or roots them
 * there while it allocates, and returns an unrooted value: the caller
 * stores or pushes it before its next allocation. */

value alloc_traced(struct interp *in, enum obj_tag tag, size_t nfields) {
  value obj = kn_allocate(in->mut, nfields * sizeof(value), KN_ALLOC_TRACED, tag);
  /* kn_allocate zeroes; fill with a valid value so that a collection
   * during the caller's initialization sees no NULL car, say. */
  for (size_t i = 0; i < nfields; i++)
    obj_fields(obj)[i] = UNSPEC;
  return obj;
}

value cons(struct interp *in, value a, value d) {
  push(in, a);
  push(in, d);
  value p = alloc_traced(in, T_PAIR, 2);
  d = pop(in);
  a = pop(in);
  obj_set(in, p, 0, a);
  obj_set(in, p, 1, d);
  return p;
}

value make_vector(struct interp *in, size_t n, value fill) {
  push(in, fill);
  value v = kn_allocate(in->mut, n * sizeof(value), KN_ALLOC_TRACED, T_VECTOR);
  fill = pop(in);
  for (size_t i = 0; i < n; i++)
    obj_set(in, v, i, fill);
  return v;
}

value make_string_uninit(struct interp *in, size_t len) {
  value s = kn_allocate(in->mut, sizeof(struct sstring) + len + 1, KN_ALLOC_POINTERLESS,
                        T_STRING);
  str_of(s)->length = len;
  return s;
}

/* `bytes` must not point into the heap: a collection may move it. */
value make_string(struct interp *in, const char *bytes, size_t len) {
  value s = make_string_uninit(in, len);
  memcpy(str_of(s)->bytes, bytes, len);
  return s;
}

value make_closure(struct interp *in, struct lambda *lam, size_t env_slot) {
  value c = alloc_traced(in, T_CLOSURE, 2);
  obj_set(in, c, 0, disguise(lam));
  obj_set(in, c, 1, in->stack[env_slot]);
  return c;
}

value make_env(struct interp *in, size_t nslots, size_t parent_slot) {
  value e = kn_allocate(in->mut, (nslots + 1) * sizeof(value), KN_ALLOC_TRACED, T_ENV);
  obj_set(in, e, 0, in->stack[parent_slot]);
  return e;  /* variables are NULL: not yet initialized */
}

/* ---- Symbols ----------------------------------------------------------------
 * Open addressing keyed by the name's bytes, so moving a symbol does not
 * disturb the table.  The table itself is C memory; its slots are roots. */

static uint64_t hash_bytes(const char *s, size_t len) {
  uint64_t h = 1469598103934665603u;
  for (size_t i = 0; i < len; i++)
    h = (h ^ (unsigned char)s[i]) * 1099511628211u;
  return h;
}

static void grow_symbols(struct interp *in) {
  size_t cap = in->symbols_capacity * 2;
  value *table = calloc(cap, sizeof(value));
  if (!table) {
    fputs("scheme: out of memory\n", stderr);
    exit(2);
  }
  for (size_t i = 0; i < in->symbols_capacity; i++) {
    value sym = in->symbols[i];
    if (!sym)
      continue;
    size_t j = hash_bytes(str_of(sym)->bytes, str_of(sym)->length) & (cap - 1);
    while (table[j])
      j = (j + 1) & (cap - 1);
    table[j] = sym;
  }
  free(in->symbols);
  in->symbols = table;
  in->symbols_capacity = cap;
}

value intern(struct interp *in, const char *name, size_t len) {
  size_t mask = in->symbols_capacity - 1;
  size_t i = hash_bytes(name, len) & mask;
  for (value sym; (sym = in->symbols[i]); i = (i + 1) & mask)
    if (str_of(sym)->length == len && !memcmp(str_of(sym)->bytes, name, len))
      return sym;
  /* `name` is C memory (or copied out of the heap by the caller). */
  value sym = kn_allocate(in->mut, sizeof(struct sstring) + len + 1,
                          KN_ALLOC_POINTERLESS | KN_ALLOC_LONG_LIVED, T_SYMBOL);
  str_of(sym)->length = len;
  memcpy(str_of(sym)->bytes, name, len);
  /* The allocation cannot have changed the table: find the free slot again. */
  i = hash_bytes(name, len) & mask;
  while (in->symbols[i])
    i = (i + 1) & mask;
  in->symbols[i] = sym;
  if (++in->nsymbols * 2 > in->symbols_capacity)
    grow_symbols(in);
  return sym;
}

/* ---- Globals and constants ------------------------------------------------- */

size_t global_lookup(struct interp *in, const char *name) {
  size_t index = strmap_get(in->global_index, name);
  if (index)
    return index - 1;
  if (in->nglobals == in->globals_capacity) {
    in->globals_capacity = in->globals_capacity ? 2 * in->globals_capacity : 256;
    in->globals = xrealloc(in->globals, in->globals_capacity * sizeof *in->globals);
    in->global_values =
        xrealloc(in->global_values, in->globals_capacity * sizeof *in->global_values);
  }
  index = in->nglobals++;
  in->globals[index].name = arena_strdup(in->code_arena, name);
  in->global_values[index] = NULL;  /* unbound */
  strmap_put(in->global_index, in->globals[index].name, index + 1);
  return index;
}

size_t add_constant(struct interp *in, value v) {
  if (in->nconstants == in->constants_capacity) {
    in->constants_capacity = in->constants_capacity ? 2 * in->constants_capacity : 256;
    /* v is not rooted here, but realloc does not allocate in the heap. */
    in->constants = xrealloc(in->constants, in->constants_capacity * sizeof(value));
  }
  in->constants[in->nconstants] = v;
  return in->nconstants++;
}
