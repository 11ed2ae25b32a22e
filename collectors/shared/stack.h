#ifndef KN_STACK_H
#define KN_STACK_H

/* Conservative root scanning, for collectors that cannot rely on precise
 * roots.  A thread's stack runs from its current frame up to a base
 * recorded when its mutator was created; the callee-saved registers are
 * spilled into the scanning frame first, so a reference held only in a
 * register is seen too.  The program's writable data sections (globals,
 * statics, of the executable and every loaded library) can be scanned the
 * same way. */

#include <stddef.h>
#include <stdint.h>

struct kn_stack {
  uintptr_t base;  /* highest address of the thread's stack (stacks grow down) */
};

/* Records the calling thread's stack base (from the thread's attributes,
 * so it covers frames above the caller too). */
void kn_stack_init(struct kn_stack *stack);

/* Calls visit(word, data) for every aligned word from the current stack
 * pointer to the base, registers included.  Must be called on the thread
 * that owns `stack`. */
void kn_stack_scan(const struct kn_stack *stack, void (*visit)(uintptr_t word, void *data),
                   void *data);

/* Zeroes KN_STACK_CLEAR_BYTES of the stack below the caller's frame.  A
 * collector calls it where the mutator enters it, before its own frames
 * exist: those frames then start out zeroed instead of holding what
 * earlier calls left there, so the part of them that the scan covers
 * cannot keep a dead object alive through a stale word. */
#define KN_STACK_CLEAR_BYTES 8192
void kn_stack_clear_below(void);

/* Scans a range of words [lo, hi), such as a stopped thread's saved stack. */
void kn_scan_words(uintptr_t lo, uintptr_t hi, void (*visit)(uintptr_t word, void *data),
                   void *data);

/* Scans every writable loaded segment (.data, .bss) of the executable and
 * of each shared library; returns the number of bytes scanned. */
size_t kn_scan_data_sections(void (*visit)(uintptr_t word, void *data), void *data);

#endif
