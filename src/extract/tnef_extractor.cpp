#include "extract/tnef_extractor.h"

#include "text/charset.h"

namespace dossier::extract {
namespace {

constexpr uint32_t kSignature = 0x223E9F78;
constexpr uint16_t kAttSubject = 0x8004;
constexpr uint16_t kAttBody = 0x800C;
constexpr uint16_t kAttAttachData = 0x800F;
constexpr uint16_t kAttAttachTitle = 0x8010;
constexpr uint16_t kAttAttachRendData = 0x9002;

uint32_t le32(std::span<const uint8_t> b, size_t at) {
  return static_cast<uint32_t>(b[at]) | static_cast<uint32_t>(b[at + 1]) << 8 |
         static_cast<uint32_t>(b[at + 2]) << 16 | static_cast<uint32_t>(b[at + 3]) << 24;
}

// 8-bit strings are NUL-terminated inside their attribute.
std::string c_string(std::span<const uint8_t> data) {
  std::string s(reinterpret_cast<const char*>(data.data()), data.size());
  const size_t nul = s.find('\0');
  if (nul != std::string::npos)
    s.resize(nul);
  return s;
}

std::string utf8(const std::string& s) {
  auto d = text::to_utf8(s);
  return d ? d->text : s;
}

}  // namespace

Result<TnefContent> parse_tnef(std::span<const uint8_t> bytes) {
  if (bytes.size() < 6 || le32(bytes, 0) != kSignature)
    return Error{ErrorCode::kCorrupt, "not a TNEF stream (bad signature)", ""};
  TnefContent out;
  size_t at = 6;  // signature and legacy key
  // Each attribute: level (1), id and type (4), length (4), data, checksum (2).
  while (at < bytes.size()) {
    if (bytes.size() - at < 9) {
      out.truncated = true;
      break;
    }
    const uint8_t level = bytes[at];
    const uint16_t id = static_cast<uint16_t>(le32(bytes, at + 1) & 0xFFFF);
    const uint32_t length = le32(bytes, at + 5);
    at += 9;
    if (bytes.size() - at < length) {
      out.truncated = true;
      break;
    }
    const auto data = bytes.subspan(at, length);
    at += length;
    at += std::min<size_t>(2, bytes.size() - at);  // checksum, not checked: evidence is kept anyway
    if (level == 0x01) {
      if (id == kAttSubject)
        out.subject = c_string(data);
      else if (id == kAttBody)
        out.body = c_string(data);
      continue;
    }
    if (id == kAttAttachRendData || out.attachments.empty()) {
      out.attachments.emplace_back();
      if (id == kAttAttachRendData)
        continue;
    }
    if (id == kAttAttachTitle) {
      out.attachments.back().title = c_string(data);
    } else if (id == kAttAttachData) {
      out.attachments.back().data.assign(reinterpret_cast<const char*>(data.data()), data.size());
      out.attachments.back().has_data = true;
    }
  }
  return out;
}

TnefOutcome add_tnef_part(std::span<const uint8_t> bytes, Extraction& out, ExtractContext& ctx,
                          std::string& body) {
  auto tnef = parse_tnef(bytes);
  if (!tnef)
    return TnefOutcome::kNotTnef;
  if (!tnef->body.empty()) {
    if (!body.empty())
      body += "\n\n";
    body += utf8(tnef->body);
  }
  if (tnef->truncated)
    out.warnings.push_back("TNEF (winmail.dat) stream is truncated");
  out.declared_children = out.declared_children.value_or(0) + tnef->attachments.size();
  int n = 0;
  for (TnefAttachment& a : tnef->attachments) {
    ++n;
    std::string name =
        a.title.empty() ? "tnef-attachment-" + std::to_string(n) + ".bin" : utf8(a.title);
    if (!a.has_data) {
      out.child_problems.push_back(
          {name, "corrupt", "TNEF attachment without data (truncated winmail.dat?)"});
      continue;
    }
    auto st = ctx.emit_child(out, Child{std::move(name), std::move(a.data)});
    if (!st) {
      out.warnings.push_back("stopped emitting attachments: " + st.error().to_string());
      return TnefOutcome::kStopped;
    }
  }
  return TnefOutcome::kDone;
}

MatchScore TnefExtractor::sniff(const Probe& probe) const {
  return probe.head.size() >= 6 && le32(probe.head, 0) == kSignature ? kExactMatch : kNoMatch;
}

Result<Extraction> TnefExtractor::extract(const Item& item, ExtractContext& ctx) const {
  Extraction out;
  std::string body;
  auto tnef = parse_tnef(item.bytes);
  if (!tnef) {
    Error e = tnef.error();
    e.context = item.name;
    return e;
  }
  if (!tnef->subject.empty())
    out.common.title = utf8(tnef->subject);
  out.declared_children = 0;
  (void)add_tnef_part(item.bytes, out, ctx, body);  // a limit already left a warning
  out.pages.push_back(Page{0, std::move(body), TextSource::kNative, -1});
  return out;
}

}  // namespace dossier::extract
