#include "text/charset.h"

#include <uchardet.h>
#include <unicode/normalizer2.h>
#include <unicode/ucnv.h>
#include <unicode/ucnv_cb.h>
#include <unicode/unistr.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <memory>
#include <utility>

namespace dossier::text {
namespace {

// The deleters live here rather than in a text/*_handles.h because charset.cpp is their only user.
struct UcnvCloser {
  void operator()(UConverter* c) const { ucnv_close(c); }
};
using UcnvPtr = std::unique_ptr<UConverter, UcnvCloser>;
struct UchardetCloser {
  void operator()(uchardet_t u) const { uchardet_delete(u); }
};
using UchardetPtr = std::unique_ptr<std::remove_pointer_t<uchardet_t>, UchardetCloser>;

constexpr size_t kMaxInput = size_t{1} << 30;
constexpr size_t kDetectBytes = size_t{4} << 20;

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (std::isspace(static_cast<unsigned char>(s.front())) || s.front() == '"' ||
                        s.front() == '\'')) {
    s.remove_prefix(1);
  }
  while (!s.empty() && (std::isspace(static_cast<unsigned char>(s.back())) || s.back() == '"' ||
                        s.back() == '\'')) {
    s.remove_suffix(1);
  }
  return s;
}

// Labels whose real-world use is a superset encoding (as WHATWG decoders treat them): a file
// labelled gb2312 is almost always GBK, one labelled iso-8859-1 is almost always windows-1252.
std::string_view widen(const std::string& label) {
  struct Row {
    std::string_view from;
    std::string_view to;
  };
  static constexpr std::array kRows = {
      Row{"gb2312", "GB18030"},
      Row{"gbk", "GB18030"},
      Row{"x-gbk", "GB18030"},
      Row{"euc-cn", "GB18030"},
      Row{"cp936", "GB18030"},
      Row{"windows-936", "GB18030"},
      Row{"csgb2312", "GB18030"},
      Row{"gb_2312-80", "GB18030"},
      Row{"iso-8859-1", "windows-1252"},
      Row{"iso8859-1", "windows-1252"},
      Row{"iso_8859-1", "windows-1252"},
      Row{"latin1", "windows-1252"},
      Row{"l1", "windows-1252"},
      Row{"us-ascii", "windows-1252"},
      Row{"ascii", "windows-1252"},
      Row{"ansi_x3.4-1968", "windows-1252"},
      Row{"cp819", "windows-1252"},
      Row{"shift_jis", "windows-31j"},
      Row{"shift-jis", "windows-31j"},
      Row{"sjis", "windows-31j"},
      Row{"x-sjis", "windows-31j"},
      Row{"ms_kanji", "windows-31j"},
      Row{"csshiftjis", "windows-31j"},
      Row{"euc-kr", "windows-949"},
      Row{"ks_c_5601-1987", "windows-949"},
      Row{"uhc", "windows-949"},
      Row{"big5", "Big5-HKSCS"},
      Row{"big-5", "Big5-HKSCS"},
      Row{"cn-big5", "Big5-HKSCS"},
      Row{"csbig5", "Big5-HKSCS"},
      Row{"iso-8859-9", "windows-1254"},
      Row{"tis-620", "windows-874"},
      Row{"iso-8859-11", "windows-874"},
      Row{"mac-cyrillic", "x-mac-cyrillic"},
  };
  for (const Row& r : kRows) {
    if (r.from == label)
      return r.to;
  }
  return label;
}

bool icu_knows(const std::string& name) {
  UErrorCode err = U_ZERO_ERROR;
  UcnvPtr conv(ucnv_open(name.c_str(), &err));
  return U_SUCCESS(err) && conv != nullptr;
}

// Strict UTF-8 check (no overlongs, surrogates or code points past U+10FFFF). With `prefix`, a
// sequence cut off by the end of the buffer is allowed.
bool valid_utf8(std::span<const uint8_t> b, bool prefix) {
  size_t i = 0;
  const size_t n = b.size();
  while (i < n) {
    const uint8_t c = b[i];
    if (c < 0x80) {
      ++i;
      continue;
    }
    size_t len = 0;
    uint8_t lo = 0x80;
    uint8_t hi = 0xBF;
    if (c >= 0xC2 && c <= 0xDF) {
      len = 2;
    } else if (c >= 0xE0 && c <= 0xEF) {
      len = 3;
      if (c == 0xE0)
        lo = 0xA0;
      if (c == 0xED)
        hi = 0x9F;
    } else if (c >= 0xF0 && c <= 0xF4) {
      len = 4;
      if (c == 0xF0)
        lo = 0x90;
      if (c == 0xF4)
        hi = 0x8F;
    } else {
      return false;
    }
    for (size_t k = 1; k < len; ++k) {
      if (i + k >= n)
        return prefix;
      const uint8_t cc = b[i + k];
      if (k == 1 ? (cc < lo || cc > hi) : (cc < 0x80 || cc > 0xBF))
        return false;
    }
    i += len;
  }
  return true;
}

// "UTF-16LE"/"UTF-16BE" when zero bytes sit at one parity only, as ASCII-heavy UTF-16 has them.
std::string_view utf16_by_zeros(std::span<const uint8_t> b) {
  const size_t pairs = std::min<size_t>(b.size(), 8192) / 2;
  if (pairs < 2)
    return {};
  size_t zero_even = 0;
  size_t zero_odd = 0;
  for (size_t i = 0; i < pairs; ++i) {
    zero_even += b[2 * i] == 0;
    zero_odd += b[2 * i + 1] == 0;
  }
  if (zero_odd * 5 >= pairs && zero_even * 50 <= pairs)
    return "UTF-16LE";
  if (zero_even * 5 >= pairs && zero_odd * 50 <= pairs)
    return "UTF-16BE";
  return {};
}

// The name people know a charset by: ICU's MIME name ("GB18030", "KOI8-R"), else its IANA name;
// windows-* labels are kept as they are (ICU calls windows-31j "Shift_JIS", which it is not).
// EBCDIC text (mainframe exports): 0x40 is its space, letters sit at 0x81-0xE9, and an ASCII
// space is rare. uchardet does not know EBCDIC at all.
bool looks_ebcdic(std::span<const uint8_t> b) {
  if (b.size() < 64)
    return false;
  size_t ebcdic_space = 0;
  size_t ascii_space = 0;
  size_t letters = 0;
  for (uint8_t c : b) {
    ebcdic_space += c == 0x40;
    ascii_space += c == 0x20;
    letters += (c >= 0x81 && c <= 0xA9) || (c >= 0xC1 && c <= 0xE9);
  }
  return ebcdic_space * 20 > b.size() && ascii_space * 100 < b.size() && letters * 3 > b.size();
}

std::string display_name(const std::string& name) {
  if (name.rfind("windows-", 0) == 0)
    return name;
  UErrorCode err = U_ZERO_ERROR;
  UcnvPtr conv(ucnv_open(name.c_str(), &err));
  if (U_FAILURE(err) || conv == nullptr)
    return name;
  const char* canonical = ucnv_getName(conv.get(), &err);
  for (const char* standard : {"MIME", "IANA"}) {
    UErrorCode e = U_ZERO_ERROR;
    const char* found = ucnv_getStandardName(canonical, standard, &e);
    if (U_SUCCESS(e) && found != nullptr)
      return found;
  }
  return name;
}

void replace_invalid(const void* /*context*/, UConverterToUnicodeArgs* args, const char* /*units*/,
                     int32_t /*length*/, UConverterCallbackReason reason, UErrorCode* err) {
  if (reason > UCNV_IRREGULAR)
    return;  // reset, close, clone: nothing to write
  static constexpr UChar kReplacement = 0xFFFD;
  *err = U_ZERO_ERROR;
  ucnv_cbToUWriteUChars(args, &kReplacement, 1, 0, err);
}

Result<std::u16string> convert(std::span<const uint8_t> bytes, const std::string& charset) {
  UErrorCode err = U_ZERO_ERROR;
  UcnvPtr conv(ucnv_open(charset.c_str(), &err));
  if (U_FAILURE(err) || conv == nullptr) {
    return Error{ErrorCode::kInternal,
                 "ICU cannot open converter: " + std::string(u_errorName(err)), charset};
  }
  ucnv_setToUCallBack(conv.get(), replace_invalid, nullptr, nullptr, nullptr, &err);
  std::u16string out;
  out.reserve(bytes.size());
  std::array<UChar, 65536> buf;
  const char* src = reinterpret_cast<const char*>(bytes.data());
  const char* const src_end = src + bytes.size();
  for (;;) {
    UChar* target = buf.data();
    err = U_ZERO_ERROR;
    ucnv_toUnicode(conv.get(), &target, buf.data() + buf.size(), &src, src_end, nullptr,
                   /*flush=*/true, &err);
    out.append(buf.data(), static_cast<size_t>(target - buf.data()));
    if (err == U_BUFFER_OVERFLOW_ERROR)
      continue;
    if (U_FAILURE(err)) {
      return Error{ErrorCode::kInternal, "ICU conversion failed: " + std::string(u_errorName(err)),
                   charset};
    }
    return out;
  }
}

// CRLF, lone CR, NEL and the Unicode line and paragraph separators become LF; a leading U+FEFF (a
// BOM the converter kept) is dropped.
void normalize_line_ends(std::u16string& s) {
  char16_t* const p = s.data();
  const size_t n = s.size();
  size_t w = 0;
  size_t r = 0;
  if (n > 0 && p[0] == 0xFEFF)
    r = 1;
  for (; r < n; ++r) {
    char16_t c = p[r];
    if (c == u'\r') {
      if (r + 1 < n && p[r + 1] == u'\n')
        ++r;
      c = u'\n';
    } else if (c == 0x0085 || c == 0x2028 || c == 0x2029) {  // NEL (EBCDIC), LS, PS
      c = u'\n';
    }
    p[w++] = c;
  }
  s.resize(w);
}

}  // namespace

Bom detect_bom(std::span<const uint8_t> b) {
  auto starts = [&](std::initializer_list<uint8_t> sig) {
    return b.size() >= sig.size() && std::equal(sig.begin(), sig.end(), b.begin());
  };
  // UTF-32LE before UTF-16LE: FF FE 00 00 begins with the UTF-16LE mark.
  if (starts({0xEF, 0xBB, 0xBF}))
    return {"UTF-8", 3};
  if (starts({0xFF, 0xFE, 0x00, 0x00}))
    return {"UTF-32LE", 4};
  if (starts({0x00, 0x00, 0xFE, 0xFF}))
    return {"UTF-32BE", 4};
  if (starts({0xFF, 0xFE}))
    return {"UTF-16LE", 2};
  if (starts({0xFE, 0xFF}))
    return {"UTF-16BE", 2};
  return {};
}

std::string canonical_charset(std::string_view label) {
  std::string name(widen(lower(trim(label))));
  if (name.empty())
    return {};
  if (name == "utf8")
    name = "UTF-8";
  if (name == "big5-hkscs" || name == "Big5-HKSCS") {
    if (!icu_knows("Big5-HKSCS"))
      name = "Big5";
  }
  return icu_knows(name) ? name : std::string();
}

bool looks_binary(std::span<const uint8_t> b) {
  if (!detect_bom(b).charset.empty())
    return false;
  b = b.first(std::min<size_t>(b.size(), 65536));
  size_t controls = 0;
  bool nul = false;
  for (uint8_t c : b) {
    if (c == 0)
      nul = true;
    if (c < 0x20 && c != '\t' && c != '\n' && c != '\r' && c != '\f' && c != 0x0B && c != 0x1B) {
      ++controls;
    }
  }
  if (nul)
    return utf16_by_zeros(b).empty();
  return controls * 10 > b.size();
}

std::string detect_charset(std::span<const uint8_t> bytes) {
  std::span<const uint8_t> head = bytes.first(std::min(bytes.size(), kDetectBytes));
  if (std::all_of(head.begin(), head.end(), [](uint8_t c) { return c < 0x80; })) {
    std::string_view u16 = utf16_by_zeros(head);
    return u16.empty() ? "US-ASCII" : std::string(u16);
  }
  if (valid_utf8(head, head.size() < bytes.size()))
    return "UTF-8";
  if (std::string_view u16 = utf16_by_zeros(head); !u16.empty())
    return std::string(u16);
  if (looks_ebcdic(head))
    return "IBM500";

  UchardetPtr ud(uchardet_new());
  if (ud != nullptr && uchardet_handle_data(ud.get(), reinterpret_cast<const char*>(head.data()),
                                            head.size()) == 0) {
    uchardet_data_end(ud.get());
    const char* guess = uchardet_get_charset(ud.get());
    if (guess != nullptr && *guess != '\0') {
      std::string name = canonical_charset(guess);
      if (!name.empty())
        return name;
    }
  }
  return "windows-1252";
}

Result<DecodedText> to_utf8(std::span<const uint8_t> bytes, std::string_view declared_charset) {
  if (bytes.size() > kMaxInput) {
    return Error{ErrorCode::kLimit, "text larger than 1 GiB is not decoded", {}};
  }
  std::string charset;
  std::string reported;
  if (Bom bom = detect_bom(bytes); bom.length > 0) {
    charset = bom.charset;
    bytes = bytes.subspan(bom.length);
  } else if (std::string declared = canonical_charset(declared_charset); !declared.empty()) {
    std::string low = lower(declared);
    if (low == "utf-16" || low == "utf-32") {
      // No BOM: the zero bytes tell the byte order better than the standard's default (BE).
      std::string_view u16 = utf16_by_zeros(bytes);
      declared = low == "utf-32" ? "UTF-32LE" : (u16.empty() ? "UTF-16LE" : std::string(u16));
    }
    if (lower(declared) == "utf-8" && !valid_utf8(bytes, false)) {
      charset = detect_charset(bytes);
    } else {
      charset = declared;
    }
  } else {
    charset = detect_charset(bytes);
  }
  reported = display_name(charset);
  if (charset == "US-ASCII")
    charset = "UTF-8";

  auto converted = convert(bytes, charset);
  if (!converted)
    return converted.error();
  std::u16string& u16 = converted.value();
  normalize_line_ends(u16);

  UErrorCode err = U_ZERO_ERROR;
  const icu::Normalizer2* nfc = icu::Normalizer2::getNFCInstance(err);
  if (U_FAILURE(err)) {
    return Error{ErrorCode::kInternal, "ICU NFC normalizer unavailable", u_errorName(err)};
  }
  icu::UnicodeString src(false, u16.data(), static_cast<int32_t>(u16.size()));
  icu::UnicodeString normalized = nfc->normalize(src, err);
  if (U_FAILURE(err)) {
    return Error{ErrorCode::kInternal, "ICU NFC normalization failed", u_errorName(err)};
  }
  DecodedText out;
  normalized.toUTF8String(out.text);
  out.charset = std::move(reported);
  return out;
}

}  // namespace dossier::text
