// The search index: Xapian 1.4 behind a small API. No Xapian type or exception crosses this header.
//
// Schema (docs/formats/index.md): one Xapian document per dossier document, unique term Q<sha256>;
// body terms with positions (CJK one term per character at consecutive positions, so that an
// OP_PHRASE of the query's characters matches the exact sequence); boolean filter terms for type,
// mime, lang, path and extension; values for date and size.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace dossier::index {

struct IndexPage {
  int number = 0;  // 1-based page for PDFs, 0 for unpaged
  std::string text;
};

struct IndexDocument {
  std::string id;  // sha256 hex
  std::string title;
  std::string author;
  std::string from;  // email sender, "Name <addr>"
  std::string to;    // recipients (To, Cc, Bcc)
  std::string application;  // producer or creator tool
  std::string mime;
  std::string type;                // family: pdf, html, text, image, ...
  std::string lang;                // ISO 639-1 where known ("en", "zh"), empty if unknown
  std::vector<std::string> part_langs;  // languages of long parts (lang.h), also lang: terms
  std::vector<std::string> paths;  // every location's full display path
  std::optional<int64_t> date;     // created, else modified; Unix seconds
  uint64_t size = 0;
  bool failed = false;  // extraction failed: indexed by metadata and path only
  bool ocr = false;     // some page's text came from OCR
  std::optional<float> ocr_confidence;  // the lowest confidence of an OCR page with text
  std::vector<IndexPage> pages;
};

// Single writer. Not thread-safe. Changes since the last commit() form one transaction: commit()
// makes them durable at once, and destroying the writer (an error, a crash) discards them, so the
// index on disk is always as of a commit.
class IndexWriter {
 public:
  static Result<std::unique_ptr<IndexWriter>> open(const std::string& dir);
  virtual ~IndexWriter() = default;
  // Adds or replaces the document with this id.
  virtual Status replace(const IndexDocument& doc) = 0;
  // Adds paths to an already indexed document (the same content found at other locations); paths it
  // has already are skipped. One rewrite of the document however many paths, so a content found at
  // 100,000 places costs one rewrite per batch, not 100,000. kNotFound if no document has this id.
  virtual Status add_paths(const std::string& id, const std::vector<std::string>& paths) = 0;
  Status add_path(const std::string& id, const std::string& path) { return add_paths(id, {path}); }
  // Removes the document with this id; a no-op if there is none.
  virtual Status remove(const std::string& id) = 0;
  // Whether a document with this id is indexed (including uncommitted changes).
  virtual Result<bool> contains(const std::string& id) = 0;
  virtual Status commit() = 0;
  virtual Result<uint64_t> doc_count() = 0;
};

enum class SortOrder { kRelevance, kDateNewest, kDateOldest };

struct SearchOptions {
  uint64_t offset = 0;
  uint64_t limit = 20;  // 0 means every hit (no cap)
  SortOrder sort = SortOrder::kRelevance;
  // By relevance, re-score the best hits by exact phrase frequency and proximity (rerank.h);
  // false keeps Xapian's BM25 order (benchmarks compare the two).
  bool rerank = true;
};

struct Hit {
  std::string id;
  double score = 0;  // Xapian weight; 0 for pure filters
};

// A query the parser understood, kept for highlighting snippets.
struct HighlightSpec {
  // Terms to highlight, normalised as the index normalises them. A phrase is a sequence.
  std::vector<std::vector<std::string>> phrases;
  // Wildcard prefixes to highlight (normalised, without '*').
  std::vector<std::string> prefixes;
};

struct SearchResult {
  uint64_t total = 0;  // exact number of matching documents
  std::vector<Hit> hits;
  HighlightSpec highlight;
};

// Read-only; one per thread. Reopens to see new commits.
class Searcher {
 public:
  static Result<std::unique_ptr<Searcher>> open(const std::string& dir);
  virtual ~Searcher() = default;
  // Parses the Lucene query_string syntax (docs/search.md) and runs it. A query that cannot be
  // parsed is kInvalidInput with a message that says where and what to write instead.
  virtual Result<SearchResult> search(std::string_view query, const SearchOptions& options) = 0;
  virtual Result<uint64_t> doc_count() = 0;
};

struct SnippetPart {
  std::string text;
  bool highlighted = false;
};

struct Snippet {
  int page = 0;  // page the snippet is from (0 when unpaged)
  std::vector<SnippetPart> parts;
};

// Picks the window of about `max_chars` characters with the most and closest matches across pages
// and marks the matched spans exactly: pages are re-tokenized as the index tokenizes them, so a
// Simplified query highlights the Traditional original. Whitespace is collapsed (and a line break
// between two CJK characters removed); "… " / " …" mark text cut off before/after the window. When
// nothing matches (a filter-only query), the first ~max_chars of the first non-empty page,
// unhighlighted; empty parts only when every page is empty. Thread-safe.
Snippet make_snippet(const HighlightSpec& spec, const std::vector<IndexPage>& pages,
                     size_t max_chars = 200);

}  // namespace dossier::index
