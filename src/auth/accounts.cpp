#include "repere/auth/accounts.h"

#include <sodium.h>

#include <array>
#include <cctype>
#include <cstdlib>
#include <mutex>

namespace repere::auth {
namespace {

constexpr std::array<std::pair<Role, std::string_view>, 3> kRoles = {
    {{Role::kTeacher, "teacher"}, {Role::kCurator, "curator"}, {Role::kAdmin, "admin"}}};

void init_sodium() {
  static std::once_flag once;
  std::call_once(once, [] {
    if (sodium_init() < 0) std::abort();  // no randomness: nothing here can be safe
  });
}

constexpr std::string_view kUserColumns = "id, login, name, role, disabled, created_at";

Result<User> read_user(const catalog::Statement& row) {
  User u;
  u.id = row.int64(0);
  u.login = row.text(1);
  u.name = row.text(2);
  REPERE_ASSIGN_OR_RETURN(u.role, parse_role(row.text(3)));
  u.disabled = row.int64(4) != 0;
  u.created_at = row.text(5);
  return u;
}

Status check_login(std::string_view login) {
  bool ok = login.size() >= 2 && login.size() <= 64;
  for (const char c : login) {
    const auto u = static_cast<unsigned char>(c);
    ok = ok && (std::isalnum(u) || c == '.' || c == '-' || c == '_' || c == '@');
  }
  if (ok) return Status::ok();
  return Status::invalid_argument("login '" + std::string(login.substr(0, 64)) +
                                  "': use 2 to 64 letters, digits, '.', '-', '_' or '@'");
}

Status end_sessions(catalog::Database& db, Id user_id) {
  REPERE_ASSIGN_OR_RETURN(auto stmt, db.prepare("DELETE FROM user_session WHERE user_id = ?1"));
  return stmt.bind(1, user_id).run();
}

}  // namespace

std::string_view to_string(Role role) {
  for (const auto& [r, name] : kRoles)
    if (r == role) return name;
  return "teacher";
}

Result<Role> parse_role(std::string_view name) {
  for (const auto& [r, n] : kRoles)
    if (n == name) return r;
  return Status::invalid_argument("role '" + std::string(name.substr(0, 40)) +
                                  "' is not one of admin, curator, teacher");
}

std::string_view role_label(Role role) {
  switch (role) {
    case Role::kAdmin: return "administrateur·rice";
    case Role::kCurator: return "conservateur·rice";
    case Role::kTeacher: return "enseignant·e";
  }
  return "enseignant·e";
}

Status check_new_password(std::string_view password) {
  std::size_t characters = 0;  // UTF-8 code points, not bytes
  for (const char c : password)
    if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) ++characters;
  if (characters < 10)
    return Status::invalid_argument("the password must have at least 10 characters");
  if (password.size() > 1024)
    return Status::invalid_argument("the password must have at most 1,024 bytes");
  if (password.find_first_not_of(password[0]) == std::string_view::npos)
    return Status::invalid_argument("the password must not be one character repeated");
  return Status::ok();
}

Result<std::string> hash_password(std::string_view password) {
  init_sodium();
  std::array<char, crypto_pwhash_STRBYTES> out{};
  if (crypto_pwhash_str_alg(out.data(), password.data(), password.size(),
                            crypto_pwhash_OPSLIMIT_INTERACTIVE, crypto_pwhash_MEMLIMIT_INTERACTIVE,
                            crypto_pwhash_ALG_ARGON2ID13) != 0) {
    return Status::internal("cannot hash the password: out of memory");
  }
  return std::string(out.data());
}

bool verify_password(const std::string& stored_hash, std::string_view password) {
  init_sodium();
  if (stored_hash.empty()) return false;
  return crypto_pwhash_str_verify(stored_hash.c_str(), password.data(), password.size()) == 0;
}

std::string random_token() {
  init_sodium();
  std::array<unsigned char, 32> bytes{};
  randombytes_buf(bytes.data(), bytes.size());
  std::array<char, 64> out{};
  sodium_bin2base64(out.data(), out.size(), bytes.data(), bytes.size(),
                    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  return std::string(out.data());
}

std::string sha256_hex(std::string_view text) {
  init_sodium();
  std::array<unsigned char, crypto_hash_sha256_BYTES> digest{};
  crypto_hash_sha256(digest.data(), reinterpret_cast<const unsigned char*>(text.data()),
                     text.size());
  std::array<char, crypto_hash_sha256_BYTES * 2 + 1> hex{};
  sodium_bin2hex(hex.data(), hex.size(), digest.data(), digest.size());
  return std::string(hex.data());
}

Result<User> UserStore::add(std::string_view login, std::string_view name, Role role,
                            std::string_view password) {
  REPERE_RETURN_IF_ERROR(check_login(login));
  REPERE_RETURN_IF_ERROR(check_new_password(password));
  REPERE_ASSIGN_OR_RETURN(const auto existing, find(login));
  if (existing) return Status::already_exists("the login '" + std::string(login) + "' is taken");
  REPERE_ASSIGN_OR_RETURN(const std::string hash, hash_password(password));
  REPERE_ASSIGN_OR_RETURN(auto stmt, db_.prepare("INSERT INTO user_account (login, name, role, "
                                                 "password_hash, password_at) VALUES (?1, ?2, "
                                                 "?3, ?4, strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))"));
  REPERE_RETURN_IF_ERROR(
      stmt.bind(1, login).bind(2, name).bind(3, to_string(role)).bind(4, hash).run());
  return get(db_.last_insert_id());
}

Result<User> UserStore::get(Id id) {
  REPERE_ASSIGN_OR_RETURN(auto stmt, db_.prepare("SELECT " + std::string(kUserColumns) +
                                                 " FROM user_account WHERE id = ?1"));
  REPERE_ASSIGN_OR_RETURN(const bool row, stmt.bind(1, id).step());
  if (!row) return Status::not_found("no account with id " + std::to_string(id));
  return read_user(stmt);
}

Result<std::optional<User>> UserStore::find(std::string_view login) {
  REPERE_ASSIGN_OR_RETURN(auto stmt, db_.prepare("SELECT " + std::string(kUserColumns) +
                                                 " FROM user_account WHERE login = ?1"));
  REPERE_ASSIGN_OR_RETURN(const bool row, stmt.bind(1, login).step());
  if (!row) return std::optional<User>();
  REPERE_ASSIGN_OR_RETURN(User u, read_user(stmt));
  return std::optional<User>(std::move(u));
}

Result<std::vector<User>> UserStore::list() {
  REPERE_ASSIGN_OR_RETURN(auto stmt, db_.prepare("SELECT " + std::string(kUserColumns) +
                                                 " FROM user_account ORDER BY login"));
  std::vector<User> out;
  while (true) {
    REPERE_ASSIGN_OR_RETURN(const bool row, stmt.step());
    if (!row) return out;
    REPERE_ASSIGN_OR_RETURN(User u, read_user(stmt));
    out.push_back(std::move(u));
  }
}

Status UserStore::set_disabled(Id id, bool disabled) {
  REPERE_ASSIGN_OR_RETURN(catalog::Transaction txn, catalog::Transaction::begin(db_));
  REPERE_ASSIGN_OR_RETURN(auto stmt,
                          db_.prepare("UPDATE user_account SET disabled = ?1 WHERE id = ?2"));
  REPERE_RETURN_IF_ERROR(stmt.bind(1, disabled ? 1 : 0).bind(2, id).run());
  if (db_.changes() == 0) return Status::not_found("no account with id " + std::to_string(id));
  if (disabled) REPERE_RETURN_IF_ERROR(end_sessions(db_, id));
  return txn.commit();
}

Status UserStore::set_password(Id id, std::string_view password) {
  REPERE_RETURN_IF_ERROR(check_new_password(password));
  REPERE_ASSIGN_OR_RETURN(const std::string hash, hash_password(password));
  REPERE_ASSIGN_OR_RETURN(catalog::Transaction txn, catalog::Transaction::begin(db_));
  REPERE_ASSIGN_OR_RETURN(auto stmt, db_.prepare("UPDATE user_account SET password_hash = ?1, "
                                                 "password_at = strftime('%Y-%m-%dT%H:%M:%SZ', "
                                                 "'now') WHERE id = ?2"));
  REPERE_RETURN_IF_ERROR(stmt.bind(1, hash).bind(2, id).run());
  if (db_.changes() == 0) return Status::not_found("no account with id " + std::to_string(id));
  REPERE_RETURN_IF_ERROR(end_sessions(db_, id));
  return txn.commit();
}

Result<User> UserStore::authenticate(std::string_view login, std::string_view password) {
  // A hash to verify against when the login is unknown, so that both take as long.
  static const std::string kDecoy = hash_password("decoy password, never matches").value_or("");
  REPERE_ASSIGN_OR_RETURN(auto stmt, db_.prepare("SELECT " + std::string(kUserColumns) +
                                                 ", password_hash FROM user_account WHERE "
                                                 "login = ?1"));
  REPERE_ASSIGN_OR_RETURN(const bool row, stmt.bind(1, login).step());
  const Status wrong = Status::unauthenticated("wrong login or password");
  if (!row || password.size() > 1024) {
    verify_password(kDecoy, password.substr(0, 1024));
    return wrong;
  }
  REPERE_ASSIGN_OR_RETURN(User u, read_user(stmt));
  const std::string hash = stmt.text(6);
  if (!verify_password(hash, password) || u.disabled) return wrong;
  return u;
}

Result<std::int64_t> UserStore::count(std::optional<Role> role) {
  REPERE_ASSIGN_OR_RETURN(auto stmt, db_.prepare("SELECT count(*) FROM user_account WHERE "
                                                 "disabled = 0 AND (?1 IS NULL OR role = ?1)"));
  if (role) stmt.bind(1, to_string(*role));
  REPERE_ASSIGN_OR_RETURN(const bool row, stmt.step());
  return row ? stmt.int64(0) : 0;
}

}  // namespace repere::auth
