// Logins in progress: what Repère sent a provider (a state, an OIDC nonce and PKCE verifier,
// where to go after) and takes back, once, within 10 minutes.
#pragma once

#include <cstdint>
#include <string>

#include "repere/catalog/database.h"
#include "repere/core/result.h"

namespace repere::sso {

using Id = std::int64_t;

// Where a person asked to go after signing in must be a path of this site: "/…", not
// "//host", no backslash, no control character, at most 500 bytes.
bool is_local_path(const std::string& path);

struct Begun {
  std::string state;      // sent to the provider (43 base64url characters)
  std::string nonce;      // OIDC only
  std::string verifier;   // PKCE code_verifier (OIDC only)
  std::string challenge;  // its S256 challenge
};

// Records a login to provider `provider_id` that returns to `return_path`.
// Errors: invalid_argument when return_path is not a local path.
Result<Begun> begin_login(catalog::Database& db, Id provider_id, const std::string& return_path,
                          std::int64_t now);

// Keeps, with a begun login, the id of the SAML AuthnRequest it sent (its answer's
// InResponseTo), in place of the nonce. Errors: not_found.
Status attach_request_id(catalog::Database& db, const std::string& state,
                         const std::string& request_id);

struct Pending {
  Id provider_id = 0;
  std::string nonce;  // OIDC: the nonce; SAML: the AuthnRequest's id
  std::string verifier;
  std::string return_path;
};
// The login `state` began, used up now. Errors: unauthenticated (unknown, already used, or
// older than 10 minutes, or begun for another provider).
Result<Pending> take_login(catalog::Database& db, const std::string& state, Id provider_id,
                           std::int64_t now);

// S256 PKCE challenge of a verifier (RFC 7636): base64url(SHA-256(verifier)).
std::string pkce_challenge(const std::string& verifier);

}  // namespace repere::sso
