// Field values of the query language (type:, path:, date:[…], …) turned into AST nodes.
// Internal to src/index; used by query_parser.cpp.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "index/query_parser.h"

namespace dossier::index::fields {

// True for the fields the language knows (lowercase): title, type, mime, lang, path, ext, author,
// failed, date, size.
bool is_field(std::string_view name);
// A comma-separated list for error messages.
const char* field_list();

// Body or title text → kTerm / kPhrase (CJK, or several words) / kWildcard (trailing '*').
// `prefix` is "" or "S". `wildcard`: the text ended in an unescaped '*' (already removed).
// Returns kMatchAll with no terms when the text has no searchable term.
QueryNode text_node(std::string_view text, const std::string& prefix, bool wildcard);

// A field:value (wildcard: it ended in an unescaped '*', removed), for the non-text fields. nullopt
// with `error` set
// ("what is wrong; what to write") when the value is not valid for the field.
std::optional<QueryNode> value_node(std::string_view field, std::string_view value, bool wildcard,
                                    std::string& error);

// field:[lo TO hi] with '*' for open ends, for date and size. `lo_inclusive` and `hi_inclusive`
// reflect [ ] versus { }.
// NOLINTNEXTLINE(bugprone-easily-swappable-parameters)
std::optional<QueryNode> range_node(std::string_view field, std::string_view lo, bool lo_inclusive,
                                    std::string_view hi, bool hi_inclusive, std::string& error);

// Seconds since the epoch for the first and last second of a date written as YYYY, YYYY-MM,
// YYYY-MM-DD or a full ISO 8601 / RFC 2822 date-time (core/time_util.h).
std::optional<std::pair<int64_t, int64_t>> date_interval(std::string_view text);

}  // namespace dossier::index::fields
