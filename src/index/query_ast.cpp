// Printing the AST and deriving what snippets highlight from it.
#include <array>
#include <cstdio>

#include "index/query_parser.h"

namespace dossier::index {
namespace {

const char* kind_name(NodeKind k) {
  switch (k) {
    case NodeKind::kMatchAll:
      return "ALL";
    case NodeKind::kTerm:
      return "TERM";
    case NodeKind::kPhrase:
      return "PHRASE";
    case NodeKind::kNear:
      return "NEAR";
    case NodeKind::kWildcard:
      return "WILDCARD";
    case NodeKind::kFuzzy:
      return "FUZZY";
    case NodeKind::kFilter:
      return "FILTER";
    case NodeKind::kRange:
      return "RANGE";
    case NodeKind::kAnd:
      return "AND";
    case NodeKind::kOr:
      return "OR";
    case NodeKind::kNot:
      return "NOT";
  }
  return "?";
}

// Recursion depth is bounded by the parser.
// NOLINTBEGIN(misc-no-recursion)
void print(const QueryNode& n, std::string& out) {
  out += '(';
  out += kind_name(n.kind);
  if (n.kind == NodeKind::kNear || n.kind == NodeKind::kFuzzy)
    out += "/" + std::to_string(n.distance);
  if (n.kind == NodeKind::kPhrase && n.window != n.terms.size())
    out += "/" + std::to_string(n.window);
  if (n.kind == NodeKind::kRange) {
    out += " " + std::to_string(n.slot) + " ";
    out += n.lo == std::numeric_limits<int64_t>::min() ? "*" : std::to_string(n.lo);
    out += " ";
    out += n.hi == std::numeric_limits<int64_t>::max() ? "*" : std::to_string(n.hi);
  }
  for (const std::string& t : n.terms)
    out += " " + n.prefix + t;
  if (n.wildcard_last)
    out += "*";
  for (const QueryNode& c : n.children) {
    out += ' ';
    print(c, out);
  }
  out += ')';
  if (n.boost != 1.0) {
    std::array<char, 32> buf{};
    std::snprintf(buf.data(), buf.size(), "^%g", n.boost);
    out += buf.data();
  }
}

void collect(const QueryNode& n, HighlightSpec& spec) {
  switch (n.kind) {
    case NodeKind::kTerm:
    case NodeKind::kFuzzy:
      spec.phrases.push_back({n.terms[0]});
      break;
    case NodeKind::kWildcard:
      spec.prefixes.push_back(n.terms[0]);
      break;
    case NodeKind::kPhrase:
      if (n.wildcard_last) {
        // The snippet matcher knows exact phrases only: highlight the exact part, then the prefix.
        spec.phrases.emplace_back(n.terms.begin(), n.terms.end() - 1);
        spec.prefixes.push_back(n.terms.back());
      } else {
        spec.phrases.push_back(n.terms);
      }
      break;
    case NodeKind::kNear:
      for (const std::string& t : n.terms)
        spec.phrases.push_back({t});
      break;
    case NodeKind::kAnd:
    case NodeKind::kOr:
      for (const QueryNode& c : n.children)
        collect(c, spec);
      break;
    default:  // NOT, filters, ranges, match-all: nothing in the text to point at
      break;
  }
}

// NOLINTEND(misc-no-recursion)

}  // namespace

std::string to_string(const QueryNode& node) {
  std::string out;
  print(node, out);
  return out;
}

HighlightSpec highlight_spec(const QueryNode& node) {
  HighlightSpec spec;
  collect(node, spec);
  return spec;
}

}  // namespace dossier::index
