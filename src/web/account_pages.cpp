// Signing in and out: the login form, server-side sessions, throttled failures.
#include "account_pages.h"

#include "access.h"
#include "answers.h"
#include "context.h"
#include "http.h"
#include "render.h"
#include "repere/auth/audit.h"
#include "repere/core/text.h"
#include "sso_pages.h"

namespace repere::web {
namespace {

void login_form(Context& ctx, http::Response& res, const std::string& suite,
                const std::string& login, const std::string& error, int status) {
  data page;
  page.set("suite", local_path(suite));
  add_sso_providers(ctx, local_path(suite), page);
  page.set("login", login);
  if (!error.empty()) page.set("error", error);
  send_page(res, render("connexion", page, "Se connecter"), status);
  res.set_header("Cache-Control", "no-store");
}

void refuse(http::Response& res, int wait) {
  error_page(res, 429, "Trop d'essais",
             "Trop de mots de passe erronés. Réessayez dans " + std::to_string((wait + 59) / 60) +
                 " minute" + (wait > 60 ? "s" : "") +
                 ", ou demandez un nouveau mot de passe à un "
                 "administrateur.");
  res.set_header("Retry-After", std::to_string(wait));
}

}  // namespace

void page_login(Context& ctx, const http::Request& req, http::Response& res) {
  const Viewer& v = viewer_of(req);
  if (v.signed_in()) {
    res.status = 303;
    res.set_header("Location", local_path(req.get_param_value("suite")));
    return;
  }
  login_form(ctx, res, req.get_param_value("suite"), "", "", 200);
}

void page_login_post(Context& ctx, const http::Request& req, http::Response& res) {
  const std::string login = req.get_param_value("identifiant").substr(0, 64);
  const std::string password = req.get_param_value("mot_de_passe");
  const std::string suite = req.get_param_value("suite");
  const std::string account = text::fold(login);
  const int wait = std::max(ctx.login_failures_by_address.wait_seconds(req.remote_addr),
                            ctx.login_failures_by_account.wait_seconds(account));
  if (wait > 0) return refuse(res, wait);
  auto db = ctx.catalog_for_writing();
  if (!db.is_ok()) return error_page(res, db.status(), "Connexion impossible");
  const auto user = auth::UserStore(**db).authenticate(login, password);
  auth::AuditLog audit(**db);
  if (!user.is_ok()) {
    if (user.status().code() != StatusCode::kUnauthenticated)
      return error_page(res, user.status(), "Connexion impossible");
    ctx.login_failures_by_address.note(req.remote_addr);
    ctx.login_failures_by_account.note(account);
    (void)audit.record("address:" + req.remote_addr, "login.failed", "user:" + login);
    return login_form(ctx, res, suite, login,
                      "Identifiant ou mot de passe incorrect. Vérifiez-les et réessayez.", 401);
  }
  const auto session = auth::SessionStore(**db, ctx.session_limits).start(*user, req.remote_addr);
  if (!session.is_ok()) return error_page(res, session.status(), "Connexion impossible");
  (void)audit.record(user->actor(), "login", "user:" + user->login, "from " + req.remote_addr);
  res.status = 303;
  res.set_header("Set-Cookie", session_cookie(ctx, req, session->token));
  res.set_header("Location", local_path(suite));
  res.set_header("Cache-Control", "no-store");
}

void page_logout(Context& ctx, const http::Request& req, http::Response& res) {
  const std::string token = cookie(req, kSessionCookie);
  if (!token.empty()) {
    auto db = ctx.catalog_for_writing();
    if (!db.is_ok()) return error_page(res, db.status(), "Déconnexion impossible");
    const Status ended = auth::SessionStore(**db, ctx.session_limits).end(token);
    if (!ended.is_ok()) return error_page(res, ended, "Déconnexion impossible");
    const Viewer& v = viewer_of(req);
    if (v.signed_in())
      (void)auth::AuditLog(**db).record(v.actor(), "logout", "user:" + v.session->user.login);
  }
  // A session from a SAML IdP ends there too (single logout).
  const std::string slo = saml_logout_url(ctx, token);
  res.status = 303;
  res.set_header("Set-Cookie", ended_session_cookie(ctx, req));
  res.set_header("Location", slo.empty() ? "/" : slo);
}

}  // namespace repere::web
