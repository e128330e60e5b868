// Tiny Office Open XML packages built in memory for the OOXML extractor tests. Each exercises the
// features the extractor must not lose: tracked changes, comments, hidden content, notes,
// properties and embedded parts.
#pragma once

#include <string>
#include <vector>

#include "zip_test_util.h"

namespace dossier::extract::testing {

inline constexpr const char* kW =
    "xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\" "
    "xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\"";
inline constexpr const char* kRelsNs =
    "xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\"";
inline constexpr const char* kRelBase =
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships/";

inline std::string rel(const std::string& id, const std::string& type, const std::string& target) {
  return "<Relationship Id=\"" + id + "\" Type=\"" + kRelBase + type + "\" Target=\"" + target +
         "\"/>";
}
inline std::string rels(const std::string& body) {
  return std::string("<?xml version=\"1.0\"?><Relationships ") + kRelsNs + ">" + body +
         "</Relationships>";
}
inline std::string content_types() {
  return "<?xml version=\"1.0\"?><Types "
         "xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">"
         "<Default Extension=\"xml\" ContentType=\"application/xml\"/></Types>";
}

inline std::vector<ZipEntrySpec> props_parts() {
  return {
      {"docProps/core.xml",
       "<?xml version=\"1.0\"?><cp:coreProperties "
       "xmlns:cp=\"http://schemas.openxmlformats.org/package/2006/metadata/core-properties\" "
       "xmlns:dc=\"http://purl.org/dc/elements/1.1/\" xmlns:dcterms=\"http://purl.org/dc/terms/\" "
       "xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\">"
       "<dc:title>Quarterly report</dc:title><dc:creator>Dana</dc:creator>"
       "<cp:lastModifiedBy>Eve</cp:lastModifiedBy><cp:revision>3</cp:revision>"
       "<cp:keywords>budget, secret</cp:keywords>"
       "<dcterms:created xsi:type=\"dcterms:W3CDTF\">2023-05-06T07:08:09Z</dcterms:created>"
       "<dcterms:modified xsi:type=\"dcterms:W3CDTF\">2023-06-07T08:09:10Z</dcterms:modified>"
       "</cp:coreProperties>"},
      {"docProps/app.xml",
       "<?xml version=\"1.0\"?><Properties "
       "xmlns=\"http://schemas.openxmlformats.org/officeDocument/2006/extended-properties\">"
       "<Template>Normal.dotm</Template><TotalTime>42</TotalTime>"
       "<Application>Microsoft Office Word</Application><Company>ACME</Company></Properties>"},
      {"docProps/custom.xml",
       "<?xml version=\"1.0\"?><Properties "
       "xmlns=\"http://schemas.openxmlformats.org/officeDocument/2006/custom-properties\" "
       "xmlns:vt=\"http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes\">"
       "<property fmtid=\"{D5CDD505-2E9C-101B-9397-08002B2CF9AE}\" pid=\"2\" name=\"Project\">"
       "<vt:lpwstr>Falcon</vt:lpwstr></property></Properties>"},
  };
}

inline std::string package_rels(const std::string& main) {
  return rels(rel("rId1", "officeDocument", main) +
              "<Relationship Id=\"rId2\" Type=\"http://schemas.openxmlformats.org/package/2006/"
              "relationships/metadata/core-properties\" Target=\"docProps/core.xml\"/>" +
              rel("rId3", "extended-properties", "docProps/app.xml") +
              rel("rId4", "custom-properties", "docProps/custom.xml"));
}

inline std::string make_package(std::vector<ZipEntrySpec> parts, const std::string& main) {
  std::vector<ZipEntrySpec> all = {{"[Content_Types].xml", content_types()},
                                   {"_rels/.rels", package_rels(main)}};
  for (auto& p : props_parts())
    all.push_back(std::move(p));
  for (auto& p : parts)
    all.push_back(std::move(p));
  return make_zip(all);
}

inline const std::string kPng = std::string("\x89PNG\r\n\x1a\n", 8) + "fake image";

inline std::string wpart(const char* root, const std::string& body) {
  return std::string("<?xml version=\"1.0\"?><w:") + root + " " + kW + ">" + body + "</w:" + root +
         ">";
}
inline std::string wp(const std::string& runs) {
  return "<w:p>" + runs + "</w:p>";
}
inline std::string wr(const std::string& text) {
  return "<w:r><w:t xml:space=\"preserve\">" + text + "</w:t></w:r>";
}

inline std::string make_docx(bool with_macros = false) {
  const std::string body =
      wp(wr("Hello ") + "<w:ins w:id=\"1\" w:author=\"Bob\">" + wr("new ") + "</w:ins>" +
         "<w:del w:id=\"2\" w:author=\"Alice\" w:date=\"2024-01-02T03:04:05Z\"><w:r>"
         "<w:delText>secret plan</w:delText></w:r></w:del>" +
         wr(" world")) +
      wp("<w:r><w:fldChar w:fldCharType=\"begin\"/></w:r><w:r><w:instrText> PAGE </w:instrText>"
         "</w:r><w:r><w:fldChar w:fldCharType=\"separate\"/></w:r>" +
         wr("7") +
         "<w:r><w:fldChar w:fldCharType=\"end\"/></w:r>"
         "<w:r><w:rPr><w:vanish/></w:rPr><w:t>invisible</w:t></w:r>"
         "<w:r><w:rPr><w:vanish/></w:rPr><w:t xml:space=\"preserve\"> ink</w:t></w:r>") +
      "<w:tbl><w:tblPr/><w:tr><w:tc><w:tcPr/>" + wp(wr("A1")) + "</w:tc><w:tc>" + wp(wr("B1")) +
      wp(wr("more")) + "</w:tc></w:tr><w:tr><w:tc>" + wp(wr("A2")) + "</w:tc><w:tc>" +
      wp(wr("B2")) + "</w:tc></w:tr></w:tbl>" +
      wp(wr("End") +
         "<w:r><w:footnoteReference w:id=\"1\"/></w:r>"
         "<w:r><w:commentReference w:id=\"0\"/></w:r>") +
      "<w:sectPr/>";
  std::vector<ZipEntrySpec> parts = {
      {"word/document.xml", wpart("document", "<w:body>" + body + "</w:body>")},
      {"word/_rels/document.xml.rels",
       rels(rel("rId1", "header", "header1.xml") + rel("rId2", "header", "header2.xml") +
            rel("rId3", "footnotes", "footnotes.xml") + rel("rId4", "comments", "comments.xml") +
            rel("rId5", "image", "media/image1.png") +
            rel("rId6", "oleObject", "embeddings/oleObject1.bin"))},
      {"word/header1.xml", wpart("hdr", wp(wr("Confidential header")))},
      {"word/header2.xml", wpart("hdr", wp(wr("Confidential header")))},
      {"word/footnotes.xml",
       wpart("footnotes", "<w:footnote w:type=\"separator\" w:id=\"-1\">" + wp(wr("----")) +
                              "</w:footnote>"
                              "<w:footnote w:id=\"1\">" +
                              wp("<w:r><w:footnoteRef/></w:r>" + wr("A footnote.")) +
                              "</w:footnote>")},
      {"word/comments.xml", wpart("comments",
                                  "<w:comment w:id=\"0\" w:author=\"Carol\" "
                                  "w:date=\"2024-02-03T04:05:06Z\" w:initials=\"C\">" +
                                      wp(wr("Check this.")) + "</w:comment>")},
      {"word/media/image1.png", kPng},
      {"word/embeddings/oleObject1.bin", "OLE bytes"},
  };
  if (with_macros)
    parts.push_back({"word/vbaProject.bin", "Attribute VB_Name"});
  return make_package(parts, "word/document.xml");
}

inline constexpr const char* kS =
    "xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" "
    "xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\"";

inline std::string spart(const char* root, const std::string& body) {
  return std::string("<?xml version=\"1.0\"?><") + root + " " + kS + ">" + body + "</" + root + ">";
}

inline std::string make_xlsx() {
  return make_package(
      {
          {"xl/workbook.xml",
           spart("workbook",
                 "<sheets><sheet name=\"Visible\" sheetId=\"1\" r:id=\"rId1\"/>"
                 "<sheet name=\"Secret\" sheetId=\"2\" state=\"hidden\" r:id=\"rId2\"/>"
                 "<sheet name=\"Deep\" sheetId=\"3\" state=\"veryHidden\" r:id=\"rId3\"/>"
                 "</sheets>")},
          {"xl/_rels/workbook.xml.rels",
           rels(rel("rId1", "worksheet", "worksheets/sheet1.xml") +
                rel("rId2", "worksheet", "worksheets/sheet2.xml") +
                rel("rId3", "worksheet", "/xl/worksheets/sheet3.xml") +
                rel("rId4", "sharedStrings", "sharedStrings.xml"))},
          {"xl/sharedStrings.xml",
           spart("sst",
                 "<si><t>Name</t></si><si><t>Amount</t></si>"
                 "<si><r><t xml:space=\"preserve\">Rich </t></r><r><t>text</t></r>"
                 "<rPh sb=\"0\" eb=\"1\"><t>phonetic</t></rPh></si>")},
          {"xl/worksheets/sheet1.xml",
           spart("worksheet",
                 "<cols><col min=\"3\" max=\"3\" hidden=\"1\"/></cols><sheetData>"
                 "<row r=\"1\"><c r=\"A1\" t=\"s\"><v>0</v></c><c r=\"B1\" t=\"s\"><v>1</v></c>"
                 "</row><row r=\"2\" hidden=\"1\"><c r=\"A2\" t=\"inlineStr\"><is><t>Inline</t>"
                 "</is></c><c r=\"B2\"><f>1+2</f><v>3</v></c></row>"
                 "<row r=\"3\"><c r=\"A3\" t=\"s\"><v>2</v></c><c r=\"B3\" t=\"b\"><v>1</v></c>"
                 "<c r=\"C3\" t=\"str\"><f>\"x\"</f><v>formula text</v></c><c r=\"D3\"/></row>"
                 "</sheetData>")},
          {"xl/worksheets/_rels/sheet1.xml.rels",
           rels(rel("rId1", "comments", "../comments1.xml"))},
          {"xl/comments1.xml",
           spart("comments",
                 "<authors><author>Frank</author></authors><commentList>"
                 "<comment ref=\"B2\" authorId=\"0\"><text><r><t>Check total</t></r>"
                 "</text></comment></commentList>")},
          {"xl/worksheets/sheet2.xml",
           spart("worksheet",
                 "<sheetData><row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>hidden "
                 "data</t></is></c></row></sheetData>")},
          {"xl/worksheets/sheet3.xml",
           spart("worksheet",
                 "<sheetData><row r=\"1\"><c r=\"A1\"><v>42</v></c></row>"
                 "</sheetData>")},
          {"xl/media/image1.png", kPng},
      },
      "xl/workbook.xml");
}

inline constexpr const char* kP =
    "xmlns:p=\"http://schemas.openxmlformats.org/presentationml/2006/main\" "
    "xmlns:a=\"http://schemas.openxmlformats.org/drawingml/2006/main\" "
    "xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\"";

inline std::string shape(const std::string& paragraphs, const std::string& ph = {}) {
  return "<p:sp><p:nvSpPr><p:cNvPr id=\"2\" name=\"s\"/><p:cNvSpPr/><p:nvPr>" +
         (ph.empty() ? std::string() : "<p:ph type=\"" + ph + "\"/>") +
         "</p:nvPr></p:nvSpPr><p:spPr/><p:txBody><a:bodyPr/>" + paragraphs + "</p:txBody></p:sp>";
}
inline std::string ap(const std::string& text) {
  return "<a:p><a:r><a:rPr lang=\"en-US\"/><a:t>" + text + "</a:t></a:r></a:p>";
}
inline std::string slide(const std::string& shapes, const std::string& attrs = {}) {
  return std::string("<?xml version=\"1.0\"?><p:sld ") + kP + attrs + "><p:cSld><p:spTree>" +
         shapes + "</p:spTree></p:cSld></p:sld>";
}

inline std::string make_pptx() {
  const std::string table =
      "<p:graphicFrame><a:graphic><a:graphicData><a:tbl><a:tr><a:tc><a:txBody>" + ap("X") +
      "</a:txBody></a:tc><a:tc><a:txBody>" + ap("Y") +
      "</a:txBody></a:tc></a:tr></a:tbl></a:graphicData></a:graphic></p:graphicFrame>";
  return make_package(
      {
          {"ppt/presentation.xml",
           std::string("<?xml version=\"1.0\"?><p:presentation ") + kP +
               "><p:sldIdLst><p:sldId id=\"256\" r:id=\"rId3\"/><p:sldId id=\"257\" "
               "r:id=\"rId2\"/></p:sldIdLst></p:presentation>"},
          {"ppt/_rels/presentation.xml.rels",
           rels(rel("rId2", "slide", "slides/slide1.xml") +
                rel("rId3", "slide", "slides/slide2.xml") +
                rel("rId4", "commentAuthors", "commentAuthors.xml"))},
          {"ppt/commentAuthors.xml",
           std::string("<?xml version=\"1.0\"?><p:cmAuthorLst ") + kP +
               "><p:cmAuthor id=\"0\" name=\"Gina\" initials=\"G\"/></p:cmAuthorLst>"},
          {"ppt/slides/slide2.xml",
           slide(shape(ap("First slide"), "title") +
                 shape(ap("Point one") + "<a:p><a:r><a:t>Point</a:t>"
                                         "</a:r><a:br/><a:r><a:t>two</a:t></a:r></a:p>"))},
          {"ppt/slides/_rels/slide2.xml.rels",
           rels(rel("rId1", "notesSlide", "../notesSlides/notesSlide1.xml") +
                rel("rId2", "image", "../media/image1.png"))},
          {"ppt/notesSlides/notesSlide1.xml",
           std::string("<?xml version=\"1.0\"?><p:notes ") + kP + "><p:cSld><p:spTree>" +
               shape("", "sldImg") + shape(ap("Speaker says hi"), "body") +
               shape(ap("1"), "sldNum") + "</p:spTree></p:cSld></p:notes>"},
          {"ppt/slides/slide1.xml", slide(shape(ap("Hidden slide text")) + table, " show=\"0\"")},
          {"ppt/slides/_rels/slide1.xml.rels",
           rels(rel("rId1", "comments", "../comments/comment1.xml"))},
          {"ppt/comments/comment1.xml",
           std::string("<?xml version=\"1.0\"?><p:cmLst ") + kP +
               "><p:cm authorId=\"0\" dt=\"2024-03-04T05:06:07\" idx=\"1\"><p:pos x=\"0\" "
               "y=\"0\"/><p:text>Fix typo</p:text></p:cm></p:cmLst>"},
          {"ppt/media/image1.png", kPng},
      },
      "ppt/presentation.xml");
}

}  // namespace dossier::extract::testing
