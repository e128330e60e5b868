#include "store/catalog.h"

namespace dossier::store {

// These names are stored in the catalog's documents.state column: never change one.
const char* doc_state_name(DocState s) {
  switch (s) {
    case DocState::kPending:
      return "pending";
    case DocState::kIndexed:
      return "indexed";
    case DocState::kFailed:
      return "failed";
  }
  return "pending";
}

std::optional<DocState> doc_state_from_name(std::string_view name) {
  for (DocState s : {DocState::kPending, DocState::kIndexed, DocState::kFailed}) {
    if (name == doc_state_name(s))
      return s;
  }
  return std::nullopt;
}

}  // namespace dossier::store
