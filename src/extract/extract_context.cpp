#include "extract/extractor.h"

namespace dossier::extract {

Status ExtractContext::emit_child(Extraction& x, Child child) {
  if (x.emitted_children >= limits.max_children) {
    return Error{ErrorCode::kLimit, "more than " + std::to_string(limits.max_children) + " embedded items", child.name};
  }
  uint64_t total = child_bytes_ + child.bytes.size();
  if (total > limits.max_child_bytes) {
    return Error{ErrorCode::kLimit,
                 "embedded items expand to more than " + std::to_string(limits.max_child_bytes >> 20) + " MiB",
                 child.name};
  }
  // A high ratio is normal for small files (a 10 KB zip of text); judge it past 1 MiB only.
  if (total > (1u << 20) && item_size > 0 && total / item_size > limits.max_ratio) {
    return Error{ErrorCode::kLimit,
                 "embedded items expand more than " + std::to_string(limits.max_ratio) +
                     " times the container's size (a zip bomb?)",
                 child.name};
  }
  child_bytes_ = total;
  ++x.emitted_children;
  if (on_child) {
    on_child(std::move(child));
  } else {
    x.children.push_back(std::move(child));
  }
  return ok_status();
}

}  // namespace dossier::extract
