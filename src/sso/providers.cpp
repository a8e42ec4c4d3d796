#include "repere/sso/providers.h"

#include <nlohmann/json.hpp>
#include <regex>

#include "repere/sso/saml.h"

namespace repere::sso {

using nlohmann::json;

namespace {

bool http_url(const std::string& url) {
  static const std::regex kUrl(R"(https?://[A-Za-z0-9.\-]+(:\d{1,5})?(/[^\s]*)?)");
  return url.size() <= 2000 && std::regex_match(url, kUrl);
}

Status need_url(const std::string& field, const std::string& url, bool optional = false) {
  if (optional && url.empty()) return Status::ok();
  if (!http_url(url))
    return Status::invalid_argument(field + ": not an http(s) URL: \"" + url + "\"");
  return Status::ok();
}

Status check(const Provider& p) {
  static const std::regex kSlug("[a-z0-9][a-z0-9-]{0,39}");
  if (!std::regex_match(p.slug, kSlug))
    return Status::invalid_argument("name: 1 to 40 lower-case letters, digits or dashes (\"" +
                                    p.slug + "\")");
  if (p.name.empty() || p.name.size() > 100)
    return Status::invalid_argument("label: 1 to 100 characters");
  if (p.kind == Provider::Kind::kCas) return need_url("CAS URL", p.cas_url);
  if (p.kind == Provider::Kind::kSaml) {
    REPERE_ASSIGN_OR_RETURN(const std::string entity, idp_entity_id(p.idp_metadata));
    if (entity != p.issuer)
      return Status::invalid_argument("issuer: the IdP's entityID is \"" + entity + "\"");
    if (p.sp_key_pem.empty() || p.sp_cert_pem.empty())
      return Status::invalid_argument(
          "SP key: a SAML provider needs this SP's key and certificate");
    return Status::ok();
  }
  REPERE_RETURN_IF_ERROR(need_url("issuer", p.issuer));
  if (p.client_id.empty() || p.client_id.size() > 255)
    return Status::invalid_argument("client id: 1 to 255 characters");
  REPERE_RETURN_IF_ERROR(need_url("authorization endpoint", p.authorize_url));
  REPERE_RETURN_IF_ERROR(need_url("token endpoint", p.token_url));
  REPERE_RETURN_IF_ERROR(need_url("JWKS URL", p.jwks_url));
  REPERE_RETURN_IF_ERROR(need_url("userinfo endpoint", p.userinfo_url, true));
  if (p.scopes.find("openid") == std::string::npos)
    return Status::invalid_argument("scopes: must hold \"openid\"");
  if (p.extra_params.find_first_of(" \r\n#") != std::string::npos)
    return Status::invalid_argument("extra parameters: name=value pairs joined by &");
  return Status::ok();
}

constexpr std::string_view kColumns =
    "SELECT id, slug, kind, name, issuer, client_id, client_secret, authorize_url, token_url, "
    "userinfo_url, jwks_url, scopes, extra_params, cas_url, mapping, idp_metadata, sp_key_pem, "
    "sp_cert_pem FROM sso_provider ";

Result<std::vector<Provider>> read(catalog::Statement& st) {
  std::vector<Provider> out;
  while (true) {
    REPERE_ASSIGN_OR_RETURN(const bool row, st.step());
    if (!row) break;
    Provider p;
    p.id = st.int64(0);
    p.slug = st.text(1);
    const std::string kind = st.text(2);
    p.kind = kind == "cas"    ? Provider::Kind::kCas
             : kind == "saml" ? Provider::Kind::kSaml
                              : Provider::Kind::kOidc;
    p.name = st.text(3);
    p.issuer = st.text(4);
    p.client_id = st.text(5);
    p.client_secret = st.text(6);
    p.authorize_url = st.text(7);
    p.token_url = st.text(8);
    p.userinfo_url = st.text(9);
    p.jwks_url = st.text(10);
    p.scopes = st.text(11);
    p.extra_params = st.text(12);
    p.cas_url = st.text(13);
    REPERE_ASSIGN_OR_RETURN(p.mapping, Mapping::parse(st.text(14)));
    p.idp_metadata = st.text(15);
    p.sp_key_pem = st.text(16);
    p.sp_cert_pem = st.text(17);
    out.push_back(std::move(p));
  }
  return out;
}

std::string text_of(const json& j, const char* key) {
  const auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

std::string without_slash(std::string s) {
  while (!s.empty() && s.back() == '/') s.pop_back();
  return s;
}

}  // namespace

const char* kind_name(Provider::Kind k) {
  switch (k) {
    case Provider::Kind::kCas: return "cas";
    case Provider::Kind::kSaml: return "saml";
    case Provider::Kind::kOidc: return "oidc";
  }
  return "oidc";
}

Status discover(Provider& p, const std::string& issuer_or_url, const Fetcher& fetch) {
  const bool is_document = issuer_or_url.find("/.well-known/") != std::string::npos;
  const std::string url = is_document
                              ? issuer_or_url
                              : without_slash(issuer_or_url) + "/.well-known/openid-configuration";
  REPERE_RETURN_IF_ERROR(need_url("discovery URL", url));
  auto body = fetch(url);
  if (!body.is_ok())
    return Status::unavailable("the discovery document " + url +
                               " could not be read: " + body.status().message());
  const json doc = json::parse(*body, nullptr, false);
  if (!doc.is_object())
    return Status::invalid_argument("the discovery document " + url + " is not JSON");
  const std::string issuer = text_of(doc, "issuer");
  if (issuer.empty()) return Status::invalid_argument("the discovery document has no issuer");
  if (!is_document && without_slash(issuer) != without_slash(issuer_or_url))
    return Status::invalid_argument("the discovery document's issuer \"" + issuer +
                                    "\" is not the one asked for (\"" + issuer_or_url + "\")");
  p.issuer = issuer;
  p.authorize_url = text_of(doc, "authorization_endpoint");
  p.token_url = text_of(doc, "token_endpoint");
  p.userinfo_url = text_of(doc, "userinfo_endpoint");
  p.jwks_url = text_of(doc, "jwks_uri");
  if (p.authorize_url.empty() || p.token_url.empty() || p.jwks_url.empty())
    return Status::invalid_argument(
        "the discovery document lacks authorization_endpoint, token_endpoint or jwks_uri");
  return Status::ok();
}

Result<Provider> ProviderStore::put(const Provider& p) {
  REPERE_RETURN_IF_ERROR(check(p));
  REPERE_ASSIGN_OR_RETURN(
      auto st,
      db_.prepare(
          "INSERT INTO sso_provider(slug, kind, name, issuer, client_id, client_secret, "
          "authorize_url, token_url, userinfo_url, jwks_url, scopes, extra_params, "
          "cas_url, mapping, idp_metadata, sp_key_pem, sp_cert_pem) VALUES (?1, ?2, ?3, "
          "?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17) ON "
          "CONFLICT(slug) DO UPDATE SET kind = excluded.kind, name = "
          "excluded.name, issuer = excluded.issuer, client_id = excluded.client_id, "
          "client_secret = excluded.client_secret, authorize_url = "
          "excluded.authorize_url, token_url = excluded.token_url, userinfo_url = "
          "excluded.userinfo_url, jwks_url = excluded.jwks_url, scopes = "
          "excluded.scopes, extra_params = excluded.extra_params, cas_url = "
          "excluded.cas_url, mapping = excluded.mapping, idp_metadata = excluded.idp_metadata, "
          "sp_key_pem = excluded.sp_key_pem, sp_cert_pem = excluded.sp_cert_pem, jwks = '', "
          "jwks_fetched = 0"));
  st.bind(1, p.slug)
      .bind(2, kind_name(p.kind))
      .bind(3, p.name)
      .bind(4, p.issuer)
      .bind(5, p.client_id)
      .bind(6, p.client_secret)
      .bind(7, p.authorize_url)
      .bind(8, p.token_url)
      .bind(9, p.userinfo_url)
      .bind(10, p.jwks_url)
      .bind(11, p.scopes)
      .bind(12, p.extra_params)
      .bind(13, p.cas_url)
      .bind(14, p.mapping.to_json())
      .bind(15, p.idp_metadata)
      .bind(16, p.sp_key_pem)
      .bind(17, p.sp_cert_pem);
  REPERE_RETURN_IF_ERROR(st.run());
  return by_slug(p.slug);
}

Result<std::vector<Provider>> ProviderStore::list() {
  REPERE_ASSIGN_OR_RETURN(auto st, db_.prepare(std::string(kColumns) + "ORDER BY name, id"));
  return read(st);
}

Result<Provider> ProviderStore::get(Id id) {
  REPERE_ASSIGN_OR_RETURN(auto st, db_.prepare(std::string(kColumns) + "WHERE id = ?1"));
  st.bind(1, id);
  REPERE_ASSIGN_OR_RETURN(auto found, read(st));
  if (found.empty()) return Status::not_found("no identity provider " + std::to_string(id));
  return std::move(found.front());
}

Result<Provider> ProviderStore::by_slug(const std::string& slug) {
  REPERE_ASSIGN_OR_RETURN(auto st, db_.prepare(std::string(kColumns) + "WHERE slug = ?1"));
  st.bind(1, slug);
  REPERE_ASSIGN_OR_RETURN(auto found, read(st));
  if (found.empty()) return Status::not_found("no identity provider named \"" + slug + "\"");
  return std::move(found.front());
}

Status ProviderStore::remove(const std::string& slug) {
  REPERE_ASSIGN_OR_RETURN(auto st, db_.prepare("DELETE FROM sso_provider WHERE slug = ?1"));
  REPERE_RETURN_IF_ERROR(st.bind(1, slug).run());
  if (db_.changes() == 0) return Status::not_found("no identity provider named \"" + slug + "\"");
  return Status::ok();
}

Result<std::pair<std::string, std::int64_t>> ProviderStore::cached_keys(Id id) {
  REPERE_ASSIGN_OR_RETURN(auto st,
                          db_.prepare("SELECT jwks, jwks_fetched FROM sso_provider WHERE id = ?1"));
  st.bind(1, id);
  REPERE_ASSIGN_OR_RETURN(const bool found, st.step());
  if (!found) return Status::not_found("no identity provider " + std::to_string(id));
  return std::make_pair(st.text(0), st.int64(1));
}

Status ProviderStore::cache_keys(Id id, const std::string& jwks, std::int64_t now) {
  REPERE_ASSIGN_OR_RETURN(
      auto st, db_.prepare("UPDATE sso_provider SET jwks = ?2, jwks_fetched = ?3 WHERE id = ?1"));
  return st.bind(1, id).bind(2, jwks).bind(3, now).run();
}

}  // namespace repere::sso
