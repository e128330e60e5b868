#include "sandbox/alloc_watch.h"

#include <cstddef>
#include <cstdint>
#include <cstdlib>

#include "sandbox/sanitizers.h"

namespace dossier::sandbox {
namespace {

StatusPage local_page;
std::atomic<StatusPage*> page{&local_page};

[[maybe_unused]] void note_failure(size_t bytes) {
  StatusPage* p = page.load(std::memory_order_relaxed);
  p->alloc_failures.fetch_add(1, std::memory_order_relaxed);
  uint64_t prev = p->largest_failed.load(std::memory_order_relaxed);
  while (bytes > prev && !p->largest_failed.compare_exchange_weak(prev, bytes, std::memory_order_relaxed)) {
  }
}

}  // namespace

void watch_allocations_into(StatusPage* p) { page.store(p, std::memory_order_relaxed); }

uint64_t alloc_failures() { return page.load(std::memory_order_relaxed)->alloc_failures.load(std::memory_order_relaxed); }

#ifdef DOSSIER_SANITIZED
bool alloc_watch_enabled() { return false; }
#else
bool alloc_watch_enabled() { return true; }
#endif

}  // namespace dossier::sandbox

#ifndef DOSSIER_SANITIZED
// glibc exports its allocator under these names so that a program can wrap malloc; free,
// memalign and friends stay glibc's, which is consistent because the wrappers allocate nothing
// themselves. This file is linked into the dossier binary through alloc_failures(), which the
// sandbox runner calls.
extern "C" {
void* __libc_malloc(size_t size);               // NOLINT(bugprone-reserved-identifier)
void* __libc_calloc(size_t count, size_t size);  // NOLINT(bugprone-reserved-identifier)
void* __libc_realloc(void* p, size_t size);      // NOLINT(bugprone-reserved-identifier)

void* malloc(size_t size) noexcept {
  void* p = __libc_malloc(size);
  if (p == nullptr && size != 0) dossier::sandbox::note_failure(size);
  return p;
}

void* calloc(size_t count, size_t size) noexcept {
  void* p = __libc_calloc(count, size);
  if (p == nullptr && count != 0 && size != 0) {
    dossier::sandbox::note_failure(size > SIZE_MAX / count ? SIZE_MAX : count * size);
  }
  return p;
}

void* realloc(void* old, size_t size) noexcept {
  void* p = __libc_realloc(old, size);
  if (p == nullptr && size != 0) dossier::sandbox::note_failure(size);
  return p;
}
}  // extern "C"
#endif
