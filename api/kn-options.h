#ifndef KN_OPTIONS_H
#define KN_OPTIONS_H

/* Runtime options: one interface for every knob, common or collector
 * specific, settable one by one or from a string "key=value,key=value".
 * Parsing is strict: an unknown key, a malformed value or a value out of
 * range fails, and kn_options_error says which key and why.  Sizes accept
 * the suffixes k, m and g (powers of 1024).
 *
 * Common keys (every collector):
 *   heap-size        initial heap size, or the size of a fixed heap
 *   heap-policy      fixed | growable
 *   heap-max-size    limit of a growable heap (0: no limit)
 *   heap-multiplier  a growable heap is resized to live size times this
 *   parallelism      GC threads (collectors that trace in parallel)
 *   stress           collect every N allocations (0: off)
 *   verify           0 | 1: check the heap after every collection
 * Each collector adds its own; kn_options_print_help lists all of them. */

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

struct kn_options;

struct kn_options *kn_options_create(void);
void kn_options_destroy(struct kn_options *opts);

/* Each returns false on error and leaves the options as they were. */
bool kn_options_set(struct kn_options *opts, const char *key, const char *value);
bool kn_options_set_int(struct kn_options *opts, const char *key, int64_t value);
bool kn_options_parse(struct kn_options *opts, const char *spec);
/* Parses the environment variable `name` if it is set; true if unset. */
bool kn_options_parse_env(struct kn_options *opts, const char *name);

/* The message of the last failed call, or "" if none failed. */
const char *kn_options_error(const struct kn_options *opts);

/* The value of an option; false if `key` is unknown.  Sizes and integers
 * are returned as they are, choices as their index, booleans as 0 or 1. */
bool kn_options_get(const struct kn_options *opts, const char *key, double *value);

/* Lists every key with its type, default and range. */
void kn_options_print_help(FILE *out);

/* The collector this library was built with: "semi", "pcc", ... */
const char *kn_collector_name(void);

#endif
