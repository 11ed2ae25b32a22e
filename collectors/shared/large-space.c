/* The large-object space.  Each object is one anonymous mapping:
 *
 *   [ collector's reserve | struct kn_large_object | padding | kn header | payload ... ]
 *
 * The mapping starts page aligned (or aligned as kn_large_space_init_aligned
 * asks); the reserve is empty unless the collector asked for one; the header sits just before the payload,
 * as for every kennel object.  A hash index of payload addresses answers
 * "is this a large object?" for the verifier and conservative scanners. */

#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "kn-internal.h"
#include "large-space.h"

struct kn_large_object {
  struct kn_large_object *prev, *next;
  size_t mapped;
  unsigned char mark;
};

/* Payload offset from the mapping start: prefix, then the header, keeping
 * the payload granule aligned. */
#define KN_LARGE_PAYLOAD_OFFSET 64u
_Static_assert(sizeof(struct kn_large_object) + KN_HEADER_BYTES <= KN_LARGE_PAYLOAD_OFFSET,
               "large-object prefix does not fit before the header");

static struct kn_large_object *prefix_of(const void *obj) {
  return (struct kn_large_object *)((uintptr_t)obj - KN_LARGE_PAYLOAD_OFFSET);
}

static size_t page_size(void) { return (size_t)sysconf(_SC_PAGESIZE); }

size_t kn_large_space_cost(size_t size) {
  size_t page = page_size();
  return (KN_LARGE_PAYLOAD_OFFSET + size + page - 1) & ~(page - 1);
}

size_t kn_large_space_object_cost(const struct kn_large_space *ls, size_t size) {
  return kn_large_space_cost(ls->reserve + size);
}

void kn_large_space_init(struct kn_large_space *ls) { memset(ls, 0, sizeof *ls); }

void kn_large_space_init_aligned(struct kn_large_space *ls, size_t align, size_t reserve) {
  memset(ls, 0, sizeof *ls);
  if (align & (align - 1) || reserve + KN_LARGE_PAYLOAD_OFFSET >= align)
    kn_fatal("large-object space: bad alignment %zu for a reserve of %zu bytes", align,
             reserve);
  ls->align = align;
  ls->reserve = reserve;
}

/* Maps `bytes` zeroed bytes aligned to `align` (0: a system page). */
static void *map_aligned(size_t bytes, size_t align) {
  if (align <= page_size()) {
    void *mem = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    return mem == MAP_FAILED ? NULL : mem;
  }
  char *mem = mmap(NULL, bytes + align, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
                   -1, 0);
  if (mem == MAP_FAILED)
    return NULL;
  char *start = (char *)(((uintptr_t)mem + align - 1) & ~(uintptr_t)(align - 1));
  if (start > mem)
    munmap(mem, (size_t)(start - mem));
  size_t tail = (size_t)(mem + bytes + align - (start + bytes));
  if (tail)
    munmap(start + bytes, tail);
  return start;
}

static void *mapping_of(const struct kn_large_space *ls, struct kn_large_object *lo) {
  return (char *)lo - ls->reserve;
}

/* ---- Index ------------------------------------------------------------- */

#define TOMBSTONE ((uintptr_t)1)

/* The high half is folded in: the index takes the low bits, and aligned
 * mappings (kn_large_space_init_aligned) share theirs. */
static size_t slot_of(uintptr_t p) {
  uint64_t h = (uint64_t)(p >> 12) * 0x9e3779b97f4a7c15ull;
  return (size_t)(h ^ (h >> 32));
}

static void index_put(struct kn_large_space *ls, uintptr_t p);

static void index_rebuild(struct kn_large_space *ls, size_t size) {
  uintptr_t *old = ls->index;
  size_t old_size = old ? ls->index_mask + 1 : 0;
  ls->index = calloc(size, sizeof *ls->index);
  if (!ls->index)
    kn_fatal("large-object space: out of memory for its index");
  ls->index_mask = size - 1;
  ls->index_count = ls->index_tombstones = 0;
  for (size_t i = 0; i < old_size; i++)
    if (old[i] > TOMBSTONE)
      index_put(ls, old[i]);
  free(old);
}

/* A table a quarter full after a rebuild. */
static size_t index_size_for(size_t count) {
  size_t size = 64;
  while (size < 4 * (count + 1))
    size *= 2;
  return size;
}

static void index_put(struct kn_large_space *ls, uintptr_t p) {
  if (!ls->index || 2 * (ls->index_count + ls->index_tombstones + 1) > ls->index_mask + 1)
    index_rebuild(ls, index_size_for(ls->index_count));
  size_t i = slot_of(p) & ls->index_mask;
  while (ls->index[i] > TOMBSTONE)
    i = (i + 1) & ls->index_mask;
  if (ls->index[i] == TOMBSTONE)
    ls->index_tombstones--;
  ls->index[i] = p;
  ls->index_count++;
}

static size_t index_find(const struct kn_large_space *ls, uintptr_t p) {
  if (!ls->index)
    return SIZE_MAX;
  for (size_t i = slot_of(p) & ls->index_mask;; i = (i + 1) & ls->index_mask) {
    if (ls->index[i] == p)
      return i;
    if (!ls->index[i])
      return SIZE_MAX;
  }
}

static void index_remove(struct kn_large_space *ls, uintptr_t p) {
  size_t i = index_find(ls, p);
  if (i == SIZE_MAX)
    kn_fatal("large-object space: freeing an unknown object %p", (void *)p);
  ls->index[i] = TOMBSTONE;
  ls->index_count--;
  ls->index_tombstones++;
}

/* ---- Objects ----------------------------------------------------------- */

void *kn_large_space_allocate(struct kn_large_space *ls, size_t size, unsigned kind,
                              unsigned tag) {
  size_t mapped = kn_large_space_object_cost(ls, size);
  char *mem = map_aligned(mapped, ls->align);
  if (!mem)
    return NULL;
  struct kn_large_object *lo = (struct kn_large_object *)(mem + ls->reserve);
  lo->mapped = mapped;
  lo->prev = NULL;
  lo->next = ls->objects;
  if (ls->objects)
    ls->objects->prev = lo;
  ls->objects = lo;
  void *obj = (char *)lo + KN_LARGE_PAYLOAD_OFFSET;
  *kn_object_header(obj) = kn_header_make(size, kind | KN_ALLOC_LARGE, tag);
  index_put(ls, (uintptr_t)obj);
  ls->sorted_stale = true;
  ls->bytes += mapped;
  ls->count++;
  return obj;
}

bool kn_large_space_contains(const struct kn_large_space *ls, const void *ref) {
  if ((uintptr_t)ref <= TOMBSTONE)
    return false; /* the index's empty and deleted markers are not objects */
  return index_find(ls, (uintptr_t)ref) != SIZE_MAX;
}

/* ---- Interior lookups ---------------------------------------------------- */

static int compare_address(const void *a, const void *b) {
  uintptr_t x = *(const uintptr_t *)a, y = *(const uintptr_t *)b;
  return (x > y) - (x < y);
}

static void sort_objects(struct kn_large_space *ls) {
  if (ls->count > ls->sorted_capacity) {
    size_t cap = 2 * ls->count;
    uintptr_t *grown = realloc(ls->sorted, cap * sizeof *grown);
    if (!grown)
      kn_fatal("large-object space: out of memory for its sorted index");
    ls->sorted = grown;
    ls->sorted_capacity = cap;
  }
  size_t n = 0;
  for (struct kn_large_object *lo = ls->objects; lo; lo = lo->next)
    ls->sorted[n++] = (uintptr_t)lo + KN_LARGE_PAYLOAD_OFFSET;
  qsort(ls->sorted, n, sizeof *ls->sorted, compare_address);
  ls->sorted_count = n;
  ls->sorted_stale = false;
}

void *kn_large_space_find(struct kn_large_space *ls, uintptr_t addr) {
  if (ls->sorted_stale)
    sort_objects(ls);
  /* The last object whose header starts at or below addr. */
  size_t lo = 0, hi = ls->sorted_count;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if (ls->sorted[mid] - KN_HEADER_BYTES <= addr)
      lo = mid + 1;
    else
      hi = mid;
  }
  if (!lo)
    return NULL;
  uintptr_t obj = ls->sorted[lo - 1];
  size_t size = kn_object_size((void *)obj);
  if (addr < obj + size || addr == obj)
    return (void *)obj;
  return NULL;
}

bool kn_large_space_mark(void *obj) {
  return __atomic_exchange_n(&prefix_of(obj)->mark, 1, __ATOMIC_ACQ_REL) == 0;
}

bool kn_large_space_is_marked(const void *obj) {
  return __atomic_load_n(&prefix_of(obj)->mark, __ATOMIC_ACQUIRE) != 0;
}

static void unlink_object(struct kn_large_space *ls, struct kn_large_object *lo) {
  if (lo->prev)
    lo->prev->next = lo->next;
  else
    ls->objects = lo->next;
  if (lo->next)
    lo->next->prev = lo->prev;
}

size_t kn_large_space_sweep(struct kn_large_space *ls) {
  size_t freed = 0;
  ls->live_bytes = 0;
  struct kn_large_object *lo = ls->objects;
  while (lo) {
    struct kn_large_object *next = lo->next;
    if (lo->mark) {
      lo->mark = 0;
      ls->live_bytes += lo->mapped;
    } else {
      unlink_object(ls, lo);
      index_remove(ls, (uintptr_t)lo + KN_LARGE_PAYLOAD_OFFSET);
      ls->sorted_stale = true;
      ls->bytes -= lo->mapped;
      ls->count--;
      freed += lo->mapped;
      munmap(mapping_of(ls, lo), lo->mapped);
    }
    lo = next;
  }
  return freed;
}

void kn_large_space_visit(const struct kn_large_space *ls, void (*visit)(void *obj, void *data),
                          void *data) {
  for (struct kn_large_object *lo = ls->objects, *next; lo; lo = next) {
    next = lo->next;
    visit((char *)lo + KN_LARGE_PAYLOAD_OFFSET, data);
  }
}

void kn_large_space_destroy(struct kn_large_space *ls) {
  struct kn_large_object *lo = ls->objects;
  while (lo) {
    struct kn_large_object *next = lo->next;
    munmap(mapping_of(ls, lo), lo->mapped);
    lo = next;
  }
  free(ls->index);
  free(ls->sorted);
  memset(ls, 0, sizeof *ls);
}
