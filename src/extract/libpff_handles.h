// RAII for libpff and libbfio handles.
#pragma once

#include <libbfio.h>
#include <libpff.h>

#include <memory>
#include <string>

namespace dossier::extract {

struct BfioHandleFree {
  void operator()(libbfio_handle_t* h) const { libbfio_handle_free(&h, nullptr); }
};
using BfioHandle = std::unique_ptr<libbfio_handle_t, BfioHandleFree>;

// Closes before freeing; must be destroyed before the bfio handle it was opened on.
struct PffFileFree {
  void operator()(libpff_file_t* f) const {
    libpff_file_close(f, nullptr);
    libpff_file_free(&f, nullptr);
  }
};
using PffFile = std::unique_ptr<libpff_file_t, PffFileFree>;

struct PffItemFree {
  void operator()(libpff_item_t* i) const { libpff_item_free(&i, nullptr); }
};
using PffItem = std::unique_ptr<libpff_item_t, PffItemFree>;

struct PffRecordSetFree {
  void operator()(libpff_record_set_t* r) const { libpff_record_set_free(&r, nullptr); }
};
using PffRecordSet = std::unique_ptr<libpff_record_set_t, PffRecordSetFree>;

struct PffRecordEntryFree {
  void operator()(libpff_record_entry_t* r) const { libpff_record_entry_free(&r, nullptr); }
};
using PffRecordEntry = std::unique_ptr<libpff_record_entry_t, PffRecordEntryFree>;

// An out-parameter for libpff's error objects: pass err.out(), read err.text(), freed on scope
// exit.
class PffError {
 public:
  PffError() = default;
  PffError(const PffError&) = delete;
  PffError& operator=(const PffError&) = delete;
  ~PffError() { reset(); }
  libpff_error_t** out() {
    reset();
    return &error_;
  }
  std::string text() const {
    if (error_ == nullptr)
      return "libpff error";
    char buf[512] = {};
    libpff_error_sprint(error_, buf, sizeof buf);
    std::string s(buf);
    // libpff chains "function: message" lines; the last line is the most specific.
    while (!s.empty() && (s.back() == '\n' || s.back() == ' '))
      s.pop_back();
    return s;
  }

 private:
  void reset() {
    if (error_ != nullptr)
      libpff_error_free(&error_);
  }
  libpff_error_t* error_ = nullptr;
};

}  // namespace dossier::extract
