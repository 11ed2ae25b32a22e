#ifndef KENNEL_H
#define KENNEL_H

/* kennel: garbage collectors for C programs that host managed languages.
 * Include this one header; build with `pkg-config --cflags --libs kennel`.
 * doc/manual.md explains each part. */

#include "kn-object.h"
#include "kn-edges.h"
#include "kn-options.h"
#include "kn-stats.h"
#include "kn-heap.h"
#include "kn-attrs.h"
#include "kn-inline.h"

#endif
