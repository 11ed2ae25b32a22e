/* scheme-NAME: runs a Scheme program (scheme-NAME FILE) or a REPL
 * (scheme-NAME alone) on the collector NAME.
 *
 *   --heap-size=SIZE    a fixed heap of SIZE bytes (k, m, g suffixes)
 *   --gc-options=SPEC   any kennel options, "key=value,..." (strict)
 *   --gc-stats          print the collector's statistics to stderr at exit
 *   --gc-help           list the kennel options
 *   --stack-size=SIZE   the interpreter thread's C stack (default 1g),
 *                       which bounds the depth of non-tail recursion
 * KENNEL_OPTIONS is read first; the command line overrides it.
 *
 * Exit status: 0 success, 1 syntax or runtime error, 2 heap exhaustion or
 * a usage error.
 *
 * The interpreter runs on a thread with a big stack so that deep non-tail
 * recursion fits (see eval.c). */

#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "node.h"
#include "syntax.h"

enum {
  STACK_BYTES = 1024u << 20,       /* reserved, touched only as deep as used */
  STACK_MARGIN = 8u << 20,         /* left for the collector and primitives */
  STACK_MIN = 1u << 20,
};

struct run {
  const char *file;       /* NULL: the REPL */
  struct kn_options *opts;
  bool gc_stats;
  size_t stack_bytes;
  int status;
};

static void usage(FILE *out) {
  fputs("usage: scheme [--heap-size=SIZE] [--gc-options=SPEC] [--gc-stats] "
        "[--stack-size=SIZE] [FILE]\n"
        "       scheme --gc-help    (the kennel options SPEC may set)\n"
        "Runs FILE, or a REPL without one.  KENNEL_OPTIONS is read before the options.\n",
        out);
}

static char *read_file(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  if (!f)
    return NULL;
  size_t cap = 65536, n = 0;
  char *text = xmalloc(cap);
  size_t got;
  while ((got = fread(text + n, 1, cap - n, f)) > 0) {
    n += got;
    if (n == cap)
      text = xrealloc(text, cap *= 2);
  }
  bool failed = ferror(f);
  fclose(f);
  if (failed) {
    free(text);
    return NULL;
  }
  *len = n;
  return text;
}

/* Reads, compiles and evaluates each form of `text` in turn. */
static void run_file(struct interp *in, const char *text, size_t len) {
  struct reader *r = reader_create(in->file, text, len);
  for (;;) {
    struct syntax *form;
    enum read_status st = reader_next(r, &form);
    if (st == READ_EOF)
      break;
    if (st != READ_OK) {
      fflush(stdout);
      fprintf(stderr, "%s\n", reader_error(r));
      reader_destroy(r);
      scheme_exit(in, 1);
    }
    struct node *code = compile_toplevel(in, form);
    syntax_free(form);
    eval_toplevel(in, code);
  }
  reader_destroy(r);
}

/* Evaluates the complete forms at the start of text and writes their
 * values; returns how many bytes it consumed (all of them after an error,
 * which drops the rest of the input). */
static size_t repl_chunk(struct interp *in, const char *text, size_t len) {
  jmp_buf on_error;
  struct reader *volatile r = reader_create(in->file, text, len);
  struct syntax *volatile form = NULL;
  volatile size_t consumed = 0;
  in->on_error = &on_error;
  if (setjmp(on_error)) {
    syntax_free(form);
    in->sp = 0;
    consumed = len;
  } else {
    for (;;) {
      struct syntax *f;
      enum read_status st = reader_next(r, &f);
      if (st == READ_INCOMPLETE)
        break;
      if (st == READ_EOF || st == READ_ERROR) {
        if (st == READ_ERROR)
          fprintf(stderr, "%s\n", reader_error(r));
        consumed = len;
        break;
      }
      form = f;
      struct node *code = compile_toplevel(in, f);
      syntax_free(f);
      form = NULL;
      value v = eval_toplevel(in, code);
      consumed = reader_offset(r);
      if (v != UNSPEC) {
        print_value(in, stdout, v, true);
        putchar('\n');
      }
      fflush(stdout);
    }
  }
  in->on_error = NULL;
  reader_destroy(r);
  return consumed;
}

/* The REPL: reads lines until the forms in them are complete, evaluates
 * each and writes its value.  Errors print and return to the prompt. */
static void run_repl(struct interp *in) {
  bool tty = isatty(0);
  char *pending = NULL, *line = NULL;
  size_t npending = 0, linecap = 0;
  in->repl = true;
  for (;;) {
    if (tty) {
      fputs(npending ? "  " : "> ", stdout);
      fflush(stdout);
    }
    ssize_t got = getline(&line, &linecap, stdin);
    if (got < 0)
      break;
    pending = xrealloc(pending, npending + (size_t)got + 1);
    memcpy(pending + npending, line, (size_t)got);
    npending += (size_t)got;
    size_t consumed = repl_chunk(in, pending, npending);
    memmove(pending, pending + consumed, npending - consumed);
    npending -= consumed;
  }
  if (npending) {
    struct reader *r = reader_create(in->file, pending, npending);
    struct syntax *f;
    if (reader_next(r, &f) == READ_INCOMPLETE)
      fprintf(stderr, "%s\n", reader_error(r));
    reader_destroy(r);
  }
  if (tty)
    putchar('\n');
  free(pending);
  free(line);
  in->repl = false;
}

static void *interpret(void *arg) {
  struct run *run = arg;
  struct interp in;
  memset(&in, 0, sizeof in);
  in.file = run->file ? run->file : "<stdin>";
  in.gc_stats = run->gc_stats;

  pthread_attr_t attr;
  void *stack_lo;
  size_t stack_size;
  if (pthread_getattr_np(pthread_self(), &attr) == 0 &&
      pthread_attr_getstack(&attr, &stack_lo, &stack_size) == 0) {
    size_t margin = stack_size > 4 * STACK_MARGIN ? STACK_MARGIN : stack_size / 4;
    in.stack_limit = (char *)stack_lo + margin;
    pthread_attr_destroy(&attr);
  }

  if (!interp_init(&in, run->opts)) {
    fprintf(stderr, "scheme: cannot create the heap: %s\n", kn_options_error(run->opts));
    run->status = 2;
    return NULL;
  }
  if (run->file) {
    size_t len;
    char *text = read_file(run->file, &len);
    if (!text) {
      fprintf(stderr, "scheme: cannot read %s: %s\n", run->file, strerror(errno));
      interp_destroy(&in);
      run->status = 2;
      return NULL;
    }
    run_file(&in, text, len);
    free(text);
  } else {
    run_repl(&in);
  }
  fflush(stdout);
  if (in.gc_stats)
    interp_print_stats(&in, stderr);
  interp_destroy(&in);
  run->status = 0;
  return NULL;
}

/* Runs the interpreter on a thread with a big stack; false if no such
 * thread can be made. */
static bool run_on_big_stack(struct run *run) {
  size_t min = run->stack_bytes < (64u << 20) ? run->stack_bytes : (64u << 20);
  for (size_t size = run->stack_bytes; size >= min; size /= 2) {
    pthread_attr_t attr;
    pthread_t thread;
    pthread_attr_init(&attr);
    int err = pthread_attr_setstacksize(&attr, size);
    if (!err)
      err = pthread_create(&thread, &attr, interpret, run);
    pthread_attr_destroy(&attr);
    if (!err) {
      pthread_join(thread, NULL);
      return true;
    }
  }
  return false;
}

/* SIZE with an optional k, m or g suffix; false if malformed. */
static bool parse_size(const char *text, size_t *out) {
  char *end;
  errno = 0;
  unsigned long long n = strtoull(text, &end, 10);
  if (end == text || errno || text[0] == '-')
    return false;
  unsigned shift = 0;
  if (*end == 'k' || *end == 'K')
    shift = 10, end++;
  else if (*end == 'm' || *end == 'M')
    shift = 20, end++;
  else if (*end == 'g' || *end == 'G')
    shift = 30, end++;
  if (*end || n > (SIZE_MAX >> shift))
    return false;
  *out = (size_t)n << shift;
  return true;
}

static bool starts_with(const char *s, const char *prefix, const char **rest) {
  size_t n = strlen(prefix);
  if (strncmp(s, prefix, n))
    return false;
  *rest = s + n;
  return true;
}

int main(int argc, char **argv) {
  struct run run = {.status = 2, .stack_bytes = STACK_BYTES};
  run.opts = kn_options_create();
  if (!kn_options_parse_env(run.opts, "KENNEL_OPTIONS")) {
    fprintf(stderr, "scheme: %s\n", kn_options_error(run.opts));
    kn_options_destroy(run.opts);
    return 2;
  }
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i], *v;
    bool ok = true;
    if (starts_with(a, "--heap-size=", &v)) {
      ok = kn_options_set(run.opts, "heap-size", v) &&
           kn_options_set(run.opts, "heap-policy", "fixed");
    } else if (starts_with(a, "--gc-options=", &v)) {
      ok = kn_options_parse(run.opts, v);
    } else if (starts_with(a, "--stack-size=", &v)) {
      if (!parse_size(v, &run.stack_bytes) || run.stack_bytes < STACK_MIN) {
        fprintf(stderr, "scheme: %s: expected a size of at least 1m (k, m, g suffixes)\n", a);
        kn_options_destroy(run.opts);
        return 2;
      }
    } else if (!strcmp(a, "--gc-stats")) {
      run.gc_stats = true;
    } else if (!strcmp(a, "--gc-help")) {
      kn_options_print_help(stdout);
      kn_options_destroy(run.opts);
      return 0;
    } else if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
      usage(stdout);
      kn_options_destroy(run.opts);
      return 0;
    } else if (a[0] == '-' && a[1] == '-') {
      fprintf(stderr, "scheme: unknown option '%s'\n", a);
      usage(stderr);
      kn_options_destroy(run.opts);
      return 2;
    } else if (!run.file) {
      run.file = a;
    } else {
      fprintf(stderr, "scheme: more than one program given ('%s' and '%s')\n", run.file, a);
      kn_options_destroy(run.opts);
      return 2;
    }
    if (!ok) {
      fprintf(stderr, "scheme: %s: %s\n", a, kn_options_error(run.opts));
      kn_options_destroy(run.opts);
      return 2;
    }
  }
  if (!run_on_big_stack(&run)) {
    fputs("scheme: cannot create the interpreter thread\n", stderr);
    run.status = 2;
  }
  kn_options_destroy(run.opts);
  return run.status;
}
