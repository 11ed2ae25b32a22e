/* Internal interface of the compiler, shared by compile.c (expressions,
 * lambda, define, set!, quoted data) and forms.c (the other special
 * forms). */

#ifndef COMPILER_H
#define COMPILER_H

#include "node.h"
#include "syntax.h"

/* The variables of one frame, as known at compile time. */
struct scope {
  struct scope *parent;
  const char **names;
  size_t count, capacity;
};

struct compiler {
  struct interp *in;
};

struct node *compile(struct compiler *c, struct scope *sc, const struct syntax *s);
struct node *compile_body(struct compiler *c, struct scope *sc, struct syntax *const *forms,
                          size_t n, const struct syntax *where);
struct node *compile_sequence(struct compiler *c, struct scope *sc, struct syntax *const *forms,
                              size_t n, const struct syntax *where);
struct lambda *compile_lambda(struct compiler *c, struct scope *sc, const char *name,
                              const struct syntax *params, struct syntax *const *body,
                              size_t nbody, const struct syntax *where);
struct node *compile_define(struct compiler *c, struct scope *sc, const struct syntax *s);
struct node *compile_set(struct compiler *c, struct scope *sc, const struct syntax *s);
/* The special form `name`, or NULL if `name` is not one. */
struct node *compile_special(struct compiler *c, struct scope *sc, const struct syntax *s,
                             const char *name);

void syntax_error(struct compiler *c, const struct syntax *s, const char *fmt, ...)
    __attribute__((noreturn, format(printf, 3, 4)));
void need_proper(struct compiler *c, const struct syntax *s, const char *form);
void need_count(struct compiler *c, const struct syntax *s, const char *form, size_t min,
                size_t max);
const char *symbol_name(struct compiler *c, const struct syntax *s, const char *what);

void scope_init(struct scope *sc, struct scope *parent);
void scope_free(struct scope *sc);
long scope_find(const struct scope *sc, const char *name);
size_t scope_add(struct compiler *c, struct scope *sc, const char *name);
bool lookup_local(const struct scope *sc, const char *name, unsigned *depth, size_t *index);

struct node *new_node(struct compiler *c, enum node_kind kind, const struct syntax *s);
struct node **new_items(struct compiler *c, size_t n);
struct node *constant(struct compiler *c, const struct syntax *where, value v);
struct node *unspecified(struct compiler *c, const struct syntax *where);

#endif
