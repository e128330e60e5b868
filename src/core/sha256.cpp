#include "core/sha256.h"

#include <openssl/evp.h>

#include <cstdio>
#include <vector>

#include "core/file_util.h"

namespace dossier {
namespace {

struct EvpMdCtxFree {
  void operator()(EVP_MD_CTX* ctx) const { EVP_MD_CTX_free(ctx); }
};
using EvpMdCtx = std::unique_ptr<EVP_MD_CTX, EvpMdCtxFree>;

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

std::string to_hex(std::span<const uint8_t> bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out(bytes.size() * 2, '0');
  for (size_t i = 0; i < bytes.size(); ++i) {
    out[2 * i] = kDigits[bytes[i] >> 4];
    out[2 * i + 1] = kDigits[bytes[i] & 0xf];
  }
  return out;
}

Result<Digest> digest_from_hex(std::string_view hex) {
  if (hex.size() != 64) return Error{ErrorCode::kInvalidInput, "a sha256 is 64 hex digits", std::string(hex)};
  Digest d{};
  for (size_t i = 0; i < 32; ++i) {
    int hi = hex_value(hex[2 * i]);
    int lo = hex_value(hex[2 * i + 1]);
    if (hi < 0 || lo < 0) return Error{ErrorCode::kInvalidInput, "not a hex digit in sha256", std::string(hex)};
    d[i] = static_cast<uint8_t>(hi << 4 | lo);
  }
  return d;
}

struct Sha256::Impl {
  EvpMdCtx ctx{EVP_MD_CTX_new()};
};

Sha256::Sha256() : impl_(std::make_unique<Impl>()) {
  DOSSIER_CHECK(impl_->ctx != nullptr);
  DOSSIER_CHECK(EVP_DigestInit_ex(impl_->ctx.get(), EVP_sha256(), nullptr) == 1);
}
Sha256::~Sha256() = default;
Sha256::Sha256(Sha256&&) noexcept = default;
Sha256& Sha256::operator=(Sha256&&) noexcept = default;

void Sha256::update(std::span<const uint8_t> bytes) {
  if (bytes.empty()) return;
  DOSSIER_CHECK(EVP_DigestUpdate(impl_->ctx.get(), bytes.data(), bytes.size()) == 1);
}

Digest Sha256::finish() {
  Digest d{};
  unsigned int len = 0;
  DOSSIER_CHECK(EVP_DigestFinal_ex(impl_->ctx.get(), d.data(), &len) == 1 && len == d.size());
  return d;
}

Digest sha256(std::span<const uint8_t> bytes) {
  Sha256 h;
  h.update(bytes);
  return h.finish();
}

Digest sha256(std::string_view bytes) {
  Sha256 h;
  h.update(bytes);
  return h.finish();
}

Result<Digest> sha256_file(const std::filesystem::path& path) {
  DOSSIER_ASSIGN_OR_RETURN(UniqueFd fd, open_read(path));
  Sha256 h;
  std::vector<uint8_t> buf(1 << 20);
  for (;;) {
    DOSSIER_ASSIGN_OR_RETURN(size_t n, read_some(fd.get(), buf, path));
    if (n == 0) break;
    h.update(std::span<const uint8_t>(buf.data(), n));
  }
  return h.finish();
}

}  // namespace dossier
