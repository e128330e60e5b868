// SHA-256 via OpenSSL EVP, streaming so that a 10 GB original never sits in memory.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <span>
#include <string>
#include <string_view>

#include "core/result.h"

namespace dossier {

using Digest = std::array<uint8_t, 32>;

// Lowercase hex of any byte span.
std::string to_hex(std::span<const uint8_t> bytes);
inline std::string to_hex(const Digest& d) { return to_hex(std::span<const uint8_t>(d)); }
// Parses exactly 64 hex digits; kInvalidInput otherwise.
Result<Digest> digest_from_hex(std::string_view hex);

// Incremental hasher. Not thread-safe; one per stream.
class Sha256 {
 public:
  Sha256();
  ~Sha256();
  Sha256(Sha256&&) noexcept;
  Sha256& operator=(Sha256&&) noexcept;
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;

  void update(std::span<const uint8_t> bytes);
  void update(std::string_view bytes) {
    update(std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size()));
  }
  // REQUIRES: called once; the hasher is spent afterwards.
  Digest finish();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

Digest sha256(std::span<const uint8_t> bytes);
Digest sha256(std::string_view bytes);
// Streams the file through the hasher in 1 MiB reads.
Result<Digest> sha256_file(const std::filesystem::path& path);

}  // namespace dossier
