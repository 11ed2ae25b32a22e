/* Options: defaults, every accepted form, and every bad string we could
 * think of, each rejected with a message that names the problem. */

#include <stdlib.h>
#include <string.h>

#include "kn-test.h"

static double get(struct kn_options *opts, const char *key) {
  double v = -1;
  CHECKF(kn_options_get(opts, key, &v), "no option %s", key);
  return v;
}

static void defaults(void) {
  struct kn_options *opts = kn_options_create();
  CHECK(get(opts, "heap-size") == 32.0 * 1024 * 1024);
  CHECK(get(opts, "heap-policy") == 1); /* growable */
  CHECK(get(opts, "stress") == 0);
  CHECK(get(opts, "verify") == 0);
  CHECK(!strcmp(kn_options_error(opts), ""));
  double v;
  CHECK(!kn_options_get(opts, "no-such-key", &v));
  kn_options_destroy(opts);
}

static void parse_valid(void) {
  struct kn_options *opts = kn_options_create();
  CHECKF(kn_options_parse(opts, "heap-size=64m,heap-policy=fixed,stress=3,verify=on"), "%s",
         kn_options_error(opts));
  CHECK(get(opts, "heap-size") == 64.0 * 1024 * 1024);
  CHECK(get(opts, "heap-policy") == 0);
  CHECK(get(opts, "stress") == 3);
  CHECK(get(opts, "verify") == 1);
  CHECK(kn_options_parse(opts, "heap-size=1g"));
  CHECK(get(opts, "heap-size") == 1024.0 * 1024 * 1024);
  CHECK(kn_options_parse(opts, "heap-size=512K"));
  CHECK(get(opts, "heap-size") == 512.0 * 1024);
  CHECK(kn_options_parse(opts, "heap-size=100000"));
  CHECK(get(opts, "heap-size") == 100000);
  CHECK(kn_options_parse(opts, "heap-multiplier=2.75"));
  CHECK(get(opts, "heap-multiplier") == 2.75);
  CHECK(kn_options_parse(opts, ""));
  CHECK(kn_options_set(opts, "verify", "false"));
  CHECK(get(opts, "verify") == 0);
  CHECK(kn_options_set_int(opts, "stress", 7));
  CHECK(get(opts, "stress") == 7);
  kn_options_destroy(opts);
}

/* Each bad spec must fail, mention `needle`, and change nothing. */
static void expect_bad(const char *spec, const char *needle) {
  struct kn_options *opts = kn_options_create();
  CHECK(kn_options_parse(opts, "stress=5"));
  CHECKF(!kn_options_parse(opts, spec), "'%s' was accepted", spec);
  const char *msg = kn_options_error(opts);
  CHECKF(strstr(msg, needle), "'%s': message '%s' does not mention '%s'", spec, msg, needle);
  CHECKF(get(opts, "stress") == 5, "'%s' changed an option before failing", spec);
  kn_options_destroy(opts);
}

static void parse_bad(void) {
  expect_bad("no-such-option=1", "unknown option 'no-such-option'");
  expect_bad("heap-size", "'heap-size' has no '=value'");
  expect_bad("heap-size=", "'heap-size' needs a value");
  expect_bad("=5", "unknown option ''");
  expect_bad("heap-size=12x", "bad size suffix");
  expect_bad("heap-size=12mb", "bad size suffix");
  expect_bad("heap-size=-5", "heap-size");
  expect_bad("heap-size=abc", "heap-size");
  expect_bad("heap-size=1k", "out of range");
  expect_bad("heap-size=99999999999g", "out of range");
  expect_bad("heap-policy=elastic", "'elastic' is not one of: fixed, growable");
  expect_bad("verify=maybe", "not a boolean");
  expect_bad("stress=1.5", "trailing characters");
  expect_bad("stress=3,verify=2", "not a boolean");
  expect_bad("stress=3,,verify=1", "empty option");
  expect_bad("stress=3,", "empty option");
  expect_bad(",stress=3", "empty option");
  expect_bad("heap-multiplier=0.5", "out of range");
  expect_bad("heap-multiplier=nan", "heap-multiplier");
  expect_bad("parallelism=1000", "out of range");
  expect_bad("stress=99999999999999999999999", "stress");
  expect_bad("heap-size=10m heap-policy=fixed", "heap-size");
}

static void unknown_key_lists_valid(void) {
  struct kn_options *opts = kn_options_create();
  CHECK(!kn_options_set(opts, "hep-size", "1m"));
  const char *msg = kn_options_error(opts);
  CHECKF(strstr(msg, "valid:") && strstr(msg, "heap-size"), "message: %s", msg);
  CHECKF(strstr(msg, kn_collector_name()), "message does not name the collector: %s", msg);
  CHECK(!kn_options_set_int(opts, "stress", -1));
  CHECK(strstr(kn_options_error(opts), "out of range"));
  kn_options_destroy(opts);
}

static void from_environment(void) {
  struct kn_options *opts = kn_options_create();
  unsetenv("KN_TEST_ENV_OPTS");
  CHECK(kn_options_parse_env(opts, "KN_TEST_ENV_OPTS"));
  setenv("KN_TEST_ENV_OPTS", "heap-size=8m,stress=2", 1);
  CHECK(kn_options_parse_env(opts, "KN_TEST_ENV_OPTS"));
  CHECK(get(opts, "heap-size") == 8.0 * 1024 * 1024);
  setenv("KN_TEST_ENV_OPTS", "heap-size=8q", 1);
  CHECK(!kn_options_parse_env(opts, "KN_TEST_ENV_OPTS"));
  CHECKF(strstr(kn_options_error(opts), "KN_TEST_ENV_OPTS"), "message: %s",
         kn_options_error(opts));
  kn_options_destroy(opts);
}

static void help_lists_everything(void) {
  char *buf = NULL;
  size_t len = 0;
  FILE *out = open_memstream(&buf, &len);
  kn_options_print_help(out);
  fclose(out);
  static const char *const keys[] = {"heap-size", "heap-policy", "heap-max-size",
                                     "heap-multiplier", "parallelism", "stress", "verify"};
  for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
    CHECKF(strstr(buf, keys[i]), "help does not list %s", keys[i]);
  free(buf);
}

static void heap_rejects_inconsistent_limits(void) {
  struct kn_options *opts = kn_options_create();
  CHECK(kn_options_parse(opts, "heap-size=8m,heap-max-size=4m"));
  struct kn_heap *heap;
  struct kn_mutator *mut;
  static const struct kn_embedder none = {0};
  CHECK(!kn_heap_create(opts, &none, &heap, &mut));
  CHECKF(strstr(kn_options_error(opts), "trace_object"), "%s", kn_options_error(opts));
  struct kn_embedder some = {.trace_object = (void (*)(void *, unsigned, struct kn_edges *,
                                                       void *))1};
  CHECK(!kn_heap_create(opts, &some, &heap, &mut));
  CHECKF(strstr(kn_options_error(opts), "heap-max-size"), "%s", kn_options_error(opts));
  kn_options_destroy(opts);
}

const struct kn_test_case kn_options_cases[] = {
  {"options/defaults", defaults},
  {"options/parse-valid", parse_valid},
  {"options/parse-bad", parse_bad},
  {"options/unknown-key-lists-valid", unknown_key_lists_valid},
  {"options/from-environment", from_environment},
  {"options/help-lists-everything", help_lists_everything},
  {"options/heap-rejects-inconsistent-limits", heap_rejects_inconsistent_limits},
  {NULL, NULL},
};
