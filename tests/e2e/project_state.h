// What a project holds, read through the CLI and the custody log, in a form two projects can be
// compared in: the kill-and-resume tests compare a resumed project with a clean run's.
// Ingest times differ between runs, so they are left out; everything else must be equal.
#pragma once

#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

namespace dossier::test {

struct ProjectState {
  std::map<std::string, std::vector<std::string>> documents;  // id -> its locations, sorted
  uint64_t index_total = 0;                                   // documents the index holds
  nlohmann::json stats;                                       // `dossier stats --json`
  std::set<std::string> failures;                             // "id code reason"
  std::set<std::string> not_ingested;                         // "path: reason"
  std::set<std::string> no_text;                              // "id reason"
  std::multiset<std::string> ingest_entries;                  // "sha256 size parent path"
  std::multiset<std::string> derive_entries;                  // "input output size tool/version"
  uint64_t custody_entries = 0;
  bool custody_intact = false;
  std::string custody_report;  // `dossier custody verify` output when it is not intact
  bool read_ok = false;        // every command answered
  std::string error;
};

ProjectState read_project_state(const std::string& project);

// ADD_FAILUREs, labelled, with the first few differences of each kind.
void expect_same_state(const ProjectState& got, const ProjectState& want, const std::string& label);

}  // namespace dossier::test
