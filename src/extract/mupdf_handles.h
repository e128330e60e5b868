// RAII owners for MuPDF handles, one deleter and one unique_ptr alias per C type.
//
// MuPDF drops every object through its fz_context, so each deleter carries the context it was
// created with. The context must outlive every handle made with it: declare the MupdfContext first
// so that it is destroyed last. Dropping never throws in MuPDF (drop functions swallow errors), so
// the deleters are safe outside fz_try. Not thread-safe: a context and its handles belong to one
// thread at a time.
#pragma once

#include <mupdf/fitz.h>
#include <mupdf/pdf.h>

#include <memory>

namespace dossier::extract {

struct FzContextCloser {
  void operator()(fz_context* ctx) const { fz_drop_context(ctx); }
};
using MupdfContext = std::unique_ptr<fz_context, FzContextCloser>;

// Deleter for any handle dropped with `void drop(fz_context*, T*)`.
template <typename T, void (*Drop)(fz_context*, T*)>
class FzDropper {
 public:
  FzDropper() = default;
  explicit FzDropper(fz_context* ctx) : ctx_(ctx) {}
  void operator()(T* handle) const {
    if (ctx_ != nullptr)
      Drop(ctx_, handle);
  }

 private:
  fz_context* ctx_ = nullptr;
};

template <typename T, void (*Drop)(fz_context*, T*)>
using FzHandle = std::unique_ptr<T, FzDropper<T, Drop>>;

using FzStream = FzHandle<fz_stream, fz_drop_stream>;
using FzBuffer = FzHandle<fz_buffer, fz_drop_buffer>;
using FzDocument = FzHandle<fz_document, fz_drop_document>;
using FzPage = FzHandle<fz_page, fz_drop_page>;
using FzStextPage = FzHandle<fz_stext_page, fz_drop_stext_page>;
using FzPixmap = FzHandle<fz_pixmap, fz_drop_pixmap>;
using FzImage = FzHandle<fz_image, fz_drop_image>;
using PdfDocument = FzHandle<pdf_document, pdf_drop_document>;
using PdfObj = FzHandle<pdf_obj, pdf_drop_obj>;

// Runs `f` inside fz_try and returns false if MuPDF threw; the message is fz_caught_message(ctx).
// REQUIRES: `f` creates no object with a destructor, since a MuPDF error longjmps out of it.
template <typename F>
bool mupdf_try(fz_context* ctx, F f) {
  fz_try(ctx) {
    f();
  }
  fz_catch(ctx) {
    return false;
  }
  return true;
}

// Takes ownership of `handle` (which may be null), to be dropped through `ctx`.
template <typename Handle>
Handle fz_own(fz_context* ctx, typename Handle::pointer handle) {
  return Handle(handle, typename Handle::deleter_type(ctx));
}

}  // namespace dossier::extract
