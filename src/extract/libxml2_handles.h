// RAII for libxml2 documents and parser contexts.
#pragma once

#include <libxml/HTMLparser.h>
#include <libxml/parser.h>
#include <libxml/tree.h>

#include <memory>

namespace dossier::extract {

struct XmlDocFreer {
  void operator()(xmlDoc* doc) const { xmlFreeDoc(doc); }
};
using XmlDoc = std::unique_ptr<xmlDoc, XmlDocFreer>;

struct XmlParserCtxtFreer {
  void operator()(xmlParserCtxt* ctxt) const { xmlFreeParserCtxt(ctxt); }
};
using XmlParserCtxt = std::unique_ptr<xmlParserCtxt, XmlParserCtxtFreer>;

struct HtmlParserCtxtFreer {
  void operator()(htmlParserCtxt* ctxt) const { htmlFreeParserCtxt(ctxt); }
};
using HtmlParserCtxt = std::unique_ptr<htmlParserCtxt, HtmlParserCtxtFreer>;

// xmlChar* strings that libxml2 allocates (xmlGetProp, xmlNodeGetContent).
struct XmlCharFreer {
  void operator()(xmlChar* s) const { xmlFree(s); }
};
using XmlString = std::unique_ptr<xmlChar, XmlCharFreer>;

}  // namespace dossier::extract
