// The facts a zip declares about itself, read from its End Of Central Directory record (and the
// zip64 one) and its central directory, for container accounting. libarchive's readers hand out
// entries one at a time and never say how many the archive claims to hold, so dossier counts them
// itself: an archive that declares 40 files and yields 38 is evidence of damage.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>

namespace dossier::extract {

struct ZipDirectory {
  uint64_t entries = 0;  // every central directory header (what the EOCD declares)
  // Headers that are neither directories (a name ending in "/", or a Unix S_IFDIR mode) nor Unix
  // symlinks: the members that become children. Equals `entries` when the walk failed.
  uint64_t files = 0;
  bool walked = false;  // false: the headers could not be walked, `files` is the EOCD count
  // File headers that point at a local header an earlier file header points at: overlapping
  // files, the trick of the "flat" zip bomb. libarchive reads each local header once.
  uint64_t shared_offsets = 0;
  uint32_t disk = 0;    // number of this disk; non-zero for the last part of a split zip
  std::string comment;  // the archive comment, bytes as stored
  // The concatenated names of the headers without the UTF-8 flag (bit 11): what charset detection
  // looks at to decode legacy (CP437, GBK, Shift_JIS) names. Capped at 64 KiB.
  std::string legacy_names;
};

// Parses the EOCD found in the last 64 KiB + 22 bytes of `bytes`, following a zip64 locator when
// the 16/32-bit fields are saturated. Returns nullopt when there is no EOCD (not a zip, or a zip
// truncated before its end). Bounded by the input: never reads outside `bytes`, never loops more
// than once per header. Thread-safe (pure).
std::optional<ZipDirectory> read_zip_directory(std::span<const uint8_t> bytes);

}  // namespace dossier::extract
