/* Pages and frames: the reserved region, the free-page pool, formatting,
 * walking and sweeping a page, finding the object an address points to.
 *
 * A page is frames_per_page frames of GM_FRAME_BYTES; each frame starts
 * with a GM_FRAME_HEADER_BYTES header (the barrier's flags byte first) and
 * its body is walked header after header (see gen-ms.h). */

#define _GNU_SOURCE
#include <string.h>
#include <sys/mman.h>

#include "gen-ms.h"

bool gm_region_init(struct gm_region *r, size_t page_bytes, size_t reserve_bytes) {
  memset(r, 0, sizeof *r);
  r->page_bytes = page_bytes;
  r->page_shift = (unsigned)__builtin_ctzl(page_bytes);
  r->frames_per_page = page_bytes / GM_FRAME_BYTES;
  r->reserve_pages = (reserve_bytes + page_bytes - 1) / page_bytes;
  size_t bytes = r->reserve_pages * page_bytes;
  char *mem = mmap(NULL, bytes + page_bytes, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (mem == MAP_FAILED)
    return false;
  char *base = (char *)(((uintptr_t)mem + page_bytes - 1) & ~(uintptr_t)(page_bytes - 1));
  if (base > mem)
    munmap(mem, (size_t)(base - mem));
  if (mem + page_bytes > base)
    munmap(base + bytes, (size_t)(mem + page_bytes - base));
  r->base = base;
  r->pages = calloc(r->reserve_pages, sizeof *r->pages);
  r->free = calloc(r->reserve_pages, sizeof *r->free);
  if (!r->pages || !r->free) {
    gm_region_destroy(r);
    return false;
  }
  return true;
}

void gm_region_destroy(struct gm_region *r) {
  for (size_t i = 0; i < r->high_water; i++) {
    free(r->pages[i].slots);
    free(r->pages[i].starts);
  }
  if (r->base)
    munmap(r->base, r->reserve_pages * r->page_bytes);
  free(r->pages);
  free(r->free);
  memset(r, 0, sizeof *r);
}

struct gm_page *gm_page_take(struct gm_region *r) {
  struct gm_page *p;
  if (r->free_count)
    p = &r->pages[r->free[--r->free_count]];
  else if (r->high_water < r->reserve_pages)
    p = &r->pages[r->high_water++];
  else
    return NULL;
  r->in_use++;
  return p;
}

void gm_page_release(struct gm_region *r, struct gm_page *p) {
  madvise(gm_page_start(r, p), r->page_bytes, MADV_DONTNEED);
  uint64_t *slots = p->slots, *starts = p->starts;
  if (slots)
    memset(slots, 0, r->page_bytes / 64);
  memset(p, 0, sizeof *p);
  p->slots = slots;
  p->starts = starts;
  p->state = GM_PAGE_FREE;
  r->free[r->free_count++] = (uint32_t)(p - r->pages);
  r->in_use--;
}

void gm_page_set_flags(struct gm_region *r, struct gm_page *p, unsigned flags) {
  char *start = gm_page_start(r, p);
  for (size_t f = 0; f < r->frames_per_page; f++)
    *(unsigned char *)(start + f * GM_FRAME_BYTES + KN_GEN_MS_FLAGS_OFFSET) =
        (unsigned char)flags;
}

void gm_write_filler(char *at, size_t bytes) {
  *(kn_header *)at = kn_header_make(bytes - KN_HEADER_BYTES, KN_ALLOC_POINTERLESS, 0) | GM_FILLER;
}

/* Appends spans to p->spans in address order. */
struct span_chain {
  char **tail;
};

static void chain_span(char *span, size_t bytes, void *data) {
  struct span_chain *c = data;
  if (bytes < 2 * KN_HEADER_BYTES)
    return; /* too small to link: stays a filler until the next sweep */
  *(char **)(span + KN_HEADER_BYTES) = NULL;
  *c->tail = span;
  c->tail = (char **)(span + KN_HEADER_BYTES);
}

void gm_page_format(struct gm_region *r, struct gm_page *p) {
  char *start = gm_page_start(r, p);
  struct span_chain chain = {&p->spans};
  p->spans = NULL;
  for (size_t f = 0; f < r->frames_per_page; f++) {
    char *body = start + f * GM_FRAME_BYTES + GM_FRAME_HEADER_BYTES;
    gm_write_filler(body, GM_FRAME_BODY_BYTES);
    chain_span(body, GM_FRAME_BODY_BYTES, &chain);
  }
  p->free_before = (uint32_t)gm_page_body_bytes(r);
  p->allocated = 0;
}

/* Ends a run of free memory: one filler over it, handed on. */
static void flush_gap(char *gap, char *end, void (*free_span)(char *, size_t, void *),
                      void *data, size_t *free_bytes) {
  if (gap == end)
    return;
  gm_write_filler(gap, (size_t)(end - gap));
  free_span(gap, (size_t)(end - gap), data);
  *free_bytes += (size_t)(end - gap);
}

size_t gm_page_sweep(struct gm_region *r, struct gm_page *p,
                     void (*free_span)(char *, size_t, void *), void *data) {
  struct span_chain chain = {&p->spans};
  if (!free_span) {
    p->spans = NULL;
    free_span = chain_span;
    data = &chain;
  }
  char *start = gm_page_start(r, p);
  size_t free_bytes = 0;
  for (size_t f = 0; f < r->frames_per_page; f++) {
    char *at = start + f * GM_FRAME_BYTES + GM_FRAME_HEADER_BYTES;
    char *end = start + (f + 1) * GM_FRAME_BYTES;
    char *gap = at;
    while (at < end) {
      kn_header *h = (kn_header *)at;
      size_t bytes = gm_header_bytes(*h);
      if (!gm_is_filler(*h) && (*h & GM_MARK)) {
        *h &= ~(kn_header)GM_MARK;
        flush_gap(gap, at, free_span, data, &free_bytes);
        gap = at + bytes;
      }
      at += bytes;
    }
    flush_gap(gap, end, free_span, data, &free_bytes);
  }
  p->free_before = (uint32_t)free_bytes;
  p->allocated = 0;
  return free_bytes;
}

void gm_page_visit(struct gm_region *r, struct gm_page *p, bool marked_only,
                   void (*visit)(void *obj, void *data), void *data) {
  char *start = gm_page_start(r, p);
  for (size_t f = 0; f < r->frames_per_page; f++) {
    char *at = start + f * GM_FRAME_BYTES + GM_FRAME_HEADER_BYTES;
    char *end = start + (f + 1) * GM_FRAME_BYTES;
    while (at < end) {
      kn_header h = *(kn_header *)at;
      if (!gm_is_filler(h) && (!marked_only || (h & GM_MARK)))
        visit(at + KN_HEADER_BYTES, data);
      at += gm_header_bytes(h);
    }
  }
}

/* ---- Finding objects ------------------------------------------------------ */

struct starts_ctx {
  uint64_t *bits;
  char *page;
};

static void mark_start(void *obj, void *data) {
  struct starts_ctx *c = data;
  size_t g = (size_t)((char *)obj - c->page) / KN_GRANULE;
  c->bits[g / 64] |= (uint64_t)1 << (g % 64);
}

/* The page's object-start bitmap, built once per epoch (a collection or a
 * verification: the heap does not change during either). */
static uint64_t *starts_of(struct kn_heap *heap, struct gm_page *p) {
  struct gm_region *r = &heap->region;
  size_t words = r->page_bytes / KN_GRANULE / 64;
  if (!p->starts && !(p->starts = calloc(words, sizeof *p->starts)))
    kn_fatal("gen-ms: out of memory for an object-start bitmap");
  if (p->starts_epoch == heap->epoch)
    return p->starts;
  memset(p->starts, 0, words * sizeof *p->starts);
  struct starts_ctx c = {p->starts, gm_page_start(r, p)};
  bool unswept = (p->state == GM_PAGE_OLD && !p->swept);
  gm_page_visit(r, p, unswept, mark_start, &c);
  p->starts_epoch = heap->epoch;
  return p->starts;
}

void *gm_find_object(struct kn_heap *heap, uintptr_t addr, bool interior) {
  struct gm_region *r = &heap->region;
  if (!gm_in_region(r, (void *)addr))
    return NULL;
  struct gm_page *p = gm_page_of(r, (void *)addr);
  if (p->state == GM_PAGE_FREE)
    return NULL;
  uintptr_t frame = addr & ~(uintptr_t)(GM_FRAME_BYTES - 1);
  if (addr < frame + GM_FRAME_HEADER_BYTES + KN_HEADER_BYTES)
    return NULL;
  uint64_t *bits = starts_of(heap, p);
  char *page = gm_page_start(r, p);
  size_t g = (addr - (uintptr_t)page) / KN_GRANULE;
  size_t first = (frame - (uintptr_t)page) / KN_GRANULE;
  if (!(addr & (KN_GRANULE - 1)) && (bits[g / 64] >> (g % 64) & 1))
    return (void *)addr;
  if (!interior)
    return NULL;
  /* The nearest start at or below addr in this frame, if addr is inside it. */
  for (size_t i = g + 1; i-- > first;) {
    uint64_t word = bits[i / 64] & (~(uint64_t)0 >> (63 - i % 64));
    if (!word) {
      i -= i % 64; /* skip the rest of this bitmap word */
      continue;
    }
    i = i - i % 64 + (63 - (size_t)__builtin_clzll(word));
    if (i < first)
      return NULL;
    {
      char *obj = page + i * KN_GRANULE;
      size_t payload = kn_allocation_bytes(kn_object_size(obj)) - KN_HEADER_BYTES;
      return addr < (uintptr_t)obj + (payload ? payload : 1) ? obj : NULL;
    }
  }
  return NULL;
}
