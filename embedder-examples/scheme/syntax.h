/* Syntax trees: what the reader produces and the compiler consumes.  They
 * live in C memory with their source positions, so reading never touches
 * the heap and every error can say where it is. */

#ifndef SYNTAX_H
#define SYNTAX_H

#include <stddef.h>
#include <stdint.h>

enum sx_kind { SX_FIXNUM, SX_BOOL, SX_CHAR, SX_STRING, SX_SYMBOL, SX_LIST, SX_VECTOR };

struct syntax {
  enum sx_kind kind;
  int line, col;
  int64_t fixnum;          /* SX_FIXNUM, SX_BOOL (0/1), SX_CHAR */
  char *text;              /* SX_STRING, SX_SYMBOL: NUL-terminated */
  size_t length;           /* bytes of text */
  struct syntax **items;   /* SX_LIST, SX_VECTOR */
  size_t count;
  struct syntax *tail;     /* SX_LIST: the datum after " . ", or NULL */
};

static inline int sx_is_symbol(const struct syntax *s, const char *name);

#include <string.h>
static inline int sx_is_symbol(const struct syntax *s, const char *name) {
  return s && s->kind == SX_SYMBOL && !strcmp(s->text, name);
}

/* Builders used by the reader and by the compiler's rewrites. */
struct syntax *sx_new(enum sx_kind kind, int line, int col);
struct syntax *sx_symbol(const char *name, int line, int col);
void sx_append(struct syntax *list, struct syntax *item);

#endif
