// Shared by the catalog tests: a fresh catalog in a temp directory, and sample documents.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "core/sha256.h"
#include "store/catalog.h"
#include "temp_dir.h"

namespace dossier::store::testing {

inline std::string id_of(const std::string& content) {
  return to_hex(sha256(content));
}

inline DocumentRecord make_doc(const std::string& content, DocState state = DocState::kIndexed) {
  DocumentRecord d;
  d.id = id_of(content);
  d.size = content.size();
  d.mime = "application/pdf";
  d.type = "pdf";
  d.title = "Quarterly report 第三季度";
  d.author = "Jane Doe";
  d.application = "Microsoft Word";
  d.lang = "en";
  d.created = 1488448800;
  d.modified = std::nullopt;
  d.page_count = 3;
  d.text_bytes = 4096;
  d.state = state;
  d.extractor = "pdf/1";
  d.ingested_at = 1700000000;
  return d;
}

class CatalogTest : public ::testing::Test {
 protected:
  CatalogTest() : db_path_((dir_.path() / "dossier.db").string()) { reopen(); }

  void reopen(OpenMode mode = OpenMode::kReadWrite) {
    catalog_.reset();
    auto opened = open_sqlite_catalog(db_path_, mode);
    ASSERT_TRUE(opened.has_value()) << opened.error().to_string();
    catalog_ = std::move(opened).value();
  }
  void put(const DocumentRecord& d) {
    auto st = catalog_->put_document(d);
    ASSERT_TRUE(st.has_value()) << st.error().to_string();
  }

  TempDir dir_;
  std::string db_path_;
  std::unique_ptr<Catalog> catalog_;
};

}  // namespace dossier::store::testing
