// Time as dossier stores it: Unix seconds (UTC), shown as ISO 8601.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace dossier {

int64_t now_unix();
// "2017-03-02T10:04:05Z".
std::string format_iso8601(int64_t unix_seconds);
// "2017-03-02" (UTC).
std::string format_date(int64_t unix_seconds);
// Accepts the forms metadata arrives in: ISO 8601 (date, date-time, with Z or ±hh:mm offset),
// PDF dates (D:YYYYMMDDHHmmSSOHH'mm'), and RFC 2822 ("Thu, 2 Mar 2017 10:04:05 +0000").
// Returns Unix seconds, or nullopt if the text is not a date it understands.
std::optional<int64_t> parse_date(std::string_view text);

}  // namespace dossier
