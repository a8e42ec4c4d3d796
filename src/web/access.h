// Who is asking, and what they may see. Staff sign in (a session cookie); pupils and anonymous
// readers do not. The one rule of visibility: teachers, pupils and anonymous calls see only
// published contents; curators and admins see every status. Every route that serves a content
// goes through content_for(), and search through search_for(). Internal to src/web.
#pragma once

#include <optional>
#include <string>

#include "repere/auth/accounts.h"
#include "repere/auth/sessions.h"
#include "repere/catalog/types.h"
#include "repere/core/result.h"

namespace repere::catalog {
class Database;
}  // namespace repere::catalog

namespace repere::search {
struct SearchRequest;
}  // namespace repere::search

namespace repere::web::http {
struct Request;
struct Response;
}  // namespace repere::web::http

namespace repere::web {

struct Context;

inline constexpr const char* kSessionCookie = "repere_session";

struct Viewer {
  std::optional<auth::Session> session;  // none: a pupil or an anonymous reader
  bool signed_in() const { return session.has_value(); }
  bool can(auth::Role role) const { return session && session->user.can(role); }
  bool sees_unpublished() const { return can(auth::Role::kCurator); }
  // "user:camille", or "anonymous".
  std::string actor() const { return session ? session->user.actor() : "anonymous"; }
};

// The request's viewer (an anonymous one when the server set none).
const Viewer& viewer_of(const http::Request& req);
// Where to go back to after a form (`suite`): a path of this site only (never "//elsewhere" or
// a URL); "/" otherwise.
std::string local_path(const std::string& wanted);
// The value of a cookie of the request, "" when absent.
std::string cookie(const http::Request& req, const std::string& name);
// The viewer of a request: the staff session its cookie names, if live.
Viewer identify(Context& ctx, const http::Request& req);

// May this viewer see this content?
bool may_see(const Viewer& viewer, const catalog::Content& content);
// Content `id` as `viewer` may see it. Errors: not_found — the same for a content that does
// not exist and one the viewer may not see, so that drafts cannot be discovered.
Result<catalog::Content> content_for(catalog::Database& db, const Viewer& viewer, catalog::Id id);
// OK when the request's viewer may see content `id` (an activity's clip, before it is played,
// exported or made); not_found otherwise, as content_for.
Status check_visible(Context& ctx, const http::Request& req, catalog::Id id);
// Narrows a search to what the viewer may see.
void limit_search(const Viewer& viewer, search::SearchRequest& request);

// The CSRF rule: a request that changes something (POST, PUT, DELETE) and carries a live
// session must carry its token (form field `csrf` or header X-CSRF-Token).
bool changes_state(const http::Request& req);
bool carries_csrf_token(const http::Request& req, const Viewer& viewer);

// Role checks for staff routes: false (and the answer written: a page that sends to the login,
// 403, or a problem for the API) when the viewer may not. `api`: answer with a problem.
bool require_role(const http::Request& req, http::Response& res, auth::Role role, bool api);

// Cookies are Secure when web.secure_cookies says so (auto: the request came over HTTPS).
bool secure_cookie(const Context& ctx, const http::Request& req);
// The attributes of a cookie that must work inside a platform's frame (LTI launches):
// "; SameSite=None; Secure" over HTTPS; "; SameSite=Lax" otherwise (browsers refuse
// SameSite=None without Secure).
std::string framed_cookie_attributes(const Context& ctx, const http::Request& req);

// The session cookie for a new session, or one that ends it.
std::string session_cookie(const Context& ctx, const http::Request& req, const std::string& token);
std::string ended_session_cookie(const Context& ctx, const http::Request& req);

// Adds the viewer's part to an HTML page: the account links in the header (« Se connecter »,
// or the name, « Mes activités », « Gestion », « Se déconnecter »), and when signed in the
// CSRF token in every POST form and in a meta tag for the scripts.
void decorate_page(http::Response& res, const Viewer& viewer);

}  // namespace repere::web
