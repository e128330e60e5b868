#include "extract/archive_formats.h"

#include <array>
#include <cstring>
#include <utility>

#include "extract/text_extractor.h"
#include "text/charset.h"

namespace dossier::extract {
namespace {

struct MimeKind {
  std::string_view mime;
  ArchiveKind kind;
};

constexpr std::array kMimeKinds = {
    MimeKind{"application/zip", ArchiveKind::kZip},
    MimeKind{"application/x-zip", ArchiveKind::kZip},
    MimeKind{"application/x-zip-compressed", ArchiveKind::kZip},
    MimeKind{"application/java-archive", ArchiveKind::kZip},
    MimeKind{"application/x-tar", ArchiveKind::kTar},
    MimeKind{"application/x-gtar", ArchiveKind::kTar},
    MimeKind{"application/x-ustar", ArchiveKind::kTar},
    MimeKind{"application/x-7z-compressed", ArchiveKind::kSevenZip},
    MimeKind{"application/x-rar", ArchiveKind::kRar},
    MimeKind{"application/vnd.rar", ArchiveKind::kRar},
    MimeKind{"application/x-rar-compressed", ArchiveKind::kRar},
    MimeKind{"application/x-iso9660-image", ArchiveKind::kIso9660},
    MimeKind{"application/x-cpio", ArchiveKind::kCpio},
    MimeKind{"application/x-archive", ArchiveKind::kAr},
    MimeKind{"application/vnd.debian.binary-package", ArchiveKind::kAr},
    MimeKind{"application/x-rpm", ArchiveKind::kRpm},
    MimeKind{"application/vnd.ms-cab-compressed", ArchiveKind::kCab},
    MimeKind{"application/x-lha", ArchiveKind::kLha},
    MimeKind{"application/x-lzh-compressed", ArchiveKind::kLha},
    MimeKind{"application/x-xar", ArchiveKind::kXar},
    MimeKind{"application/gzip", ArchiveKind::kCompressed},
    MimeKind{"application/x-gzip", ArchiveKind::kCompressed},
    MimeKind{"application/x-bzip2", ArchiveKind::kCompressed},
    MimeKind{"application/x-xz", ArchiveKind::kCompressed},
    MimeKind{"application/x-lzma", ArchiveKind::kCompressed},
    MimeKind{"application/x-lzip", ArchiveKind::kCompressed},
    MimeKind{"application/zstd", ArchiveKind::kCompressed},
    MimeKind{"application/x-lz4", ArchiveKind::kCompressed},
    MimeKind{"application/x-compress", ArchiveKind::kCompressed},
};

struct Magic {
  size_t offset;
  std::string_view bytes;
  ArchiveKind kind;
};

using std::literals::string_view_literals::operator""sv;
constexpr std::array kMagics = {
    Magic{0, "PK\x03\x04"sv, ArchiveKind::kZip},
    Magic{0, "PK\x05\x06"sv, ArchiveKind::kZip},
    Magic{0, "7z\xbc\xaf\x27\x1c"sv, ArchiveKind::kSevenZip},
    Magic{0, "Rar!\x1a\x07"sv, ArchiveKind::kRar},
    Magic{257, "ustar"sv, ArchiveKind::kTar},
    Magic{0, "070701"sv, ArchiveKind::kCpio},
    Magic{0, "070702"sv, ArchiveKind::kCpio},
    Magic{0, "070707"sv, ArchiveKind::kCpio},
    Magic{0, "!<arch>\n"sv, ArchiveKind::kAr},
    Magic{0, "\xed\xab\xee\xdb"sv, ArchiveKind::kRpm},
    Magic{0, "MSCF\0\0\0\0"sv, ArchiveKind::kCab},
    Magic{0, "xar!"sv, ArchiveKind::kXar},
    Magic{32769, "CD001"sv, ArchiveKind::kIso9660},
    Magic{0, "\x1f\x8b"sv, ArchiveKind::kCompressed},
    Magic{0, "\x1f\x9d"sv, ArchiveKind::kCompressed},
    Magic{0, "BZh"sv, ArchiveKind::kCompressed},
    Magic{0,
          "\xfd"
          "7zXZ\0"sv,
          ArchiveKind::kCompressed},
    Magic{0, "\x28\xb5\x2f\xfd"sv, ArchiveKind::kCompressed},
    Magic{0, "\x04\x22\x4d\x18"sv, ArchiveKind::kCompressed},
    Magic{0, "LZIP"sv, ArchiveKind::kCompressed},
};

bool ascii_lower_equal(std::string_view a, std::string_view b) {
  if (a.size() != b.size())
    return false;
  for (size_t i = 0; i < a.size(); ++i) {
    char c = a[i];
    if (c >= 'A' && c <= 'Z')
      c = static_cast<char>(c - 'A' + 'a');
    if (c != b[i])
      return false;
  }
  return true;
}

}  // namespace

std::optional<ArchiveKind> archive_kind_for_mime(std::string_view mime) {
  const std::string base = mime_base(mime);
  for (const MimeKind& m : kMimeKinds) {
    if (base == m.mime)
      return m.kind;
  }
  return std::nullopt;
}

std::optional<ArchiveKind> archive_kind_from_magic(std::span<const uint8_t> head) {
  const std::string_view h(reinterpret_cast<const char*>(head.data()), head.size());
  for (const Magic& m : kMagics) {
    if (h.size() >= m.offset + m.bytes.size() && h.substr(m.offset, m.bytes.size()) == m.bytes)
      return m.kind;
  }
  // LHA: "-lh?-" or "-lz?-" at offset 2.
  if (h.size() >= 7 && h[2] == '-' && h[3] == 'l' && (h[4] == 'h' || h[4] == 'z') && h[6] == '-')
    return ArchiveKind::kLha;
  return std::nullopt;
}

void enable_formats(struct archive* a, ArchiveKind kind, ReaderSetup setup) {
  // Library-backed decompressors only: archive_read_support_filter_all() would also accept lzop,
  // lrzip and grzip by running an external program.
  archive_read_support_filter_gzip(a);
  archive_read_support_filter_bzip2(a);
  archive_read_support_filter_xz(a);
  archive_read_support_filter_lzma(a);
  archive_read_support_filter_lzip(a);
  archive_read_support_filter_zstd(a);
  archive_read_support_filter_lz4(a);
  archive_read_support_filter_compress(a);
  archive_read_support_filter_rpm(a);
  if (setup == ReaderSetup::kStreamingZip) {
    archive_read_support_format_zip_streamable(a);
    return;
  }
  if (setup == ReaderSetup::kShortBids) {
    archive_read_support_format_tar(a);
    archive_read_support_format_cpio(a);
    archive_read_support_format_raw(a);
    return;
  }
  // Not archive_read_support_format_all(): its WARC and mtree readers would turn a .warc.gz or a
  // text file into entries that lose the content; those are better as one decompressed child.
  archive_read_support_format_zip(a);
  archive_read_support_format_tar(a);
  archive_read_support_format_7zip(a);
  archive_read_support_format_rar(a);
  archive_read_support_format_rar5(a);
  archive_read_support_format_iso9660(a);
  archive_read_support_format_cpio(a);
  archive_read_support_format_ar(a);
  archive_read_support_format_cab(a);
  archive_read_support_format_lha(a);
  archive_read_support_format_xar(a);
  archive_read_support_format_empty(a);
  if (kind == ArchiveKind::kCompressed)
    archive_read_support_format_raw(a);
}

std::string_view kind_label(ArchiveKind kind) {
  switch (kind) {
    case ArchiveKind::kZip:
      return "zip";
    case ArchiveKind::kTar:
      return "tar";
    case ArchiveKind::kSevenZip:
      return "7z";
    case ArchiveKind::kRar:
      return "rar";
    case ArchiveKind::kIso9660:
      return "ISO 9660";
    case ArchiveKind::kCpio:
      return "cpio";
    case ArchiveKind::kAr:
      return "ar";
    case ArchiveKind::kRpm:
      return "rpm";
    case ArchiveKind::kCab:
      return "cab";
    case ArchiveKind::kLha:
      return "lha";
    case ArchiveKind::kXar:
      return "xar";
    case ArchiveKind::kCompressed:
      return "compressed";
  }
  return "archive";
}

std::string format_label(struct archive* a, ArchiveKind fallback) {
  switch (archive_format(a) & ARCHIVE_FORMAT_BASE_MASK) {
    case ARCHIVE_FORMAT_ZIP:
      return "zip";
    case ARCHIVE_FORMAT_TAR:
      return "tar";
    case ARCHIVE_FORMAT_7ZIP:
      return "7z";
    case ARCHIVE_FORMAT_RAR:
    case ARCHIVE_FORMAT_RAR_V5:
      return "rar";
    case ARCHIVE_FORMAT_ISO9660:
      return "ISO 9660";
    case ARCHIVE_FORMAT_CPIO:
      return "cpio";
    case ARCHIVE_FORMAT_AR:
      return "ar";
    case ARCHIVE_FORMAT_CAB:
      return "cab";
    case ARCHIVE_FORMAT_LHA:
      return "lha";
    case ARCHIVE_FORMAT_XAR:
      return "xar";
    case ARCHIVE_FORMAT_RAW: {
      std::string filters = filter_names(a);
      return filters.empty() ? "compressed" : filters;
    }
    default:
      return std::string(kind_label(fallback));
  }
}

std::string filter_names(struct archive* a) {
  std::string out;
  for (int i = archive_filter_count(a) - 1; i >= 0; --i) {
    const char* name = archive_filter_name(a, i);
    if (name == nullptr || std::strcmp(name, "none") == 0)
      continue;
    if (!out.empty())
      out += '+';
    out += name;
  }
  return out;
}

bool is_raw_format(struct archive* a) {
  return (archive_format(a) & ARCHIVE_FORMAT_BASE_MASK) == ARCHIVE_FORMAT_RAW;
}

bool is_zip_format(struct archive* a) {
  return (archive_format(a) & ARCHIVE_FORMAT_BASE_MASK) == ARCHIVE_FORMAT_ZIP;
}

std::string strip_compression_suffix(std::string_view name) {
  static constexpr std::array<std::pair<std::string_view, std::string_view>, 16> kSuffixes = {{
      {".tgz", ".tar"},
      {".taz", ".tar"},
      {".tbz2", ".tar"},
      {".tbz", ".tar"},
      {".txz", ".tar"},
      {".tzst", ".tar"},
      {".gz", ""},
      {".gzip", ""},
      {".bz2", ""},
      {".xz", ""},
      {".lzma", ""},
      {".lz", ""},
      {".zst", ""},
      {".lz4", ""},
      {".z", ""},
      {".bz", ""},
  }};
  const size_t slash = name.find_last_of("/\\");
  if (slash != std::string_view::npos)
    name.remove_prefix(slash + 1);
  for (const auto& [suffix, replacement] : kSuffixes) {
    if (name.size() > suffix.size() &&
        ascii_lower_equal(name.substr(name.size() - suffix.size()), suffix)) {
      return std::string(name.substr(0, name.size() - suffix.size())) + std::string(replacement);
    }
  }
  return name.empty() ? std::string("data") : std::string(name);
}

bool gzip_has_name(std::span<const uint8_t> bytes) {
  return bytes.size() > 3 && bytes[0] == 0x1f && bytes[1] == 0x8b && (bytes[3] & 0x08) != 0;
}

bool is_valid_utf8(std::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    const auto c = static_cast<uint8_t>(s[i]);
    size_t len = c < 0x80           ? 1
                 : (c >> 5) == 0x6  ? 2
                 : (c >> 4) == 0xe  ? 3
                 : (c >> 3) == 0x1e ? 4
                                    : 0;
    if (len == 0 || i + len > s.size() || (len == 2 && c < 0xc2) || (len == 4 && c > 0xf4))
      return false;
    for (size_t k = 1; k < len; ++k) {
      if ((static_cast<uint8_t>(s[i + k]) & 0xc0) != 0x80)
        return false;
    }
    const auto c1 = static_cast<uint8_t>(len > 1 ? s[i + 1] : 0);
    if ((len == 3 && c == 0xe0 && c1 < 0xa0) || (len == 3 && c == 0xed && c1 >= 0xa0) ||
        (len == 4 && c == 0xf0 && c1 < 0x90) || (len == 4 && c == 0xf4 && c1 >= 0x90)) {
      return false;
    }
    i += len;
  }
  return true;
}

std::string entry_name(struct archive_entry* entry, std::string_view legacy_charset) {
  // The caller runs libarchive under a UTF-8 LC_CTYPE, so pathname() is UTF-8 for formats that
  // store UTF-8 (pax, zip with the UTF-8 flag) and the bytes as stored for the others.
  const char* raw = archive_entry_pathname(entry);
  if (raw == nullptr)
    raw = archive_entry_pathname_utf8(entry);
  if (raw == nullptr)
    return {};
  const std::string_view name(raw);
  if (is_valid_utf8(name))
    return std::string(name);
  auto decoded = text::to_utf8(name, legacy_charset);
  return decoded.has_value() ? decoded->text : std::string(name);
}

// The charset of zip names stored without the UTF-8 flag. The zip specification says CP437, but
// Windows writes the system's ANSI/OEM code page, so a CJK guess from the whole directory's names
// wins; a Western guess means CP437 (what Explorer and Info-ZIP write).
std::string zip_legacy_charset(const std::string& names) {
  if (names.empty())
    return "ibm-437";
  const std::string guess = text::detect_charset(
      std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(names.data()), names.size()));
  for (std::string_view western : {"windows-1252", "ISO-8859-1", "ISO-8859-15", "US-ASCII", "UTF-8",
                                   "windows-1250", "ISO-8859-2"}) {
    if (guess == western)
      return "ibm-437";
  }
  return guess;
}

bool is_encryption_message(std::string_view message) {
  return message.find("ncrypt") != std::string_view::npos ||
         message.find("assphrase") != std::string_view::npos ||
         message.find("password") != std::string_view::npos;
}

}  // namespace dossier::extract
