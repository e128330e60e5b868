// Whether this build runs under a sanitizer, which changes what a worker can be asked to do:
// AddressSanitizer owns malloc and reserves terabytes of address space (no RLIMIT_AS, no malloc
// wrapper), and the sanitizers probe memory through a pipe (pipe2 must be allowed).
#pragma once

#if defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(memory_sanitizer) || __has_feature(thread_sanitizer) || \
    __has_feature(undefined_behavior_sanitizer)
#define DOSSIER_SANITIZED 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define DOSSIER_SANITIZED 1
#endif

namespace dossier::sandbox {

#ifdef DOSSIER_SANITIZED
inline constexpr bool kSanitizerBuild = true;
#else
inline constexpr bool kSanitizerBuild = false;
#endif

}  // namespace dossier::sandbox
