// Server-side sessions of staff accounts. The browser holds a random token in a cookie; the
// catalog holds its SHA-256, the account, a CSRF token, and when it was last used. A session
// ends at logout, after `idle` without use, after `max_age` in all, and when the account is
// disabled or its password changes. It survives a restart of the server.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

#include "repere/auth/accounts.h"
#include "repere/catalog/database.h"

namespace repere::auth {

struct SessionLimits {
  std::chrono::seconds idle{std::chrono::hours(2)};
  std::chrono::seconds max_age{std::chrono::hours(24 * 7)};
};

struct Session {
  Id id = 0;
  User user;
  std::string csrf;   // to be sent back with every change (form field or X-CSRF-Token)
  std::string token;  // the cookie's value: only known when the session was just made
};

class SessionStore {
 public:
  SessionStore(catalog::Database& db, SessionLimits limits = {}) : db_(db), limits_(limits) {}

  // A new session for `user`, made from `address` (kept for the audit of logins).
  Result<Session> start(const User& user, std::string_view address);
  // The live session of a cookie's token, its last use moved to now (at most once a minute).
  // Errors: unauthenticated (unknown, expired, or its account disabled).
  Result<Session> resume(std::string_view token);
  // Ends the session of this token (nothing when there is none).
  Status end(std::string_view token);
  // Deletes the sessions past their limits; returns how many.
  Result<std::int64_t> sweep();

  // Seconds since the epoch, as sessions measure time (tests move it).
  static std::int64_t now_seconds();

 private:
  catalog::Database& db_;
  SessionLimits limits_;
};

// Compares two tokens in constant time.
bool same_token(std::string_view a, std::string_view b);

}  // namespace repere::auth
