#include "repere/auth/sessions.h"

#include <sodium.h>

namespace repere::auth {

std::int64_t SessionStore::now_seconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

bool same_token(std::string_view a, std::string_view b) {
  return a.size() == b.size() && !a.empty() && sodium_memcmp(a.data(), b.data(), a.size()) == 0;
}

Result<Session> SessionStore::start(const User& user, std::string_view address) {
  if (user.disabled) return Status::unauthenticated("the account '" + user.login + "' is disabled");
  Session s{.user = user, .csrf = random_token(), .token = random_token()};
  const std::int64_t now = now_seconds();
  REPERE_ASSIGN_OR_RETURN(auto stmt, db_.prepare("INSERT INTO user_session (token_hash, user_id, "
                                                 "csrf, address, created_s, last_seen_s) VALUES "
                                                 "(?1, ?2, ?3, ?4, ?5, ?5)"));
  REPERE_RETURN_IF_ERROR(stmt.bind(1, sha256_hex(s.token))
                             .bind(2, user.id)
                             .bind(3, s.csrf)
                             .bind(4, address.substr(0, 64))
                             .bind(5, now)
                             .run());
  s.id = db_.last_insert_id();
  return s;
}

Result<Session> SessionStore::resume(std::string_view token) {
  const Status gone = Status::unauthenticated("the session has ended: log in again");
  if (token.empty() || token.size() > 128) return gone;
  REPERE_ASSIGN_OR_RETURN(auto stmt, db_.prepare("SELECT id, user_id, csrf, created_s, "
                                                 "last_seen_s FROM user_session WHERE "
                                                 "token_hash = ?1"));
  REPERE_ASSIGN_OR_RETURN(const bool row, stmt.bind(1, sha256_hex(token)).step());
  if (!row) return gone;
  Session s{.id = stmt.int64(0), .csrf = stmt.text(2)};
  const Id user_id = stmt.int64(1);
  const std::int64_t created = stmt.int64(3);
  const std::int64_t seen = stmt.int64(4);
  const std::int64_t now = now_seconds();
  if (now - seen > limits_.idle.count() || now - created > limits_.max_age.count()) {
    REPERE_RETURN_IF_ERROR(end(token));
    return gone;
  }
  REPERE_ASSIGN_OR_RETURN(s.user, UserStore(db_).get(user_id));
  if (s.user.disabled) return gone;
  if (now - seen >= 60) {
    REPERE_ASSIGN_OR_RETURN(auto touch, db_.prepare("UPDATE user_session SET last_seen_s = ?1 "
                                                    "WHERE id = ?2"));
    REPERE_RETURN_IF_ERROR(touch.bind(1, now).bind(2, s.id).run());
  }
  return s;
}

Status SessionStore::end(std::string_view token) {
  REPERE_ASSIGN_OR_RETURN(auto stmt, db_.prepare("DELETE FROM user_session WHERE token_hash = "
                                                 "?1"));
  return stmt.bind(1, sha256_hex(token)).run();
}

Result<std::int64_t> SessionStore::sweep() {
  const std::int64_t now = now_seconds();
  REPERE_ASSIGN_OR_RETURN(auto stmt, db_.prepare("DELETE FROM user_session WHERE ?1 - "
                                                 "last_seen_s > ?2 OR ?1 - created_s > ?3"));
  REPERE_RETURN_IF_ERROR(
      stmt.bind(1, now).bind(2, limits_.idle.count()).bind(3, limits_.max_age.count()).run());
  return static_cast<std::int64_t>(db_.changes());
}

}  // namespace repere::auth
