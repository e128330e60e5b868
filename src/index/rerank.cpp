#include "index/rerank.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <numeric>
#include <string>

namespace dossier::index {
namespace {

// BM25's usual constants, applied to phrase frequencies.
constexpr double kK1 = 1.2;
constexpr double kB = 0.75;
// Occurrences of one item in one document that the proximity window looks at.
constexpr size_t kMaxOccurrences = 10000;
// A query phrase typed with punctuation in it ("Mr. Smith") matches with gaps; when a document
// has no gapless occurrence, steps of up to this many extra positions count.
constexpr Xapian::termpos kSlack = 2;

using Positions = std::vector<Xapian::termpos>;
using PositionTable = std::map<std::string, std::vector<Positions>>;  // term → per candidate

std::vector<std::vector<std::string>> distinct_items(const HighlightSpec& spec) {
  std::vector<std::vector<std::string>> items;
  for (const auto& p : spec.phrases) {
    if (!p.empty() && std::find(items.begin(), items.end(), p) == items.end())
      items.push_back(p);
  }
  return items;
}

// The positions of every query term in every candidate. Candidates are visited in docid order so
// that each posting list is read forward once.
PositionTable load_positions(const Xapian::Database& db,
                             const std::vector<std::vector<std::string>>& items,
                             const std::vector<Candidate>& top) {
  std::vector<size_t> order(top.size());
  std::iota(order.begin(), order.end(), size_t{0});
  std::sort(order.begin(), order.end(),
            [&](size_t a, size_t b) { return top[a].did < top[b].did; });
  PositionTable table;
  for (const auto& item : items) {
    for (const std::string& term : item) {
      if (table.count(term) != 0)
        continue;
      std::vector<Positions>& per = table[term];
      per.resize(top.size());
      Xapian::PostingIterator it = db.postlist_begin(term);
      const Xapian::PostingIterator end = db.postlist_end(term);
      for (size_t k : order) {
        if (it == end)
          break;
        it.skip_to(top[k].did);
        if (it != end && *it == top[k].did)
          per[k].assign(it.positionlist_begin(), it.positionlist_end());
      }
    }
  }
  return table;
}

// Start positions of `item` in candidate `k`: each term within 1 + slack positions after the one
// before it.
// NOLINTNEXTLINE(bugprone-easily-swappable-parameters): candidate index, then the slack
Positions occurrences(const std::vector<std::string>& item, const PositionTable& table, size_t k,
                      Xapian::termpos slack) {
  Positions out;
  for (Xapian::termpos p : table.at(item[0])[k]) {
    Xapian::termpos at = p;
    bool ok = true;
    for (size_t j = 1; j < item.size() && ok; ++j) {
      const Positions& next = table.at(item[j])[k];
      auto it = std::upper_bound(next.begin(), next.end(), at);
      ok = it != next.end() && *it <= at + 1 + slack;
      if (ok)
        at = *it;
    }
    if (ok)
      out.push_back(p);
  }
  return out;
}

// How tightly the items that occur stand together: the sum of their lengths over the smallest span
// holding one occurrence of each (1 when adjacent), or 0 when fewer than two items occur.
double proximity(const std::vector<Positions>& occ, const std::vector<size_t>& lengths) {
  std::vector<std::pair<Xapian::termpos, size_t>> all;  // (start, item)
  size_t present = 0, ideal = 0;
  for (size_t i = 0; i < occ.size(); ++i) {
    if (occ[i].empty())
      continue;
    ++present;
    ideal += lengths[i];
    for (size_t n = 0; n < occ[i].size() && n < kMaxOccurrences; ++n)
      all.emplace_back(occ[i][n], i);
  }
  if (present < 2)
    return 0;
  std::sort(all.begin(), all.end());
  std::vector<size_t> in_window(occ.size(), 0);
  size_t covered = 0, lo = 0;
  double best = std::numeric_limits<double>::max();
  for (const auto& [start, item] : all) {
    if (in_window[item]++ == 0)
      ++covered;
    while (covered == present) {
      auto span = static_cast<double>(start + lengths[item] - all[lo].first);
      best = std::min(best, span);
      if (--in_window[all[lo].second] == 0)
        --covered;
      ++lo;
    }
  }
  return std::min(1.0, static_cast<double>(ideal) / best);
}

}  // namespace

bool wants_rerank(const HighlightSpec& spec) {
  auto items = distinct_items(spec);
  return items.size() >= 2 || (items.size() == 1 && items[0].size() >= 2);
}

void rerank(const Xapian::Database& db, const HighlightSpec& spec, std::vector<Candidate>& top) {
  auto items = distinct_items(spec);
  if (items.empty() || top.empty())
    return;
  PositionTable table = load_positions(db, items, top);
  auto n = static_cast<double>(db.get_doccount());
  double avlen = std::max(1.0, db.get_avlength());
  std::vector<double> idf;
  std::vector<size_t> lengths;
  for (const auto& item : items) {
    Xapian::doccount df = std::numeric_limits<Xapian::doccount>::max();
    for (const std::string& t : item)
      df = std::min(df, db.get_termfreq(t));
    auto d = static_cast<double>(df);
    idf.push_back(std::log(1.0 + (n - d + 0.5) / (d + 0.5)));
    lengths.push_back(item.size());
  }
  for (size_t k = 0; k < top.size(); ++k) {
    auto len = static_cast<double>(db.get_doclength(top[k].did));
    double norm = kK1 * (1 - kB + kB * len / avlen);
    std::vector<Positions> occ(items.size());
    double score = 0;
    for (size_t i = 0; i < items.size(); ++i) {
      occ[i] = occurrences(items[i], table, k, 0);
      if (occ[i].empty() && items[i].size() > 1)
        occ[i] = occurrences(items[i], table, k, kSlack);
      auto tf = static_cast<double>(occ[i].size());
      score += idf[i] * tf * (kK1 + 1) / (tf + norm);
    }
    top[k].weight = score * (1 + proximity(occ, lengths));
  }
  std::stable_sort(top.begin(), top.end(),
                   [](const Candidate& a, const Candidate& b) { return a.weight > b.weight; });
}

}  // namespace dossier::index
