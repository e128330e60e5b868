// Builds archives in memory with libarchive's writer, for the archive extractor's tests.
#pragma once

#include <archive.h>
#include <archive_entry.h>

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "extract/libarchive_handles.h"

namespace dossier::extract::testing {

struct MemberSpec {
  MemberSpec(std::string n, std::string b, unsigned t = AE_IFREG, std::string l = {},
             bool e = false)
      : name(std::move(n)), bytes(std::move(b)), type(t), link(std::move(l)), encrypt(e) {}

  std::string name;
  std::string bytes;
  unsigned type = AE_IFREG;  // AE_IFDIR, AE_IFLNK, ...
  std::string link;          // symlink target
  bool encrypt = false;      // zip only: ZipCrypto with the passphrase "secret" (whole archive)
};

using FormatSetter = int (*)(struct archive*);

inline la_ssize_t append_to_string(struct archive*, void* out, const void* buf, size_t n) {
  static_cast<std::string*>(out)->append(static_cast<const char*>(buf), n);
  return static_cast<la_ssize_t>(n);
}

// An archive of `members` in `format` (archive_write_set_format_*), compressed with `filter`
// (archive_write_add_filter_*) when given; "" when libarchive refuses.
inline std::string make_archive(const std::vector<MemberSpec>& members, FormatSetter format,
                                FormatSetter filter = nullptr) {
  std::string out;
  ArchiveWriter w(archive_write_new());
  if (format(w.get()) != ARCHIVE_OK)
    return {};
  if (filter != nullptr && filter(w.get()) != ARCHIVE_OK)
    return {};
  archive_write_set_bytes_in_last_block(w.get(), 1);
  // Options apply to the whole archive: one encrypted member encrypts them all (see splice_zips).
  for (const MemberSpec& m : members) {
    if (m.encrypt) {
      archive_write_set_format_option(w.get(), "zip", "encryption", "zipcrypt");
      archive_write_set_passphrase(w.get(), "secret");
      break;
    }
  }
  if (archive_write_open(w.get(), &out, nullptr, append_to_string, nullptr) != ARCHIVE_OK)
    return {};
  for (const MemberSpec& m : members) {
    ArchiveEntry e(archive_entry_new());
    archive_entry_set_pathname(e.get(), m.name.c_str());
    archive_entry_set_filetype(e.get(), m.type);
    archive_entry_set_perm(e.get(), m.type == AE_IFDIR ? 0755 : 0644);
    archive_entry_set_mtime(e.get(), 1700000000, 0);
    if (m.type == AE_IFLNK)
      archive_entry_set_symlink(e.get(), m.link.c_str());
    const bool has_data = m.type == AE_IFREG;
    archive_entry_set_size(e.get(), has_data ? static_cast<la_int64_t>(m.bytes.size()) : 0);
    if (archive_write_header(w.get(), e.get()) < ARCHIVE_WARN)
      return {};
    if (has_data && !m.bytes.empty() &&
        archive_write_data(w.get(), m.bytes.data(), m.bytes.size()) < 0) {
      return {};
    }
  }
  if (archive_write_close(w.get()) != ARCHIVE_OK)
    return {};
  return out;
}

inline std::string make_zip(const std::vector<MemberSpec>& members) {
  return make_archive(members, archive_write_set_format_zip);
}

// A single compressed file ("raw" format) holding `bytes`.
inline std::string make_compressed(const std::string& bytes, FormatSetter filter) {
  return make_archive({{"data", bytes}}, archive_write_set_format_raw, filter);
}

// Little-endian bytes of `v`, for zips written by hand.
inline std::string le(uint64_t v, int n) {
  std::string s;
  for (int i = 0; i < n; ++i)
    s += static_cast<char>((v >> (8 * i)) & 0xff);
  return s;
}

// A zip with one member stored with compression method `method` (12 = bzip2), whose compressed
// bytes are `data`; the headers declare `size` uncompressed bytes and `crc`.
inline std::string make_raw_zip(const std::string& name, const std::string& data, uint16_t method,
                                uint64_t size, uint32_t crc) {
  std::string local = le(0x04034b50, 4) + le(46, 2) + le(0, 2) + le(method, 2) + le(0, 4) +
                      le(crc, 4) + le(data.size(), 4) + le(size, 4) + le(name.size(), 2) +
                      le(0, 2) + name + data;
  std::string central = le(0x02014b50, 4) + le(0x031e, 2) + le(46, 2) + le(0, 2) + le(method, 2) +
                        le(0, 4) + le(crc, 4) + le(data.size(), 4) + le(size, 4) +
                        le(name.size(), 2) + le(0, 2) + le(0, 2) + le(0, 2) + le(0, 2) +
                        le(0100644u << 16, 4) + le(0, 4) + name;
  std::string eocd = le(0x06054b50, 4) + le(0, 2) + le(0, 2) + le(1, 2) + le(1, 2) +
                     le(central.size(), 4) + le(local.size(), 4) + le(0, 2);
  return local + central + eocd;
}

inline uint64_t read_le(const std::string& s, size_t at, int n) {
  uint64_t v = 0;
  for (int i = n - 1; i >= 0; --i)
    v = (v << 8) | static_cast<uint8_t>(s[at + static_cast<size_t>(i)]);
  return v;
}

// One zip holding the members of `zips` in order (without comments), for archives whose members
// differ in options libarchive's writer sets per archive (a plain member next to an encrypted one).
inline std::string splice_zips(const std::vector<std::string>& zips) {
  std::string locals;
  std::string central;
  uint64_t count = 0;
  for (const std::string& z : zips) {
    if (z.size() < 22)
      return {};
    const size_t eocd = z.size() - 22;
    const uint64_t entries = read_le(z, eocd + 10, 2);
    const uint64_t cd_size = read_le(z, eocd + 12, 4);
    const uint64_t cd_offset = read_le(z, eocd + 16, 4);
    std::string cd = z.substr(cd_offset, cd_size);
    size_t at = 0;
    for (uint64_t i = 0; i < entries; ++i) {
      const uint64_t offset = read_le(cd, at + 42, 4) + locals.size();
      cd.replace(at + 42, 4, le(offset, 4));
      at += 46 + read_le(cd, at + 28, 2) + read_le(cd, at + 30, 2) + read_le(cd, at + 32, 2);
    }
    locals += z.substr(0, cd_offset);
    central += cd;
    count += entries;
  }
  return locals + central + le(0x06054b50, 4) + le(0, 2) + le(0, 2) + le(count, 2) + le(count, 2) +
         le(central.size(), 4) + le(locals.size(), 4) + le(0, 2);
}

}  // namespace dossier::extract::testing
