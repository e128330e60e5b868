// A temporary index directory for tests, removed afterwards.
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

#include "index/index.h"

namespace dossier::index::testing {

class TempIndexDir {
 public:
  TempIndexDir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "dossier-index-XXXXXX").string();
    char* made = mkdtemp(tmpl.data());
    EXPECT_NE(made, nullptr);
    path_ = tmpl;
  }
  ~TempIndexDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  std::string path() const { return path_ + "/index"; }

 private:
  std::string path_;
};

// The ids of every hit, sorted: hit sets are compared as sets.
inline std::vector<std::string> ids(Searcher& s, std::string_view q) {
  SearchOptions all;
  all.limit = 0;
  auto r = s.search(q, all);
  if (!r) {
    ADD_FAILURE() << q << ": " << r.error().to_string();
    return {};
  }
  EXPECT_EQ(r->total, r->hits.size()) << q;
  std::vector<std::string> out;
  for (const Hit& h : r->hits)
    out.push_back(h.id);
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace dossier::index::testing
