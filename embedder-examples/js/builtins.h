/* The built-in functions (print, Math, JSON, String, Date and the methods
 * of strings and arrays), called with their arguments on the VM stack. */
#ifndef JS_BUILTINS_H
#define JS_BUILTINS_H

#include "js.h"

/* Runs native `index` on the call at `base` ([fn, this, args...]). */
Value call_native(int index, size_t base, int argc);
/* A string or array method named `key`, or undefined. */
Value builtin_method(Value receiver, Value key);
/* The one-unit string for `unit` (cached for ASCII). */
Value char_string(uint16_t unit);
/* True when the C stack is nearly exhausted. */
bool c_stack_low(void);

#endif
