// The RTF tokenizer behind RtfExtractor and the MSG module's RTF bodies.
#include <algorithm>
#include <array>
#include <cctype>
#include <map>

#include "core/time_util.h"
#include "extract/cfb_reader.h"
#include "extract/rtf_extractor.h"
#include "extract/rtf_tables.h"
#include "extract/text_extractor.h"
#include "text/charset.h"

namespace dossier::extract {
namespace {

enum class Dest { kText, kSkip, kFontTable, kInfo, kInfoField, kObject, kObjData, kObjClass };

struct Group {
  Dest dest = Dest::kText;
  int uc = 1;
  int codepage = 1252;
  bool suppress = false;  // \htmlrtf: RTF-only content of de-encapsulated HTML
  std::string field;      // for kInfoField: which \info field
  bool object_owner = false;
  bool field_owner = false;
};

using rtf::charset_codepage;
using rtf::in;
using rtf::kInfoText;
using rtf::kInfoTime;
using rtf::kSkipped;

class RtfParser {
 public:
  RtfParser(std::string_view in, Extraction& out, ExtractContext& ctx)
      : in_(in), out_(out), ctx_(ctx) {}
  void run();

 private:
  Group& top() { return stack_.back(); }
  std::string* sink();
  void flush();
  void put_byte(uint8_t b);
  void put_unicode(uint32_t cp);
  void put_text(std::string_view s);
  void control_word(std::string_view word, bool has_param, int param);
  void destination(std::string_view word, bool starred);
  void close_group();
  void finish_object();
  void finish_time(const Group& g);
  void finish();

  std::string_view in_;
  Extraction& out_;
  ExtractContext& ctx_;
  std::vector<Group> stack_ = {Group{}};
  std::string text_, scratch_, pending_;
  int pending_cp_ = 1252;
  int doc_cp_ = 1252;
  int font_def_ = -1;
  int deff_ = -1;
  std::map<int, int> font_cp_;
  int skip_chars_ = 0;
  uint16_t high_surrogate_ = 0;
  bool group_start_ = false, starred_ = false;
  std::map<std::string, std::string> info_;
  std::map<std::string, int> time_parts_;
  std::string obj_hex_, obj_class_;
  int objects_ = 0;
  bool text_full_ = false;
};

std::string* RtfParser::sink() {
  switch (top().dest) {
    case Dest::kText:
      return top().suppress || text_full_ ? nullptr : &text_;
    case Dest::kInfoField:
      return &info_[top().field];
    case Dest::kObjData:
      return &obj_hex_;
    case Dest::kObjClass:
      return &obj_class_;
    default:
      return nullptr;
  }
}

void RtfParser::flush() {
  if (pending_.empty())
    return;
  std::string* s = sink();
  if (s != nullptr) {
    auto d = text::to_utf8(pending_, codepage_charset(pending_cp_));
    if (d.has_value())
      *s += d->text;
  }
  pending_.clear();
}

void RtfParser::put_byte(uint8_t b) {
  if (skip_chars_ > 0) {
    --skip_chars_;
    return;
  }
  // In double-byte code pages a trail byte may be plain ASCII ("\\'8c]"): keep it with its lead.
  const int cp = top().codepage;
  const bool dbcs = cp == 932 || cp == 936 || cp == 949 || cp == 950 || cp == 1361;
  if (b < 0x80 && top().dest != Dest::kObjData && !(dbcs && !pending_.empty())) {
    flush();
    put_text(std::string_view(reinterpret_cast<const char*>(&b), 1));
    return;
  }
  if (!pending_.empty() && pending_cp_ != top().codepage)
    flush();
  pending_cp_ = top().codepage;
  pending_ += static_cast<char>(b);
}

void RtfParser::put_text(std::string_view s) {
  flush();
  std::string* out = sink();
  if (out == nullptr)
    return;
  *out += s;
  if (out == &text_ && text_.size() > ctx_.limits.max_text_bytes) {
    truncate_utf8(text_, ctx_.limits.max_text_bytes);
    text_full_ = true;
    out_.warnings.push_back("text cut at " + std::to_string(ctx_.limits.max_text_bytes) + " bytes");
  }
}

void RtfParser::put_unicode(uint32_t cp) {
  if (cp >= 0xD800 && cp <= 0xDBFF) {
    high_surrogate_ = static_cast<uint16_t>(cp);
    return;
  }
  if (cp >= 0xDC00 && cp <= 0xDFFF && high_surrogate_ != 0)
    cp = 0x10000 + ((high_surrogate_ - 0xD800u) << 10) + (cp - 0xDC00);
  high_surrogate_ = 0;
  scratch_.clear();
  append_utf8(scratch_, cp);
  put_text(scratch_);
}

void RtfParser::destination(std::string_view word, bool starred) {
  Group& g = top();
  if (word == "fonttbl") {
    g.dest = Dest::kFontTable;
  } else if (word == "info") {
    g.dest = Dest::kInfo;
  } else if (g.dest == Dest::kInfo && (in(kInfoText, word) || in(kInfoTime, word))) {
    g.dest = Dest::kInfoField;
    g.field = std::string(word);
    g.field_owner = true;
  } else if (word == "object") {
    flush();
    g.dest = Dest::kObject;
    g.object_owner = true;
    obj_hex_.clear();
    obj_class_.clear();
  } else if (word == "objdata" && g.dest == Dest::kObject) {
    g.dest = Dest::kObjData;
  } else if (word == "objclass" && g.dest == Dest::kObject) {
    g.dest = Dest::kObjClass;
  } else if (word == "result" || word == "fldrslt") {
    if (g.dest == Dest::kObject || g.dest == Dest::kText)
      g.dest = Dest::kText;
  } else if (in(kSkipped, word) || starred) {
    g.dest = Dest::kSkip;
  }
}

void RtfParser::control_word(std::string_view w, bool has_param, int param) {
  const bool at_start = group_start_;
  group_start_ = false;
  const bool starred = starred_;
  starred_ = false;
  if (at_start || starred) {
    Dest before = top().dest;
    destination(w, starred);
    if (top().dest != before || w == "result" || w == "fldrslt")
      return;
  }
  Group& g = top();
  if (g.dest == Dest::kFontTable) {
    if (w == "f" && has_param)
      font_def_ = param;
    else if (w == "fcharset" && has_param && font_def_ >= 0)
      font_cp_[font_def_] = charset_codepage(param, doc_cp_);
    else if (w == "cpg" && has_param && font_def_ >= 0)
      font_cp_[font_def_] = param;
    return;
  }
  if (g.dest == Dest::kInfoField && has_param &&
      (w == "yr" || w == "mo" || w == "dy" || w == "hr" || w == "min" || w == "sec")) {
    time_parts_[g.field + ":" + std::string(w)] = param;
    return;
  }
  if (w == "u" && has_param) {
    put_unicode(static_cast<uint32_t>(param < 0 ? param + 65536 : param));
    skip_chars_ = g.uc;
    return;
  }
  if (w == "deff" && has_param) {
    deff_ = param;
  } else if (w == "uc" && has_param) {
    g.uc = std::max(0, std::min(param, 8));
  } else if (w == "ansicpg" && has_param) {
    doc_cp_ = param;
    for (Group& each : stack_)
      each.codepage = param;
    out_.metadata.push_back({"rtf:ansicpg", std::to_string(param)});
  } else if (w == "f" && has_param) {
    auto it = font_cp_.find(param);
    g.codepage = it != font_cp_.end() ? it->second : doc_cp_;
  } else if (w == "htmlrtf") {
    g.suppress = !has_param || param != 0;
  } else if (w == "bin" && has_param && param > 0) {
    flush();
    size_t n = std::min<size_t>(static_cast<size_t>(param), in_.size());
    if (g.dest == Dest::kObjData) {  // raw bytes: keep them as hex like the rest of objdata
      static constexpr char kHex[] = "0123456789abcdef";
      for (char c : in_.substr(0, n)) {
        obj_hex_ += kHex[static_cast<uint8_t>(c) >> 4];
        obj_hex_ += kHex[static_cast<uint8_t>(c) & 15];
      }
    }
    in_.remove_prefix(n);
  } else if (w == "par" || w == "line" || w == "sect" || w == "page" || w == "row") {
    put_text("\n");
  } else if (w == "tab" || w == "cell" || w == "nestcell") {
    put_text("\t");
  } else if (w == "emdash") {
    put_unicode(0x2014);
  } else if (w == "endash") {
    put_unicode(0x2013);
  } else if (w == "bullet") {
    put_unicode(0x2022);
  } else if (w == "lquote") {
    put_unicode(0x2018);
  } else if (w == "rquote") {
    put_unicode(0x2019);
  } else if (w == "ldblquote") {
    put_unicode(0x201C);
  } else if (w == "rdblquote") {
    put_unicode(0x201D);
  } else if (w == "emspace" || w == "enspace" || w == "qmspace") {
    put_text(" ");
  }
}

void RtfParser::finish_time(const Group& g) {
  auto part = [&](const char* p) {
    auto it = time_parts_.find(g.field + ":" + p);
    return it == time_parts_.end() ? 0 : it->second;
  };
  int yr = part("yr");
  if (yr < 1900 || yr > 9999)
    return;
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02dZ", yr,
                std::clamp(part("mo"), 1, 12), std::clamp(part("dy"), 1, 31),
                std::clamp(part("hr"), 0, 23), std::clamp(part("min"), 0, 59),
                std::clamp(part("sec"), 0, 59));
  info_[g.field] = buf;
}

void RtfParser::finish_object() {
  ++objects_;
  std::string bytes;
  int hi = -1;
  for (char c : obj_hex_) {
    int v = std::isdigit(static_cast<unsigned char>(c)) ? c - '0'
            : (c >= 'a' && c <= 'f')                    ? c - 'a' + 10
            : (c >= 'A' && c <= 'F')                    ? c - 'A' + 10
                                                        : -1;
    if (v < 0)
      continue;
    if (hi < 0) {
      hi = v;
    } else {
      bytes += static_cast<char>(hi << 4 | v);
      hi = -1;
    }
  }
  std::string prefix = "rtf:object-" + std::to_string(objects_);
  if (!obj_class_.empty())
    out_.metadata.push_back({prefix + ":class", obj_class_});
  if (bytes.empty())
    return;
  Child child{"object-" + std::to_string(objects_) + ".bin", {}};
  if (auto ole1 = parse_ole1(bytes)) {
    if (!ole1->file_name.empty())
      child.name = ole1->file_name;
    child.bytes = std::move(ole1->bytes);
  } else {
    child.bytes = std::move(bytes);
  }
  Status s = ctx_.emit_child(out_, std::move(child));
  if (!s.has_value())
    out_.warnings.push_back(s.error().message);
}

void RtfParser::close_group() {
  flush();
  if (stack_.size() <= 1)
    return;  // an unbalanced '}': ignore it
  Group g = std::move(stack_.back());
  stack_.pop_back();
  if (g.field_owner && in(kInfoTime, g.field))
    finish_time(g);
  if (g.object_owner)
    finish_object();
  if (g.dest == Dest::kFontTable && top().dest != Dest::kFontTable) {
    auto it = font_cp_.find(deff_);
    if (it != font_cp_.end()) {
      for (Group& each : stack_)
        each.codepage = it->second;
    }
  }
}

void RtfParser::finish() {
  for (auto& [key, raw] : info_) {
    std::string value = raw;
    while (!value.empty() && (value.back() == ' ' || value.back() == ';' || value.back() == '\n'))
      value.pop_back();
    if (value.empty())
      continue;
    out_.metadata.push_back({"rtf:" + key, value});
    if (key == "title")
      out_.common.title = value;
    else if (key == "author")
      out_.common.author = value;
    else if (key == "creatim")
      out_.common.created = parse_date(value);
    else if (key == "revtim")
      out_.common.modified = parse_date(value);
  }
  auto d = text::to_utf8(text_, "UTF-8");
  Page page;
  page.text = d.has_value() ? std::move(d->text) : std::move(text_);
  while (!page.text.empty() && (page.text.back() == '\n' || page.text.back() == ' '))
    page.text.pop_back();
  out_.pages.push_back(std::move(page));
}

void RtfParser::run() {
  constexpr size_t kMaxDepth = 4096;
  while (!in_.empty()) {
    char c = in_.front();
    in_.remove_prefix(1);
    if (c == '{') {
      flush();
      skip_chars_ = 0;
      Group next = top();
      next.object_owner = next.field_owner = false;
      if (stack_.size() < kMaxDepth)
        stack_.push_back(std::move(next));
      group_start_ = true;
    } else if (c == '}') {
      skip_chars_ = 0;
      close_group();
      group_start_ = false;
    } else if (c == '\\') {
      if (in_.empty())
        break;
      char d = in_.front();
      if (std::isalpha(static_cast<unsigned char>(d))) {
        size_t n = 0;
        while (n < in_.size() && n < 32 && std::isalpha(static_cast<unsigned char>(in_[n])))
          ++n;
        std::string_view word = in_.substr(0, n);
        in_.remove_prefix(n);
        bool neg = !in_.empty() && in_.front() == '-';
        if (neg)
          in_.remove_prefix(1);
        bool has_param = !in_.empty() && std::isdigit(static_cast<unsigned char>(in_.front()));
        long param = 0;
        while (!in_.empty() && std::isdigit(static_cast<unsigned char>(in_.front()))) {
          param = std::min(param * 10 + (in_.front() - '0'), 1L << 30);
          in_.remove_prefix(1);
        }
        if (!in_.empty() && in_.front() == ' ')
          in_.remove_prefix(1);
        if (skip_chars_ > 0 && word != "u") {
          --skip_chars_;  // a control word standing in as the \u fallback
          continue;
        }
        control_word(word, has_param, static_cast<int>(neg ? -param : param));
        continue;
      }
      in_.remove_prefix(1);
      const bool was_start = group_start_;
      group_start_ = false;
      if (d == '\'') {
        int v = -1;
        if (in_.size() >= 2 && std::isxdigit(static_cast<unsigned char>(in_[0])) &&
            std::isxdigit(static_cast<unsigned char>(in_[1]))) {
          v = std::stoi(std::string(in_.substr(0, 2)), nullptr, 16);
          in_.remove_prefix(2);
        }
        if (v >= 0)
          put_byte(static_cast<uint8_t>(v));
      } else if (d == '*') {
        // Only "{\*\dest" marks an ignorable destination; a stray \* mid-group is noise.
        starred_ = was_start;
        group_start_ = was_start;
      } else if (skip_chars_ > 0) {
        --skip_chars_;
      } else if (d == '~') {
        put_unicode(0xA0);
      } else if (d == '_') {
        put_text("-");
      } else if (d == '\n' || d == '\r') {
        put_text("\n");
      } else if (d == '\\' || d == '{' || d == '}') {
        put_byte(static_cast<uint8_t>(d));
      }
    } else if (c == '\r' || c == '\n') {
      continue;
    } else {
      group_start_ = false;
      if (top().dest == Dest::kObjData) {
        obj_hex_ += c;
        continue;
      }
      put_byte(static_cast<uint8_t>(c));
    }
  }
  while (stack_.size() > 1)
    close_group();
  flush();
  finish();
}

}  // namespace

void parse_rtf(std::string_view rtf, Extraction& out, ExtractContext& ctx) {
  RtfParser p(rtf, out, ctx);
  p.run();
}

}  // namespace dossier::extract
