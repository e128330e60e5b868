// Custody entries a crashed ingest logged but never settled.
//
// The writer appends a batch's entries to the custody log before it commits the index and the
// catalog (docs/design-notes.md "Crash safety"), and records in the same catalog transaction how
// many entries the log then holds ("custody.entries"). Entries past that count were logged by a
// batch whose commit never happened: a SIGKILL, a power cut or a full disk in between. The next
// run ingests the same files again; instead of logging the same statements a second time, it
// points the new catalog rows at these entries. The log is never shortened.
#pragma once

#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/result.h"
#include "custody/entry.h"
#include "custody/log.h"

namespace dossier::ingest {

// Not thread-safe; owned by the writer.
class UnsettledEntries {
 public:
  UnsettledEntries() = default;
  // Reads entries [first, log.size()) of the log. Entries that do not parse are left alone.
  static Result<UnsettledEntries> read(const custody::CustodyLog& log, uint64_t first);

  // An unsettled INGEST entry stating the same content, size and location, removed from the set:
  // its index and the time it recorded. nullopt if there is none.
  struct Taken {
    uint64_t index = 0;
    int64_t received = 0;
  };
  std::optional<Taken> take(const custody::IngestEntry& e);
  // Whether an unsettled DERIVE entry states the same derivation (removing it) .
  bool take(const custody::DeriveEntry& e);

  // Every document (sha256 hex) an unsettled INGEST entry names, once each.
  std::vector<std::string> documents() const;
  uint64_t size() const { return count_; }

 private:
  static std::string key(const custody::IngestEntry& e);
  static std::string key(const custody::DeriveEntry& e);

  std::unordered_map<std::string, std::deque<Taken>> entries_;  // key -> oldest first
  std::vector<std::string> documents_;
  uint64_t count_ = 0;
};

}  // namespace dossier::ingest
