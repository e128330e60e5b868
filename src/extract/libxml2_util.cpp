#include "extract/libxml2_util.h"

#include <libxml/parser.h>

#include <algorithm>
#include <mutex>

namespace dossier::extract {
namespace {

bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
}

// A word made only of no-break spaces (Word's empty "&nbsp;" paragraphs) counts as whitespace.
bool only_nbsp(std::string_view word) {
  if (word.empty() || word.size() % 2 != 0)
    return false;
  for (size_t i = 0; i < word.size(); i += 2) {
    if (word.substr(i, 2) != "\xC2\xA0")
      return false;
  }
  return true;
}

}  // namespace

void ensure_libxml2_initialized() {
  static std::once_flag once;
  std::call_once(once, [] { xmlInitParser(); });
}

std::string xml_error_reason(const xmlError* error, std::string_view fallback) {
  if (error == nullptr || error->message == nullptr)
    return std::string(fallback);
  std::string_view message(error->message);
  while (!message.empty() && is_space(message.back()))
    message.remove_suffix(1);
  std::string reason(message);
  if (!reason.empty() && reason[0] >= 'A' && reason[0] <= 'Z' &&
      (reason.size() < 2 || !(reason[1] >= 'A' && reason[1] <= 'Z'))) {
    reason[0] = static_cast<char>(reason[0] - 'A' + 'a');
  }
  // Some messages name a line already ("... in tag a line 3"); a second one would confuse.
  if (error->line > 0 && reason.find(" line ") == std::string::npos) {
    reason += " at line " + std::to_string(error->line);
  }
  return reason;
}

void TextBuilder::append(std::string_view s) {
  if (truncated_)
    return;
  if (out_.size() + s.size() > max_bytes_) {
    size_t keep = max_bytes_ - std::min(max_bytes_, out_.size());
    // Back off to a UTF-8 character boundary.
    while (keep > 0 && keep < s.size() && (static_cast<unsigned char>(s[keep]) & 0xC0) == 0x80) {
      --keep;
    }
    out_.append(s.substr(0, keep));
    truncated_ = true;
    return;
  }
  out_.append(s);
}

void TextBuilder::add_break(bool blank_line) {
  pending_breaks_ = std::max(pending_breaks_, blank_line ? 2 : 1);
  pending_space_ = false;
}

bool TextBuilder::ends_in_space() const {
  return out_.empty() || pending_space_ || pending_breaks_ > 0 || is_space(out_.back());
}

void TextBuilder::add_text(std::string_view run, bool preserve) {
  size_t i = 0;
  while (i < run.size()) {
    if (!preserve && is_space(run[i])) {
      pending_space_ = true;
      ++i;
      continue;
    }
    size_t j = i;
    if (preserve) {
      j = run.size();
    } else {
      while (j < run.size() && !is_space(run[j]))
        ++j;
      if (only_nbsp(run.substr(i, j - i))) {
        pending_space_ = true;
        i = j;
        continue;
      }
    }
    if (!out_.empty()) {
      if (pending_breaks_ > 0) {
        while (!out_.empty() && (out_.back() == ' ' || out_.back() == '\t'))
          out_.pop_back();
        int have = 0;
        for (auto it = out_.rbegin(); it != out_.rend() && *it == '\n' && have < 2; ++it)
          ++have;
        for (int k = have; k < pending_breaks_; ++k)
          append("\n");
      } else if (pending_space_ && !is_space(out_.back())) {
        append(" ");
      }
    }
    pending_breaks_ = 0;
    pending_space_ = false;
    append(run.substr(i, j - i));
    i = j;
  }
}

std::string TextBuilder::finish() {
  while (!out_.empty() && is_space(out_.back()))
    out_.pop_back();
  pending_breaks_ = 0;
  pending_space_ = false;
  return std::move(out_);
}

}  // namespace dossier::extract
