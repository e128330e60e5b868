// RAII for the ICU C handles that src/text uses.
#pragma once

#include <unicode/utext.h>

#include <memory>

namespace dossier::text {

struct UTextCloser {
  void operator()(UText* t) const { utext_close(t); }
};
using UTextPtr = std::unique_ptr<UText, UTextCloser>;

}  // namespace dossier::text
