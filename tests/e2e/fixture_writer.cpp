#include "fixture_writer.h"

#include <zlib.h>

#include <array>
#include <cstdio>
#include <fstream>
#include <stdexcept>

namespace dossier::test {
namespace {

void put16(std::string& out, uint32_t v) {
  out.push_back(static_cast<char>(v & 0xff));
  out.push_back(static_cast<char>((v >> 8) & 0xff));
}
void put32(std::string& out, uint32_t v) {
  put16(out, v & 0xffff);
  put16(out, v >> 16);
}
void put64(std::string& out, uint64_t v) {
  put32(out, static_cast<uint32_t>(v));
  put32(out, static_cast<uint32_t>(v >> 32));
}

constexpr uint32_t kDosTime = (10u << 11) | (4u << 5);                  // 10:04:00
constexpr uint32_t kDosDate = ((2017u - 1980u) << 9) | (3u << 5) | 1u;  // 2017-03-01

uint32_t checked32(uint64_t v) {
  if (v > 0xffffffffu)
    throw std::length_error("zip member over 4 GiB: needs zip64");
  return static_cast<uint32_t>(v);
}

std::string local_header(const ZipMember& m) {
  std::string h;
  put32(h, 0x04034b50);
  put16(h, 20);
  put16(h, 0);
  put16(h, m.method);
  put16(h, kDosTime);
  put16(h, kDosDate);
  put32(h, m.crc);
  put32(h, checked32(m.data.size()));
  put32(h, checked32(m.size));
  put16(h, static_cast<uint32_t>(m.name.size()));
  put16(h, 0);
  return h + m.name;
}

std::string central_header(const ZipMember& m, uint64_t local_offset) {
  std::string h;
  put32(h, 0x02014b50);
  put16(h, 0x0314);  // made by Unix, 2.0
  put16(h, 20);
  put16(h, 0);
  put16(h, m.method);
  put16(h, kDosTime);
  put16(h, kDosDate);
  put32(h, m.crc);
  put32(h, checked32(m.data.size()));
  put32(h, checked32(m.size));
  put16(h, static_cast<uint32_t>(m.name.size()));
  put16(h, 0);
  put16(h, 0);
  put16(h, 0);
  put16(h, 0);
  put32(h, 0100644u << 16);
  put32(h, checked32(local_offset));
  return h + m.name;
}

std::string end_record(uint64_t entries, uint64_t cd_size, uint64_t cd_offset) {
  if (entries > 0xffff)
    throw std::length_error("over 65,535 zip members: needs zip64");
  std::string h;
  put32(h, 0x06054b50);
  put16(h, 0);
  put16(h, 0);
  put16(h, static_cast<uint32_t>(entries));
  put16(h, static_cast<uint32_t>(entries));
  put32(h, checked32(cd_size));
  put32(h, checked32(cd_offset));
  put16(h, 0);
  return h;
}

uint32_t crc_update(uint32_t crc, std::string_view bytes) {
  return static_cast<uint32_t>(
      ::crc32(crc, reinterpret_cast<const Bytef*>(bytes.data()), static_cast<uInt>(bytes.size())));
}

std::string pdf_escape(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (c == '(' || c == ')' || c == '\\')
      out += '\\';
    out += c;
  }
  return out;
}

std::string octal(uint64_t v, size_t width) {  // width digits, then NUL
  std::string s(width, '0');
  for (size_t i = width; i-- > 0 && v > 0; v >>= 3)
    s[i] = static_cast<char>('0' + (v & 7));
  return s + '\0';
}

std::string tar_header(std::string_view name, uint64_t size) {
  std::string h(512, '\0');
  if (name.size() > 99)
    throw std::length_error("tar name over 99 bytes");
  h.replace(0, name.size(), name);
  h.replace(100, 8, octal(0644, 7));
  h.replace(108, 8, octal(0, 7));
  h.replace(116, 8, octal(0, 7));
  h.replace(124, 12, octal(size, 11));
  h.replace(136, 12, octal(1488362640, 11));
  h.replace(148, 8, "        ");
  h[156] = '0';
  h.replace(257, 6, std::string("ustar\0", 6));
  h.replace(263, 2, "00");
  unsigned sum = 0;
  for (char c : h)
    sum += static_cast<unsigned char>(c);
  h.replace(148, 8, octal(sum, 6) + " ");
  return h;
}

}  // namespace

void write_bytes(const std::filesystem::path& path, std::string_view bytes) {
  std::filesystem::create_directories(path.parent_path());
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  if (!out)
    throw std::runtime_error("cannot write " + path.string());
}

uint32_t crc32_of(std::string_view bytes) {
  return crc_update(0, bytes);
}

ZipMember zip_stored(std::string name, std::string bytes) {
  ZipMember m;
  m.name = std::move(name);
  m.crc = crc32_of(bytes);
  m.size = bytes.size();
  m.data = std::move(bytes);
  return m;
}

ZipMember zip_deflated(std::string name, std::string_view bytes) {
  ZipMember m;
  m.name = std::move(name);
  m.method = 8;
  m.crc = crc32_of(bytes);
  m.size = bytes.size();
  z_stream z{};
  deflateInit2(&z, 9, Z_DEFLATED, -15, 9, Z_DEFAULT_STRATEGY);
  m.data.resize(deflateBound(&z, static_cast<uLong>(bytes.size())));
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(bytes.data()));
  z.avail_in = static_cast<uInt>(bytes.size());
  z.next_out = reinterpret_cast<Bytef*>(m.data.data());
  z.avail_out = static_cast<uInt>(m.data.size());
  deflate(&z, Z_FINISH);
  m.data.resize(z.total_out);
  deflateEnd(&z);
  return m;
}

ZipMember zip_zeros(std::string name, uint64_t size) {
  ZipMember m;
  m.name = std::move(name);
  m.method = 8;
  m.size = size;
  const std::string chunk(1 << 20, '\0');
  z_stream z{};
  deflateInit2(&z, 9, Z_DEFLATED, -15, 9, Z_DEFAULT_STRATEGY);
  std::array<char, 1 << 16> out{};
  uint64_t left = size;
  int flush = Z_NO_FLUSH;
  do {
    size_t n = static_cast<size_t>(std::min<uint64_t>(left, chunk.size()));
    m.crc = crc_update(m.crc, std::string_view(chunk.data(), n));
    left -= n;
    flush = left == 0 ? Z_FINISH : Z_NO_FLUSH;
    z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(chunk.data()));
    z.avail_in = static_cast<uInt>(n);
    do {
      z.next_out = reinterpret_cast<Bytef*>(out.data());
      z.avail_out = static_cast<uInt>(out.size());
      deflate(&z, flush);
      m.data.append(out.data(), out.size() - z.avail_out);
    } while (z.avail_out == 0);
  } while (flush != Z_FINISH);
  deflateEnd(&z);
  return m;
}

std::string zip_archive(const std::vector<ZipMember>& members) {
  std::string body, cd;
  for (const ZipMember& m : members) {
    cd += central_header(m, body.size());
    body += local_header(m);
    body += m.data;
  }
  return body + cd + end_record(members.size(), cd.size(), body.size());
}

std::string zip_overlapping(const ZipMember& kernel, uint32_t copies) {
  std::string body = local_header(kernel) + kernel.data;
  std::string cd;
  ZipMember named = kernel;
  for (uint32_t i = 0; i < copies; ++i) {
    char name[32];
    std::snprintf(name, sizeof name, "%05u-", i);
    named.name = name + kernel.name;
    cd += central_header(named, 0);
  }
  return body + cd + end_record(copies, cd.size(), body.size());
}

std::string zip_nested(uint32_t depth, std::string_view core) {
  // Level 0 is an ordinary zip; level k stores level k-1 as its one member. The file is
  // LH(depth) .. LH(1) level0 tail(1) .. tail(depth), where tail(k) is level k's central
  // directory and end record; sizes and CRCs are carried up from level 0.
  std::string level0 = zip_archive({zip_stored("core.txt", std::string(core))});
  uint64_t size = level0.size();
  uint32_t crc = crc32_of(level0);
  std::vector<std::string> heads, tails;
  heads.reserve(depth);
  tails.reserve(depth);
  for (uint32_t k = 1; k <= depth; ++k) {
    char name[32];
    std::snprintf(name, sizeof name, "level-%05u.zip", k - 1);
    ZipMember m;
    m.name = name;
    m.crc = crc;
    m.size = size;
    std::string head = local_header(m);
    std::string cd = central_header(m, 0);
    // central_header/local_header take the compressed size from data: patch it in.
    for (std::string* h : {&head, &cd}) {
      size_t at = h == &head ? 18 : 20;
      std::string v;
      put32(v, checked32(size));
      h->replace(at, 4, v);
    }
    std::string tail = cd + end_record(1, cd.size(), head.size() + size);
    uint32_t whole = crc_update(0, head);
    whole = static_cast<uint32_t>(crc32_combine(whole, crc, static_cast<z_off_t>(size)));
    whole = static_cast<uint32_t>(
        crc32_combine(whole, crc_update(0, tail), static_cast<z_off_t>(tail.size())));
    size += head.size() + tail.size();
    crc = whole;
    heads.push_back(std::move(head));
    tails.push_back(std::move(tail));
  }
  std::string out;
  out.reserve(size);
  for (auto it = heads.rbegin(); it != heads.rend(); ++it)
    out += *it;
  out += level0;
  for (const std::string& t : tails)
    out += t;
  return out;
}

std::string tar_archive(const std::vector<std::pair<std::string, std::string>>& members) {
  std::string out;
  for (const auto& [name, bytes] : members) {
    out += tar_header(name, bytes.size());
    out += bytes;
    out.append((512 - bytes.size() % 512) % 512, '\0');
  }
  out.append(1024, '\0');
  return out;
}

TarFileWriter::TarFileWriter(const std::filesystem::path& path)
    : file_(std::fopen(path.c_str(), "wb")) {
  if (file_ == nullptr)
    throw std::runtime_error("cannot create " + path.string());
}

TarFileWriter::~TarFileWriter() {
  if (file_ != nullptr)
    std::fclose(file_);
}

void TarFileWriter::add(std::string_view name, std::string_view bytes) {
  std::string h = tar_header(name, bytes.size());
  std::fwrite(h.data(), 1, h.size(), file_);
  std::fwrite(bytes.data(), 1, bytes.size(), file_);
  static const std::string kZeros(512, '\0');
  std::fwrite(kZeros.data(), 1, (512 - bytes.size() % 512) % 512, file_);
}

void TarFileWriter::finish() {
  static const std::string kZeros(1024, '\0');
  std::fwrite(kZeros.data(), 1, kZeros.size(), file_);
  std::fclose(file_);
  file_ = nullptr;
}

std::string pdf_document(const std::vector<std::string>& pages, const PdfOptions& options) {
  // Objects: 1 catalog, 2 page tree, 3 font, 4 info, then a page and its content per page.
  std::vector<std::string> objects;
  objects.push_back("<< /Type /Catalog /Pages 2 0 R >>");
  std::string kids;
  for (size_t i = 0; i < pages.size(); ++i)
    kids += std::to_string(5 + 2 * i) + " 0 R ";
  size_t count = pages.size();
  if (options.cyclic_pages) {
    kids += "2 0 R ";
    ++count;
  }
  objects.push_back("<< /Type /Pages /Kids [" + kids + "] /Count " + std::to_string(count) + " >>");
  objects.push_back("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>");
  objects.push_back("<< /Title (" + pdf_escape(options.title) +
                    ") /Producer (dossier fixture writer) >>");
  for (size_t i = 0; i < pages.size(); ++i) {
    objects.push_back("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents " +
                      std::to_string(6 + 2 * i) + " 0 R /Resources << /Font << /F1 3 0 R >> >> >>");
    std::string content = "BT /F1 12 Tf 72 720 Td (" + pdf_escape(pages[i]) + ") Tj ET";
    objects.push_back("<< /Length " + std::to_string(content.size()) + " >>\nstream\n" + content +
                      "\nendstream");
  }
  std::string out = "%PDF-1.4\n%\xe2\xe3\xcf\xd3\n";
  std::vector<size_t> offsets;
  for (size_t i = 0; i < objects.size(); ++i) {
    offsets.push_back(out.size());
    out += std::to_string(i + 1) + " 0 obj\n" + objects[i] + "\nendobj\n";
  }
  size_t xref = out.size();
  out += "xref\n0 " + std::to_string(objects.size() + 1) + "\n0000000000 65535 f \n";
  for (size_t o : offsets) {
    char line[24];
    std::snprintf(line, sizeof line, "%010zu 00000 n \n", o);
    out += line;
  }
  out += "trailer\n<< /Size " + std::to_string(objects.size() + 1) + " /Root 1 0 R /Info 4 0 R ";
  if (options.xref_prev_self)
    out += "/Prev " + std::to_string(xref) + " ";
  out += ">>\nstartxref\n" + std::to_string(xref) + "\n%%EOF\n";
  return out;
}

std::string docx_paragraph(std::string_view text) {
  return "<w:p><w:r><w:t xml:space=\"preserve\">" + std::string(text) + "</w:t></w:r></w:p>";
}

std::string docx_document(std::string_view body_xml, std::string_view doctype) {
  const std::string types =
      "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
      "<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">"
      "<Default Extension=\"rels\" "
      "ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>"
      "<Default Extension=\"xml\" ContentType=\"application/xml\"/>"
      "<Override PartName=\"/word/document.xml\" "
      "ContentType=\"application/"
      "vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml\"/>"
      "</Types>";
  const std::string rels =
      "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
      "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
      "<Relationship Id=\"rId1\" "
      "Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument\" "
      "Target=\"word/document.xml\"/></Relationships>";
  std::string document =
      "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n" + std::string(doctype) +
      "<w:document xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\">"
      "<w:body>" +
      std::string(body_xml) + "</w:body></w:document>";
  return zip_archive({zip_deflated("[Content_Types].xml", types), zip_deflated("_rels/.rels", rels),
                      zip_deflated("word/document.xml", document)});
}

std::string email_message(std::string_view subject, std::string_view body,
                          const std::vector<std::pair<std::string, std::string>>& attachments) {
  std::string m = "From: Ada Source <ada@example.org>\r\nTo: desk@example.org\r\nSubject: " +
                  std::string(subject) +
                  "\r\nDate: Wed, 01 Mar 2017 10:04:00 +0000\r\nMIME-Version: 1.0\r\n";
  if (attachments.empty()) {
    return m + "Content-Type: text/plain; charset=utf-8\r\n\r\n" + std::string(body) + "\r\n";
  }
  const std::string b = "dossier-boundary-7f3a";
  m += "Content-Type: multipart/mixed; boundary=\"" + b + "\"\r\n\r\n";
  m +=
      "--" + b + "\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n" + std::string(body) + "\r\n";
  for (const auto& [name, bytes] : attachments) {
    m += "--" + b +
         "\r\nContent-Type: application/octet-stream\r\nContent-Disposition: attachment; "
         "filename=\"" +
         name + "\"\r\n\r\n" + bytes + "\r\n";
  }
  return m + "--" + b + "--\r\n";
}

std::string pst_header(uint64_t declared_size) {
  // MS-PST 5.3: CRC-32 with the reflected polynomial, initial value 0 and no final XOR.
  auto pst_crc = [](std::string_view bytes) {
    uint32_t c = 0;
    for (unsigned char b : bytes) {
      c ^= b;
      for (int k = 0; k < 8; ++k)
        c = (c & 1) != 0 ? (c >> 1) ^ 0xEDB88320u : c >> 1;
    }
    return c;
  };
  std::string h(564, '\0');
  auto set = [&h](size_t at, const std::string& bytes) { h.replace(at, bytes.size(), bytes); };
  auto le16 = [](uint32_t v) {
    std::string s;
    put16(s, v);
    return s;
  };
  auto le32 = [](uint32_t v) {
    std::string s;
    put32(s, v);
    return s;
  };
  auto le64 = [](uint64_t v) {
    std::string s;
    put64(s, v);
    return s;
  };
  set(0, "!BDN");
  set(8, "SM");
  set(10, le16(23));  // Unicode
  set(12, le16(19));
  h[14] = 1;
  h[15] = 1;
  constexpr size_t kRoot = 180;
  set(kRoot + 4, le64(declared_size));  // ibFileEof
  set(kRoot + 12, le64(0x4400));        // ibAMapLast
  set(kRoot + 36, le64(0x21));          // BREF of the node B-tree root page
  set(kRoot + 44, le64(0x8000));
  set(kRoot + 52, le64(0x23));  // BREF of the block B-tree root page
  set(kRoot + 60, le64(0x9000));
  h[kRoot + 68] = 2;  // fAMapValid
  h[512] = static_cast<char>(0x80);
  set(516, le64(0x1000));
  set(4, le32(pst_crc(std::string_view(h).substr(8, 471))));
  set(524, le32(pst_crc(std::string_view(h).substr(8, 516))));
  return h;
}

}  // namespace dossier::test
