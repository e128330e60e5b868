#include "core/time_util.h"

#include <array>
#include <cctype>
#include <chrono>
#include <cstdio>
#include <ctime>

namespace dossier {
namespace {

// Days from civil, Howard Hinnant's algorithm: exact for the proleptic Gregorian calendar.
int64_t days_from_civil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

struct Cursor {
  std::string_view s;
  size_t i = 0;
  bool done() const { return i >= s.size(); }
  char peek() const { return done() ? '\0' : s[i]; }
  void skip_spaces() {
    while (!done() && std::isspace(static_cast<unsigned char>(s[i]))) ++i;
  }
  // Reads exactly n digits.
  bool digits(int n, int& out) {
    out = 0;
    for (int k = 0; k < n; ++k) {
      if (done() || !std::isdigit(static_cast<unsigned char>(s[i]))) return false;
      out = out * 10 + (s[i++] - '0');
    }
    return true;
  }
  bool eat(char c) {
    if (peek() != c) return false;
    ++i;
    return true;
  }
};

bool valid_ymd(int y, int m, int d) { return y >= 1 && y <= 9999 && m >= 1 && m <= 12 && d >= 1 && d <= 31; }

int64_t to_unix(int y, int mo, int d, int h, int mi, int s, int offset_seconds) {
  return days_from_civil(y, static_cast<unsigned>(mo), static_cast<unsigned>(d)) * 86400 + h * 3600 + mi * 60 +
         s - offset_seconds;
}

// Parses an optional "Z", "+hh:mm", "+hhmm", "-hh'mm'" (PDF) offset.
bool parse_offset(Cursor& c, int& offset) {
  offset = 0;
  c.skip_spaces();
  if (c.done()) return true;
  if (c.eat('Z') || c.eat('z')) return true;
  char sign = c.peek();
  if (sign != '+' && sign != '-') return c.done();
  ++c.i;
  int hh = 0;
  int mm = 0;
  if (!c.digits(2, hh)) return false;
  c.eat(':');
  c.eat('\'');
  if (!c.done() && std::isdigit(static_cast<unsigned char>(c.peek()))) c.digits(2, mm);
  c.eat('\'');
  offset = (hh * 3600 + mm * 60) * (sign == '-' ? -1 : 1);
  return true;
}

std::optional<int64_t> parse_iso_or_pdf(std::string_view text) {
  Cursor c{text};
  c.skip_spaces();
  bool pdf = false;
  if (c.s.substr(c.i, 2) == "D:") {
    c.i += 2;
    pdf = true;
  }
  int y = 0;
  int mo = 1;
  int d = 1;
  int h = 0;
  int mi = 0;
  int s = 0;
  if (!c.digits(4, y)) return std::nullopt;
  if (pdf) {
    // Every part after the year is optional in a PDF date.
    int* parts[] = {&mo, &d, &h, &mi, &s};
    for (int* part : parts) {
      int v = 0;
      if (!c.digits(2, v)) break;
      *part = v;
    }
  } else {
    if (c.eat('-')) {
      if (!c.digits(2, mo)) return std::nullopt;
      if (c.eat('-') && !c.digits(2, d)) return std::nullopt;
    } else if (!c.done()) {
      // Compact form YYYYMMDD.
      if (!c.digits(2, mo) || !c.digits(2, d)) return std::nullopt;
    }
    if (c.eat('T') || c.eat('t') || c.eat(' ')) {
      if (!c.digits(2, h) || !c.eat(':') || !c.digits(2, mi)) return std::nullopt;
      if (c.eat(':')) {
        if (!c.digits(2, s)) return std::nullopt;
        if (c.eat('.') || c.eat(',')) {
          while (!c.done() && std::isdigit(static_cast<unsigned char>(c.peek()))) ++c.i;
        }
      }
    }
  }
  if (!valid_ymd(y, mo, d) || h > 23 || mi > 59 || s > 60) return std::nullopt;
  int offset = 0;
  if (!parse_offset(c, offset)) return std::nullopt;
  c.skip_spaces();
  if (!c.done()) return std::nullopt;
  return to_unix(y, mo, d, h, mi, s, offset);
}

std::optional<int64_t> parse_rfc2822(std::string_view text) {
  static constexpr std::array<const char*, 12> kMonths = {"jan", "feb", "mar", "apr", "may", "jun",
                                                          "jul", "aug", "sep", "oct", "nov", "dec"};
  Cursor c{text};
  c.skip_spaces();
  // Optional day-of-week.
  size_t comma = text.find(',');
  if (comma != std::string_view::npos && comma < 10) c.i = comma + 1;
  c.skip_spaces();
  int d = 0;
  if (!c.digits(1, d)) return std::nullopt;
  if (std::isdigit(static_cast<unsigned char>(c.peek()))) d = d * 10 + (c.s[c.i++] - '0');
  c.skip_spaces();
  if (c.i + 3 > c.s.size()) return std::nullopt;
  int mo = 0;
  for (size_t k = 0; k < kMonths.size(); ++k) {
    bool match = true;
    for (size_t j = 0; j < 3; ++j) {
      if (std::tolower(static_cast<unsigned char>(c.s[c.i + j])) != kMonths[k][j]) match = false;
    }
    if (match) mo = static_cast<int>(k) + 1;
  }
  if (mo == 0) return std::nullopt;
  c.i += 3;
  c.skip_spaces();
  int y = 0;
  if (!c.digits(4, y)) return std::nullopt;
  c.skip_spaces();
  int h = 0;
  int mi = 0;
  int s = 0;
  if (c.digits(2, h) && c.eat(':') && c.digits(2, mi) && c.eat(':')) c.digits(2, s);
  int offset = 0;
  c.skip_spaces();
  if (!c.done() && (c.peek() == '+' || c.peek() == '-')) parse_offset(c, offset);
  if (!valid_ymd(y, mo, d)) return std::nullopt;
  return to_unix(y, mo, d, h, mi, s, offset);
}

}  // namespace

int64_t now_unix() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string format_iso8601(int64_t unix_seconds) {
  std::time_t t = static_cast<std::time_t>(unix_seconds);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

std::string format_date(int64_t unix_seconds) { return format_iso8601(unix_seconds).substr(0, 10); }

std::optional<int64_t> parse_date(std::string_view text) {
  if (auto t = parse_iso_or_pdf(text)) return t;
  return parse_rfc2822(text);
}

}  // namespace dossier
