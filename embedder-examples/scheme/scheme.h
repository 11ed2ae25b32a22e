/* The Scheme interpreter: shared definitions.
 *
 * Values are words (`value`, a void pointer so an array of them can be
 * handed to kennel as root slots):
 *   ...xxx1   fixnum, 63-bit signed (value >> 1)
 *   ...x010   other immediates: (data << 8) | (kind << 3) | 2
 *             kinds: special (empty list, #f, #t, unspecified), char,
 *             primitive procedure (index into the primitive table)
 *   ...x000   a kennel object (never NULL once initialized); its type is
 *             the embedder tag in its header (kn_object_tag)
 * Immediates have low bits set, so the collector skips them.  NULL marks
 * an unbound global or a letrec variable not yet initialized; the
 * collector skips NULL too.
 *
 * Rooting discipline (see README.md): every heap value that C code holds
 * across an allocation lives on the interpreter's value stack
 * (struct interp.stack), which the mutator roots callback reports to the
 * collector.  C code refers to such values by stack index and re-reads
 * them after every call that may allocate, because any allocation may
 * move any object. */

#ifndef SCHEME_H
#define SCHEME_H

#include <setjmp.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "kennel.h"

typedef void *value;

/* ---- Immediates ---------------------------------------------------------- */

enum imm_kind { IMM_SPECIAL = 0, IMM_CHAR = 1, IMM_PRIM = 2 };

static inline value imm_make(enum imm_kind kind, uint64_t data) {
  return (value)(uintptr_t)((data << 8) | ((uint64_t)kind << 3) | 2u);
}
static inline bool is_imm(value v, enum imm_kind kind) {
  return ((uintptr_t)v & 0xffu) == (((uintptr_t)kind << 3) | 2u);
}
static inline uint64_t imm_data(value v) { return (uint64_t)(uintptr_t)v >> 8; }

#define NIL imm_make(IMM_SPECIAL, 0)
#define FALSE_V imm_make(IMM_SPECIAL, 1)
#define TRUE_V imm_make(IMM_SPECIAL, 2)
#define UNSPEC imm_make(IMM_SPECIAL, 3)

static inline value make_bool(bool b) { return b ? TRUE_V : FALSE_V; }
static inline value make_char(uint32_t c) { return imm_make(IMM_CHAR, c); }
static inline bool is_char(value v) { return is_imm(v, IMM_CHAR); }
static inline uint32_t char_code(value v) { return (uint32_t)imm_data(v); }
static inline value make_prim(unsigned index) { return imm_make(IMM_PRIM, index); }
static inline bool is_prim(value v) { return is_imm(v, IMM_PRIM); }

#define FIXNUM_MAX ((int64_t)(((uint64_t)1 << 62) - 1))
#define FIXNUM_MIN (-FIXNUM_MAX - 1)

static inline bool is_fixnum(value v) { return (uintptr_t)v & 1u; }
static inline value make_fixnum(int64_t n) { return (value)(uintptr_t)(((uint64_t)n << 1) | 1u); }
static inline int64_t fixnum_val(value v) { return (int64_t)(intptr_t)v >> 1; }

/* ---- Heap objects ---------------------------------------------------------- */

/* Embedder tags.  Traced objects are arrays of values (trace reports every
 * word); strings and symbols are pointerless. */
enum obj_tag {
  T_PAIR = 1,     /* car, cdr */
  T_VECTOR,       /* elements */
  T_ENV,          /* parent environment, then the frame's variables */
  T_CLOSURE,      /* disguised struct lambda pointer, environment */
  T_STRING,       /* pointerless: struct sstring */
  T_SYMBOL,       /* pointerless, long-lived: struct sstring (the name) */
};

static inline bool is_ref(value v) { return kn_is_reference(v); }
static inline bool has_tag(value v, enum obj_tag tag) {
  return is_ref(v) && kn_object_tag(v) == (unsigned)tag;
}
static inline bool is_pair(value v) { return has_tag(v, T_PAIR); }
static inline bool is_vector(value v) { return has_tag(v, T_VECTOR); }
static inline bool is_string(value v) { return has_tag(v, T_STRING); }
static inline bool is_symbol(value v) { return has_tag(v, T_SYMBOL); }
static inline bool is_closure(value v) { return has_tag(v, T_CLOSURE); }
static inline bool is_procedure(value v) { return is_closure(v) || is_prim(v); }

static inline value *obj_fields(value obj) { return (value *)obj; }
static inline size_t obj_nfields(value obj) { return kn_object_size(obj) / sizeof(value); }

static inline value car(value p) { return obj_fields(p)[0]; }
static inline value cdr(value p) { return obj_fields(p)[1]; }
static inline size_t vector_length(value v) { return obj_nfields(v); }
static inline value *vector_items(value v) { return obj_fields(v); }

/* A string or a symbol's name: byte length, bytes, a NUL for C's sake. */
struct sstring {
  uint64_t length;
  char bytes[];
};
static inline struct sstring *str_of(value v) { return (struct sstring *)v; }

/* ---- The compiled program (C memory; never moves) ------------------------- */

struct node;

/* A lambda expression after compilation. */
struct lambda {
  const char *name;       /* for printing and errors; "" if anonymous */
  unsigned nrequired;     /* required parameters */
  bool rest;              /* a rest parameter follows them */
  unsigned frame_size;    /* parameters plus internal definitions */
  struct node *body;
};

/* Pointers to C memory stored in heap objects are disguised as fixnums,
 * so the collector skips them. */
static inline value disguise(const void *p) { return (value)((uintptr_t)p | 1u); }
static inline void *undisguise(value v) { return (void *)((uintptr_t)v & ~(uintptr_t)1); }

static inline struct lambda *closure_lambda(value c) { return undisguise(obj_fields(c)[0]); }
static inline value closure_env(value c) { return obj_fields(c)[1]; }

/* ---- The interpreter -------------------------------------------------------- */

struct global {
  const char *name;
};

struct interp {
  struct kn_heap *heap;
  struct kn_mutator *mut;

  /* The value stack: [0, sp) are roots.  Fixed in place (reserved once),
   * so pointers into it stay valid. */
  value *stack;
  size_t sp, stack_capacity;

  /* Global variables, indexed by the number the compiler assigned. */
  value *global_values;
  struct global *globals;
  size_t nglobals, globals_capacity;
  struct strmap *global_index;  /* name -> index + 1 */

  /* Constants of compiled code (quoted data), indexed from nodes. */
  value *constants;
  size_t nconstants, constants_capacity;

  /* Interned symbols: open addressing by name; NULL = empty slot. */
  value *symbols;
  size_t nsymbols, symbols_capacity;

  struct arena *code_arena;   /* compiled nodes and lambdas */

  /* Error reporting. */
  const char *file;           /* current source name */
  int line, col;              /* position of the expression being applied */
  bool repl;                  /* errors return to the prompt */
  int error_status;           /* exit status of an error: 1, or 2 for heap exhaustion */
  jmp_buf *on_error;          /* where errors go in the REPL */
  char *stack_limit;          /* the C stack must stay above this */
  bool gc_stats;
};

/* heap.c: the embedding. */
bool interp_init(struct interp *in, struct kn_options *opts);
void interp_destroy(struct interp *in);
void interp_print_stats(struct interp *in, FILE *out);

static inline void push(struct interp *in, value v);
value alloc_traced(struct interp *in, enum obj_tag tag, size_t nfields);
/* Stores into a field of a heap object, with the write barrier. */
static inline void obj_set(struct interp *in, value obj, size_t i, value v) {
  kn_store(in->mut, obj, &obj_fields(obj)[i], v);
}
value cons(struct interp *in, value a, value d);
value make_vector(struct interp *in, size_t n, value fill);
value make_string(struct interp *in, const char *bytes, size_t len);
/* A string of `len` bytes, zero-filled, to be written before any other
 * allocation. */
value make_string_uninit(struct interp *in, size_t len);
value intern(struct interp *in, const char *name, size_t len);
value make_closure(struct interp *in, struct lambda *lam, size_t env_slot);
value make_env(struct interp *in, size_t nslots, size_t parent_slot);

size_t global_lookup(struct interp *in, const char *name);  /* creates if new */
size_t add_constant(struct interp *in, value v);

/* The value stack. */
void stack_overflow(struct interp *in) __attribute__((noreturn));
static inline void push(struct interp *in, value v) {
  if (in->sp == in->stack_capacity)
    stack_overflow(in);
  in->stack[in->sp++] = v;
}
static inline value pop(struct interp *in) { return in->stack[--in->sp]; }

/* Recursion in C (eval, print, equal?) checks the C stack it has left. */
static inline void check_c_stack(struct interp *in) {
  char here;
  if ((uintptr_t)&here < (uintptr_t)in->stack_limit)
    stack_overflow(in);
}

/* Errors (eval.c): print "FILE:LINE:COL: CATEGORY: MESSAGE" for the
 * expression at in->line, in->col, then exit with status 1 or, in the
 * REPL, return to the prompt. */
void scheme_fail(struct interp *in, const char *category, const char *message)
    __attribute__((noreturn));
void scheme_error(struct interp *in, const char *fmt, ...)
    __attribute__((noreturn, format(printf, 2, 3)));
void type_error(struct interp *in, const char *who, const char *expected, value got)
    __attribute__((noreturn));
void scheme_exit(struct interp *in, int status) __attribute__((noreturn));

/* eval.c */
struct node;
value eval_toplevel(struct interp *in, struct node *node);
/* Applies the procedure at stack[base] to the `argc` values above it;
 * pops them and returns the result. */
value apply_procedure(struct interp *in, size_t base, size_t argc);

/* read.c: source text to syntax trees (C memory, with positions). */
struct syntax;
struct reader;
enum read_status { READ_OK, READ_EOF, READ_INCOMPLETE, READ_ERROR };
struct reader *reader_create(const char *file, const char *text, size_t len);
void reader_destroy(struct reader *r);
/* Reads the next datum.  On READ_ERROR the message is in reader_error. */
enum read_status reader_next(struct reader *r, struct syntax **out);
const char *reader_error(const struct reader *r);
size_t reader_offset(const struct reader *r);
void syntax_free(struct syntax *s);

/* compile.c: syntax to nodes; reports syntax errors through scheme_error. */
struct node *compile_toplevel(struct interp *in, struct syntax *s);
/* The heap datum a quoted syntax tree denotes. */
value syntax_to_datum(struct interp *in, const struct syntax *s);

/* prims.c */
struct primitive {
  const char *name;
  int min_args, max_args;  /* max -1: any number */
  value (*fn)(struct interp *in, value *args, size_t argc);
};
/* A primitive procedure value's entry: its immediate encodes the table
 * and the index in it. */
const struct primitive *primitive_of(value prim);
/* The function of `apply`, which the evaluator treats specially. */
value prim_apply(struct interp *in, value *args, size_t argc);
void define_primitives(struct interp *in);

/* print.c */
/* display (write false) or write (write true), as Guile prints. */
void print_value(struct interp *in, FILE *out, value v, bool write);
/* Stops after about `limit` bytes: for error messages (cycles end too). */
void print_value_limited(struct interp *in, FILE *out, value v, bool write, size_t limit);
bool values_eqv(value a, value b);
bool values_equal(struct interp *in, value a, value b);

/* arena.c / strmap: small C-memory helpers. */
struct arena *arena_create(void);
void *arena_alloc(struct arena *a, size_t bytes);
char *arena_strdup(struct arena *a, const char *s);
void arena_destroy(struct arena *a);
struct strmap *strmap_create(void);
size_t strmap_get(const struct strmap *m, const char *key);   /* 0: absent */
void strmap_put(struct strmap *m, const char *key, size_t val);
void strmap_destroy(struct strmap *m);
void *xmalloc(size_t n);
void *xrealloc(void *p, size_t n);

#endif
