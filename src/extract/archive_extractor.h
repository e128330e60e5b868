// Archives and compressed files through libarchive: zip, tar (plain, .tgz, .tbz2, .txz, .tzst),
// 7z, rar (v4 and v5, as far as libarchive reads them), iso9660, cpio, ar (and .deb), rpm, cab,
// lha, xar, and single compressed files (gzip, bzip2, xz, lzma, lzip, zstd, lz4, compress).
#pragma once

#include "extract/extractor.h"

namespace dossier::extract {

// Stateless and thread-safe (libarchive readers are per call). Reads from memory only and never
// writes anything to disk, so member names are only names: "../../etc/passwd" is kept as stored.
//
// Every regular-file member becomes a Child streamed through ctx.emit_child() as soon as its bytes
// are read, so at most one member is in memory. A single compressed file gives one child, named
// after the gzip header's original name, else the archive's name minus its suffix.
// Directories, symlinks, hardlinks and device entries are not children: they are listed in the
// metadata ("archive:directory", "archive:symlink" = "name -> target", "archive:hardlink",
// "archive:special"), with "archive:format", "archive:filter", "archive:entries" and, for zips,
// "archive:comment". Zips also declare their file count (declared_children) from the central
// directory, which dossier reads itself.
//
// Limits: a member is read in 64 KiB chunks and abandoned as soon as the children's bytes would
// pass min(limits.max_child_bytes, max(1 MiB, archive size x limits.max_ratio)); the member becomes
// a ChildProblem "limit" and reading stops (zip bombs never reach memory).
// Damage: encrypted members and members libarchive cannot decode become ChildProblems and the rest
// of the archive is still read; an archive that breaks off after some members keeps them and names
// where it stopped (a ChildProblem and a warning). Errors: kEncrypted when the headers themselves
// are encrypted, kCorrupt ("corrupt <format> archive: <libarchive's reason>") when nothing could be
// read, kUnsupported for one part of a split zip, kLimit when cancelled.
class ArchiveExtractor final : public Extractor {
 public:
  ExtractorId id() const override { return {"archive", 2}; }
  // kGoodMatch for the archive and compression MIME types (and for application/octet-stream with
  // an archive's magic bytes); never more, so that zip-based documents (OOXML, ODF, EPUB) go to the
  // office extractors, and kNoMatch for their own MIME types.
  MatchScore sniff(const Probe& probe) const override;
  Result<Extraction> extract(const Item& item, ExtractContext& ctx) const override;
};

}  // namespace dossier::extract
