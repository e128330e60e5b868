#include "extract/archive_extractor.h"

#include <locale.h>

#include <algorithm>
#include <array>
#include <limits>
#include <memory>
#include <optional>
#include <type_traits>

#include "extract/archive_formats.h"
#include "extract/archive_zip_directory.h"
#include "extract/libarchive_handles.h"
#include "extract/page_releaser.h"
#include "extract/text_extractor.h"
#include "text/charset.h"

namespace dossier::extract {
namespace {

constexpr size_t kChunk = 64 << 10;
constexpr uint64_t kMaxListed = 10000;  // directory, symlink, ... metadata rows per archive
constexpr size_t kMaxWarnings = 100;
constexpr int kMaxRetries = 16;
constexpr uint64_t kRatioFloor = 1 << 20;  // as in ExtractContext::emit_child
constexpr size_t kMaxReserve = 16 << 20;
constexpr size_t kMaxComment = 64 << 10;

struct LocaleFreer {
  void operator()(locale_t l) const { freelocale(l); }
};
using Locale = std::unique_ptr<std::remove_pointer_t<locale_t>, LocaleFreer>;

// Makes `l` the calling thread's locale until destroyed (uselocale is per thread).
class ScopedThreadLocale {
 public:
  explicit ScopedThreadLocale(locale_t l) : previous_(l != nullptr ? uselocale(l) : nullptr) {}
  ~ScopedThreadLocale() {
    if (previous_ != nullptr)
      uselocale(previous_);
  }
  ScopedThreadLocale(const ScopedThreadLocale&) = delete;
  ScopedThreadLocale& operator=(const ScopedThreadLocale&) = delete;

 private:
  locale_t previous_;
};

std::string reason(struct archive* a, std::string_view fallback) {
  const char* s = archive_error_string(a);
  return s != nullptr && *s != '\0' ? std::string(s) : std::string(fallback);
}

enum class ReadOutcome { kDone, kOverLimit, kFailed, kFatal, kCancelled };

// One pass over the entries of one libarchive reader.
struct Pass {
  Pass(const Item& i, ExtractContext& c, ArchiveKind k, locale_t caller, std::string legacy,
       uint64_t max_bytes)
      : item(i),
        ctx(c),
        kind(k),
        caller_locale(caller),
        legacy_charset(std::move(legacy)),
        cap(max_bytes),
        releaser(i.bytes) {}

  const Item& item;
  ExtractContext& ctx;
  ArchiveKind kind;
  locale_t caller_locale;
  std::string legacy_charset;
  uint64_t cap;  // bytes all children together may take
  PageReleaser releaser;  // lets the members read so far leave the resident set

  Extraction out;
  std::vector<MetaField> listing;
  uint64_t used = 0;
  uint64_t entries = 0;
  std::string label;
  std::string format_name;
  std::string filters;
  bool zip = false;
  bool stopped = false;
  std::optional<Error> error;  // ends the extraction (nothing read, or cancelled)

  void warn(std::string w) {
    if (out.warnings.size() < kMaxWarnings)
      out.warnings.push_back(std::move(w));
  }
  void list(std::string key, std::string value) {
    if (listing.size() < kMaxListed)
      listing.push_back({std::move(key), std::move(value)});
  }
  void problem(const std::string& name, std::string code, std::string why) {
    out.child_problems.push_back({name, std::move(code), std::move(why)});
  }
  void stop_at(const std::string& name, const std::string& code, const std::string& why) {
    problem(name, code, why);
    warn("stopped reading the " + label + " archive at member " + std::to_string(entries) + " (" +
         name + "): " + why);
    stopped = true;
  }
};

std::string limit_reason(const Pass& p) {
  if (p.cap >= p.ctx.limits.max_child_bytes) {
    return "embedded items expand to more than " +
           std::to_string(p.ctx.limits.max_child_bytes >> 20) + " MiB";
  }
  return "embedded items expand more than " + std::to_string(p.ctx.limits.max_ratio) +
         " times the archive's size (a zip bomb?)";
}

// Reads the current member in chunks, abandoning it as soon as it would pass the budget.
ReadOutcome read_member(struct archive* a, struct archive_entry* e, Pass& p, std::string& data) {
  const uint64_t budget = p.cap - std::min(p.cap, p.used);
  if (archive_entry_size_is_set(e) != 0 && archive_entry_size(e) > 0) {
    data.reserve(static_cast<size_t>(
        std::min<uint64_t>({static_cast<uint64_t>(archive_entry_size(e)), budget, kMaxReserve})));
  }
  std::array<char, kChunk> buf;
  for (int chunks = 0;; ++chunks) {
    if ((chunks & 255) == 0 && p.ctx.is_cancelled())
      return ReadOutcome::kCancelled;
    const la_ssize_t n = archive_read_data(a, buf.data(), buf.size());
    if (n == 0)
      return ReadOutcome::kDone;
    if (n == ARCHIVE_RETRY || n == ARCHIVE_WARN)
      continue;
    if (n < 0)
      return n == ARCHIVE_FATAL ? ReadOutcome::kFatal : ReadOutcome::kFailed;
    if (static_cast<uint64_t>(n) > budget - data.size())
      return ReadOutcome::kOverLimit;
    data.append(buf.data(), static_cast<size_t>(n));
  }
}

void emit(Pass& p, const std::string& name, std::string data) {
  const uint64_t size = data.size();
  Status s = ok_status();
  {
    // The pipeline extracts the child inside this call: it runs under the caller's locale.
    ScopedThreadLocale as_caller(p.caller_locale);
    s = p.ctx.emit_child(p.out, Child{name, std::move(data)});
  }
  if (!s.has_value()) {
    p.stop_at(name, error_code_name(s.error().code), s.error().message);
    return;
  }
  p.used += size;
}

void read_regular(struct archive* a, struct archive_entry* e, Pass& p, const std::string& name) {
  if (archive_entry_is_encrypted(e) != 0) {
    p.problem(name, "encrypted", "encrypted " + p.label + " member: needs a password");
    return;
  }
  std::string data;
  const ReadOutcome outcome = read_member(a, e, p, data);
  switch (outcome) {
    case ReadOutcome::kDone:
      emit(p, name, std::move(data));
      return;
    case ReadOutcome::kOverLimit:
      p.stop_at(name, "limit", p.label + " member too large: " + limit_reason(p));
      return;
    case ReadOutcome::kCancelled:
      p.error = Error{ErrorCode::kLimit, "extraction cancelled", p.item.name};
      p.stopped = true;
      return;
    case ReadOutcome::kFailed:
    case ReadOutcome::kFatal:
      break;
  }
  const std::string why = reason(a, "unreadable data");
  std::string code = "corrupt";
  std::string message = "damaged " + p.label + " member: " + why;
  if (is_encryption_message(why)) {
    code = "encrypted";
    message = "encrypted " + p.label + " member: needs a password";
  } else if (why.find("nsupported") != std::string::npos) {
    code = "unsupported";
    message = p.label + " member not decoded: " + why;
  }
  // After a fatal error libarchive reads nothing more from this archive.
  if (outcome == ReadOutcome::kFatal) {
    p.stop_at(name, code, message);
  } else {
    p.problem(name, code, message);
  }
}

const char* special_kind(mode_t type) {
  switch (type) {
    case AE_IFCHR:
      return "character device";
    case AE_IFBLK:
      return "block device";
    case AE_IFIFO:
      return "fifo";
    case AE_IFSOCK:
      return "socket";
    default:
      return "special file";
  }
}

void read_entry(struct archive* a, struct archive_entry* e, Pass& p) {
  std::string name;
  if (is_raw_format(a) && !gzip_has_name(p.item.bytes)) {
    name = strip_compression_suffix(p.item.name);  // libarchive calls it "data"
  } else {
    name = entry_name(e, p.legacy_charset);
  }
  if (name.empty())
    name = "#" + std::to_string(p.entries);
  const mode_t type = archive_entry_filetype(e);
  const char* hardlink = archive_entry_hardlink(e);
  if (hardlink != nullptr && (archive_entry_size_is_set(e) == 0 || archive_entry_size(e) <= 0)) {
    p.list("archive:hardlink", name + " -> " + hardlink);
  } else if (type == AE_IFDIR) {
    p.list("archive:directory", name);
  } else if (type == AE_IFLNK) {
    const char* target = archive_entry_symlink(e);
    p.list("archive:symlink", name + " -> " + (target != nullptr ? target : ""));
  } else if (type == AE_IFREG || type == 0) {
    read_regular(a, e, p, name);
  } else {
    p.list("archive:special", name + " (" + special_kind(type) + ")");
  }
}

void note_format(struct archive* a, Pass& p) {
  if (!p.format_name.empty())
    return;
  const char* f = archive_format_name(a);
  p.format_name = f != nullptr ? f : "";
  p.filters = filter_names(a);
  p.label = format_label(a, p.kind);
  p.zip = is_zip_format(a);
}

// The archive could not be read at all: encrypted headers, or not a readable archive.
Error unreadable(struct archive* a, const Pass& p) {
  const std::string why = reason(a, "unrecognized archive format");
  if (is_encryption_message(why)) {
    return Error{ErrorCode::kEncrypted,
                 "encrypted " + p.label + " archive: its headers are encrypted; needs a password",
                 p.item.name};
  }
  return Error{ErrorCode::kCorrupt, "corrupt " + p.label + " archive: " + why, p.item.name};
}

void read_entries(struct archive* a, Pass& p) {
  int retries = 0;
  while (!p.stopped) {
    if (p.ctx.is_cancelled()) {
      p.error = Error{ErrorCode::kLimit, "extraction cancelled", p.item.name};
      return;
    }
    struct archive_entry* e = nullptr;
    const int rc = archive_read_next_header(a, &e);
    if (rc == ARCHIVE_EOF)
      return;
    if (rc == ARCHIVE_RETRY && ++retries < kMaxRetries)
      continue;
    if (rc == ARCHIVE_FATAL || rc == ARCHIVE_RETRY || e == nullptr) {
      note_format(a, p);
      if (p.entries == 0) {
        p.error = unreadable(a, p);
      } else {
        p.stop_at("#" + std::to_string(p.entries + 1), "corrupt",
                  "damaged " + p.label + " archive: " + reason(a, "unreadable header") +
                      "; the members after this point are lost");
      }
      return;
    }
    retries = 0;
    ++p.entries;
    note_format(a, p);
    if (rc == ARCHIVE_WARN)
      p.warn("member " + std::to_string(p.entries) + ": " + reason(a, "warning"));
    if (rc == ARCHIVE_FAILED) {
      // A header libarchive could only partly make sense of; its data cannot be trusted.
      std::string name = entry_name(e, p.legacy_charset);
      if (name.empty())
        name = "#" + std::to_string(p.entries);
      p.problem(name, "corrupt", "damaged " + p.label + " member header: " + reason(a, "?"));
      continue;
    }
    read_entry(a, e, p);
    // Headers come in file order in an uncompressed archive (a tar; a zip read through its
    // directory, which lists members in order as writers lay them out): what lies before the
    // current header has been read for the last time. Behind a compression filter the position
    // is in the decompressed stream and says nothing about the input.
    if (p.filters.empty() && archive_read_header_position(a) > 0)
      p.releaser.release_before(static_cast<size_t>(archive_read_header_position(a)));
  }
}

void run_pass(struct archive* a, Pass& p) {
  if (archive_read_open_memory(a, p.item.bytes.data(), p.item.bytes.size()) != ARCHIVE_OK) {
    note_format(a, p);
    p.error = unreadable(a, p);
    return;
  }
  read_entries(a, p);
}

uint64_t children_cap(const Item& item, const ExtractContext& ctx) {
  const uint64_t size = ctx.item_size > 0 ? ctx.item_size : item.bytes.size();
  uint64_t by_ratio = std::numeric_limits<uint64_t>::max();
  if (size > 0 && ctx.limits.max_ratio < by_ratio / size)
    by_ratio = size * ctx.limits.max_ratio;
  return std::min(ctx.limits.max_child_bytes, std::max(kRatioFloor, by_ratio));
}

// One reader, one pass; the caller's and the UTF-8 locale are both the thread's own.
Pass read_archive(const Item& item, ExtractContext& ctx, ArchiveKind kind, ReaderSetup setup,
                  const std::string& legacy_charset, locale_t caller) {
  Pass p(item, ctx, kind, caller, legacy_charset, children_cap(item, ctx));
  p.label = std::string(kind_label(kind));
  ArchiveReader reader(archive_read_new());
  if (reader == nullptr) {
    p.error = Error{ErrorCode::kInternal, "libarchive could not allocate a reader", item.name};
    return p;
  }
  enable_formats(reader.get(), kind, setup);
  run_pass(reader.get(), p);
  return p;
}

void add_summary(Pass& p, const std::optional<ZipDirectory>& dir) {
  std::vector<MetaField> meta;
  meta.push_back({"archive:format", p.format_name});
  if (!p.filters.empty())
    meta.push_back({"archive:filter", p.filters});
  meta.push_back({"archive:entries", std::to_string(p.entries)});
  if (p.zip && dir.has_value()) {
    p.out.declared_children = dir->files;
    if (dir->shared_offsets > 0) {
      p.problem(std::to_string(dir->shared_offsets) + " overlapping entries", "limit",
                std::to_string(dir->shared_offsets) +
                    " central directory entries point at a member another entry already names "
                    "(overlapping files: a zip bomb?); each member was read once");
    }
    if (!dir->walked)
      p.warn("zip central directory damaged: counting the " + std::to_string(dir->entries) +
             " entries its end record declares");
    if (!dir->comment.empty()) {
      auto comment = text::to_utf8(std::string_view(dir->comment).substr(0, kMaxComment));
      if (comment.has_value())
        meta.push_back({"archive:comment", comment->text});
    }
  }
  if (p.listing.size() >= kMaxListed)
    p.warn("only the first " + std::to_string(kMaxListed) + " non-file entries are listed");
  meta.insert(meta.end(), std::make_move_iterator(p.listing.begin()),
              std::make_move_iterator(p.listing.end()));
  p.out.metadata = std::move(meta);
}

}  // namespace

MatchScore ArchiveExtractor::sniff(const Probe& probe) const {
  if (archive_kind_for_mime(probe.mime).has_value())
    return kGoodMatch;
  const std::string base = mime_base(probe.mime);
  if (base == "application/octet-stream" && archive_kind_from_magic(probe.head).has_value())
    return kGoodMatch;
  return kNoMatch;
}

Result<Extraction> ArchiveExtractor::extract(const Item& item, ExtractContext& ctx) const {
  std::optional<ArchiveKind> kind = archive_kind_for_mime(item.mime);
  if (!kind)
    kind = archive_kind_from_magic(item.bytes.first(std::min<size_t>(item.bytes.size(), 65536)));
  std::optional<ZipDirectory> dir;
  if (!kind || *kind == ArchiveKind::kZip ||
      archive_kind_from_magic(item.bytes) == ArchiveKind::kZip)
    dir = read_zip_directory(item.bytes);
  if (!kind) {
    // Let libarchive's bidders decide, but never as one opaque "raw" member.
    kind = dir.has_value() ? ArchiveKind::kZip : ArchiveKind::kTar;
  }
  const std::string legacy = dir.has_value() ? zip_legacy_charset(dir->legacy_names) : "";

  // libarchive converts names to the thread's LC_CTYPE charset and loses every non-ASCII name
  // under the "C" locale, so the reading runs under C.UTF-8 (uselocale: this thread only).
  Locale utf8(newlocale(LC_CTYPE_MASK, "C.UTF-8", nullptr));
  const locale_t caller = uselocale(nullptr);
  ScopedThreadLocale in_utf8(utf8.get());

  Pass first = read_archive(item, ctx, *kind, ReaderSetup::kNormal, legacy, caller);
  Pass* chosen = &first;
  std::optional<Pass> retry;
  if (dir.has_value() && first.entries == 0 && !first.stopped && (first.error || dir->files > 0)) {
    // The seeking zip reader rejected the central directory: read the local headers instead.
    retry.emplace(
        read_archive(item, ctx, ArchiveKind::kZip, ReaderSetup::kStreamingZip, legacy, caller));
    if (retry->entries > 0) {
      retry->warn("zip central directory unreadable (" +
                  (first.error ? first.error->message : std::string("no entries")) +
                  "): members read from their local headers");
      chosen = &*retry;
    }
  }
  if (*kind == ArchiveKind::kCompressed && first.error && first.entries == 0) {
    retry.emplace(read_archive(item, ctx, *kind, ReaderSetup::kShortBids, legacy, caller));
    if (retry->entries > 0)
      chosen = &*retry;
  }
  Pass& p = *chosen;
  if (dir.has_value() && dir->disk > 0 && p.entries == 0) {
    return Error{ErrorCode::kUnsupported,
                 "part " + std::to_string(dir->disk + 1) + " of a split zip archive: the " +
                     std::to_string(dir->files) + " files its directory lists need the other parts",
                 item.name};
  }
  if (p.error)
    return *p.error;
  add_summary(p, dir);
  return std::move(p.out);
}

}  // namespace dossier::extract
