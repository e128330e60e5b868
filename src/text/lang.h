// Language identification with CLD2.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace dossier::text {

// ISO 639-1 code of the main language of `utf8` ("en", "zh", "ug", ...), or "" when CLD2 is not
// confident. Chinese in either script is "zh"; Uyghur in Arabic or Latin script is "ug" (CLD2
// has no model for either and says "ar" or "uz"). Looks at the first 64 KiB only. Thread-safe.
std::string detect_language(std::string_view utf8);

// Like detect_language but keeps CLD2's script variant where it has one: "zh-Hant" for
// Traditional Chinese (Simplified stays "zh").
std::string detect_language_variant(std::string_view utf8);

// A part of a text counts for its language from this many characters on.
inline constexpr size_t kMinPartChars = 200;
// Text looked at per document for the languages of its parts.
inline constexpr size_t kMaxPartLanguageBytes = size_t{8} << 20;

// The languages of the long parts of a document whose text is `pages`: every language (codes as
// detect_language) in which CLD2 finds a stretch of at least `min_chars` characters, so that a
// mostly-English PDF with a long Chinese section lists "en" and "zh". Text after the first
// kMaxPartLanguageBytes is not looked at. Sorted, without duplicates. Thread-safe.
std::vector<std::string> detect_part_languages(const std::vector<std::string_view>& pages,
                                               size_t min_chars = kMinPartChars);

}  // namespace dossier::text
