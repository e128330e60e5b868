// Splits text into normalised terms with positions and exact byte offsets into the original.
//
// - Letters, digits and combining marks form words (any script with spaces between words).
//   A '.' between two letters or digits joins ("u.s", "3.14", "example.com"), as does a ',' between
//   digits ("1,000"); apostrophes and hyphens split ("putin's" → putin, s; "e-mail" → e, mail) at
//   consecutive positions, so the phrase "e-mail" still matches.
// - Han ideographs, Hiragana and Katakana are one term per character at consecutive positions, so a
//   phrase of the characters matches exactly that sequence. Whitespace and line breaks never break
//   adjacency (PDF text wraps lines mid-sentence).
// - Punctuation and symbols other than hyphens and apostrophes (. , ; : ! ? ( ) / @ 。 ， 、 《 》
//   “ ” …) leave a one-position gap, so neither "新疆。维吾尔" nor "法》及" is a phrase of its
//   characters: a phrase matches where the plain characters are adjacent. A run of punctuation
//   leaves one gap.
// - Terms are NFKC_Casefold, and Han characters folded Traditional→Simplified (normalize.h).
//   Terms over kMaxTermBytes (base64 runs, Thai lines without spaces) are dropped but still take
//   a position.
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
