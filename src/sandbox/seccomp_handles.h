// libseccomp's filter context, owned.
#pragma once

#include <seccomp.h>

#include <memory>
#include <type_traits>

namespace dossier::sandbox {

struct SeccompReleaser {
  void operator()(void* ctx) const { seccomp_release(ctx); }
};
using SeccompFilter = std::unique_ptr<std::remove_pointer_t<scmp_filter_ctx>, SeccompReleaser>;

}  // namespace dossier::sandbox
