// Tells "the worker ran out of its address-space limit" apart from other failures.
//
// Under RLIMIT_AS an allocation fails instead of the machine swapping; what the extractor does
// next varies (std::bad_alloc, an error return, a null dereference). So that the document's
// failure reason can say "memory limit", dossier wraps malloc, calloc and realloc (forwarding to
// glibc's own) and counts every failed call. A worker keeps the count in a page it shares with the
// ingest, which reads it even after the worker was killed by a signal.
//
// Not in sanitizer builds: AddressSanitizer must own malloc, and does not run under RLIMIT_AS.
#pragma once

#include <atomic>
#include <cstdint>

namespace dossier::sandbox {

// Shared between a worker and the ingest (one page, MAP_SHARED). Written by the worker only; the
// ingest treats every field as untrusted hints about a process that may have been compromised.
struct StatusPage {
  std::atomic<uint64_t> alloc_failures{0};  // malloc/calloc/realloc calls that returned null
  std::atomic<uint64_t> largest_failed{0};  // bytes asked for by the largest of them
};

// Whether failed allocations are counted in this build (false under sanitizers).
bool alloc_watch_enabled();

// Counts from now on into `page` (the worker's shared page) instead of a process-local one.
// REQUIRES: page outlives the process.
void watch_allocations_into(StatusPage* page);

// Failed allocations so far, in this process.
uint64_t alloc_failures();

}  // namespace dossier::sandbox
