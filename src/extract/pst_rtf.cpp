// rtf_to_text (declared in pst_message.h): enough RTF to read an Outlook body that has no plain
// text or HTML version. Not a general RTF extractor.
#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <string_view>
#include <vector>

#include "extract/pst_message.h"
#include "text/charset.h"

namespace dossier::extract {
namespace {

std::string charset_for_codepage(int cp) {
  switch (cp) {
    case 936:
      return "gbk";
    case 950:
      return "big5";
    case 932:
      return "shift_jis";
    case 949:
      return "euc-kr";
    default:
      return "windows-" + std::to_string(cp);
  }
}

void append_utf8(std::string& out, uint32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    if (cp >= 0xD800 && cp < 0xE000)
      cp = 0xFFFD;  // lone surrogates from \u are not characters
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

bool is_skipped_destination(std::string_view word) {
  static constexpr std::string_view kSkip[] = {
      "fonttbl",   "colortbl",     "stylesheet",        "info",
      "pict",      "object",       "themedata",         "datastore",
      "xmlnstbl",  "listtable",    "listoverridetable", "rsidtbl",
      "generator", "latentstyles", "fldinst",           "header",
      "footer",    "filetbl"};
  for (std::string_view s : kSkip) {
    if (word == s)
      return true;
  }
  return false;
}

struct Group {
  bool skip = false;
  int uc = 1;  // characters that follow a \u as its fallback
};

class RtfReader {
 public:
  explicit RtfReader(std::string_view rtf) : r_(rtf) {}

  std::string run() {
    while (i_ < r_.size()) {
      const char c = r_[i_];
      if (c == '{') {
        if (stack_.size() < 512)
          stack_.push_back(stack_.back());
        ++i_;
      } else if (c == '}') {
        if (stack_.size() > 1)
          stack_.pop_back();
        ++i_;
      } else if (c == '\r' || c == '\n') {
        ++i_;
      } else if (c == '\\') {
        control();
      } else {
        emit(std::string_view(&r_[i_], 1));
        ++i_;
      }
    }
    flush();
    return std::move(out_);
  }

 private:
  void flush() {
    if (pending_.empty())
      return;
    auto d = text::to_utf8(pending_, charset_);
    out_ += d ? d->text : pending_;
    pending_.clear();
  }
  // One character of output; a \u fallback swallows the next `uc` of them.
  bool skipping() {
    if (stack_.back().skip)
      return true;
    if (fallback_ > 0) {
      --fallback_;
      return true;
    }
    return false;
  }
  void emit(std::string_view s) {
    if (skipping())
      return;
    flush();
    out_ += s;
  }

  void control() {
    ++i_;
    if (i_ >= r_.size())
      return;
    const char d = r_[i_];
    if (d == '\'') {
      if (i_ + 2 < r_.size() && std::isxdigit(static_cast<unsigned char>(r_[i_ + 1])) &&
          std::isxdigit(static_cast<unsigned char>(r_[i_ + 2]))) {
        const char hex[3] = {r_[i_ + 1], r_[i_ + 2], 0};
        if (!skipping())
          pending_ += static_cast<char>(std::strtol(hex, nullptr, 16));
      }
      i_ += 3;
      return;
    }
    if (d == '*') {
      stack_.back().skip = true;
      ++i_;
      return;
    }
    if (!std::isalpha(static_cast<unsigned char>(d))) {
      if (d == '\\' || d == '{' || d == '}')
        emit(std::string_view(&r_[i_], 1));
      else if (d == '~')
        emit(" ");
      else if (d == '\n' || d == '\r')
        emit("\n");
      ++i_;
      return;
    }
    const size_t start = i_;
    while (i_ < r_.size() && std::isalpha(static_cast<unsigned char>(r_[i_])))
      ++i_;
    const std::string_view word = r_.substr(start, i_ - start);
    bool has_param = false;
    long param = 0;
    const size_t pstart = i_;
    if (i_ < r_.size() && (r_[i_] == '-' || std::isdigit(static_cast<unsigned char>(r_[i_])))) {
      ++i_;
      while (i_ < r_.size() && std::isdigit(static_cast<unsigned char>(r_[i_])) && i_ - pstart < 10)
        ++i_;
      param = std::strtol(std::string(r_.substr(pstart, i_ - pstart)).c_str(), nullptr, 10);
      has_param = true;
    }
    if (i_ < r_.size() && r_[i_] == ' ')
      ++i_;
    word_action(word, has_param, param);
  }

  void word_action(std::string_view word, bool has_param, long param) {
    if (is_skipped_destination(word)) {
      stack_.back().skip = true;
    } else if (word == "par" || word == "line" || word == "sect" || word == "row" ||
               word == "page") {
      emit("\n");
    } else if (word == "tab" || word == "cell") {
      emit("\t");
    } else if (word == "uc" && has_param) {
      stack_.back().uc = static_cast<int>(std::clamp(param, 0L, 8L));
    } else if (word == "u" && has_param) {
      std::string ch;
      append_utf8(ch, static_cast<uint32_t>(param < 0 ? param + 65536 : param) & 0xFFFF);
      emit(ch);
      fallback_ = stack_.back().skip ? 0 : stack_.back().uc;
    } else if (word == "ansicpg" && has_param) {
      charset_ = charset_for_codepage(static_cast<int>(param));
    }
  }

  std::string_view r_;
  size_t i_ = 0;
  std::vector<Group> stack_{Group{}};
  std::string out_;
  std::string pending_;  // \'hh bytes, decoded together in the document's code page
  std::string charset_ = "windows-1252";
  int fallback_ = 0;
};

}  // namespace

std::string rtf_to_text(std::string_view rtf) {
  return RtfReader(rtf).run();
}

}  // namespace dossier::extract
