/* The syntax tree: plain C memory, never in the GC heap.  Literals live in
 * vm.consts (rooted) and nodes refer to them by index, because heap
 * objects move and a node must not hold their address. */
#ifndef JS_AST_H
#define JS_AST_H

#include "js.h"

enum node_type {
  /* expressions */
  N_NUM, N_STR, N_LIT, N_IDENT, N_THIS, N_ARRAY, N_OBJECT, N_FUNC, N_UNARY, N_BINARY,
  N_AND, N_OR, N_COND, N_ASSIGN, N_UPDATE, N_MEMBER, N_INDEX, N_CALL, N_NEW, N_COMMA,
  N_TYPEOF,
  /* statements */
  N_VAR, N_EXPR, N_BLOCK, N_IF, N_FOR, N_WHILE, N_DOWHILE, N_BREAK, N_CONTINUE,
  N_RETURN, N_EMPTY, N_FUNCDECL,
};

/* Where a variable lives, decided by the resolver. */
enum ref_kind {
  REF_UNRESOLVED,
  REF_SLOT,     /* the current frame's stack slots */
  REF_ENV,      /* `depth` scope records up, slot `index` */
  REF_GLOBAL,   /* vm.globals[index] */
};

struct ref {
  uint8_t kind;
  uint8_t is_const;
  uint16_t depth;
  uint32_t index;
};

struct funcinfo {
  int nparams;
  uint32_t *params;        /* name atoms (const indices) */
  struct ref *param_refs;
  int nslots;              /* frame slots (stack mode) or env slots (heap mode) */
  bool heap_env;           /* has inner functions: locals live in a js_env */
  bool has_inner;
  bool is_script;
  bool is_expression;
  int32_t name;            /* const index of the name, or -1 */
  struct ref self_ref;     /* a named function expression's own name */
  struct node *body;       /* N_BLOCK */
  struct node **hoisted;   /* function declarations to instantiate on entry */
  int nhoisted;
  int line;
};

struct node {
  uint8_t type;
  uint8_t op;              /* token of the operator */
  uint8_t prefix;          /* N_UPDATE */
  uint8_t contains_func;   /* N_BLOCK, N_FOR: a function literal inside */
  int line, col;
  struct node *a, *b, *c, *d;
  struct node **list;      /* N_BLOCK, N_ARRAY, N_CALL args, N_OBJECT values, N_VAR */
  int nlist;
  uint32_t *keys;          /* N_OBJECT: key atoms */
  Value lit;               /* N_LIT, N_NUM (small ints): an immediate */
  int32_t cidx;            /* N_NUM (boxed), N_STR, N_IDENT, N_MEMBER: const index */
  struct ref ref;          /* N_IDENT, N_VAR declarator */
  int env_slots;           /* N_BLOCK, N_FOR: slots of its own scope record, or 0 */
  int decl_kind;           /* N_VAR: TOK_VAR, TOK_LET, TOK_CONST */
  struct funcinfo *func;   /* N_FUNC, N_FUNCDECL */
  uint32_t ic_shape;       /* N_MEMBER inline cache: shape id (0: empty) */
  uint32_t ic_slot;
};

/* Tokens that are also operator codes in nodes. */
enum token {
  TOK_EOF, TOK_NUM, TOK_STR, TOK_IDENT,
  /* keywords */
  TOK_VAR, TOK_LET, TOK_CONST, TOK_FUNCTION, TOK_RETURN, TOK_IF, TOK_ELSE, TOK_FOR,
  TOK_WHILE, TOK_DO, TOK_BREAK, TOK_CONTINUE, TOK_NEW, TOK_THIS, TOK_NULL, TOK_TRUE,
  TOK_FALSE, TOK_TYPEOF, TOK_UNDEFINED_KW, TOK_VOID,
  /* punctuation */
  TOK_LPAREN, TOK_RPAREN, TOK_LBRACE, TOK_RBRACE, TOK_LBRACKET, TOK_RBRACKET,
  TOK_SEMI, TOK_COMMA, TOK_DOT, TOK_QUESTION, TOK_COLON,
  TOK_PLUS, TOK_MINUS, TOK_STAR, TOK_SLASH, TOK_PERCENT, TOK_INC, TOK_DEC,
  TOK_EQ, TOK_NE, TOK_SEQ, TOK_SNE, TOK_LT, TOK_GT, TOK_LE, TOK_GE,
  TOK_ANDAND, TOK_OROR, TOK_NOT, TOK_TILDE, TOK_AMP, TOK_PIPE, TOK_CARET,
  TOK_SHL, TOK_SHR, TOK_USHR,
  TOK_ASSIGN, TOK_PLUS_ASSIGN, TOK_MINUS_ASSIGN, TOK_STAR_ASSIGN, TOK_SLASH_ASSIGN,
  TOK_PERCENT_ASSIGN, TOK_AMP_ASSIGN, TOK_PIPE_ASSIGN, TOK_CARET_ASSIGN, TOK_SHL_ASSIGN,
  TOK_SHR_ASSIGN, TOK_USHR_ASSIGN,
  TOK_COUNT
};

struct token_info {
  enum token type;
  int line, col;
  bool newline_before;
  double num;
  uint16_t *str;           /* TOK_STR and TOK_IDENT: UTF-16, malloc'd */
  size_t len;
};

struct lexer {
  const char *file, *src, *end, *p;
  int line;
  const char *line_start;
};

void lexer_init(struct lexer *lx, const char *file, const char *src, size_t len);
void lexer_next(struct lexer *lx, struct token_info *t);
const char *token_name(enum token t);
void syntax_error(const char *file, int line, int col, const char *fmt, ...)
    __attribute__((noreturn, format(printf, 4, 5)));

#endif
