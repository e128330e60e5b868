// Outlook .msg (MS-OXMSG): a message as properties in a compound file.
#include <map>

#include "core/time_util.h"
#include "extract/cfb_writer.h"
#include "extract/html_extractor.h"
#include "extract/ole_extractor.h"
#include "extract/rtf_extractor.h"
#include "text/charset.h"

namespace dossier::extract {
namespace {

constexpr size_t kMaxHeaders = 1000;
constexpr size_t kMaxHeaderValue = 8192;
constexpr int kMaxNesting = 8;

enum : uint16_t {
  kSubject = 0x0037,
  kClientSubmitTime = 0x0039,
  kMessageClass = 0x001A,
  kHeaders = 0x007D,
  kSenderName = 0x0C1A,
  kSenderEmail = 0x0C1F,
  kSenderSmtp = 0x5D01,
  kSentRepresentingSmtp = 0x5D02,
  kRecipType = 0x0C15,
  kDisplayBcc = 0x0E02,
  kDisplayCc = 0x0E03,
  kDisplayTo = 0x0E04,
  kDeliveryTime = 0x0E06,
  kBody = 0x1000,
  kRtfCompressed = 0x1009,
  kHtml = 0x1013,
  kDisplayName = 0x3001,
  kEmailAddress = 0x3003,
  kCreationTime = 0x3007,
  kModTime = 0x3008,
  kAttachData = 0x3701,
  kAttachFileName = 0x3704,
  kAttachMethod = 0x3705,
  kAttachLongFileName = 0x3707,
  kSmtpAddress = 0x39FE,
  kInternetCpid = 0x3FDE,
  kMessageCodepage = 0x3FFD,
};

struct Fixed {
  uint16_t type;
  uint64_t value;
};

// Property access for one storage: the message, a recipient or an attachment.
class Props {
 public:
  // Recipients and attachments have no code page of their own: they take the message's.
  Props(const CfbReader& cfb, const CfbEntry& storage, size_t header, int codepage = 1252)
      : cfb_(cfb), storage_(storage), codepage_(codepage) {
    if (const CfbEntry* e = cfb.child(storage, "__properties_version1.0")) {
      auto s = cfb.read_stream(*e, 16u << 20);
      if (s.has_value()) {
        for (size_t at = header; at + 16 <= s->size(); at += 16)
          fixed_[le16(*s, at + 2)] = {le16(*s, at), le64(*s, at + 8)};
      }
    }
    if (auto cp = fixed(kMessageCodepage))
      codepage_ = static_cast<int>(*cp);
    else if (auto cpid = fixed(kInternetCpid))
      codepage_ = static_cast<int>(*cpid);
  }
  int codepage() const { return codepage_; }
  std::optional<uint64_t> fixed(uint16_t id) const {
    auto it = fixed_.find(id);
    return it == fixed_.end() ? std::nullopt : std::optional<uint64_t>(it->second.value);
  }
  std::optional<int64_t> time(uint16_t id) const {
    auto it = fixed_.find(id);
    if (it == fixed_.end() || it->second.type != 0x0040)
      return std::nullopt;
    return filetime_to_unix(it->second.value);
  }
  const CfbEntry* stream(uint16_t id, uint16_t type) const {
    char name[32];
    std::snprintf(name, sizeof name, "__substg1.0_%04X%04X", id, type);
    return cfb_.child(storage_, name);
  }
  std::optional<std::string> binary(uint16_t id, uint16_t type = 0x0102) const {
    const CfbEntry* e = stream(id, type);
    if (e == nullptr)
      return std::nullopt;
    auto s = cfb_.read_stream(*e);
    return s.has_value() ? std::optional<std::string>(std::move(s).value()) : std::nullopt;
  }
  std::string str(uint16_t id) const {
    std::string out;
    if (auto w = binary(id, 0x001F)) {
      out = utf16le_to_utf8(*w, StopAtNul::kYes);
    } else if (auto a = binary(id, 0x001E)) {
      std::string_view raw(*a);
      auto d = text::to_utf8(raw.substr(0, raw.find('\0')), codepage_charset(codepage_));
      if (d.has_value())
        out = std::move(d->text);
    }
    while (!out.empty() && (out.back() == '\0' || out.back() == '\n' || out.back() == ' '))
      out.pop_back();
    return out;
  }

 private:
  const CfbReader& cfb_;
  const CfbEntry& storage_;
  std::map<uint16_t, Fixed> fixed_;
  int codepage_;
};

std::string person(const std::string& name, const std::string& addr) {
  if (addr.empty() || addr == name)
    return name;
  if (name.empty())
    return addr;
  return name + " <" + addr + ">";
}

void parse_headers(std::string_view h, Extraction& x) {
  std::vector<std::string> lines;
  size_t at = 0;
  while (at < h.size()) {
    size_t end = h.find('\n', at);
    std::string_view line = h.substr(at, end == std::string_view::npos ? end : end - at);
    at = end == std::string_view::npos ? h.size() : end + 1;
    if (!line.empty() && line.back() == '\r')
      line.remove_suffix(1);
    if (!line.empty() && (line[0] == ' ' || line[0] == '\t') && !lines.empty()) {
      if (lines.back().size() < kMaxHeaderValue)
        lines.back() += " " + std::string(line.substr(line.find_first_not_of(" \t")));
    } else if (!line.empty()) {
      lines.emplace_back(line);
    }
  }
  size_t n = 0;
  for (const std::string& line : lines) {
    size_t colon = line.find(':');
    if (colon == std::string::npos || colon == 0 || colon > 100 || ++n > kMaxHeaders)
      continue;
    std::string value = line.substr(colon + 1);
    value.erase(0, value.find_first_not_of(" \t"));
    x.metadata.push_back({"email:" + line.substr(0, colon), value.substr(0, kMaxHeaderValue)});
    if (line.compare(0, colon, "Date") == 0 && !x.common.created)
      x.common.created = parse_date(value);
  }
}

std::string html_to_text(const std::string& html, ExtractContext& ctx) {
  Item item;
  item.bytes = {reinterpret_cast<const uint8_t*>(html.data()), html.size()};
  item.mime = "text/html";
  auto r = HtmlExtractor().extract(item, ctx);
  std::string out;
  if (r.has_value()) {
    for (const Page& p : r->pages)
      out += p.text;
  }
  return out;
}

class MsgReader {
 public:
  MsgReader(const CfbReader& cfb, ExtractContext& ctx, Extraction& x)
      : cfb_(cfb), ctx_(ctx), x_(x) {}
  std::string message(const CfbEntry& storage, bool top, int nesting);
  int attachment_count() const { return attachment_count_; }

 private:
  std::string body(const Props& p);
  void recipients(const CfbEntry& storage, std::string* to);
  std::string attachments(const CfbEntry& storage, int nesting);

  const CfbReader& cfb_;
  ExtractContext& ctx_;
  Extraction& x_;
  int attachment_count_ = 0;
  int codepage_ = 1252;  // of the message being read, for its recipients and attachments
};

std::string MsgReader::body(const Props& p) {
  std::string text = p.str(kBody);
  if (!text.empty())
    return text;
  if (auto rtf = p.binary(kRtfCompressed)) {
    auto raw = lzfu_decompress(*rtf);
    if (raw.has_value()) {
      Extraction tmp;
      parse_rtf(*raw, tmp, ctx_);
      for (Child& c : tmp.children)
        x_.children.push_back(std::move(c));
      x_.emitted_children += tmp.emitted_children;
      if (!tmp.pages.empty() && !tmp.pages[0].text.empty())
        return tmp.pages[0].text;
    } else {
      x_.warnings.push_back("RTF body: " + raw.error().message);
    }
  }
  std::optional<std::string> html = p.binary(kHtml);
  if (!html)
    html = p.str(kHtml);
  return html && !html->empty() ? html_to_text(*html, ctx_) : std::string();
}

void MsgReader::recipients(const CfbEntry& storage, std::string* to) {
  for (size_t k : storage.children) {
    const CfbEntry& r = cfb_.entries()[k];
    if (r.type != CfbType::kStorage || r.name.rfind("__recip_version1.0_", 0) != 0)
      continue;
    Props p(cfb_, r, 8, codepage_);
    std::string addr = p.str(kSmtpAddress);
    if (addr.empty())
      addr = p.str(kEmailAddress);
    std::string who = person(p.str(kDisplayName), addr);
    if (who.empty())
      continue;
    static constexpr const char* kKinds[] = {"msg:RecipientTo", "msg:RecipientCc",
                                             "msg:RecipientBcc"};
    uint64_t kind = p.fixed(kRecipType).value_or(1);
    x_.metadata.push_back({kKinds[kind >= 1 && kind <= 3 ? kind - 1 : 0], who});
    if (to != nullptr)
      *to += (to->empty() ? "" : ", ") + who;
  }
}

std::string MsgReader::attachments(const CfbEntry& storage, int nesting) {
  std::string embedded_text;
  for (size_t k : storage.children) {
    const CfbEntry& a = cfb_.entries()[k];
    if (a.type != CfbType::kStorage || a.name.rfind("__attach_version1.0_", 0) != 0)
      continue;
    ++attachment_count_;
    Props p(cfb_, a, 8, codepage_);
    std::string name = p.str(kAttachLongFileName);
    if (name.empty())
      name = p.str(kAttachFileName);
    if (name.empty())
      name = p.str(kDisplayName);
    if (name.empty())
      name = "attachment-" + std::to_string(attachment_count_);
    x_.metadata.push_back({"msg:Attachment", name});
    if (const CfbEntry* obj = p.stream(kAttachData, 0x000D)) {
      // An attached message or OLE object is a storage: written out as a compound file of its
      // own it becomes a child like any other attachment.
      bool is_message = cfb_.child(*obj, "__properties_version1.0") != nullptr ||
                        cfb_.child(*obj, "__substg1.0_0037001F") != nullptr ||
                        cfb_.child(*obj, "__substg1.0_0037001E") != nullptr;
      auto copy = copy_storage(cfb_, *obj, ctx_.limits.max_child_bytes,
                               is_message ? CfbCopy::kAsTopLevelMessage : CfbCopy::kPlain);
      if (copy.has_value()) {
        bool has_ext = name.size() > 4 && name.compare(name.size() - 4, 4, ".msg") == 0;
        Status s = ctx_.emit_child(
            x_, Child{is_message && !has_ext ? name + ".msg" : name, std::move(copy).value()});
        if (!s.has_value())
          x_.child_problems.push_back({name, error_code_name(s.error().code), s.error().message});
      } else if (is_message && nesting < kMaxNesting) {
        x_.warnings.push_back("embedded message \"" + name + "\" could not be copied (" +
                              copy.error().message + "); its text is in this message's text");
        embedded_text += "\n\n----- Attached message: " + name + " -----\n";
        embedded_text += message(*obj, false, nesting + 1);
      } else {
        x_.child_problems.push_back(
            {name, error_code_name(copy.error().code), "embedded object: " + copy.error().message});
      }
      continue;
    }
    auto data = p.binary(kAttachData);
    if (!data) {
      if (p.fixed(kAttachMethod).value_or(1) == 1)
        x_.child_problems.push_back({name, "corrupt", "attachment without data"});
      continue;  // by-reference attachments have no bytes
    }
    Status s = ctx_.emit_child(x_, Child{name, std::move(*data)});
    if (!s.has_value())
      x_.child_problems.push_back({name, error_code_name(s.error().code), s.error().message});
  }
  return embedded_text;
}

std::string MsgReader::message(const CfbEntry& storage, bool top, int nesting) {
  Props p(cfb_, storage, top ? 32 : 24);
  const int outer_codepage = codepage_;
  codepage_ = p.codepage();
  std::string subject = p.str(kSubject);
  std::string sender_addr = p.str(kSenderSmtp);
  if (sender_addr.empty())
    sender_addr = p.str(kSentRepresentingSmtp);
  if (sender_addr.empty())
    sender_addr = p.str(kSenderEmail);  // may be an Exchange X.500 address ("/O=...")
  std::string from = person(p.str(kSenderName), sender_addr);
  std::string to;
  std::string text;
  auto line = [&](const char* label, const std::string& v) {
    if (!v.empty())
      text += std::string(label) + ": " + v + "\n";
  };
  if (top) {
    std::pair<const char*, uint16_t> fields[] = {
        {"msg:Subject", kSubject},         {"msg:SenderName", kSenderName},
        {"msg:SenderEmail", kSenderEmail}, {"msg:SenderSmtpAddress", kSenderSmtp},
        {"msg:DisplayTo", kDisplayTo},     {"msg:DisplayCc", kDisplayCc},
        {"msg:DisplayBcc", kDisplayBcc},   {"msg:MessageClass", kMessageClass}};
    for (auto [key, id] : fields) {
      std::string v = p.str(id);
      if (!v.empty())
        x_.metadata.push_back({key, v});
    }
    std::pair<const char*, uint16_t> times[] = {{"msg:ClientSubmitTime", kClientSubmitTime},
                                                {"msg:DeliveryTime", kDeliveryTime},
                                                {"msg:CreationTime", kCreationTime},
                                                {"msg:LastModificationTime", kModTime}};
    for (auto [key, id] : times) {
      if (auto t = p.time(id))
        x_.metadata.push_back({key, format_iso8601(*t)});
    }
    std::string headers = p.str(kHeaders);
    if (!headers.empty())
      parse_headers(headers, x_);
    recipients(storage, &to);
    if (to.empty()) {
      for (uint16_t id : {kDisplayTo, kDisplayCc, kDisplayBcc}) {
        std::string v = p.str(id);
        if (!v.empty())
          to += (to.empty() ? "" : ", ") + v;
      }
    }
    x_.common.title = subject;
    x_.common.from = from;
    x_.common.to = to;
    if (auto t = p.time(kClientSubmitTime); t || !x_.common.created)
      x_.common.created = t ? t : p.time(kDeliveryTime);
    x_.common.modified = p.time(kModTime);
    if (!x_.common.created)
      x_.common.created = p.time(kCreationTime);
  }
  line("From", from);
  line("To", p.str(kDisplayTo));
  line("Cc", p.str(kDisplayCc));
  line("Subject", subject);
  text += "\n" + body(p);
  text += attachments(storage, nesting);
  codepage_ = outer_codepage;
  return text;
}

}  // namespace

Result<Extraction> extract_msg(const CfbReader& cfb, ExtractContext& ctx, int depth) {
  (void)depth;
  Extraction x;
  MsgReader reader(cfb, ctx, x);
  std::string text = reader.message(cfb.root(), true, 0);
  // Every attachment storage: those not emitted are child_problems.
  x.declared_children = static_cast<uint64_t>(reader.attachment_count());
  add_ole_page(x, 0, std::move(text), ctx);
  return x;
}

}  // namespace dossier::extract
