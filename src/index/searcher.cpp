// Searcher on a read-only Xapian Database, reopened per search so it sees new commits.
#include <xapian.h>

#include "index/index.h"
#include "index/query_compiler.h"
#include "index/query_parser.h"
#include "index/schema.h"
#include "index/xapian_error.h"

namespace dossier::index {
namespace {

class XapianSearcher : public Searcher {
 public:
  XapianSearcher(Xapian::Database db, std::string dir) : db_(std::move(db)), dir_(std::move(dir)) {}

  Result<SearchResult> search(std::string_view query, const SearchOptions& options) override {
    DOSSIER_ASSIGN_OR_RETURN(QueryNode ast, parse_query(query));
    try {
      db_.reopen();
      SearchResult result;
      result.highlight = highlight_spec(ast);
      Xapian::Enquire enquire(db_);
      enquire.set_query(compile_query(ast, db_, result.highlight));
      // Undated documents sort last in both directions: the default value stands in for them.
      Xapian::MultiValueKeyMaker keys;
      if (options.sort == SortOrder::kDateNewest)
        keys.add_value(schema::kDateSlot, true, "");
      if (options.sort == SortOrder::kDateOldest)
        keys.add_value(schema::kDateSlot, false, std::string(10, '\xff'));
      if (options.sort != SortOrder::kRelevance)
        enquire.set_sort_by_key_then_relevance(&keys, false);
      Xapian::doccount all = db_.get_doccount();
      // Clamped to the document count, which also keeps 64-bit options inside doccount.
      Xapian::doccount limit = options.limit == 0 || options.limit > all
                                   ? all
                                   : static_cast<Xapian::doccount>(options.limit);
      Xapian::doccount offset =
          options.offset > all ? all : static_cast<Xapian::doccount>(options.offset);
      // checkatleast = every document makes the count exact rather than an estimate.
      Xapian::MSet mset = enquire.get_mset(offset, limit, all);
      result.total = mset.get_matches_estimated();
      for (auto it = mset.begin(); it != mset.end(); ++it) {
        result.hits.push_back(Hit{it.get_document().get_data(), it.get_weight()});
      }
      return result;
    } catch (const Xapian::Error& e) {
      return xapian_error(e, "search failed", std::string(query));
    } catch (const std::exception& e) {
      return Error{ErrorCode::kInternal, std::string("search failed: ") + e.what(),
                   std::string(query)};
    }
  }

  Result<uint64_t> doc_count() override {
    try {
      db_.reopen();
      return static_cast<uint64_t>(db_.get_doccount());
    } catch (const Xapian::Error& e) {
      return xapian_error(e, "cannot count documents", dir_);
    }
  }

 private:
  Xapian::Database db_;
  std::string dir_;
};

}  // namespace

Result<std::unique_ptr<Searcher>> Searcher::open(const std::string& dir) {
  try {
    Xapian::Database db(dir);
    DOSSIER_RETURN_IF_ERROR(check_schema(db, dir));
    return std::unique_ptr<Searcher>(std::make_unique<XapianSearcher>(std::move(db), dir));
  } catch (const Xapian::Error& e) {
    return xapian_error(e, "cannot open the index", dir);
  }
}

}  // namespace dossier::index
