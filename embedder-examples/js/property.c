/* Property access: `obj.name` and `obj[key]` on every kind of value.
 *
 * Objects find names through their shapes (object.c); arrays and strings
 * answer `length`, their elements and their methods (builtins.c); functions
 * answer `prototype`.  Reading or setting a property of undefined or null
 * is a TypeError that names the property.  The object, key and value are
 * in rooted slots: setting may allocate, and so may turning a key into a
 * property name. */

#include <math.h>
#include <stdio.h>

#include "builtins.h"

static void describe_key(Value key, char *buf, size_t size) {
  if (is_flat_string(key))
    atom_text(key, buf, size);
  else if (is_number(key))
    format_number(num_val(key), buf);
  else
    snprintf(buf, size, "?");
}

static void __attribute__((noreturn)) nullish_error(Value obj, Value key) {
  char name[128];
  describe_key(key, name, sizeof name);
  js_error_at(vm_current_node, "TypeError", "Cannot read properties of %s (reading '%s')",
              obj == JS_NULL ? "null" : "undefined", name);
}

Value get_property(Value *obj, Value key) {
  Value o = *obj;
  if (is_object(o))
    return object_get(o, key);
  if (is_array(o)) {
    if (key == vm.atoms[A_LENGTH])
      return make_number((double)as_array(o)->length);
    return builtin_method(o, key);
  }
  if (is_string(o)) {
    if (key == vm.atoms[A_LENGTH])
      return make_smi((int32_t)string_length(o));
    flatten(obj); /* the method's `this` */
    return builtin_method(*obj, key);
  }
  if (is_function(o)) {
    if (key == vm.atoms[A_PROTOTYPE] && as_function(o)->code)
      return function_prototype(obj);
    return JS_UNDEFINED;
  }
  if (o == JS_UNDEFINED || o == JS_NULL)
    nullish_error(o, key);
  return JS_UNDEFINED;
}

void set_property(Value *obj, Value key, Value *val) {
  Value o = *obj;
  if (is_object(o)) {
    Value *k = push(key);
    object_set(obj, k, val);
    pop();
  } else if (is_array(o)) {
    if (key == vm.atoms[A_LENGTH]) {
      double d = to_number(*val);
      if (d != trunc(d) || d < 0 || d > 4294967295.0)
        js_error_at(vm_current_node, "RangeError", "Invalid array length");
      array_set_length(obj, (int64_t)d);
    }
  } else if (is_function(o)) {
    if (key == vm.atoms[A_PROTOTYPE] && as_function(o)->code) {
      store(as_function(o), &as_function(o)->prototype, *val);
      as_function(o)->instance_shape = JS_UNDEFINED;
    }
  } else if (o == JS_UNDEFINED || o == JS_NULL) {
    char name[128];
    describe_key(key, name, sizeof name);
    js_error_at(vm_current_node, "TypeError", "Cannot set properties of %s (setting '%s')",
                o == JS_NULL ? "null" : "undefined", name);
  }
}

/* The property key of a rooted value: an array index or an interned name. */
static bool array_index(Value key, int64_t *index) {
  if (is_flat_string(key)) {
    /* "0", "17": canonical decimal integers name elements too */
    uint32_t v;
    if (!index_key(key, &v))
      return false;
    *index = v;
    return true;
  }
  if (is_smi(key)) {
    *index = smi_val(key);
    return true;
  }
  if (is_double(key)) {
    double d = double_val(key);
    if (d == trunc(d) && fabs(d) < 9e15) {
      *index = (int64_t)d;
      return true;
    }
  }
  return false;
}

static Value key_atom(Value *key) {
  if (has_tag(*key, TAG_ISTRING))
    return *key;
  *key = to_string(key);
  return intern_value(key);
}

Value get_element(Value *obj, Value *key) {
  int64_t i;
  if (is_array(*obj) && array_index(*key, &i))
    return array_get(*obj, i);
  if (is_string(*obj) && array_index(*key, &i)) {
    flatten(obj);
    if (i < 0 || i >= as_string(*obj)->length)
      return JS_UNDEFINED;
    return char_string(as_string(*obj)->units[i]);
  }
  if (*obj == JS_UNDEFINED || *obj == JS_NULL)
    nullish_error(*obj, *key);
  Value k = key_atom(key);
  return get_property(obj, k);
}

void set_element(Value *obj, Value *key, Value *val) {
  int64_t i;
  if (is_array(*obj) && array_index(*key, &i)) {
    array_set(obj, i, val);
    return;
  }
  if (*obj == JS_UNDEFINED || *obj == JS_NULL) {
    set_property(obj, vm.atoms[A_EMPTY], val);
    return;
  }
  Value k = key_atom(key);
  set_property(obj, k, val);
}
