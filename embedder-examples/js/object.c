/* Objects with hidden classes, interned property names, arrays, functions.
 *
 * A shape (hidden class) is a node in a tree: the root holds the
 * prototype, each child adds one property name, and the object keeps its
 * values in slot order (inline slots first, then an overflow vector).
 * Objects built the same way share shapes, found through each shape's
 * transition cache.  Shapes, transition caches and interned names live as
 * long as the program, so they are allocated with KN_ALLOC_LONG_LIVED: a
 * collector may keep them apart from the short-lived objects (the seed
 * 000 pathology is long-lived data sharing blocks with young garbage).
 *
 * An object that gets more than DICT_THRESHOLD properties (objects used as
 * maps, with computed keys) switches to dictionary mode: its own hash
 * table, no shared shape. */

#include <stdlib.h>
#include <string.h>

#include "ast.h"
#include "js.h"

enum { DICT_THRESHOLD = 64, DEFAULT_INLINE = 4 };

const char *const atom_names[ATOM_COUNT] = {
    [A_LENGTH] = "length", [A_PROTOTYPE] = "prototype", [A_PUSH] = "push", [A_POP] = "pop",
    [A_UNDEFINED] = "undefined", [A_NULL] = "null", [A_TRUE] = "true", [A_FALSE] = "false",
    [A_NUMBER] = "number", [A_STRING] = "string", [A_BOOLEAN] = "boolean",
    [A_OBJECT] = "object", [A_FUNCTION] = "function", [A_EMPTY] = "",
};

Value alloc_values(size_t n, unsigned kind) {
  return (Value)vm_alloc(n * sizeof(Value), kind, TAG_VALUES);
}

/* ---- Interning ------------------------------------------------------------ */

static bool units_equal(Value s, const uint16_t *u, size_t len) {
  struct js_string *str = as_string(s);
  return str->length == len && (len == 0 || memcmp(str->units, u, len * sizeof(uint16_t)) == 0);
}

static void intern_grow(void) {
  size_t old_cap = values_count(vm.intern_table);
  Value fresh = alloc_values(old_cap * 2, KN_ALLOC_LONG_LIVED);
  Value *old = values_of(vm.intern_table);
  size_t mask = old_cap * 2 - 1;
  for (size_t i = 0; i < old_cap; i++) {
    if (!old[i])
      continue;
    size_t j = string_hash(old[i]) & mask;
    while (values_of(fresh)[j])
      j = (j + 1) & mask;
    store((void *)fresh, &values_of(fresh)[j], old[i]);
  }
  vm.intern_table = fresh;
}

/* Finds or adds the interned string with these units; `src`, if not NULL,
 * is the rooted string the units are read from (re-read after allocating). */
static Value intern_core(Value *src, size_t off, const uint16_t *u, size_t len) {
  uint32_t h = hash_units(src ? as_string(*src)->units + off : u, len);
  size_t mask = values_count(vm.intern_table) - 1;
  size_t j = h & mask;
  for (Value e; (e = values_of(vm.intern_table)[j]); j = (j + 1) & mask)
    if (as_string(e)->hash == h && units_equal(e, src ? as_string(*src)->units + off : u, len))
      return e;
  struct js_string *s = vm_alloc(sizeof(struct js_string) + len * sizeof(uint16_t),
                                 KN_ALLOC_POINTERLESS | KN_ALLOC_LONG_LIVED, TAG_ISTRING);
  s->length = (uint32_t)len;
  s->hash = h;
  if (len)
    memcpy(s->units, src ? as_string(*src)->units + off : u, len * sizeof(uint16_t));
  Value *fresh = push((Value)s);
  if ((vm.intern_count + 1) * 2 > values_count(vm.intern_table))
    intern_grow();
  mask = values_count(vm.intern_table) - 1;
  j = h & mask;
  while (values_of(vm.intern_table)[j])
    j = (j + 1) & mask;
  store((void *)vm.intern_table, &values_of(vm.intern_table)[j], *fresh);
  vm.intern_count++;
  return pop();
}

Value intern_units(const uint16_t *u, size_t len) { return intern_core(NULL, 0, u, len); }

Value intern_slice(Value *src, size_t off, size_t len) { return intern_core(src, off, NULL, len); }

Value intern_ascii(const char *s) {
  uint16_t buf[64];
  size_t n = strlen(s);
  if (n > 64)
    js_fatal("internal: name too long");
  for (size_t i = 0; i < n; i++)
    buf[i] = (unsigned char)s[i];
  return intern_units(buf, n);
}

Value intern_value(Value *slot) {
  if (ptr_tag(*slot) == TAG_ISTRING)
    return *slot;
  return intern_core(slot, 0, NULL, as_string(*slot)->length);
}

/* ---- Shapes --------------------------------------------------------------- */

static Value alloc_shape(void) {
  struct js_shape *s = vm_alloc(sizeof *s, KN_ALLOC_LONG_LIVED, TAG_SHAPE);
  s->id = ++vm.next_shape_id;
  return (Value)s;
}

Value new_shape_root(Value *proto) {
  Value s = alloc_shape();
  store((void *)s, &as_shape(s)->proto, *proto);
  return s;
}

int shape_lookup(Value shape, Value key) {
  for (struct js_shape *s = as_shape(shape); s->count; s = as_shape(s->parent))
    if (s->key == key)
      return (int)s->count - 1;
  return -1;
}

/* The child of *shape that adds *key, from the transition cache or new. */
static Value shape_add(Value *shape, Value *key) {
  struct js_shape *s = as_shape(*shape);
  for (uint32_t i = 0; i < s->ntransitions; i++)
    if (values_of(s->transitions)[2 * i] == *key)
      return values_of(s->transitions)[2 * i + 1];
  Value *child = push(alloc_shape());
  struct js_shape *c = as_shape(*child);
  s = as_shape(*shape);
  c->count = s->count + 1;
  store(c, &c->proto, s->proto);
  store(c, &c->parent, *shape);
  store(c, &c->key, *key);
  if (s->transitions == JS_UNDEFINED || 2 * s->ntransitions == values_count(s->transitions)) {
    size_t cap = s->transitions == JS_UNDEFINED ? 2 : 2 * values_count(s->transitions);
    Value t = alloc_values(cap, KN_ALLOC_LONG_LIVED);
    s = as_shape(*shape);
    if (s->ntransitions)
      for (uint32_t i = 0; i < 2 * s->ntransitions; i++)
        store((void *)t, &values_of(t)[i], values_of(s->transitions)[i]);
    store(s, &s->transitions, t);
  }
  Value *slots = values_of(s->transitions);
  store((void *)s->transitions, &slots[2 * s->ntransitions], *key);
  store((void *)s->transitions, &slots[2 * s->ntransitions + 1], *child);
  s->ntransitions++;
  return pop();
}

/* ---- Objects -------------------------------------------------------------- */

static size_t inline_capacity(Value obj) {
  return (kn_object_size((void *)obj) - sizeof(struct js_object)) / sizeof(Value);
}

Value new_object(Value *shape, size_t inline_slots) {
  struct js_object *o =
      vm_alloc(sizeof *o + inline_slots * sizeof(Value), KN_ALLOC_TRACED, TAG_OBJECT);
  store(o, &o->shape, *shape);
  return (Value)o;
}

bool object_is_dict(Value obj) { return as_shape(as_object(obj)->shape)->dict != 0; }

Value *object_slot(Value obj, uint32_t index) {
  size_t cap = inline_capacity(obj);
  if (index < cap)
    return &as_object(obj)->slots[index];
  return &values_of(as_object(obj)->overflow)[index - cap];
}

static struct js_dict *dict_of(Value obj) { return (struct js_dict *)as_object(obj)->overflow; }

static long dict_find(struct js_dict *d, Value key) {
  uint32_t *index = (uint32_t *)d->index;
  size_t mask = 2 * (size_t)d->capacity - 1;
  for (size_t j = string_hash(key) & mask; index[j]; j = (j + 1) & mask)
    if (values_of(d->entries)[2 * (index[j] - 1)] == key)
      return (long)index[j] - 1;
  return -1;
}

static void dict_reindex(struct js_dict *d) {
  uint32_t *index = (uint32_t *)d->index;
  size_t mask = 2 * (size_t)d->capacity - 1;
  memset(index, 0, 2 * (size_t)d->capacity * sizeof(uint32_t));
  for (uint32_t e = 0; e < d->count; e++) {
    size_t j = string_hash(values_of(d->entries)[2 * e]) & mask;
    while (index[j])
      j = (j + 1) & mask;
    index[j] = e + 1;
  }
}

/* Gives *d (a rooted TAG_DICT) room for `capacity` entries. */
static void dict_resize(Value *d, uint32_t capacity) {
  Value entries = alloc_values(2 * (size_t)capacity, KN_ALLOC_TRACED);
  Value *e = push(entries);
  Value index = (Value)vm_alloc(2 * (size_t)capacity * sizeof(uint32_t), KN_ALLOC_POINTERLESS,
                                TAG_BYTES);
  struct js_dict *dict = (struct js_dict *)*d;
  for (uint32_t i = 0; i < 2 * dict->count; i++)
    store((void *)*e, &values_of(*e)[i], values_of(dict->entries)[i]);
  store(dict, &dict->entries, *e);
  store(dict, &dict->index, index);
  dict->capacity = capacity;
  dict_reindex(dict);
  pop();
}

static void to_dictionary(Value *obj) {
  size_t n = as_shape(as_object(*obj)->shape)->count;
  Value *d = push((Value)vm_alloc(sizeof(struct js_dict), KN_ALLOC_TRACED, TAG_DICT));
  uint32_t cap = 16;
  while (cap < 2 * n)
    cap *= 2;
  dict_resize(d, cap);
  Value *proto = push(as_shape(as_object(*obj)->shape)->proto);
  Value *shape = push(new_shape_root(proto));
  as_shape(*shape)->dict = 1;
  struct js_dict *dict = (struct js_dict *)*d;
  Value entries = dict->entries;
  for (struct js_shape *s = as_shape(as_object(*obj)->shape); s->count; s = as_shape(s->parent)) {
    store((void *)entries, &values_of(entries)[2 * (s->count - 1)], s->key);
    store((void *)entries, &values_of(entries)[2 * (s->count - 1) + 1],
          *object_slot(*obj, s->count - 1));
  }
  dict->count = (uint32_t)n;
  dict_reindex(dict);
  struct js_object *o = as_object(*obj);
  store(o, &o->shape, *shape);
  store(o, &o->overflow, *d);
  memset(o->slots, 0, inline_capacity(*obj) * sizeof(Value));
  vm.sp -= 3;
}

static void dict_set(Value *obj, Value *key, Value *val) {
  struct js_dict *d = dict_of(*obj);
  long e = dict_find(d, *key);
  if (e < 0) {
    if (d->count == d->capacity) {
      Value *dslot = push(as_object(*obj)->overflow);
      dict_resize(dslot, d->capacity * 2);
      pop();
      d = dict_of(*obj);
    }
    e = d->count++;
    store((void *)d->entries, &values_of(d->entries)[2 * e], *key);
    uint32_t *index = (uint32_t *)d->index;
    size_t mask = 2 * (size_t)d->capacity - 1;
    size_t j = string_hash(*key) & mask;
    while (index[j])
      j = (j + 1) & mask;
    index[j] = (uint32_t)e + 1;
  }
  store((void *)d->entries, &values_of(d->entries)[2 * e + 1], *val);
}

/* Makes sure slot `index` of *obj has storage. */
static void ensure_slot(Value *obj, uint32_t index) {
  size_t cap = inline_capacity(*obj);
  if (index < cap)
    return;
  size_t need = index - cap + 1;
  Value over = as_object(*obj)->overflow;
  size_t have = over == JS_UNDEFINED ? 0 : values_count(over);
  if (need <= have)
    return;
  size_t fresh_cap = have ? have * 2 : 4;
  while (fresh_cap < need)
    fresh_cap *= 2;
  Value fresh = alloc_values(fresh_cap, KN_ALLOC_TRACED);
  over = as_object(*obj)->overflow;
  for (size_t i = 0; i < have; i++)
    store((void *)fresh, &values_of(fresh)[i], values_of(over)[i]);
  store(as_object(*obj), &as_object(*obj)->overflow, fresh);
}

void object_set(Value *obj, Value *key, Value *val) {
  if (object_is_dict(*obj)) {
    dict_set(obj, key, val);
    return;
  }
  int idx = shape_lookup(as_object(*obj)->shape, *key);
  if (idx >= 0) {
    Value *slot = object_slot(*obj, (uint32_t)idx);
    store(as_object(*obj), slot, *val);
    return;
  }
  uint32_t count = as_shape(as_object(*obj)->shape)->count;
  if (count >= DICT_THRESHOLD) {
    to_dictionary(obj);
    dict_set(obj, key, val);
    return;
  }
  Value *shape_slot = push(as_object(*obj)->shape);
  Value *child = push(shape_add(shape_slot, key));
  ensure_slot(obj, count);
  struct js_object *o = as_object(*obj);
  store(o, &o->shape, *child);
  store(o, object_slot(*obj, count), *val);
  vm.sp -= 2;
}

Value object_get(Value obj, Value key) {
  for (int hops = 0; hops < 10000; hops++) {
    if (object_is_dict(obj)) {
      struct js_dict *d = dict_of(obj);
      long e = dict_find(d, key);
      if (e >= 0)
        return values_of(d->entries)[2 * e + 1];
    } else {
      int idx = shape_lookup(as_object(obj)->shape, key);
      if (idx >= 0)
        return *object_slot(obj, (uint32_t)idx);
    }
    Value proto = as_shape(as_object(obj)->shape)->proto;
    if (!is_object(proto))
      return JS_UNDEFINED;
    obj = proto;
  }
  return JS_UNDEFINED;
}

size_t object_count(Value obj) {
  if (object_is_dict(obj))
    return dict_of(obj)->count;
  return as_shape(as_object(obj)->shape)->count;
}

/* Fills keys_out[0..count) in insertion order; returns the count. */
size_t object_keys(Value obj, Value *keys_out, size_t max) {
  size_t n = object_count(obj);
  if (n > max)
    n = max;
  if (object_is_dict(obj)) {
    for (size_t i = 0; i < n; i++)
      keys_out[i] = values_of(dict_of(obj)->entries)[2 * i];
    return n;
  }
  for (struct js_shape *s = as_shape(as_object(obj)->shape); s->count; s = as_shape(s->parent))
    if (s->count - 1 < n)
      keys_out[s->count - 1] = s->key;
  return n;
}

Value object_value_at(Value obj, size_t i) {
  if (object_is_dict(obj))
    return values_of(dict_of(obj)->entries)[2 * i + 1];
  return *object_slot(obj, (uint32_t)i);
}

Value object_key_at(Value obj, size_t i) {
  if (object_is_dict(obj))
    return values_of(dict_of(obj)->entries)[2 * i];
  for (struct js_shape *s = as_shape(as_object(obj)->shape); s->count; s = as_shape(s->parent))
    if (s->count - 1 == i)
      return s->key;
  return JS_UNDEFINED;
}

/* ---- Arrays --------------------------------------------------------------- */

enum { MAX_ARRAY_LENGTH = 1 << 28 };

Value new_array(size_t capacity) {
  Value *arr = push((Value)vm_alloc(sizeof(struct js_array), KN_ALLOC_TRACED, TAG_ARRAY));
  Value elems = alloc_values(capacity ? capacity : 1, KN_ALLOC_TRACED);
  store((void *)*arr, &as_array(*arr)->elems, elems);
  return pop();
}

static void array_reserve(Value *arr, uint64_t need) {
  size_t cap = values_count(as_array(*arr)->elems);
  if (need <= cap)
    return;
  if (need > MAX_ARRAY_LENGTH)
    js_error_at(vm_current_node, "RangeError", "array length %llu is beyond this interpreter's limit",
                (unsigned long long)need);
  size_t fresh_cap = cap * 2;
  while (fresh_cap < need)
    fresh_cap *= 2;
  Value fresh = alloc_values(fresh_cap, KN_ALLOC_TRACED);
  struct js_array *a = as_array(*arr);
  Value *old = values_of(a->elems);
  for (uint64_t i = 0; i < a->length; i++)
    store((void *)fresh, &values_of(fresh)[i], old[i]);
  store(a, &a->elems, fresh);
}

void array_push(Value *arr, Value *val) {
  array_reserve(arr, as_array(*arr)->length + 1);
  struct js_array *a = as_array(*arr);
  store((void *)a->elems, &values_of(a->elems)[a->length++], *val);
}

Value array_get(Value arr, int64_t i) {
  struct js_array *a = as_array(arr);
  if (i < 0 || (uint64_t)i >= a->length)
    return JS_UNDEFINED;
  return values_of(a->elems)[i];
}

void array_set(Value *arr, int64_t i, Value *val) {
  if (i < 0)
    return;
  array_reserve(arr, (uint64_t)i + 1);
  struct js_array *a = as_array(*arr);
  store((void *)a->elems, &values_of(a->elems)[i], *val);
  if ((uint64_t)i >= a->length)
    a->length = (uint64_t)i + 1;
}

void array_set_length(Value *arr, int64_t len) {
  if (len < 0)
    js_error_at(vm_current_node, "RangeError", "invalid array length");
  array_reserve(arr, (uint64_t)len);
  struct js_array *a = as_array(*arr);
  for (uint64_t i = (uint64_t)len; i < a->length; i++)
    values_of(a->elems)[i] = JS_UNDEFINED;
  a->length = (uint64_t)len;
}

/* ---- Functions ------------------------------------------------------------ */

Value new_function(struct node *code, Value *env, Value *name) {
  struct js_function *f = vm_alloc(sizeof *f, KN_ALLOC_TRACED, TAG_FUNCTION);
  f->code = code;
  f->native = -1;
  f->ctor_slots = DEFAULT_INLINE;
  store(f, &f->env, *env);
  store(f, &f->name, *name);
  return (Value)f;
}

Value function_prototype(Value *fn) {
  if (as_function(*fn)->prototype == JS_UNDEFINED) {
    Value *shape = push(vm.root_shape);
    Value proto = new_object(shape, DEFAULT_INLINE);
    pop();
    store(as_function(*fn), &as_function(*fn)->prototype, proto);
  }
  return as_function(*fn)->prototype;
}

void objects_init(void) {
  vm.intern_table = alloc_values(1024, KN_ALLOC_LONG_LIVED);
  vm.parse_key_cache = alloc_values(512, KN_ALLOC_LONG_LIVED);
  Value *null_proto = push(JS_NULL);
  vm.root_shape = new_shape_root(null_proto);
  pop();
  for (int i = 0; i < ATOM_COUNT; i++)
    vm.atoms[i] = intern_ascii(atom_names[i]);
}

/* ---- Property order ------------------------------------------------------- */

bool index_key(Value key, uint32_t *out) {
  struct js_string *s = as_string(key);
  if (s->length == 0 || s->length > 9 || (s->units[0] == '0' && s->length > 1))
    return false;
  uint32_t v = 0;
  for (uint32_t i = 0; i < s->length; i++) {
    if (s->units[i] < '0' || s->units[i] > '9')
      return false;
    v = v * 10 + (s->units[i] - '0');
  }
  *out = v;
  return true;
}

/* JavaScript lists integer-like keys first, in ascending order, then the
 * others in insertion order.  Reorders keys[0..n); false if it had
 * nothing to do (the keys are then in slot order). */
bool order_keys(Value *keys, size_t n) {
  size_t nindex = 0;
  uint32_t v;
  for (size_t i = 0; i < n; i++)
    nindex += index_key(keys[i], &v);
  if (nindex == 0)
    return false;
  Value *sorted = cmem_alloc(n * sizeof *sorted, "ordering keys");
  uint32_t *nums = cmem_alloc(nindex * sizeof *nums, "ordering keys");
  size_t k = 0, rest = nindex;
  for (size_t i = 0; i < n; i++) {
    if (index_key(keys[i], &v)) {
      size_t j = k++;
      while (j > 0 && nums[j - 1] > v) { /* insertion sort: few index keys */
        nums[j] = nums[j - 1];
        sorted[j] = sorted[j - 1];
        j--;
      }
      nums[j] = v;
      sorted[j] = keys[i];
    } else {
      sorted[rest++] = keys[i];
    }
  }
  memcpy(keys, sorted, n * sizeof *keys);
  cmem_free(sorted);
  cmem_free(nums);
  return true;
}
