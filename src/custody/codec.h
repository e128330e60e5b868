// Small byte codecs shared by the custody formats: strict base64, CRC-32C, big-endian integers.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace dossier::custody {

// Standard base64 (RFC 4648 §4) with padding.
std::string base64_encode(std::span<const uint8_t> bytes);
inline std::string base64_encode(std::string_view bytes) {
  return base64_encode(
      std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size()));
}
// Strict: padding required, no whitespace, unused bits must be zero (one text per byte string).
std::optional<std::vector<uint8_t>> base64_decode(std::string_view text);

// CRC-32C (Castagnoli). Catches torn and garbled records; it is not a defence against tampering.
uint32_t crc32c(std::span<const uint8_t> bytes);

void put_be32(uint8_t* out, uint32_t v);
uint32_t get_be32(const uint8_t* in);

// Parses a decimal uint64 with no sign, no leading zeros (except "0") and no overflow.
std::optional<uint64_t> parse_decimal(std::string_view text);

}  // namespace dossier::custody
