// Repère as a SAML 2.0 service provider, on Lasso (the SAML library of French public
// services) and xmlsec: the SP's metadata published at its entityID (the GAR's rule: the
// entityID is the metadata URL), AuthnRequests signed with the SP's key (HTTP-Redirect), and
// the IdP's answer (HTTP-POST) verified — the signature against the key of the IdP's metadata,
// the issuer, the audience, the recipient, the validity window, InResponseTo the request this
// login sent, and each assertion used once; then single logout.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "repere/catalog/database.h"
#include "repere/core/result.h"
#include "repere/sso/identity.h"
#include "repere/sso/providers.h"

namespace repere::sso {

// The SP's own key and self-signed certificate (RSA-2048, ten years), made when a SAML
// provider is declared. Errors: internal.
struct SpKeys {
  std::string key_pem;
  std::string cert_pem;
};
Result<SpKeys> make_sp_keys(const std::string& common_name);

// This SP's addresses for a provider: entityID = metadata URL …/sso/SLUG/metadata, assertion
// consumer …/sso/SLUG/acs (POST), single logout …/sso/SLUG/slo (Redirect).
struct SpUrls {
  std::string entity_id, acs, slo;
};
SpUrls sp_urls(const std::string& base_url, const std::string& slug);

// The SP's metadata (EntityDescriptor), AuthnRequestsSigned and WantAssertionsSigned.
std::string sp_metadata(const Provider& p, const SpUrls& urls);

// The entityID of an IdP's metadata, checking that it describes an IdP (IDPSSODescriptor)
// with a signing certificate. Errors: invalid_argument naming what is missing.
Result<std::string> idp_entity_id(const std::string& metadata);

struct SamlRedirect {
  std::string url;           // the IdP's SSO URL (HTTP-POST binding)
  std::string saml_request;  // the signed AuthnRequest, base64: the form's SAMLRequest
  std::string request_id;    // what its answer's InResponseTo must be
};
// A signed AuthnRequest for the browser to post to the IdP (HTTP-POST binding: the request
// and its RelayState survive the IdP's own login form), asking for an HTTP-POST answer.
Result<SamlRedirect> authn_request(const Provider& p, const SpUrls& urls,
                                   const std::string& relay_state);

struct SamlAnswer {
  std::string name_id;
  Attributes attributes;
  std::string session_index;
  std::string session_dump;  // Lasso's session, for single logout
};
// Verifies a SAMLResponse (base64, HTTP-POST) answering `request_id`, and records its
// assertion as used. Errors: unauthenticated with the reason.
Result<SamlAnswer> finish_saml(catalog::Database& db, const Provider& p, const SpUrls& urls,
                               const std::string& saml_response, const std::string& request_id,
                               std::int64_t now);

// A signed LogoutRequest for the session a login made (HTTP-Redirect URL). Errors:
// unavailable (the IdP has no single logout service), internal.
Result<std::string> logout_request(const Provider& p, const SpUrls& urls,
                                   const std::string& session_dump);
// Checks the IdP's LogoutResponse (the query string it came back with). Errors:
// unauthenticated.
Status logout_response(const Provider& p, const SpUrls& urls, const std::string& query);

// The Lasso session of a SAML sign-on, kept under the token of the Repère session it started
// (a teacher's session or a pupil's ENT session), and taken back (removed) at logout:
// nullopt when that session did not come from SAML.
struct SamlSession {
  Id provider_id = 0;
  std::string dump;
};
Status remember_saml_session(catalog::Database& db, const std::string& session_token,
                             Id provider_id, const std::string& dump, std::int64_t now);
Result<std::optional<SamlSession>> take_saml_session(catalog::Database& db,
                                                     const std::string& session_token);

}  // namespace repere::sso
