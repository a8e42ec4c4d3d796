#include "repere/sso/oidc.h"

#include <httplib.h>

#include <nlohmann/json.hpp>

#include "repere/lti/jose.h"

namespace repere::sso {

using nlohmann::json;

namespace {

constexpr std::int64_t kLeeway = 60;
constexpr std::int64_t kKeysFresh = 24 * 3600;

Status refuse(const std::string& why) {
  return Status::unauthenticated("OpenID Connect sign-on refused: " + why);
}

std::string encode(const std::string& v) { return httplib::detail::encode_query_param(v); }

std::string text_of(const json& j, const std::string& key) {
  const auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

void add_claims(const json& claims, Attributes& into) {
  for (const auto& [key, value] : claims.items()) {
    std::vector<std::string> v;
    auto add = [&](const json& x) {
      if (x.is_string()) v.push_back(x.get<std::string>());
      if (x.is_number() || x.is_boolean()) v.push_back(x.dump());
    };
    if (value.is_array()) {
      for (const json& x : value) add(x);
    } else {
      add(value);
    }
    if (!v.empty()) into[key] = std::move(v);
  }
}

// The claims of a token signed by one of the provider's keys: the cached set when it is
// fresh and names the token's kid, else the set fetched now (a rotated key).
Result<json> verified_claims(catalog::Database& db, const Provider& p, const std::string& token,
                             std::int64_t now, const Fetcher& fetch) {
  ProviderStore store(db);
  REPERE_ASSIGN_OR_RETURN(const auto cached, store.cached_keys(p.id));
  bool missing = true;
  if (!cached.first.empty() && now - cached.second < kKeysFresh) {
    auto claims = lti::verify_jwt(token, cached.first, &missing);
    if (claims.is_ok()) return json::parse(*claims);
    if (!missing) return refuse(claims.status().message());
  }
  REPERE_ASSIGN_OR_RETURN(const lti::JwtHeader header, lti::read_jwt_header(token));
  if (header.alg != "RS256" && header.alg != "RS384" && header.alg != "RS512")
    return refuse("the id_token's algorithm \"" + header.alg.substr(0, 20) +
                  "\" is refused: only RS256, RS384 and RS512 are accepted");
  auto body = fetch(p.jwks_url);
  if (!body.is_ok())
    return refuse("the provider's key set could not be fetched from " + p.jwks_url + ": " +
                  body.status().message());
  auto claims = lti::verify_jwt(token, *body, &missing);
  if (!claims.is_ok()) return refuse(claims.status().message());
  REPERE_RETURN_IF_ERROR(store.cache_keys(p.id, *body, now));
  return json::parse(*claims);
}

Status check_claims(const json& claims, const Provider& p, const std::string& nonce,
                    std::int64_t now) {
  if (text_of(claims, "iss") != p.issuer)
    return refuse("wrong issuer: \"" + text_of(claims, "iss").substr(0, 100) + "\" is not \"" +
                  p.issuer + "\"");
  const std::string text = claims.dump();
  if (const Status aud = lti::check_token_audience(text, p.client_id); !aud.is_ok())
    return refuse(aud.message());
  if (const Status times = lti::check_token_times(text, now, kLeeway); !times.is_ok())
    return refuse(times.message());
  if (nonce.empty() || text_of(claims, "nonce") != nonce)
    return refuse("the id_token's nonce is not the one this login sent (a replayed token)");
  if (text_of(claims, "sub").empty()) return refuse("the id_token has no sub");
  return Status::ok();
}

}  // namespace

std::string authorization_url(const Provider& p, const std::string& redirect_uri,
                              const std::string& state, const std::string& nonce,
                              const std::string& challenge) {
  std::string url = p.authorize_url;
  url += url.find('?') == std::string::npos ? '?' : '&';
  url += "response_type=code&client_id=" + encode(p.client_id) +
         "&redirect_uri=" + encode(redirect_uri) + "&scope=" + encode(p.scopes) +
         "&state=" + encode(state) + "&nonce=" + encode(nonce) +
         "&code_challenge=" + encode(challenge) + "&code_challenge_method=S256";
  if (!p.extra_params.empty()) url += "&" + p.extra_params;
  return url;
}

Result<OidcAnswer> check_id_token(catalog::Database& db, const Provider& p,
                                  const std::string& id_token, const std::string& nonce,
                                  std::int64_t now, const Fetcher& fetch) {
  auto claims = verified_claims(db, p, id_token, now, fetch);
  if (!claims.is_ok()) {
    if (claims.status().code() == StatusCode::kUnauthenticated &&
        claims.status().message().rfind("OpenID", 0) != 0)
      return refuse(claims.status().message());
    return claims.status();
  }
  REPERE_RETURN_IF_ERROR(check_claims(*claims, p, nonce, now));
  OidcAnswer a;
  a.subject = text_of(*claims, "sub");
  add_claims(*claims, a.attributes);
  return a;
}

Result<OidcAnswer> finish_oidc(catalog::Database& db, const Provider& p, const std::string& code,
                               const std::string& redirect_uri, const std::string& nonce,
                               const std::string& verifier, std::int64_t now,
                               const OidcClient& client) {
  if (code.empty() || code.size() > 2000) return refuse("no authorisation code");
  const std::string body =
      "grant_type=authorization_code&code=" + encode(code) +
      "&redirect_uri=" + encode(redirect_uri) + "&client_id=" + encode(p.client_id) +
      "&client_secret=" + encode(p.client_secret) + "&code_verifier=" + encode(verifier);
  const lti::HttpAnswer tok =
      client.post(p.token_url, "application/x-www-form-urlencoded", body, "");
  if (tok.status == 0)
    return Status::unavailable("the provider's token endpoint " + p.token_url +
                               " did not answer: " + tok.error);
  const json answer = json::parse(tok.body, nullptr, false);
  if (tok.status != 200 || !answer.is_object()) {
    const std::string why = answer.is_object() ? text_of(answer, "error") : "";
    return refuse("the token endpoint refused the code (HTTP " + std::to_string(tok.status) +
                  (why.empty() ? "" : ", " + why.substr(0, 100)) + ")");
  }
  const std::string id_token = text_of(answer, "id_token");
  if (id_token.empty()) return refuse("the token endpoint sent no id_token");
  REPERE_ASSIGN_OR_RETURN(OidcAnswer a, check_id_token(db, p, id_token, nonce, now, client.fetch));
  const std::string access = text_of(answer, "access_token");
  if (p.userinfo_url.empty() || access.empty()) return a;
  const lti::HttpAnswer info = client.get(p.userinfo_url, "application/json", access);
  if (info.status == 0)
    return Status::unavailable("the provider's userinfo endpoint did not answer: " + info.error);
  const json claims = json::parse(info.body, nullptr, false);
  if (info.status != 200 || !claims.is_object())
    return refuse("the userinfo endpoint answered HTTP " + std::to_string(info.status) +
                  " without a JSON object");
  if (text_of(claims, "sub") != a.subject)
    return refuse("userinfo's sub is not the id_token's (a substituted answer)");
  add_claims(claims, a.attributes);
  return a;
}

}  // namespace repere::sso
