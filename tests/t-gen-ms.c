/* gen-ms only: filled below. */

#include "test-embedder.h"

const struct kn_test_case kn_collector_cases[] = {
  {NULL, NULL},
};
