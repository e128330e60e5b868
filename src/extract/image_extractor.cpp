#include "extract/image_extractor.h"

// Exiv2 0.27 hands out std::auto_ptr, deprecated since C++11; its API leaves no other way.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
#include <exiv2/exiv2.hpp>
#pragma GCC diagnostic pop

#include <climits>
#include <cstring>
#include <mutex>

#include "core/time_util.h"
#include "extract/mupdf_image.h"
#include "extract/text_extractor.h"

namespace dossier::extract {
namespace {

constexpr size_t kMaxValueBytes = 4096;
constexpr int64_t kMaxOcrPixels = 120'000'000;  // as TesseractEngine's

std::mutex& xmp_mutex() {
  static std::mutex mu;
  return mu;
}

void xmp_lock(void* data, bool lock) {
  auto* mu = static_cast<std::mutex*>(data);
  if (lock) {
    mu->lock();
  } else {
    mu->unlock();
  }
}

void init_exiv2_once() {
  static std::once_flag once;
  std::call_once(once, [] {
    Exiv2::LogMsg::setLevel(Exiv2::LogMsg::mute);
    Exiv2::XmpParser::initialize(xmp_lock, &xmp_mutex());
    Exiv2::enableBMFF(true);
  });
}

// Takes the literal itself so that embedded NULs ("II*\0") count and the final one does not.
template <size_t N>
bool has_magic(std::span<const uint8_t> h, size_t offset,
               const char (&sig)[N]) {  // NOLINT(modernize-avoid-c-arrays): a literal's own type
  return h.size() >= offset + N - 1 && std::memcmp(h.data() + offset, sig, N - 1) == 0;
}

// Formats Exiv2 0.27 reads, by their magic bytes.
bool exiv2_magic(std::span<const uint8_t> h) {
  return has_magic(h, 0, "\xFF\xD8\xFF") || has_magic(h, 0, "\x89PNG\r\n\x1A\n") ||
         has_magic(h, 0, "GIF87a") || has_magic(h, 0, "GIF89a") || has_magic(h, 0, "II*\0") ||
         has_magic(h, 0, "MM\0*") || (has_magic(h, 0, "RIFF") && has_magic(h, 8, "WEBP")) ||
         has_magic(h, 0, "8BPS") || has_magic(h, 0, "\0\0\0\x0CjP  \r\n\x87\n");
}

std::string clip(std::string s) {
  truncate_utf8(s, kMaxValueBytes);
  return s;
}

template <typename Data>
std::string find_value(const Data& data, const char* key) {
  for (const auto& d : data) {
    if (d.key() == key)
      return clip(d.toString());
  }
  return {};
}

void set_if_empty(std::string& field, std::string value) {
  if (field.empty() && !value.empty())
    field = std::move(value);
}

std::string strip_lang(std::string v) {
  // LangAlt values print as: lang="x-default" Title
  if (v.rfind("lang=\"", 0) == 0) {
    size_t end = v.find("\" ");
    if (end != std::string::npos)
      return v.substr(end + 2);
  }
  return v;
}

void collect_exif(const Exiv2::ExifData& exif, Extraction& out) {
  for (const auto& d : exif) {
    const std::string key = d.key();
    if (key.find("MakerNote") != std::string::npos)
      continue;
    const bool binary = d.typeId() == Exiv2::undefined || d.typeId() == Exiv2::unsignedByte;
    std::string value;
    if (key.rfind("Exif.Image.XP", 0) == 0) {
      value = d.print(&exif);  // UCS-2 bytes; print() decodes them
    } else if (binary && d.size() > 64) {
      continue;
    } else {
      value = d.toString();
    }
    out.metadata.push_back({"exif:" + key, clip(std::move(value))});
  }
  const std::string offset = find_value(exif, "Exif.Photo.OffsetTimeOriginal");
  for (const char* k : {"Exif.Photo.DateTimeOriginal", "Exif.Photo.DateTimeDigitized"}) {
    if (!out.common.created)
      out.common.created = parse_exif_date(find_value(exif, k), offset);
  }
  out.common.modified = parse_exif_date(find_value(exif, "Exif.Image.DateTime"),
                                        find_value(exif, "Exif.Photo.OffsetTime"));
  set_if_empty(out.common.application, find_value(exif, "Exif.Image.Software"));
  set_if_empty(out.common.author, find_value(exif, "Exif.Image.Artist"));
}

void collect_iptc(const Exiv2::IptcData& iptc, Extraction& out) {
  for (const auto& d : iptc)
    out.metadata.push_back({"iptc:" + d.key(), clip(d.toString())});
}

void collect_xmp(const Exiv2::XmpData& xmp, Extraction& out) {
  for (const auto& d : xmp) {
    std::string value = d.toString();
    if (d.typeId() == Exiv2::langAlt)
      value = strip_lang(std::move(value));
    out.metadata.push_back({"xmp:" + d.key(), clip(std::move(value))});
  }
}

// Fills common fields the EXIF block did not, from XMP and IPTC.
void fill_common(const Exiv2::Image& image, Extraction& out) {
  const Exiv2::XmpData& xmp = image.xmpData();
  const Exiv2::IptcData& iptc = image.iptcData();
  set_if_empty(out.common.author, find_value(xmp, "Xmp.dc.creator"));
  set_if_empty(out.common.author, find_value(iptc, "Iptc.Application2.Byline"));
  set_if_empty(out.common.application, find_value(xmp, "Xmp.xmp.CreatorTool"));
  set_if_empty(out.common.title, strip_lang(find_value(xmp, "Xmp.dc.title")));
  set_if_empty(out.common.title, find_value(iptc, "Iptc.Application2.ObjectName"));
  if (!out.common.created)
    out.common.created = parse_date(find_value(xmp, "Xmp.xmp.CreateDate"));
  if (!out.common.modified)
    out.common.modified = parse_date(find_value(xmp, "Xmp.xmp.ModifyDate"));
}

// Identifying the type: any failure here means Exiv2 does not know the format.
std::unique_ptr<Exiv2::Image> open_image(const Item& item) {
  try {
    // AutoPtr is std::auto_ptr in 0.27: take ownership in a unique_ptr at once.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
    return std::unique_ptr<Exiv2::Image>(
        Exiv2::ImageFactory::open(item.bytes.data(), static_cast<long>(item.bytes.size()))
            .release());
#pragma GCC diagnostic pop
  } catch (const std::exception&) {  // Exiv2::AnyError derives from std::exception
    return nullptr;
  }
}

Result<Extraction> read_image(const Item& item) {
  std::unique_ptr<Exiv2::Image> image = open_image(item);
  if (image == nullptr)
    return Error{ErrorCode::kUnsupported, "unsupported image format", item.name};
  image->readMetadata();
  Extraction out;
  out.metadata.push_back({"image:mime", image->mimeType()});
  if (image->pixelWidth() > 0) {
    out.metadata.push_back({"image:width", std::to_string(image->pixelWidth())});
    out.metadata.push_back({"image:height", std::to_string(image->pixelHeight())});
  }
  if (!image->comment().empty())
    out.metadata.push_back({"image:comment", clip(image->comment())});
  collect_exif(image->exifData(), out);
  collect_iptc(image->iptcData(), out);
  collect_xmp(image->xmpData(), out);
  fill_common(*image, out);
  return out;
}

// Each frame's text becomes a page marked as OCR. An image OCR cannot read is still a document
// (its metadata and hash matter): the reason is a warning, not a failure.
void add_ocr_pages(const Item& item, OcrEngine& ocr, Extraction& out) {
  auto pages = ocr.recognize_image(item.bytes);
  if (!pages.has_value() && pages.error().code != ErrorCode::kLimit) {
    // Leptonica is strict (a BMP whose header miscounts by two bytes); MuPDF decodes more.
    auto decoded = decode_image_with_mupdf(item.bytes, kMaxOcrPixels);
    if (decoded.has_value()) {
      auto page = ocr.recognize(decoded->pixels());
      if (page.has_value()) pages = std::vector<OcrPage>{std::move(page).value()};
    }
  }
  if (!pages.has_value()) {
    out.warnings.push_back("OCR: " + pages.error().message);
    return;
  }
  out.metadata.push_back({"ocr:engine", ocr.tool() + " " + ocr.tool_version()});
  int number = 0;
  for (OcrPage& p : *pages) {
    Page page;
    page.number = ++number;
    page.text = std::move(p.text);
    page.source = TextSource::kOcr;
    page.ocr_confidence = p.confidence;
    if (p.rotation != 0) out.metadata.push_back({"ocr:rotation:" + std::to_string(number), std::to_string(p.rotation)});
    out.pages.push_back(std::move(page));
  }
  out.page_count = number;
}

}  // namespace

std::optional<int64_t> parse_exif_date(std::string_view date, std::string_view offset) {
  while (!date.empty() && (date.back() == ' ' || date.back() == '\0'))
    date.remove_suffix(1);
  if (date.size() < 10)
    return std::nullopt;
  std::string iso(date);
  if (iso[4] == ':' && iso[7] == ':')
    iso[4] = iso[7] = '-';
  // A malformed offset should not lose the date: fall back to reading it as UTC.
  if (!offset.empty()) {
    if (auto t = parse_date(iso + std::string(offset)))
      return t;
  }
  return parse_date(iso);
}

ImageExtractor::ImageExtractor() {
  init_exiv2_once();
}

MatchScore ImageExtractor::sniff(const Probe& probe) const {
  if (exiv2_magic(probe.head))
    return kExactMatch;
  const std::string base = mime_base(probe.mime);
  if (base.rfind("image/", 0) == 0 && base != "image/svg+xml")
    return kGoodMatch;
  return kNoMatch;
}

Result<Extraction> ImageExtractor::extract(const Item& item, ExtractContext& ctx) const {
  init_exiv2_once();
  if (item.bytes.empty())
    return Error{ErrorCode::kCorrupt, "empty image", item.name};
  if (item.bytes.size() > static_cast<size_t>(LONG_MAX)) {
    return Error{ErrorCode::kLimit, "image too large for Exiv2", item.name};
  }
  try {
    auto out = read_image(item);
    if (ctx.ocr == nullptr || ctx.ocr_mode == OcrMode::kOff)
      return out;
    if (out.has_value()) {
      add_ocr_pages(item, *ctx.ocr, *out);
      return out;
    }
    // Exiv2 does not read every format OCR can (PNM, some BMPs): the text still counts.
    Extraction text_only;
    add_ocr_pages(item, *ctx.ocr, text_only);
    if (text_only.pages.empty())
      return out;
    text_only.warnings.insert(text_only.warnings.begin(), "metadata not read: " + out.error().message);
    return text_only;
  } catch (const Exiv2::AnyError& e) {
    if (e.code() == Exiv2::kerMemoryContainsUnknownImageType || e.code() == Exiv2::kerNotAnImage) {
      return Error{ErrorCode::kUnsupported, "unsupported image format", item.name};
    }
    return Error{ErrorCode::kCorrupt, std::string("corrupt image: ") + e.what(), item.name};
  } catch (const std::exception& e) {
    return Error{ErrorCode::kCorrupt, std::string("corrupt image: ") + e.what(), item.name};
  }
}

void ensure_exiv2_initialized() { init_exiv2_once(); }

}  // namespace dossier::extract
