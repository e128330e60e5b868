// Result<T> and Status: expected failures as values.
//
// Leaked files are truncated, encrypted and malformed as a matter of course, so failing to read one
// is not exceptional: it is evidence, and it is returned as an Error that names what failed and
// where. Exceptions are kept for programmer errors (DOSSIER_CHECK) and never cross a module boundary.
#pragma once

#include <cstdio>
#include <cstdlib>
#include <string>
#include <utility>
#include <variant>

namespace dossier {

enum class ErrorCode {
  kNotFound,      // the thing asked for does not exist
  kInvalidInput,  // the caller's input (a query, an argument) is wrong
  kUnsupported,   // a format or feature dossier does not handle
  kCorrupt,       // the bytes are malformed or truncated
  kEncrypted,     // the content is encrypted and no key was given
  kIo,            // the operating system refused (permissions, an I/O error)
  kDiskFull,      // no space left where the project is written: stop, free space, run again
  kLimit,         // a resource limit was hit (size, depth, ratio, time)
  kInternal,      // a bug in dossier or a library
};

// Stable lowercase name, used in the catalog and in --json output.
const char* error_code_name(ErrorCode code);

struct Error {
  ErrorCode code = ErrorCode::kInternal;
  std::string message;  // what failed, for a person
  std::string context;  // which file, member, query or path

  // "message (context)" or just "message".
  std::string to_string() const;
};

template <typename T>
class [[nodiscard]] Result {  // std::expected-shaped, to swap in later
 public:
  Result(T value) : state_(std::move(value)) {}      // NOLINT(google-explicit-constructor)
  Result(Error error) : state_(std::move(error)) {}  // NOLINT(google-explicit-constructor)

  bool has_value() const { return state_.index() == 0; }
  explicit operator bool() const { return has_value(); }
  T& value() & { return std::get<0>(state_); }
  const T& value() const& { return std::get<0>(state_); }
  T&& value() && { return std::get<0>(std::move(state_)); }
  T* operator->() { return &std::get<0>(state_); }
  const T* operator->() const { return &std::get<0>(state_); }
  T& operator*() & { return std::get<0>(state_); }
  const T& operator*() const& { return std::get<0>(state_); }
  const Error& error() const { return std::get<1>(state_); }

 private:
  std::variant<T, Error> state_;
};

using Status = Result<std::monostate>;  // success: return std::monostate{};
inline Status ok_status() { return std::monostate{}; }

[[noreturn]] void check_failed(const char* expr, const char* file, int line);

}  // namespace dossier

// Programmer errors only: no input may ever trigger these.
#define DOSSIER_CHECK(cond)                                  \
  do {                                                       \
    if (!(cond)) ::dossier::check_failed(#cond, __FILE__, __LINE__); \
  } while (false)

#define DOSSIER_RETURN_IF_ERROR(expr)                            \
  do {                                                           \
    if (auto dossier_r_ = (expr); !dossier_r_.has_value())      \
      return dossier_r_.error();                                 \
  } while (false)

#define DOSSIER_CONCAT_INNER_(a, b) a##b
#define DOSSIER_CONCAT_(a, b) DOSSIER_CONCAT_INNER_(a, b)
// DOSSIER_ASSIGN_OR_RETURN(auto x, f()); declares x from a Result or returns its error.
#define DOSSIER_ASSIGN_OR_RETURN(decl, expr) \
  DOSSIER_ASSIGN_OR_RETURN_IMPL_(DOSSIER_CONCAT_(dossier_r_, __LINE__), decl, expr)
#define DOSSIER_ASSIGN_OR_RETURN_IMPL_(tmp, decl, expr) \
  auto tmp = (expr);                                    \
  if (!tmp.has_value()) return tmp.error();             \
  decl = std::move(tmp).value()
