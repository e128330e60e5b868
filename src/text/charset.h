// Bytes in any charset to UTF-8 text: BOM, then a declared charset, then detection (uchardet),
// converted with ICU. Leaked files lie about and omit their encodings, so decoding never fails on
// bad bytes: every invalid or unmappable sequence becomes U+FFFD.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "core/result.h"

namespace dossier::text {

struct DecodedText {
  std::string text;     // UTF-8, NFC, '\n' line ends, without a byte order mark
  std::string charset;  // the charset used to decode, as ICU names it ("UTF-8", "GB18030", ...)
};

// Decodes `bytes` to UTF-8. Order of precedence: a byte order mark (UTF-8, UTF-16LE/BE,
// UTF-32LE/BE); `declared_charset` if ICU knows it (legacy labels are widened to their supersets:
// gb2312/gbk -> GB18030, iso-8859-1/us-ascii -> windows-1252, shift_jis -> windows-31j); else
// detection: ASCII, valid UTF-8, BOM-less UTF-16 by its zero bytes, then uchardet, then
// windows-1252 as the last resort. A declared "utf-8" that is not valid UTF-8 is ignored.
// Thread-safe. Fails only with kLimit (input over 1 GiB) or kInternal (ICU refused).
Result<DecodedText> to_utf8(std::span<const uint8_t> bytes, std::string_view declared_charset = {});
inline Result<DecodedText> to_utf8(std::string_view bytes, std::string_view declared_charset = {}) {
  return to_utf8(
      std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size()),
      declared_charset);
}

// The charset detection alone (no BOM or declaration): "US-ASCII", "UTF-8", "UTF-16LE", a uchardet
// guess mapped to its ICU name, or "windows-1252". Looks at most at the first 4 MiB.
std::string detect_charset(std::span<const uint8_t> bytes);

// The ICU name for a charset label after widening legacy labels to their supersets, or "" when
// ICU does not know the label.
std::string canonical_charset(std::string_view label);

// True when the bytes do not look like text in any charset: NUL bytes or many C0 control
// characters, unless a UTF-16/32 byte order mark or a UTF-16 zero-byte pattern explains them.
// Cheap; meant for the first few KiB of an item.
bool looks_binary(std::span<const uint8_t> bytes);

// The charset a byte order mark names ("UTF-8", "UTF-16LE", ...) and the BOM length, or {"", 0}.
struct Bom {
  std::string_view charset;
  size_t length = 0;
};
Bom detect_bom(std::span<const uint8_t> bytes);

}  // namespace dossier::text
