/* The lexer: UTF-8 source text to tokens.  String literals and identifiers
 * come out as UTF-16, the unit of JavaScript strings. */

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ast.h"

void syntax_error(const char *file, int line, int col, const char *fmt, ...) {
  va_list ap;
  fflush(stdout);
  fprintf(stderr, "%s:%d:%d: SyntaxError: ", file, line, col);
  va_start(ap, fmt);
  vfprintf(stderr, fmt, ap);
  va_end(ap);
  fputc('\n', stderr);
  js_exit(EXIT_JS_ERROR);
}

static const struct {
  const char *word;
  enum token tok;
} keywords[] = {
    {"var", TOK_VAR},       {"let", TOK_LET},         {"const", TOK_CONST},
    {"function", TOK_FUNCTION}, {"return", TOK_RETURN}, {"if", TOK_IF},
    {"else", TOK_ELSE},     {"for", TOK_FOR},         {"while", TOK_WHILE},
    {"do", TOK_DO},         {"break", TOK_BREAK},     {"continue", TOK_CONTINUE},
    {"new", TOK_NEW},       {"this", TOK_THIS},       {"null", TOK_NULL},
    {"true", TOK_TRUE},     {"false", TOK_FALSE},     {"typeof", TOK_TYPEOF},
    {"void", TOK_VOID},
};

static const char *const token_names[TOK_COUNT] = {
    [TOK_EOF] = "end of input", [TOK_NUM] = "number", [TOK_STR] = "string",
    [TOK_IDENT] = "identifier", [TOK_LPAREN] = "'('", [TOK_RPAREN] = "')'",
    [TOK_LBRACE] = "'{'", [TOK_RBRACE] = "'}'", [TOK_LBRACKET] = "'['",
    [TOK_RBRACKET] = "']'", [TOK_SEMI] = "';'", [TOK_COMMA] = "','", [TOK_DOT] = "'.'",
    [TOK_QUESTION] = "'?'", [TOK_COLON] = "':'", [TOK_ASSIGN] = "'='",
};

const char *token_name(enum token t) {
  if (t < TOK_COUNT && token_names[t])
    return token_names[t];
  for (size_t i = 0; i < sizeof keywords / sizeof keywords[0]; i++)
    if (keywords[i].tok == t)
      return keywords[i].word;
  return "operator";
}

void lexer_init(struct lexer *lx, const char *file, const char *src, size_t len) {
  lx->file = file;
  lx->src = lx->p = src;
  lx->end = src + len;
  lx->line = 1;
  lx->line_start = src;
}

static int column(const struct lexer *lx, const char *at) { return (int)(at - lx->line_start) + 1; }

static void newline(struct lexer *lx, const char *after) {
  lx->line++;
  lx->line_start = after;
}

/* Skips whitespace and comments; true if a line break was crossed. */
static bool skip_space(struct lexer *lx) {
  bool nl = false;
  while (lx->p < lx->end) {
    char c = *lx->p;
    if (c == '\n') {
      nl = true;
      newline(lx, ++lx->p);
    } else if (c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v') {
      lx->p++;
    } else if (c == '/' && lx->p + 1 < lx->end && lx->p[1] == '/') {
      while (lx->p < lx->end && *lx->p != '\n')
        lx->p++;
    } else if (c == '/' && lx->p + 1 < lx->end && lx->p[1] == '*') {
      const char *start = lx->p;
      int line = lx->line, col = column(lx, start);
      lx->p += 2;
      for (;;) {
        if (lx->p + 1 >= lx->end)
          syntax_error(lx->file, line, col, "unterminated comment");
        if (lx->p[0] == '*' && lx->p[1] == '/') {
          lx->p += 2;
          break;
        }
        if (*lx->p == '\n') {
          nl = true;
          newline(lx, lx->p + 1);
        }
        lx->p++;
      }
    } else {
      break;
    }
  }
  return nl;
}

struct u16buf {
  uint16_t *u;
  size_t len, cap;
};

static void u16_add(struct u16buf *b, uint16_t c) {
  if (b->len == b->cap)
    b->u = grow_array(b->u, sizeof *b->u, &b->cap, b->len + 1, 16, "reading the program");
  b->u[b->len++] = c;
}

static void u16_add_code_point(struct u16buf *b, uint32_t cp) {
  if (cp >= 0x10000) {
    cp -= 0x10000;
    u16_add(b, (uint16_t)(0xd800 + (cp >> 10)));
    u16_add(b, (uint16_t)(0xdc00 + (cp & 0x3ff)));
  } else {
    u16_add(b, (uint16_t)cp);
  }
}

/* Decodes one UTF-8 sequence; malformed bytes become U+FFFD. */
static uint32_t decode_utf8(struct lexer *lx) {
  unsigned char c = (unsigned char)*lx->p++;
  if (c < 0x80)
    return c;
  int extra = c >= 0xf0 ? 3 : c >= 0xe0 ? 2 : c >= 0xc0 ? 1 : -1;
  if (extra < 0)
    return 0xfffd;
  uint32_t cp = c & (0x3f >> extra);
  for (int i = 0; i < extra; i++) {
    if (lx->p >= lx->end || ((unsigned char)*lx->p & 0xc0) != 0x80)
      return 0xfffd;
    cp = (cp << 6) | ((unsigned char)*lx->p++ & 0x3f);
  }
  return cp > 0x10ffff ? 0xfffd : cp;
}

static uint32_t read_hex(struct lexer *lx, int n, int line, int col) {
  uint32_t v = 0;
  for (int i = 0; i < n; i++) {
    int d = lx->p < lx->end ? hex_digit((unsigned char)*lx->p) : -1;
    if (d < 0)
      syntax_error(lx->file, line, col, "invalid hexadecimal escape sequence");
    v = v * 16 + (uint32_t)d;
    lx->p++;
  }
  return v;
}

static void read_escape(struct lexer *lx, struct u16buf *b, int line, int col) {
  char c = *lx->p++;
  switch (c) {
  case 'n': u16_add(b, '\n'); break;
  case 't': u16_add(b, '\t'); break;
  case 'r': u16_add(b, '\r'); break;
  case 'b': u16_add(b, '\b'); break;
  case 'f': u16_add(b, '\f'); break;
  case 'v': u16_add(b, '\v'); break;
  case '0': u16_add(b, 0); break;
  case 'x': u16_add(b, (uint16_t)read_hex(lx, 2, line, col)); break;
  case 'u':
    if (lx->p < lx->end && *lx->p == '{') {
      lx->p++;
      uint32_t cp = 0;
      int digits = 0;
      while (lx->p < lx->end && *lx->p != '}') {
        int d = hex_digit((unsigned char)*lx->p++);
        if (d < 0 || ++digits > 6)
          syntax_error(lx->file, line, col, "invalid Unicode escape sequence");
        cp = cp * 16 + (uint32_t)d;
      }
      if (lx->p >= lx->end || digits == 0 || cp > 0x10ffff)
        syntax_error(lx->file, line, col, "invalid Unicode escape sequence");
      lx->p++;
      u16_add_code_point(b, cp);
    } else {
      u16_add(b, (uint16_t)read_hex(lx, 4, line, col));
    }
    break;
  case '\r':
    if (lx->p < lx->end && *lx->p == '\n')
      lx->p++;
    newline(lx, lx->p);
    break;
  case '\n':
    newline(lx, lx->p);
    break;
  default:
    lx->p--;
    u16_add_code_point(b, decode_utf8(lx));
  }
}

static void read_string(struct lexer *lx, struct token_info *t) {
  char quote = *lx->p++;
  struct u16buf b = {0};
  for (;;) {
    if (lx->p >= lx->end || *lx->p == '\n')
      syntax_error(lx->file, t->line, t->col, "unterminated string literal");
    char c = *lx->p;
    if (c == quote) {
      lx->p++;
      break;
    }
    if (c == '\\') {
      lx->p++;
      if (lx->p >= lx->end)
        syntax_error(lx->file, t->line, t->col, "unterminated string literal");
      read_escape(lx, &b, lx->line, column(lx, lx->p));
    } else {
      u16_add_code_point(&b, decode_utf8(lx));
    }
  }
  t->type = TOK_STR;
  t->str = b.u;
  t->len = b.len;
}

static bool ident_start(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == '$';
}
static bool ident_part(char c) { return ident_start(c) || (c >= '0' && c <= '9'); }

static void read_number(struct lexer *lx, struct token_info *t) {
  const char *start = lx->p;
  if (*lx->p == '0' && lx->p + 1 < lx->end && (lx->p[1] == 'x' || lx->p[1] == 'X')) {
    lx->p += 2;
    double v = 0;
    if (lx->p >= lx->end || hex_digit((unsigned char)*lx->p) < 0)
      syntax_error(lx->file, t->line, t->col, "invalid hexadecimal number");
    while (lx->p < lx->end && hex_digit((unsigned char)*lx->p) >= 0)
      v = v * 16 + hex_digit((unsigned char)*lx->p++);
    t->num = v;
  } else {
    while (lx->p < lx->end && *lx->p >= '0' && *lx->p <= '9')
      lx->p++;
    if (lx->p < lx->end && *lx->p == '.') {
      lx->p++;
      while (lx->p < lx->end && *lx->p >= '0' && *lx->p <= '9')
        lx->p++;
    }
    if (lx->p < lx->end && (*lx->p == 'e' || *lx->p == 'E')) {
      const char *e = lx->p++;
      if (lx->p < lx->end && (*lx->p == '+' || *lx->p == '-'))
        lx->p++;
      if (lx->p >= lx->end || *lx->p < '0' || *lx->p > '9')
        lx->p = e;
      while (lx->p < lx->end && *lx->p >= '0' && *lx->p <= '9')
        lx->p++;
    }
    char buf[128];
    size_t n = (size_t)(lx->p - start);
    if (n >= sizeof buf)
      syntax_error(lx->file, t->line, t->col, "number literal too long");
    memcpy(buf, start, n);
    buf[n] = 0;
    t->num = strtod(buf, NULL);
  }
  if (lx->p < lx->end && ident_part(*lx->p))
    syntax_error(lx->file, t->line, t->col, "identifier starts immediately after number");
  t->type = TOK_NUM;
}

struct punct {
  const char *text;
  enum token tok;
};

/* Longest first. */
static const struct punct puncts[] = {
    {">>>=", TOK_USHR_ASSIGN}, {"===", TOK_SEQ}, {"!==", TOK_SNE}, {">>>", TOK_USHR},
    {"<<=", TOK_SHL_ASSIGN}, {">>=", TOK_SHR_ASSIGN}, {"==", TOK_EQ}, {"!=", TOK_NE},
    {"<=", TOK_LE}, {">=", TOK_GE}, {"&&", TOK_ANDAND}, {"||", TOK_OROR}, {"++", TOK_INC},
    {"--", TOK_DEC}, {"+=", TOK_PLUS_ASSIGN}, {"-=", TOK_MINUS_ASSIGN},
    {"*=", TOK_STAR_ASSIGN}, {"/=", TOK_SLASH_ASSIGN}, {"%=", TOK_PERCENT_ASSIGN},
    {"&=", TOK_AMP_ASSIGN}, {"|=", TOK_PIPE_ASSIGN}, {"^=", TOK_CARET_ASSIGN},
    {"<<", TOK_SHL}, {">>", TOK_SHR}, {"(", TOK_LPAREN}, {")", TOK_RPAREN},
    {"{", TOK_LBRACE}, {"}", TOK_RBRACE}, {"[", TOK_LBRACKET}, {"]", TOK_RBRACKET},
    {";", TOK_SEMI}, {",", TOK_COMMA}, {".", TOK_DOT}, {"?", TOK_QUESTION},
    {":", TOK_COLON}, {"+", TOK_PLUS}, {"-", TOK_MINUS}, {"*", TOK_STAR},
    {"/", TOK_SLASH}, {"%", TOK_PERCENT}, {"<", TOK_LT}, {">", TOK_GT}, {"!", TOK_NOT},
    {"~", TOK_TILDE}, {"&", TOK_AMP}, {"|", TOK_PIPE}, {"^", TOK_CARET}, {"=", TOK_ASSIGN},
};

void lexer_next(struct lexer *lx, struct token_info *t) {
  t->newline_before = skip_space(lx);
  t->line = lx->line;
  t->col = column(lx, lx->p);
  t->str = NULL;
  t->len = 0;
  if (lx->p >= lx->end) {
    t->type = TOK_EOF;
    return;
  }
  char c = *lx->p;
  if (c == '"' || c == '\'') {
    read_string(lx, t);
    return;
  }
  if ((c >= '0' && c <= '9') ||
      (c == '.' && lx->p + 1 < lx->end && lx->p[1] >= '0' && lx->p[1] <= '9')) {
    read_number(lx, t);
    return;
  }
  if (ident_start(c)) {
    const char *start = lx->p;
    while (lx->p < lx->end && ident_part(*lx->p))
      lx->p++;
    size_t n = (size_t)(lx->p - start);
    for (size_t i = 0; i < sizeof keywords / sizeof keywords[0]; i++) {
      if (strlen(keywords[i].word) == n && memcmp(keywords[i].word, start, n) == 0) {
        t->type = keywords[i].tok;
        break;
      }
      t->type = TOK_IDENT;
    }
    /* keywords may also be property names: keep the text */
    struct u16buf b = {0};
    for (size_t i = 0; i < n; i++)
      u16_add(&b, (uint16_t)start[i]);
    t->str = b.u;
    t->len = n;
    return;
  }
  for (size_t i = 0; i < sizeof puncts / sizeof puncts[0]; i++) {
    size_t n = strlen(puncts[i].text);
    if ((size_t)(lx->end - lx->p) >= n && memcmp(puncts[i].text, lx->p, n) == 0) {
      lx->p += n;
      t->type = puncts[i].tok;
      return;
    }
  }
  if ((unsigned char)c >= 0x80)
    syntax_error(lx->file, t->line, t->col, "unexpected non-ASCII character");
  syntax_error(lx->file, t->line, t->col, "unexpected character '%c'", c);
}
