// The identity providers an operator declared: OpenID Connect providers (by their discovery
// document or by hand), CAS servers and SAML 2.0 IdPs (by their metadata), each with the
// mapping of its attributes.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "repere/catalog/database.h"
#include "repere/core/result.h"
#include "repere/sso/identity.h"

namespace repere::sso {

using Id = std::int64_t;

struct Provider {
  enum class Kind { kOidc, kCas, kSaml };
  Id id = 0;
  std::string slug;  // [a-z0-9-]{1,40}: /sso/SLUG/connexion
  Kind kind = Kind::kOidc;
  std::string name;  // shown on the login page: « Se connecter avec NAME »
  // OpenID Connect: the issuer; SAML: the IdP's entityID (from its metadata).
  std::string issuer;
  std::string client_id;
  std::string client_secret;
  std::string authorize_url;
  std::string token_url;
  std::string userinfo_url;  // "" : the id_token's claims only
  std::string jwks_url;
  std::string scopes = "openid";  // GAR: "openid scope.gar"
  std::string extra_params;       // "idRessource=ark:/…&x=y", added to the request
  // CAS: the server's base URL ("https://cas.example/cas"; /login and /p3/serviceValidate
  // are under it).
  std::string cas_url;
  // SAML: the IdP's metadata (EntityDescriptor), and this SP's key and certificate for it.
  std::string idp_metadata;
  std::string sp_key_pem;
  std::string sp_cert_pem;
  Mapping mapping;
};

const char* kind_name(Provider::Kind k);  // "oidc", "cas", "saml"

// Fetches a URL's body (200 only). Errors: unavailable.
using Fetcher = std::function<Result<std::string>(const std::string& url)>;

// Fills an OIDC provider's issuer and endpoints from its discovery document
// (ISSUER/.well-known/openid-configuration, or the document's own URL). Errors: unavailable
// (no answer), invalid_argument (a document without issuer, authorization, token or jwks
// endpoint, or whose issuer is not the one asked for).
Status discover(Provider& p, const std::string& issuer_or_url, const Fetcher& fetch);

class ProviderStore {
 public:
  explicit ProviderStore(catalog::Database& db) : db_(db) {}

  // Adds or replaces (by slug) a provider. Errors: invalid_argument naming the field (a bad
  // slug, a URL that is not http(s), a missing client id, endpoint or CAS URL, IdP metadata
  // that is not an IdP's, an SP without its key).
  Result<Provider> put(const Provider& p);
  Result<std::vector<Provider>> list();
  Result<Provider> get(Id id);
  Result<Provider> by_slug(const std::string& slug);  // not_found
  Status remove(const std::string& slug);             // not_found

  // The cached key set of an OIDC provider and when it was fetched (0: never).
  Result<std::pair<std::string, std::int64_t>> cached_keys(Id id);
  Status cache_keys(Id id, const std::string& jwks, std::int64_t now);

 private:
  catalog::Database& db_;
};

}  // namespace repere::sso
