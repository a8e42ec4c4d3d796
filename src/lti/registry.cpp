#include "repere/lti/registry.h"

#include <chrono>
#include <nlohmann/json.hpp>
#include <regex>

namespace repere::lti {

using nlohmann::json;

namespace {

constexpr std::int64_t kRetiredKeyShown = 24 * 3600;

bool http_url(const std::string& url) {
  static const std::regex kUrl(R"(https?://[A-Za-z0-9.\-]+(:\d{1,5})?(/[^\s]*)?)");
  return url.size() <= 2000 && std::regex_match(url, kUrl);
}

Status check(const Platform& p) {
  if (!http_url(p.issuer))
    return Status::invalid_argument("issuer: not an http(s) URL: " + p.issuer);
  if (p.client_id.empty() || p.client_id.size() > 255)
    return Status::invalid_argument("client id: 1 to 255 characters");
  if (!http_url(p.auth_url))
    return Status::invalid_argument("auth URL: not an http(s) URL: " + p.auth_url);
  if (!http_url(p.jwks_url))
    return Status::invalid_argument("JWKS URL: not an http(s) URL: " + p.jwks_url);
  if (!p.token_url.empty() && !http_url(p.token_url))
    return Status::invalid_argument("token URL: not an http(s) URL: " + p.token_url);
  for (const std::string& d : p.deployments) {
    if (d.empty() || d.size() > 255)
      return Status::invalid_argument("deployment id: 1 to 255 characters");
  }
  return Status::ok();
}

constexpr std::string_view kColumns =
    "SELECT id, issuer, client_id, name, auth_url, token_url, jwks_url FROM lti_platform ";

Result<std::vector<Platform>> read(catalog::Database& db, catalog::Statement& st) {
  std::vector<Platform> out;
  while (true) {
    REPERE_ASSIGN_OR_RETURN(const bool row, st.step());
    if (!row) break;
    out.push_back(
        {st.int64(0), st.text(1), st.text(2), st.text(3), st.text(4), st.text(5), st.text(6), {}});
  }
  REPERE_ASSIGN_OR_RETURN(auto deps, db.prepare("SELECT deployment_id FROM lti_deployment WHERE "
                                                "platform_id = ?1 ORDER BY deployment_id"));
  for (Platform& p : out) {
    deps.reset();
    deps.bind(1, p.id);
    while (true) {
      REPERE_ASSIGN_OR_RETURN(const bool row, deps.step());
      if (!row) break;
      p.deployments.push_back(deps.text(0));
    }
  }
  return out;
}

}  // namespace

std::int64_t unix_now() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string origin_of(const std::string& url) {
  static const std::regex kOrigin(R"((https?://[A-Za-z0-9.\-]+(:\d{1,5})?)(/.*)?)");
  std::smatch m;
  if (!std::regex_match(url, m, kOrigin)) return "";
  return m[1].str();
}

std::string Platform::origin() const { return origin_of(auth_url); }

Result<Platform> PlatformStore::put(const Platform& p) {
  REPERE_RETURN_IF_ERROR(check(p));
  REPERE_ASSIGN_OR_RETURN(auto tx, catalog::Transaction::begin(db_));
  REPERE_ASSIGN_OR_RETURN(
      auto st, db_.prepare("INSERT INTO lti_platform(issuer, client_id, name, auth_url, "
                           "token_url, jwks_url) VALUES (?1, ?2, ?3, ?4, ?5, ?6) "
                           "ON CONFLICT (issuer, client_id) DO UPDATE SET name = excluded.name, "
                           "auth_url = excluded.auth_url, token_url = excluded.token_url, "
                           "jwks_url = excluded.jwks_url, jwks = '', jwks_fetched = 0"));
  st.bind(1, p.issuer).bind(2, p.client_id).bind(3, p.name).bind(4, p.auth_url);
  st.bind(5, p.token_url).bind(6, p.jwks_url);
  REPERE_RETURN_IF_ERROR(st.run());
  REPERE_ASSIGN_OR_RETURN(auto id, db_.prepare("SELECT id FROM lti_platform WHERE issuer = ?1 "
                                               "AND client_id = ?2"));
  id.bind(1, p.issuer).bind(2, p.client_id);
  REPERE_ASSIGN_OR_RETURN(const bool found, id.step());
  if (!found) return Status::internal("the platform was not stored");
  const Id platform_id = id.int64(0);
  REPERE_ASSIGN_OR_RETURN(auto dep, db_.prepare("INSERT OR IGNORE INTO lti_deployment("
                                                "platform_id, deployment_id) VALUES (?1, ?2)"));
  for (const std::string& d : p.deployments) {
    dep.reset();
    dep.bind(1, platform_id).bind(2, d);
    REPERE_RETURN_IF_ERROR(dep.run());
  }
  REPERE_RETURN_IF_ERROR(tx.commit());
  return get(platform_id);
}

Result<std::vector<Platform>> PlatformStore::list() {
  REPERE_ASSIGN_OR_RETURN(auto st, db_.prepare(std::string(kColumns) + "ORDER BY id"));
  return read(db_, st);
}

Result<Platform> PlatformStore::get(Id id) {
  REPERE_ASSIGN_OR_RETURN(auto st, db_.prepare(std::string(kColumns) + "WHERE id = ?1"));
  st.bind(1, id);
  REPERE_ASSIGN_OR_RETURN(auto found, read(db_, st));
  if (found.empty()) return Status::not_found("no LTI platform " + std::to_string(id));
  return std::move(found.front());
}

Result<Platform> PlatformStore::find(const std::string& issuer, const std::string& client_id) {
  REPERE_ASSIGN_OR_RETURN(
      auto st, db_.prepare(std::string(kColumns) + "WHERE issuer = ?1 AND client_id = ?2"));
  st.bind(1, issuer).bind(2, client_id);
  REPERE_ASSIGN_OR_RETURN(auto found, read(db_, st));
  if (found.empty()) {
    return Status::not_found("no LTI platform is registered with issuer \"" +
                             issuer.substr(0, 200) + "\" and client id \"" +
                             client_id.substr(0, 100) + "\"");
  }
  return std::move(found.front());
}

Result<std::vector<Platform>> PlatformStore::by_issuer(const std::string& issuer) {
  REPERE_ASSIGN_OR_RETURN(auto st,
                          db_.prepare(std::string(kColumns) + "WHERE issuer = ?1 ORDER BY id"));
  st.bind(1, issuer);
  return read(db_, st);
}

Status PlatformStore::remove(Id id) {
  REPERE_ASSIGN_OR_RETURN(auto st, db_.prepare("DELETE FROM lti_platform WHERE id = ?1"));
  st.bind(1, id);
  REPERE_RETURN_IF_ERROR(st.run());
  if (db_.changes() == 0) return Status::not_found("no LTI platform " + std::to_string(id));
  return Status::ok();
}

Result<std::pair<std::string, std::int64_t>> PlatformStore::cached_keys(Id id) {
  REPERE_ASSIGN_OR_RETURN(auto st,
                          db_.prepare("SELECT jwks, jwks_fetched FROM lti_platform WHERE id = ?1"));
  st.bind(1, id);
  REPERE_ASSIGN_OR_RETURN(const bool found, st.step());
  if (!found) return Status::not_found("no LTI platform " + std::to_string(id));
  return std::pair{st.text(0), st.int64(1)};
}

Status PlatformStore::cache_keys(Id id, const std::string& jwks_json, std::int64_t now) {
  REPERE_ASSIGN_OR_RETURN(
      auto st, db_.prepare("UPDATE lti_platform SET jwks = ?2, jwks_fetched = ?3 WHERE id = ?1"));
  st.bind(1, id).bind(2, jwks_json).bind(3, now);
  return st.run();
}

Result<KeyPair> ToolKeys::current(std::int64_t now) {
  REPERE_ASSIGN_OR_RETURN(auto st, db_.prepare("SELECT private_pem FROM lti_key WHERE "
                                               "retired_at IS NULL ORDER BY created_at DESC, "
                                               "rowid DESC LIMIT 1"));
  REPERE_ASSIGN_OR_RETURN(const bool found, st.step());
  if (found) return load_key_pair(st.text(0));
  return rotate(now);
}

Result<KeyPair> ToolKeys::rotate(std::int64_t now) {
  REPERE_ASSIGN_OR_RETURN(KeyPair key, generate_key_pair());
  REPERE_ASSIGN_OR_RETURN(auto tx, catalog::Transaction::begin(db_));
  REPERE_ASSIGN_OR_RETURN(auto retire, db_.prepare("UPDATE lti_key SET retired_at = ?1 WHERE "
                                                   "retired_at IS NULL"));
  retire.bind(1, now);
  REPERE_RETURN_IF_ERROR(retire.run());
  REPERE_ASSIGN_OR_RETURN(
      auto add,
      db_.prepare("INSERT INTO lti_key(kid, private_pem, created_at) VALUES (?1, ?2, ?3)"));
  add.bind(1, key.kid).bind(2, key.private_pem).bind(3, now);
  REPERE_RETURN_IF_ERROR(add.run());
  REPERE_RETURN_IF_ERROR(tx.commit());
  return key;
}

Result<std::string> ToolKeys::jwks(std::int64_t now) {
  REPERE_RETURN_IF_ERROR(current(now).status());
  REPERE_ASSIGN_OR_RETURN(auto st, db_.prepare("SELECT private_pem FROM lti_key WHERE "
                                               "retired_at IS NULL OR retired_at > ?1 "
                                               "ORDER BY created_at DESC, rowid DESC"));
  st.bind(1, now - kRetiredKeyShown);
  json keys = json::array();
  while (true) {
    REPERE_ASSIGN_OR_RETURN(const bool row, st.step());
    if (!row) break;
    REPERE_ASSIGN_OR_RETURN(const KeyPair pair, load_key_pair(st.text(0)));
    REPERE_ASSIGN_OR_RETURN(const std::string jwk, public_jwk(pair));
    keys.push_back(json::parse(jwk));
  }
  return json{{"keys", keys}}.dump();
}

}  // namespace repere::lti
