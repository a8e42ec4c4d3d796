// Staff accounts and their roles. Passwords are stored as argon2id strings (libsodium), never
// in clear; a wrong login and a wrong password fail the same way, in about the same time.
// Like the catalog's repositories, a UserStore holds a Database that must outlive it and is
// used by one thread at a time.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "repere/catalog/database.h"

namespace repere::auth {

using Id = std::int64_t;

// What a person may do. Each role may do everything the one before it may:
// teacher (published contents, their own activities) < curator (every content, its status,
// its text) < admin (accounts, audit log).
enum class Role { kTeacher, kCurator, kAdmin };
std::string_view to_string(Role role);
// Errors: invalid_argument naming the value and the roles there are.
Result<Role> parse_role(std::string_view name);
// The French name of a role, as pages show it ("conservateur·rice").
std::string_view role_label(Role role);

struct User {
  Id id = 0;
  std::string login;  // unique, case ignored
  std::string name;   // as shown ("Camille Martin"); the login when empty
  Role role = Role::kTeacher;
  bool disabled = false;
  std::string created_at;
  // May this person do what `need` may?
  bool can(Role need) const { return !disabled && role >= need; }
  // How the audit log names this person: "user:camille".
  std::string actor() const { return "user:" + login; }
  const std::string& display_name() const { return name.empty() ? login : name; }
};

// A password a person may choose: at least 10 characters and not only one repeated one.
// Errors: invalid_argument saying the rule.
Status check_new_password(std::string_view password);
// argon2id (libsodium crypto_pwhash_str, interactive limits: 64 MiB, 2 passes).
Result<std::string> hash_password(std::string_view password);
bool verify_password(const std::string& stored_hash, std::string_view password);

// 32 random bytes, as 43 characters of base64url (cookies, CSRF tokens, one-time tokens).
std::string random_token();
// Lowercase hex SHA-256 (how tokens are stored).
std::string sha256_hex(std::string_view text);

class UserStore {
 public:
  explicit UserStore(catalog::Database& db) : db_(db) {}

  // Errors: invalid_argument (a login that is not 2-64 letters, digits, '.', '-', '_' or '@';
  // a password that check_new_password refuses), already_exists (the login is taken).
  Result<User> add(std::string_view login, std::string_view name, Role role,
                   std::string_view password);
  Result<User> get(Id id);                                   // errors: not_found
  Result<std::optional<User>> find(std::string_view login);  // case ignored
  Result<std::vector<User>> list();
  // Disabling ends the person's sessions. Errors: not_found.
  Status set_disabled(Id id, bool disabled);
  // A new password ends the person's sessions. Errors: not_found, as add.
  Status set_password(Id id, std::string_view password);
  // The enabled person whose login and password these are. Errors: unauthenticated, with the
  // same message whether the login is unknown, disabled, or the password wrong.
  Result<User> authenticate(std::string_view login, std::string_view password);
  Result<std::int64_t> count(std::optional<Role> role = std::nullopt);

 private:
  catalog::Database& db_;
};

}  // namespace repere::auth
