// The query language (docs/search.md): Lucene/Elasticsearch query_string syntax parsed into a small
// AST. Compiling the AST to a Xapian::Query happens inside src/index (query_compiler.h), so this
// header stays free of Xapian and the parser can be unit-tested and fuzzed on its own.
#pragma once

#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "index/index.h"

namespace dossier::index {

enum class NodeKind {
  kMatchAll,  // "*", "*:*", or the base of a purely negative query
  kTerm,      // terms[0], with `prefix` ("" body, "S" title)
  kPhrase,    // terms in order within `window` positions (== terms.size() unless gaps)
  kNear,      // "a b"~N: terms in any order within terms.size() + distance positions
  kWildcard,  // terms[0] is a normalised prefix ("foo*")
  kFuzzy,     // terms[0] within `distance` edits (1 or 2)
  kFilter,    // boolean terms, all required, weight 0; `wildcard_last` makes the last a prefix
  kRange,     // value `slot` in [lo, hi], inclusive, both as integers
  kAnd,
  kOr,
  kNot,  // children[0] excluded
};

struct QueryNode {
  NodeKind kind = NodeKind::kMatchAll;
  std::vector<std::string> terms;  // normalised terms; for kFilter full Xapian terms ("Tpdf")
  std::string prefix;              // term prefix for scoring kinds: "" body, "S" title
  bool wildcard_last = false;  // kPhrase: last term is a prefix ("中文abc*"); kFilter likewise
  uint32_t window = 0;         // kPhrase
  int distance = 0;            // kNear slop, kFuzzy edits
  double boost = 1.0;
  unsigned slot = 0;  // kRange
  int64_t lo = std::numeric_limits<int64_t>::min();
  int64_t hi = std::numeric_limits<int64_t>::max();
  std::vector<QueryNode> children;  // kAnd, kOr; kNot has one
};

// Parses `query`. Errors are kInvalidInput with a message naming the column (1-based, in
// characters) and what to write instead; context is the query. Never throws.
Result<QueryNode> parse_query(std::string_view query);

// A compact s-expression of the tree, for tests and --explain: (AND (TERM foo) (PHRASE 新 疆)).
std::string to_string(const QueryNode& node);

// The terms, phrases and prefixes a snippet should highlight: those not under a NOT.
HighlightSpec highlight_spec(const QueryNode& node);

}  // namespace dossier::index
