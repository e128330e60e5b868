#include "ingest/unsettled_entries.h"

#include <unordered_set>

namespace dossier::ingest {

std::string UnsettledEntries::key(const custody::IngestEntry& e) {
  std::string k = "I";
  k.append(reinterpret_cast<const char*>(e.sha256.data()), e.sha256.size());
  k += std::to_string(e.size);
  k += '\0';
  if (e.location.parent)
    k.append(reinterpret_cast<const char*>(e.location.parent->data()), e.location.parent->size());
  k += '\0';
  k += e.location.path;
  return k;
}

std::string UnsettledEntries::key(const custody::DeriveEntry& e) {
  std::string k = "D";
  k.append(reinterpret_cast<const char*>(e.input.data()), e.input.size());
  k.append(reinterpret_cast<const char*>(e.output.data()), e.output.size());
  k += std::to_string(e.output_size);
  for (const std::string* s : {&e.derivation, &e.tool, &e.tool_version}) {
    k += '\0';
    k += *s;
  }
  return k;
}

Result<UnsettledEntries> UnsettledEntries::read(const custody::CustodyLog& log, uint64_t first) {
  UnsettledEntries out;
  std::unordered_set<std::string> seen;
  for (uint64_t i = first; i < log.size(); ++i) {
    DOSSIER_ASSIGN_OR_RETURN(std::string bytes, log.entry(i));
    auto entry = custody::parse_entry(bytes);
    if (!entry.has_value())
      continue;  // not ours to judge here: `dossier custody verify` reports it
    if (const auto* in = std::get_if<custody::IngestEntry>(&entry.value())) {
      out.entries_[key(*in)].push_back({i, in->received});
      std::string id = to_hex(in->sha256);
      if (seen.insert(id).second)
        out.documents_.push_back(std::move(id));
    } else {
      const auto& derive = std::get<custody::DeriveEntry>(entry.value());
      out.entries_[key(derive)].push_back({i, derive.time});
    }
    ++out.count_;
  }
  return out;
}

std::optional<UnsettledEntries::Taken> UnsettledEntries::take(const custody::IngestEntry& e) {
  if (entries_.empty())
    return std::nullopt;
  auto it = entries_.find(key(e));
  if (it == entries_.end())
    return std::nullopt;
  Taken t = it->second.front();
  it->second.pop_front();
  if (it->second.empty())
    entries_.erase(it);
  return t;
}

bool UnsettledEntries::take(const custody::DeriveEntry& e) {
  if (entries_.empty())
    return false;
  auto it = entries_.find(key(e));
  if (it == entries_.end())
    return false;
  it->second.pop_front();
  if (it->second.empty())
    entries_.erase(it);
  return true;
}

std::vector<std::string> UnsettledEntries::documents() const {
  return documents_;
}

}  // namespace dossier::ingest
