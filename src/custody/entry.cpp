#include "custody/entry.h"

#include <vector>

#include "core/time_util.h"
#include "custody/codec.h"

namespace dossier::custody {
namespace {

constexpr std::string_view kHex = "0123456789ABCDEF";

// Length of the well-formed UTF-8 sequence at s[i] (RFC 3629), or 0.
size_t utf8_sequence(std::string_view s, size_t i) {
  auto b = [&](size_t k) { return static_cast<uint8_t>(s[k]); };
  uint8_t c = b(i);
  size_t n = 0;
  uint8_t lo = 0x80, hi = 0xBF;
  if (c >= 0xC2 && c <= 0xDF) {
    n = 2;
  } else if (c >= 0xE0 && c <= 0xEF) {
    n = 3;
    if (c == 0xE0)
      lo = 0xA0;
    if (c == 0xED)
      hi = 0x9F;  // no surrogates
  } else if (c >= 0xF0 && c <= 0xF4) {
    n = 4;
    if (c == 0xF0)
      lo = 0x90;
    if (c == 0xF4)
      hi = 0x8F;
  } else {
    return 0;
  }
  if (i + n > s.size())
    return 0;
  if (b(i + 1) < lo || b(i + 1) > hi)
    return 0;
  for (size_t k = 2; k < n; ++k) {
    if (b(i + k) < 0x80 || b(i + k) > 0xBF)
      return 0;
  }
  return n;
}

bool is_token(std::string_view s, bool lower_only) {
  if (s.empty())
    return false;
  for (char c : s) {
    if (lower_only) {
      if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-'))
        return false;
    } else if (c <= 0x20 || c >= 0x7F) {
      return false;
    }
  }
  return true;
}

std::string time_text(int64_t t) {
  DOSSIER_CHECK(t >= -62167219200 && t <= 253402300799);  // years 0000..9999
  return format_iso8601(t);
}

Error not_canonical(std::string what) {
  return Error{ErrorCode::kCorrupt, "not a canonical custody entry: " + std::move(what),
               "custody entry"};
}

// Splits the body into "key value" lines; the value may be empty only if allowed by the caller.
struct Fields {
  std::vector<std::pair<std::string_view, std::string_view>> lines;
  size_t next = 0;
  Result<std::string_view> take(std::string_view key) {
    if (next >= lines.size() || lines[next].first != key) {
      return not_canonical("expected field '" + std::string(key) + "'");
    }
    return lines[next++].second;
  }
};

Result<Digest> take_digest(Fields& f, std::string_view key) {
  DOSSIER_ASSIGN_OR_RETURN(std::string_view v, f.take(key));
  auto d = digest_from_hex(v);
  if (!d.has_value())
    return not_canonical(std::string(key) + " is not 64 hex digits");
  return d.value();
}

Result<uint64_t> take_number(Fields& f, std::string_view key) {
  DOSSIER_ASSIGN_OR_RETURN(std::string_view v, f.take(key));
  auto n = parse_decimal(v);
  if (!n)
    return not_canonical(std::string(key) + " is not a canonical decimal");
  return *n;
}

Result<int64_t> take_time(Fields& f, std::string_view key) {
  DOSSIER_ASSIGN_OR_RETURN(std::string_view v, f.take(key));
  auto t = parse_date(v);
  if (!t || v.size() != 20 || v.back() != 'Z') {
    return not_canonical(std::string(key) + " is not YYYY-MM-DDTHH:MM:SSZ");
  }
  return *t;
}

Result<std::string> take_escaped(Fields& f, std::string_view key) {
  DOSSIER_ASSIGN_OR_RETURN(std::string_view v, f.take(key));
  auto s = unescape_field(v);
  if (!s)
    return not_canonical(std::string(key) + " is not canonically escaped");
  return *s;
}

Result<Entry> parse_fields(Fields& f) {
  DOSSIER_ASSIGN_OR_RETURN(std::string_view kind, f.take("kind"));
  if (kind == "INGEST") {
    IngestEntry e;
    DOSSIER_ASSIGN_OR_RETURN(e.sha256, take_digest(f, "sha256"));
    DOSSIER_ASSIGN_OR_RETURN(e.size, take_number(f, "size"));
    if (f.next < f.lines.size() && f.lines[f.next].first == "parent") {
      DOSSIER_ASSIGN_OR_RETURN(e.location.parent, take_digest(f, "parent"));
      DOSSIER_ASSIGN_OR_RETURN(e.location.path, take_escaped(f, "name"));
    } else {
      DOSSIER_ASSIGN_OR_RETURN(e.location.path, take_escaped(f, "path"));
    }
    DOSSIER_ASSIGN_OR_RETURN(e.received, take_time(f, "received"));
    DOSSIER_ASSIGN_OR_RETURN(std::string_view v, f.take("dossier"));
    e.dossier_version = std::string(v);
    return Entry(std::move(e));
  }
  if (kind == "DERIVE") {
    DeriveEntry e;
    DOSSIER_ASSIGN_OR_RETURN(std::string_view what, f.take("derivation"));
    e.derivation = std::string(what);
    DOSSIER_ASSIGN_OR_RETURN(e.input, take_digest(f, "input"));
    DOSSIER_ASSIGN_OR_RETURN(e.output, take_digest(f, "output"));
    DOSSIER_ASSIGN_OR_RETURN(e.output_size, take_number(f, "output-size"));
    DOSSIER_ASSIGN_OR_RETURN(e.tool, take_escaped(f, "tool"));
    DOSSIER_ASSIGN_OR_RETURN(e.tool_version, take_escaped(f, "tool-version"));
    DOSSIER_ASSIGN_OR_RETURN(e.time, take_time(f, "time"));
    DOSSIER_ASSIGN_OR_RETURN(std::string_view v, f.take("dossier"));
    e.dossier_version = std::string(v);
    return Entry(std::move(e));
  }
  return not_canonical("unknown kind '" + std::string(kind) + "'");
}

}  // namespace

std::string_view entry_kind_name(const Entry& entry) {
  return std::holds_alternative<IngestEntry>(entry) ? "INGEST" : "DERIVE";
}

std::string escape_field(std::string_view raw) {
  std::string out;
  out.reserve(raw.size());
  for (size_t i = 0; i < raw.size();) {
    auto c = static_cast<uint8_t>(raw[i]);
    if (c >= 0x80) {
      size_t n = utf8_sequence(raw, i);
      if (n > 0) {
        out.append(raw.substr(i, n));
        i += n;
        continue;
      }
    } else if (c > 0x20 && c != '%' && c != 0x7F) {
      out += static_cast<char>(c);
      ++i;
      continue;
    }
    out += '%';
    out += kHex[c >> 4];
    out += kHex[c & 15];
    ++i;
  }
  return out;
}

std::optional<std::string> unescape_field(std::string_view escaped) {
  std::string out;
  for (size_t i = 0; i < escaped.size(); ++i) {
    if (escaped[i] != '%') {
      out += escaped[i];
      continue;
    }
    if (i + 2 >= escaped.size())
      return std::nullopt;
    auto hex = [](char h) {
      if (h >= '0' && h <= '9')
        return h - '0';
      if (h >= 'A' && h <= 'F')
        return h - 'A' + 10;
      return -1;
    };
    int hi = hex(escaped[i + 1]);
    int lo = hex(escaped[i + 2]);
    if (hi < 0 || lo < 0)
      return std::nullopt;
    out += static_cast<char>(hi * 16 + lo);
    i += 2;
  }
  // Canonical only: the escaping of the result must give back exactly the input.
  if (escape_field(out) != escaped)
    return std::nullopt;
  return out;
}

std::string encode_entry(const Entry& entry) {
  std::string out(kEntryMagic);
  out += '\n';
  auto line = [&out](std::string_view key, std::string_view value) {
    out.append(key).append(" ").append(value).append("\n");
  };
  if (const auto* in = std::get_if<IngestEntry>(&entry)) {
    DOSSIER_CHECK(is_token(in->dossier_version, false));
    line("kind", "INGEST");
    line("sha256", to_hex(in->sha256));
    line("size", std::to_string(in->size));
    if (in->location.parent) {
      line("parent", to_hex(*in->location.parent));
      line("name", escape_field(in->location.path));
    } else {
      line("path", escape_field(in->location.path));
    }
    line("received", time_text(in->received));
    line("dossier", in->dossier_version);
  } else {
    const auto& d = std::get<DeriveEntry>(entry);
    DOSSIER_CHECK(is_token(d.dossier_version, false) && is_token(d.derivation, true));
    line("kind", "DERIVE");
    line("derivation", d.derivation);
    line("input", to_hex(d.input));
    line("output", to_hex(d.output));
    line("output-size", std::to_string(d.output_size));
    line("tool", escape_field(d.tool));
    line("tool-version", escape_field(d.tool_version));
    line("time", time_text(d.time));
    line("dossier", d.dossier_version);
  }
  return out;
}

Result<Entry> parse_entry(std::string_view bytes) {
  if (bytes.size() > (1u << 20))
    return not_canonical("longer than 1 MiB");
  if (bytes.empty() || bytes.back() != '\n')
    return not_canonical("does not end in a newline");
  Fields f;
  size_t pos = 0;
  bool first = true;
  while (pos < bytes.size()) {
    size_t nl = bytes.find('\n', pos);
    std::string_view line = bytes.substr(pos, nl - pos);
    pos = nl + 1;
    if (first) {
      if (line != kEntryMagic)
        return not_canonical("first line is not '" + std::string(kEntryMagic) + "'");
      first = false;
      continue;
    }
    size_t sp = line.find(' ');
    if (sp == std::string_view::npos || sp == 0)
      return not_canonical("line without 'key value'");
    f.lines.emplace_back(line.substr(0, sp), line.substr(sp + 1));
  }
  DOSSIER_ASSIGN_OR_RETURN(Entry e, parse_fields(f));
  if (f.next != f.lines.size())
    return not_canonical("unexpected extra field");
  // Anything the field parsers let through that is still not canonical (a version with a
  // space, a time that normalises differently) shows up as a byte difference here.
  if (const auto* in = std::get_if<IngestEntry>(&e)) {
    if (!is_token(in->dossier_version, false))
      return not_canonical("bad dossier version");
  } else {
    const auto& d = std::get<DeriveEntry>(e);
    if (!is_token(d.dossier_version, false) || !is_token(d.derivation, true)) {
      return not_canonical("bad derivation or version");
    }
  }
  if (encode_entry(e) != bytes)
    return not_canonical("bytes differ from the canonical encoding");
  return e;
}

}  // namespace dossier::custody
