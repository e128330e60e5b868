// Recursive descent over the query string. Grammar (precedence low to high):
//   query   := or
//   or      := and (("OR" | "||") and)*
//   and     := unary (("AND" | "&&")? unary)*         default operator AND
//   unary   := ("NOT" | "!") unary | "-" primary | "+" primary | primary ("^" number)?
//   primary := "(" or ")" | phrase ("~" int)? | field ":" value | word ("~" int?)?
// Clauses with nothing searchable ("&", ".") are dropped rather than matching everything.
#include "index/query_parser.h"

#include <optional>

#include "index/query_fields.h"
#include "index/schema.h"

namespace dossier::index {
namespace {

constexpr int kMaxDepth = 64;

struct ParseError {
  size_t at;  // byte offset
  std::string message;
};

struct Word {
  std::string text;
  bool wildcard = false;  // ended in an unescaped '*' (removed from text)
  bool escaped = false;
};

bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
}
bool is_special(char c) {
  switch (c) {
    case '(':
    case ')':
    case '"':
    case ':':
    case '^':
    case '~':
    case '[':
    case ']':
    case '{':
    case '}':
      return true;
    default:
      return is_space(c);
  }
}

using MaybeNode = std::optional<QueryNode>;

QueryNode make_group(NodeKind kind, std::vector<QueryNode> children) {
  if (children.size() == 1)
    return std::move(children[0]);
  QueryNode n;
  n.kind = kind;
  n.children = std::move(children);
  return n;
}

// Recursive descent; depth is bounded by kMaxDepth, so recursion cannot exhaust the stack.
// NOLINTBEGIN(misc-no-recursion)
class Parser {
 public:
  explicit Parser(std::string_view q) : q_(q) {}

  MaybeNode parse() {
    MaybeNode n = parse_or();
    skip_ws();
    if (i_ < q_.size()) {
      if (q_[i_] == ')')
        fail(i_, "')' has no matching '('; remove it or escape it as \\)");
      fail(i_, "unexpected '" + std::string(1, q_[i_]) + "'; escape it as \\" + q_[i_]);
    }
    return n;
  }

 private:
  [[noreturn]] void fail(size_t at, std::string message) {
    throw ParseError{at, std::move(message)};
  }

  void skip_ws() {
    while (i_ < q_.size() && is_space(q_[i_]))
      ++i_;
  }
  bool at_end() const { return i_ >= q_.size(); }

  // Matches an operator at i_ (after whitespace); keywords need a delimiter after them.
  bool peek_op(std::string_view op) {
    skip_ws();
    if (q_.substr(i_, op.size()) != op)
      return false;
    if (op == "&&" || op == "||" || op == "!")
      return true;
    size_t after = i_ + op.size();
    return after >= q_.size() || is_space(q_[after]) || q_[after] == '(' || q_[after] == '"';
  }

  MaybeNode parse_or() {
    std::vector<QueryNode> items;
    if (MaybeNode n = parse_and())
      items.push_back(std::move(*n));
    while (peek_op("OR") || peek_op("||")) {
      size_t at = i_;
      i_ += 2;
      skip_ws();
      if (at_end() || q_[i_] == ')')
        fail(at, "OR needs a term after it");
      if (MaybeNode n = parse_and())
        items.push_back(std::move(*n));
    }
    if (items.empty())
      return std::nullopt;
    return make_group(NodeKind::kOr, std::move(items));
  }

  MaybeNode parse_and() {
    std::vector<QueryNode> items;
    bool first = true;
    for (;;) {
      skip_ws();
      if (at_end() || q_[i_] == ')' || peek_op("OR") || peek_op("||"))
        break;
      size_t at = i_;
      if (peek_op("AND") || peek_op("&&")) {
        if (first)
          fail(at, "AND needs a term before it");
        i_ += q_[i_] == '&' ? 2 : 3;
        skip_ws();
        if (at_end() || q_[i_] == ')' || peek_op("OR") || peek_op("AND"))
          fail(at, "AND needs a term after it");
      }
      first = false;
      if (MaybeNode n = parse_unary())
        items.push_back(std::move(*n));
    }
    if (items.empty())
      return std::nullopt;
    return make_group(NodeKind::kAnd, std::move(items));
  }

  MaybeNode parse_unary() {
    skip_ws();
    size_t at = i_;
    bool is_not = peek_op("NOT") || peek_op("!");
    if (is_not || q_[i_] == '-') {
      if (++depth_ > kMaxDepth)
        fail(at, "too many NOTs in a row");
      i_ += q_[i_] == 'N' ? 3 : 1;
      if (!is_not && (at_end() || is_space(q_[i_])))
        fail(at, "'-' must be followed by the term to exclude, without a space: -draft");
      skip_ws();
      if (at_end() || q_[i_] == ')')
        fail(at, "NOT needs a term after it");
      MaybeNode child = is_not ? parse_unary() : parse_boosted();
      --depth_;
      if (!child)
        return std::nullopt;
      QueryNode n;
      n.kind = NodeKind::kNot;
      n.children.push_back(std::move(*child));
      return n;
    }
    if (q_[i_] == '+') {
      ++i_;
      if (at_end() || is_space(q_[i_]))
        fail(at, "'+' must be followed by the required term, without a space: +budget");
    }
    return parse_boosted();
  }

  MaybeNode parse_boosted() {
    MaybeNode n = parse_primary();
    if (i_ < q_.size() && q_[i_] == '^') {
      size_t at = i_++;
      double boost = read_number(at, "'^' needs a number after it: budget^2");
      if (n)
        n->boost = boost;
    }
    return n;
  }

  double read_number(size_t at, const char* what) {
    size_t start = i_;
    while (i_ < q_.size() && ((q_[i_] >= '0' && q_[i_] <= '9') || q_[i_] == '.'))
      ++i_;
    std::string digits(q_.substr(start, i_ - start));
    if (digits.empty() || digits == "." || digits.size() > 9)
      fail(at, what);
    return std::stod(digits);
  }

  MaybeNode parse_primary() {
    skip_ws();
    size_t at = i_;
    if (at_end())
      fail(at, "the query ends where a term was expected");
    char c = q_[i_];
    if (c == '(')
      return parse_group(at);
    if (c == '"')
      return parse_phrase(field_);
    if (c == '[' || c == '{') {
      if (field_.empty())
        fail(at, "a range needs a field: date:[2017-01-01 TO 2017-12-31]");
      return parse_range(field_);
    }
    if ((c == '>' || c == '<') && !field_.empty())
      return parse_comparison(field_);
    Word w = read_word();
    if (w.text.empty() && !w.wildcard)
      fail(at, std::string("unexpected '") + c + "'; escape it as \\" + c + " to search for it");
    if (i_ < q_.size() && q_[i_] == ':' && !w.escaped)
      return parse_field(at, w);
    if (w.text.empty()) {  // "*" alone lists everything
      QueryNode all;
      return all;
    }
    return word_node(at, w, field_);
  }

  MaybeNode parse_group(size_t at) {
    if (++depth_ > kMaxDepth)
      fail(at, "parentheses are nested too deeply");
    ++i_;
    MaybeNode n = parse_or();
    skip_ws();
    if (at_end() || q_[i_] != ')')
      fail(at, "'(' is never closed; add ')' or escape it as \\(");
    ++i_;
    --depth_;
    return n;
  }

  MaybeNode parse_field(size_t at, const Word& w) {
    std::string name = schema::ascii_lower(w.text);
    if (name == "*" || (w.text.empty() && w.wildcard)) {  // "*:*"
      ++i_;
      if (read_word().wildcard)
        return QueryNode{};
      fail(at, "write *:* or * to match every document");
    }
    if (!field_.empty())
      fail(at, "a field cannot contain another field; write " + field_ + ":a " + name + ":b");
    if (!fields::is_field(name))
      fail(at, "unknown field '" + w.text + "' (fields: " + fields::field_list() +
                   "); to search for the text write " + w.text + "\\: or put it in quotes");
    ++i_;  // ':'
    if (at_end() || is_space(q_[i_]))
      fail(at, name + ": needs a value right after the colon");
    field_ = name;
    MaybeNode n = parse_primary();
    field_.clear();
    return n;
  }

  MaybeNode word_node(size_t at, const Word& w, const std::string& field) {
    int fuzzy = -1;
    if (i_ < q_.size() && q_[i_] == '~') {
      ++i_;
      fuzzy = 2;
      if (i_ < q_.size() && q_[i_] >= '0' && q_[i_] <= '9') {
        double d = read_number(at, "a fuzzy term allows 0, 1 or 2 edits: report~1");
        if (d != 0 && d != 1 && d != 2)
          fail(at, "a fuzzy term allows 0, 1 or 2 edits: report~1");
        fuzzy = static_cast<int>(d);
      }
      if (w.wildcard)
        fail(at, "a term cannot be both wildcard and fuzzy; drop the * or the ~");
    }
    if (!field.empty() && field != "title") {
      std::string error;
      std::optional<QueryNode> n = fields::value_node(field, w.text, w.wildcard, error);
      if (!n)
        fail(at, error);
      return n;
    }
    QueryNode n = fields::text_node(w.text, field.empty() ? "" : schema::kTitlePrefix, w.wildcard);
    if (n.terms.empty())
      return std::nullopt;
    if (fuzzy > 0 && n.kind == NodeKind::kTerm) {
      n.kind = NodeKind::kFuzzy;
      n.distance = fuzzy;
    }
    return n;
  }

  MaybeNode parse_phrase(const std::string& field) {
    size_t at = i_++;
    std::string text;
    for (;;) {
      if (at_end())
        fail(at, R"(the quote is never closed; add a closing " or escape it as \")");
      char c = q_[i_++];
      if (c == '"')
        break;
      if (c == '\\' && i_ < q_.size())
        c = q_[i_++];
      text.push_back(c);
    }
    int slop = -1;
    if (i_ < q_.size() && q_[i_] == '~') {
      ++i_;
      slop = static_cast<int>(read_number(at, "'~' after a phrase needs a distance: \"a b\"~5"));
    }
    if (!field.empty() && field != "title") {
      std::string error;
      std::optional<QueryNode> n = fields::value_node(field, text, false, error);
      if (!n)
        fail(at, error);
      return n;
    }
    QueryNode n = fields::text_node(text, field.empty() ? "" : schema::kTitlePrefix, false);
    if (n.terms.empty())
      return std::nullopt;
    if (slop >= 0 && n.terms.size() > 1) {
      n.kind = NodeKind::kNear;
      n.distance = slop;
    }
    return n;
  }

  // A range bound: everything up to whitespace or the closing bracket.
  std::string read_bound() {
    skip_ws();
    size_t start = i_;
    while (i_ < q_.size() && !is_space(q_[i_]) && q_[i_] != ']' && q_[i_] != '}')
      ++i_;
    return std::string(q_.substr(start, i_ - start));
  }

  MaybeNode parse_range(const std::string& field) {
    size_t at = i_;
    bool lo_incl = q_[i_++] == '[';
    std::string lo = read_bound();
    skip_ws();
    if (q_.substr(i_, 2) != "TO" || lo.empty())
      fail(at, "a range is written [from TO to], with TO in capitals and * for an open end");
    i_ += 2;
    std::string hi = read_bound();
    if (hi.empty() || at_end() || (q_[i_] != ']' && q_[i_] != '}'))
      fail(at, "the range is never closed; end it with ] (inclusive) or } (exclusive)");
    bool hi_incl = q_[i_++] == ']';
    std::string error;
    std::optional<QueryNode> n = fields::range_node(field, lo, lo_incl, hi, hi_incl, error);
    if (!n)
      fail(at, error);
    return n;
  }

  MaybeNode parse_comparison(const std::string& field) {
    size_t at = i_;
    bool greater = q_[i_++] == '>';
    bool inclusive = i_ < q_.size() && q_[i_] == '=';
    if (inclusive)
      ++i_;
    std::string v = read_bound();
    if (v.empty())
      fail(at, "a comparison needs a value: size:>1M, date:>=2017-03");
    std::string error;
    std::optional<QueryNode> n = greater
                                     ? fields::range_node(field, v, inclusive, "*", true, error)
                                     : fields::range_node(field, "*", true, v, inclusive, error);
    if (!n)
      fail(at, error);
    return n;
  }

  Word read_word() {
    Word w;
    while (i_ < q_.size() && !is_special(q_[i_])) {
      char c = q_[i_];
      if (c == '\\') {
        if (i_ + 1 >= q_.size())
          fail(i_, "a backslash at the end escapes nothing; write \\\\");
        w.text.push_back(q_[i_ + 1]);
        w.escaped = true;
        i_ += 2;
        continue;
      }
      if (c == '*') {
        if (i_ + 1 < q_.size() && !is_special(q_[i_ + 1]))
          fail(i_, "only a trailing * is supported (report*); escape it as \\* to search for it");
        w.wildcard = true;
        ++i_;
        break;
      }
      w.text.push_back(c);
      ++i_;
    }
    return w;
  }

  std::string_view q_;
  size_t i_ = 0;
  int depth_ = 0;
  std::string field_;  // set while parsing the value of field:
};
// NOLINTEND(misc-no-recursion)

size_t column(std::string_view q, size_t byte) {
  size_t col = 1;
  for (size_t k = 0; k < byte && k < q.size(); ++k) {
    if ((static_cast<unsigned char>(q[k]) & 0xC0) != 0x80)
      ++col;
  }
  return col;
}

}  // namespace

Result<QueryNode> parse_query(std::string_view query) {
  std::string context(query);
  try {
    MaybeNode n = Parser(query).parse();
    if (!n)
      return Error{ErrorCode::kInvalidInput,
                   "the query has no searchable terms; to list every document search *", context};
    return std::move(*n);
  } catch (const ParseError& e) {
    return Error{ErrorCode::kInvalidInput,
                 "query error at column " + std::to_string(column(query, e.at)) + ": " + e.message,
                 context};
  } catch (const std::exception& e) {
    return Error{ErrorCode::kInternal, std::string("query parser failed: ") + e.what(), context};
  }
}

}  // namespace dossier::index
