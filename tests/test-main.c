/* The harness: runs each test case in a child process and reports TAP. */

#define _GNU_SOURCE
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kn-test.h"

static const struct kn_test_case *const groups[] = {
  kn_options_cases, kn_alloc_cases, kn_roots_cases,
  kn_heap_cases,    kn_stats_cases, kn_graph_cases, kn_collector_cases,
};

enum { SKIP_STATUS = 77 };

void kn_test_fail(const char *file, int line, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  printf("# %s:%d: ", file, line);
  vprintf(fmt, ap);
  printf("\n");
  va_end(ap);
  fflush(stdout);
  _exit(1);
}

void kn_test_skip(const char *reason) {
  printf("# skip: %s\n", reason);
  fflush(stdout);
  _exit(SKIP_STATUS);
}

int kn_test_run_child(void (*fn)(void *), void *arg, char *err, size_t errlen) {
  int pipefd[2];
  if (pipe(pipefd))
    return -1;
  fflush(stdout);
  fflush(stderr);
  pid_t pid = fork();
  if (pid == 0) {
    close(pipefd[0]);
    dup2(pipefd[1], 2);
    fn(arg);
    _exit(0);
  }
  close(pipefd[1]);
  size_t used = 0;
  ssize_t n;
  char sink[256];
  while ((n = read(pipefd[0], used + 1 < errlen ? err + used : sink,
                   used + 1 < errlen ? errlen - used - 1 : sizeof sink)) > 0)
    if (used + 1 < errlen)
      used += (size_t)n;
  close(pipefd[0]);
  if (errlen)
    err[used] = 0;
  int status;
  waitpid(pid, &status, 0);
  return status;
}

uint64_t kn_test_seed(void) {
  const char *s = getenv("KN_TEST_SEED");
  return s ? strtoull(s, NULL, 0) : 20261129;
}

uint64_t kn_test_random(uint64_t *state) {
  /* splitmix64 */
  uint64_t z = (*state += 0x9e3779b97f4a7c15ull);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

struct kn_options *kn_test_options(const char *spec) {
  struct kn_options *opts = kn_options_create();
  CHECK(opts);
  CHECKF(kn_options_parse_env(opts, "KN_TEST_OPTIONS"), "%s", kn_options_error(opts));
  if (spec)
    CHECKF(kn_options_parse(opts, spec), "%s: %s", spec, kn_options_error(opts));
  return opts;
}

static bool selected(const char *name, int argc, char **argv) {
  if (argc < 2)
    return true;
  for (int i = 1; i < argc; i++)
    if (!strncmp(name, argv[i], strlen(argv[i])))
      return true;
  return false;
}

static int run_case(const struct kn_test_case *tc, unsigned number) {
  fflush(stdout);
  pid_t pid = fork();
  if (pid == 0) {
    const char *limit = getenv("KN_TEST_TIMEOUT");
    alarm(limit ? (unsigned)atoi(limit) : 600); /* a hang fails the case, not the suite */
    tc->run();
    fflush(stdout);
    _exit(0);
  }
  int status;
  waitpid(pid, &status, 0);
  const char *collector = kn_collector_name();
  if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
    printf("ok %u - %s: %s\n", number, collector, tc->name);
    return 0;
  }
  if (WIFEXITED(status) && WEXITSTATUS(status) == SKIP_STATUS) {
    printf("ok %u - %s: %s # SKIP see the reason above\n", number, collector, tc->name);
    return 0;
  }
  if (WIFSIGNALED(status))
    printf("# killed by signal %d\n", WTERMSIG(status));
  printf("not ok %u - %s: %s\n", number, collector, tc->name);
  return 1;
}

int main(int argc, char **argv) {
  size_t ngroups = sizeof groups / sizeof groups[0];
  if (argc == 2 && !strcmp(argv[1], "-l")) {
    for (size_t g = 0; g < ngroups; g++)
      for (const struct kn_test_case *tc = groups[g]; tc->name; tc++)
        printf("%s\n", tc->name);
    return 0;
  }
  unsigned planned = 0;
  for (size_t g = 0; g < ngroups; g++)
    for (const struct kn_test_case *tc = groups[g]; tc->name; tc++)
      planned += selected(tc->name, argc, argv);
  printf("1..%u\n# collector %s, seed %llu\n", planned, kn_collector_name(),
         (unsigned long long)kn_test_seed());
  unsigned number = 0, failed = 0;
  for (size_t g = 0; g < ngroups; g++)
    for (const struct kn_test_case *tc = groups[g]; tc->name; tc++)
      if (selected(tc->name, argc, argv))
        failed += (unsigned)run_case(tc, ++number);
  return failed ? 1 : 0;
}
