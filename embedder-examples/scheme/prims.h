/* Internal interface of the primitive procedures (prims.c, prims-lists.c).
 *
 * A primitive gets its arguments as a pointer into the value stack:
 * args[i] is rooted and updated by the collector, so after anything that
 * may allocate, a primitive re-reads args[i] instead of keeping a copy in
 * a C variable. */

#ifndef PRIMS_H
#define PRIMS_H

#include "scheme.h"

#define PRIM(name) static value name(struct interp *in, value *args, size_t argc)

static inline value check_pair(struct interp *in, const char *who, value v) {
  if (!is_pair(v))
    type_error(in, who, "a pair", v);
  return v;
}

static inline int64_t check_fixnum(struct interp *in, const char *who, value v) {
  if (!is_fixnum(v))
    type_error(in, who, "an integer", v);
  return fixnum_val(v);
}

/* An index in [0, limit): a non-negative integer below `limit`. */
size_t check_index(struct interp *in, const char *who, value v, size_t limit);

/* Builds a list in order: slots[0] head, slots[1] last pair, on the stack. */
struct list_builder {
  size_t slot;
};
struct list_builder list_begin(struct interp *in);
void list_add(struct interp *in, struct list_builder *b, value item);
value list_end(struct interp *in, struct list_builder *b);

/* The length of a proper list; an error for an improper or cyclic one. */
size_t list_length(struct interp *in, const char *who, value list);

extern const struct primitive list_primitives[];
extern const struct primitive data_primitives[];

#endif
