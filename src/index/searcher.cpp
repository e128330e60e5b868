// Searcher on a read-only Xapian Database, reopened per search so it sees new commits.
#include <xapian.h>

#include <algorithm>

#include "index/index.h"
#include "index/query_compiler.h"
#include "index/query_parser.h"
#include "index/rerank.h"
#include "index/schema.h"
#include "index/xapian_error.h"

namespace dossier::index {
namespace {

// A boost (^N) is the user's own ranking; re-ranking would ignore it.
// NOLINTNEXTLINE(misc-no-recursion): the AST depth is bounded by the parser
bool has_boost(const QueryNode& n) {
  if (n.boost != 1.0)
    return true;
  return std::any_of(n.children.begin(), n.children.end(), has_boost);
}

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
      bool rerank_top = options.rerank && options.sort == SortOrder::kRelevance &&
                        wants_rerank(result.highlight) && !has_boost(ast);
      if (!rerank_top) {
        // checkatleast = every document makes the count exact rather than an estimate.
        Xapian::MSet mset = enquire.get_mset(offset, limit, all);
        result.total = mset.get_matches_estimated();
        for (auto it = mset.begin(); it != mset.end(); ++it)
          result.hits.push_back(Hit{it.get_document().get_data(), it.get_weight()});
        return result;
      }
      // The first kRerankDepth hits are re-scored (rerank.h), whatever page is asked for, so
      // that pages agree with one another.
      Xapian::doccount upto = offset + std::min(limit, all - offset);
      Xapian::MSet mset = enquire.get_mset(0, std::max(upto, std::min(kRerankDepth, all)), all);
      result.total = mset.get_matches_estimated();
      std::vector<Candidate> ranked;
      for (auto it = mset.begin(); it != mset.end(); ++it)
        ranked.push_back(Candidate{*it, it.get_weight()});
      size_t depth = std::min<size_t>(ranked.size(), kRerankDepth);
      std::vector<Candidate> top(ranked.begin(), ranked.begin() + static_cast<long>(depth));
      double last_weight = depth > 0 ? top.back().weight : 0;
      rerank(db_, result.highlight, top);
      std::copy(top.begin(), top.end(), ranked.begin());
      // Deeper hits keep Xapian's order, scaled to stay below the re-ranked ones.
      double floor = depth > 0 ? top.back().weight : 0;
      for (size_t k = depth; k < ranked.size(); ++k)
        ranked[k].weight = last_weight > 0 ? ranked[k].weight * floor / last_weight : 0;
      for (size_t k = offset; k < upto && k < ranked.size(); ++k)
        result.hits.push_back(Hit{db_.get_document(ranked[k].did).get_data(), ranked[k].weight});
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
