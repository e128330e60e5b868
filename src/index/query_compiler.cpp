#include "index/query_compiler.h"

#include <algorithm>
#include <tuple>

#include "text/normalize.h"

namespace dossier::index {
namespace {

std::u32string to_u32(std::string_view s) {
  std::u32string out;
  for (size_t i = 0; i < s.size();)
    out.push_back(text::decode_utf8(s, i));
  return out;
}

// Every unprefixed term within n.distance edits of n.terms[0]. Prefixed (field) terms start with
// an ASCII capital, which body terms never do (they are case-folded).
Xapian::Query fuzzy_query(const QueryNode& n, const Xapian::Database& db, HighlightSpec& hl) {
  std::u32string want = to_u32(n.terms[0]);
  std::vector<std::tuple<int, Xapian::doccount, std::string>> found;
  const std::string& prefix = n.prefix;
  for (auto it = db.allterms_begin(prefix); it != db.allterms_end(prefix); ++it) {
    std::string term = *it;
    std::string_view bare = std::string_view(term).substr(prefix.size());
    if (bare.empty() || (prefix.empty() && bare[0] >= 'A' && bare[0] <= 'Z'))
      continue;
    size_t len = bare.size();  // cheap length reject before decoding
    if (len + static_cast<size_t>(n.distance) * 4 < n.terms[0].size())
      continue;
    std::u32string cand = to_u32(bare);
    size_t diff = cand.size() > want.size() ? cand.size() - want.size() : want.size() - cand.size();
    if (diff > static_cast<size_t>(n.distance))
      continue;
    int d = edit_distance(want, cand, n.distance);
    if (d <= n.distance)
      found.emplace_back(d, it.get_termfreq(), std::move(term));
  }
  std::sort(found.begin(), found.end(), [](const auto& a, const auto& b) {
    return std::get<0>(a) != std::get<0>(b) ? std::get<0>(a) < std::get<0>(b)
                                            : std::get<1>(a) > std::get<1>(b);
  });
  if (found.size() > kMaxFuzzyTerms)
    found.resize(kMaxFuzzyTerms);
  std::vector<Xapian::Query> subs;
  for (auto& f : found) {
    hl.phrases.push_back({std::get<2>(f).substr(prefix.size())});
    subs.emplace_back(std::get<2>(f));
  }
  if (subs.empty())
    return Xapian::Query::MatchNothing;
  // SYNONYM weighs the expansions as one term, so a rare misspelling does not outrank the word.
  return {Xapian::Query::OP_SYNONYM, subs.begin(), subs.end()};
}

// Xapian 1.4 phrases take only terms, so "中文abc*" becomes an OR of phrases, one per completion
// of the last word (the kMaxPhraseCompletions most frequent).
Xapian::Query phrase_with_wildcard(const QueryNode& n, const Xapian::Database& db) {
  std::string last = n.prefix + n.terms.back();
  std::vector<std::pair<Xapian::doccount, std::string>> completions;
  for (auto it = db.allterms_begin(last); it != db.allterms_end(last); ++it) {
    completions.emplace_back(it.get_termfreq(), *it);
  }
  std::sort(completions.begin(), completions.end(),
            [](const auto& a, const auto& b) { return a.first > b.first; });
  if (completions.size() > kMaxPhraseCompletions)
    completions.resize(kMaxPhraseCompletions);
  std::vector<Xapian::Query> phrases;
  for (const auto& c : completions) {
    std::vector<Xapian::Query> subs;
    for (size_t k = 0; k + 1 < n.terms.size(); ++k)
      subs.emplace_back(n.prefix + n.terms[k]);
    subs.emplace_back(c.second);
    phrases.emplace_back(Xapian::Query::OP_PHRASE, subs.begin(), subs.end(), n.window);
  }
  if (phrases.empty())
    return Xapian::Query::MatchNothing;
  return {Xapian::Query::OP_OR, phrases.begin(), phrases.end()};
}

Xapian::Query phrase_query(const QueryNode& n, const Xapian::Database& db) {
  if (n.wildcard_last)
    return phrase_with_wildcard(n, db);
  std::vector<Xapian::Query> subs;
  for (const std::string& t : n.terms)
    subs.emplace_back(n.prefix + t);
  if (n.kind == NodeKind::kNear) {
    auto window = static_cast<Xapian::termpos>(n.terms.size() + static_cast<size_t>(n.distance));
    return {Xapian::Query::OP_NEAR, subs.begin(), subs.end(), window};
  }
  return {Xapian::Query::OP_PHRASE, subs.begin(), subs.end(), n.window};
}

Xapian::Query filter_query(const QueryNode& n) {
  std::vector<Xapian::Query> subs;
  for (size_t k = 0; k < n.terms.size(); ++k) {
    if (k + 1 == n.terms.size() && n.wildcard_last) {
      subs.emplace_back(Xapian::Query::OP_WILDCARD, n.terms[k], 0,
                        Xapian::Query::WILDCARD_LIMIT_ERROR);
    } else {
      subs.emplace_back(n.terms[k]);
    }
  }
  return {Xapian::Query::OP_AND, subs.begin(), subs.end()};
}

Xapian::Query range_query(const QueryNode& n) {
  constexpr int64_t kMin = std::numeric_limits<int64_t>::min();
  constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
  auto ser = [](int64_t v) { return Xapian::sortable_serialise(static_cast<double>(v)); };
  if (n.lo == kMin && n.hi == kMax)
    return {Xapian::Query::OP_VALUE_GE, n.slot, ""};
  if (n.lo == kMin)
    return {Xapian::Query::OP_VALUE_LE, n.slot, ser(n.hi)};
  if (n.hi == kMax)
    return {Xapian::Query::OP_VALUE_GE, n.slot, ser(n.lo)};
  return {Xapian::Query::OP_VALUE_RANGE, n.slot, ser(n.lo), ser(n.hi)};
}

bool is_boolean(const QueryNode& n) {
  return n.kind == NodeKind::kFilter || n.kind == NodeKind::kRange;
}

Xapian::Query all_docs() {
  return {0.0, Xapian::Query::MatchAll};
}

// The AST is as deep as the parser allows (bounded), so the recursion is too.
// NOLINTBEGIN(misc-no-recursion)
Xapian::Query compile(const QueryNode& n, const Xapian::Database& db, HighlightSpec& hl);

Xapian::Query compile_and(const QueryNode& n, const Xapian::Database& db, HighlightSpec& hl) {
  std::vector<Xapian::Query> scored, filters, excluded;
  for (const QueryNode& c : n.children) {
    if (c.kind == NodeKind::kNot) {
      excluded.push_back(compile(c.children[0], db, hl));
    } else if (is_boolean(c)) {
      filters.push_back(compile(c, db, hl));
    } else {
      scored.push_back(compile(c, db, hl));
    }
  }
  Xapian::Query q = scored.empty()
                        ? all_docs()
                        : Xapian::Query(Xapian::Query::OP_AND, scored.begin(), scored.end());
  if (!filters.empty()) {
    q = Xapian::Query(Xapian::Query::OP_FILTER, q,
                      Xapian::Query(Xapian::Query::OP_AND, filters.begin(), filters.end()));
  }
  if (!excluded.empty()) {
    q = Xapian::Query(Xapian::Query::OP_AND_NOT, q,
                      Xapian::Query(Xapian::Query::OP_OR, excluded.begin(), excluded.end()));
  }
  return q;
}

Xapian::Query compile(const QueryNode& n, const Xapian::Database& db, HighlightSpec& hl) {
  Xapian::Query q;
  switch (n.kind) {
    case NodeKind::kMatchAll:
      q = all_docs();
      break;
    case NodeKind::kTerm:
      q = Xapian::Query(n.prefix + n.terms[0]);
      break;
    case NodeKind::kPhrase:
    case NodeKind::kNear:
      q = phrase_query(n, db);
      break;
    case NodeKind::kWildcard:
      q = Xapian::Query(Xapian::Query::OP_WILDCARD, n.prefix + n.terms[0], kMaxWildcardTerms,
                        Xapian::Query::WILDCARD_LIMIT_MOST_FREQUENT);
      break;
    case NodeKind::kFuzzy:
      q = fuzzy_query(n, db, hl);
      break;
    case NodeKind::kFilter:
      q = Xapian::Query(0.0, filter_query(n));
      break;
    case NodeKind::kRange:
      q = range_query(n);
      break;
    case NodeKind::kAnd:
      q = compile_and(n, db, hl);
      break;
    case NodeKind::kNot:
      q = Xapian::Query(Xapian::Query::OP_AND_NOT, all_docs(), compile(n.children[0], db, hl));
      break;
    case NodeKind::kOr: {
      std::vector<Xapian::Query> subs;
      for (const QueryNode& c : n.children)
        subs.push_back(compile(c, db, hl));
      q = Xapian::Query(Xapian::Query::OP_OR, subs.begin(), subs.end());
      break;
    }
  }
  if (n.boost != 1.0)
    q = Xapian::Query(n.boost, q);
  return q;
}

// NOLINTEND(misc-no-recursion)

}  // namespace

int edit_distance(std::u32string_view a, std::u32string_view b, int limit) {
  std::vector<int> prev(b.size() + 1), cur(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j)
    prev[j] = static_cast<int>(j);
  for (size_t i = 1; i <= a.size(); ++i) {
    cur[0] = static_cast<int>(i);
    int row_min = cur[0];
    for (size_t j = 1; j <= b.size(); ++j) {
      int sub = prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, sub});
      row_min = std::min(row_min, cur[j]);
    }
    if (row_min > limit)
      return limit + 1;
    std::swap(prev, cur);
  }
  return std::min(prev[b.size()], limit + 1);
}

Xapian::Query compile_query(const QueryNode& node, const Xapian::Database& db,
                            HighlightSpec& highlight) {
  return compile(node, db, highlight);
}

}  // namespace dossier::index
