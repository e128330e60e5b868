// make_snippet: re-tokenizes the pages with the index's tokenizer, so a match is exactly what the
// index matched (a Simplified query highlights the Traditional original), then picks a window.
#include <algorithm>
#include <set>

#include "index/index.h"
#include "text/normalize.h"
#include "text/tokenizer.h"

namespace dossier::index {
namespace {

constexpr size_t kMaxMatchesPerPage = 10000;
constexpr size_t kMaxWordExtension = 30;  // bytes a window grows to avoid cutting a word

struct Span {
  size_t begin, end;
  size_t item;  // which phrase/prefix of the spec matched
};

struct Tok {
  std::string term;
  size_t begin, end;
};

// The terms of a text grouped by position: the term a query uses, then its alternatives (an
// apostrophe word's parts, an Arabic word's own spelling next to its ULY transliteration).
class Positions {
 public:
  explicit Positions(std::string_view text) {
    text::tokenize(text, [&](const text::Token& t) {
      if (!t.alternative || starts_.empty())
        starts_.push_back(toks_.size());
      toks_.push_back({t.term, t.begin, t.end});
    });
    starts_.push_back(toks_.size());
  }
  size_t size() const { return starts_.size() - 1; }
  // The token at position `k` whose term is `term`, or nullptr.
  const Tok* find(size_t k, const std::string& term) const {
    for (size_t i = starts_[k]; i < starts_[k + 1]; ++i) {
      if (toks_[i].term == term)
        return &toks_[i];
    }
    return nullptr;
  }
  const Tok* find_prefix(size_t k, const std::string& prefix) const {
    for (size_t i = starts_[k]; i < starts_[k + 1]; ++i) {
      if (toks_[i].term.compare(0, prefix.size(), prefix) == 0)
        return &toks_[i];
    }
    return nullptr;
  }

 private:
  std::vector<Tok> toks_;
  std::vector<size_t> starts_;  // index in toks_ of each position's first term, then the end
};

std::vector<Span> find_matches(const HighlightSpec& spec, std::string_view text) {
  Positions pos(text);
  std::vector<Span> out;
  for (size_t k = 0; k < pos.size() && out.size() < kMaxMatchesPerPage; ++k) {
    for (size_t p = 0; p < spec.phrases.size(); ++p) {
      const auto& ph = spec.phrases[p];
      if (ph.empty() || k + ph.size() > pos.size())
        continue;
      const Tok* first = pos.find(k, ph[0]);
      const Tok* last = first;
      for (size_t n = 1; n < ph.size() && last != nullptr; ++n)
        last = pos.find(k + n, ph[n]);
      if (last != nullptr)
        out.push_back({first->begin, std::max(first->end, last->end), p});
    }
    for (size_t p = 0; p < spec.prefixes.size(); ++p) {
      if (const Tok* t = pos.find_prefix(k, spec.prefixes[p]))
        out.push_back({t->begin, t->end, spec.phrases.size() + p});
    }
  }
  return out;
}

// NOLINTNEXTLINE(bugprone-easily-swappable-parameters): [a, b) in order
size_t chars_between(std::string_view s, size_t a, size_t b) {
  size_t n = 0;
  for (size_t k = a; k < b && k < s.size(); ++k)
    n += (static_cast<unsigned char>(s[k]) & 0xC0) != 0x80;
  return n;
}

size_t back_chars(std::string_view s, size_t at, size_t n) {
  while (at > 0 && n > 0) {
    --at;
    if ((static_cast<unsigned char>(s[at]) & 0xC0) != 0x80)
      --n;
  }
  return at;
}

size_t forward_chars(std::string_view s, size_t at, size_t n) {
  while (at < s.size() && n > 0) {
    ++at;
    while (at < s.size() && (static_cast<unsigned char>(s[at]) & 0xC0) == 0x80)
      ++at;
    --n;
  }
  return at;
}

bool is_word_byte(char c) {
  auto u = static_cast<unsigned char>(c);
  return (u >= '0' && u <= '9') || (u >= 'a' && u <= 'z') || (u >= 'A' && u <= 'Z') || u >= 0x80;
}

bool is_ws(char c) {
  return c == ' ' || c == '\n' || c == '\r' || c == '\t' || c == '\f' || c == '\v';
}

struct Window {
  size_t page = 0, begin = 0, end = 0;
  std::vector<Span> spans;
};

// The best run of matches on one page: most distinct items, then most matches, then shortest.
// NOLINTNEXTLINE(bugprone-easily-swappable-parameters)
void best_window(const std::vector<Span>& m, std::string_view text, size_t page, size_t max_chars,
                 Window& best, std::tuple<size_t, size_t, long>& best_score) {
  for (size_t a = 0; a < m.size(); ++a) {
    std::set<size_t> items;
    size_t b = a;
    size_t chars = 0;
    for (; b < m.size(); ++b) {
      size_t c = chars_between(text, m[a].begin, std::max(m[b].end, m[a].end));
      if (b > a && c > max_chars)
        break;
      chars = c;
      items.insert(m[b].item);
    }
    std::tuple<size_t, size_t, long> score{items.size(), b - a, -static_cast<long>(chars)};
    if (best.spans.empty() || score > best_score) {
      best_score = score;
      best = Window{page,
                    m[a].begin,
                    m[b - 1].end,
                    {m.begin() + static_cast<long>(a), m.begin() + static_cast<long>(b)}};
      best.end = std::max(best.end, m[a].end);
    }
  }
}

// Grows [begin, end) to about max_chars characters, centred on the matches, on word edges.
void widen(Window& w, std::string_view text, size_t max_chars) {
  size_t have = chars_between(text, w.begin, w.end);
  size_t spare = max_chars > have ? max_chars - have : 0;
  w.begin = back_chars(text, w.begin, spare / 2);
  w.end = forward_chars(text, w.end, spare - spare / 2);
  for (size_t k = 0; w.begin > 0 && k < kMaxWordExtension && is_word_byte(text[w.begin - 1]) &&
                     (static_cast<unsigned char>(text[w.begin - 1]) < 0x80);
       ++k) {
    --w.begin;
  }
  for (size_t k = 0; w.end < text.size() && k < kMaxWordExtension && is_word_byte(text[w.end]) &&
                     (static_cast<unsigned char>(text[w.end]) < 0x80);
       ++k) {
    ++w.end;
  }
}

// Appends text with whitespace runs collapsed to one space; a run holding a line break between two
// CJK characters disappears (a wrapped line in Chinese text, not a word boundary).
class PartBuilder {
 public:
  void add(std::string_view s, bool highlighted) {
    for (size_t i = 0; i < s.size();) {
      if (is_ws(s[i])) {
        pending_space_ = true;
        pending_newline_ = pending_newline_ || s[i] == '\n' || s[i] == '\r';
        ++i;
        continue;
      }
      size_t start = i;
      char32_t c = text::decode_utf8(s, i);
      bool cjk = text::is_cjk(c);
      if (pending_space_ && !parts_.empty() && !(pending_newline_ && last_cjk_ && cjk)) {
        // A space at a part boundary goes on the unhighlighted side.
        if (!parts_.back().highlighted || highlighted == parts_.back().highlighted) {
          parts_.back().text += ' ';
        } else {
          part(false).text += ' ';
        }
      }
      pending_space_ = pending_newline_ = false;
      part(highlighted).text.append(s, start, i - start);
      last_cjk_ = cjk;
    }
  }
  std::vector<SnippetPart> take() { return std::move(parts_); }

 private:
  SnippetPart& part(bool highlighted) {
    if (parts_.empty() || parts_.back().highlighted != highlighted)
      parts_.push_back(SnippetPart{"", highlighted});
    return parts_.back();
  }

  std::vector<SnippetPart> parts_;
  bool pending_space_ = false, pending_newline_ = false, last_cjk_ = false;
};

Snippet render(const Window& w, const std::vector<IndexPage>& pages) {
  std::string_view text = pages[w.page].text;
  PartBuilder b;
  size_t lead = w.begin;
  while (lead > 0 && is_ws(text[lead - 1]))
    --lead;
  if (lead > 0)
    b.add("… ", false);
  size_t at = w.begin;
  for (const Span& s : w.spans) {
    if (s.end <= at)
      continue;  // overlapping matches merge into the earlier highlight
    size_t from = std::max(s.begin, at);
    b.add(text.substr(at, from - at), false);
    b.add(text.substr(from, s.end - from), true);
    at = s.end;
  }
  if (at < w.end)
    b.add(text.substr(at, w.end - at), false);
  size_t tail = w.end;
  while (tail < text.size() && is_ws(text[tail]))
    ++tail;
  if (tail < text.size())
    b.add(" …", false);
  return Snippet{pages[w.page].number, b.take()};
}

}  // namespace

Snippet make_snippet(const HighlightSpec& spec, const std::vector<IndexPage>& pages,
                     size_t max_chars) {
  if (max_chars == 0)
    max_chars = 1;
  Window best;
  std::tuple<size_t, size_t, long> best_score{0, 0, 0};
  for (size_t p = 0; p < pages.size(); ++p) {
    std::vector<Span> m = find_matches(spec, pages[p].text);
    std::sort(m.begin(), m.end(), [](const Span& a, const Span& b) {
      return a.begin != b.begin ? a.begin < b.begin : a.end > b.end;
    });
    best_window(m, pages[p].text, p, max_chars, best, best_score);
  }
  if (best.spans.empty()) {
    // No match (a filter-only query): the start of the first page with text.
    for (size_t p = 0; p < pages.size(); ++p) {
      std::string_view t = pages[p].text;
      size_t first = 0;
      while (first < t.size() && is_ws(t[first]))
        ++first;
      if (first == t.size())
        continue;
      Window w{p, first, first, {}};
      w.end = forward_chars(t, first, max_chars);
      for (size_t k = 0; w.end < t.size() && k < kMaxWordExtension && is_word_byte(t[w.end]) &&
                         static_cast<unsigned char>(t[w.end]) < 0x80;
           ++k) {
        ++w.end;
      }
      return render(w, pages);
    }
    return Snippet{};
  }
  widen(best, pages[best.page].text, max_chars);
  return render(best, pages);
}

}  // namespace dossier::index
