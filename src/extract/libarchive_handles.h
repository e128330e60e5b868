// RAII for libarchive readers and writers.
#pragma once

#include <archive.h>
#include <archive_entry.h>

#include <memory>

namespace dossier::extract {

struct ArchiveReadFreer {
  void operator()(struct archive* a) const { archive_read_free(a); }
};
// A reader from archive_read_new(); archive_read_free() also closes it.
using ArchiveReader = std::unique_ptr<struct archive, ArchiveReadFreer>;

struct ArchiveWriteFreer {
  void operator()(struct archive* a) const { archive_write_free(a); }
};
// A writer from archive_write_new(); archive_write_free() also closes it.
using ArchiveWriter = std::unique_ptr<struct archive, ArchiveWriteFreer>;

struct ArchiveEntryFreer {
  void operator()(struct archive_entry* e) const { archive_entry_free(e); }
};
// An entry from archive_entry_new() (entries returned by archive_read_next_header are the
// reader's and must not be wrapped).
using ArchiveEntry = std::unique_ptr<struct archive_entry, ArchiveEntryFreer>;

}  // namespace dossier::extract
