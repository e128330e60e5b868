// Generic XML, SVG included: the text of every text and CDATA node, in document order.
#pragma once

#include "extract/extractor.h"

namespace dossier::extract {

// Stateless and thread-safe. One Page numbered 0. Text nodes are joined with a space or a line
// break where the markup separates them. Metadata: "xml:root" (root element name),
// "xml:namespace" (its namespace URI, when it has one), "xml:charset". For SVG, a <title> child
// of the root becomes CommonMeta.title.
//
// Hostile input is safe: no external entities or DTDs are loaded (no XML_PARSE_NOENT, DTDLOAD or
// HUGE; XML_PARSE_NONET), libxml2's entity amplification guard stays on, and internal entity
// references are expanded only when their replacement text is plain text, within a byte budget.
// Failures: kCorrupt "corrupt XML: <libxml2's reason> at line N"; kLimit for entity expansion
// bombs and inputs past 512 MiB.
class XmlExtractor final : public Extractor {
 public:
  ExtractorId id() const override { return {"xml", 1}; }
  MatchScore sniff(const Probe& probe) const override;
  Result<Extraction> extract(const Item& item, ExtractContext& ctx) const override;
};

}  // namespace dossier::extract
