// What an extractor returns: the text, metadata and children of one item. Plain data, so that it
// can cross a process boundary when extraction moves into sandboxed workers (issue #6).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace dossier::extract {

enum class TextSource { kNative, kOcr };

// One page (PDF) or part (a whole text file is one part). Text is UTF-8, NFC, with '\n' line ends.
struct Page {
  int number = 0;  // 1-based for paged formats, 0 for unpaged text
  std::string text;
  TextSource source = TextSource::kNative;
  float ocr_confidence = -1;  // 0..100 when source == kOcr
};

// A metadata field under the name the format gives it ("pdf:Producer", "xmp:dc:creator",
// "exif:Exif.Image.Model", "html:meta:description"), so that nothing is renamed away.
struct MetaField {
  std::string key;
  std::string value;
  bool operator==(const MetaField&) const = default;
};

// Fields common to every format, mapped from the original ones, so that search can filter on them.
struct CommonMeta {
  std::string title;
  std::string author;
  std::string application;  // producer or creator tool
  std::optional<int64_t> created;   // Unix seconds, UTC
  std::optional<int64_t> modified;  // Unix seconds, UTC
  // Email and messages: sender and recipients as "Name <addr>", recipients joined with ", ".
  std::string from;
  std::string to;  // To, Cc and Bcc together
};

// An embedded item (archive member, attachment, embedded file) that becomes a document of its own.
struct Child {
  std::string name;  // name or index inside the parent ("invoice.pdf", "#3")
  std::string bytes;
};

// An embedded item the container names but whose bytes could not be had: an encrypted archive
// member, a truncated attachment. It becomes a "not ingested" entry under the parent's path.
struct ChildProblem {
  std::string name;
  std::string code;    // error_code_name(): "encrypted", "corrupt", "limit", ...
  std::string reason;  // for a person: "encrypted zip member: needs a password"
};

struct Extraction {
  std::vector<Page> pages;
  int page_count = 0;  // pages the format declares (PDF page tree); may exceed pages.size() on damage
  std::vector<MetaField> metadata;
  CommonMeta common;
  // Children collected here when the context has no on_child callback (tests); in the pipeline,
  // ExtractContext::emit_child streams them out as they are found and this stays empty.
  std::vector<Child> children;
  // Container accounting, so that nothing is lost silently: how many items the container itself
  // declares (zip central directory entries, PST message counts, MIME parts, mbox separators),
  // if it declares any; the pipeline counts the emitted ones and compares.
  std::optional<uint64_t> declared_children;
  uint64_t emitted_children = 0;  // maintained by ExtractContext::emit_child
  std::vector<ChildProblem> child_problems;
  // Things a person should know that did not stop extraction: "page 7: damaged content stream".
  std::vector<std::string> warnings;

  size_t text_bytes() const {
    size_t n = 0;
    for (const Page& p : pages) n += p.text.size();
    return n;
  }
};

}  // namespace dossier::extract
