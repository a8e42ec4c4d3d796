// Single sign-on routes (docs/sso.md).
#include "sso_pages.h"

#include <httplib.h>

#include "access.h"
#include "context.h"
#include "http.h"
#include "render.h"
#include "repere/auth/audit.h"
#include "repere/courses/store.h"
#include "repere/learn/store.h"
#include "repere/lti/registry.h"
#include "repere/lti/services.h"
#include "repere/sso/cas.h"
#include "repere/sso/logins.h"
#include "repere/sso/oidc.h"
#include "repere/sso/people.h"
#include "repere/sso/saml.h"

namespace repere::web {

namespace {

using Id = std::int64_t;

constexpr const char* kStateCookie = "repere_sso_etat";
constexpr const char* kPupilCookie = "repere_ent";

void go(http::Response& res, const std::string& to) {
  res.status = 303;
  res.set_header("Location", to);
  res.set_header("Cache-Control", "no-store");
}

void warn(Context& ctx, const std::string& line) {
  if (ctx.warn) ctx.warn(line);
}

std::string cookie_attributes(const Context& ctx, const http::Request& req) {
  return std::string("; HttpOnly; SameSite=Lax") + (secure_cookie(ctx, req) ? "; Secure" : "");
}

std::string return_url(const Context& ctx, const sso::Provider& p) {
  return base_url(ctx) + "/sso/" + p.slug + "/retour";
}

// The CAS service URL: the way back, with the state (CAS has no state parameter of its own).
std::string cas_service(const Context& ctx, const sso::Provider& p, const std::string& state) {
  return return_url(ctx, p) + "?etat=" + httplib::detail::encode_query_param(state);
}

// A refused sign-on: one log line with the reason, an audit event, a page without the details.
void refuse(Context& ctx, const http::Request& req, http::Response& res, const std::string& who,
            const Status& why) {
  warn(ctx,
       "sign-on from " + who + " refused: " + why.message() + " (from " + req.remote_addr + ")");
  if (auto db = ctx.catalog_for_writing(); db.is_ok())
    (void)auth::AuditLog(**db).record("address:" + req.remote_addr, "sso.refused", "sso:" + who,
                                      why.message().substr(0, 500));
  res.add_header("Set-Cookie", std::string(kStateCookie) + "=; Path=/sso/; Max-Age=0" +
                                   cookie_attributes(ctx, req));
  if (why.code() == StatusCode::kUnavailable) {
    return error_page(res, 502, "Service d'identité injoignable",
                      "Le service d'identité de votre établissement n'a pas répondu à Repère. "
                      "Réessayez dans un moment ; si cela dure, prévenez l'administrateur.");
  }
  if (why.code() == StatusCode::kPermissionDenied) {
    return error_page(res, 403, "Accès non prévu",
                      "Votre ENT ne vous présente ni comme enseignant ni comme élève, ou votre "
                      "compte Repère est désactivé. Adressez-vous à l'administrateur de Repère.");
  }
  error_page(res, 401, "Connexion refusée",
             "Repère n'a pas pu vérifier la réponse de votre service d'identité. Reprenez la "
             "connexion depuis votre ENT ; si cela recommence, signalez-le à l'administrateur "
             "de Repère, qui en trouvera la raison dans son journal.");
}

Result<sso::Provider> provider_of(catalog::Database& db, const http::Request& req) {
  return sso::ProviderStore(db).by_slug(req.matches[1].str());
}

sso::SpUrls saml_urls(const Context& ctx, const sso::Provider& p) {
  return sso::sp_urls(base_url(ctx), p.slug);
}

// `saml_session`: Lasso's session of a SAML sign-on, kept for single logout.
void signed_on(Context& ctx, catalog::Database& db, const http::Request& req, http::Response& res,
               const sso::Provider& p, const sso::Attributes& attributes,
               const std::string& subject, const std::string& return_path,
               const std::string& saml_session = "") {
  const auto who = sso::map_identity(attributes, subject, p.mapping);
  if (!who.is_ok()) return refuse(ctx, req, res, p.slug, who.status());
  const auto arrival = sso::arrive(db, p, *who, lti::unix_now());
  if (!arrival.is_ok()) return refuse(ctx, req, res, p.slug, arrival.status());
  res.add_header("Set-Cookie", std::string(kStateCookie) + "=; Path=/sso/; Max-Age=0" +
                                   cookie_attributes(ctx, req));
  const bool chose = return_path != "/" && !return_path.empty();
  if (arrival->teacher) {
    const auto s =
        auth::SessionStore(db, ctx.session_limits).start(*arrival->teacher, req.remote_addr);
    if (!s.is_ok()) return error_page(res, s.status(), "Connexion impossible");
    (void)auth::AuditLog(db).record(arrival->teacher->actor(), "login",
                                    "user:" + arrival->teacher->login,
                                    "sign-on by " + p.slug + " (" + req.remote_addr + ")");
    if (!saml_session.empty())
      (void)sso::remember_saml_session(db, s->token, p.id, saml_session, lti::unix_now());
    res.add_header("Set-Cookie", session_cookie(ctx, req, s->token));
    return go(res, chose ? return_path : "/ent");
  }
  if (!saml_session.empty())
    (void)sso::remember_saml_session(db, arrival->pupil_session, p.id, saml_session,
                                     lti::unix_now());
  (void)auth::AuditLog(db).record("ent:" + std::to_string(arrival->person_id), "login",
                                  "sso:" + p.slug, "pupil (" + req.remote_addr + ")");
  res.add_header("Set-Cookie", std::string(kPupilCookie) + "=" + arrival->pupil_session +
                                   "; Path=/ent; Max-Age=28800" + cookie_attributes(ctx, req));
  go(res, "/ent");
}

data division_row(const sso::DivisionView& d) {
  data row;
  row.set("id", std::to_string(d.id));
  row.set("label", d.label);
  row.set("code", d.code);
  row.set("school", d.school);
  row.set("provider", d.provider);
  return row;
}

void teacher_page(catalog::Database& db, const http::Request& req, http::Response& res,
                  const auth::User& user) {
  const auto divisions = sso::divisions_of_user(db, user.id);
  if (!divisions.is_ok()) return error_page(res, divisions.status(), "Classes indisponibles");
  const auto activities = learn::ActivityStore(db).editable_by(user.id);
  const auto owned = courses::CourseStore(db).of_owner(user.id);
  if (!activities.is_ok() || !owned.is_ok())
    return error_page(res, 500, "Classes indisponibles", "Réessayez dans un moment.");
  list choices;
  for (const auto& a : *activities) {
    data c;
    c.set("value", "activite:" + std::to_string(a.id));
    c.set("title", "Vidéo interactive — " + a.title);
    choices.push_back(c);
  }
  for (const auto& c : *owned) {
    if (c.state != courses::CourseState::kPublished) continue;
    data row;
    row.set("value", "cours:" + std::to_string(c.id));
    row.set("title", "Cours — " + c.title);
    choices.push_back(row);
  }
  list rows;
  for (const auto& d : *divisions) {
    data row = division_row(d);
    const auto links = sso::links_of(db, {d.id});
    list shared;
    if (links.is_ok()) {
      for (const auto& l : *links) {
        data s;
        s.set("title", l.title);
        s.set("kind", l.kind == "activite" ? "Vidéo interactive" : "Cours");
        s.set("results", l.kind == "activite"
                             ? "/activites/" + std::to_string(l.target_id) +
                                   "/resultats?classe=" + std::to_string(l.class_id)
                             : "/cours/" + std::to_string(l.target_id) +
                                   "/progression?classe=" + std::to_string(l.class_id));
        shared.push_back(s);
      }
    }
    row.set("has_shared", !shared.empty());
    row.set("shared", shared);
    row.set("choices", choices);
    row.set("has_choices", !choices.empty());
    rows.push_back(row);
  }
  data page;
  page.set("teacher", true);
  page.set("divisions", rows);
  page.set("has_divisions", !rows.empty());
  if (req.has_param("ok")) page.set("ok", true);
  if (req.has_param("erreur")) page.set("error", req.get_param_value("erreur").substr(0, 200));
  send_page(res, render("ent", page, "Mes classes de l'ENT"));
  res.set_header("Cache-Control", "no-store");
}

void pupil_page(catalog::Database& db, http::Response& res, Id person) {
  const auto divisions = sso::divisions_of_person(db, person);
  if (!divisions.is_ok()) return error_page(res, divisions.status(), "Classes indisponibles");
  std::vector<Id> ids;
  list names;
  for (const auto& d : *divisions) {
    ids.push_back(d.id);
    names.push_back(division_row(d));
  }
  const auto links = sso::links_of(db, ids);
  if (!links.is_ok()) return error_page(res, links.status(), "Classes indisponibles");
  list rows;
  for (const auto& l : *links) {
    data row;
    row.set("title", l.title);
    row.set("kind", l.kind == "activite" ? "Vidéo interactive" : "Cours");
    row.set("href", "/ent/classe/" + l.kind + "/" + std::to_string(l.class_id));
    rows.push_back(row);
  }
  data page;
  page.set("pupil", true);
  page.set("classes", names);
  page.set("has_classes", !names.empty());
  page.set("items", rows);
  page.set("has_items", !rows.empty());
  send_page(res, render("ent", page, "Mes activités de classe"));
  res.set_header("Cache-Control", "no-store");
}

}  // namespace

void add_sso_providers(Context& ctx, const std::string& suite, data& page) {
  auto db = ctx.catalog();
  if (!db.is_ok()) return;
  const auto providers = sso::ProviderStore(**db).list();
  if (!providers.is_ok()) return;
  list rows;
  for (const sso::Provider& p : *providers) {
    data row;
    row.set("name", p.name);
    row.set("href", "/sso/" + p.slug + "/connexion" +
                        (sso::is_local_path(suite) && suite != "/"
                             ? "?suite=" + httplib::detail::encode_query_param(suite)
                             : ""));
    rows.push_back(row);
  }
  page.set("providers", rows);
  page.set("has_providers", !rows.empty());
}

void sso_begin(Context& ctx, const http::Request& req, http::Response& res) {
  auto db = ctx.catalog_for_writing();
  if (!db.is_ok()) return error_page(res, db.status(), "Médiathèque indisponible");
  const auto p = provider_of(**db, req);
  if (!p.is_ok())
    return error_page(res, 404, "Service d'identité inconnu",
                      "Repère ne connaît pas ce service d'identité. L'administrateur le déclare "
                      "avec « repere sso add-oidc » ou « repere sso add-cas ».");
  const std::string suite = req.has_param("suite") ? req.get_param_value("suite") : "/";
  const auto begun = sso::begin_login(**db, p->id, suite, lti::unix_now());
  if (!begun.is_ok()) {
    warn(ctx, "sign-on by " + p->slug + " refused before leaving: " + begun.status().message() +
                  " (from " + req.remote_addr + ")");
    return error_page(res, 400, "Adresse de retour refusée",
                      "Après la connexion, Repère ne renvoie que vers ses propres pages. "
                      "Reprenez la connexion depuis l'accueil de Repère.");
  }
  const bool saml = p->kind == sso::Provider::Kind::kSaml;
  // A SAML IdP posts its answer back from its own site: the cookie must be sent on that
  // cross-site POST (SameSite=None, possible over HTTPS only).
  res.add_header("Set-Cookie", std::string(kStateCookie) + "=" + begun->state + "; Path=/sso/" +
                                   p->slug + (saml ? "/acs" : "/retour") + "; Max-Age=600" +
                                   (saml ? "; HttpOnly" + framed_cookie_attributes(ctx, req)
                                         : cookie_attributes(ctx, req)));
  if (p->kind == sso::Provider::Kind::kCas)
    return go(res, sso::cas_login_url(*p, cas_service(ctx, *p, begun->state)));
  if (p->kind == sso::Provider::Kind::kSaml) {
    const auto request = sso::authn_request(*p, saml_urls(ctx, *p), begun->state);
    if (!request.is_ok() ||
        !sso::attach_request_id(**db, begun->state, request->request_id).is_ok()) {
      warn(ctx, "SAML request for " + p->slug + " failed: " +
                    (request.is_ok() ? std::string("no login row") : request.status().message()));
      return error_page(res, 500, "Connexion impossible",
                        "Repère n'a pas pu préparer la demande au service d'identité. "
                        "L'administrateur en trouvera la raison dans son journal.");
    }
    data page;
    page.set("action", request->url);
    page.set("saml_request", request->saml_request);
    page.set("relay_state", begun->state);
    page.set("provider", p->name);
    // The form goes to the IdP: the page's policy lets it, and only it.
    res.set_header("Content-Security-Policy",
                   "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; "
                   "object-src 'none'; base-uri 'none'; form-action " +
                       lti::origin_of(request->url) + "; frame-ancestors 'none'");
    send_page(res, render("sso_envoi", page, "Vers votre service d'identité", "", "sso.js"));
    res.set_header("Cache-Control", "no-store");
    return;
  }
  go(res,
     sso::authorization_url(*p, return_url(ctx, *p), begun->state, begun->nonce, begun->challenge));
}

void sso_return(Context& ctx, const http::Request& req, http::Response& res) {
  auto db = ctx.catalog_for_writing();
  if (!db.is_ok()) return error_page(res, db.status(), "Médiathèque indisponible");
  const auto p = provider_of(**db, req);
  if (!p.is_ok() || p->kind == sso::Provider::Kind::kSaml)
    return error_page(res, 404, "Service d'identité inconnu", "");
  const bool cas = p->kind == sso::Provider::Kind::kCas;
  const std::string state = req.get_param_value(cas ? "etat" : "state");
  // The state must be this browser's: an answer begun in another browser (login CSRF) is
  // refused.
  if (!auth::same_token(cookie(req, kStateCookie), state)) {
    return refuse(ctx, req, res, p->slug,
                  Status::unauthenticated("the state is not the one of this browser's login"));
  }
  if (!cas && req.has_param("error")) {
    (void)sso::take_login(**db, state, p->id, lti::unix_now());
    return refuse(ctx, req, res, p->slug,
                  Status::unauthenticated("the provider answered error \"" +
                                          req.get_param_value("error").substr(0, 100) + "\""));
  }
  const auto pending = sso::take_login(**db, state, p->id, lti::unix_now());
  if (!pending.is_ok()) return refuse(ctx, req, res, p->slug, pending.status());
  if (cas) {
    const auto answer =
        sso::validate_cas_ticket(**db, *p, req.get_param_value("ticket"),
                                 cas_service(ctx, *p, state), lti::unix_now(), lti::http_get);
    if (!answer.is_ok()) return refuse(ctx, req, res, p->slug, answer.status());
    return signed_on(ctx, **db, req, res, *p, answer->attributes, answer->user,
                     pending->return_path);
  }
  const sso::OidcClient client{lti::http_post, lti::http_get_with, lti::http_get};
  const auto answer = sso::finish_oidc(**db, *p, req.get_param_value("code"), return_url(ctx, *p),
                                       pending->nonce, pending->verifier, lti::unix_now(), client);
  if (!answer.is_ok()) return refuse(ctx, req, res, p->slug, answer.status());
  signed_on(ctx, **db, req, res, *p, answer->attributes, answer->subject, pending->return_path);
}

void sso_metadata(Context& ctx, const http::Request& req, http::Response& res) {
  auto db = ctx.catalog();
  if (!db.is_ok()) return error_page(res, db.status(), "Médiathèque indisponible");
  const auto p = provider_of(**db, req);
  if (!p.is_ok() || p->kind != sso::Provider::Kind::kSaml)
    return error_page(res, 404, "Service d'identité inconnu", "");
  res.status = 200;
  res.set_header("Content-Type", "application/samlmetadata+xml; charset=utf-8");
  res.body = sso::sp_metadata(*p, saml_urls(ctx, *p));
}

void sso_acs(Context& ctx, const http::Request& req, http::Response& res) {
  auto db = ctx.catalog_for_writing();
  if (!db.is_ok()) return error_page(res, db.status(), "Médiathèque indisponible");
  const auto p = provider_of(**db, req);
  if (!p.is_ok() || p->kind != sso::Provider::Kind::kSaml)
    return error_page(res, 404, "Service d'identité inconnu", "");
  const std::string state = req.get_param_value("RelayState");
  // The state cookie, when the browser sent it on the IdP's cross-site POST, must be this
  // login's; without it the single-use RelayState and InResponseTo answer for the browser.
  const std::string bound = cookie(req, kStateCookie);
  if (!bound.empty() && !auth::same_token(bound, state)) {
    return refuse(ctx, req, res, p->slug,
                  Status::unauthenticated("the RelayState is not the one of this browser's login"));
  }
  const auto pending = sso::take_login(**db, state, p->id, lti::unix_now());
  if (!pending.is_ok()) return refuse(ctx, req, res, p->slug, pending.status());
  const auto answer =
      sso::finish_saml(**db, *p, saml_urls(ctx, *p), req.get_param_value("SAMLResponse"),
                       pending->nonce, lti::unix_now());
  if (!answer.is_ok()) return refuse(ctx, req, res, p->slug, answer.status());
  signed_on(ctx, **db, req, res, *p, answer->attributes, answer->name_id, pending->return_path,
            answer->session_dump);
}

void sso_slo(Context& ctx, const http::Request& req, http::Response& res) {
  auto db = ctx.catalog();
  if (!db.is_ok()) return error_page(res, db.status(), "Médiathèque indisponible");
  const auto p = provider_of(**db, req);
  if (!p.is_ok() || p->kind != sso::Provider::Kind::kSaml)
    return error_page(res, 404, "Service d'identité inconnu", "");
  if (req.has_param("SAMLResponse")) {
    const auto q = req.target.find('?');
    const Status s = sso::logout_response(*p, saml_urls(ctx, *p),
                                          q == std::string::npos ? "" : req.target.substr(q + 1));
    if (!s.is_ok()) warn(ctx, s.message() + " (from " + req.remote_addr + ")");
    return go(res, "/");
  }
  error_page(res, 501, "Déconnexion depuis l'ENT",
             "Repère ne prend pas encore en charge la déconnexion demandée par le service "
             "d'identité : fermez votre navigateur, ou déconnectez-vous de Repère (« Se "
             "déconnecter »).");
}

std::string saml_logout_url(Context& ctx, const std::string& token) {
  auto db = ctx.catalog_for_writing();
  if (!db.is_ok() || token.empty()) return "";
  const auto kept = sso::take_saml_session(**db, token);
  if (!kept.is_ok() || !*kept) return "";
  const auto p = sso::ProviderStore(**db).get((*kept)->provider_id);
  if (!p.is_ok()) return "";
  // The way to the IdP goes through a page of this site (GET): a logout form's redirect to
  // another site would be stopped by the pages' form-action policy. The Lasso session waits
  // there under a one-time token.
  const std::string departure = auth::random_token();
  if (!sso::remember_saml_session(**db, departure, p->id, (*kept)->dump, lti::unix_now()).is_ok())
    return "";
  return "/sso/" + p->slug + "/depart/" + departure;
}

void sso_departure(Context& ctx, const http::Request& req, http::Response& res) {
  auto db = ctx.catalog_for_writing();
  if (!db.is_ok()) return go(res, "/");
  const auto p = provider_of(**db, req);
  const auto kept = sso::take_saml_session(**db, req.matches[2].str());
  if (!p.is_ok() || !kept.is_ok() || !*kept || (*kept)->provider_id != p->id) return go(res, "/");
  const auto url = sso::logout_request(*p, saml_urls(ctx, *p), (*kept)->dump);
  if (!url.is_ok()) {
    warn(ctx, "single logout from " + p->slug + " not sent: " + url.status().message());
    return go(res, "/");
  }
  // A page, not a redirect: this navigation began with the logout form, and the pages'
  // form-action policy would stop a redirect of it to another site. Its script follows the
  // link at once; without scripts, the person does.
  data page;
  page.set("url", *url);
  page.set("provider", p->name);
  send_page(res, render("sso_depart", page, "Déconnexion", "", "sso.js"));
  res.set_header("Cache-Control", "no-store");
}

void page_ent(Context& ctx, const http::Request& req, http::Response& res) {
  auto db = ctx.catalog_for_writing();
  if (!db.is_ok()) return error_page(res, db.status(), "Médiathèque indisponible");
  const Viewer& v = viewer_of(req);
  if (v.can(auth::Role::kTeacher)) return teacher_page(**db, req, res, v.session->user);
  const auto person = sso::pupil_of_session(**db, cookie(req, kPupilCookie), lti::unix_now());
  if (person.is_ok()) return pupil_page(**db, res, *person);
  data page;
  add_sso_providers(ctx, "/ent", page);
  send_page(res, render("ent", page, "Entrer par l'ENT"));
}

void page_ent_share(Context& ctx, const http::Request& req, http::Response& res) {
  if (!require_role(req, res, auth::Role::kTeacher, false)) return;
  auto db = ctx.catalog_for_writing();
  if (!db.is_ok()) return error_page(res, db.status(), "Médiathèque indisponible");
  const std::string choice = req.get_param_value("choix");
  const auto colon = choice.find(':');
  Id target = 0;
  Id division = 0;
  try {
    if (colon != std::string::npos) target = std::stoll(choice.substr(colon + 1));
    division = std::stoll(req.get_param_value("classe"));
  } catch (const std::exception&) {
    return error_page(res, 400, "Choix incomplet", "Choisissez une classe et ce qu'elle reçoit.");
  }
  const auto link = sso::share_with_division(
      **db, viewer_of(req).session->user.id, division,
      colon == std::string::npos ? "" : choice.substr(0, colon), target, lti::unix_now());
  if (!link.is_ok()) {
    const std::string why = link.status().code() == StatusCode::kInvalidArgument
                                ? "Publiez le cours avant de le partager."
                                : "Ce partage n'est pas possible : " + link.status().message();
    return go(res, "/ent?erreur=" + httplib::detail::encode_query_param(why));
  }
  go(res, "/ent?ok=1");
}

void page_ent_seat(Context& ctx, const http::Request& req, http::Response& res) {
  auto db = ctx.catalog_for_writing();
  if (!db.is_ok()) return error_page(res, db.status(), "Médiathèque indisponible");
  const auto person = sso::pupil_of_session(**db, cookie(req, kPupilCookie), lti::unix_now());
  if (!person.is_ok()) return go(res, "/ent");
  Id class_id = 0;
  try {
    class_id = std::stoll(req.matches[2].str());
  } catch (const std::exception&) {
    return error_page(res, 404, "Classe introuvable", "");
  }
  const auto seat = sso::take_seat(**db, *person, req.matches[1].str(), class_id);
  if (!seat.is_ok()) {
    return error_page(res, seat.status().code() == StatusCode::kPermissionDenied ? 403 : 404,
                      "Classe introuvable",
                      "Cette activité n'est pas (ou plus) partagée avec votre classe. Revenez à "
                      "« Mes activités de classe ».");
  }
  const std::string path = "/classe/" + seat->code;
  res.add_header("Set-Cookie", "repere_eleve=" + seat->token + "; Path=" + path +
                                   "; Max-Age=31536000" + cookie_attributes(ctx, req));
  go(res, path);
}

void page_ent_leave(Context& ctx, const http::Request& req, http::Response& res) {
  if (auto db = ctx.catalog_for_writing(); db.is_ok())
    (void)sso::end_pupil_session(**db, cookie(req, kPupilCookie));
  res.add_header("Set-Cookie", std::string(kPupilCookie) + "=; Path=/ent; Max-Age=0" +
                                   cookie_attributes(ctx, req));
  go(res, "/");
}

}  // namespace repere::web
