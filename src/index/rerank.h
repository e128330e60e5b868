// Re-ranking of the best hits by exact phrase frequency and proximity. Internal to src/index.
//
// Xapian's BM25 weighs a phrase by the frequencies of its terms, not of the phrase: with one term
// per Han character, a document full of 新 and 疆 that holds 新疆 once outranks one that holds
// 新疆 three times, and two words weigh the same whether they stand together or pages apart. The
// searcher therefore re-scores the first kRerankDepth hits: BM25 over the query's phrases, counted
// as phrases, times a proximity factor (docs/formats/index.md, "Ranking").
#pragma once

#include <xapian.h>

#include <vector>

#include "index/index.h"

namespace dossier::index {

// Hits re-scored per query; deeper hits keep Xapian's order. A fixed depth keeps pages stable:
// page 2 never shows a hit that page 1 already showed.
inline constexpr Xapian::doccount kRerankDepth = 200;

struct Candidate {
  Xapian::docid did = 0;
  double weight = 0;  // Xapian's weight in; the re-ranked score out
};

// Whether re-ranking can change anything: a phrase of several terms, or several phrases/words.
bool wants_rerank(const HighlightSpec& spec);

// Re-scores `top` (Xapian's best hits, best first) and sorts it best first; ties keep Xapian's
// order. Only the spec's phrases count (wildcard prefixes do not). May throw Xapian::Error.
void rerank(const Xapian::Database& db, const HighlightSpec& spec, std::vector<Candidate>& top);

}  // namespace dossier::index
