// Repère as an OpenID Connect relying party: the authorisation request (code flow, PKCE S256,
// state and nonce), and the checks of what comes back — the code exchanged at the token
// endpoint, the id_token's signature against the provider's key set (cached a day, fetched
// again for an unknown kid: key rotation), iss, aud/azp, exp/iat, nonce; then userinfo.
#pragma once

#include <cstdint>
#include <string>

#include "repere/catalog/database.h"
#include "repere/core/result.h"
#include "repere/lti/services.h"
#include "repere/sso/identity.h"
#include "repere/sso/providers.h"

namespace repere::sso {

// The provider's authorisation URL for a begun login; `redirect_uri` is this site's
// /sso/SLUG/retour.
std::string authorization_url(const Provider& p, const std::string& redirect_uri,
                              const std::string& state, const std::string& nonce,
                              const std::string& challenge);

struct OidcClient {
  lti::Poster post;  // token endpoint
  lti::Getter get;   // userinfo (with the access token)
  Fetcher fetch;     // key set
};

// What the provider says of the person: the id_token's claims, then userinfo's (same sub).
struct OidcAnswer {
  std::string subject;
  Attributes attributes;
};
// Exchanges `code` and checks everything. Errors: unauthenticated with the reason (the log
// line), unavailable when the provider does not answer.
Result<OidcAnswer> finish_oidc(catalog::Database& db, const Provider& p, const std::string& code,
                               const std::string& redirect_uri, const std::string& nonce,
                               const std::string& verifier, std::int64_t now,
                               const OidcClient& client);

// The id_token checks alone (signature with the cached or fetched key set, iss, aud/azp,
// exp/iat with 60 s of leeway, nonce); the claims as attributes. Errors: unauthenticated.
Result<OidcAnswer> check_id_token(catalog::Database& db, const Provider& p,
                                  const std::string& id_token, const std::string& nonce,
                                  std::int64_t now, const Fetcher& fetch);

}  // namespace repere::sso
