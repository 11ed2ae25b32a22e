#ifndef KN_TEST_H
#define KN_TEST_H

/* The test suite's harness.  One binary per collector (tests/kntest-NAME)
 * holds every test case; each case runs in a child process of its own, so a
 * crash is one failed case, and the binary speaks TAP:
 *
 *   tests/kntest-semi            run every case
 *   tests/kntest-semi -l         list the cases
 *   tests/kntest-semi NAME...    run the named cases (or prefixes: "roots/")
 *   KN_TEST_SEED=N               seed of the randomized tests
 *   KN_TEST_OPTIONS=SPEC         extra kennel options for every heap */

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "kennel.h"

/* A test binary built with -DKN_TEST_OPTIMIZE_O0 compiles its tests
 * unoptimized whatever CFLAGS say (they come last on the command line):
 * conservative collectors are tested with locals in stack slots as well as
 * in registers. */
#ifdef KN_TEST_OPTIMIZE_O0
#if defined(__clang__)
#pragma clang optimize off
#elif defined(__GNUC__)
#pragma GCC optimize("O0")
#endif
#endif

struct kn_test_case {
  const char *name;
  void (*run)(void);
};

/* Fails the current case: prints the message as a TAP diagnostic and exits. */
void kn_test_fail(const char *file, int line, const char *fmt, ...)
    __attribute__((noreturn, format(printf, 3, 4)));

/* A macro, not a function, because it reports the caller's file and line. */
#define CHECK(cond)                                                             \
  do {                                                                          \
    if (!(cond))                                                                \
      kn_test_fail(__FILE__, __LINE__, "check failed: %s", #cond);              \
  } while (0)
#define CHECKF(cond, ...)                                                       \
  do {                                                                          \
    if (!(cond))                                                                \
      kn_test_fail(__FILE__, __LINE__, __VA_ARGS__);                            \
  } while (0)

/* Marks the current case as skipped, with a reason, and exits. */
void kn_test_skip(const char *reason) __attribute__((noreturn));

/* Runs fn(arg) in a child process with stderr captured.  Returns the raw
 * wait status; the captured stderr (NUL-terminated, truncated) goes to
 * `err`. */
int kn_test_run_child(void (*fn)(void *), void *arg, char *err, size_t errlen);

/* The seed of randomized tests. */
uint64_t kn_test_seed(void);
uint64_t kn_test_random(uint64_t *state);

/* Options for a test heap: `spec` (may be NULL) over KN_TEST_OPTIONS. */
struct kn_options *kn_test_options(const char *spec);

/* Test cases, grouped by file. */
extern const struct kn_test_case kn_options_cases[];
extern const struct kn_test_case kn_alloc_cases[];
extern const struct kn_test_case kn_roots_cases[];
extern const struct kn_test_case kn_heap_cases[];
extern const struct kn_test_case kn_stats_cases[];
extern const struct kn_test_case kn_graph_cases[];
/* Cases for one collector only, in tests/t-NAME.c, linked into kntest-NAME. */
extern const struct kn_test_case kn_collector_cases[];

#endif
