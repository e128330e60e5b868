// An in-memory zip reader for zip-based document formats (OOXML, ODF, EPUB), on libarchive.
//
// Reads every member once when opened and keeps the bytes, so lookups by name are cheap. Meant for
// documents, not for huge archives: the archive extractor streams members instead.
#pragma once

#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/result.h"
#include "extract/extractor.h"

namespace dossier::extract {

struct ZipMember {
  std::string name;
  uint64_t size = 0;       // uncompressed size as read (declared size when not read)
  bool encrypted = false;  // bytes unavailable: encrypted, or their data failed to decode
  bool is_dir = false;
};

// Immutable after open(); safe to read from several threads.
class ZipArchive {
 public:
  // Reads the whole zip in `bytes` (not kept). Members whose bytes cannot be had (encrypted, a
  // damaged deflate stream) are listed with encrypted = true and have no data. Stops reading data
  // once the members' total size would pass `max_total_bytes`; later members are listed but
  // their data is absent, and over_limit() is true.
  // Errors: kCorrupt when the bytes are not a readable zip at all, kEncrypted when every file
  // member is encrypted, kLimit when even the first member is over the limit.
  static Result<ZipArchive> open(std::span<const uint8_t> bytes, uint64_t max_total_bytes);

  const std::vector<ZipMember>& members() const { return members_; }
  // The bytes of the member with exactly this name; nullptr when absent, encrypted, a directory
  // or skipped over the limit.
  const std::string* find(std::string_view name) const;
  // Names of file members (not directories) starting with `prefix`, in archive order.
  std::vector<std::string> names_with_prefix(std::string_view prefix) const;

  bool over_limit() const { return over_limit_; }
  // Reading stopped early on damage (a truncated archive): the members listed are those before.
  const std::string& damage() const { return damage_; }

 private:
  std::vector<ZipMember> members_;
  std::vector<std::string> data_;  // parallel to members_
  std::vector<bool> has_data_;     // parallel to members_
  std::unordered_map<std::string, size_t> by_name_;  // first member of each name
  bool over_limit_ = false;
  std::string damage_;
};

// Opens a zip-based document (OOXML, ODF, EPUB, XPS) with the expansion budget its limits allow:
// at most max_child_bytes, at least 256 MiB or max_ratio times its size. An error's message is
// prefixed with `kind` ("EPUB book: ...") and its context is the item's name.
Result<ZipArchive> open_document_zip(const Item& item, const ExtractContext& ctx, std::string_view kind);

// Emits the members `is_child` picks (directories never) as children of `out`, in archive order:
// counts them in out.declared_children, records a member whose bytes are missing as a child
// problem ("limit" past the size budget, else "corrupt"), and stops emitting at the first limit
// ctx.emit_child reports, with a warning. `seen` is called for every picked member, emitted or
// not (to note macros, say).
void emit_zip_members(const ZipArchive& zip, Extraction& out, ExtractContext& ctx,
                      const std::function<bool(const ZipMember&)>& is_child,
                      const std::function<void(const ZipMember&)>& seen = {});

}  // namespace dossier::extract
