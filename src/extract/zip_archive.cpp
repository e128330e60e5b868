#include "extract/zip_archive.h"

#include <algorithm>
#include <array>

#include "extract/libarchive_handles.h"

namespace dossier::extract {
namespace {

std::string reason(struct archive* a, std::string_view fallback) {
  const char* s = archive_error_string(a);
  return s != nullptr && *s != '\0' ? std::string(s) : std::string(fallback);
}

std::string entry_name(struct archive_entry* entry) {
  // The UTF-8 form first: the locale form is null for names the C locale cannot represent.
  const char* name = archive_entry_pathname_utf8(entry);
  if (name == nullptr)
    name = archive_entry_pathname(entry);
  return name == nullptr ? std::string() : std::string(name);
}

enum class DataOutcome { kRead, kUnreadable, kOverLimit, kFatal };

// Reads the current member's data into `out`, keeping `*total` within `max_total`.
DataOutcome read_data(struct archive* a, std::string& out, uint64_t* total, uint64_t max_total) {
  std::array<char, 64 * 1024> buf{};
  for (;;) {
    la_ssize_t n = archive_read_data(a, buf.data(), buf.size());
    if (n == 0)
      return DataOutcome::kRead;
    if (n < 0)
      return n == ARCHIVE_FATAL ? DataOutcome::kFatal : DataOutcome::kUnreadable;
    const auto got = static_cast<uint64_t>(n);
    if (*total + got > max_total)
      return DataOutcome::kOverLimit;
    *total += got;
    out.append(buf.data(), static_cast<size_t>(n));
  }
}

}  // namespace

Result<ZipArchive> ZipArchive::open(std::span<const uint8_t> bytes, uint64_t max_total_bytes) {
  ArchiveReader reader(archive_read_new());
  if (reader == nullptr)
    return Error{ErrorCode::kInternal, "libarchive could not allocate a reader", {}};
  struct archive* a = reader.get();
  archive_read_support_format_zip(a);
  if (archive_read_open_memory(a, bytes.data(), bytes.size()) != ARCHIVE_OK) {
    return Error{
        ErrorCode::kCorrupt, "not a readable zip archive: " + reason(a, "unknown format"), {}};
  }
  ZipArchive zip;
  uint64_t total = 0;
  size_t files = 0;
  size_t unreadable_files = 0;
  size_t encrypted_files = 0;
  for (;;) {
    struct archive_entry* entry = nullptr;
    int rc = archive_read_next_header(a, &entry);
    if (rc == ARCHIVE_EOF)
      break;
    if (rc == ARCHIVE_FATAL || entry == nullptr) {
      zip.damage_ = reason(a, "damaged zip archive");
      break;
    }
    ZipMember m;
    m.name = entry_name(entry);
    m.is_dir =
        archive_entry_filetype(entry) == AE_IFDIR || (!m.name.empty() && m.name.back() == '/');
    m.size = archive_entry_size_is_set(entry) != 0
                 ? static_cast<uint64_t>(std::max<la_int64_t>(0, archive_entry_size(entry)))
                 : 0;
    m.encrypted = archive_entry_is_encrypted(entry) != 0;
    std::string data;
    bool has = false;
    bool fatal = false;
    if (!m.is_dir) {
      ++files;
      if (m.encrypted) {
        ++encrypted_files;
      } else if (rc == ARCHIVE_FAILED) {
        // libarchive could not make sense of this header (an unsupported compression method).
        m.encrypted = true;
        ++unreadable_files;
      } else if (zip.over_limit_) {
        // Listed, not read.
      } else {
        switch (read_data(a, data, &total, max_total_bytes)) {
          case DataOutcome::kRead:
            has = true;
            m.size = data.size();
            break;
          case DataOutcome::kOverLimit:
            zip.over_limit_ = true;
            data.clear();
            break;
          case DataOutcome::kUnreadable:
            m.encrypted = true;
            ++unreadable_files;
            data.clear();
            break;
          case DataOutcome::kFatal:
            m.encrypted = true;
            ++unreadable_files;
            data.clear();
            fatal = true;
            break;
        }
      }
    }
    zip.by_name_.emplace(m.name, zip.members_.size());
    zip.members_.push_back(std::move(m));
    zip.data_.push_back(std::move(data));
    zip.has_data_.push_back(has);
    if (fatal) {
      zip.damage_ = reason(a, "damaged zip member");
      break;
    }
  }
  if (zip.members_.empty() && !zip.damage_.empty())
    return Error{ErrorCode::kCorrupt, "corrupt zip archive: " + zip.damage_, {}};
  if (files > 0 && encrypted_files == files)
    return Error{ErrorCode::kEncrypted, "encrypted zip archive: needs a password", {}};
  if (files > 0 && unreadable_files == files) {
    return Error{ErrorCode::kCorrupt,
                 "corrupt zip archive: no member could be read" +
                     (zip.damage_.empty() ? std::string() : " (" + zip.damage_ + ")"),
                 {}};
  }
  if (zip.over_limit_ && total == 0) {
    return Error{ErrorCode::kLimit,
                 "zip members expand to more than " + std::to_string(max_total_bytes) + " bytes",
                 {}};
  }
  return zip;
}

const std::string* ZipArchive::find(std::string_view name) const {
  auto it = by_name_.find(std::string(name));
  if (it == by_name_.end() || !has_data_[it->second])
    return nullptr;
  return &data_[it->second];
}

std::vector<std::string> ZipArchive::names_with_prefix(std::string_view prefix) const {
  std::vector<std::string> out;
  for (const ZipMember& m : members_) {
    if (!m.is_dir && std::string_view(m.name).substr(0, prefix.size()) == prefix)
      out.push_back(m.name);
  }
  return out;
}

Result<ZipArchive> open_document_zip(const Item& item, const ExtractContext& ctx, std::string_view kind) {
  const uint64_t budget = std::min<uint64_t>(
      ctx.limits.max_child_bytes, std::max<uint64_t>(uint64_t{256} << 20, item.bytes.size() * ctx.limits.max_ratio));
  auto zip = ZipArchive::open(item.bytes, budget);
  if (!zip.has_value()) {
    Error e = zip.error();
    e.message = std::string(kind) + ": " + e.message;
    e.context = item.name;
    return e;
  }
  return zip;
}

void emit_zip_members(const ZipArchive& zip, Extraction& out, ExtractContext& ctx,
                      const std::function<bool(const ZipMember&)>& is_child,
                      const std::function<void(const ZipMember&)>& seen) {
  uint64_t declared = 0;
  bool stopped = false;
  for (const ZipMember& m : zip.members()) {
    if (m.is_dir || !is_child(m)) continue;
    ++declared;
    if (seen) seen(m);
    if (stopped) continue;
    const std::string* bytes = zip.find(m.name);
    if (bytes == nullptr) {
      out.child_problems.push_back(zip.over_limit() && !m.encrypted
                                       ? ChildProblem{m.name, "limit", "not read: the package expands past the size limit"}
                                       : ChildProblem{m.name, "corrupt", "embedded part could not be decompressed"});
      continue;
    }
    Status s = ctx.emit_child(out, Child{m.name, *bytes});
    if (!s.has_value()) {
      out.warnings.push_back("embedded parts not extracted past " + m.name + ": " + s.error().message);
      stopped = true;
    }
  }
  out.declared_children = declared;
}

}  // namespace dossier::extract
