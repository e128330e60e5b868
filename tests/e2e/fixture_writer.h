// Writes test inputs byte by byte: zip (stored, deflated, overlapping and deeply nested), tar,
// PDF, docx, email and a PST header. The hostile-file, kill-and-resume, full-disk and
// resident-size tests generate what they ingest with these, so no binary is committed.
#pragma once

#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace dossier::test {

void write_bytes(const std::filesystem::path& path, std::string_view bytes);
uint32_t crc32_of(std::string_view bytes);

// One zip member as it is stored: `data` is the stored or raw-deflated bytes.
struct ZipMember {
  std::string name;
  std::string data;
  uint16_t method = 0;  // 0 stored, 8 deflated
  uint32_t crc = 0;     // of the uncompressed bytes
  uint64_t size = 0;    // uncompressed
};
ZipMember zip_stored(std::string name, std::string bytes);
ZipMember zip_deflated(std::string name, std::string_view bytes);
// `size` zero bytes, deflated in chunks (a gigabyte never sits in memory).
ZipMember zip_zeros(std::string name, uint64_t size);

// A zip of the members in order (no zip64: fewer than 65,535 members of under 4 GiB).
std::string zip_archive(const std::vector<ZipMember>& members);
// The "flat" zip bomb (overlapping files): `copies` central directory entries ("00000-<name>",
// ...), all pointing at the one local file of `kernel`: the archive expands to copies * size.
std::string zip_overlapping(const ZipMember& kernel, uint32_t copies);
// A zip holding a zip holding ... `depth` levels, the innermost holding `core` as core.txt.
// Built in O(depth) with crc32_combine rather than by re-reading each level.
std::string zip_nested(uint32_t depth, std::string_view core);

// A ustar archive; members are regular files.
std::string tar_archive(const std::vector<std::pair<std::string, std::string>>& members);
// Appends tar members to a file without holding the archive in memory (a million members).
class TarFileWriter {
 public:
  explicit TarFileWriter(const std::filesystem::path& path);
  ~TarFileWriter();
  TarFileWriter(const TarFileWriter&) = delete;
  TarFileWriter& operator=(const TarFileWriter&) = delete;
  void add(std::string_view name, std::string_view bytes);
  void finish();  // the two zero blocks that end a tar

 private:
  std::FILE* file_ = nullptr;
};

// A PDF with one page per text (Helvetica, one line each). `xref_prev_self` adds a /Prev that
// points at the xref itself (a cyclic xref chain); `cyclic_pages` makes the page tree contain
// itself.
struct PdfOptions {
  bool xref_prev_self = false;
  bool cyclic_pages = false;
  std::string title;
};
std::string pdf_document(const std::vector<std::string>& pages, const PdfOptions& options = {});

// A minimal Word document whose body is `body_xml` (w:p elements); `doctype` goes before the root
// element (an internal DTD subset, for entity bombs).
std::string docx_document(std::string_view body_xml, std::string_view doctype = {});
// A paragraph of plain text for docx_document.
std::string docx_paragraph(std::string_view text);

// An RFC 822 message with a text body and base64-free attachments (name, bytes as 7-bit text).
std::string email_message(std::string_view subject, std::string_view body,
                          const std::vector<std::pair<std::string, std::string>>& attachments = {});

// A Unicode PST file header (MS-PST 2.2.2.6) with valid CRCs that declares a `declared_size`
// byte file: the first 564 bytes of a store, as a truncation leaves them.
std::string pst_header(uint64_t declared_size);

}  // namespace dossier::test
