#include "repere/lti/launch.h"

#include <httplib.h>

#include <nlohmann/json.hpp>

#include "repere/auth/accounts.h"

namespace repere::lti {

using nlohmann::json;

namespace {

constexpr std::int64_t kLoginSeconds = 600;
constexpr std::int64_t kLeeway = 60;
constexpr std::int64_t kKeysFresh = 24 * 3600;
constexpr const char* kClaim = "https://purl.imsglobal.org/spec/lti/claim/";
constexpr const char* kDlClaim = "https://purl.imsglobal.org/spec/lti-dl/claim/";
constexpr const char* kAgsClaim = "https://purl.imsglobal.org/spec/lti-ags/claim/endpoint";
constexpr const char* kNrpsClaim =
    "https://purl.imsglobal.org/spec/lti-nrps/claim/namesroleservice";

Status refuse(const std::string& why) {
  return Status::unauthenticated("LTI launch refused: " + why);
}

std::string add_query(std::string url, const std::vector<std::pair<std::string, std::string>>& q) {
  char sep = url.find('?') == std::string::npos ? '?' : '&';
  for (const auto& [k, v] : q) {
    url += sep + k + "=" + httplib::detail::encode_query_param(v);
    sep = '&';
  }
  return url;
}

std::string text_of(const json& j, const std::string& key) {
  const auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

// The state row of a login: used up now, whatever the token is worth.
struct Begun {
  std::string nonce;
  Id platform_id = 0;
};
Result<Begun> take_state(catalog::Database& db, const std::string& state, std::int64_t now) {
  if (state.empty() || state.size() > 200) return refuse("no state, or an unknown one");
  REPERE_ASSIGN_OR_RETURN(auto st, db.prepare("DELETE FROM lti_login WHERE state_hash = ?1 "
                                              "RETURNING nonce, platform_id, created_at"));
  st.bind(1, auth::sha256_hex(state));
  REPERE_ASSIGN_OR_RETURN(const bool found, st.step());
  if (!found) return refuse("unknown or already used state (a replayed or forged launch)");
  Begun b{st.text(0), st.int64(1)};
  const std::int64_t created = st.int64(2);
  REPERE_ASSIGN_OR_RETURN(const bool more, st.step());
  (void)more;
  if (now - created > kLoginSeconds) return refuse("the login began more than 10 minutes ago");
  return b;
}

// Verifies the token with the platform's keys, fetching them again when the kid is unknown
// or the cached set is old.
Result<json> verified_claims(catalog::Database& db, const Platform& p, const std::string& token,
                             std::int64_t now, const Fetcher& fetch) {
  PlatformStore store(db);
  REPERE_ASSIGN_OR_RETURN(const auto cached, store.cached_keys(p.id));
  bool missing = true;
  Result<std::string> claims = Status::unauthenticated("no key set");
  if (!cached.first.empty() && now - cached.second < kKeysFresh) {
    claims = verify_jwt(token, cached.first, &missing);
    if (claims.is_ok()) return json::parse(*claims);
    if (!missing) return refuse(claims.status().message());
  }
  // Refuse an algorithm before fetching anything.
  REPERE_ASSIGN_OR_RETURN(const JwtHeader header, read_jwt_header(token));
  if (header.alg != "RS256" && header.alg != "RS384" && header.alg != "RS512")
    return refuse("the token's algorithm \"" + header.alg.substr(0, 20) +
                  "\" is refused: only RS256, RS384 and RS512 are accepted");
  auto body = fetch(p.jwks_url);
  if (!body.is_ok())
    return refuse("the platform's key set could not be fetched from " + p.jwks_url + ": " +
                  body.status().message());
  claims = verify_jwt(token, *body, &missing);
  if (!claims.is_ok()) return refuse(claims.status().message());
  REPERE_RETURN_IF_ERROR(store.cache_keys(p.id, *body, now));
  return json::parse(*claims);
}

// The shared checks (jose.h), their reasons in this protocol's words.
Status check_audience(const json& claims, const Platform& p) {
  const Status s = check_token_audience(claims.dump(), p.client_id);
  return s.is_ok() ? s : refuse(s.message());
}

Status check_times(const json& claims, std::int64_t now) {
  const Status s = check_token_times(claims.dump(), now, kLeeway);
  return s.is_ok() ? s : refuse(s.message());
}

Status use_nonce(catalog::Database& db, const json& claims, const Begun& begun, std::int64_t now) {
  const std::string nonce = text_of(claims, "nonce");
  if (nonce.empty() || nonce != begun.nonce) return refuse("the nonce is not the one sent");
  REPERE_ASSIGN_OR_RETURN(auto st, db.prepare("INSERT OR IGNORE INTO lti_nonce(platform_id, "
                                              "nonce, expires_at) VALUES (?1, ?2, ?3)"));
  st.bind(1, begun.platform_id).bind(2, nonce).bind(3, claims["exp"].get<std::int64_t>() + kLeeway);
  REPERE_RETURN_IF_ERROR(st.run());
  if (db.changes() == 0) return refuse("the nonce was already used (a replayed token)");
  (void)now;
  return Status::ok();
}

std::vector<std::string> strings_of(const json& j) {
  std::vector<std::string> out;
  if (!j.is_array()) return out;
  for (const json& v : j) {
    if (v.is_string()) out.push_back(v);
  }
  return out;
}

Status read_message(const json& c, Launch& l) {
  const std::string k = kClaim;
  l.message_type = text_of(c, k + "message_type");
  if (l.message_type != "LtiResourceLinkRequest" && l.message_type != "LtiDeepLinkingRequest")
    return refuse("unknown message type \"" + l.message_type.substr(0, 60) + "\"");
  if (text_of(c, k + "version") != "1.3.0") return refuse("the LTI version is not 1.3.0");
  l.sub = text_of(c, "sub");
  if (l.sub.empty() || l.sub.size() > 255) return refuse("the token has no sub (the person)");
  l.given_name = text_of(c, "given_name");
  l.family_name = text_of(c, "family_name");
  l.name = text_of(c, "name");
  l.email = text_of(c, "email");
  if (c.contains(k + "roles")) l.roles = strings_of(c[k + "roles"]);
  if (const auto ctx = c.find(k + "context"); ctx != c.end() && ctx->is_object()) {
    l.context_id = text_of(*ctx, "id");
    l.context_title = text_of(*ctx, "title");
    if (l.context_title.empty()) l.context_title = text_of(*ctx, "label");
  }
  l.target_link_uri = text_of(c, k + "target_link_uri");
  if (const auto custom = c.find(k + "custom"); custom != c.end() && custom->is_object()) {
    for (const auto& [key, value] : custom->items()) {
      if (value.is_string()) l.custom[key] = value;
    }
  }
  if (const auto pres = c.find(k + "launch_presentation"); pres != c.end() && pres->is_object())
    l.presentation_target = text_of(*pres, "document_target");
  if (const auto ags = c.find(kAgsClaim); ags != c.end() && ags->is_object()) {
    l.lineitem = text_of(*ags, "lineitem");
    if (ags->contains("scope")) l.ags_scopes = strings_of((*ags)["scope"]);
  }
  if (const auto nrps = c.find(kNrpsClaim); nrps != c.end() && nrps->is_object())
    l.memberships_url = text_of(*nrps, "context_memberships_url");
  if (l.message_type == "LtiResourceLinkRequest") {
    const auto link = c.find(k + "resource_link");
    if (link == c.end() || !link->is_object() || text_of(*link, "id").empty())
      return refuse("a resource link launch without resource_link.id");
    l.resource_link_id = text_of(*link, "id");
    l.resource_link_title = text_of(*link, "title");
    return Status::ok();
  }
  const auto dl = c.find(std::string(kDlClaim) + "deep_linking_settings");
  if (dl == c.end() || !dl->is_object() || text_of(*dl, "deep_link_return_url").empty())
    return refuse("a deep linking request without deep_link_return_url");
  l.return_url = text_of(*dl, "deep_link_return_url");
  if (origin_of(l.return_url).empty()) return refuse("the deep link return URL is not http(s)");
  l.dl_data = text_of(*dl, "data");
  if (dl->contains("accept_multiple") && (*dl)["accept_multiple"].is_boolean())
    l.accept_multiple = (*dl)["accept_multiple"];
  if (dl->contains("accept_types")) l.accept_types = strings_of((*dl)["accept_types"]);
  return Status::ok();
}

}  // namespace

Result<LoginRedirect> begin_login(catalog::Database& db, const LoginRequest& r,
                                  const std::string& redirect_uri, const std::string& base_url,
                                  std::int64_t now) {
  if (r.issuer.empty()) return Status::invalid_argument("the login has no iss");
  if (r.login_hint.empty()) return Status::invalid_argument("the login has no login_hint");
  if (r.target_link_uri.empty())
    return Status::invalid_argument("the login has no target_link_uri");
  if (r.target_link_uri != base_url && r.target_link_uri.rfind(base_url + "/", 0) != 0 &&
      r.target_link_uri.rfind(base_url + "?", 0) != 0) {
    return Status::invalid_argument("the target_link_uri is not on this tool (" + base_url +
                                    "): " + r.target_link_uri.substr(0, 200));
  }
  PlatformStore store(db);
  Platform p;
  if (!r.client_id.empty()) {
    REPERE_ASSIGN_OR_RETURN(p, store.find(r.issuer, r.client_id));
  } else {
    REPERE_ASSIGN_OR_RETURN(const auto all, store.by_issuer(r.issuer));
    if (all.size() != 1) {
      return Status::not_found(all.empty() ? "no LTI platform is registered with issuer \"" +
                                                 r.issuer.substr(0, 200) + "\""
                                           : "several registrations share this issuer: the "
                                             "login must name its client_id");
    }
    p = all.front();
  }
  if (!r.deployment_id.empty() && std::find(p.deployments.begin(), p.deployments.end(),
                                            r.deployment_id) == p.deployments.end()) {
    return Status::not_found("deployment \"" + r.deployment_id.substr(0, 100) +
                             "\" is not registered for " + p.issuer);
  }
  LoginRedirect out;
  out.state = auth::random_token();
  const std::string nonce = auth::random_token();
  REPERE_ASSIGN_OR_RETURN(auto st, db.prepare("INSERT INTO lti_login(state_hash, nonce, "
                                              "platform_id, created_at) VALUES (?1, ?2, ?3, ?4)"));
  st.bind(1, auth::sha256_hex(out.state)).bind(2, nonce).bind(3, p.id).bind(4, now);
  REPERE_RETURN_IF_ERROR(st.run());
  std::vector<std::pair<std::string, std::string>> q = {
      {"scope", "openid"},          {"response_type", "id_token"}, {"response_mode", "form_post"},
      {"prompt", "none"},           {"client_id", p.client_id},    {"redirect_uri", redirect_uri},
      {"login_hint", r.login_hint}, {"state", out.state},          {"nonce", nonce}};
  if (!r.lti_message_hint.empty()) q.emplace_back("lti_message_hint", r.lti_message_hint);
  out.url = add_query(p.auth_url, q);
  return out;
}

Result<Launch> validate_launch(catalog::Database& db, const std::string& id_token,
                               const std::string& state, std::int64_t now, const Fetcher& fetch) {
  REPERE_ASSIGN_OR_RETURN(const Begun begun, take_state(db, state, now));
  if (id_token.empty()) return refuse("no id_token was posted");
  PlatformStore store(db);
  REPERE_ASSIGN_OR_RETURN(Platform p, store.get(begun.platform_id));
  REPERE_ASSIGN_OR_RETURN(const json claims, verified_claims(db, p, id_token, now, fetch));
  if (text_of(claims, "iss") != p.issuer)
    return refuse("wrong issuer: \"" + text_of(claims, "iss").substr(0, 200) + "\" is not " +
                  p.issuer);
  REPERE_RETURN_IF_ERROR(check_audience(claims, p));
  REPERE_RETURN_IF_ERROR(check_times(claims, now));
  REPERE_RETURN_IF_ERROR(use_nonce(db, claims, begun, now));
  Launch l;
  l.deployment_id = text_of(claims, std::string(kClaim) + "deployment_id");
  if (std::find(p.deployments.begin(), p.deployments.end(), l.deployment_id) ==
      p.deployments.end()) {
    return refuse("unknown deployment id \"" + l.deployment_id.substr(0, 100) + "\" for " +
                  p.issuer + " (register it: repere lti add-platform … --deployment ID)");
  }
  l.platform = std::move(p);
  REPERE_RETURN_IF_ERROR(read_message(claims, l));
  return l;
}

Status sweep_launches(catalog::Database& db, std::int64_t now) {
  REPERE_ASSIGN_OR_RETURN(auto logins, db.prepare("DELETE FROM lti_login WHERE created_at < ?1"));
  REPERE_RETURN_IF_ERROR(logins.bind(1, now - kLoginSeconds).run());
  REPERE_ASSIGN_OR_RETURN(auto nonces, db.prepare("DELETE FROM lti_nonce WHERE expires_at < ?1"));
  return nonces.bind(1, now).run();
}

Who who_is(const std::vector<std::string>& roles) {
  bool learner = false;
  for (const std::string& r : roles) {
    const std::string tail = r.substr(r.find('#') == std::string::npos ? 0 : r.find('#') + 1);
    const bool context_role =
        r.find('#') == std::string::npos ||
        r.rfind("http://purl.imsglobal.org/vocab/lis/v2/membership", 0) == 0 ||
        r.rfind("http://purl.imsglobal.org/vocab/lis/v2/institution/person", 0) == 0 ||
        r.rfind("http://purl.imsglobal.org/vocab/lis/v2/system/person", 0) == 0;
    if (!context_role) continue;
    if (tail == "Instructor" || tail == "ContentDeveloper" || tail == "Administrator" ||
        tail == "Faculty" || tail == "SysAdmin")
      return Who::kTeacher;
    if (tail == "Learner" || tail == "Student") learner = true;
  }
  return learner ? Who::kLearner : Who::kOther;
}

}  // namespace repere::lti
