#ifndef KN_STACK_H
#define KN_STACK_H

/* Conservative stack scanning, for collectors that cannot rely on precise
 * roots.  A thread's stack runs from its current frame up to a base
 * recorded when its mutator was created; the callee-saved registers are
 * spilled into the scanning frame first, so a reference held only in a
 * register is seen too. */

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

/* Scans a range of words [lo, hi), such as a stopped thread's saved stack. */
void kn_scan_words(uintptr_t lo, uintptr_t hi, void (*visit)(uintptr_t word, void *data),
                   void *data);

#endif
