// search, show.
#include <cstdio>
#include <iostream>

#include "cli/commands.h"
#include "core/progress.h"
#include "core/time_util.h"
#include "index/index.h"

namespace dossier::cli {
namespace {

std::vector<index::IndexPage> index_pages(const std::vector<store::PageRecord>& pages) {
  std::vector<index::IndexPage> out;
  out.reserve(pages.size());
  for (const auto& p : pages) out.push_back({p.number, p.text});
  return out;
}

std::string render_snippet(const index::Snippet& s, bool html, const Highlighter& hl) {
  std::string out;
  for (const auto& part : s.parts) {
    if (html) {
      out += part.highlighted ? "<mark>" + html_escape(part.text) + "</mark>" : html_escape(part.text);
    } else {
      out += part.highlighted ? hl.open() + part.text + hl.close() : part.text;
    }
  }
  return out;
}

std::optional<int64_t> doc_date(const store::DocumentRecord& d) { return d.created ? d.created : d.modified; }

// The rows of a catalog read, or none when it failed; a reference, so nothing is copied.
template <typename T>
const std::vector<T>& or_empty(const Result<std::vector<T>>& r) {
  static const std::vector<T> kEmpty;
  return r.has_value() ? *r : kEmpty;
}

// "OCR, confidence 87%", or "OCR, no text found".
std::string ocr_label(const store::PageRecord& p) {
  if (p.ocr_confidence < 0 || p.text.empty()) return "OCR, no text found";
  return "OCR, confidence " + std::to_string(static_cast<int>(p.ocr_confidence + 0.5F)) + "%";
}

nlohmann::json json_date(std::optional<int64_t> t) { return t ? nlohmann::json(format_iso8601(*t)) : nlohmann::json(); }

}  // namespace

void add_search(CLI::App& app, GlobalOptions& g, int& rc) {
  auto* cmd = app.add_subcommand("search", "search with the Lucene query syntax (docs/search.md)");
  static std::vector<std::string> words;
  static uint64_t limit = 20;
  static uint64_t offset = 0;
  static std::string sort = "relevance";
  cmd->add_option("query", words, "the query; several words are joined with spaces")->required();
  cmd->add_option("--limit", limit, "hits per page; 0 for every hit")->capture_default_str();
  cmd->add_option("--offset", offset, "skip this many hits")->capture_default_str();
  cmd->add_option("--sort", sort, "relevance, newest or oldest")
      ->check(CLI::IsMember({"relevance", "newest", "oldest"}))
      ->capture_default_str();
  cmd->callback([&] {
    std::string query;
    for (const auto& w : words) query += (query.empty() ? "" : " ") + w;
    auto dir = ingest::resolve_project_dir(g.project);
    auto catalog = open_catalog(dir, store::OpenMode::kReadOnly);
    if (!catalog.has_value()) {
      rc = fail(catalog.error());
      return;
    }
    auto searcher = index::Searcher::open(ingest::ProjectPaths{dir}.index().string());
    if (!searcher.has_value()) {
      rc = fail(searcher.error());
      return;
    }
    index::SearchOptions opts;
    opts.limit = limit;
    opts.offset = offset;
    opts.sort = sort == "newest" ? index::SortOrder::kDateNewest
                : sort == "oldest" ? index::SortOrder::kDateOldest
                                   : index::SortOrder::kRelevance;
    auto result = (*searcher)->search(query, opts);
    if (!result.has_value()) {
      rc = fail(result.error());
      return;
    }
    Highlighter hl = stdout_highlighter();
    nlohmann::json hits = nlohmann::json::array();
    uint64_t rank = offset;
    if (!g.json) {
      std::printf("%llu documents match\n", static_cast<unsigned long long>(result->total));
    }
    for (const auto& hit : result->hits) {
      ++rank;
      auto doc = (*catalog)->find_document(hit.id);
      if (!doc.has_value() || !doc->has_value()) continue;  // indexed by a batch whose catalog commit was lost
      const auto& d = **doc;
      auto pages = (*catalog)->pages(hit.id);
      index::Snippet snip = index::make_snippet(result->highlight, pages.has_value() ? index_pages(*pages)
                                                                                      : std::vector<index::IndexPage>{});
      auto paths = display_paths(**catalog, hit.id);
      // Where the snippet's text came from: OCR, and how sure it was.
      const store::PageRecord* snip_page = nullptr;
      for (const auto& p : or_empty(pages)) {
        if (p.number == snip.page && snip_page == nullptr) snip_page = &p;
      }
      bool snip_ocr = snip_page != nullptr && snip_page->ocr;
      if (g.json) {
        nlohmann::json jocr = nullptr;
        if (snip_ocr) jocr = {{"confidence", snip_page->ocr_confidence}};
        hits.push_back({{"id", hit.id},
                        {"title", d.title},
                        {"type", d.type},
                        {"mime", d.mime},
                        {"date", json_date(doc_date(d))},
                        {"locations", paths},
                        {"snippet", render_snippet(snip, true, hl)},
                        {"page", snip.page},
                        {"ocr", jocr},
                        {"score", hit.score}});
        continue;
      }
      std::printf("\n%llu. %s\n", static_cast<unsigned long long>(rank), d.title.c_str());
      std::string facts = d.type;
      if (d.page_count > 0) facts += ", " + std::to_string(d.page_count) + (d.page_count == 1 ? " page" : " pages");
      if (auto t = doc_date(d)) facts += ", " + format_date(*t);
      if (d.state == store::DocState::kFailed) facts += ", not readable: " + d.failure_reason;
      std::printf("   %s  [%s]\n", hit.id.substr(0, 16).c_str(), facts.c_str());
      for (const auto& p : paths) std::printf("   %s\n", p.c_str());
      std::string text = render_snippet(snip, false, hl);
      if (!text.empty()) {
        std::string where = snip.page > 0 ? "p." + std::to_string(snip.page) : "";
        if (snip_ocr) where += (where.empty() ? "" : ", ") + ocr_label(*snip_page);
        std::printf("   %s%s\n", where.empty() ? "" : (where + ": ").c_str(), text.c_str());
      }
    }
    if (g.json) {
      print_json({{"total", result->total}, {"offset", offset}, {"hits", hits}});
    } else if (limit != 0 && offset + result->hits.size() < result->total) {
      std::printf("\nshowing %llu-%llu: --offset %llu for the next page, --limit 0 for every hit\n",
                  static_cast<unsigned long long>(offset + 1),
                  static_cast<unsigned long long>(offset + result->hits.size()),
                  static_cast<unsigned long long>(offset + result->hits.size()));
    }
  });
}

void add_show(CLI::App& app, GlobalOptions& g, int& rc) {
  auto* cmd = app.add_subcommand("show", "metadata, locations, pages and text of one document");
  static std::string id_arg;
  static bool no_text = false;
  cmd->add_option("id", id_arg, "sha256 or a unique prefix of at least 8 hex digits")->required();
  cmd->add_flag("--no-text", no_text, "leave the text out");
  cmd->callback([&] {
    auto dir = ingest::resolve_project_dir(g.project);
    auto catalog = open_catalog(dir, store::OpenMode::kReadOnly);
    if (!catalog.has_value()) {
      rc = fail(catalog.error());
      return;
    }
    auto& cat = **catalog;
    auto id = resolve_id(cat, id_arg);
    if (!id.has_value()) {
      rc = fail(id.error());
      return;
    }
    auto doc = cat.find_document(*id);
    if (!doc.has_value() || !doc->has_value()) {
      rc = fail(doc.has_value() ? Error{ErrorCode::kNotFound, "no such document", *id} : doc.error());
      return;
    }
    const auto& d = **doc;
    auto meta = cat.metadata(*id);
    auto pages = cat.pages(*id);
    auto kids = cat.children(*id);
    auto paths = display_paths(cat, *id);
    std::string text;
    for (const auto& p : or_empty(pages)) {
      if (!text.empty()) text += "\n\f";
      text += p.text;
    }
    if (g.json) {
      nlohmann::json jmeta = nlohmann::json::object();
      for (const auto& m : or_empty(meta)) {
        if (jmeta.contains(m.key)) {
          if (!jmeta[m.key].is_array()) jmeta[m.key] = nlohmann::json::array({jmeta[m.key]});
          jmeta[m.key].push_back(m.value);
        } else {
          jmeta[m.key] = m.value;
        }
      }
      nlohmann::json jkids = nlohmann::json::array();
      for (const auto& k : or_empty(kids))
        jkids.push_back({{"id", k.doc_id}, {"name", k.path}});
      nlohmann::json jpages = nlohmann::json::array();
      for (const auto& p : or_empty(pages)) {
        nlohmann::json jp = {{"number", p.number}, {"chars", p.text.size()}, {"ocr", p.ocr}};
        if (p.ocr) jp["ocr_confidence"] = p.ocr_confidence;
        jpages.push_back(jp);
      }
      nlohmann::json out = {{"id", d.id},
                            {"mime", d.mime},
                            {"type", d.type},
                            {"size", d.size},
                            {"title", d.title},
                            {"author", d.author},
                            {"application", d.application},
                            {"from", d.from},
                            {"to", d.to},
                            {"lang", d.lang},
                            {"created", json_date(d.created)},
                            {"modified", json_date(d.modified)},
                            {"page_count", d.page_count},
                            {"state", store::doc_state_name(d.state)},
                            {"extractor", d.extractor},
                            {"ingested_at", format_iso8601(d.ingested_at)},
                            {"metadata", jmeta},
                            {"locations", paths},
                            {"children", jkids},
                            {"pages", jpages}};
      if (d.state == store::DocState::kFailed) out["failure"] = {{"code", d.failure_code}, {"reason", d.failure_reason}};
      if (!no_text) out["text"] = text;
      print_json(out);
      return;
    }
    std::printf("id          %s\n", d.id.c_str());
    std::printf("title       %s\n", d.title.c_str());
    std::printf("type        %s (%s), %s\n", d.type.c_str(), d.mime.c_str(), Progress::human_bytes(d.size).c_str());
    if (d.page_count > 0) std::printf("pages       %d\n", d.page_count);
    if (!d.lang.empty()) std::printf("language    %s\n", d.lang.c_str());
    if (!d.author.empty()) std::printf("author      %s\n", d.author.c_str());
    if (!d.application.empty()) std::printf("application %s\n", d.application.c_str());
    if (!d.from.empty()) std::printf("from        %s\n", d.from.c_str());
    if (!d.to.empty()) std::printf("to          %s\n", d.to.c_str());
    if (d.created) std::printf("created     %s\n", format_iso8601(*d.created).c_str());
    if (d.modified) std::printf("modified    %s\n", format_iso8601(*d.modified).c_str());
    std::printf("ingested    %s by %s\n", format_iso8601(d.ingested_at).c_str(),
                d.extractor.empty() ? "(no extractor)" : d.extractor.c_str());
    if (d.state == store::DocState::kFailed) std::printf("FAILED      %s: %s\n", d.failure_code.c_str(), d.failure_reason.c_str());
    std::printf("\nlocations:\n");
    for (const auto& p : paths) std::printf("  %s\n", p.c_str());
    if (kids.has_value() && !kids->empty()) {
      std::printf("\ncontains:\n");
      for (const auto& k : *kids) std::printf("  %s  %s\n", k.doc_id.substr(0, 12).c_str(), k.path.c_str());
    }
    if (meta.has_value() && !meta->empty()) {
      std::printf("\nmetadata:\n");
      for (const auto& m : *meta) std::printf("  %s: %s\n", m.key.c_str(), m.value.c_str());
    }
    if (!no_text && pages.has_value()) {
      for (const auto& p : *pages) {
        if (p.number > 0) {
          std::printf("\n--- page %d%s ---\n", p.number, p.ocr ? (" (" + ocr_label(p) + ")").c_str() : "");
        } else {
          std::printf("\n--- text ---\n");
        }
        std::fwrite(p.text.data(), 1, p.text.size(), stdout);
        std::printf("\n");
      }
    }
  });
}

}  // namespace dossier::cli
