// What the archive extractor knows about formats: which MIME types and magic bytes it takes, how
// to set up a libarchive reader for each, and how to name things in messages and children.
#pragma once

#include <archive.h>
#include <archive_entry.h>

#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace dossier::extract {

enum class ArchiveKind {
  kZip,
  kTar,
  kSevenZip,
  kRar,
  kIso9660,
  kCpio,
  kAr,
  kRpm,
  kCab,
  kLha,
  kXar,
  kCompressed,  // one compressed file (gzip, bzip2, xz, ...), which may hold a tar
};

// The kind for a sniffed MIME type (parameters ignored), or nullopt when it is not an archive.
std::optional<ArchiveKind> archive_kind_for_mime(std::string_view mime);
// The kind from the first bytes alone (for items libmagic called application/octet-stream).
std::optional<ArchiveKind> archive_kind_from_magic(std::span<const uint8_t> head);

// How a reader is set up. kStreamingZip is the retry for zips whose central directory libarchive's
// seeking reader rejects: it reads the local headers from the front. kShortBids is the retry for
// compressed files that end early: only the formats whose bidders look at the first few hundred
// bytes (the ISO 9660 bidder reads 48 KiB ahead and fails the whole open on a truncated stream).
enum class ReaderSetup { kNormal, kStreamingZip, kShortBids };
// Enables the filters and formats for `kind` on a fresh reader. Only decompressors built into
// libarchive (never the ones that run an external program), and the "raw" format only for
// kCompressed, so that damaged archives are not passed off as one opaque member.
void enable_formats(struct archive* a, ArchiveKind kind, ReaderSetup setup);

// A short format name for messages, before anything is read ("zip", "7z", "gzip").
std::string_view kind_label(ArchiveKind kind);
// The same once libarchive has recognized the format (after the first header).
std::string format_label(struct archive* a, ArchiveKind fallback);
// The decompression filters in use, outermost last, joined by "+" ("gzip", "" for none).
std::string filter_names(struct archive* a);
bool is_raw_format(struct archive* a);
bool is_zip_format(struct archive* a);

// The child name for a single compressed file: `archive_name` without its compression suffix
// ("report.pdf.gz" -> "report.pdf", "x.tgz" -> "x.tar"), or "data" when nothing is left.
std::string strip_compression_suffix(std::string_view archive_name);
// True when the gzip header stores the original file name (FNAME), which libarchive reports as the
// raw entry's path.
bool gzip_has_name(std::span<const uint8_t> bytes);

// The member's path as UTF-8: UTF-8 as stored, else decoded from `legacy_charset` ("" detects).
// Empty when the entry has no name.
std::string entry_name(struct archive_entry* entry, std::string_view legacy_charset);
bool is_valid_utf8(std::string_view s);
// The charset for zip names stored without the UTF-8 flag, from all of them (ZipDirectory's
// legacy_names): a CJK code page when detection finds one, else CP437 ("ibm-437").
std::string zip_legacy_charset(const std::string& names);
// True when libarchive's message is about encryption or a missing passphrase.
bool is_encryption_message(std::string_view message);

}  // namespace dossier::extract
