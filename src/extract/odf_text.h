// Internal to the OpenDocument extractor: the walker that turns ODF body XML into text.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "extract/extraction.h"
#include "extract/ooxml_xml.h"

namespace dossier::extract::odf {

// A tracked deletion from <text:tracked-changes>: who, when, and the removed text.
struct Deletion {
  std::string who_when;  // "Ann (2018-06-22T21:31:15)"
  std::string text;
};

// The deletions of a content.xml body, by change id.
std::map<std::string, Deletion> read_deletions(const xmlNode* body);
// "Creator (date)" from an element's <dc:creator> and <dc:date> children (annotations, changes).
std::string who_when(const xmlNode* n);

// Walks text:p, text:h, lists, tables, frames and shapes in document order. Paragraphs are lines,
// table cells are separated by tabs. Tracked deletions are written where they happened as
// "[deleted: ...]"; annotations, notes and speaker notes are gathered and written by finish().
class OdfWriter {
 public:
  OdfWriter(office::PlainText& text, const std::map<std::string, Deletion>& deletions,
            Extraction& out)
      : text_(text), deletions_(deletions), out_(out) {}

  // The children of `n`, or `n` itself.
  void walk(const xmlNode* n);
  void visit(const xmlNode* n) { element(n); }
  // Appends the gathered "[footnote] ...", "[comment by ...] ..." and "[notes] ..." paragraphs.
  void finish();

 private:
  void element(const xmlNode* n);
  void characters(std::string_view s);
  void table(const xmlNode* n);
  void cell(const xmlNode* n);
  void end_line(bool force = true);
  void emit(std::string_view s);
  std::string side_text(const xmlNode* n);  // a nested story (note body, annotation) as text

  office::PlainText& text_;
  const std::map<std::string, Deletion>& deletions_;
  Extraction& out_;
  std::vector<std::string> trailer_;
  int in_para_ = 0;
  int table_depth_ = 0;
  bool pending_space_ = false;
};

}  // namespace dossier::extract::odf
