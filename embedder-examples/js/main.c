/* js-NAME: runs a JavaScript program on the kennel collector NAME.
 *
 *   js-NAME [--heap-size=SIZE] [--gc-options=SPEC] [--gc-stats] FILE
 *
 * This file is the embedding: heap options (KENNEL_OPTIONS, then the
 * command line), the trace and roots callbacks, the OOM handler, the
 * statistics at exit, and a thread with a large C stack for the
 * recursive interpreter (deep JavaScript recursion is deep C recursion). */

#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "ast.h"
#include "builtins.h"

struct vm vm;

static const size_t C_STACK_BYTES = (size_t)256 << 20; /* reserved, touched as used */
static const size_t C_STACK_MARGIN = (size_t)4 << 20;
static const size_t VM_STACK_VALUES = (size_t)1 << 26; /* 512 MiB reserved */

static const char DEFAULT_HEAP_MAX[] = "4g";

static bool print_stats;

/* ---- Errors --------------------------------------------------------------- */

void js_exit(int status) {
  fflush(stdout);
  vm.exit_status = status;
  if (vm.on_error)
    longjmp(*vm.on_error, 1);
  exit(status); /* no run in progress: nothing to release */
}

void js_error_at(const struct node *n, const char *kind, const char *fmt, ...) {
  va_list ap;
  fflush(stdout);
  if (n)
    fprintf(stderr, "%s:%d:%d: %s: ", vm.file, n->line, n->col, kind);
  else
    fprintf(stderr, "%s: %s: ", vm.file, kind);
  va_start(ap, fmt);
  vfprintf(stderr, fmt, ap);
  va_end(ap);
  fputc('\n', stderr);
  js_exit(EXIT_JS_ERROR);
}

void js_fatal(const char *fmt, ...) {
  va_list ap;
  fflush(stdout);
  fprintf(stderr, "%s: ", vm.file ? vm.file : "js");
  va_start(ap, fmt);
  vfprintf(stderr, fmt, ap);
  va_end(ap);
  fputc('\n', stderr);
  js_exit(EXIT_JS_ERROR);
}

void vm_stack_overflow(void) {
  js_error_at(vm_current_node, "RangeError", "Maximum call stack size exceeded (VM stack)");
}

bool c_stack_low(void) {
  char here;
  return (uintptr_t)&here < (uintptr_t)vm.stack_limit;
}

void check_c_stack(void) {
  if (c_stack_low())
    js_error_at(vm_current_node, "RangeError", "Maximum call stack size exceeded");
}

/* ---- The embedder callbacks -------------------------------------------------- */

void *vm_alloc(size_t size, unsigned kind, unsigned tag) {
  if (size > KN_MAX_OBJECT_BYTES)
    js_error_at(vm_current_node, "RangeError", "allocation of %zu bytes is too large", size);
  return kn_allocate(vm.mut, size, kind, tag);
}

static void push_values(struct kn_edges *edges, void *obj, size_t n) {
  kn_edges_push_range(edges, (void **)obj, n);
}

static void trace_object(void *obj, unsigned tag, struct kn_edges *edges, void *data) {
  (void)data;
  switch (tag) {
  case TAG_OBJECT:
  case TAG_VALUES:
  case TAG_ENV:
    push_values(edges, obj, kn_object_size(obj) / sizeof(Value));
    break;
  case TAG_ARRAY:
    push_values(edges, obj, 1);
    break;
  case TAG_FUNCTION:
    push_values(edges, obj, FUNCTION_TRACED_FIELDS);
    break;
  case TAG_SHAPE:
    push_values(edges, obj, SHAPE_TRACED_FIELDS);
    break;
  case TAG_DICT:
    push_values(edges, obj, 2);
    break;
  case TAG_ROPE:
    push_values(edges, obj, ROPE_TRACED_FIELDS);
    break;
  default:
    break; /* strings, doubles, bytes: pointerless, never traced */
  }
}

/* The VM's roots: its stack, the globals, the program's literals and the
 * interpreter's own tables.  The collector updates every slot in place. */
static void trace_roots(struct kn_edges *edges, void *data) {
  (void)data;
  kn_edges_push_range(edges, (void **)vm.stack, vm.sp);
  kn_edges_push_range(edges, (void **)vm.globals, vm.nglobals);
  kn_edges_push_range(edges, (void **)vm.consts, vm.nconsts);
  kn_edges_push_range(edges, (void **)vm.atoms, ATOM_COUNT);
  Value *tables[] = {&vm.intern_table, &vm.parse_key_cache, &vm.root_shape, &vm.dict_shape,
                     &vm.array_methods, &vm.string_methods, &vm.char_cache, &vm.retval};
  for (size_t i = 0; i < sizeof tables / sizeof tables[0]; i++)
    kn_edges_push(edges, (void **)tables[i]);
}

static bool out_of_memory(struct kn_heap *heap, size_t request, void *data) {
  (void)heap, (void)data;
  fflush(stdout);
  fprintf(stderr, "%s: out of memory: the heap limit is reached (allocating %zu bytes)\n",
          vm.file, request);
  js_exit(EXIT_OOM); /* kennel allows a handler to longjmp */
}

size_t add_const(Value v) {
  if (vm.nconsts == vm.consts_cap)
    vm.consts = grow_array(vm.consts, sizeof *vm.consts, &vm.consts_cap, vm.nconsts + 1, 256,
                           "for the program's literals");
  vm.consts[vm.nconsts] = v;
  return vm.nconsts++;
}

static void print_gc_stats(void) {
  if (!print_stats || !vm.heap)
    return;
  fflush(stdout);
  struct kn_stats stats;
  kn_heap_get_stats(vm.heap, &stats);
  kn_stats_print(&stats, stderr);
}

/* ---- Start-up ------------------------------------------------------------------- */

struct run {
  struct kn_options *opts;
  const char *file;
  char *src;
  size_t len;
  int status;
};

/* The whole file, or NULL with errno set (the file cannot be opened or
 * read, or there is no memory for it). */
static char *read_file(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  if (!f)
    return NULL;
  size_t cap = 1 << 16, n = 0;
  char *buf = malloc(cap);
  for (size_t got; buf && (got = fread(buf + n, 1, cap - n, f)) > 0;) {
    n += got;
    if (n < cap)
      continue;
    char *bigger = cap <= SIZE_MAX / 2 ? realloc(buf, cap * 2) : NULL;
    if (!bigger) {
      free(buf); /* realloc failed: buf is still ours */
      buf = NULL;
      break;
    }
    buf = bigger;
    cap *= 2;
  }
  int err = !buf ? ENOMEM : ferror(f) ? errno : 0; /* fread's reason */
  fclose(f);
  if (err) {
    free(buf);
    errno = err;
    return NULL;
  }
  *len = n;
  return buf;
}

/* Everything the run holds, whether it finished or an error ended it. */
static void release_run(void) {
  fflush(stdout);
  print_gc_stats();
  kn_heap_destroy(vm.heap);
  cmem_free_all(); /* the syntax tree, the globals, the literals, scratch buffers */
  munmap(vm.stack, VM_STACK_VALUES * sizeof(Value));
  vm = (struct vm){.file = vm.file, .exit_status = vm.exit_status}; /* holds nothing now */
}

static void *interpreter_thread(void *data) {
  struct run *run = data;
  char base;
  vm.stack_limit = (char *)((uintptr_t)&base - (C_STACK_BYTES - C_STACK_MARGIN));
  vm.stack = mmap(NULL, VM_STACK_VALUES * sizeof(Value), PROT_READ | PROT_WRITE,
                  MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (vm.stack == MAP_FAILED) {
    fprintf(stderr, "%s: cannot reserve the VM stack\n", run->file);
    run->status = EXIT_USAGE;
    return NULL;
  }
  vm.stack_cap = VM_STACK_VALUES;
  struct kn_embedder embedder = {.trace_object = trace_object, .trace_roots = trace_roots};
  if (!kn_heap_create(run->opts, &embedder, &vm.heap, &vm.mut)) {
    fprintf(stderr, "%s: cannot create the heap: %s\n", run->file, kn_options_error(run->opts));
    munmap(vm.stack, VM_STACK_VALUES * sizeof(Value));
    run->status = EXIT_USAGE;
    return NULL;
  }
  kn_heap_set_oom_handler(vm.heap, out_of_memory, NULL);
  /* Every error (js_exit) comes back here, after its message. */
  jmp_buf on_error;
  vm.on_error = &on_error;
  if (setjmp(on_error) == 0) {
    objects_init();
    builtins_init();
    vm.program = parse_program(run->file, run->src, run->len);
    resolve_program(vm.program);
    run_program(vm.program);
    vm.exit_status = 0;
  }
  vm.on_error = NULL;
  release_run();
  run->status = vm.exit_status;
  return NULL;
}

static void usage(FILE *out) {
  fprintf(out,
          "usage: js-%s [--heap-size=SIZE] [--gc-options=SPEC] [--gc-stats] FILE\n"
          "  --heap-size=SIZE   initial heap size (suffixes k, m, g)\n"
          "  --gc-options=SPEC  kennel options, key=value,...  (--gc-options=help lists them)\n"
          "  --gc-stats         print the collector's statistics to stderr at exit\n"
          "KENNEL_OPTIONS is read first; the command line overrides it.\n"
          "The heap may grow to heap-max-size=%s unless an option says otherwise.\n",
          kn_collector_name(), DEFAULT_HEAP_MAX);
}

static int usage_error(struct kn_options *opts) {
  kn_options_destroy(opts);
  return EXIT_USAGE;
}

int main(int argc, char **argv) {
  struct run run = {.status = EXIT_JS_ERROR};
  run.opts = kn_options_create();
  /* Like Node's default heap limit: a runaway program ends with an error
   * instead of taking the machine's memory.  Options below may change it. */
  if (!kn_options_set(run.opts, "heap-max-size", DEFAULT_HEAP_MAX)) {
    fprintf(stderr, "js: heap-max-size: %s\n", kn_options_error(run.opts));
    return usage_error(run.opts);
  }
  if (!kn_options_parse_env(run.opts, "KENNEL_OPTIONS")) {
    fprintf(stderr, "js: KENNEL_OPTIONS: %s\n", kn_options_error(run.opts));
    return usage_error(run.opts);
  }
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    if (strncmp(a, "--heap-size=", 12) == 0) {
      if (!kn_options_set(run.opts, "heap-size", a + 12)) {
        fprintf(stderr, "js: --heap-size: %s\n", kn_options_error(run.opts));
        return usage_error(run.opts);
      }
    } else if (strncmp(a, "--gc-options=", 13) == 0) {
      if (strcmp(a + 13, "help") == 0) {
        kn_options_print_help(stdout);
        kn_options_destroy(run.opts);
        return 0;
      }
      if (!kn_options_parse(run.opts, a + 13)) {
        fprintf(stderr, "js: --gc-options: %s\n", kn_options_error(run.opts));
        return usage_error(run.opts);
      }
    } else if (strcmp(a, "--gc-stats") == 0) {
      print_stats = true;
    } else if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
      usage(stdout);
      kn_options_destroy(run.opts);
      return 0;
    } else if (a[0] == '-' && a[1]) {
      fprintf(stderr, "js: unknown option '%s'\n", a);
      usage(stderr);
      return usage_error(run.opts);
    } else if (run.file) {
      fprintf(stderr, "js: more than one program given\n");
      return usage_error(run.opts);
    } else {
      run.file = a;
    }
  }
  if (!run.file) {
    usage(stderr);
    return usage_error(run.opts);
  }
  vm.file = run.file;
  run.src = read_file(run.file, &run.len);
  if (!run.src) {
    fprintf(stderr, "js: cannot read %s: %s\n", run.file, strerror(errno));
    return usage_error(run.opts);
  }
  pthread_attr_t attr;
  pthread_t thread;
  pthread_attr_init(&attr);
  int err = pthread_attr_setstacksize(&attr, C_STACK_BYTES);
  if (!err)
    err = pthread_create(&thread, &attr, interpreter_thread, &run);
  if (err) {
    fprintf(stderr, "js: cannot start the interpreter thread: %s\n", strerror(err));
    return usage_error(run.opts);
  }
  pthread_join(thread, NULL);
  pthread_attr_destroy(&attr);
  kn_options_destroy(run.opts);
  free(run.src);
  return run.status;
}
