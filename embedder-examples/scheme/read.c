/* The reader: source text to syntax trees.  A datum that the text ends
 * inside is READ_INCOMPLETE (the REPL reads another line); anything else
 * malformed is READ_ERROR with a message that names the line and column. */

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "scheme.h"
#include "syntax.h"

struct reader {
  const char *file;
  const char *text;
  size_t len, pos;
  int line, col;
  char error[512];
  bool incomplete;
  /* Lists being read: freed if reading fails before they are complete. */
  struct syntax **pending;
  size_t npending, pending_capacity;
};

/* Thrown out of the recursive descent on an error. */
struct read_failure {
  jmp_buf jump;
};

struct reader *reader_create(const char *file, const char *text, size_t len) {
  struct reader *r = xmalloc(sizeof *r);
  memset(r, 0, sizeof *r);
  r->file = file;
  r->text = text;
  r->len = len;
  r->line = 1;
  r->col = 1;
  return r;
}

void reader_destroy(struct reader *r) {
  free(r->pending);
  free(r);
}

static struct syntax *pending_push(struct reader *r, struct syntax *s) {
  if (r->npending == r->pending_capacity) {
    r->pending_capacity = r->pending_capacity ? 2 * r->pending_capacity : 16;
    r->pending = xrealloc(r->pending, r->pending_capacity * sizeof *r->pending);
  }
  r->pending[r->npending++] = s;
  return s;
}

static struct syntax *pending_pop(struct reader *r) { return r->pending[--r->npending]; }
const char *reader_error(const struct reader *r) { return r->error; }
size_t reader_offset(const struct reader *r) { return r->pos; }

/* ---- Syntax trees ------------------------------------------------------- */

struct syntax *sx_new(enum sx_kind kind, int line, int col) {
  struct syntax *s = xmalloc(sizeof *s);
  memset(s, 0, sizeof *s);
  s->kind = kind;
  s->line = line;
  s->col = col;
  return s;
}

struct syntax *sx_symbol(const char *name, int line, int col) {
  struct syntax *s = sx_new(SX_SYMBOL, line, col);
  s->length = strlen(name);
  s->text = xmalloc(s->length + 1);
  memcpy(s->text, name, s->length + 1);
  return s;
}

void sx_append(struct syntax *list, struct syntax *item) {
  if ((list->count & (list->count - 1)) == 0) /* 0, 1, 2, 4, ...: grow */
    list->items = xrealloc(list->items, (list->count ? 2 * list->count : 1) * sizeof *list->items);
  list->items[list->count++] = item;
}

void syntax_free(struct syntax *s) {
  if (!s)
    return;
  for (size_t i = 0; i < s->count; i++)
    syntax_free(s->items[i]);
  syntax_free(s->tail);
  free(s->items);
  free(s->text);
  free(s);
}

/* ---- Characters ------------------------------------------------------------ */

static int peek(struct reader *r) { return r->pos < r->len ? (unsigned char)r->text[r->pos] : -1; }

static int next(struct reader *r) {
  int c = peek(r);
  if (c < 0)
    return c;
  r->pos++;
  if (c == '\n') {
    r->line++;
    r->col = 1;
  } else {
    r->col++;
  }
  return c;
}

static void fail_at(struct reader *r, struct read_failure *f, int line, int col,
                    const char *fmt, ...) __attribute__((noreturn, format(printf, 5, 6)));
static void fail_at(struct reader *r, struct read_failure *f, int line, int col,
                    const char *fmt, ...) {
  char msg[300];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  snprintf(r->error, sizeof r->error, "%s:%d:%d: syntax error: %s", r->file, line, col, msg);
  longjmp(f->jump, 1);
}

/* The text ended inside a datum opened at line:col. */
static void fail_incomplete(struct reader *r, struct read_failure *f, int line, int col,
                            const char *what) __attribute__((noreturn));
static void fail_incomplete(struct reader *r, struct read_failure *f, int line, int col,
                            const char *what) {
  r->incomplete = true;
  fail_at(r, f, line, col, "%s", what);
}

static bool is_delimiter(int c) {
  return c < 0 || c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '(' ||
         c == ')' || c == '[' || c == ']' || c == '"' || c == ';' || c == '\'';
}

/* Skips whitespace and comments: ; to end of line, #| nested |#, #;datum. */
static struct syntax *read_datum(struct reader *r, struct read_failure *f);

static void skip_atmosphere(struct reader *r, struct read_failure *f) {
  for (;;) {
    int c = peek(r);
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f') {
      next(r);
    } else if (c == ';') {
      while (peek(r) >= 0 && peek(r) != '\n')
        next(r);
    } else if (c == '#' && r->pos + 1 < r->len && r->text[r->pos + 1] == '|') {
      int line = r->line, col = r->col, depth = 1;
      next(r), next(r);
      while (depth > 0) {
        c = next(r);
        if (c < 0)
          fail_incomplete(r, f, line, col, "unterminated block comment '#|'");
        if (c == '|' && peek(r) == '#')
          next(r), depth--;
        else if (c == '#' && peek(r) == '|')
          next(r), depth++;
      }
    } else if (c == '#' && r->pos + 1 < r->len && r->text[r->pos + 1] == ';') {
      next(r), next(r);
      syntax_free(read_datum(r, f));
    } else {
      return;
    }
  }
}

/* ---- Atoms ------------------------------------------------------------------- */

/* The token from the current position to the next delimiter. */
static size_t read_token(struct reader *r, char *buf, size_t cap) {
  size_t n = 0;
  while (!is_delimiter(peek(r))) {
    int c = next(r);
    if (n + 1 < cap)
      buf[n] = (char)c;
    n++;
  }
  buf[n < cap ? n : cap - 1] = 0;
  return n;
}

static bool parse_integer(const char *s, int64_t *out, bool *overflow) {
  const char *p = s;
  bool neg = false;
  if (*p == '+' || *p == '-')
    neg = *p++ == '-';
  if (!*p)
    return false;
  uint64_t v = 0;
  *overflow = false;
  for (; *p; p++) {
    if (*p < '0' || *p > '9')
      return false;
    v = v * 10 + (uint64_t)(*p - '0');
    if (v > (uint64_t)FIXNUM_MAX + 1)
      *overflow = true, v = (uint64_t)FIXNUM_MAX + 1;
  }
  if (!neg && v > (uint64_t)FIXNUM_MAX)
    *overflow = true;
  *out = neg ? -(int64_t)(v - 1) - 1 : (int64_t)v;
  if (neg && v == 0)
    *out = 0;
  return true;
}

static bool looks_numeric(const char *s) {
  if (*s == '+' || *s == '-' || *s == '.')
    s++;
  return *s >= '0' && *s <= '9';
}

static struct syntax *read_atom(struct reader *r, struct read_failure *f) {
  int line = r->line, col = r->col;
  char buf[1024];
  size_t n = read_token(r, buf, sizeof buf);
  if (n >= sizeof buf)
    fail_at(r, f, line, col, "token too long");
  int64_t num;
  bool overflow;
  if (parse_integer(buf, &num, &overflow)) {
    if (overflow)
      fail_at(r, f, line, col, "integer '%s' is too large (fixnums only: 63 bits)", buf);
    struct syntax *s = sx_new(SX_FIXNUM, line, col);
    s->fixnum = num;
    return s;
  }
  if (looks_numeric(buf))
    fail_at(r, f, line, col, "bad number '%s' (only integers are supported)", buf);
  if (!strcmp(buf, "."))
    fail_at(r, f, line, col, "unexpected '.'");
  for (size_t i = 0; i < n; i++) {
    unsigned char c = (unsigned char)buf[i];
    if (c < 32 || c == 127 || c == '|' || c == '`' || c == ',')
      fail_at(r, f, line, col + (int)i, "bad character '%s' in symbol",
              c == '|' ? "|" : c == '`' ? "`" : c == ',' ? "," : "\\x..");
  }
  return sx_symbol(buf, line, col);
}

static const struct { const char *name; int code; } char_names[] = {
  {"space", ' '}, {"newline", '\n'}, {"tab", '\t'}, {"nul", 0}, {"null", 0},
  {"alarm", 7}, {"backspace", 8}, {"delete", 127}, {"escape", 27}, {"esc", 27},
  {"return", '\r'}, {"linefeed", '\n'}, {"page", 12}, {"vtab", 11}, {NULL, 0},
};

static struct syntax *read_char(struct reader *r, struct read_failure *f, int line, int col) {
  char buf[64];
  int c = next(r); /* the character after #\ is taken even if a delimiter */
  if (c < 0)
    fail_incomplete(r, f, line, col, "end of input in character literal '#\\'");
  buf[0] = (char)c;
  size_t n = 1 + read_token(r, buf + 1, sizeof buf - 1);
  struct syntax *s = sx_new(SX_CHAR, line, col);
  if (n == 1) {
    s->fixnum = (unsigned char)buf[0];
    return s;
  }
  for (int i = 0; char_names[i].name; i++)
    if (!strcmp(buf, char_names[i].name)) {
      s->fixnum = char_names[i].code;
      return s;
    }
  if (buf[0] == 'x' && n > 1 && n < 8) {
    char *end;
    long code = strtol(buf + 1, &end, 16);
    if (!*end && code >= 0 && code < 256) {
      s->fixnum = code;
      return s;
    }
  }
  free(s);
  fail_at(r, f, line, col, "unknown character name '#\\%s'", buf);
}

static struct syntax *read_string(struct reader *r, struct read_failure *f) {
  int line = r->line, col = r->col;
  next(r); /* " */
  size_t cap = 32, n = 0;
  char *buf = xmalloc(cap);
  for (;;) {
    int c = next(r);
    if (c < 0) {
      free(buf);
      fail_incomplete(r, f, line, col, "unterminated string");
    }
    if (c == '"')
      break;
    if (c == '\\') {
      int eline = r->line, ecol = r->col - 1;
      c = next(r);
      switch (c) {
      case 'n': c = '\n'; break;
      case 't': c = '\t'; break;
      case 'r': c = '\r'; break;
      case 'a': c = 7; break;
      case 'b': c = 8; break;
      case '0': c = 0; break;
      case '\\': case '"': break;
      case 'x': {  /* as Guile: exactly two hex digits */
        int code = 0;
        for (int k = 0; k < 2; k++) {
          int d = next(r);
          int v = d >= '0' && d <= '9' ? d - '0' : d >= 'a' && d <= 'f' ? d - 'a' + 10
                  : d >= 'A' && d <= 'F' ? d - 'A' + 10 : -1;
          if (v < 0) {
            free(buf);
            fail_at(r, f, eline, ecol, "bad \\x escape in string (use \\xHH)");
          }
          code = code * 16 + v;
        }
        c = code;
        break;
      }
      case '\n':
        while (peek(r) == ' ' || peek(r) == '\t')
          next(r);
        continue;
      case -1:
        free(buf);
        fail_incomplete(r, f, line, col, "unterminated string");
      default:
        free(buf);
        fail_at(r, f, eline, ecol, "unknown escape '\\%c' in string", c);
      }
    }
    if (n + 1 >= cap)
      buf = xrealloc(buf, cap *= 2);
    buf[n++] = (char)c;
  }
  buf[n] = 0;
  struct syntax *s = sx_new(SX_STRING, line, col);
  s->text = buf;
  s->length = n;
  return s;
}

/* ---- Lists, vectors, quote --------------------------------------------------- */

static struct syntax *read_sequence(struct reader *r, struct read_failure *f,
                                    struct syntax *s, int close, bool dotted_ok) {
  pending_push(r, s);
  int line = s->line, col = s->col;
  for (;;) {
    skip_atmosphere(r, f);
    int c = peek(r);
    if (c < 0) {
      fail_incomplete(r, f, line, col, close == ')' ? "missing ')': the list opened here is never closed"
                                                    : "missing ']': the list opened here is never closed");
    }
    if (c == ')' || c == ']') {
      if (c != close) {
        int eline = r->line, ecol = r->col;
          fail_at(r, f, eline, ecol, "'%c' closes the list opened at line %d column %d with '%c'",
                c, line, col, close == ')' ? '(' : '[');
      }
      next(r);
      return pending_pop(r);
    }
    if (c == '.' && is_delimiter(r->pos + 1 < r->len ? (unsigned char)r->text[r->pos + 1] : -1)) {
      int dline = r->line, dcol = r->col;
      if (!dotted_ok || s->count == 0) {
          fail_at(r, f, dline, dcol, "unexpected '.'");
      }
      next(r);
      skip_atmosphere(r, f);
      if (peek(r) == ')' || peek(r) == ']' || peek(r) < 0) {
        if (peek(r) < 0) {
              fail_incomplete(r, f, line, col, "missing ')': the list opened here is never closed");
        }
          fail_at(r, f, dline, dcol, "nothing after '.' in a dotted list");
      }
      s->tail = read_datum(r, f);
      skip_atmosphere(r, f);
      if (peek(r) != close) {
        if (peek(r) < 0) {
              fail_incomplete(r, f, line, col, "missing ')': the list opened here is never closed");
        }
        int eline = r->line, ecol = r->col;
          fail_at(r, f, eline, ecol, "more than one datum after '.' in a dotted list");
      }
      next(r);
      return pending_pop(r);
    }
    struct syntax *item = read_datum(r, f);
    sx_append(s, item);
  }
}

static struct syntax *read_datum(struct reader *r, struct read_failure *f) {
  skip_atmosphere(r, f);
  int line = r->line, col = r->col;
  int c = peek(r);
  if (c < 0)
    fail_incomplete(r, f, line, col, "end of input where a datum was expected");
  if (c == '(' || c == '[') {
    next(r);
    return read_sequence(r, f, sx_new(SX_LIST, line, col), c == '(' ? ')' : ']', true);
  }
  if (c == ')' || c == ']')
    fail_at(r, f, line, col, "unexpected '%c' with no list open", c);
  if (c == '\'') {
    next(r);
    struct syntax *s = pending_push(r, sx_new(SX_LIST, line, col));
    sx_append(s, sx_symbol("quote", line, col));
    skip_atmosphere(r, f);
    if (peek(r) < 0) {
      fail_incomplete(r, f, line, col, "end of input after quote");
    }
    sx_append(s, read_datum(r, f));
    return pending_pop(r);
  }
  if (c == '"')
    return read_string(r, f);
  if (c == '`' || c == ',')
    fail_at(r, f, line, col, "quasiquote ('%c') is not supported", c);
  if (c == '#') {
    next(r);
    int d = peek(r);
    if (d == '(') {
      next(r);
      return read_sequence(r, f, sx_new(SX_VECTOR, line, col), ')', false);
    }
    if (d == '\\') {
      next(r);
      return read_char(r, f, line, col);
    }
    char buf[64];
    read_token(r, buf, sizeof buf);
    if (!strcmp(buf, "t") || !strcmp(buf, "true") || !strcmp(buf, "f") || !strcmp(buf, "false")) {
      struct syntax *s = sx_new(SX_BOOL, line, col);
      s->fixnum = buf[0] == 't';
      return s;
    }
    fail_at(r, f, line, col, "bad token '#%s'", buf);
  }
  if (c < 32 || c == 127)
    fail_at(r, f, line, col, "bad character (byte 0x%02x) in source", c);
  return read_atom(r, f);
}

enum read_status reader_next(struct reader *r, struct syntax **out) {
  struct read_failure f;
  r->incomplete = false;
  r->error[0] = 0;
  r->npending = 0;
  if (setjmp(f.jump)) {
    while (r->npending)
      syntax_free(pending_pop(r));
    return r->incomplete ? READ_INCOMPLETE : READ_ERROR;
  }
  skip_atmosphere(r, &f);
  if (peek(r) < 0)
    return READ_EOF;
  *out = read_datum(r, &f);
  return READ_OK;
}
