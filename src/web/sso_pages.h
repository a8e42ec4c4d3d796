// Single sign-on from the schools' identity providers (docs/sso.md): the way out to a provider
// and the way back (/sso/NAME/connexion, /sso/NAME/retour), and the ENT pages (/ent) where a
// teacher shares an activity or a course with one of her ENT classes and a pupil finds what
// was shared with hers. Every refusal is logged with its reason and starts no session.
// Internal to src/web.
#pragma once

#include "render.h"

namespace repere::web {

struct Context;
namespace http {
struct Request;
struct Response;
}  // namespace http

void sso_begin(Context& ctx, const http::Request& req, http::Response& res);
// SAML: the SP's metadata (at its entityID), the assertion consumer (POST), single logout.
void sso_metadata(Context& ctx, const http::Request& req, http::Response& res);
void sso_acs(Context& ctx, const http::Request& req, http::Response& res);
void sso_slo(Context& ctx, const http::Request& req, http::Response& res);
// The way out to the IdP's single logout, after Repère's own logout (/sso/NAME/depart/TOKEN).
void sso_departure(Context& ctx, const http::Request& req, http::Response& res);
void sso_return(Context& ctx, const http::Request& req, http::Response& res);
void page_ent(Context& ctx, const http::Request& req, http::Response& res);
void page_ent_share(Context& ctx, const http::Request& req, http::Response& res);
void page_ent_seat(Context& ctx, const http::Request& req, http::Response& res);
void page_ent_leave(Context& ctx, const http::Request& req, http::Response& res);

// When the session of `token` (a teacher's, or a pupil's ENT session) came from a SAML IdP:
// the page of this site to send the browser to after ending it here, which sends it on to the
// IdP with a signed LogoutRequest (single logout); "" otherwise.
std::string saml_logout_url(Context& ctx, const std::string& token);

// The providers' buttons for the login page (`providers`, `has_providers`), going back to
// `suite` after.
void add_sso_providers(Context& ctx, const std::string& suite, data& page);

}  // namespace repere::web
