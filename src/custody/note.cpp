#include "custody/note.h"

#include <sodium.h>

#include <array>
#include <cstring>
#include <utility>

#include "core/sha256.h"
#include "custody/codec.h"

namespace dossier::custody {
namespace {

constexpr uint8_t kAlgEd25519 = 0x01;
constexpr std::string_view kDash = "\xE2\x80\x94 ";  // U+2014 EM DASH, space
constexpr size_t kMaxSignatures = 100;

void init_sodium() {
  static const int rc = sodium_init();
  DOSSIER_CHECK(rc >= 0);
}

Error bad(std::string message, std::string context = "signed note") {
  return Error{ErrorCode::kCorrupt, std::move(message), std::move(context)};
}

std::string hex32(uint32_t v) {
  std::string out(8, '0');
  for (int i = 7; i >= 0; --i, v >>= 4)
    out[static_cast<size_t>(i)] = "0123456789abcdef"[v & 15];
  return out;
}

Result<uint32_t> parse_hex32(std::string_view s) {
  if (s.size() != 8)
    return bad("key ID is not 8 hex digits", "verifier key");
  uint32_t v = 0;
  for (char c : s) {
    int d = (c >= '0' && c <= '9') ? c - '0' : (c >= 'a' && c <= 'f') ? c - 'a' + 10 : -1;
    if (d < 0)
      return bad("key ID is not lowercase hex", "verifier key");
    v = (v << 4) | static_cast<uint32_t>(d);
  }
  return v;
}

// Valid UTF-8 with no control characters other than '\n'.
bool clean_text(std::string_view s) {
  for (size_t i = 0; i < s.size();) {
    auto c = static_cast<uint8_t>(s[i]);
    if (c < 0x80) {
      if ((c < 0x20 && c != '\n') || c == 0x7F)
        return false;
      ++i;
      continue;
    }
    size_t n = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC2 ? 2 : 0;
    if (n == 0 || c > 0xF4 || i + n > s.size())
      return false;
    for (size_t k = 1; k < n; ++k) {
      if ((static_cast<uint8_t>(s[i + k]) & 0xC0) != 0x80)
        return false;
    }
    i += n;
  }
  return true;
}

// Splits "name+hexid+base64" style strings after an optional prefix.
Result<std::vector<std::string_view>> split_plus(std::string_view s, size_t parts) {
  std::vector<std::string_view> out;
  size_t pos = 0;
  for (size_t i = 0; i + 1 < parts; ++i) {
    size_t p = s.find('+', pos);
    if (p == std::string_view::npos)
      return bad("expected name+keyid+key", "key");
    out.push_back(s.substr(pos, p - pos));
    pos = p + 1;
  }
  out.push_back(s.substr(pos));
  return out;
}

}  // namespace

bool valid_key_name(std::string_view name) {
  if (name.empty() || !clean_text(name))
    return false;
  for (char c : name) {
    if (c == '+' || c == ' ' || c == '\n')
      return false;
  }
  // Unicode spaces beyond ASCII: U+0085, U+00A0, U+1680, U+2000-U+200A, U+2028/9, U+202F,
  // U+205F, U+3000. Refuse them all.
  static constexpr std::array<std::string_view, 8> kSpaces = {
      "\xC2\x85",     "\xC2\xA0",     "\xE1\x9A\x80", "\xE2\x80\xA8",
      "\xE2\x80\xA9", "\xE2\x80\xAF", "\xE2\x81\x9F", "\xE3\x80\x80"};
  for (std::string_view sp : kSpaces) {
    if (name.find(sp) != std::string_view::npos)
      return false;
  }
  for (unsigned c = 0x80; c <= 0x8A; ++c) {  // U+2000..U+200A
    const std::string seq = {'\xE2', '\x80', static_cast<char>(c)};
    if (name.find(seq) != std::string_view::npos)
      return false;
  }
  return true;
}

uint32_t ed25519_key_id(std::string_view name, const PublicKey& key) {
  Sha256 h;
  h.update(name);
  const std::array<uint8_t, 2> sep = {0x0A, kAlgEd25519};
  h.update(std::span<const uint8_t>(sep));
  h.update(std::span<const uint8_t>(key));
  Digest d = h.finish();
  return get_be32(d.data());
}

std::string Verifier::vkey() const {
  std::array<uint8_t, 33> buf{};
  buf[0] = kAlgEd25519;
  std::memcpy(buf.data() + 1, key.data(), 32);
  return name + "+" + hex32(key_id) + "+" + base64_encode(std::span<const uint8_t>(buf));
}

Result<Verifier> parse_verifier_key(std::string_view vkey) {
  DOSSIER_ASSIGN_OR_RETURN(auto parts, split_plus(vkey, 3));
  Verifier v;
  v.name = std::string(parts[0]);
  if (!valid_key_name(v.name))
    return bad("invalid key name", "verifier key");
  DOSSIER_ASSIGN_OR_RETURN(v.key_id, parse_hex32(parts[1]));
  auto raw = base64_decode(parts[2]);
  if (!raw || raw->size() != 33 || (*raw)[0] != kAlgEd25519) {
    return bad("key is not base64 of 0x01 followed by a 32-byte Ed25519 key", "verifier key");
  }
  std::memcpy(v.key.data(), raw->data() + 1, 32);
  if (ed25519_key_id(v.name, v.key) != v.key_id) {
    return bad("key ID does not match the name and key", "verifier key");
  }
  return v;
}

Result<Signer> Signer::from_seed(std::string_view name, const uint8_t* seed) {
  init_sodium();
  if (!valid_key_name(name)) {
    return Error{ErrorCode::kInvalidInput, "invalid key name (no spaces or '+')",
                 std::string(name)};
  }
  Signer s;
  std::memcpy(s.seed_.data(), seed, 32);
  crypto_sign_seed_keypair(s.verifier_.key.data(), s.secret_.data(), s.seed_.data());
  s.verifier_.name = std::string(name);
  s.verifier_.key_id = ed25519_key_id(name, s.verifier_.key);
  return s;
}

Result<Signer> Signer::generate(std::string_view name) {
  init_sodium();
  std::array<uint8_t, 32> seed{};
  randombytes_buf(seed.data(), seed.size());
  auto s = from_seed(name, seed.data());
  sodium_memzero(seed.data(), seed.size());
  return s;
}

Result<Signer> Signer::parse(std::string_view skey) {
  constexpr std::string_view kPrefix = "PRIVATE+KEY+";
  while (!skey.empty() && skey.back() == '\n')
    skey.remove_suffix(1);
  if (skey.substr(0, kPrefix.size()) != kPrefix)
    return bad("not a PRIVATE+KEY", "signing key");
  DOSSIER_ASSIGN_OR_RETURN(auto parts, split_plus(skey.substr(kPrefix.size()), 3));
  DOSSIER_ASSIGN_OR_RETURN(uint32_t id, parse_hex32(parts[1]));
  auto raw = base64_decode(parts[2]);
  if (!raw || raw->size() != 33 || (*raw)[0] != kAlgEd25519) {
    return bad("not an Ed25519 seed", "signing key");
  }
  auto s = from_seed(parts[0], raw->data() + 1);
  sodium_memzero(raw->data(), raw->size());
  if (s.has_value() && s->verifier_.key_id != id) {
    return bad("key ID does not match the key", "signing key");
  }
  return s;
}

Signer::Signer(Signer&& o) noexcept
    : verifier_(std::move(o.verifier_)), seed_(o.seed_), secret_(o.secret_) {
  sodium_memzero(o.seed_.data(), o.seed_.size());
  sodium_memzero(o.secret_.data(), o.secret_.size());
}

Signer& Signer::operator=(Signer&& o) noexcept {
  if (this != &o) {
    verifier_ = std::move(o.verifier_);
    seed_ = o.seed_;
    secret_ = o.secret_;
    sodium_memzero(o.seed_.data(), o.seed_.size());
    sodium_memzero(o.secret_.data(), o.secret_.size());
  }
  return *this;
}

Signer::~Signer() {
  sodium_memzero(seed_.data(), seed_.size());
  sodium_memzero(secret_.data(), secret_.size());
}

std::string Signer::encode() const {
  std::array<uint8_t, 33> buf{};
  buf[0] = kAlgEd25519;
  std::memcpy(buf.data() + 1, seed_.data(), 32);
  std::string out = "PRIVATE+KEY+" + verifier_.name + "+" + hex32(verifier_.key_id) + "+" +
                    base64_encode(std::span<const uint8_t>(buf));
  sodium_memzero(buf.data(), buf.size());
  return out;
}

std::string Signer::sign(std::string_view text) const {
  DOSSIER_CHECK(!text.empty() && text.back() == '\n' && clean_text(text));
  std::array<uint8_t, 4 + crypto_sign_BYTES> sig{};
  put_be32(sig.data(), verifier_.key_id);
  crypto_sign_detached(sig.data() + 4, nullptr, reinterpret_cast<const uint8_t*>(text.data()),
                       text.size(), secret_.data());
  std::string out(text);
  out += "\n";
  out += kDash;
  out += verifier_.name + " " + base64_encode(std::span<const uint8_t>(sig)) + "\n";
  return out;
}

Result<Note> parse_note(std::string_view note) {
  if (note.size() > (1u << 20))
    return bad("note larger than 1 MiB");
  if (!clean_text(note))
    return bad("note is not UTF-8 text without control characters");
  size_t split = note.rfind("\n\n");
  if (split == std::string_view::npos || note.back() != '\n')
    return bad("no signature block");
  Note n;
  n.text = std::string(note.substr(0, split + 1));
  std::string_view sigs = note.substr(split + 2);
  while (!sigs.empty()) {
    size_t nl = sigs.find('\n');
    std::string_view line = sigs.substr(0, nl);
    sigs.remove_prefix(nl + 1);
    if (line.substr(0, kDash.size()) != kDash)
      return bad("signature line without em dash");
    line.remove_prefix(kDash.size());
    size_t sp = line.find(' ');
    if (sp == std::string_view::npos)
      return bad("signature line without a signature");
    NoteSignature s;
    s.name = std::string(line.substr(0, sp));
    if (!valid_key_name(s.name))
      return bad("invalid key name in a signature line");
    auto raw = base64_decode(line.substr(sp + 1));
    if (!raw || raw->size() < 5)
      return bad("signature is not base64 of key ID and signature");
    s.key_id = get_be32(raw->data());
    s.signature.assign(raw->begin() + 4, raw->end());
    n.signatures.push_back(std::move(s));
    if (n.signatures.size() > kMaxSignatures)
      return bad("too many signatures");
  }
  if (n.signatures.empty())
    return bad("note has no signatures");
  return n;
}

Result<std::string> open_note(std::string_view note, const Verifier& verifier) {
  init_sodium();
  DOSSIER_ASSIGN_OR_RETURN(Note n, parse_note(note));
  bool verified = false;
  for (const NoteSignature& s : n.signatures) {
    if (s.name != verifier.name || s.key_id != verifier.key_id)
      continue;
    if (s.signature.size() != crypto_sign_BYTES ||
        crypto_sign_verify_detached(s.signature.data(),
                                    reinterpret_cast<const uint8_t*>(n.text.data()), n.text.size(),
                                    verifier.key.data()) != 0) {
      return bad("signature by " + verifier.name + " does not verify: the note was altered");
    }
    verified = true;
  }
  if (!verified)
    return bad("note is not signed by " + verifier.name + "+" + hex32(verifier.key_id));
  return std::move(n.text);
}

std::string encode_checkpoint(const Checkpoint& c) {
  std::string out = c.origin + "\n" + std::to_string(c.size) + "\n" +
                    base64_encode(std::span<const uint8_t>(c.root)) + "\n";
  for (const std::string& e : c.extensions)
    out += e + "\n";
  return out;
}

Result<Checkpoint> parse_checkpoint(std::string_view text) {
  if (text.empty() || text.back() != '\n')
    return bad("checkpoint does not end in a newline");
  std::vector<std::string_view> lines;
  for (size_t pos = 0; pos < text.size();) {
    size_t nl = text.find('\n', pos);
    lines.push_back(text.substr(pos, nl - pos));
    pos = nl + 1;
  }
  if (lines.size() < 3)
    return bad("checkpoint has fewer than three lines", "checkpoint");
  for (std::string_view l : lines) {
    if (l.empty())
      return bad("checkpoint has an empty line", "checkpoint");
  }
  Checkpoint c;
  c.origin = std::string(lines[0]);
  auto size = parse_decimal(lines[1]);
  if (!size)
    return bad("tree size is not a canonical decimal", "checkpoint");
  c.size = *size;
  auto root = base64_decode(lines[2]);
  if (!root || root->size() != 32)
    return bad("root hash is not base64 of 32 bytes", "checkpoint");
  std::memcpy(c.root.data(), root->data(), 32);
  for (size_t i = 3; i < lines.size(); ++i)
    c.extensions.emplace_back(lines[i]);
  return c;
}

Result<Checkpoint> open_checkpoint(std::string_view signed_note, const Verifier& verifier) {
  DOSSIER_ASSIGN_OR_RETURN(std::string text, open_note(signed_note, verifier));
  DOSSIER_ASSIGN_OR_RETURN(Checkpoint c, parse_checkpoint(text));
  if (c.origin != verifier.name) {
    return bad("checkpoint origin '" + c.origin + "' is not the key name " + verifier.name,
               "checkpoint");
  }
  return c;
}

}  // namespace dossier::custody
