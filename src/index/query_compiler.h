// AST → Xapian::Query. Internal to src/index (Xapian types stay out of the public headers).
#pragma once

#include <xapian.h>

#include "index/query_parser.h"

namespace dossier::index {

// Expansions per wildcard (most frequent kept) and per fuzzy term (closest kept).
inline constexpr Xapian::termcount kMaxWildcardTerms = 10000;
inline constexpr size_t kMaxFuzzyTerms = 100;
// Completions of the last word of a phrase ending in '*' ("中文abc*"), most frequent kept.
inline constexpr size_t kMaxPhraseCompletions = 100;

// Compiles `node` against `db`, which fuzzy terms are expanded over; the expansions are added to
// `highlight` so snippets mark what matched. Filters join with OP_FILTER (no effect on weights);
// a clause that is only NOTs means every document except those.
// May throw Xapian::Error: callers catch at the boundary.
Xapian::Query compile_query(const QueryNode& node, const Xapian::Database& db,
                            HighlightSpec& highlight);

// Levenshtein distance over code points, giving up (returning limit + 1) once above `limit`.
int edit_distance(std::u32string_view a, std::u32string_view b, int limit);

}  // namespace dossier::index
