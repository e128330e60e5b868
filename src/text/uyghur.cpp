#include "text/uyghur.h"

#include <array>
#include <cstdint>

#include "text/normalize.h"

namespace dossier::text {
namespace {

constexpr char32_t kHamzaCarrier = 0x0626;  // ئ
constexpr char32_t kHamzaAbove = 0x0654;    // ◌ٔ

// What the transliteration does with each code point of the Arabic block U+0600–06FF.
enum class Kind : uint8_t {
  kOther,        // not in the Uyghur alphabet: the word is not transliterated
  kLetter,       // a Uyghur letter: `latin`
  kHamza,        // ئ: dropped word-initially, an apostrophe inside a word
  kHeh,          // ه: ە (e) at the end of a word, ھ (h) elsewhere
  kFarsiYeh,     // ی: ى (i) at the end of a word, ي (y) elsewhere
  kKeheh,        // ک: folded to ك
  kAlefMaksura,  // ى (i); with a hamza above, ئ
  kDropped,      // tatweel, harakat, superscript alef
  kDigit,        // Arabic-Indic and Extended Arabic-Indic digits
};

struct Info {
  Kind kind = Kind::kOther;
  uint8_t length = 0;  // bytes of `latin`
  std::array<char, 3> latin{};
};

constexpr Info letter(const char* latin) {
  Info info{Kind::kLetter, 0, {}};
  while (latin[info.length] != '\0') {
    info.latin[info.length] = latin[info.length];
    ++info.length;
  }
  return info;
}

constexpr std::array<Info, 256> make_table() {
  std::array<Info, 256> t{};
  auto set = [&](char32_t c, Info info) { t[c - 0x0600] = info; };
  set(0x0627, letter("a"));                         // ا
  set(0x06D5, letter("e"));                         // ە
  set(0x0628, letter("b"));                         // ب
  set(0x067E, letter("p"));                         // پ
  set(0x062A, letter("t"));                         // ت
  set(0x062C, letter("j"));                         // ج
  set(0x0686, letter("ch"));                        // چ
  set(0x062E, letter("x"));                         // خ
  set(0x062F, letter("d"));                         // د
  set(0x0631, letter("r"));                         // ر
  set(0x0632, letter("z"));                         // ز
  set(0x0698, letter("zh"));                        // ژ
  set(0x0633, letter("s"));                         // س
  set(0x0634, letter("sh"));                        // ش
  set(0x063A, letter("gh"));                        // غ
  set(0x0641, letter("f"));                         // ف
  set(0x0642, letter("q"));                         // ق
  set(0x0643, letter("k"));                         // ك
  set(0x06AF, letter("g"));                         // گ
  set(0x06AD, letter("ng"));                        // ڭ
  set(0x0644, letter("l"));                         // ل
  set(0x0645, letter("m"));                         // م
  set(0x0646, letter("n"));                         // ن
  set(0x06BE, letter("h"));                         // ھ
  set(0x0648, letter("o"));                         // و
  set(0x06C7, letter("u"));                         // ۇ
  set(0x06C6, letter("\xC3\xB6"));                  // ۆ ö
  set(0x06C8, letter("\xC3\xBC"));                  // ۈ ü
  set(0x06CB, letter("w"));                         // ۋ
  set(0x06D0, letter("\xC3\xA9"));                  // ې é
  set(0x064A, letter("y"));                         // ي
  set(0x0649, Info{Kind::kAlefMaksura, 1, {'i'}});  // ى
  set(kHamzaCarrier, Info{Kind::kHamza, 0, {}});
  set(0x0647, Info{Kind::kHeh, 0, {}});
  set(0x06CC, Info{Kind::kFarsiYeh, 0, {}});
  set(0x06A9, Info{Kind::kKeheh, 1, {'k'}});
  set(0x0640, Info{Kind::kDropped, 0, {}});
  for (char32_t c = 0x064B; c <= 0x0652; ++c)
    set(c, Info{Kind::kDropped, 0, {}});
  set(0x0670, Info{Kind::kDropped, 0, {}});
  for (char32_t c = 0; c < 10; ++c) {
    set(0x0660 + c, Info{Kind::kDigit, 1, {static_cast<char>('0' + c)}});
    set(0x06F0 + c, Info{Kind::kDigit, 1, {static_cast<char>('0' + c)}});
  }
  return t;
}

constexpr std::array<Info, 256> kTable = make_table();

const Info& info(char32_t c) {
  static constexpr Info kNone{};
  return c >= 0x0600 && c <= 0x06FF ? kTable[c - 0x0600] : kNone;
}

// decode_utf8 with the two-byte sequences of the Arabic block inline.
char32_t next_code_point(std::string_view s, size_t& i) {
  auto b0 = static_cast<unsigned char>(s[i]);
  if (b0 >= 0xD8 && b0 <= 0xDB && i + 1 < s.size()) {
    auto b1 = static_cast<unsigned char>(s[i + 1]);
    if ((b1 & 0xC0) == 0x80) {
      i += 2;
      return (static_cast<char32_t>(b0 & 0x1F) << 6) | (b1 & 0x3F);
    }
  }
  return decode_utf8(s, i);
}

// ULY separates with an apostrophe two letters that would otherwise read as one of its digraphs
// ch, gh, ng, sh, zh: n'g (ن + گ), n'gh (ن + غ), s'h, z'h, g'h, and ng'h (ڭ + ھ).
bool needs_separator(const std::string& out, char next) {
  if (out.empty())
    return false;
  char last = out.back();
  return (last == 'n' && next == 'g') ||
         ((last == 's' || last == 'z' || last == 'g') && next == 'h');
}

}  // namespace

bool is_arabic_script(char32_t c) {
  return (c >= 0x0600 && c <= 0x06FF) || (c >= 0x0750 && c <= 0x077F) ||
         (c >= 0x08A0 && c <= 0x08FF) || (c >= 0xFB50 && c <= 0xFDFF) ||
         (c >= 0xFE70 && c <= 0xFEFF);
}

bool arabic_nfkc_stable(char32_t c) {
  Kind k = info(c).kind;
  // Harakat are stable one by one but NFKC may reorder a run of them. (ى + ◌ٔ does not compose,
  // and ◌ٔ is not in the set.)
  return k != Kind::kOther && !(k == Kind::kDropped && c != 0x0640);
}

void fold_arabic(std::string_view w, std::string& out) {
  for (size_t i = 0; i < w.size();) {
    size_t start = i;
    char32_t c = next_code_point(w, i);
    const Info& in = info(c);
    switch (in.kind) {
      case Kind::kDropped:
        break;
      case Kind::kKeheh:
        append_utf8(0x0643, out);
        break;
      case Kind::kDigit:
        out.push_back(in.latin[0]);
        break;
      case Kind::kAlefMaksura: {
        size_t j = i;
        if (i < w.size() && next_code_point(w, j) == kHamzaAbove) {
          append_utf8(kHamzaCarrier, out);  // ى + ◌ٔ, which NFC leaves apart
          i = j;
        } else {
          out.append(w, start, i - start);
        }
        break;
      }
      default:
        out.append(w, start, i - start);
    }
  }
}

bool uyghur_to_latin(std::string_view w, std::string& out) {
  out.clear();
  for (size_t i = 0; i < w.size();) {
    char32_t c = next_code_point(w, i);
    if (c >= '0' && c <= '9') {
      out.push_back(static_cast<char>(c));
      continue;
    }
    const Info& in = info(c);
    bool last = i >= w.size();
    std::string_view latin(in.latin.data(), in.length);
    switch (in.kind) {
      case Kind::kOther:
        return false;
      case Kind::kDropped:
        continue;
      case Kind::kHamza:
        if (!out.empty())
          out.push_back('\'');  // a word-initial carrier is not written in ULY
        continue;
      case Kind::kHeh:
        latin = last ? "e" : "h";  // final ه looks like ە; initial and medial ones like ھ
        break;
      case Kind::kFarsiYeh:
        latin = last ? "i" : "y";  // ی is dotless at the end like ى, dotted elsewhere like ي
        break;
      default:
        break;
    }
    if (needs_separator(out, latin[0]))
      out.push_back('\'');
    out.append(latin);
  }
  return !out.empty();
}

}  // namespace dossier::text
