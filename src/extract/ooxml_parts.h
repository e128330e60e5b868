// Internal to the OOXML extractor: one function per document kind, sharing the opened package.
#pragma once

#include <set>
#include <string>
#include <vector>

#include "core/result.h"
#include "extract/extractor.h"
#include "extract/ooxml_xml.h"
#include "extract/zip_archive.h"

namespace dossier::extract::ooxml {

// The package being extracted: the zip, the main part's name ("word/document.xml") and its tree.
struct Package {
  const ZipArchive& zip;
  std::string main_part;
  xmlDoc* main = nullptr;
  size_t max_text_bytes = 0;
  // Parts found while reading the text that must become children too (non-HTML altChunks).
  std::vector<std::string>* extra_children = nullptr;
};

// Each fills out.pages (and metadata) from the package; errors only when nothing can be read.
Status extract_word(const Package& pkg, Extraction& out);
Status extract_sheets(const Package& pkg, Extraction& out);
Status extract_slides(const Package& pkg, Extraction& out);

// Appends "[chart] ...", "[diagram] ..." and "[drawing] ..." paragraphs for the chart, SmartArt
// and drawing parts `rels` name (drawings: their charts and diagrams too); `done` keeps each part
// to one appearance. `depth` is 0 at the caller.
void graphics_text(const ZipArchive& zip, const std::vector<office::Relationship>& rels,
                   office::PlainText& text, Extraction& out, std::set<std::string>& done,
                   int depth = 0);

// docProps/core.xml, app.xml and custom.xml into "ooxml:core:*", "ooxml:app:*",
// "ooxml:custom:*" and the common fields.
void extract_properties(const ZipArchive& zip, Extraction& out);

}  // namespace dossier::extract::ooxml
