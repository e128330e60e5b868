// OLE property sets (MS-OLEPS): the "\005SummaryInformation" and
// "\005DocumentSummaryInformation" streams that Word, Excel, PowerPoint and others carry.
#pragma once

#include "extract/cfb_reader.h"
#include "extract/extraction.h"

namespace dossier::extract {

// Adds "ole:<Name>" fields (Title, Subject, Author, Keywords, Comments, Template, LastAuthor,
// RevisionNumber, ApplicationName, CreateTime, LastSaveTime, LastPrinted, PageCount, WordCount,
// CharCount, Category, Manager, Company) from both summary streams of `cfb`, and fills the
// empty CommonMeta fields from them. Damaged property sets are skipped with a warning.
void add_ole_summary(const CfbReader& cfb, Extraction& out);

}  // namespace dossier::extract
