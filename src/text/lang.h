// Language identification with CLD2.
#pragma once

#include <string>
#include <string_view>

namespace dossier::text {

// ISO 639-1 code of the main language of `utf8` ("en", "zh", "ug", ...), or "" when CLD2 is not
// confident. Chinese in either script is "zh". Looks at the first 64 KiB only. Thread-safe.
std::string detect_language(std::string_view utf8);

// Like detect_language but keeps CLD2's script variant where it has one: "zh-Hant" for
// Traditional Chinese (Simplified stays "zh").
std::string detect_language_variant(std::string_view utf8);

}  // namespace dossier::text
