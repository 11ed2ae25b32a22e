/* Compiled code: a tree of nodes with lexical addresses, built by
 * compile.c and walked by eval.c.  Nodes live in C memory (the code
 * arena) and never move; the heap values they need (quoted data) are in
 * the interpreter's constant table, which is a root, and nodes name them
 * by index. */

#ifndef NODE_H
#define NODE_H

#include "scheme.h"

enum node_kind {
  N_CONST,          /* constants[index] */
  N_LOCAL,          /* variable `index` of the frame `depth` levels out */
  N_GLOBAL,         /* global_values[index] */
  N_SET_LOCAL,      /* a := value; `init` set for definitions */
  N_SET_GLOBAL,
  N_DEFINE_GLOBAL,
  N_IF,             /* a ? b : c (c NULL: unspecified) */
  N_LAMBDA,
  N_SEQ,            /* items, the last in tail position */
  N_AND,
  N_OR,
  N_CALL,           /* a applied to items */
  N_LET,            /* items evaluated outside, a new frame, body a */
  N_LETREC,         /* a new frame, items evaluated inside in order, body a */
  N_CASE,           /* key a; clauses; else c */
  N_COND_ARROW,     /* test a; if true, call b with it; else c */
};

struct case_clause {
  size_t *constants;   /* indexes into the constant table */
  size_t nconstants;
  struct node *body;
};

struct node {
  enum node_kind kind;
  int line, col;
  unsigned depth;
  size_t index;
  bool init;
  const char *name;     /* N_LOCAL, N_GLOBAL, N_SET_*: the variable */
  struct node *a, *b, *c;
  struct node **items;
  size_t count;
  struct lambda *lambda;
  unsigned frame_size;
  struct case_clause *clauses;
  size_t nclauses;
};

#endif
