/* Values held only by the interpreter's roots survive a collection forced
 * in the middle of a primitive that allocates.
 *
 * Built once per collector (scheme-roots-NAME).  The heap runs with
 * stress=1 (every allocation collects) and verify=1, so string-append,
 * map and the rest collect while their arguments are live only on the
 * value stack, in globals or in the symbol table.  An event listener
 * proves the collection happened inside the primitive; on a moving
 * collector the test also checks that the objects did move (so a root
 * that was not updated would have been caught). */

#include <stdlib.h>
#include <string.h>

#include "../node.h"
#include "../syntax.h"

static int tap_count, tap_failed;

static void tap(bool ok, const char *what) {
  tap_count++;
  if (!ok)
    tap_failed++;
  printf("%s %d - %s: %s\n", ok ? "ok" : "not ok", tap_count, kn_collector_name(), what);
}

static void tap_skip(const char *what, const char *why) {
  tap_count++;
  printf("ok %d - %s: %s # SKIP %s\n", tap_count, kn_collector_name(), what, why);
}

static void count_collection(void *data, const struct kn_collection_report *report) {
  (void)report;
  (*(unsigned long *)data)++;
}

/* Evaluates every form of `text`; returns the last value (unrooted). */
static value eval_text(struct interp *in, const char *text) {
  struct reader *r = reader_create("roots-test", text, strlen(text));
  struct syntax *form;
  value v = UNSPEC;
  while (reader_next(r, &form) == READ_OK) {
    struct node *code = compile_toplevel(in, form);
    syntax_free(form);
    v = eval_toplevel(in, code);
  }
  reader_destroy(r);
  return v;
}

static bool string_is(value v, const char *text) {
  return is_string(v) && str_of(v)->length == strlen(text) &&
         !memcmp(str_of(v)->bytes, text, strlen(text));
}

static value global(struct interp *in, const char *name) {
  return in->global_values[global_lookup(in, name)];
}

int main(void) {
  struct kn_options *opts = kn_options_create();
  if (!kn_options_parse(opts, "stress=1,verify=1")) {
    printf("1..0 # SKIP options: %s\n", kn_options_error(opts));
    return 1;
  }
  struct interp in;
  memset(&in, 0, sizeof in);
  in.file = "roots-test";
  if (!interp_init(&in, opts)) {
    printf("not ok 1 - cannot create the heap: %s\n1..1\n", kn_options_error(opts));
    return 1;
  }
  kn_options_destroy(opts);
  unsigned long collections = 0;
  struct kn_event_listener listener = {.collection_end = count_collection, .data = &collections};
  kn_heap_set_event_listener(in.heap, &listener);

  /* A string only on the value stack, a list only in a global, a symbol
   * only in the symbol table and a global. */
  size_t s = in.sp;
  push(&in, make_string(&in, "hello, kennel", 13));
  size_t t = in.sp;
  push(&in, make_string(&in, "; bye", 5));
  uintptr_t s_before = (uintptr_t)in.stack[s];
  eval_text(&in, "(define keep (list 1 (vector 'a \"b\" 3) \"tail\"))"
                 "(define sym 'kennel-root-test)");
  uintptr_t keep_before = (uintptr_t)global(&in, "keep");

  /* (string-append s s): the result is allocated while both arguments
   * are live only on the stack. */
  size_t base = in.sp;
  push(&in, global(&in, "string-append"));
  push(&in, in.stack[s]);
  push(&in, in.stack[t]);
  push(&in, in.stack[s]);
  unsigned long before = collections;
  value joined = apply_procedure(&in, base, 3);
  tap(collections > before, "a collection ran inside string-append");
  tap(string_is(joined, "hello, kennel; byehello, kennel"), "string-append's result is right");
  tap(string_is(in.stack[s], "hello, kennel") && string_is(in.stack[t], "; bye"),
      "its arguments, rooted on the value stack, survived");
  if (kn_attr_moves_objects()) {
    tap((uintptr_t)in.stack[s] != s_before, "the argument moved and its root was updated");
    tap((uintptr_t)global(&in, "keep") != keep_before, "a global's object moved and its root was updated");
  } else {
    tap_skip("the argument moved and its root was updated", "this collector does not move objects");
    tap_skip("a global's object moved and its root was updated", "this collector does not move objects");
  }

  value ok = eval_text(&in, "(and (equal? keep (list 1 (vector 'a \"b\" 3) \"tail\"))"
                            "     (eq? sym (string->symbol \"kennel-root-test\")))");
  tap(ok == TRUE_V, "a global list and an interned symbol survived");

  before = collections;
  ok = eval_text(&in, "(define strs (map (lambda (i) (string-append \"x\" (number->string i)))"
                      "                  (list 1 2 3)))"
                      "(define v (list->vector (append strs (vector->list (vector 4 5)))))"
                      "(equal? v (vector \"x1\" \"x2\" \"x3\" 4 5))");
  tap(ok == TRUE_V && collections > before, "map, append, list->vector collect and stay right");

  ok = eval_text(&in, "(define (deep n) (if (= n 0) '() (cons (string-append \"d\" (number->string n))"
                      "                                        (deep (- n 1)))))"
                      "(define d (deep 500))"
                      "(gc)"
                      "(and (= (length d) 500) (equal? (car d) \"d500\") (equal? (list-ref d 499) \"d1\"))");
  tap(ok == TRUE_V, "values held by 500 nested calls survive collections");

  in.sp = 0;
  interp_destroy(&in);
  printf("1..%d\n", tap_count);
  return tap_failed ? 1 : 0;
}
