// C2SP signed notes (c2sp.org/signed-note) with Ed25519 keys, and tlog checkpoints
// (c2sp.org/tlog-checkpoint) carried in them.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "custody/merkle.h"

namespace dossier::custody {

using PublicKey = std::array<uint8_t, 32>;

// Key ID = SHA-256(name || 0x0A || 0x01 || public key)[:4], big-endian.
uint32_t ed25519_key_id(std::string_view name, const PublicKey& key);
// Key names must be non-empty, with no Unicode spaces or '+' (we also refuse control bytes).
bool valid_key_name(std::string_view name);

// A public Ed25519 note key. Copyable; thread-safe.
struct Verifier {
  std::string name;
  uint32_t key_id = 0;
  PublicKey key{};
  // "name+hex(keyid)+base64(0x01 || key)".
  std::string vkey() const;
};
// Strict: the key ID must match the name and key.
Result<Verifier> parse_verifier_key(std::string_view vkey);

// An Ed25519 signing key. Move-only; the secret is wiped on destruction. Thread-safe for const use.
class Signer {
 public:
  // Fresh key from libsodium's CSPRNG. kInvalidInput for a bad name.
  static Result<Signer> generate(std::string_view name);
  // Parses "PRIVATE+KEY+name+hex(keyid)+base64(0x01 || 32-byte seed)" (the x/mod/sumdb/note form).
  static Result<Signer> parse(std::string_view skey);

  Signer(Signer&& o) noexcept;
  Signer& operator=(Signer&& o) noexcept;
  Signer(const Signer&) = delete;
  Signer& operator=(const Signer&) = delete;
  ~Signer();

  const Verifier& verifier() const { return verifier_; }
  // The secret in the PRIVATE+KEY form; store it readable by its owner only.
  std::string encode() const;
  // Returns text followed by a blank line and this key's signature line.
  // REQUIRES: text is non-empty, ends in '\n' and holds no control bytes but '\n'.
  std::string sign(std::string_view text) const;

 private:
  Signer() = default;
  static Result<Signer> from_seed(std::string_view name, const uint8_t* seed);

  Verifier verifier_;
  std::array<uint8_t, 32> seed_{};
  std::array<uint8_t, 64> secret_{};  // libsodium's expanded secret key
};

struct NoteSignature {
  std::string name;
  uint32_t key_id = 0;
  std::vector<uint8_t> signature;  // without the key ID
};

struct Note {
  std::string text;  // includes its final newline
  std::vector<NoteSignature> signatures;
};

// Splits a signed note and checks its syntax (UTF-8 with no control bytes but '\n'; at most 100
// signatures). Does not verify anything.
Result<Note> parse_note(std::string_view note);
// Verifies `note` with `verifier`: at least one signature must be by that key (name and ID) and
// every signature by it must verify; others are ignored, as the spec requires. Returns the text.
Result<std::string> open_note(std::string_view note, const Verifier& verifier);

struct Checkpoint {
  std::string origin;
  uint64_t size = 0;
  Hash root{};
  std::vector<std::string> extensions;  // opaque extra lines, normally none
  bool operator==(const Checkpoint&) const = default;
};

// "origin\nsize\nbase64(root)\n[extension lines]".
std::string encode_checkpoint(const Checkpoint& checkpoint);
// Strict parse of checkpoint note text (not signed).
Result<Checkpoint> parse_checkpoint(std::string_view text);
// Verifies the signed note with `verifier` and parses its text; the origin must equal the key name.
Result<Checkpoint> open_checkpoint(std::string_view signed_note, const Verifier& verifier);

}  // namespace dossier::custody
