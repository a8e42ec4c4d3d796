#include "access.h"

#include <cctype>

#include "answers.h"
#include "context.h"
#include "http.h"
#include "render.h"
#include "repere/catalog/contents.h"
#include "repere/core/text.h"
#include "repere/search/search.h"

namespace repere::web {
namespace {

const Viewer& anonymous() {
  static const Viewer kAnonymous;
  return kAnonymous;
}

}  // namespace

bool secure_cookie(const Context& ctx, const http::Request& req) {
  if (ctx.secure_cookies == "always") return true;
  if (ctx.secure_cookies == "never") return false;
  return req.secure;
}

std::string framed_cookie_attributes(const Context& ctx, const http::Request& req) {
  return secure_cookie(ctx, req) ? "; SameSite=None; Secure" : "; SameSite=Lax";
}

namespace {

std::string account_links(const Viewer& viewer) {
  if (!viewer.signed_in()) {
    return "<nav class=\"compte\" aria-label=\"Compte\"><a href=\"/connexion\">Se connecter"
           "</a></nav>";
  }
  const auth::User& u = viewer.session->user;
  std::string out =
      "<nav class=\"compte\" aria-label=\"Mon compte\"><span class=\"qui\">" +
      text::escape_html(u.display_name()) + " <span class=\"role\">(" +
      std::string(auth::role_label(u.role)) +
      ")</span></span> <a href=\"/activites\">Mes activités</a> <a href=\"/cours\">Mes cours</a>";
  if (viewer.can(auth::Role::kCurator))
    out += " <a href=\"/gestion\">Gestion</a> <a href=\"/gestion/relecture\">Relecture</a>";
  if (viewer.can(auth::Role::kAdmin))
    out += " <a href=\"/gestion/journal\">Journal</a> <a href=\"/gestion/lti\">Plateformes LTI</a>";
  out +=
      " <form method=\"post\" action=\"/deconnexion\" class=\"deconnexion\"><button "
      "type=\"submit\">Se déconnecter</button></form></nav>";
  return out;
}

// Inserts the CSRF field after the opening tag of every POST form.
void add_csrf_fields(std::string& html, const std::string& csrf) {
  const std::string field = "<input type=\"hidden\" name=\"csrf\" value=\"" + csrf + "\">";
  std::size_t at = 0;
  while ((at = html.find("<form", at)) != std::string::npos) {
    const std::size_t end = html.find('>', at);
    if (end == std::string::npos) return;
    std::string tag = html.substr(at, end - at);
    for (char& c : tag) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (tag.find("method=\"post\"") != std::string::npos) {
      html.insert(end + 1, field);
      at = end + 1 + field.size();
    } else {
      at = end + 1;
    }
  }
}

void replace_once(std::string& s, const std::string& marker, const std::string& with) {
  const std::size_t at = s.find(marker);
  if (at != std::string::npos) s.replace(at, marker.size(), with);
}

}  // namespace

const Viewer& viewer_of(const http::Request& req) {
  return req.viewer != nullptr ? *req.viewer : anonymous();
}

std::string local_path(const std::string& wanted) {
  if (wanted.empty() || wanted[0] != '/' || wanted.starts_with("//") ||
      wanted.find('\\') != std::string::npos || wanted.find_first_of("\r\n") != std::string::npos)
    return "/";
  return wanted.substr(0, 500);
}

std::string cookie(const http::Request& req, const std::string& name) {
  const std::string all = req.get_header_value("Cookie");
  std::size_t at = 0;
  while (at < all.size()) {
    std::size_t end = all.find(';', at);
    if (end == std::string::npos) end = all.size();
    std::string part = all.substr(at, end - at);
    while (!part.empty() && part.front() == ' ') part.erase(0, 1);
    if (part.rfind(name + "=", 0) == 0) return part.substr(name.size() + 1);
    at = end + 1;
  }
  return "";
}

Viewer identify(Context& ctx, const http::Request& req) {
  Viewer v;
  const std::string token = cookie(req, kSessionCookie);
  if (token.empty()) return v;
  auto db = ctx.catalog_for_writing();
  if (!db.is_ok()) return v;
  auto session = auth::SessionStore(**db, ctx.session_limits).resume(token);
  if (session.is_ok()) v.session = std::move(*session);
  return v;
}

bool may_see(const Viewer& viewer, const catalog::Content& content) {
  return content.status == catalog::EditorialStatus::kPublished || viewer.sees_unpublished();
}

Result<catalog::Content> content_for(catalog::Database& db, const Viewer& viewer, catalog::Id id) {
  auto c = catalog::ContentRepository(db).get(id);
  if (c.is_ok() && !may_see(viewer, *c))
    return Status::not_found("no content with id " + std::to_string(id));
  return c;
}

Status check_visible(Context& ctx, const http::Request& req, catalog::Id id) {
  auto db = ctx.catalog();
  if (!db.is_ok()) return db.status();
  return content_for(**db, viewer_of(req), id).status();
}

void limit_search(const Viewer& viewer, search::SearchRequest& request) {
  request.include_unpublished = viewer.sees_unpublished();
}

bool changes_state(const http::Request& req) {
  // An LTI platform's posts (a login to begin, an id_token) carry no CSRF token: a signed
  // token and a single-use state are what they are checked by (lti_pages.cpp).
  if (req.path == "/lti/login" || req.path == "/lti/launch") return false;
  // A SAML IdP's answer (HTTP-POST binding): its signature, InResponseTo and single-use
  // RelayState are what it is checked by (sso_pages.cpp).
  if (req.path.rfind("/sso/", 0) == 0 && req.path.size() > 4 &&
      req.path.compare(req.path.size() - 4, 4, "/acs") == 0)
    return false;
  return req.method == "POST" || req.method == "PUT" || req.method == "DELETE";
}

bool carries_csrf_token(const http::Request& req, const Viewer& viewer) {
  if (!viewer.signed_in()) return true;
  // An upload's token is a field of its multipart body, which its handler reads and checks.
  if (!req.body_file.empty() && !req.has_header("X-CSRF-Token")) return true;
  const std::string sent = req.has_header("X-CSRF-Token") ? req.get_header_value("X-CSRF-Token")
                                                          : req.get_param_value("csrf");
  return auth::same_token(sent, viewer.session->csrf);
}

bool require_role(const http::Request& req, http::Response& res, auth::Role role, bool api) {
  const Viewer& v = viewer_of(req);
  if (v.can(role)) return true;
  if (api) {
    if (!v.signed_in()) {
      problem(res, 401, "Unauthorized", "sign in first (POST /connexion)");
    } else {
      problem(res, 403, "Forbidden", "your role may not do this");
    }
    return false;
  }
  if (!v.signed_in()) {
    res.status = 303;
    res.set_header("Location", "/connexion?suite=" + url_encode(req.target.substr(0, 500)));
    return false;
  }
  error_page(res, 403, "Accès réservé",
             "Cette page est réservée aux " +
                 std::string(role == auth::Role::kAdmin ? "administrateurs"
                                                        : "conservateurs de la médiathèque") +
                 ". Demandez l'accès à un administrateur.");
  return false;
}

std::string session_cookie(const Context& ctx, const http::Request& req, const std::string& token) {
  return std::string(kSessionCookie) + "=" + token + "; Path=/; HttpOnly; SameSite=Lax" +
         (secure_cookie(ctx, req) ? "; Secure" : "");
}

std::string ended_session_cookie(const Context& ctx, const http::Request& req) {
  return std::string(kSessionCookie) + "=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax" +
         (secure_cookie(ctx, req) ? "; Secure" : "");
}

void decorate_page(http::Response& res, const Viewer& viewer) {
  if (res.body.empty() || !res.get_header_value("Content-Type").starts_with("text/html")) return;
  replace_once(res.body, "<!--compte-->", account_links(viewer));
  if (!viewer.signed_in()) return;
  replace_once(res.body, "<!--csrf-->",
               "<meta name=\"csrf-token\" content=\"" + viewer.session->csrf + "\">");
  add_csrf_fields(res.body, viewer.session->csrf);
}

}  // namespace repere::web
