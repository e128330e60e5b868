#include <gtest/gtest.h>

#include <cctype>
#include <string>
#include <vector>

#include "catalog_fixture.h"
#include "core/sha256.h"
#include "store/catalog.h"

namespace dossier::store {
namespace {

using testing::CatalogTest;
using testing::id_of;
using testing::make_doc;

TEST_F(CatalogTest, DocumentRoundTripsEveryField) {
  DocumentRecord d = make_doc("report");
  d.failure_code = "corrupt";
  d.failure_reason = "truncated xref table";
  d.state = DocState::kFailed;
  put(d);
  auto found = catalog_->find_document(d.id);
  ASSERT_TRUE(found.has_value()) << found.error().to_string();
  ASSERT_TRUE(found->has_value());
  const DocumentRecord& r = **found;
  EXPECT_EQ(r.id, d.id);
  EXPECT_EQ(r.size, d.size);
  EXPECT_EQ(r.mime, d.mime);
  EXPECT_EQ(r.type, d.type);
  EXPECT_EQ(r.title, d.title);
  EXPECT_EQ(r.author, d.author);
  EXPECT_EQ(r.application, d.application);
  EXPECT_EQ(r.lang, d.lang);
  EXPECT_EQ(r.created, d.created);
  EXPECT_EQ(r.modified, std::nullopt);
  EXPECT_EQ(r.page_count, d.page_count);
  EXPECT_EQ(r.text_bytes, d.text_bytes);
  EXPECT_EQ(r.state, DocState::kFailed);
  EXPECT_EQ(r.extractor, d.extractor);
  EXPECT_EQ(r.failure_code, d.failure_code);
  EXPECT_EQ(r.failure_reason, d.failure_reason);
  EXPECT_EQ(r.ingested_at, d.ingested_at);
}

TEST_F(CatalogTest, UnknownDocumentIsEmptyNotAnError) {
  auto found = catalog_->find_document(id_of("nothing"));
  ASSERT_TRUE(found.has_value());
  EXPECT_FALSE(found->has_value());
}

TEST_F(CatalogTest, PutDocumentReplacesButKeepsFirstIngestTime) {
  DocumentRecord d = make_doc("doc", DocState::kPending);
  put(d);
  d.state = DocState::kIndexed;
  d.title = "Now extracted";
  d.ingested_at = 1800000000;
  put(d);
  auto found = catalog_->find_document(d.id);
  ASSERT_TRUE(found.has_value() && found->has_value());
  EXPECT_EQ((*found)->state, DocState::kIndexed);
  EXPECT_EQ((*found)->title, "Now extracted");
  EXPECT_EQ((*found)->ingested_at, 1700000000);
}

TEST_F(CatalogTest, ReplacingADocumentKeepsItsLocationsAndPages) {
  DocumentRecord d = make_doc("kept");
  put(d);
  ASSERT_TRUE(catalog_->add_location({d.id, "", "/leak/a.pdf", 4, 1}).has_value());
  ASSERT_TRUE(catalog_->put_pages(d.id, {{1, "page one", false, -1}}).has_value());
  put(d);
  EXPECT_EQ(catalog_->locations(d.id)->size(), 1u);
  EXPECT_EQ(catalog_->pages(d.id)->size(), 1u);
}

TEST_F(CatalogTest, LocationsAreDeduplicated) {
  DocumentRecord d = make_doc("same bytes");
  put(d);
  LocationRecord a{d.id, "", "/leak/a.pdf", d.size, 111};
  LocationRecord b{d.id, "", "/leak/copy/a.pdf", d.size, 222};
  auto first = catalog_->add_location(a);
  ASSERT_TRUE(first.has_value()) << first.error().to_string();
  EXPECT_TRUE(*first);
  auto again = catalog_->add_location(a);
  ASSERT_TRUE(again.has_value());
  EXPECT_FALSE(*again);
  EXPECT_TRUE(*catalog_->add_location(b));
  auto locs = catalog_->locations(d.id);
  ASSERT_TRUE(locs.has_value());
  ASSERT_EQ(locs->size(), 2u);
  EXPECT_EQ((*locs)[0].path, "/leak/a.pdf");
  EXPECT_EQ((*locs)[0].mtime_ns, 111);
  EXPECT_EQ((*locs)[1].path, "/leak/copy/a.pdf");
}

TEST_F(CatalogTest, LocationOfUnknownDocumentIsRejected) {
  auto r = catalog_->add_location({id_of("never put"), "", "/leak/x", 1, 1});
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, ErrorCode::kInvalidInput);
}

TEST_F(CatalogTest, PagesAndMetadataOfUnknownDocumentAreRejected) {
  std::string unknown = id_of("never put");
  auto pages = catalog_->put_pages(unknown, {{1, "text", false, -1}});
  ASSERT_FALSE(pages.has_value());
  EXPECT_EQ(pages.error().code, ErrorCode::kInvalidInput);
  auto meta = catalog_->put_metadata(unknown, {{"k", "v"}});
  ASSERT_FALSE(meta.has_value());
  EXPECT_EQ(meta.error().code, ErrorCode::kInvalidInput);
  EXPECT_TRUE(catalog_->pages(unknown)->empty());
}

TEST_F(CatalogTest, UnchangedFileMatchesPathSizeAndMtime) {
  DocumentRecord d = make_doc("on disk");
  put(d);
  ASSERT_TRUE(catalog_->add_location({d.id, "", "/leak/f.doc", 7, 1000}).has_value());
  auto hit = catalog_->unchanged_file("/leak/f.doc", 7, 1000);
  ASSERT_TRUE(hit.has_value()) << hit.error().to_string();
  EXPECT_EQ(*hit, std::optional<std::string>(d.id));
  EXPECT_EQ(*catalog_->unchanged_file("/leak/f.doc", 7, 1001), std::nullopt);
  EXPECT_EQ(*catalog_->unchanged_file("/leak/f.doc", 8, 1000), std::nullopt);
  EXPECT_EQ(*catalog_->unchanged_file("/leak/other.doc", 7, 1000), std::nullopt);
}

TEST_F(CatalogTest, TouchedFileWithSameContentIsRecognisedAgain) {
  DocumentRecord d = make_doc("touched");
  put(d);
  ASSERT_TRUE(catalog_->add_location({d.id, "", "/leak/t.txt", 7, 1000}).has_value());
  auto again = catalog_->add_location({d.id, "", "/leak/t.txt", 7, 2000});
  ASSERT_TRUE(again.has_value());
  EXPECT_FALSE(*again);
  EXPECT_EQ(*catalog_->unchanged_file("/leak/t.txt", 7, 2000), std::optional<std::string>(d.id));
}

TEST_F(CatalogTest, EmbeddedItemsAreChildrenNotFilesOnDisk) {
  DocumentRecord zip = make_doc("archive");
  DocumentRecord member = make_doc("member");
  put(zip);
  put(member);
  ASSERT_TRUE(catalog_->add_location({zip.id, "", "/leak/a.zip", 7, 5}).has_value());
  ASSERT_TRUE(catalog_->add_location({member.id, zip.id, "docs/m.txt", 6, 0}).has_value());
  auto kids = catalog_->children(zip.id);
  ASSERT_TRUE(kids.has_value());
  ASSERT_EQ(kids->size(), 1u);
  EXPECT_EQ((*kids)[0].doc_id, member.id);
  EXPECT_EQ((*kids)[0].parent_id, zip.id);
  EXPECT_EQ((*kids)[0].path, "docs/m.txt");
  EXPECT_TRUE(catalog_->children(member.id)->empty());
  EXPECT_TRUE(catalog_->children("")->empty());
  // An embedded name is not a path on disk.
  EXPECT_EQ(*catalog_->unchanged_file("docs/m.txt", 6, 0), std::nullopt);
}

TEST_F(CatalogTest, PagesRoundTripAndReplace) {
  DocumentRecord d = make_doc("paged");
  put(d);
  std::string with_nul("a\0b", 3);
  std::vector<PageRecord> pages = {{2, "第二页", true, 0.875f}, {1, with_nul, false, -1}};
  ASSERT_TRUE(catalog_->put_pages(d.id, pages).has_value());
  auto got = catalog_->pages(d.id);
  ASSERT_TRUE(got.has_value());
  ASSERT_EQ(got->size(), 2u);
  EXPECT_EQ((*got)[0].number, 1);
  EXPECT_EQ((*got)[0].text, with_nul);
  EXPECT_FALSE((*got)[0].ocr);
  EXPECT_EQ((*got)[1].text, "第二页");
  EXPECT_TRUE((*got)[1].ocr);
  EXPECT_FLOAT_EQ((*got)[1].ocr_confidence, 0.875f);
  ASSERT_TRUE(catalog_->put_pages(d.id, {{1, "only page", false, -1}}).has_value());
  got = catalog_->pages(d.id);
  ASSERT_EQ(got->size(), 1u);
  EXPECT_EQ((*got)[0].text, "only page");
}

TEST_F(CatalogTest, FailedPageReplacementLeavesOldPages) {
  DocumentRecord d = make_doc("atomic pages");
  put(d);
  ASSERT_TRUE(catalog_->put_pages(d.id, {{1, "old", false, -1}}).has_value());
  // Duplicate page numbers violate the primary key part-way through.
  auto st = catalog_->put_pages(d.id, {{1, "new", false, -1}, {1, "dup", false, -1}});
  EXPECT_FALSE(st.has_value());
  auto got = catalog_->pages(d.id);
  ASSERT_EQ(got->size(), 1u);
  EXPECT_EQ((*got)[0].text, "old");
}

TEST_F(CatalogTest, MetadataKeepsOrderAndRepeatedKeys) {
  DocumentRecord d = make_doc("email");
  put(d);
  std::vector<MetaRecord> meta = {
      {"Subject", "Hello"}, {"Received", "from b"}, {"Received", "from a"}, {"X-Empty", ""}};
  ASSERT_TRUE(catalog_->put_metadata(d.id, meta).has_value());
  auto got = catalog_->metadata(d.id);
  ASSERT_TRUE(got.has_value());
  ASSERT_EQ(got->size(), meta.size());
  for (size_t i = 0; i < meta.size(); ++i) {
    EXPECT_EQ((*got)[i].key, meta[i].key);
    EXPECT_EQ((*got)[i].value, meta[i].value);
  }
  ASSERT_TRUE(catalog_->put_metadata(d.id, {}).has_value());
  EXPECT_TRUE(catalog_->metadata(d.id)->empty());
}

TEST_F(CatalogTest, IdsWithPrefixUsesOnlyMatchingIds) {
  std::vector<std::string> ids;
  for (int i = 0; i < 64; ++i) {
    DocumentRecord d = make_doc("doc " + std::to_string(i));
    put(d);
    ids.push_back(d.id);
  }
  std::string target = ids[17];
  auto exact = catalog_->ids_with_prefix(target.substr(0, 8), 10);
  ASSERT_TRUE(exact.has_value()) << exact.error().to_string();
  ASSERT_EQ(exact->size(), 1u);
  EXPECT_EQ((*exact)[0], target);
  std::string first_digit = target.substr(0, 1);
  size_t expected = 0;
  for (const auto& id : ids)
    expected += id.compare(0, 1, first_digit) == 0 ? 1 : 0;
  auto broad = catalog_->ids_with_prefix(first_digit, 100);
  ASSERT_TRUE(broad.has_value());
  EXPECT_EQ(broad->size(), expected);
  for (const auto& id : *broad)
    EXPECT_EQ(id.substr(0, 1), first_digit);
  std::string upper_case = target.substr(0, 10);
  for (char& c : upper_case)
    c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  EXPECT_EQ(*catalog_->ids_with_prefix(upper_case, 10), std::vector<std::string>{target});
  EXPECT_EQ(catalog_->ids_with_prefix("", 5)->size(), 5u);
  EXPECT_TRUE(catalog_->ids_with_prefix("zz", 5)->empty());
  EXPECT_TRUE(catalog_->ids_with_prefix(target, 0)->empty());
}

TEST_F(CatalogTest, StatsCountDocumentsFailuresAndTypes) {
  DocumentRecord pdf = make_doc("pdf");
  DocumentRecord bad = make_doc("bad", DocState::kFailed);
  bad.failure_code = "encrypted";
  bad.failure_reason = "encrypted PDF";
  DocumentRecord bad2 = make_doc("bad2", DocState::kFailed);
  bad2.type = "zip";
  bad2.failure_code = "corrupt";
  DocumentRecord waiting = make_doc("waiting", DocState::kPending);
  waiting.type = "";
  for (const auto& d : {pdf, bad, bad2, waiting})
    put(d);
  ASSERT_TRUE(catalog_->add_location({pdf.id, "", "/a", 3, 0}).has_value());
  ASSERT_TRUE(catalog_->add_location({pdf.id, "", "/b", 3, 0}).has_value());
  ASSERT_TRUE(catalog_->add_ingest_problem({"/dev/sda", "not a regular file", 5}).has_value());
  auto s = catalog_->stats();
  ASSERT_TRUE(s.has_value()) << s.error().to_string();
  EXPECT_EQ(s->documents, 4u);
  EXPECT_EQ(s->failures, 2u);
  EXPECT_EQ(s->pending, 1u);
  EXPECT_EQ(s->locations, 2u);
  EXPECT_EQ(s->ingest_problems, 1u);
  EXPECT_EQ(s->bytes, pdf.size + bad.size + bad2.size + waiting.size);
  EXPECT_EQ(s->by_type, (std::map<std::string, uint64_t>{{"pdf", 2}, {"zip", 1}, {"unknown", 1}}));
  EXPECT_EQ(s->by_reason, (std::map<std::string, uint64_t>{{"encrypted", 1}, {"corrupt", 1}}));
}

TEST_F(CatalogTest, FailuresAndPendingAreListedById) {
  DocumentRecord ok = make_doc("ok");
  DocumentRecord f1 = make_doc("f1", DocState::kFailed);
  DocumentRecord f2 = make_doc("f2", DocState::kFailed);
  DocumentRecord p1 = make_doc("p1", DocState::kPending);
  for (const auto& d : {ok, f1, f2, p1})
    put(d);
  auto failures = catalog_->failures();
  ASSERT_TRUE(failures.has_value());
  ASSERT_EQ(failures->size(), 2u);
  EXPECT_LT((*failures)[0].id, (*failures)[1].id);
  for (const auto& f : *failures)
    EXPECT_EQ(f.state, DocState::kFailed);
  auto pending = catalog_->pending();
  ASSERT_TRUE(pending.has_value());
  EXPECT_EQ(*pending, std::vector<std::string>{p1.id});
}

TEST_F(CatalogTest, IngestProblemIsReplacedPerPathAndClearedByLaterSuccess) {
  ASSERT_TRUE(catalog_->add_ingest_problem({"/leak/x", "permission denied", 1}).has_value());
  ASSERT_TRUE(catalog_->add_ingest_problem({"/leak/x", "i/o error", 2}).has_value());
  ASSERT_TRUE(catalog_->add_ingest_problem({"/leak/y", "a symlink", 3}).has_value());
  auto problems = catalog_->ingest_problems();
  ASSERT_TRUE(problems.has_value());
  ASSERT_EQ(problems->size(), 2u);
  EXPECT_EQ((*problems)[0].path, "/leak/x");
  EXPECT_EQ((*problems)[0].reason, "i/o error");
  EXPECT_EQ((*problems)[0].at, 2);
  DocumentRecord d = make_doc("x now readable");
  put(d);
  ASSERT_TRUE(catalog_->add_location({d.id, "", "/leak/x", 5, 9}).has_value());
  problems = catalog_->ingest_problems();
  ASSERT_EQ(problems->size(), 1u);
  EXPECT_EQ((*problems)[0].path, "/leak/y");
}

TEST_F(CatalogTest, SettingsRoundTrip) {
  EXPECT_EQ(*catalog_->setting("origin"), std::nullopt);
  ASSERT_TRUE(catalog_->set_setting("origin", "Leak A").has_value());
  ASSERT_TRUE(catalog_->set_setting("origin", "Leak B").has_value());
  EXPECT_EQ(*catalog_->setting("origin"), std::optional<std::string>("Leak B"));
}

}  // namespace
}  // namespace dossier::store
