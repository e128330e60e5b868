// Canonical, versioned custody log entries (the bytes that become Merkle leaves).
//
// An entry is UTF-8-safe text, one "key value" field per line, in a fixed order, ending in a
// newline. The exact layout is specified in docs/formats/custody.md. Encoding is a function:
// one entry has exactly one byte string, and parse_entry() rejects any other bytes, so that
// encode_entry(parse_entry(b)) == b for every accepted b and parse_entry(encode_entry(e)) == e.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "core/result.h"
#include "core/sha256.h"

namespace dossier::custody {

inline constexpr std::string_view kEntryMagic = "dossier-custody-entry v1";

// Where an original was found: a filesystem path, or a name inside a parent document
// (an archive member, an attachment).
struct Location {
  std::optional<Digest> parent;  // set for embedded documents
  std::string path;              // path as found, or the name inside the parent; any bytes
  bool operator==(const Location&) const = default;
};

// An original entered the project.
struct IngestEntry {
  Digest sha256{};
  uint64_t size = 0;
  Location location;
  int64_t received = 0;         // Unix seconds, UTC
  std::string dossier_version;  // e.g. "0.1.0"; printable ASCII, no spaces
  bool operator==(const IngestEntry&) const = default;
};

// Something was derived from a stored input: extracted text, OCR output, a rendering.
struct DeriveEntry {
  std::string derivation;  // what was derived: [a-z0-9-]+, e.g. "text", "ocr"
  Digest input{};
  Digest output{};
  uint64_t output_size = 0;
  std::string tool;          // e.g. "mupdf"; any bytes (escaped)
  std::string tool_version;  // any bytes (escaped)
  int64_t time = 0;          // Unix seconds, UTC
  std::string dossier_version;
  bool operator==(const DeriveEntry&) const = default;
};

using Entry = std::variant<IngestEntry, DeriveEntry>;

// "INGEST" or "DERIVE".
std::string_view entry_kind_name(const Entry& entry);

// REQUIRES: version strings are printable ASCII without spaces, derivation matches [a-z0-9-]+,
// times are within years 0000..9999 (DOSSIER_CHECK otherwise).
std::string encode_entry(const Entry& entry);
// kCorrupt with the reason if the bytes are not exactly the canonical encoding of an entry.
Result<Entry> parse_entry(std::string_view bytes);

// Field escaping: bytes 0x00-0x20, '%', 0x7F and bytes that are not part of well-formed UTF-8
// become %XX (uppercase hex); everything else is kept. Exposed for tests and docs.
std::string escape_field(std::string_view raw);
std::optional<std::string> unescape_field(std::string_view escaped);  // strict, canonical only

}  // namespace dossier::custody
