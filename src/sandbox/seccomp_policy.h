// The system calls a sandboxed worker may make once it is warmed up (docs/design-notes.md,
// "Sandbox"). Everything else fails: opening any path, sockets, exec, fork, ptrace, signalling
// other processes, changing limits other than its own CPU budget.
#pragma once

#include "core/result.h"

namespace dossier::sandbox {

enum class SeccompMode {
  kEnforce,  // calls outside the allow-list fail with an errno
  // For development (DOSSIER_SECCOMP_TRACE=1): the same, but each such call is printed to stderr
  // ("seccomp: denied syscall 257 (openat)") before it fails, to find what a library needs.
  kTrace,
};

// Installs the filter on every thread of the calling process (TSYNC), after setting
// no_new_privs. Irreversible.
Status install_worker_filter(SeccompMode mode);

}  // namespace dossier::sandbox
