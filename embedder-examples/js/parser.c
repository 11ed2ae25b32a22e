/* The parser: recursive descent over the lexer's tokens, precedence climbing
 * for binary operators, automatic semicolon insertion at line breaks, `}`
 * and the end of input.  Names become interned strings in vm.consts.
 * Nodes, lists and token texts are cmem blocks: a syntax error leaves the
 * partial tree to the run's end, which frees every block (cmem.c). */

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "ast.h"

struct parser {
  struct lexer lx;
  struct token_info tok;
  struct token_info prev;
  struct funcinfo *func;     /* innermost function being parsed */
  unsigned func_literals;    /* function literals seen so far */
};

static struct node *parse_expression(struct parser *p);
static struct node *parse_assignment(struct parser *p);
static struct node *parse_statement(struct parser *p);
static struct node *parse_function(struct parser *p, bool declaration);

static void advance(struct parser *p) {
  cmem_free(p->prev.str);
  p->prev = p->tok;
  lexer_next(&p->lx, &p->tok);
}

static void __attribute__((noreturn)) unexpected(struct parser *p) {
  syntax_error(p->lx.file, p->tok.line, p->tok.col, "unexpected %s", token_name(p->tok.type));
}

static bool accept(struct parser *p, enum token t) {
  if (p->tok.type != t)
    return false;
  advance(p);
  return true;
}

static void expect(struct parser *p, enum token t) {
  if (p->tok.type != t)
    syntax_error(p->lx.file, p->tok.line, p->tok.col, "expected %s, found %s", token_name(t),
                 token_name(p->tok.type));
  advance(p);
}

static void consume_semicolon(struct parser *p) {
  if (accept(p, TOK_SEMI))
    return;
  if (p->tok.type == TOK_RBRACE || p->tok.type == TOK_EOF || p->tok.newline_before)
    return;
  syntax_error(p->lx.file, p->tok.line, p->tok.col, "expected ';', found %s",
               token_name(p->tok.type));
}

static struct node *new_node(struct parser *p, enum node_type type, const struct token_info *at) {
  (void)p;
  struct node *n = cmem_alloc(sizeof *n, "parsing the program");
  n->type = (uint8_t)type;
  n->line = at->line;
  n->col = at->col;
  n->cidx = -1;
  return n;
}

struct node_list {
  struct node **items;
  int n;
  size_t cap;
};

static void list_add(struct node_list *l, struct node *n) {
  if ((size_t)l->n == l->cap)
    l->items = grow_array(l->items, sizeof *l->items, &l->cap, (size_t)l->n + 1, 4,
                          "parsing the program");
  l->items[l->n++] = n;
}

/* The interned name of an identifier or string token, as a const index. */
static uint32_t atom_of(const struct token_info *t) {
  return (uint32_t)add_const(intern_units(t->str, t->len));
}

static bool is_name_token(enum token t) { return t == TOK_IDENT || (t >= TOK_VAR && t <= TOK_VOID); }

/* ---- Primary expressions ------------------------------------------------ */

static struct node *number_node(struct parser *p, double d, const struct token_info *at) {
  struct node *n = new_node(p, N_NUM, at);
  if (d == (double)(int32_t)d && !(d == 0 && signbit(d)))
    n->lit = make_smi((int32_t)d);
  else
    n->cidx = (int32_t)add_const(make_number(d));
  return n;
}

static struct node *parse_array_literal(struct parser *p, const struct token_info *at) {
  struct node *n = new_node(p, N_ARRAY, at);
  struct node_list l = {0};
  while (p->tok.type != TOK_RBRACKET) {
    list_add(&l, parse_assignment(p));
    if (!accept(p, TOK_COMMA))
      break;
  }
  expect(p, TOK_RBRACKET);
  n->list = l.items;
  n->nlist = l.n;
  return n;
}

static struct node *parse_object_literal(struct parser *p, const struct token_info *at) {
  struct node *n = new_node(p, N_OBJECT, at);
  struct node_list l = {0};
  uint32_t *keys = NULL;
  size_t keys_cap = 0;
  while (p->tok.type != TOK_RBRACE) {
    uint32_t key;
    if (p->tok.type == TOK_STR || is_name_token(p->tok.type)) {
      key = atom_of(&p->tok);
    } else if (p->tok.type == TOK_NUM) {
      char buf[64];
      int len = format_number(p->tok.num, buf);
      uint16_t u[64];
      for (int i = 0; i < len; i++)
        u[i] = (uint16_t)buf[i];
      key = (uint32_t)add_const(intern_units(u, (size_t)len));
    } else {
      unexpected(p);
    }
    advance(p);
    expect(p, TOK_COLON);
    if ((size_t)l.n == keys_cap)
      keys = grow_array(keys, sizeof *keys, &keys_cap, (size_t)l.n + 1, 4, "parsing the program");
    keys[l.n] = key;
    list_add(&l, parse_assignment(p));
    if (!accept(p, TOK_COMMA))
      break;
  }
  expect(p, TOK_RBRACE);
  n->list = l.items;
  n->nlist = l.n;
  n->keys = keys;
  return n;
}

static struct node *parse_primary(struct parser *p) {
  struct token_info at = p->tok;
  check_c_stack();
  switch (p->tok.type) {
  case TOK_NUM:
    advance(p);
    return number_node(p, at.num, &at);
  case TOK_STR: {
    struct node *n = new_node(p, N_STR, &at);
    n->cidx = (int32_t)add_const(intern_units(p->tok.str, p->tok.len));
    advance(p);
    return n;
  }
  case TOK_IDENT: {
    struct node *n = new_node(p, N_IDENT, &at);
    n->cidx = (int32_t)atom_of(&p->tok);
    advance(p);
    return n;
  }
  case TOK_THIS:
    advance(p);
    return new_node(p, N_THIS, &at);
  case TOK_NULL:
  case TOK_TRUE:
  case TOK_FALSE: {
    struct node *n = new_node(p, N_LIT, &at);
    n->lit = at.type == TOK_NULL ? JS_NULL : at.type == TOK_TRUE ? JS_TRUE : JS_FALSE;
    advance(p);
    return n;
  }
  case TOK_LPAREN: {
    advance(p);
    struct node *n = parse_expression(p);
    expect(p, TOK_RPAREN);
    return n;
  }
  case TOK_LBRACKET:
    advance(p);
    return parse_array_literal(p, &at);
  case TOK_LBRACE:
    advance(p);
    return parse_object_literal(p, &at);
  case TOK_FUNCTION:
    return parse_function(p, false);
  default:
    unexpected(p);
  }
}

static struct node **parse_arguments(struct parser *p, int *count) {
  struct node_list l = {0};
  expect(p, TOK_LPAREN);
  while (p->tok.type != TOK_RPAREN) {
    list_add(&l, parse_assignment(p));
    if (!accept(p, TOK_COMMA))
      break;
  }
  expect(p, TOK_RPAREN);
  *count = l.n;
  return l.items;
}

/* Member accesses and calls; `allow_call` is false right after `new`. */
static struct node *parse_postfix_chain(struct parser *p, struct node *n, bool allow_call) {
  for (;;) {
    struct token_info at = p->tok;
    if (accept(p, TOK_DOT)) {
      if (!is_name_token(p->tok.type))
        syntax_error(p->lx.file, p->tok.line, p->tok.col, "expected a property name after '.'");
      struct node *m = new_node(p, N_MEMBER, &at);
      m->a = n;
      m->cidx = (int32_t)atom_of(&p->tok);
      advance(p);
      n = m;
    } else if (accept(p, TOK_LBRACKET)) {
      struct node *m = new_node(p, N_INDEX, &at);
      m->a = n;
      m->b = parse_expression(p);
      expect(p, TOK_RBRACKET);
      n = m;
    } else if (allow_call && p->tok.type == TOK_LPAREN) {
      struct node *c = new_node(p, N_CALL, &at);
      c->a = n;
      c->list = parse_arguments(p, &c->nlist);
      n = c;
    } else {
      return n;
    }
  }
}

static struct node *parse_member_or_new(struct parser *p) {
  struct token_info at = p->tok;
  if (accept(p, TOK_NEW)) {
    check_c_stack();
    struct node *n = new_node(p, N_NEW, &at);
    n->a = parse_member_or_new(p);
    if (p->tok.type == TOK_LPAREN)
      n->list = parse_arguments(p, &n->nlist);
    return parse_postfix_chain(p, n, true);
  }
  return parse_postfix_chain(p, parse_primary(p), false);
}

static struct node *parse_call(struct parser *p) {
  return parse_postfix_chain(p, parse_member_or_new(p), true);
}

static void check_target(struct parser *p, struct node *n, const struct token_info *at) {
  if (n->type != N_IDENT && n->type != N_MEMBER && n->type != N_INDEX)
    syntax_error(p->lx.file, at->line, at->col, "invalid assignment target");
}

static struct node *parse_postfix(struct parser *p) {
  struct token_info at = p->tok;
  struct node *n = parse_call(p);
  if ((p->tok.type == TOK_INC || p->tok.type == TOK_DEC) && !p->tok.newline_before) {
    check_target(p, n, &at);
    struct node *u = new_node(p, N_UPDATE, &p->tok);
    u->op = (uint8_t)p->tok.type;
    u->a = n;
    advance(p);
    return u;
  }
  return n;
}

static struct node *parse_unary(struct parser *p) {
  struct token_info at = p->tok;
  enum token t = p->tok.type;
  check_c_stack();
  if (t == TOK_NOT || t == TOK_MINUS || t == TOK_PLUS || t == TOK_TILDE || t == TOK_VOID) {
    advance(p);
    struct node *n = new_node(p, N_UNARY, &at);
    n->op = (uint8_t)t;
    n->a = parse_unary(p);
    return n;
  }
  if (t == TOK_TYPEOF) {
    advance(p);
    struct node *n = new_node(p, N_TYPEOF, &at);
    n->a = parse_unary(p);
    return n;
  }
  if (t == TOK_INC || t == TOK_DEC) {
    advance(p);
    struct token_info target_at = p->tok;
    struct node *n = new_node(p, N_UPDATE, &at);
    n->op = (uint8_t)t;
    n->prefix = 1;
    n->a = parse_unary(p);
    check_target(p, n->a, &target_at);
    return n;
  }
  return parse_postfix(p);
}

static int binary_precedence(enum token t) {
  switch (t) {
  case TOK_OROR: return 1;
  case TOK_ANDAND: return 2;
  case TOK_PIPE: return 3;
  case TOK_CARET: return 4;
  case TOK_AMP: return 5;
  case TOK_EQ: case TOK_NE: case TOK_SEQ: case TOK_SNE: return 6;
  case TOK_LT: case TOK_GT: case TOK_LE: case TOK_GE: return 7;
  case TOK_SHL: case TOK_SHR: case TOK_USHR: return 8;
  case TOK_PLUS: case TOK_MINUS: return 9;
  case TOK_STAR: case TOK_SLASH: case TOK_PERCENT: return 10;
  default: return 0;
  }
}

static struct node *parse_binary(struct parser *p, int min_prec) {
  struct node *left = parse_unary(p);
  for (;;) {
    enum token t = p->tok.type;
    int prec = binary_precedence(t);
    if (prec == 0 || prec < min_prec)
      return left;
    struct token_info at = p->tok;
    advance(p);
    struct node *right = parse_binary(p, prec + 1);
    struct node *n = new_node(p, t == TOK_ANDAND ? N_AND : t == TOK_OROR ? N_OR : N_BINARY, &at);
    n->op = (uint8_t)t;
    n->a = left;
    n->b = right;
    left = n;
  }
}

static struct node *parse_conditional(struct parser *p) {
  struct node *cond = parse_binary(p, 1);
  struct token_info at = p->tok;
  if (!accept(p, TOK_QUESTION))
    return cond;
  struct node *n = new_node(p, N_COND, &at);
  n->a = cond;
  n->b = parse_assignment(p);
  expect(p, TOK_COLON);
  n->c = parse_assignment(p);
  return n;
}

static bool is_assign_op(enum token t) { return t >= TOK_ASSIGN && t <= TOK_USHR_ASSIGN; }

static struct node *parse_assignment(struct parser *p) {
  struct token_info at = p->tok;
  check_c_stack();
  struct node *left = parse_conditional(p);
  if (!is_assign_op(p->tok.type))
    return left;
  check_target(p, left, &at);
  struct node *n = new_node(p, N_ASSIGN, &p->tok);
  n->op = (uint8_t)p->tok.type;
  advance(p);
  n->a = left;
  n->b = parse_assignment(p);
  return n;
}

static struct node *parse_expression(struct parser *p) {
  struct node *n = parse_assignment(p);
  while (p->tok.type == TOK_COMMA) {
    struct node *c = new_node(p, N_COMMA, &p->tok);
    advance(p);
    c->a = n;
    c->b = parse_assignment(p);
    n = c;
  }
  return n;
}

/* ---- Statements --------------------------------------------------------- */

static struct node *parse_block_body(struct parser *p, const struct token_info *at, bool top) {
  struct node *n = new_node(p, N_BLOCK, at);
  struct node_list l = {0};
  unsigned funcs_before = p->func_literals;
  while (top ? p->tok.type != TOK_EOF : p->tok.type != TOK_RBRACE) {
    if (p->tok.type == TOK_EOF)
      syntax_error(p->lx.file, at->line, at->col, "unterminated block: missing '}'");
    list_add(&l, parse_statement(p));
  }
  n->list = l.items;
  n->nlist = l.n;
  n->contains_func = p->func_literals != funcs_before;
  return n;
}

static struct node *parse_var(struct parser *p, bool in_for) {
  struct node *n = new_node(p, N_VAR, &p->tok);
  n->decl_kind = p->tok.type;
  advance(p);
  struct node_list l = {0};
  do {
    if (p->tok.type != TOK_IDENT)
      syntax_error(p->lx.file, p->tok.line, p->tok.col, "expected a variable name, found %s",
                   token_name(p->tok.type));
    struct node *d = new_node(p, N_IDENT, &p->tok);
    d->cidx = (int32_t)atom_of(&p->tok);
    advance(p);
    if (accept(p, TOK_ASSIGN))
      d->a = parse_assignment(p);
    else if (n->decl_kind == TOK_CONST && !in_for)
      syntax_error(p->lx.file, d->line, d->col, "missing initializer in const declaration");
    list_add(&l, d);
  } while (accept(p, TOK_COMMA));
  n->list = l.items;
  n->nlist = l.n;
  return n;
}

static struct node *parse_for(struct parser *p, const struct token_info *at) {
  struct node *n = new_node(p, N_FOR, at);
  unsigned funcs_before = p->func_literals;
  expect(p, TOK_LPAREN);
  if (p->tok.type == TOK_VAR || p->tok.type == TOK_LET || p->tok.type == TOK_CONST)
    n->a = parse_var(p, true);
  else if (p->tok.type != TOK_SEMI)
    n->a = parse_expression(p);
  expect(p, TOK_SEMI);
  if (p->tok.type != TOK_SEMI)
    n->b = parse_expression(p);
  expect(p, TOK_SEMI);
  if (p->tok.type != TOK_RPAREN)
    n->c = parse_expression(p);
  expect(p, TOK_RPAREN);
  n->d = parse_statement(p);
  n->contains_func = p->func_literals != funcs_before;
  return n;
}

static struct node *parse_statement(struct parser *p) {
  struct token_info at = p->tok;
  check_c_stack();
  switch (p->tok.type) {
  case TOK_LBRACE: {
    advance(p);
    struct node *n = parse_block_body(p, &at, false);
    expect(p, TOK_RBRACE);
    return n;
  }
  case TOK_VAR:
  case TOK_LET:
  case TOK_CONST: {
    struct node *n = parse_var(p, false);
    consume_semicolon(p);
    return n;
  }
  case TOK_FUNCTION:
    return parse_function(p, true);
  case TOK_IF: {
    advance(p);
    struct node *n = new_node(p, N_IF, &at);
    expect(p, TOK_LPAREN);
    n->a = parse_expression(p);
    expect(p, TOK_RPAREN);
    n->b = parse_statement(p);
    if (accept(p, TOK_ELSE))
      n->c = parse_statement(p);
    return n;
  }
  case TOK_FOR:
    advance(p);
    return parse_for(p, &at);
  case TOK_WHILE: {
    advance(p);
    struct node *n = new_node(p, N_WHILE, &at);
    expect(p, TOK_LPAREN);
    n->a = parse_expression(p);
    expect(p, TOK_RPAREN);
    n->b = parse_statement(p);
    return n;
  }
  case TOK_DO: {
    advance(p);
    struct node *n = new_node(p, N_DOWHILE, &at);
    n->b = parse_statement(p);
    expect(p, TOK_WHILE);
    expect(p, TOK_LPAREN);
    n->a = parse_expression(p);
    expect(p, TOK_RPAREN);
    accept(p, TOK_SEMI);
    return n;
  }
  case TOK_BREAK:
  case TOK_CONTINUE: {
    advance(p);
    consume_semicolon(p);
    return new_node(p, at.type == TOK_BREAK ? N_BREAK : N_CONTINUE, &at);
  }
  case TOK_RETURN: {
    advance(p);
    if (p->func->is_script)
      syntax_error(p->lx.file, at.line, at.col, "'return' outside of a function");
    struct node *n = new_node(p, N_RETURN, &at);
    if (p->tok.type != TOK_SEMI && p->tok.type != TOK_RBRACE && p->tok.type != TOK_EOF &&
        !p->tok.newline_before)
      n->a = parse_expression(p);
    consume_semicolon(p);
    return n;
  }
  case TOK_SEMI:
    advance(p);
    return new_node(p, N_EMPTY, &at);
  default: {
    struct node *n = new_node(p, N_EXPR, &at);
    n->a = parse_expression(p);
    consume_semicolon(p);
    return n;
  }
  }
}

static struct node *parse_function(struct parser *p, bool declaration) {
  struct token_info at = p->tok;
  expect(p, TOK_FUNCTION);
  struct node *n = new_node(p, declaration ? N_FUNCDECL : N_FUNC, &at);
  struct funcinfo *f = cmem_alloc(sizeof *f, "parsing the program");
  f->name = -1;
  f->line = at.line;
  f->is_expression = !declaration;
  n->func = f;
  if (p->tok.type == TOK_IDENT) {
    f->name = (int32_t)atom_of(&p->tok);
    n->cidx = f->name;
    advance(p);
  } else if (declaration) {
    syntax_error(p->lx.file, p->tok.line, p->tok.col, "function declaration needs a name");
  }
  expect(p, TOK_LPAREN);
  size_t params_cap = 0;
  while (p->tok.type != TOK_RPAREN) {
    if (p->tok.type != TOK_IDENT)
      syntax_error(p->lx.file, p->tok.line, p->tok.col, "expected a parameter name, found %s",
                   token_name(p->tok.type));
    if ((size_t)f->nparams == params_cap)
      f->params = grow_array(f->params, sizeof *f->params, &params_cap, (size_t)f->nparams + 1,
                             4, "parsing the program");
    f->params[f->nparams++] = atom_of(&p->tok);
    advance(p);
    if (!accept(p, TOK_COMMA))
      break;
  }
  expect(p, TOK_RPAREN);
  struct token_info body_at = p->tok;
  expect(p, TOK_LBRACE);
  p->func_literals++;
  p->func->has_inner = true;
  struct funcinfo *outer = p->func;
  p->func = f;
  f->body = parse_block_body(p, &body_at, false);
  p->func = outer;
  expect(p, TOK_RBRACE);
  return n;
}

struct node *parse_program(const char *file, const char *src, size_t len) {
  struct parser p = {0};
  lexer_init(&p.lx, file, src, len);
  struct funcinfo *script = cmem_alloc(sizeof *script, "parsing the program");
  script->is_script = true;
  script->name = -1;
  p.func = script;
  lexer_next(&p.lx, &p.tok);
  struct token_info at = p.tok;
  struct node *n = new_node(&p, N_FUNC, &at);
  n->func = script;
  script->body = parse_block_body(&p, &at, true);
  cmem_free(p.prev.str);
  cmem_free(p.tok.str);
  return n;
}
