/* The JavaScript example: shared types and the interfaces between its parts.
 *
 * Values are tagged words (see README.md for why):
 *   ...000  a heap reference (a kennel object), or 0 = undefined
 *   ...001  a small integer (int32) shifted left by 3
 *   ...010  a constant: null, false, true
 * The collector skips 0 and words with low bits set (api/kn-edges.h), so
 * every field that holds a Value can be reported without decoding it.
 *
 * Rooting rule: a Value in a C local is valid only until the next call that
 * may allocate.  Values that must survive an allocation live on the VM
 * stack (vm.stack, reported by the roots callback) and are re-read from
 * their slot afterwards.  The stack never moves, so a `Value *` into it
 * stays valid. */
#ifndef JS_H
#define JS_H

#include <setjmp.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kennel.h"

typedef uintptr_t Value;

#define JS_UNDEFINED ((Value)0)
#define JS_NULL ((Value)0x0a)
#define JS_FALSE ((Value)0x12)
#define JS_TRUE ((Value)0x1a)

/* Embedder tags of heap objects. */
enum {
  TAG_STRING = 1,   /* pointerless: struct js_string */
  TAG_ISTRING,      /* the same, interned (a property name) */
  TAG_DOUBLE,       /* pointerless: one double */
  TAG_OBJECT,       /* struct js_object */
  TAG_ARRAY,        /* struct js_array */
  TAG_FUNCTION,     /* struct js_function */
  TAG_VALUES,       /* a vector of Values (elements, overflow slots, tables) */
  TAG_ENV,          /* struct js_env: a scope record captured by closures */
  TAG_SHAPE,        /* struct js_shape: a hidden class */
  TAG_DICT,         /* struct js_dict: properties of a dictionary-mode object */
  TAG_BYTES,        /* pointerless scratch (a dictionary's hash index) */
  TAG_ROPE,         /* struct js_rope: a concatenation not yet copied */
};

struct js_string {
  uint32_t length;
  uint32_t hash;     /* 0: not computed yet */
  uint16_t units[];  /* UTF-16 code units */
};

/* The result of `a + b` on long strings: copying is deferred until the
 * units are needed, so building a string piece by piece is linear.  Once
 * flattened, `left` is the flat copy and `right` is undefined. */
struct js_rope {
  Value left, right;
  uint32_t length;
  uint32_t unused;
};
#define ROPE_TRACED_FIELDS 2
enum { ROPE_MIN_LENGTH = 128 };

/* Every field is a Value; the inline slots follow (their number is given by
 * the object's size). */
struct js_object {
  Value shape;
  Value overflow;    /* TAG_VALUES of further slots, or a TAG_DICT */
  Value slots[];
};

struct js_array {
  Value elems;       /* TAG_VALUES; its size is the capacity */
  uint64_t length;
};

struct js_function {
  Value env;         /* the scope it closes over */
  Value prototype;   /* created on first use */
  Value instance_shape; /* root shape of objects it constructs */
  Value name;
  struct node *code; /* NULL for a native */
  int32_t native;    /* index into the native table */
  uint32_t ctor_slots; /* slots its instances ended with (inline capacity) */
};
#define FUNCTION_TRACED_FIELDS 4

struct js_env {
  Value parent;
  Value slots[];
};

struct js_shape {
  Value proto;       /* prototype of the objects with this shape */
  Value parent;      /* shape before the last property was added */
  Value key;         /* that property's interned name */
  Value transitions; /* TAG_VALUES of (key, child) pairs, or undefined */
  uint32_t id;       /* for inline caches (not a pointer: shapes move) */
  uint32_t count;    /* properties; the last one lives in slot count - 1 */
  uint32_t ntransitions;
  uint32_t dict;     /* dictionary-mode marker shape */
};
#define SHAPE_TRACED_FIELDS 4

struct js_dict {
  Value entries;     /* TAG_VALUES: key, value pairs in insertion order */
  Value index;       /* TAG_BYTES: uint32 hash index (entry + 1, 0 = empty) */
  uint32_t count, capacity;
};

/* ---- The VM ------------------------------------------------------------ */

/* Names the interpreter looks up itself, interned at start-up. */
enum atom {
  A_LENGTH, A_PROTOTYPE, A_PUSH, A_POP, A_UNDEFINED, A_NULL, A_TRUE, A_FALSE, A_NUMBER,
  A_STRING, A_BOOLEAN, A_OBJECT, A_FUNCTION, A_EMPTY, ATOM_COUNT
};
extern const char *const atom_names[ATOM_COUNT];

struct vm {
  struct kn_heap *heap;
  struct kn_mutator *mut;
  Value *stack;           /* the explicit root stack */
  size_t sp, stack_cap;
  Value *globals;         /* global variables, by index */
  uint8_t *global_defined;
  size_t nglobals, globals_cap;
  uint32_t *global_atoms;  /* const index of each global's name */
  Value *consts;          /* literals of the program (long-lived) */
  size_t nconsts, consts_cap;
  Value intern_table;     /* TAG_VALUES open-addressed set of TAG_ISTRING */
  size_t intern_count;
  Value parse_key_cache;  /* TAG_VALUES: JSON.parse's key cache */
  Value root_shape;       /* shape of {} */
  Value dict_shape;       /* marker shape of dictionary-mode objects */
  Value array_methods, string_methods; /* TAG_VALUES of (name, native) pairs */
  Value char_cache;       /* one-unit strings for ASCII */
  Value retval;
  Value atoms[ATOM_COUNT];
  uint32_t next_shape_id;
  const char *file;
  struct node *program;   /* kept until the run ends */
  char *stack_limit;      /* C stack guard */
  struct cmem_block *cmem; /* every C block the run holds (cmem.c) */
  jmp_buf *on_error;      /* where every error ends: the run's cleanup */
  int exit_status;        /* the status the run ends with */
};

extern struct vm vm;

static inline bool is_smi(Value v) { return (v & 7) == 1; }
static inline int32_t smi_val(Value v) { return (int32_t)((intptr_t)v >> 3); }
static inline Value make_smi(int32_t i) { return ((uintptr_t)(intptr_t)i << 3) | 1; }
static inline bool is_ptr(Value v) { return v != 0 && (v & 7) == 0; }
static inline unsigned ptr_tag(Value v) { return kn_object_tag((void *)v); }
static inline bool has_tag(Value v, unsigned tag) { return is_ptr(v) && ptr_tag(v) == tag; }
/* A JavaScript string: flat or a rope.  Only flat strings may be read
 * through as_string(); flatten() or string_units() give the units of any. */
static inline bool is_string(Value v) {
  return is_ptr(v) && (ptr_tag(v) == TAG_STRING || ptr_tag(v) == TAG_ISTRING ||
                       ptr_tag(v) == TAG_ROPE);
}
static inline bool is_rope(Value v) { return has_tag(v, TAG_ROPE); }
static inline bool is_flat_string(Value v) { return is_string(v) && !is_rope(v); }
static inline bool is_double(Value v) { return has_tag(v, TAG_DOUBLE); }
static inline bool is_number(Value v) { return is_smi(v) || is_double(v); }
static inline bool is_object(Value v) { return has_tag(v, TAG_OBJECT); }
static inline bool is_array(Value v) { return has_tag(v, TAG_ARRAY); }
static inline bool is_function(Value v) { return has_tag(v, TAG_FUNCTION); }
static inline Value js_bool(bool b) { return b ? JS_TRUE : JS_FALSE; }
static inline struct js_string *as_string(Value v) { return (struct js_string *)v; }
static inline struct js_rope *as_rope(Value v) { return (struct js_rope *)v; }
static inline struct js_object *as_object(Value v) { return (struct js_object *)v; }
static inline struct js_array *as_array(Value v) { return (struct js_array *)v; }
static inline struct js_function *as_function(Value v) { return (struct js_function *)v; }
static inline struct js_shape *as_shape(Value v) { return (struct js_shape *)v; }
static inline struct js_env *as_env(Value v) { return (struct js_env *)v; }
static inline Value *values_of(Value v) { return (Value *)v; }
static inline size_t values_count(Value v) { return kn_object_size((void *)v) / sizeof(Value); }
static inline double double_val(Value v) { return *(double *)v; }
static inline double num_val(Value v) { return is_smi(v) ? smi_val(v) : double_val(v); }

/* ---- The root stack ---------------------------------------------------- */

void vm_stack_overflow(void) __attribute__((noreturn));

static inline Value *push(Value v) {
  if (vm.sp >= vm.stack_cap)
    vm_stack_overflow();
  vm.stack[vm.sp] = v;
  return &vm.stack[vm.sp++];
}
static inline Value pop(void) { return vm.stack[--vm.sp]; }

/* Stores a value into a field of a heap object, with the write barrier. */
static inline void store(void *obj, Value *slot, Value v) {
  kn_store(vm.mut, obj, (void **)slot, (void *)v);
}

void check_c_stack(void);

/* ---- Errors (all fatal: the subset has no exceptions) ------------------- */

/* Every error prints its message, then ends the run with js_exit: a
 * longjmp to vm.on_error, where the interpreter thread releases the heap,
 * the syntax tree and every C buffer, and returns the status. */
enum exit_status {
  EXIT_JS_ERROR = 1, /* an error in the program */
  EXIT_USAGE = 2,    /* bad option, unreadable file */
  EXIT_OOM = 3,      /* heap exhaustion */
};
void js_exit(int status) __attribute__((noreturn));
struct node;
void js_error_at(const struct node *n, const char *kind, const char *fmt, ...)
    __attribute__((noreturn, format(printf, 3, 4)));
void js_fatal(const char *fmt, ...) __attribute__((noreturn, format(printf, 1, 2)));
extern const struct node *vm_current_node;

/* ---- Allocation -------------------------------------------------------- */

void *vm_alloc(size_t size, unsigned kind, unsigned tag);
Value alloc_values(size_t n, unsigned kind);

/* C memory outside the kennel heap (cmem.c): every block is owned by the
 * run and freed at its end, error or not, unless cmem_free'd before.
 * Running out of memory is fatal: "out of memory WHAT". */
void *cmem_alloc(size_t size, const char *what);   /* zeroed */
void *cmem_resize(void *block, size_t size, const char *what); /* NULL: alloc */
void cmem_free(void *block);
void cmem_free_all(void);
/* Makes room for `need` items in `items`, a cmem array of *cap items of
 * `size` bytes (NULL when *cap is 0), by doubling *cap (from `first`)
 * until they fit, and returns the moved array. */
void *grow_array(void *items, size_t size, size_t *cap, size_t need, size_t first,
                 const char *what);

/* ---- Numbers and strings (value.c) ------------------------------------- */

struct ubuf;

Value make_number(double d);
Value make_string_units(const uint16_t *units, size_t len);
Value make_string_utf8(const char *s, size_t len);
Value alloc_string(size_t len);       /* units uninitialised (zero) */
uint32_t string_hash(Value s);
uint32_t hash_units(const uint16_t *u, size_t len);
bool string_equal(Value a, Value b);
int string_compare(Value a, Value b);
/* The flat form of the string in a rooted slot (stored back in the slot). */
Value flatten(Value *slot);
uint32_t string_length(Value s);
/* A flat string (a name) as C text for a message: cut to `size`, '?' for
 * units outside ASCII.  Returns buf. */
const char *atom_text(Value atom, char *buf, size_t size);
/* The units of any string without allocating on the heap: a flat
 * string's own, or a copy in `tmp` (ubuf_free it) for a rope. */
const uint16_t *string_units(Value s, struct ubuf *tmp);
/* Concatenates the strings in two rooted slots. */
Value string_concat(Value *a, Value *b);
/* ToString of the value in a rooted slot. */
Value to_string(Value *slot);
double to_number(Value v);
bool to_boolean(Value v);
int32_t to_int32(Value v);
uint32_t to_uint32(Value v);
/* Writes a number as JavaScript prints it; returns the length. */
int format_number(double d, char *buf);
/* The value of a hexadecimal digit, or -1. */
int hex_digit(uint32_t c);
bool js_strict_equal(Value a, Value b);
bool js_loose_equal(Value a, Value b);
const char *type_of(Value v);

/* A growable UTF-16 buffer outside the heap (for stringify, join, print). */
struct ubuf {
  uint16_t *u;
  size_t len, cap;
};
void ubuf_add(struct ubuf *b, uint16_t c);
void ubuf_add_ascii(struct ubuf *b, const char *s);
void ubuf_add_string(struct ubuf *b, Value s);
void ubuf_add_number(struct ubuf *b, double d);
void ubuf_free(struct ubuf *b);
/* Appends ToString(v) without allocating on the heap. */
void ubuf_add_value(struct ubuf *b, Value v);
void print_utf8(const uint16_t *u, size_t len, void *file);

/* ---- Objects, shapes, interning (object.c) ----------------------------- */

void objects_init(void);
Value intern_units(const uint16_t *u, size_t len);
Value intern_ascii(const char *s);
Value intern_value(Value *slot);     /* the interned copy of a rooted string */
/* Interns units [off, off + len) of the rooted string *src. */
Value intern_slice(Value *src, size_t off, size_t len);
uint32_t global_declare(const char *name);
Value new_object(Value *shape, size_t inline_slots);
Value new_shape_root(Value *proto);
Value object_get(Value obj, Value key);            /* key interned; no allocation */
/* All three rooted; the key interned. */
void object_set(Value *obj, Value *key, Value *val);
/* Own-property slot index of `key` for inline caches, or -1. */
int shape_lookup(Value shape, Value key);
Value *object_slot(Value obj, uint32_t index);
bool object_is_dict(Value obj);
/* Enumerates own properties in insertion order. */
size_t object_keys(Value obj, Value *keys_out, size_t max);
size_t object_count(Value obj);
/* Puts integer-like keys first, ascending, as JavaScript lists them;
 * false if none (keys[] stays in slot order). */
bool order_keys(Value *keys, size_t n);
/* The array index a flat string names: a canonical decimal integer ("0",
 * "17", not "017") of at most nine digits. */
bool index_key(Value key, uint32_t *out);
Value object_key_at(Value obj, size_t i);
Value object_value_at(Value obj, size_t i);

Value new_array(size_t capacity);
void array_push(Value *arr, Value *val);
Value array_get(Value arr, int64_t i);
void array_set(Value *arr, int64_t i, Value *val);
void array_set_length(Value *arr, int64_t len);

Value new_function(struct node *code, Value *env, Value *name);
Value function_prototype(Value *fn);

/* ---- Parsing (lexer.c, parser.c, resolve.c) ----------------------------- */

struct node *parse_program(const char *file, const char *src, size_t len);
void resolve_program(struct node *program);
size_t add_const(Value v);

/* ---- Running (interp.c, property.c, builtins.c, json.c) ---------------- */

void run_program(struct node *program);
Value call_value(size_t base, int argc);   /* stack[base] = fn, [base+1] = this */
void builtins_init(void);
Value get_property(Value *obj, Value key);
void set_property(Value *obj, Value key, Value *val);
Value get_element(Value *obj, Value *key);
void set_element(Value *obj, Value *key, Value *val);
Value json_parse(Value *text);
Value json_stringify(Value v);
void inspect_value(struct ubuf *b, Value v, int depth);

#endif
