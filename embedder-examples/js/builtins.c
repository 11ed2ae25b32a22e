/* The built-ins.  Each native reads its arguments from the VM stack (they
 * are rooted there) and re-reads them after anything that allocates. */

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "builtins.h"

static Value arg(size_t base, int argc, int i) {
  return i < argc ? vm.stack[base + 2 + i] : JS_UNDEFINED;
}
static Value this_of(size_t base) { return vm.stack[base + 1]; }

/* ---- print --------------------------------------------------------------- */

static bool is_identifier_name(Value key) {
  struct js_string *s = as_string(key);
  if (s->length == 0)
    return false;
  for (uint32_t i = 0; i < s->length; i++) {
    uint16_t c = s->units[i];
    bool alpha = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == '$';
    if (!alpha && !(i > 0 && c >= '0' && c <= '9'))
      return false;
  }
  return true;
}

static void inspect_string(struct ubuf *b, Value s) {
  ubuf_add(b, '\'');
  struct ubuf tmp = {0};
  const uint16_t *units = string_units(s, &tmp);
  uint32_t length = string_length(s);
  for (uint32_t i = 0; i < length; i++) {
    uint16_t c = units[i];
    if (c == '\'' || c == '\\') {
      ubuf_add(b, '\\');
      ubuf_add(b, c);
    } else if (c == '\n') {
      ubuf_add_ascii(b, "\\n");
    } else {
      ubuf_add(b, c);
    }
  }
  ubuf_free(&tmp);
  ubuf_add(b, '\'');
}

/* Roughly Node's util.inspect, on one line. */
void inspect_value(struct ubuf *b, Value v, int depth) {
  if (is_string(v)) {
    if (depth == 0)
      ubuf_add_string(b, v);
    else
      inspect_string(b, v);
  } else if (is_double(v) && double_val(v) == 0 && signbit(double_val(v))) {
    ubuf_add_ascii(b, "-0");
  } else if (is_function(v)) {
    Value name = as_function(v)->name;
    if (is_string(name) && as_string(name)->length) {
      ubuf_add_ascii(b, "[Function: ");
      ubuf_add_string(b, name);
      ubuf_add(b, ']');
    } else {
      ubuf_add_ascii(b, "[Function (anonymous)]");
    }
  } else if (is_array(v)) {
    struct js_array *a = as_array(v);
    if (a->length == 0) {
      ubuf_add_ascii(b, "[]");
      return;
    }
    if (depth > 2) {
      ubuf_add_ascii(b, "[Array]");
      return;
    }
    ubuf_add_ascii(b, "[ ");
    uint64_t shown = a->length > 100 ? 100 : a->length;
    for (uint64_t i = 0; i < shown; i++) {
      if (i)
        ubuf_add_ascii(b, ", ");
      inspect_value(b, values_of(a->elems)[i], depth + 1);
    }
    if (shown < a->length) {
      char more[64];
      snprintf(more, sizeof more, ", ... %llu more item%s",
               (unsigned long long)(a->length - shown), a->length - shown > 1 ? "s" : "");
      ubuf_add_ascii(b, more);
    }
    ubuf_add_ascii(b, " ]");
  } else if (is_object(v)) {
    size_t n = object_count(v);
    if (n == 0) {
      ubuf_add_ascii(b, "{}");
      return;
    }
    if (depth > 2) {
      ubuf_add_ascii(b, "[Object]");
      return;
    }
    Value *keys = cmem_alloc(n * sizeof *keys, "printing an object");
    object_keys(v, keys, n);
    bool reordered = order_keys(keys, n);
    ubuf_add_ascii(b, "{ ");
    for (size_t i = 0; i < n; i++) {
      if (i)
        ubuf_add_ascii(b, ", ");
      if (is_identifier_name(keys[i]))
        ubuf_add_string(b, keys[i]);
      else
        inspect_string(b, keys[i]);
      ubuf_add_ascii(b, ": ");
      inspect_value(b, reordered ? object_get(v, keys[i]) : object_value_at(v, i), depth + 1);
    }
    cmem_free(keys);
    ubuf_add_ascii(b, " }");
  } else {
    ubuf_add_value(b, v);
  }
}

static Value native_print(size_t base, int argc) {
  struct ubuf b = {0};
  for (int i = 0; i < argc; i++) {
    if (i)
      ubuf_add(&b, ' ');
    inspect_value(&b, arg(base, argc, i), 0);
  }
  print_utf8(b.u, b.len, stdout);
  putchar('\n');
  ubuf_free(&b);
  return JS_UNDEFINED;
}

/* ---- Math, Date, String -------------------------------------------------- */

static Value math_floor(size_t base, int argc) {
  Value v = arg(base, argc, 0);
  return is_smi(v) ? v : make_number(floor(to_number(v)));
}
static Value math_ceil(size_t base, int argc) { return make_number(ceil(to_number(arg(base, argc, 0)))); }
static Value math_round(size_t base, int argc) {
  return make_number(floor(to_number(arg(base, argc, 0)) + 0.5));
}
static Value math_abs(size_t base, int argc) { return make_number(fabs(to_number(arg(base, argc, 0)))); }
static Value math_sqrt(size_t base, int argc) { return make_number(sqrt(to_number(arg(base, argc, 0)))); }
static Value math_pow(size_t base, int argc) {
  return make_number(pow(to_number(arg(base, argc, 0)), to_number(arg(base, argc, 1))));
}

static Value math_minmax(size_t base, int argc, bool want_max) {
  double r = want_max ? -INFINITY : INFINITY;
  for (int i = 0; i < argc; i++) {
    double d = to_number(arg(base, argc, i));
    if (d != d)
      return make_number(NAN);
    if (want_max ? (d > r || (d == 0 && r == 0 && !signbit(d))) : (d < r || (d == 0 && r == 0 && signbit(d))))
      r = d;
  }
  return make_number(r);
}
static Value math_max(size_t base, int argc) { return math_minmax(base, argc, true); }
static Value math_min(size_t base, int argc) { return math_minmax(base, argc, false); }

static Value date_now(size_t base, int argc) {
  (void)base, (void)argc;
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  return make_number((double)ts.tv_sec * 1000.0 + (double)(ts.tv_nsec / 1000000));
}

static Value string_from_char_code(size_t base, int argc) {
  Value s = alloc_string((size_t)argc);
  for (int i = 0; i < argc; i++)
    as_string(s)->units[i] = (uint16_t)to_uint32(arg(base, argc, i));
  return s;
}

/* ---- String methods -------------------------------------------------------- */

static void require_string_this(size_t base, const char *method) {
  if (!is_string(this_of(base)))
    js_error_at(vm_current_node, "TypeError", "String.prototype.%s called on a non-string", method);
}

static double integer_arg(size_t base, int argc, int i, double dflt) {
  Value v = arg(base, argc, i);
  if (v == JS_UNDEFINED)
    return dflt;
  double d = to_number(v);
  return d != d ? 0 : trunc(d);
}

static Value substring_of(size_t base, size_t from, size_t to) {
  if (to <= from)
    return vm.atoms[A_EMPTY];
  Value r = alloc_string(to - from);
  memcpy(as_string(r)->units, as_string(this_of(base))->units + from, (to - from) * sizeof(uint16_t));
  return r;
}

static Value str_char_at(size_t base, int argc) {
  require_string_this(base, "charAt");
  double i = integer_arg(base, argc, 0, 0);
  struct js_string *s = as_string(this_of(base));
  if (i < 0 || i >= s->length)
    return vm.atoms[A_EMPTY];
  return char_string(s->units[(size_t)i]);
}

static Value str_char_code_at(size_t base, int argc) {
  require_string_this(base, "charCodeAt");
  double i = integer_arg(base, argc, 0, 0);
  struct js_string *s = as_string(this_of(base));
  if (i < 0 || i >= s->length)
    return make_number(NAN);
  return make_smi(s->units[(size_t)i]);
}

static double clamp(double d, double lo, double hi) { return d < lo ? lo : d > hi ? hi : d; }

static Value str_index_of(size_t base, int argc) {
  require_string_this(base, "indexOf");
  Value *needle_slot = &vm.stack[base + 2];
  if (argc < 1)
    needle_slot = push(JS_UNDEFINED);
  Value needle = to_string(needle_slot);
  struct js_string *s = as_string(this_of(base)), *n = as_string(needle);
  double from = clamp(integer_arg(base, argc, 1, 0), 0, s->length);
  for (size_t i = (size_t)from; i + n->length <= s->length; i++)
    if (memcmp(s->units + i, n->units, n->length * sizeof(uint16_t)) == 0)
      return make_smi((int32_t)i);
  return make_smi(-1);
}

static Value str_slice(size_t base, int argc) {
  require_string_this(base, "slice");
  double len = as_string(this_of(base))->length;
  double from = integer_arg(base, argc, 0, 0), to = integer_arg(base, argc, 1, len);
  from = from < 0 ? fmax(len + from, 0) : fmin(from, len);
  to = to < 0 ? fmax(len + to, 0) : fmin(to, len);
  return substring_of(base, (size_t)from, (size_t)to);
}

static Value str_substring(size_t base, int argc) {
  require_string_this(base, "substring");
  double len = as_string(this_of(base))->length;
  double from = clamp(integer_arg(base, argc, 0, 0), 0, len);
  double to = clamp(integer_arg(base, argc, 1, len), 0, len);
  if (from > to) {
    double t = from;
    from = to;
    to = t;
  }
  return substring_of(base, (size_t)from, (size_t)to);
}

static Value str_case(size_t base, bool upper) {
  struct js_string *s = as_string(this_of(base));
  Value r = alloc_string(s->length);
  s = as_string(this_of(base));
  for (uint32_t i = 0; i < s->length; i++) {
    uint16_t c = s->units[i];
    if (upper && c >= 'a' && c <= 'z')
      c = (uint16_t)(c - 32);
    else if (!upper && c >= 'A' && c <= 'Z')
      c = (uint16_t)(c + 32);
    as_string(r)->units[i] = c;
  }
  return r;
}
static Value str_to_upper(size_t base, int argc) {
  (void)argc;
  require_string_this(base, "toUpperCase");
  return str_case(base, true);
}
static Value str_to_lower(size_t base, int argc) {
  (void)argc;
  require_string_this(base, "toLowerCase");
  return str_case(base, false);
}

/* ---- Array methods ------------------------------------------------------------ */

static void require_array_this(size_t base, const char *method) {
  if (!is_array(this_of(base)))
    js_error_at(vm_current_node, "TypeError", "Array.prototype.%s called on a non-array", method);
}

static Value arr_push(size_t base, int argc) {
  require_array_this(base, "push");
  for (int i = 0; i < argc; i++)
    array_push(&vm.stack[base + 1], &vm.stack[base + 2 + i]);
  return make_number((double)as_array(this_of(base))->length);
}

static Value arr_pop(size_t base, int argc) {
  (void)argc;
  require_array_this(base, "pop");
  struct js_array *a = as_array(this_of(base));
  if (a->length == 0)
    return JS_UNDEFINED;
  Value *slot = &values_of(a->elems)[--a->length];
  Value v = *slot;
  *slot = JS_UNDEFINED;
  return v;
}

static Value arr_join(size_t base, int argc) {
  require_array_this(base, "join");
  Value *sep = argc >= 1 && arg(base, argc, 0) != JS_UNDEFINED ? &vm.stack[base + 2] : NULL;
  if (sep)
    *sep = to_string(sep);
  struct ubuf b = {0};
  struct js_array *a = as_array(this_of(base));
  for (uint64_t i = 0; i < a->length; i++) {
    if (i) {
      if (sep)
        ubuf_add_string(&b, *sep);
      else
        ubuf_add(&b, ',');
    }
    Value e = values_of(a->elems)[i];
    if (e != JS_UNDEFINED && e != JS_NULL)
      ubuf_add_value(&b, e);
  }
  Value r = make_string_units(b.u, b.len);
  ubuf_free(&b);
  return r;
}

static Value arr_index_of(size_t base, int argc) {
  require_array_this(base, "indexOf");
  struct js_array *a = as_array(this_of(base));
  Value x = arg(base, argc, 0);
  for (uint64_t i = 0; i < a->length; i++)
    if (js_strict_equal(values_of(a->elems)[i], x))
      return make_number((double)i);
  return make_smi(-1);
}

/* ---- JSON ------------------------------------------------------------------------ */

static Value json_parse_native(size_t base, int argc) {
  Value *text = argc >= 1 ? &vm.stack[base + 2] : push(JS_UNDEFINED);
  *text = to_string(text);
  return json_parse(text);
}

static Value json_stringify_native(size_t base, int argc) { return json_stringify(arg(base, argc, 0)); }

/* ---- The tables ------------------------------------------------------------------- */

struct native {
  const char *name;
  Value (*fn)(size_t base, int argc);
};

enum { OWNER_GLOBAL, OWNER_MATH, OWNER_JSON, OWNER_DATE, OWNER_STRING, OWNER_STRING_METHOD,
       OWNER_ARRAY_METHOD };

static const struct {
  int owner;
  struct native native;
} natives[] = {
    {OWNER_GLOBAL, {"print", native_print}},
    {OWNER_MATH, {"floor", math_floor}},
    {OWNER_MATH, {"ceil", math_ceil}},
    {OWNER_MATH, {"round", math_round}},
    {OWNER_MATH, {"abs", math_abs}},
    {OWNER_MATH, {"sqrt", math_sqrt}},
    {OWNER_MATH, {"pow", math_pow}},
    {OWNER_MATH, {"max", math_max}},
    {OWNER_MATH, {"min", math_min}},
    {OWNER_JSON, {"parse", json_parse_native}},
    {OWNER_JSON, {"stringify", json_stringify_native}},
    {OWNER_DATE, {"now", date_now}},
    {OWNER_STRING, {"fromCharCode", string_from_char_code}},
    {OWNER_STRING_METHOD, {"charAt", str_char_at}},
    {OWNER_STRING_METHOD, {"charCodeAt", str_char_code_at}},
    {OWNER_STRING_METHOD, {"indexOf", str_index_of}},
    {OWNER_STRING_METHOD, {"slice", str_slice}},
    {OWNER_STRING_METHOD, {"substring", str_substring}},
    {OWNER_STRING_METHOD, {"toUpperCase", str_to_upper}},
    {OWNER_STRING_METHOD, {"toLowerCase", str_to_lower}},
    {OWNER_ARRAY_METHOD, {"push", arr_push}},
    {OWNER_ARRAY_METHOD, {"pop", arr_pop}},
    {OWNER_ARRAY_METHOD, {"join", arr_join}},
    {OWNER_ARRAY_METHOD, {"indexOf", arr_index_of}},
};
enum { NATIVE_COUNT = sizeof natives / sizeof natives[0] };

Value call_native(int index, size_t base, int argc) { return natives[index].native.fn(base, argc); }

Value builtin_method(Value receiver, Value key) {
  Value table = is_string(receiver) ? vm.string_methods : vm.array_methods;
  size_t n = values_count(table) / 2;
  for (size_t i = 0; i < n; i++)
    if (values_of(table)[2 * i] == key)
      return values_of(table)[2 * i + 1];
  return JS_UNDEFINED;
}

Value char_string(uint16_t unit) {
  if (unit < 128)
    return values_of(vm.char_cache)[unit];
  Value s = alloc_string(1);
  as_string(s)->units[0] = unit;
  return s;
}

static void define_global(const char *name, Value *v) {
  uint32_t idx = global_declare(name);
  vm.globals[idx] = *v;
}

static Value make_native(int index) {
  Value *name = push(intern_ascii(natives[index].native.name));
  Value *env = push(JS_UNDEFINED);
  Value fn = new_function(NULL, env, name);
  as_function(fn)->native = index;
  vm.sp -= 2;
  return fn;
}

static void set_named(Value *obj, const char *name, Value *v) {
  Value *key = push(intern_ascii(name));
  object_set(obj, key, v);
  pop();
}

static Value method_table(int owner) {
  size_t n = 0;
  for (int i = 0; i < NATIVE_COUNT; i++)
    n += natives[i].owner == owner;
  Value *table = push(alloc_values(2 * n, KN_ALLOC_LONG_LIVED));
  size_t k = 0;
  for (int i = 0; i < NATIVE_COUNT; i++) {
    if (natives[i].owner != owner)
      continue;
    Value *fn = push(make_native(i));
    Value key = intern_ascii(natives[i].native.name);
    store((void *)*table, &values_of(*table)[2 * k], key);
    store((void *)*table, &values_of(*table)[2 * k + 1], *fn);
    pop();
    k++;
  }
  return pop();
}

void builtins_init(void) {
  vm.char_cache = alloc_values(128, KN_ALLOC_LONG_LIVED);
  for (uint16_t c = 0; c < 128; c++) {
    Value s = alloc_string(1);
    as_string(s)->units[0] = c;
    store((void *)vm.char_cache, &values_of(vm.char_cache)[c], s);
  }
  vm.string_methods = method_table(OWNER_STRING_METHOD);
  vm.array_methods = method_table(OWNER_ARRAY_METHOD);
  static const char *const holders[] = {[OWNER_MATH] = "Math", [OWNER_JSON] = "JSON",
                                        [OWNER_DATE] = "Date", [OWNER_STRING] = "String"};
  for (int owner = OWNER_MATH; owner <= OWNER_STRING; owner++) {
    Value *shape = push(vm.root_shape);
    Value *holder = push(new_object(shape, 8));
    for (int i = 0; i < NATIVE_COUNT; i++) {
      if (natives[i].owner != owner)
        continue;
      Value *fn = push(make_native(i));
      set_named(holder, natives[i].native.name, fn);
      pop();
    }
    if (owner == OWNER_MATH) {
      Value *pi = push(make_number(M_PI));
      set_named(holder, "PI", pi);
      pop();
    }
    define_global(holders[owner], holder);
    vm.sp -= 2;
  }
  Value *print = push(make_native(0));
  define_global("print", print);
  pop();
  Value *v = push(JS_UNDEFINED);
  define_global("undefined", v);
  *v = make_number(NAN);
  define_global("NaN", v);
  *v = make_number(INFINITY);
  define_global("Infinity", v);
  pop();
}
