#include "extract/registry.h"

#include <array>
#include <cstdlib>

#include "extract/archive_extractor.h"
#include "extract/email_extractor.h"
#include "extract/epub_extractor.h"
#include "extract/hostile_test_extractor.h"
#include "extract/html_extractor.h"
#include "extract/image_extractor.h"
#include "extract/magic_handles.h"
#include "extract/mbox_extractor.h"
#include "extract/ole_extractor.h"
#include "extract/odf_extractor.h"
#include "extract/ooxml_extractor.h"
#include "extract/pdf_extractor.h"
#include "extract/pst_extractor.h"
#include "extract/rtf_extractor.h"
#include "extract/smime_extractor.h"
#include "extract/text_extractor.h"
#include "extract/tnef_extractor.h"
#include "extract/unsupported_extractor.h"
#include "extract/xml_extractor.h"
#include "extract/xps_extractor.h"

namespace dossier::extract {
namespace {

constexpr std::string_view kOctetStream = "application/octet-stream";

// One libmagic handle per thread: magic_t is not thread-safe, and loading the database costs
// milliseconds, so each thread loads it once and keeps it until the thread ends.
class ThreadMagic {
 public:
  ThreadMagic() : handle_(magic_open(MAGIC_MIME_TYPE)) {
    if (handle_ != nullptr && magic_load(handle_.get(), nullptr) != 0)
      handle_.reset();
  }
  magic_t get() const { return handle_.get(); }

 private:
  MagicHandle handle_;
};

bool starts_with(std::string_view s, std::string_view prefix) {
  return s.substr(0, prefix.size()) == prefix;
}
bool ends_with(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}
bool contains(std::string_view s, std::string_view part) {
  return s.find(part) != std::string_view::npos;
}

}  // namespace

std::string sniff_mime(std::span<const uint8_t> head) {
  if (head.empty())
    return "application/x-empty";
  thread_local ThreadMagic magic;
  if (magic.get() == nullptr)
    return std::string(kOctetStream);
  const char* type = magic_buffer(magic.get(), head.data(), head.size());
  if (type == nullptr || *type == '\0')
    return std::string(kOctetStream);
  return type;
}

std::string type_family(std::string_view mime) {
  // Strip parameters ("text/plain; charset=utf-8").
  mime = mime.substr(0, mime.find(';'));
  if (mime == "application/pdf")
    return "pdf";
  if (mime == "text/html" || mime == "application/xhtml+xml")
    return "html";
  if (mime == "image/svg+xml")
    return "image";
  if (mime == "text/xml" || mime == "application/xml" || ends_with(mime, "+xml"))
    return "xml";
  if (mime == "application/epub+zip")
    return "ebook";
  if (mime == "message/rfc822" || mime == "application/mbox" ||
      mime == "application/vnd.ms-outlook" || mime == "application/vnd.ms-outlook-pst" ||
      mime == "application/x-outlook-msg" || mime == "text/calendar" || mime == "text/vcard" ||
      mime == "message/news" || mime == "application/x-mbox" || mime == "application/ms-tnef" ||
      mime == "application/vnd.ms-tnef" || mime == "application/pkcs7-mime" ||
      mime == "application/pkcs7-signature" || mime == "application/x-pkcs7-signature") {
    return "email";
  }
  if (mime == "text/rtf" || mime == "application/rtf" || mime == "application/msword" ||
      mime == "application/vnd.ms-excel" || mime == "application/vnd.ms-powerpoint" ||
      mime == "application/vnd.ms-office" || mime == "application/x-ole-storage" ||
      mime == "application/CDFV2" || mime == "application/x-cdfv2" ||
      mime == "application/vnd.ms-xpsdocument" || mime == "application/oxps" ||
      starts_with(mime, "application/vnd.openxmlformats-officedocument.") ||
      starts_with(mime, "application/vnd.oasis.opendocument.") ||
      starts_with(mime, "application/vnd.ms-word") ||
      starts_with(mime, "application/vnd.ms-excel") ||
      starts_with(mime, "application/vnd.ms-powerpoint") ||
      starts_with(mime, "application/vnd.apple.")) {
    return "office";
  }
  static constexpr std::array kArchives = {
      "application/zip",
      "application/x-tar",
      "application/gzip",
      "application/x-gzip",
      "application/x-bzip2",
      "application/x-xz",
      "application/x-7z-compressed",
      "application/x-rar",
      "application/vnd.rar",
      "application/x-rar-compressed",
      "application/zstd",
      "application/x-lzma",
      "application/x-lzip",
      "application/x-cpio",
      "application/java-archive",
      "application/x-iso9660-image",
      "application/x-compress",
      "application/x-archive",
      "application/x-zip",
      "application/x-zip-compressed",
      "application/x-gtar",
      "application/x-ustar",
      "application/x-lz4",
      "application/x-xar",
      "application/x-lha",
      "application/x-lzh-compressed",
      "application/x-rpm",
      "application/vnd.ms-cab-compressed",
      "application/vnd.debian.binary-package",
  };
  for (std::string_view a : kArchives) {
    if (mime == a)
      return "archive";
  }
  if (starts_with(mime, "image/"))
    return "image";
  if (starts_with(mime, "audio/"))
    return "audio";
  if (starts_with(mime, "video/"))
    return "video";
  if (starts_with(mime, "text/") || mime == "application/json" ||
      mime == "application/javascript" || mime == "application/x-ndjson" ||
      mime == "application/sql" || contains(mime, "x-sh") || contains(mime, "x-script")) {
    return "text";
  }
  return "other";
}

Registry::Registry() {
  // THE table. Order breaks ties: an earlier row wins at equal score. A new format is one row here
  // plus its files; nothing registers itself.
  static const PdfExtractor pdf;
  static const HtmlExtractor html;
  static const XmlExtractor xml;
  static const ImageExtractor image;
  static const OoxmlExtractor ooxml;
  static const OdfExtractor odf;
  static const XpsExtractor xps;
  static const EpubExtractor epub;
  static const ArchiveExtractor archive;
  static const TextExtractor text;
  static const OleExtractor ole;
  static const RtfExtractor rtf;
  static const EmailExtractor email;
  static const MboxExtractor mbox;
  static const PstExtractor pst;
  static const SmimeExtractor smime;
  static const TnefExtractor tnef;
  static const NamedUnsupportedExtractor unsupported;
  // Claims nothing unless DOSSIER_TEST_EXTRACTORS=1: the sandbox's tests use it to crash workers.
  static const char* test_env = std::getenv("DOSSIER_TEST_EXTRACTORS");
  static const HostileTestExtractor hostile_test(test_env != nullptr && std::string_view(test_env) == "1");
  extractors_ = {&pdf,   &html, &xml,  &image, &ooxml, &odf,         &xps,  &epub, &archive,
                 &ole,   &rtf,  &email, &mbox, &pst,   &smime, &tnef, &unsupported, &text, &hostile_test};
}

const Registry& Registry::instance() {
  static const Registry registry;
  return registry;
}

const Extractor* Registry::by_name(std::string_view name) const {
  for (const Extractor* e : extractors_) {
    if (e->id().name == name) return e;
  }
  return nullptr;
}

const Extractor* Registry::find(const Probe& probe) const {
  const Extractor* best = nullptr;
  MatchScore best_score = kNoMatch;
  for (const Extractor* e : extractors_) {
    MatchScore score = e->sniff(probe);
    if (score > best_score) {
      best = e;
      best_score = score;
    }
  }
  return best;
}

}  // namespace dossier::extract
