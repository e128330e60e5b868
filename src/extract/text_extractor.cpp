#include "extract/text_extractor.h"

#include <array>
#include <cctype>

#include "text/charset.h"

namespace dossier::extract {
namespace {

// application/* types that are text through and through.
constexpr std::array<std::string_view, 10> kTextualApplication = {
    "application/json",     "application/javascript",
    "application/x-ndjson", "application/sql",
    "application/x-sh",     "application/x-shellscript",
    "application/x-perl",   "application/x-ruby",
    "application/x-subrip", "application/x-wine-extension-ini",
};

// Types other extractors own; text takes them only when nobody else does.
constexpr std::array<std::string_view, 4> kOwnedElsewhere = {"text/html", "text/xml", "text/rtf",
                                                             "text/calendar"};

}  // namespace

std::string mime_base(std::string_view mime) {
  std::string base(mime.substr(0, mime.find(';')));
  while (!base.empty() && std::isspace(static_cast<unsigned char>(base.back())))
    base.pop_back();
  for (char& c : base)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return base;
}

std::string mime_charset(std::string_view mime) {
  std::string lowered(mime);
  for (char& c : lowered)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  size_t at = lowered.find("charset=");
  if (at == std::string::npos)
    return {};
  std::string_view rest = std::string_view(mime).substr(at + 8);
  rest = rest.substr(0, rest.find(';'));
  std::string out;
  for (char c : rest) {
    if (c != '"' && c != '\'' && !std::isspace(static_cast<unsigned char>(c)))
      out += c;
  }
  return out;
}

bool truncate_utf8(std::string& text, size_t max_bytes) {
  if (text.size() <= max_bytes)
    return false;
  size_t keep = max_bytes;
  while (keep > 0 && (static_cast<unsigned char>(text[keep]) & 0xC0) == 0x80)
    --keep;
  text.resize(keep);
  return true;
}

MatchScore TextExtractor::sniff(const Probe& probe) const {
  if (text::looks_binary(probe.head))
    return kNoMatch;
  const std::string base = mime_base(probe.mime);
  if (base == "text/plain")
    return kGoodMatch;
  for (std::string_view t : kTextualApplication) {
    if (base == t)
      return kGoodMatch;
  }
  for (std::string_view t : kOwnedElsewhere) {
    if (base == t)
      return kFallbackMatch;
  }
  if (base.rfind("text/", 0) == 0)
    return kGoodMatch - 1;
  // libmagic's "data" for text in an odd charset, and empty files.
  if (base == "application/octet-stream" || base == "application/x-empty")
    return kFallbackMatch;
  return kNoMatch;
}

Result<Extraction> TextExtractor::extract(const Item& item, ExtractContext& ctx) const {
  if (text::looks_binary(item.bytes)) {
    return Error{ErrorCode::kUnsupported, "binary data, not text", item.name};
  }
  Extraction out;
  std::span<const uint8_t> bytes = item.bytes;
  if (bytes.size() > ctx.limits.max_text_bytes) {
    bytes = bytes.first(ctx.limits.max_text_bytes);
    out.warnings.push_back("text truncated at " + std::to_string(ctx.limits.max_text_bytes) +
                           " bytes");
  }
  auto decoded = text::to_utf8(bytes, mime_charset(item.mime));
  if (!decoded) {
    Error e = decoded.error();
    e.context = item.name;
    return e;
  }
  if (truncate_utf8(decoded->text, ctx.limits.max_text_bytes) && out.warnings.empty()) {
    out.warnings.push_back("text truncated at " + std::to_string(ctx.limits.max_text_bytes) +
                           " bytes");
  }
  out.metadata.push_back({"text:charset", decoded->charset});
  out.pages.push_back(Page{0, std::move(decoded->text), TextSource::kNative, -1});
  return out;
}

}  // namespace dossier::extract
