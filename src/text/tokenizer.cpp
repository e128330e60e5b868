#include "text/tokenizer.h"

#include <unicode/uchar.h>

#include <array>

#include "text/normalize.h"

namespace dossier::text {
namespace {

enum class CharClass : uint8_t { kSpace, kWord, kCjk, kGap, kFormat, kOther };

constexpr std::array<CharClass, 128> make_ascii_table() {
  std::array<CharClass, 128> t{};
  for (auto& c : t)
    c = CharClass::kOther;
  for (int c = 0; c <= 32; ++c)
    t[c] = CharClass::kSpace;
  t[127] = CharClass::kSpace;
  for (int c = '0'; c <= '9'; ++c)
    t[c] = CharClass::kWord;
  for (int c = 'a'; c <= 'z'; ++c)
    t[c] = CharClass::kWord;
  for (int c = 'A'; c <= 'Z'; ++c)
    t[c] = CharClass::kWord;
  for (int c = 33; c < 127; ++c) {
    if (t[c] == CharClass::kOther)
      t[c] = CharClass::kGap;
  }
  t['_'] = CharClass::kWord;   // snake_case identifiers stay whole, as in UAX #29
  t['-'] = CharClass::kOther;  // e-mail, COVID-19: parts at consecutive positions
  t['\''] = CharClass::kOther;
  return t;
}
constexpr std::array<CharClass, 128> kAscii = make_ascii_table();

// Hyphens and apostrophes split words without a gap; every other punctuation mark or symbol
// leaves one.
bool is_joiner(char32_t c) {
  return c == 0x2010 || c == 0x2011 || c == 0x2019 || c == 0xFF07 || c == 0xFF0D;
}

CharClass classify(char32_t c) {
  if (c < 128)
    return kAscii[c];
  if (is_cjk(c))
    return CharClass::kCjk;
  switch (u_charType(static_cast<UChar32>(c))) {
    case U_UPPERCASE_LETTER:
    case U_LOWERCASE_LETTER:
    case U_TITLECASE_LETTER:
    case U_MODIFIER_LETTER:
    case U_OTHER_LETTER:
    case U_DECIMAL_DIGIT_NUMBER:
    case U_LETTER_NUMBER:
    case U_OTHER_NUMBER:
    case U_NON_SPACING_MARK:
    case U_COMBINING_SPACING_MARK:
    case U_ENCLOSING_MARK:
      return CharClass::kWord;
    case U_FORMAT_CHAR:  // soft hyphen, ZWJ/ZWNJ: inside words, invisible
      return CharClass::kFormat;
    case U_SPACE_SEPARATOR:
    case U_LINE_SEPARATOR:
    case U_PARAGRAPH_SEPARATOR:
    case U_CONTROL_CHAR:
      return CharClass::kSpace;
    default:
      return is_joiner(c) ? CharClass::kOther : CharClass::kGap;
  }
}

bool is_digit_at(std::string_view s, size_t i) {
  return i < s.size() && s[i] >= '0' && s[i] <= '9';
}

class Tokenizer {
 public:
  Tokenizer(std::string_view text, uint32_t first, const TokenFn& fn)
      : s_(text), pos_(first), fn_(fn) {}

  uint32_t run() {
    size_t i = 0;
    while (i < s_.size()) {
      size_t start = i;
      char32_t c = decode_utf8(s_, i);
      switch (classify(c)) {
        case CharClass::kWord:
          i = word(start);
          break;
        case CharClass::kCjk:
          i = cjk(c, start, i);
          break;
        case CharClass::kGap:
          gap_ = true;
          break;
        case CharClass::kSpace:
          if (c == '\n') {
            ++newlines_;
          } else if (c != '\r') {
            ++spaces_;
          }
          break;
        default:
          break;
      }
    }
    return pos_;
  }

 private:
  // Scans a word from `start`; returns the byte after it.
  size_t word(size_t start) {
    size_t i = start;
    bool ascii = true, dotted = false;
    while (i < s_.size()) {
      size_t here = i;
      char32_t c = decode_utf8(s_, i);
      CharClass cls = classify(c);
      if (cls == CharClass::kWord || cls == CharClass::kFormat) {
        ascii = ascii && c < 128;
        continue;
      }
      if ((c == '.' || c == ',') && here > start && i < s_.size()) {
        size_t j = i;
        char32_t next = decode_utf8(s_, j);
        bool join = c == '.' ? classify(next) == CharClass::kWord
                             : is_digit_at(s_, here - 1) && is_digit_at(s_, i);
        if (join) {
          dotted = dotted || c == '.';
          continue;
        }
      }
      i = here;
      break;
    }
    term_.term.clear();
    if (ascii) {
      for (size_t k = start; k < i; ++k) {
        char ch = s_[k];
        term_.term.push_back(ch >= 'A' && ch <= 'Z' ? static_cast<char>(ch + 32) : ch);
      }
    } else {
      append_nfkc_casefold(s_.substr(start, i - start), term_.term);
    }
    emit(start, i, false);
    // "U.S." keeps its final period: it ends the abbreviation, not the sentence.
    if (dotted && i < s_.size() && s_[i] == '.')
      ++i;
    return i;
  }

  // One CJK character with the marks and variation selectors after it (か + U+3099 is が, 葛 +
  // U+E0100 is 葛). Returns the byte after it.
  // NOLINTNEXTLINE(bugprone-easily-swappable-parameters): [start, end) in order
  size_t cjk(char32_t c, size_t start, size_t end) {
    bool plain = true;
    while (end < s_.size()) {
      size_t next = end;
      char32_t m = decode_utf8(s_, next);
      if (m < 0x300 || (u_getCombiningClass(static_cast<UChar32>(m)) == 0 &&
                        !u_hasBinaryProperty(static_cast<UChar32>(m), UCHAR_VARIATION_SELECTOR) &&
                        !(U_GET_GC_MASK(static_cast<UChar32>(m)) & U_GC_M_MASK))) {
        break;
      }
      end = next;
      plain = false;
    }
    term_.term.clear();
    if (plain && c >= 0x4E00 && c <= 0x9FFF) {
      append_utf8(fold_t2s(c), term_.term);  // NFKC is the identity here
    } else {
      term_.term = normalize(s_.substr(start, end - start));
    }
    emit(start, end, true);
    return end;
  }

  // An empty term (only default-ignorable characters) takes no position, so it cannot break
  // adjacency; an oversized one does, as the word is really there.
  //
  // Between two CJK characters, one line break (with any indentation around it) keeps them
  // adjacent, because PDF and plain-text lines wrap mid-sentence; but spaces alone, or a blank
  // line, do not: 第三条 国务院 must not match 条国务, so that a Chinese query finds exactly the
  // files in which the characters stand together.
  void emit(size_t begin, size_t end, bool cjk) {
    if (term_.term.empty())
      return;
    bool spaced = cjk && last_cjk_ && (newlines_ == 0 ? spaces_ > 0 : newlines_ > 1);
    if ((gap_ || spaced) && emitted_)
      ++pos_;
    gap_ = false;
    spaces_ = 0;
    newlines_ = 0;
    last_cjk_ = cjk;
    emitted_ = true;
    uint32_t p = pos_++;
    if (term_.term.size() > kMaxTermBytes)
      return;
    term_.position = p;
    term_.begin = begin;
    term_.end = end;
    fn_(term_);
  }

  std::string_view s_;
  uint32_t pos_;
  const TokenFn& fn_;
  Token term_;
  bool gap_ = false;
  bool emitted_ = false;
  bool last_cjk_ = false;
  uint32_t spaces_ = 0;    // horizontal whitespace since the last token
  uint32_t newlines_ = 0;  // line breaks since the last token
};

}  // namespace

uint32_t tokenize(std::string_view utf8, uint32_t first_position, const TokenFn& fn) {
  return Tokenizer(utf8, first_position, fn).run();
}

}  // namespace dossier::text
