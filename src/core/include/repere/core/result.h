// Result<T>: a value or the Status that explains why there is none.
//
// Access to value() on an error, or to status() expectations, are programmer errors caught by
// assertions; input can never reach them if callers test is_ok() first.
#pragma once

#include <cassert>
#include <utility>
#include <variant>

#include "repere/core/status.h"

namespace repere {

template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : data_(std::move(value)) {}        // NOLINT(google-explicit-constructor)
  Result(Status status) : data_(std::move(status)) {  // NOLINT(google-explicit-constructor)
    assert(!std::get<Status>(data_).is_ok() && "a Result error must not be OK");
  }

  bool is_ok() const { return std::holds_alternative<T>(data_); }
  explicit operator bool() const { return is_ok(); }

  // The error, or OK when a value is held.
  Status status() const { return is_ok() ? Status::ok() : std::get<Status>(data_); }

  T& value() & {
    assert(is_ok());
    return std::get<T>(data_);
  }
  const T& value() const& {
    assert(is_ok());
    return std::get<T>(data_);
  }
  T&& value() && {
    assert(is_ok());
    return std::get<T>(std::move(data_));
  }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

  T value_or(T fallback) const& { return is_ok() ? std::get<T>(data_) : std::move(fallback); }

 private:
  std::variant<T, Status> data_;
};

}  // namespace repere

#define REPERE_CONCAT_INNER_(a, b) a##b
#define REPERE_CONCAT_(a, b) REPERE_CONCAT_INNER_(a, b)

// REPERE_ASSIGN_OR_RETURN(auto x, expr): evaluates a Result; returns its Status on error,
// otherwise moves its value into the declaration.
#define REPERE_ASSIGN_OR_RETURN(decl, expr)                   \
  auto REPERE_CONCAT_(repere_result_, __LINE__) = (expr);     \
  if (!REPERE_CONCAT_(repere_result_, __LINE__).is_ok())      \
    return REPERE_CONCAT_(repere_result_, __LINE__).status(); \
  decl = std::move(REPERE_CONCAT_(repere_result_, __LINE__)).value()
