#include "text/tokenizer.h"

#include <unicode/brkiter.h>
#include <unicode/uchar.h>

#include <array>
#include <memory>
#include <utility>
#include <vector>

#include "text/icu_handles.h"
#include "text/normalize.h"
#include "text/uyghur.h"

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
  // Arabic letters, marks and digits, without an ICU lookup (Uyghur text is mostly these).
  if ((c >= 0x0620 && c <= 0x0669) || (c >= 0x066E && c <= 0x06D3) || c == 0x06D5)
    return CharClass::kWord;
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

// Marks that stand for an apostrophe between two letters. ʼ (U+02BC) is a letter to Unicode and is
// caught inside the word scan.
bool is_apostrophe(char32_t c) {
  return c == '\'' || c == 0x2019 || c == 0x2018 || c == 0xFF07;
}

enum ScriptFlag : uint8_t { kArabicScript = 1, kComplexScript = 2 };

// Scripts written without spaces for which ICU has a word dictionary: Thai, Lao, Myanmar, Khmer.
bool is_complex_script(char32_t c) {
  return (c >= 0x0E00 && c <= 0x0EFF) || (c >= 0x1000 && c <= 0x109F) ||
         (c >= 0x1780 && c <= 0x17FF) || (c >= 0x19E0 && c <= 0x19FF) ||
         (c >= 0xA9E0 && c <= 0xA9FF) || (c >= 0xAA60 && c <= 0xAA7F);
}

uint8_t script_flags(char32_t c) {
  if (is_arabic_script(c))
    return kArabicScript;
  return is_complex_script(c) ? kComplexScript : 0;
}

// ICU's word break iterator, one per thread (iterators are not thread-safe); nullptr when ICU has
// no word rules, in which case a run stays one word.
icu::BreakIterator* word_breaker() {
  thread_local std::unique_ptr<icu::BreakIterator> bi = [] {
    UErrorCode status = U_ZERO_ERROR;
    std::unique_ptr<icu::BreakIterator> it(
        icu::BreakIterator::createWordInstance(icu::Locale::getRoot(), status));
    return U_SUCCESS(status) ? std::move(it) : nullptr;
  }();
  return bi.get();
}

// ULY is typed with ë as well as é (the UD Uyghur treebank does): fold ë to é.
void fold_e_diaeresis(std::string& term) {
  for (size_t k = 0; k + 1 < term.size(); ++k) {
    if (term[k] == '\xC3' && term[k + 1] == '\xAB')
      term[k + 1] = '\xA9';
  }
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
    uint8_t scripts = 0;
    apostrophes_.clear();
    while (i < s_.size()) {
      size_t here = i;
      char32_t c = decode_utf8(s_, i);
      CharClass cls = classify(c);
      if (cls == CharClass::kWord || cls == CharClass::kFormat) {
        if (c >= 128) {
          ascii = false;
          scripts |= script_flags(c);
          if (c == 0x02BC)
            apostrophes_.emplace_back(here, i);
        }
        continue;
      }
      if (is_apostrophe(c) && here > start && i < s_.size()) {
        size_t j = i;
        if (classify(decode_utf8(s_, j)) == CharClass::kWord) {
          apostrophes_.emplace_back(here, i);
          ascii = ascii && c < 128;
          continue;
        }
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
    if ((scripts & kComplexScript) != 0) {
      complex_run(start, i);
    } else if ((scripts & kArabicScript) != 0) {
      arabic_word(start, i);
    } else {
      latin_word(start, i, ascii);
    }
    // "U.S." keeps its final period: it ends the abbreviation, not the sentence.
    if (dotted && i < s_.size() && s_[i] == '.')
      ++i;
    return i;
  }

  // The normalised term of s_[begin, end) without its apostrophes, into `out`.
  void fold_word(size_t begin, size_t end, bool ascii, std::string& out) {
    out.clear();
    size_t from = begin;
    scratch_.clear();
    for (const auto& [a, b] : apostrophes_) {
      if (a < begin || b > end)
        continue;
      scratch_.append(s_, from, a - from);
      from = b;
    }
    scratch_.append(s_, from, end - from);
    if (ascii) {
      for (char ch : scratch_)
        out.push_back(ch >= 'A' && ch <= 'Z' ? static_cast<char>(ch + 32) : ch);
    } else {
      append_nfkc_casefold(scratch_, out);
      fold_e_diaeresis(out);
    }
  }

  // A word in any script with spaces: one term, and its apostrophe-separated parts as
  // alternatives at the same position.
  void latin_word(size_t start, size_t end, bool ascii) {
    fold_word(start, end, ascii, term_.term);
    if (!emit(start, end, false) || apostrophes_.empty())
      return;
    main_ = term_.term;
    size_t from = start;
    for (size_t k = 0; k <= apostrophes_.size(); ++k) {
      size_t to = k < apostrophes_.size() ? apostrophes_[k].first : end;
      fold_word(from, to, ascii, part_);
      if (!part_.empty() && part_ != main_)
        emit_alternative(part_, from, to);
      if (k < apostrophes_.size())
        from = apostrophes_[k].second;
    }
  }

  // An Arabic-script word: the ULY spelling when it reads as Uyghur, with the folded Arabic
  // spelling and the ULY parts as alternatives; otherwise the folded Arabic spelling alone.
  void arabic_word(size_t start, size_t end) {
    // Most Uyghur words hold only letters NFKC_Casefold leaves as they are: skip ICU for them.
    bool stable = true;
    for (size_t i = start; i < end && stable;) {
      char32_t c = decode_utf8(s_, i);
      stable = c < 128 ? c >= '0' && c <= '9' : arabic_nfkc_stable(c);
    }
    fold_word(start, end, stable, part_);
    arabic_.clear();
    fold_arabic(part_, arabic_);
    if (!uyghur_to_latin(arabic_, latin_)) {
      term_.term = arabic_;
      emit(start, end, false);
      return;
    }
    term_.term.clear();
    for (char ch : latin_) {
      if (ch != '\'')
        term_.term.push_back(ch);
    }
    if (!emit(start, end, false))
      return;
    main_ = term_.term;
    if (arabic_ != main_)
      emit_alternative(arabic_, start, end);  // not for a number in Arabic-Indic digits
    if (latin_.find('\'') == std::string::npos)
      return;
    for (size_t from = 0; from <= latin_.size();) {
      size_t to = std::min(latin_.find('\'', from), latin_.size());
      part_.assign(latin_, from, to - from);
      if (!part_.empty() && part_ != main_)
        emit_alternative(part_, start, end);
      from = to + 1;
    }
  }

  // A run of Thai, Lao, Khmer or Myanmar (possibly mixed with other letters): ICU's
  // dictionary-based word break splits it; each word is a term at consecutive positions.
  void complex_run(size_t start, size_t end) {
    icu::BreakIterator* bi = word_breaker();
    UErrorCode status = U_ZERO_ERROR;
    UTextPtr ut(
        utext_openUTF8(nullptr, s_.data() + start, static_cast<int64_t>(end - start), &status));
    if (bi != nullptr && U_SUCCESS(status))
      bi->setText(ut.get(), status);
    if (bi == nullptr || U_FAILURE(status)) {
      latin_word(start, end, false);
      return;
    }
    int32_t a = bi->first();
    for (int32_t b = bi->next(); b != icu::BreakIterator::DONE; a = b, b = bi->next()) {
      if (bi->getRuleStatus() == UBRK_WORD_NONE)
        continue;  // a '.' or mark ICU left on its own: no term, no gap
      size_t wb = start + static_cast<size_t>(a), we = start + static_cast<size_t>(b);
      term_.term.clear();
      append_nfkc_casefold(s_.substr(wb, we - wb), term_.term);
      emit(wb, we, false);
    }
    // The iterator keeps a shallow clone of the text; leave it on nothing that can dangle.
    bi->setText(icu::UnicodeString());
  }

  // One CJK character with the marks and variation selectors after it (か + U+3099 is が, 葛 +
  // U+E0100 is 葛). Returns the byte after it.
  // NOLINTNEXTLINE(bugprone-easily-swappable-parameters): [start, end) in order
  size_t cjk(char32_t c, size_t start, size_t end) {
    bool plain = true;
    while (end < s_.size()) {
      size_t next = end;
      char32_t m = decode_utf8(s_, next);
      // Han ideographs and fullwidth forms (the common next characters) are never marks.
      if (m < 0x300 || (m >= 0x3400 && m <= 0x9FFF) || (m >= 0xFF00 && m <= 0xFFEF))
        break;
      auto u = static_cast<UChar32>(m);
      if (u_getCombiningClass(u) == 0 && !u_hasBinaryProperty(u, UCHAR_VARIATION_SELECTOR) &&
          (U_GET_GC_MASK(u) & U_GC_M_MASK) == 0) {
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
  // adjacency; an oversized one does, as the word is really there. Returns whether the term was
  // passed on.
  //
  // Between two CJK characters, one line break (with any indentation around it) keeps them
  // adjacent, because PDF and plain-text lines wrap mid-sentence; but spaces alone, or a blank
  // line, do not: 第三条 国务院 must not match 条国务, so that a Chinese query finds exactly the
  // files in which the characters stand together.
  bool emit(size_t begin, size_t end, bool cjk) {
    if (term_.term.empty())
      return false;
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
      return false;
    term_.position = p;
    term_.begin = begin;
    term_.end = end;
    term_.alternative = false;
    fn_(term_);
    return true;
  }

  // Another term at the position of the term just emitted.
  void emit_alternative(const std::string& term, size_t begin, size_t end) {
    if (term.size() > kMaxTermBytes)
      return;
    term_.term = term;
    term_.begin = begin;
    term_.end = end;
    term_.alternative = true;
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
  // Scratch space reused across words: [begin, end) of each apostrophe in the current word, and
  // intermediate spellings.
  std::vector<std::pair<size_t, size_t>> apostrophes_;
  std::string scratch_, part_, arabic_, latin_, main_;
};

}  // namespace

uint32_t tokenize(std::string_view utf8, uint32_t first_position, const TokenFn& fn) {
  return Tokenizer(utf8, first_position, fn).run();
}

}  // namespace dossier::text
