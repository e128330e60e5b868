#include "index/schema.h"

#include "core/sha256.h"
#include "text/normalize.h"

namespace dossier::index::schema {

std::string ascii_lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z')
      c = static_cast<char>(c + 32);
  }
  return out;
}

std::string boolean_term(std::string_view prefix, std::string_view value) {
  std::string term(prefix);
  if (prefix.size() + value.size() <= kMaxTermBytes) {
    term.append(value);
  } else {
    term += '#';
    term += to_hex(sha256(value));
  }
  return term;
}

std::string normalize_path(std::string_view path) {
  std::string p = text::normalize(path);
  // An embedded item's path is "/leak/a.zip › inbox/b.eml": treat the container as a folder, so
  // that path:/leak/a.zip finds everything inside it.
  static constexpr std::string_view kSep = " \u203a ";
  if (p.find(kSep) != std::string::npos) {
    std::string joined;
    size_t from = 0;
    for (size_t at = p.find(kSep); at != std::string::npos; at = p.find(kSep, from)) {
      joined.append(p, from, at - from).push_back('/');
      from = at + kSep.size();
    }
    joined.append(p, from, std::string::npos);
    p = std::move(joined);
  }
  while (p.size() > 1 && p.back() == '/')
    p.pop_back();
  return p;
}

std::vector<std::string> path_terms(std::string_view path) {
  std::string p = normalize_path(path);
  std::vector<std::string> out;
  if (p.empty())
    return out;
  for (size_t slash = p.find('/', 1); slash != std::string::npos; slash = p.find('/', slash + 1)) {
    if (slash > 0 && p[slash - 1] != '/')
      out.push_back(boolean_term(kPathPrefix, p.substr(0, slash)));
  }
  out.push_back(boolean_term(kPathPrefix, p));
  return out;
}

std::string extension(std::string_view path) {
  size_t slash = path.find_last_of('/');
  std::string_view name = slash == std::string_view::npos ? path : path.substr(slash + 1);
  size_t dot = name.find_last_of('.');
  if (dot == std::string_view::npos || dot == 0 || dot + 1 == name.size())
    return "";
  return ascii_lower(name.substr(dot + 1));
}

}  // namespace dossier::index::schema
