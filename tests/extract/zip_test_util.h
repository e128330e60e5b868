// Builds zip archives in memory with libarchive's writer, for tests of zip-based formats.
#pragma once

#include <archive.h>
#include <archive_entry.h>

#include <string>
#include <utility>
#include <vector>

#include "extract/libarchive_handles.h"

namespace dossier::extract::testing {

struct ZipEntrySpec {
  std::string name;
  std::string bytes;
};

enum class ZipCompression { kDeflate, kStore };

// A zip of `entries` in order; "" on a libarchive failure (the test then fails on its content).
// `passphrase` non-empty makes every member ZipCrypto-encrypted.
inline std::string make_zip(const std::vector<ZipEntrySpec>& entries,
                            ZipCompression compression = ZipCompression::kDeflate,
                            const std::string& passphrase = {}) {
  std::vector<char> buf(1 << 22);
  size_t used = 0;
  ArchiveWriter w(archive_write_new());
  archive_write_set_format_zip(w.get());
  archive_write_set_bytes_in_last_block(w.get(), 1);
  if (compression == ZipCompression::kStore)
    archive_write_set_format_option(w.get(), "zip", "compression", "store");
  if (!passphrase.empty()) {
    archive_write_set_format_option(w.get(), "zip", "encryption", "zipcrypt");
    archive_write_set_passphrase(w.get(), passphrase.c_str());
  }
  if (archive_write_open_memory(w.get(), buf.data(), buf.size(), &used) != ARCHIVE_OK)
    return {};
  for (const ZipEntrySpec& e : entries) {
    ArchiveEntry entry(archive_entry_new());
    archive_entry_set_pathname(entry.get(), e.name.c_str());
    const bool dir = !e.name.empty() && e.name.back() == '/';
    archive_entry_set_filetype(entry.get(), dir ? AE_IFDIR : AE_IFREG);
    archive_entry_set_perm(entry.get(), dir ? 0755 : 0644);
    archive_entry_set_size(entry.get(), dir ? 0 : static_cast<la_int64_t>(e.bytes.size()));
    archive_entry_set_mtime(entry.get(), 1700000000, 0);
    if (archive_write_header(w.get(), entry.get()) != ARCHIVE_OK)
      return {};
    if (!dir && !e.bytes.empty() &&
        archive_write_data(w.get(), e.bytes.data(), e.bytes.size()) < 0) {
      return {};
    }
  }
  if (archive_write_close(w.get()) != ARCHIVE_OK)
    return {};
  return std::string(buf.data(), used);
}

}  // namespace dossier::extract::testing
