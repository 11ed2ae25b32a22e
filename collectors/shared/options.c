/* Options: one table of common keys and one of the collector's own, one
 * strict parser for both. */

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "kn-internal.h"

static const char *const heap_policies[] = {"fixed", "growable", NULL};

/* Defaults live here and nowhere else. */
static const struct kn_option_spec common_options[] = {
  {"heap-size", KN_OPT_SIZE, 32.0 * 1024 * 1024, 64.0 * 1024, 1024.0 * 1024 * 1024 * 1024,
   NULL, "initial heap size, or the size of a fixed heap"},
  {"heap-policy", KN_OPT_CHOICE, KN_HEAP_GROWABLE, 0, 1, heap_policies,
   "fixed: never grow; growable: resize after each collection"},
  {"heap-max-size", KN_OPT_SIZE, 0, 0, 1024.0 * 1024 * 1024 * 1024, NULL,
   "limit of a growable heap; 0 means no limit"},
  {"heap-multiplier", KN_OPT_DOUBLE, 2.5, 1.1, 100, NULL,
   "a growable heap is resized to the live size times this"},
  {"parallelism", KN_OPT_INT, 0, 0, 64, NULL,
   "GC threads for collectors that trace in parallel; 0: one per core, at most 8"},
  {"stress", KN_OPT_INT, 0, 0, 1e12, NULL, "collect every N allocations; 0: off"},
  {"verify", KN_OPT_BOOL, 0, 0, 1, NULL, "check the heap after every collection"},
  {NULL, 0, 0, 0, 0, NULL, NULL},
};

#define KN_MAX_OPTIONS 48

struct kn_options {
  double values[KN_MAX_OPTIONS];
  char error[256];
};

/* Options are numbered: the common ones first, then the collector's. */
static const struct kn_option_spec *spec_at(size_t i) {
  size_t n = 0;
  while (common_options[n].name)
    n++;
  if (i < n)
    return &common_options[i];
  i -= n;
  for (size_t j = 0; kn_collector_options[j].name; j++)
    if (j == i)
      return &kn_collector_options[j];
  return NULL;
}

static long find_option(const char *key, size_t keylen) {
  const struct kn_option_spec *spec;
  for (size_t i = 0; (spec = spec_at(i)); i++)
    if (strlen(spec->name) == keylen && !strncmp(spec->name, key, keylen))
      return (long)i;
  return -1;
}

struct kn_options *kn_options_create(void) {
  struct kn_options *opts = calloc(1, sizeof *opts);
  if (!opts)
    return NULL;
  const struct kn_option_spec *spec;
  for (size_t i = 0; (spec = spec_at(i)); i++) {
    if (i >= KN_MAX_OPTIONS)
      kn_fatal("too many options: raise KN_MAX_OPTIONS");
    opts->values[i] = spec->def;
  }
  return opts;
}

void kn_options_destroy(struct kn_options *opts) { free(opts); }

const char *kn_options_error(const struct kn_options *opts) { return opts->error; }

struct kn_options *kn_options_copy(const struct kn_options *opts) {
  struct kn_options *copy = kn_options_create();
  if (copy && opts)
    *copy = *opts;
  return copy;
}

bool kn_options_fail(struct kn_options *opts, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(opts->error, sizeof opts->error, fmt, ap);
  va_end(ap);
  return false;
}

static void list_keys(char *buf, size_t len) {
  const struct kn_option_spec *spec;
  size_t used = 0;
  buf[0] = 0;
  for (size_t i = 0; (spec = spec_at(i)) && used < len; i++)
    used += (size_t)snprintf(buf + used, len - used, "%s%s", i ? ", " : "", spec->name);
}

static bool unknown_key(struct kn_options *opts, const char *key, size_t keylen) {
  char keys[160];
  list_keys(keys, sizeof keys);
  return kn_options_fail(opts, "unknown option '%.*s' for collector %s (valid: %s)", (int)keylen, key,
              kn_collector_id, keys);
}

/* Parses `text` (exactly `len` bytes) as a value of `spec`'s type. */
static bool parse_value(struct kn_options *opts, const struct kn_option_spec *spec,
                        const char *text, size_t len, double *out) {
  char buf[64];
  if (len == 0)
    return kn_options_fail(opts, "option '%s' needs a value", spec->name);
  if (len >= sizeof buf)
    return kn_options_fail(opts, "option '%s': value too long", spec->name);
  memcpy(buf, text, len);
  buf[len] = 0;

  if (spec->type == KN_OPT_CHOICE) {
    for (size_t i = 0; spec->choices[i]; i++)
      if (!strcmp(buf, spec->choices[i])) {
        *out = (double)i;
        return true;
      }
    char valid[96] = "";
    for (size_t i = 0, used = 0; spec->choices[i]; i++)
      used += (size_t)snprintf(valid + used, sizeof valid - used, "%s%s", i ? ", " : "",
                               spec->choices[i]);
    return kn_options_fail(opts, "option '%s': '%s' is not one of: %s", spec->name, buf, valid);
  }
  if (spec->type == KN_OPT_BOOL) {
    if (!strcmp(buf, "1") || !strcmp(buf, "true") || !strcmp(buf, "on") || !strcmp(buf, "yes"))
      return *out = 1, true;
    if (!strcmp(buf, "0") || !strcmp(buf, "false") || !strcmp(buf, "off") || !strcmp(buf, "no"))
      return *out = 0, true;
    return kn_options_fail(opts, "option '%s': '%s' is not a boolean (0, 1, on, off)", spec->name, buf);
  }

  char *end;
  errno = 0;
  double v;
  if (spec->type == KN_OPT_DOUBLE) {
    v = strtod(buf, &end);
  } else {
    if (!isdigit((unsigned char)buf[0]))
      return kn_options_fail(opts, "option '%s': '%s' is not a non-negative integer", spec->name, buf);
    v = (double)strtoull(buf, &end, 10);
  }
  if (end == buf || errno == ERANGE || !isfinite(v))
    return kn_options_fail(opts, "option '%s': '%s' is not a number", spec->name, buf);
  if (spec->type == KN_OPT_SIZE && *end) {
    double unit = 0;
    switch (tolower((unsigned char)*end)) {
    case 'k': unit = 1024.0; break;
    case 'm': unit = 1024.0 * 1024; break;
    case 'g': unit = 1024.0 * 1024 * 1024; break;
    }
    if (unit == 0 || end[1])
      return kn_options_fail(opts, "option '%s': '%s' has a bad size suffix (use k, m or g)",
                  spec->name, buf);
    v *= unit;
    end++;
  }
  if (*end)
    return kn_options_fail(opts, "option '%s': trailing characters in '%s'", spec->name, buf);
  if (v < spec->min || v > spec->max)
    return kn_options_fail(opts, "option '%s': %s is out of range [%.15g, %.15g]", spec->name, buf,
                spec->min, spec->max);
  *out = v;
  return true;
}

static bool set_one(struct kn_options *opts, const char *key, size_t keylen,
                    const char *value, size_t valuelen) {
  long i = find_option(key, keylen);
  if (i < 0)
    return unknown_key(opts, key, keylen);
  double v = 0;
  if (!parse_value(opts, spec_at((size_t)i), value, valuelen, &v))
    return false;
  opts->values[i] = v;
  return true;
}

bool kn_options_set(struct kn_options *opts, const char *key, const char *value) {
  opts->error[0] = 0;
  return set_one(opts, key, strlen(key), value, strlen(value));
}

bool kn_options_set_int(struct kn_options *opts, const char *key, int64_t value) {
  char buf[32];
  snprintf(buf, sizeof buf, "%lld", (long long)value);
  if (value < 0) {
    opts->error[0] = 0;
    long i = find_option(key, strlen(key));
    if (i < 0)
      return unknown_key(opts, key, strlen(key));
    return kn_options_fail(opts, "option '%s': %s is out of range", key, buf);
  }
  return kn_options_set(opts, key, buf);
}

/* "key=value,key=value": all or nothing. */
bool kn_options_parse(struct kn_options *opts, const char *spec) {
  struct kn_options scratch = *opts;
  scratch.error[0] = 0;
  const char *p = spec;
  if (!*p)
    return opts->error[0] = 0, true;
  for (;;) {
    const char *comma = strchr(p, ',');
    size_t len = comma ? (size_t)(comma - p) : strlen(p);
    const char *eq = memchr(p, '=', len);
    if (len == 0) {
      kn_options_fail(&scratch, "empty option in '%s'", spec);
      break;
    }
    if (!eq) {
      kn_options_fail(&scratch, "option '%.*s' has no '=value'", (int)len, p);
      break;
    }
    if (!set_one(&scratch, p, (size_t)(eq - p), eq + 1, len - (size_t)(eq - p) - 1))
      break;
    if (!comma) {
      *opts = scratch;
      return true;
    }
    p = comma + 1;
  }
  memcpy(opts->error, scratch.error, sizeof opts->error);
  return false;
}

bool kn_options_parse_env(struct kn_options *opts, const char *name) {
  const char *spec = getenv(name);
  if (!spec) {
    opts->error[0] = 0;
    return true;
  }
  if (kn_options_parse(opts, spec))
    return true;
  char why[sizeof opts->error];
  memcpy(why, opts->error, sizeof why);
  kn_options_fail(opts, "%s: %s", name, why);
  return false;
}

bool kn_options_get(const struct kn_options *opts, const char *key, double *value) {
  long i = find_option(key, strlen(key));
  if (i < 0)
    return false;
  *value = opts->values[i];
  return true;
}

double kn_option(const struct kn_options *opts, const char *name) {
  double v;
  if (!kn_options_get(opts, name, &v))
    kn_fatal("internal error: no option named '%s'", name);
  return v;
}

static const char *type_name(enum kn_option_type t) {
  switch (t) {
  case KN_OPT_SIZE: return "size";
  case KN_OPT_INT: return "integer";
  case KN_OPT_BOOL: return "boolean";
  case KN_OPT_DOUBLE: return "number";
  case KN_OPT_CHOICE: return "choice";
  }
  return "?";
}

void kn_options_print_help(FILE *out) {
  const struct kn_option_spec *spec;
  fprintf(out, "kennel options for collector %s (key=value,key=value):\n", kn_collector_id);
  for (size_t i = 0; (spec = spec_at(i)); i++) {
    fprintf(out, "  %-22s %-8s ", spec->name, type_name(spec->type));
    if (spec->type == KN_OPT_CHOICE)
      fprintf(out, "default %s", spec->choices[(size_t)spec->def]);
    else
      fprintf(out, "default %.15g, range [%.15g, %.15g]", spec->def, spec->min, spec->max);
    fprintf(out, "\n      %s\n", spec->help);
  }
}

const char *kn_collector_name(void) { return kn_collector_id; }
