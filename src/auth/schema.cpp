#include "repere/auth/schema.h"

#include <string_view>

namespace repere::auth {
namespace {

// Version 1: staff accounts (pupils have none), their sessions, and what they did.
// Passwords are argon2id strings (libsodium's crypto_pwhash_str: algorithm, parameters, salt
// and hash in one); a session is known by the SHA-256 of its cookie, never the cookie itself;
// the audit log names actors and objects by text, so that it outlives what it names.
constexpr std::string_view kAccounts = R"sql(
CREATE TABLE user_account (
  id             INTEGER PRIMARY KEY,
  login          TEXT NOT NULL UNIQUE COLLATE NOCASE CHECK (length(login) BETWEEN 2 AND 64),
  name           TEXT NOT NULL DEFAULT '',
  role           TEXT NOT NULL CHECK (role IN ('admin', 'curator', 'teacher')),
  password_hash  TEXT NOT NULL DEFAULT '',
  disabled       INTEGER NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1)),
  created_at     TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
  password_at    TEXT
);

CREATE TABLE user_session (
  id           INTEGER PRIMARY KEY,
  token_hash   TEXT NOT NULL UNIQUE CHECK (length(token_hash) = 64),
  user_id      INTEGER NOT NULL REFERENCES user_account(id) ON DELETE CASCADE,
  csrf         TEXT NOT NULL CHECK (length(csrf) >= 32),
  address      TEXT NOT NULL DEFAULT '',
  created_s    INTEGER NOT NULL,
  last_seen_s  INTEGER NOT NULL
);
CREATE INDEX session_by_user ON user_session(user_id);

CREATE TABLE audit_event (
  id      INTEGER PRIMARY KEY,
  at      TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  actor   TEXT NOT NULL CHECK (length(actor) > 0),
  action  TEXT NOT NULL CHECK (length(action) > 0),
  object  TEXT NOT NULL DEFAULT '',
  detail  TEXT NOT NULL DEFAULT ''
);
CREATE INDEX audit_by_object ON audit_event(object);
)sql";

}  // namespace

const catalog::ModuleSchema& schema() {
  static const catalog::ModuleSchema kSchema{
      "auth", {{1, "accounts, sessions and the audit log", kAccounts}}};
  return kSchema;
}

}  // namespace repere::auth
