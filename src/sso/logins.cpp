#include "repere/sso/logins.h"

#include <openssl/sha.h>

#include "repere/auth/accounts.h"
#include "repere/lti/jose.h"

namespace repere::sso {

namespace {
constexpr std::int64_t kLoginSeconds = 600;
}  // namespace

bool is_local_path(const std::string& path) {
  if (path.empty() || path.size() > 500 || path[0] != '/' || path.starts_with("//")) return false;
  for (const char c : path) {
    if (c == '\\' || static_cast<unsigned char>(c) < 0x20 || c == 0x7f) return false;
  }
  return true;
}

std::string pkce_challenge(const std::string& verifier) {
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(verifier.data()), verifier.size(), digest);
  return lti::base64url(std::string_view(reinterpret_cast<const char*>(digest), sizeof digest));
}

Result<Begun> begin_login(catalog::Database& db, Id provider_id, const std::string& return_path,
                          std::int64_t now) {
  if (!is_local_path(return_path))
    return Status::invalid_argument("the page to return to is not a path of this site: \"" +
                                    return_path.substr(0, 80) + "\"");
  Begun b{auth::random_token(), auth::random_token(), auth::random_token(), ""};
  b.challenge = pkce_challenge(b.verifier);
  REPERE_ASSIGN_OR_RETURN(auto old, db.prepare("DELETE FROM sso_login WHERE created_at < ?1"));
  REPERE_RETURN_IF_ERROR(old.bind(1, now - kLoginSeconds).run());
  REPERE_ASSIGN_OR_RETURN(auto st, db.prepare("INSERT INTO sso_login(state_hash, provider_id, "
                                              "nonce, verifier, return_path, created_at) VALUES "
                                              "(?1, ?2, ?3, ?4, ?5, ?6)"));
  st.bind(1, auth::sha256_hex(b.state))
      .bind(2, provider_id)
      .bind(3, b.nonce)
      .bind(4, b.verifier)
      .bind(5, return_path)
      .bind(6, now);
  REPERE_RETURN_IF_ERROR(st.run());
  return b;
}

Status attach_request_id(catalog::Database& db, const std::string& state,
                         const std::string& request_id) {
  REPERE_ASSIGN_OR_RETURN(auto st,
                          db.prepare("UPDATE sso_login SET nonce = ?2 WHERE state_hash = ?1"));
  REPERE_RETURN_IF_ERROR(st.bind(1, auth::sha256_hex(state)).bind(2, request_id).run());
  if (db.changes() == 0) return Status::not_found("no such login in progress");
  return Status::ok();
}

Result<Pending> take_login(catalog::Database& db, const std::string& state, Id provider_id,
                           std::int64_t now) {
  if (state.empty() || state.size() > 200)
    return Status::unauthenticated("sign-on refused: no state, or an unknown one");
  REPERE_ASSIGN_OR_RETURN(auto st, db.prepare("DELETE FROM sso_login WHERE state_hash = ?1 "
                                              "RETURNING provider_id, nonce, verifier, "
                                              "return_path, created_at"));
  st.bind(1, auth::sha256_hex(state));
  REPERE_ASSIGN_OR_RETURN(const bool found, st.step());
  if (!found)
    return Status::unauthenticated(
        "sign-on refused: unknown or already used state (a replayed or forged answer)");
  Pending p{st.int64(0), st.text(1), st.text(2), st.text(3)};
  const std::int64_t created = st.int64(4);
  REPERE_ASSIGN_OR_RETURN(const bool more, st.step());
  (void)more;
  if (p.provider_id != provider_id)
    return Status::unauthenticated("sign-on refused: the state was begun for another provider");
  if (now - created > kLoginSeconds)
    return Status::unauthenticated("sign-on refused: the login began more than 10 minutes ago");
  return p;
}

}  // namespace repere::sso
