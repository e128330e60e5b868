// RAII for GMime (GObject) handles and GLib allocations.
#pragma once

#include <gmime/gmime.h>

#include <memory>

namespace dossier::extract {

// Any GObject-derived GMime type: GMimeMessage, GMimeParser, GMimeStream, ...
struct GObjectUnref {
  void operator()(void* object) const {
    if (object != nullptr)
      g_object_unref(object);
  }
};
template <typename T>
using GObjectPtr = std::unique_ptr<T, GObjectUnref>;

struct GMimeParserOptionsFree {
  void operator()(GMimeParserOptions* options) const { g_mime_parser_options_free(options); }
};
using ParserOptionsPtr = std::unique_ptr<GMimeParserOptions, GMimeParserOptionsFree>;

struct GFree {
  void operator()(void* p) const { g_free(p); }
};
using GCharPtr = std::unique_ptr<char, GFree>;

}  // namespace dossier::extract
