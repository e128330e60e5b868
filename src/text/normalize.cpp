#include "text/normalize.h"

#include <opencc/opencc.h>
#include <unicode/bytestream.h>
#include <unicode/normalizer2.h>
#include <unicode/uchar.h>
#include <unicode/uscript.h>

#include <cstdint>
#include <vector>

namespace dossier::text {
namespace {

// Han code points that t2s.json can fold: CJK Unified Ideographs and Extension A. Compatibility
// ideographs (U+F900…) become unified ones under NFKC first; the supplementary planes hold almost
// no Traditional-only characters.
constexpr char32_t kTableBegin = 0x3400;
constexpr char32_t kTableEnd = 0xA000;

struct T2sTable {
  std::vector<char32_t> map;  // empty when OpenCC is unavailable
};

// OpenCC signals failure with the handle (opencc_t)-1; we use nullptr instead.
opencc_t open_t2s() {
  // Debian's libopencc finds "t2s.json" in its data dir; the absolute path covers builds that
  // were configured with another prefix.
  for (const char* name : {"t2s.json", "/usr/share/opencc/t2s.json"}) {
    opencc_t h = opencc_open(name);
    if (reinterpret_cast<intptr_t>(h) != -1)
      return h;
  }
  return nullptr;
}

// Converts the whole range in one OpenCC call, one character per line: a newline never occurs
// inside a t2s phrase, so each line is converted as the lone character it holds.
T2sTable build_table() {
  T2sTable table;
  opencc_t h = open_t2s();
  if (h == nullptr)
    return table;
  std::string input;
  input.reserve(static_cast<size_t>(kTableEnd - kTableBegin) * 4);
  for (char32_t c = kTableBegin; c < kTableEnd; ++c) {
    append_utf8(c, input);
    input.push_back('\n');
  }
  char* raw = opencc_convert_utf8(h, input.data(), input.size());
  opencc_close(h);
  if (raw == nullptr)
    return table;
  std::string_view out(raw);
  table.map.resize(kTableEnd - kTableBegin);
  size_t i = 0;
  for (char32_t c = kTableBegin; c < kTableEnd; ++c) {
    table.map[c - kTableBegin] = c;
    if (i >= out.size())
      continue;
    size_t j = i;
    char32_t first = decode_utf8(out, j);
    // Keep the original when a character maps to several (never seen in t2s, but cheap to guard).
    if (j < out.size() && out[j] == '\n')
      table.map[c - kTableBegin] = first;
    size_t nl = out.find('\n', i);
    i = nl == std::string_view::npos ? out.size() : nl + 1;
  }
  opencc_convert_utf8_free(raw);
  return table;
}

const T2sTable& table() {
  static const T2sTable t = build_table();  // thread-safe static init
  return t;
}

const icu::Normalizer2* nfkc_cf() {
  static const icu::Normalizer2* n = [] {
    UErrorCode status = U_ZERO_ERROR;
    const icu::Normalizer2* p = icu::Normalizer2::getNFKCCasefoldInstance(status);
    return U_SUCCESS(status) ? p : nullptr;
  }();
  return n;
}

}  // namespace

bool is_cjk(char32_t c) {
  if (c < 0x2E80)
    return false;
  if (c >= 0x4E00 && c <= 0x9FFF)
    return true;  // the common case, without an ICU lookup
  if (c == 0x3005 || c == 0x3006 || c == 0x30FC)
    return true;  // 々 〆 ー
  UErrorCode status = U_ZERO_ERROR;
  UScriptCode script = uscript_getScript(static_cast<UChar32>(c), &status);
  if (U_FAILURE(status))
    return false;
  if (script != USCRIPT_HAN && script != USCRIPT_HIRAGANA && script != USCRIPT_KATAKANA)
    return false;
  // Han-script symbols (radicals, ideographic description characters) are not letters.
  int8_t type = u_charType(static_cast<UChar32>(c));
  return type == U_OTHER_LETTER || type == U_MODIFIER_LETTER || type == U_LETTER_NUMBER;
}

char32_t fold_t2s(char32_t c) {
  if (c < kTableBegin || c >= kTableEnd)
    return c;
  const T2sTable& t = table();
  return t.map.empty() ? c : t.map[c - kTableBegin];
}

bool t2s_available() {
  return !table().map.empty();
}

void append_nfkc_casefold(std::string_view utf8, std::string& out) {
  const icu::Normalizer2* n = nfkc_cf();
  if (n == nullptr) {
    out.append(utf8);
    return;
  }
  icu::StringByteSink<std::string> sink(&out);
  UErrorCode status = U_ZERO_ERROR;
  n->normalizeUTF8(0, icu::StringPiece(utf8.data(), static_cast<int32_t>(utf8.size())), sink,
                   nullptr, status);
}

std::string normalize(std::string_view utf8) {
  std::string folded;
  append_nfkc_casefold(utf8, folded);
  std::string out;
  out.reserve(folded.size());
  for (size_t i = 0; i < folded.size();) {
    size_t start = i;
    char32_t c = decode_utf8(folded, i);
    if (c >= kTableBegin && c < kTableEnd) {
      append_utf8(fold_t2s(c), out);
    } else {
      out.append(folded, start, i - start);
    }
  }
  return out;
}

void append_utf8(char32_t c, std::string& out) {
  if (c < 0x80) {
    out.push_back(static_cast<char>(c));
  } else if (c < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (c >> 6)));
    out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
  } else if (c < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (c >> 12)));
    out.push_back(static_cast<char>(0x80 | ((c >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (c >> 18)));
    out.push_back(static_cast<char>(0x80 | ((c >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((c >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
  }
}

}  // namespace dossier::text
