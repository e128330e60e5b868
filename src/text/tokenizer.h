// Splits text into normalised terms with positions and exact byte offsets into the original.
//
// - Letters, digits and combining marks form words (any script with spaces between words).
//   A '.' between two letters or digits joins ("u.s", "3.14", "example.com"), as does a ',' between
//   digits ("1,000"). Hyphens split ("e-mail" → e, mail) at consecutive positions, so the phrase
//   "e-mail" still matches.
// - An apostrophe between two letters (' ’ ‘ ʼ ＇) keeps the word whole: its term is the
//   word without apostrophes ("putin's" → putins, "jem'iyet" → jemiyet), and each part
//   (putin, s) is an alternative term at the SAME position, so "putin" still finds "Putin's".
// - Han ideographs, Hiragana and Katakana are one term per character at consecutive positions, so a
//   phrase of the characters matches exactly that sequence. One line break between two of them
//   keeps them adjacent (PDF text wraps mid-sentence); spaces or a blank line do not.
// - Thai, Lao, Khmer and Myanmar runs, written without spaces, are split into words by ICU's
//   dictionary-based word break.
// - A word in Arabic script is folded (uyghur.h: tatweel, keheh, harakat, Arabic-Indic digits).
//   When it can be read as Uyghur, its term is the Uyghur Latin (ULY) spelling, and the folded
//   Arabic spelling and the ULY parts are alternatives at the same position: ئۇيغۇر → uyghur
//   (+ ئۇيغۇر), so a query in either script finds both (docs/uyghur.md).
// - Punctuation and symbols other than hyphens and apostrophes (. , ; : ! ? ( ) / @ 。 ， 、 《 》
//   “ ” …) leave a one-position gap, so neither "新疆。维吾尔" nor "法》及" is a phrase of its
//   characters: a phrase matches where the plain characters are adjacent. A run of punctuation
//   leaves one gap.
// - Terms are NFKC_Casefold (with ë folded to é, as Uyghur Latin is typed both ways), and Han
//   characters folded Traditional→Simplified (normalize.h). Terms over kMaxTermBytes (base64 runs)
//   are dropped but still take a position.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

namespace dossier::text {

inline constexpr size_t kMaxTermBytes = 120;

struct Token {
  std::string term;       // normalised, for matching
  uint32_t position = 0;  // consecutive for adjacent words/characters
  size_t begin = 0;       // byte offsets of the token in the ORIGINAL text
  size_t end = 0;
  // False for the one term of a position that a query uses; true for the further terms indexed at
  // the same position (apostrophe parts, the Arabic spelling next to its ULY transliteration),
  // which always follow it.
  bool alternative = false;
};

// The Token passed to `fn` is reused between calls: copy what you keep.
using TokenFn = std::function<void(const Token&)>;

// Tokenizes `utf8` with the first token at `first_position`. Returns one past the last position
// used (first_position when there was no token), so callers can concatenate texts with a gap.
// Invalid UTF-8 bytes separate words. Thread-safe.
uint32_t tokenize(std::string_view utf8, uint32_t first_position, const TokenFn& fn);
inline void tokenize(std::string_view utf8, const TokenFn& fn) {
  tokenize(utf8, 0, fn);
}

}  // namespace dossier::text
