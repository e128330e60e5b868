#include "project_state.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <sstream>

#include "core/sha256.h"
#include "custody/entry.h"
#include "custody/log.h"
#include "run_dossier.h"

namespace dossier::test {
namespace {

using nlohmann::json;

bool cli_json(const std::string& project, const std::vector<std::string>& args, json& out,
              std::string& error) {
  std::vector<std::string> all = {"-p", project, "--json"};
  all.insert(all.end(), args.begin(), args.end());
  RunResult r = run_dossier(all);
  if (r.exit_code != 0) {
    error = args.front() + ": exit " + std::to_string(r.exit_code) + ": " + r.err;
    return false;
  }
  out = r.json();
  return true;
}

template <typename Set>
void expect_same_set(const Set& got, const Set& want, const std::string& what,
                     const std::string& label) {
  if (got == want)
    return;
  std::vector<std::string> missing, extra;
  std::set_difference(want.begin(), want.end(), got.begin(), got.end(),
                      std::back_inserter(missing));
  std::set_difference(got.begin(), got.end(), want.begin(), want.end(), std::back_inserter(extra));
  std::ostringstream msg;
  msg << label << ": " << what << " differ (" << got.size() << " vs " << want.size()
      << " in the clean run)";
  for (size_t i = 0; i < missing.size() && i < 5; ++i)
    msg << "\n  missing: " << missing[i];
  for (size_t i = 0; i < extra.size() && i < 5; ++i)
    msg << "\n  extra:   " << extra[i];
  ADD_FAILURE() << msg.str();
}

}  // namespace

ProjectState read_project_state(const std::string& project) {
  ProjectState s;
  json search, stats, failures;
  if (!cli_json(project, {"search", "*", "--limit", "0"}, search, s.error) ||
      !cli_json(project, {"stats"}, stats, s.error) ||
      !cli_json(project, {"failures"}, failures, s.error)) {
    return s;
  }
  s.index_total = search["total"].get<uint64_t>();
  for (const auto& h : search["hits"]) {
    std::vector<std::string> locs = h["locations"].get<std::vector<std::string>>();
    std::sort(locs.begin(), locs.end());
    s.documents[h["id"].get<std::string>()] = std::move(locs);
  }
  s.stats = stats;
  for (const auto& f : failures["failures"])
    s.failures.insert(f["id"].get<std::string>() + " " + f["code"].get<std::string>() + " " +
                      f["reason"].get<std::string>());
  for (const auto& p : failures["not_ingested"])
    s.not_ingested.insert(p["path"].get<std::string>() + ": " + p["reason"].get<std::string>());
  for (const auto& n : failures["no_text"])
    s.no_text.insert(n["id"].get<std::string>() + " " + n["reason"].get<std::string>());

  RunResult verify = run_dossier({"-p", project, "custody", "verify"});
  s.custody_intact = verify.exit_code == 0;
  if (!s.custody_intact)
    s.custody_report = verify.out + verify.err;

  auto log = custody::CustodyLog::open(std::filesystem::path(project) / "custody");
  if (!log.has_value()) {
    s.error = "custody log: " + log.error().to_string();
    return s;
  }
  s.custody_entries = log->size();
  Status each = log->for_each_entry([&](uint64_t, std::string_view bytes, bool) {
    auto e = custody::parse_entry(bytes);
    if (!e.has_value()) {
      s.ingest_entries.insert("unparsable entry");
      return;
    }
    if (const auto* in = std::get_if<custody::IngestEntry>(&e.value())) {
      s.ingest_entries.insert(to_hex(in->sha256) + " " + std::to_string(in->size) + " " +
                              (in->location.parent ? to_hex(*in->location.parent) : "-") + " " +
                              in->location.path);
    } else {
      const auto& d = std::get<custody::DeriveEntry>(e.value());
      s.derive_entries.insert(to_hex(d.input) + " " + to_hex(d.output) + " " +
                              std::to_string(d.output_size) + " " + d.derivation + " " + d.tool +
                              "/" + d.tool_version);
    }
  });
  if (!each.has_value()) {
    s.error = "custody log: " + each.error().to_string();
    return s;
  }
  s.read_ok = true;
  return s;
}

void expect_same_state(const ProjectState& got, const ProjectState& want,
                       const std::string& label) {
  ASSERT_TRUE(got.read_ok) << label << ": " << got.error;
  ASSERT_TRUE(want.read_ok) << label << ": clean run: " << want.error;
  EXPECT_TRUE(got.custody_intact) << label << ": custody verify:\n" << got.custody_report;
  std::set<std::string> got_docs, want_docs;
  for (const auto& [id, locs] : got.documents) {
    for (const auto& l : locs)
      got_docs.insert(id.substr(0, 16) + " @ " + l);
    if (locs.empty())
      got_docs.insert(id.substr(0, 16) + " without a location");
  }
  for (const auto& [id, locs] : want.documents) {
    for (const auto& l : locs)
      want_docs.insert(id.substr(0, 16) + " @ " + l);
    if (locs.empty())
      want_docs.insert(id.substr(0, 16) + " without a location");
  }
  expect_same_set(got_docs, want_docs, "documents and their locations", label);
  EXPECT_EQ(got.index_total, want.index_total) << label << ": documents in the index";
  EXPECT_EQ(got.index_total, got.stats["documents"].get<uint64_t>())
      << label << ": index and catalog disagree";
  for (const char* key : {"documents", "failures", "pending", "locations", "bytes", "not_ingested",
                          "embedded", "by_type", "by_reason"}) {
    EXPECT_EQ(got.stats[key], want.stats[key]) << label << ": stats." << key;
  }
  expect_same_set(got.failures, want.failures, "failures", label);
  expect_same_set(got.not_ingested, want.not_ingested, "paths not ingested", label);
  expect_same_set(got.no_text, want.no_text, "documents without text", label);
  expect_same_set(got.ingest_entries, want.ingest_entries, "custody INGEST entries", label);
  expect_same_set(got.derive_entries, want.derive_entries, "custody DERIVE entries", label);
  EXPECT_EQ(got.custody_entries, want.custody_entries) << label << ": custody log entries";
}

}  // namespace dossier::test
