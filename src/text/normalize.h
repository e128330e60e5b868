// Normalisation for matching: NFKC + case folding (ICU) and Traditional→Simplified folding
// (OpenCC, per character). The original text is never changed; these produce index/query terms.
#pragma once

#include <string>
#include <string_view>

namespace dossier::text {

// True for characters indexed one term per character: Han ideographs (with 々 and 〆),
// Hiragana, Katakana (with ー). Thread-safe, no allocation.
bool is_cjk(char32_t c);

// Traditional→Simplified for one code point: the first candidate of OpenCC's t2s.json applied to
// that character alone. Context-free on purpose: a character folds the same way in a document and
// in a one-character query, which phrase-level conversion does not guarantee. Returns `c` itself
// for non-Han characters, and when OpenCC or its t2s.json is unavailable. Thread-safe.
char32_t fold_t2s(char32_t c);

// Whether OpenCC's t2s table loaded (the folding above is the identity otherwise).
bool t2s_available();

// NFKC_Casefold of `utf8`, appended to `out`. Invalid UTF-8 becomes U+FFFD. Thread-safe.
void append_nfkc_casefold(std::string_view utf8, std::string& out);

// The full matching normalisation of arbitrary text: NFKC_Casefold, then t2s on every Han
// character. Used for boolean terms (author, path); body terms come from tokenize().
std::string normalize(std::string_view utf8);

// Appends `c` to `out` as UTF-8. REQUIRES: c is a Unicode scalar value.
void append_utf8(char32_t c, std::string& out);

// Decodes the code point at `s[i]`, advancing `i`; invalid sequences yield U+FFFD and advance
// by one byte. REQUIRES: i < s.size(). Inline: the tokenizer calls it for every character.
inline char32_t decode_utf8(std::string_view s, size_t& i) {
  auto b = [&](size_t k) { return static_cast<unsigned char>(s[k]); };
  unsigned char c0 = b(i);
  if (c0 < 0x80) {
    ++i;
    return c0;
  }
  size_t len = c0 >= 0xF0 ? 4 : c0 >= 0xE0 ? 3 : c0 >= 0xC2 ? 2 : 0;
  if (len == 0 || c0 > 0xF4 || i + len > s.size()) {
    ++i;
    return 0xFFFD;
  }
  char32_t c = c0 & (0x7F >> len);
  for (size_t k = 1; k < len; ++k) {
    if ((b(i + k) & 0xC0) != 0x80) {
      ++i;
      return 0xFFFD;
    }
    c = (c << 6) | (b(i + k) & 0x3F);
  }
  // Overlong forms, surrogates and values past U+10FFFF are invalid.
  if ((len == 3 && c < 0x800) || (len == 4 && (c < 0x10000 || c > 0x10FFFF)) ||
      (c >= 0xD800 && c <= 0xDFFF)) {
    ++i;
    return 0xFFFD;
  }
  i += len;
  return c;
}

}  // namespace dossier::text
