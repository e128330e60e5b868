#include "text/lang.h"

#include <cld2/public/compact_lang_det.h>

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

// CLD2 as packaged has no Uyghur model for the Arabic script (it says "ar", unreliable), yet Uyghur
// is one of the languages dossier must find. Uyghur's alphabet has letters Arabic, Persian and Urdu
// lack: ې ۆ ۈ (Kazakh and Sorani Kurdish, the other candidates, do not use ې or ۈ). When they make
// up over 2% of the Arabic-script letters, the text is Uyghur.
bool looks_uyghur(std::string_view utf8) {
  size_t arabic = 0, marked = 0, sorani = 0;
  for (size_t i = 0; i < utf8.size();) {
    char32_t c = decode_utf8(utf8, i);
    if (c < 0x0600 || c > 0x06FF)
      continue;
    ++arabic;
    if (c == 0x06D0 || c == 0x06C6 || c == 0x06C8)
      ++marked;
    if (c == 0x06CE || c == 0x06B5)
      ++sorani;  // ێ ڵ: Sorani Kurdish, not Uyghur
  }
  return arabic >= 20 && marked * 50 > arabic && sorani * 200 < arabic;
}

}  // namespace

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
  if (!reliable || lang == CLD2::UNKNOWN_LANGUAGE || lang == CLD2::TG_UNKNOWN_LANGUAGE)
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

std::string detect_language(std::string_view utf8) {
  std::string code = detect_language_variant(utf8);
  size_t dash = code.find('-');
  if (dash != std::string::npos)
    code.resize(dash);
  return code;
}

}  // namespace dossier::text
