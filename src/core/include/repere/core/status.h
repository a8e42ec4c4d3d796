// Status: the outcome of an operation that can fail for expected reasons.
//
// Expected failures (bad input, a missing file, an unavailable engine) are values, never
// exceptions, across module boundaries. A Status is cheap to copy when OK (no allocation).
// Thread safety: a Status is an immutable value; distinct objects may be used concurrently.
#pragma once

#include <string>
#include <string_view>

namespace repere {

enum class StatusCode {
  kOk = 0,
  kInvalidArgument,   // the caller's input is wrong: a bad field, a malformed file
  kNotFound,          // the thing asked for does not exist
  kAlreadyExists,     // creating something that is already there
  kCorruption,        // stored data is damaged or from an incompatible version
  kIoError,           // the operating system refused a read or a write
  kUnavailable,       // a dependency (engine, endpoint, lock) cannot be used now; may be retried
  kUnsupported,       // a format, version or feature this build does not handle
  kInternal,          // a bug or an unexpected failure of a library we use
  kTooMany,           // a client asked too often (codes guessed, logins); may be retried later
  kUnauthenticated,   // who is asking is not known: no session, a wrong password
  kPermissionDenied,  // who is asking is known, and may not do this
};

// Stable lowercase name of a code: "ok", "invalid_argument", "not_found", ...
std::string_view status_code_name(StatusCode code);

class [[nodiscard]] Status {
 public:
  Status() = default;  // OK
  Status(StatusCode code, std::string message);

  static Status ok() { return Status(); }
  static Status invalid_argument(std::string msg) {
    return {StatusCode::kInvalidArgument, std::move(msg)};
  }
  static Status not_found(std::string msg) { return {StatusCode::kNotFound, std::move(msg)}; }
  static Status already_exists(std::string msg) {
    return {StatusCode::kAlreadyExists, std::move(msg)};
  }
  static Status corruption(std::string msg) { return {StatusCode::kCorruption, std::move(msg)}; }
  static Status io_error(std::string msg) { return {StatusCode::kIoError, std::move(msg)}; }
  static Status unavailable(std::string msg) { return {StatusCode::kUnavailable, std::move(msg)}; }
  static Status unsupported(std::string msg) { return {StatusCode::kUnsupported, std::move(msg)}; }
  static Status internal(std::string msg) { return {StatusCode::kInternal, std::move(msg)}; }
  static Status too_many(std::string msg) { return {StatusCode::kTooMany, std::move(msg)}; }
  static Status unauthenticated(std::string msg) {
    return {StatusCode::kUnauthenticated, std::move(msg)};
  }
  static Status permission_denied(std::string msg) {
    return {StatusCode::kPermissionDenied, std::move(msg)};
  }

  bool is_ok() const { return code_ == StatusCode::kOk; }
  explicit operator bool() const { return is_ok(); }
  StatusCode code() const { return code_; }
  const std::string& message() const { return message_; }

  // Returns a copy whose message is "context: message"; OK stays OK.
  Status with_context(std::string_view context) const;

  // "ok" or "<code name>: <message>".
  std::string to_string() const;

  friend bool operator==(const Status& a, const Status& b) {
    return a.code_ == b.code_ && a.message_ == b.message_;
  }

 private:
  StatusCode code_ = StatusCode::kOk;
  std::string message_;
};

}  // namespace repere

// Returns early from the enclosing function if `expr` yields a non-OK Status.
#define REPERE_RETURN_IF_ERROR(expr)                    \
  do {                                                  \
    ::repere::Status repere_status_ = (expr);           \
    if (!repere_status_.is_ok()) return repere_status_; \
  } while (false)
