#include "text/lang.h"

#include <cld2/public/compact_lang_det.h>

#include <algorithm>
#include <array>
#include <cstdio>  // compact_lang_det.h uses FILE without including it

#include "text/normalize.h"

namespace dossier::text {
namespace {

constexpr size_t kMaxBytes = size_t{64} * 1024;

// CLD2 requires valid UTF-8 ("interchange-valid"); our input is usually converted already, but a
// stray byte must not send it reading past a sequence. Invalid bytes become spaces.
std::string sanitize(std::string_view utf8) {
  std::string out;
  out.reserve(utf8.size());
  for (size_t i = 0; i < utf8.size();) {
    size_t start = i;
    char32_t c = decode_utf8(utf8, i);
    bool bad = c == 0xFFFD && i - start == 1;
    // Controls other than whitespace are not interchange-valid either.
    if (bad || (c < 0x20 && c != '\n' && c != '\t' && c != '\r') || c == 0x7F) {
      out.push_back(' ');
    } else {
      out.append(utf8, start, i - start);
    }
  }
  return out;
}

// Letters of Pashto, which shares ې with Uyghur: ټ ډ ړ ږ ښ ګ ڼ ۍ.
bool is_pashto(char32_t c) {
  return c == 0x067C || c == 0x0689 || c == 0x0693 || c == 0x0696 || c == 0x069A || c == 0x06AB ||
         c == 0x06BC || c == 0x06CD;
}

// CLD2 as packaged has no Uyghur model for the Arabic script (it says "ar", unreliable), yet Uyghur
// is one of the languages dossier must find. Uyghur's alphabet has letters Arabic, Persian and Urdu
// lack: ې ۆ ۈ (Kazakh, the other Turkic language written this way, does not use them). When they
// make up over 1% of the Arabic-script letters (2.5% in the UDHR, 3.3% in the UD treebank) and
// neither Sorani Kurdish (ێ ڵ), Kazakh (ٴ and the letters built on it) nor Pashto shows, the text
// is Uyghur.
bool looks_uyghur(std::string_view utf8) {
  size_t arabic = 0, marked = 0, other = 0;
  for (size_t i = 0; i < utf8.size();) {
    char32_t c = decode_utf8(utf8, i);
    if (c < 0x0600 || c > 0x06FF)
      continue;
    ++arabic;
    if (c == 0x06D0 || c == 0x06C6 || c == 0x06C8)
      ++marked;
    if (c == 0x06CE || c == 0x06B5 || (c >= 0x0674 && c <= 0x0678) || is_pashto(c))
      ++other;
  }
  return arabic >= 20 && marked * 100 > arabic && other * 200 < arabic;
}

// Uyghur in Latin script (ULY), which CLD2 calls Uzbek. Three signs, measured on the UDHR and
// checked against its 530 translations: é, ö and ü (or ë for é) make up over 1% of the letters
// (ULY 2.3%) and no other accented Latin letter shows (Uzbek has none of é ö ü and writes oʻ gʻ;
// Turkish, Wolof, French … use letters ULY lacks); q is frequent (ULY 5.2%: over 1.5%); c stands
// only in ch (under 1% elsewhere; French has 3.3%).
bool looks_uyghur_latin(std::string_view utf8) {
  size_t letters = 0, marked = 0, foreign = 0, q = 0, lone_c = 0;
  bool after_c = false;
  for (size_t i = 0; i < utf8.size();) {
    char32_t c = decode_utf8(utf8, i);
    if (after_c && c != 'h' && c != 'H')
      ++lone_c;
    after_c = c == 'c' || c == 'C';
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) {
      ++letters;
      q += c == 'q' || c == 'Q';
    } else if (c == U'é' || c == U'É' || c == U'ë' || c == U'Ë' || c == U'ö' || c == U'Ö' ||
               c == U'ü' || c == U'Ü') {
      ++letters;
      ++marked;
    } else if ((c >= 0x00C0 && c < 0x0250 && c != 0x00D7 && c != 0x00F7) ||
               (c >= 0x1E00 && c < 0x1F00) || c == 0x02BB) {
      ++letters;
      ++foreign;
    }
  }
  return letters >= 20 && marked * 100 > letters && foreign * 200 < letters &&
         q * 1000 > letters * 15 && lone_c * 100 < letters;
}

// CLD2's answers that Latin-script Uyghur gets: Uzbek, or nothing reliable.
bool may_be_uyghur_latin(std::string_view code) {
  return code.empty() || code == "uz";
}

// The ISO 639-1 code for a CLD2 language, "" when unknown.
std::string code_of(CLD2::Language lang) {
  if (lang == CLD2::UNKNOWN_LANGUAGE || lang == CLD2::TG_UNKNOWN_LANGUAGE)
    return "";
  const char* code = CLD2::LanguageCode(lang);
  if (code == nullptr || *code == '\0' || std::string_view(code) == "un")
    return "";
  // CLD2 keeps the withdrawn codes for Hebrew and Javanese.
  std::string_view c(code);
  if (c == "iw")
    return "he";
  if (c == "jw")
    return "jv";
  return code;
}

std::string base_code(std::string code) {
  size_t dash = code.find('-');
  if (dash != std::string::npos)
    code.resize(dash);
  return code;
}

// A stretch of the text in one language: CLD2's chunks of it, and the unknown chunks between them.
struct Run {
  std::string code;
  size_t begin = 0, end = 0;  // bytes of the stretch
  size_t chars = 0;           // characters in the language's own chunks
};

size_t count_chars(std::string_view s) {
  size_t n = 0;
  for (char c : s)
    n += (static_cast<unsigned char>(c) & 0xC0) != 0x80 && c != ' ' && c != '\n';
  return n;
}

void add_to_runs(std::vector<Run>& runs, const std::string& code, size_t begin, size_t end,
                 size_t chars) {
  if (runs.empty() || runs.back().code != code)
    runs.push_back(Run{code, begin, end, 0});
  runs.back().end = end;
  runs.back().chars += chars;
}

// The language runs of one sanitized text. CLD2 says "un" for Arabic-script Uyghur, which one chunk
// shows; it alternates Uzbek and unknown on Latin-script Uyghur, which a whole run shows.
std::vector<Run> language_runs(const std::string& text) {
  std::array<CLD2::Language, 3> language3{};
  std::array<int, 3> percent3{};
  std::array<double, 3> scores3{};
  CLD2::ResultChunkVector chunks;
  int text_bytes = 0;
  bool reliable = false;
  CLD2::CLDHints hints{nullptr, nullptr, /*UNKNOWN_ENCODING*/ 23, CLD2::UNKNOWN_LANGUAGE};
  CLD2::ExtDetectLanguageSummary(text.data(), static_cast<int>(text.size()), /*is_plain_text=*/true,
                                 &hints, 0, language3.data(), percent3.data(), scores3.data(),
                                 &chunks, &text_bytes, &reliable);
  std::vector<Run> runs;
  for (const CLD2::ResultChunk& chunk : chunks) {
    if (chunk.offset < 0 || chunk.bytes <= 0 ||
        static_cast<size_t>(chunk.offset) + static_cast<size_t>(chunk.bytes) > text.size())
      continue;
    auto begin = static_cast<size_t>(chunk.offset);
    std::string_view part(text.data() + begin, static_cast<size_t>(chunk.bytes));
    std::string code = base_code(code_of(static_cast<CLD2::Language>(chunk.lang1)));
    if (looks_uyghur(part))
      code = "ug";
    if (!code.empty())  // unknown chunks neither count nor separate
      add_to_runs(runs, code, begin, begin + part.size(), count_chars(part));
  }
  std::vector<Run> merged;
  for (Run& r : runs) {
    if (r.code == "uz" &&
        looks_uyghur_latin(std::string_view(text).substr(r.begin, r.end - r.begin)))
      r.code = "ug";
    add_to_runs(merged, r.code, r.begin, r.end, r.chars);
  }
  return merged;
}

}  // namespace

std::vector<std::string> detect_part_languages(const std::vector<std::string_view>& pages,
                                               size_t min_chars) {
  std::vector<std::string> out;
  size_t budget = kMaxPartLanguageBytes;
  for (std::string_view page : pages) {
    if (budget == 0)
      break;
    if (page.size() > budget) {
      size_t cut = budget;
      while (cut > 0 && (static_cast<unsigned char>(page[cut]) & 0xC0) == 0x80)
        --cut;
      page = page.substr(0, cut);
    }
    budget -= page.size();
    if (count_chars(page) < min_chars)
      continue;
    for (const Run& r : language_runs(sanitize(page))) {
      if (r.chars >= min_chars && std::find(out.begin(), out.end(), r.code) == out.end())
        out.push_back(r.code);
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::string detect_language_variant(std::string_view utf8) {
  if (utf8.size() > kMaxBytes) {
    size_t cut = kMaxBytes;
    while (cut > 0 && (static_cast<unsigned char>(utf8[cut]) & 0xC0) == 0x80)
      --cut;
    utf8 = utf8.substr(0, cut);
  }
  std::string text = sanitize(utf8);
  std::array<CLD2::Language, 3> language3{};
  std::array<int, 3> percent3{};
  int text_bytes = 0;
  bool reliable = false;
  CLD2::Language lang = CLD2::ExtDetectLanguageSummary(text.data(), static_cast<int>(text.size()),
                                                       /*is_plain_text=*/true, language3.data(),
                                                       percent3.data(), &text_bytes, &reliable);
  if (looks_uyghur(text))
    return "ug";
  std::string code = reliable ? code_of(lang) : "";
  if (may_be_uyghur_latin(code) && looks_uyghur_latin(text))
    return "ug";
  return code;
}

std::string detect_language(std::string_view utf8) {
  return base_code(detect_language_variant(utf8));
}

}  // namespace dossier::text
