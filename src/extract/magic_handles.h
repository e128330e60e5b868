// RAII for libmagic handles.
#pragma once

#include <magic.h>

#include <memory>
#include <type_traits>

namespace dossier::extract {

struct MagicCloser {
  void operator()(magic_t m) const { magic_close(m); }
};
using MagicHandle = std::unique_ptr<std::remove_pointer_t<magic_t>, MagicCloser>;

}  // namespace dossier::extract
