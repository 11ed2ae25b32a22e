/* Conservative stack and data-section scanning. */

#define _GNU_SOURCE
#include <link.h>
#include <pthread.h>
#include <setjmp.h>

#include "kn-internal.h"
#include "stack.h"

#if defined(__has_include)
#if __has_include(<valgrind/memcheck.h>)
#include <valgrind/memcheck.h>
#define KN_HAVE_MEMCHECK 1
#endif
#endif

/* A stack word may be uninitialised (padding, dead slots): that is
 * expected of a conservative scan, so under valgrind the copy the visitor
 * sees is declared defined.  The stack itself keeps its state, so the
 * embedder's own uninitialised reads are still reported.  (A no-op outside
 * valgrind.) */
static inline uintptr_t defined_copy(uintptr_t word) {
#ifdef KN_HAVE_MEMCHECK
  VALGRIND_MAKE_MEM_DEFINED(&word, sizeof word);
#endif
  return word;
}

void kn_stack_init(struct kn_stack *stack) {
  pthread_attr_t attr;
  void *addr;
  size_t size;
  if (pthread_getattr_np(pthread_self(), &attr) == 0 &&
      pthread_attr_getstack(&attr, &addr, &size) == 0) {
    stack->base = (uintptr_t)addr + size;
    pthread_attr_destroy(&attr);
    return;
  }
  /* Fall back to this frame: references held above it are not seen. */
  stack->base = (uintptr_t)__builtin_frame_address(0);
}

/* Reads each word without telling the sanitizers: a conservative scan
 * reads memory that is not an object, by design. */
__attribute__((no_sanitize_address, noinline)) void
kn_scan_words(uintptr_t lo, uintptr_t hi, void (*visit)(uintptr_t word, void *data),
              void *data) {
  lo = (lo + sizeof(uintptr_t) - 1) & ~(uintptr_t)(sizeof(uintptr_t) - 1);
  for (uintptr_t p = lo; p + sizeof(uintptr_t) <= hi; p += sizeof(uintptr_t))
    visit(defined_copy(*(volatile uintptr_t *)p), data);
}

/* The scan runs in a frame below the one that spilled the registers. */
__attribute__((noinline)) static void scan_from_here(const struct kn_stack *stack,
                                                     void (*visit)(uintptr_t, void *),
                                                     void *data) {
  uintptr_t here = (uintptr_t)__builtin_frame_address(0);
  kn_scan_words(here, stack->base, visit, data);
}

__attribute__((noinline)) void kn_stack_scan(const struct kn_stack *stack,
                                             void (*visit)(uintptr_t word, void *data),
                                             void *data) {
  /* __builtin_unwind_init makes the compiler save every callee-saved
   * register in this frame, which lies inside the range scanned below.
   * setjmp alone is not enough: glibc stores some registers (rbp on
   * x86-64) mangled, and a reference held there would be missed. */
  __builtin_unwind_init();
  jmp_buf registers;
  if (setjmp(registers) == 0)
    scan_from_here(stack, visit, data);
  __asm__ volatile("" : : "r"(&registers) : "memory");
}

/* Not instrumented: under AddressSanitizer the array would be surrounded
 * by redzones and the zeroes would not land where the next frames go. */
__attribute__((noinline, no_sanitize_address)) void kn_stack_clear_below(void) {
  volatile uintptr_t area[KN_STACK_CLEAR_BYTES / sizeof(uintptr_t)];
  for (size_t i = 0; i < sizeof area / sizeof area[0]; i++)
    area[i] = 0;
}

struct data_scan {
  void (*visit)(uintptr_t word, void *data);
  void *data;
  size_t bytes;
};

static int scan_object_segments(struct dl_phdr_info *info, size_t size, void *arg) {
  (void)size;
  struct data_scan *s = arg;
  for (size_t i = 0; i < info->dlpi_phnum; i++) {
    const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
    if (ph->p_type != PT_LOAD || !(ph->p_flags & PF_W))
      continue;
    uintptr_t lo = info->dlpi_addr + ph->p_vaddr;
    kn_scan_words(lo, lo + ph->p_memsz, s->visit, s->data);
    s->bytes += ph->p_memsz;
  }
  return 0;
}

size_t kn_scan_data_sections(void (*visit)(uintptr_t word, void *data), void *data) {
  struct data_scan s = {.visit = visit, .data = data};
  dl_iterate_phdr(scan_object_segments, &s);
  return s.bytes;
}
