// LTI 1.3 routes (docs/lti.md). Every refusal of a launch is logged with its reason (the
// operator's log and the audit log) and starts no session; the person sees a French page
// that says what to ask of whom.
#include "lti_pages.h"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "access.h"
#include "answers.h"
#include "context.h"
#include "http.h"
#include "render.h"
#include "repere/auth/audit.h"
#include "repere/catalog/contents.h"
#include "repere/core/text.h"
#include "repere/courses/classes.h"
#include "repere/courses/store.h"
#include "repere/learn/json.h"
#include "repere/learn/store.h"
#include "repere/lti/deep_linking.h"
#include "repere/lti/launch.h"
#include "repere/lti/people.h"
#include "repere/lti/registry.h"
#include "repere/lti/roster.h"
#include "repere/lti/scores.h"

namespace repere::web {

namespace {

constexpr const char* kStateCookie = "repere_lti_state";
constexpr const char* kProbeCookie = "repere_lti";
constexpr auto kHandoffLife = std::chrono::minutes(5);

void go(http::Response& res, const std::string& to) {
  res.status = 303;
  res.set_header("Location", to);
}

void warn(Context& ctx, const std::string& line) {
  if (ctx.warn) ctx.warn(line);
}

std::string launch_url(const Context& ctx) { return base_url(ctx) + "/lti/launch"; }

// A refused launch: one log line with the reason, an audit event, a page without the details.
void refuse_launch(Context& ctx, const http::Request& req, http::Response& res, const Status& why) {
  const std::string& m = why.message();
  warn(ctx, (m.rfind("LTI launch refused", 0) == 0 ? m : "LTI launch refused: " + m) + " (from " +
                req.remote_addr + ")");
  if (auto db = ctx.catalog_for_writing(); db.is_ok())
    (void)auth::AuditLog(**db).record("address:" + req.remote_addr, "lti.refused", "lti",
                                      why.message().substr(0, 500));
  error_page(res, 401, "Lancement refusé",
             "Repère n'a pas pu vérifier ce lancement depuis votre plateforme (ENT ou Moodle). "
             "Relancez l'activité depuis la plateforme ; si cela recommence, signalez-le à "
             "l'administrateur de Repère, qui en trouvera la raison dans son journal.");
}

// Sends the browser to its page through /lti/suite/TOKEN, which checks that the cookies came
// back (a browser may refuse them inside the platform's frame).
void hand_off(Context& ctx, const http::Request& req, http::Response& res,
              std::vector<std::string> cookies, const std::string& path) {
  cookies.push_back(std::string(kProbeCookie) + "=1; Path=/lti/suite; Max-Age=300; HttpOnly" +
                    framed_cookie_attributes(ctx, req));
  for (const std::string& c : cookies) res.add_header("Set-Cookie", c);
  const std::string token = auth::random_token();
  {
    const std::lock_guard lock(ctx.lti_mutex);
    const auto now = std::chrono::steady_clock::now();
    std::erase_if(ctx.lti_handoffs, [&](const auto& h) { return h.second.expires < now; });
    ctx.lti_handoffs[auth::sha256_hex(token)] = {std::move(cookies), path, now + kHandoffLife};
  }
  go(res, "/lti/suite/" + token);
}

std::string staff_cookie(Context& ctx, const http::Request& req, const std::string& token) {
  return std::string(kSessionCookie) + "=" + token + "; Path=/; HttpOnly" +
         framed_cookie_attributes(ctx, req);
}

Result<std::string> start_session(Context& ctx, catalog::Database& db, const http::Request& req,
                                  const auth::User& user, const lti::Launch& l) {
  REPERE_ASSIGN_OR_RETURN(const auth::Session s,
                          auth::SessionStore(db, ctx.session_limits).start(user, req.remote_addr));
  (void)auth::AuditLog(db).record(user.actor(), "login", "user:" + user.login,
                                  "LTI from " + l.platform.issuer + " (" + req.remote_addr + ")");
  return s.token;
}

// Where a resource-link launch goes, and who the person becomes on the way.
void open_link(Context& ctx, catalog::Database& db, const http::Request& req, http::Response& res,
               const lti::Launch& l) {
  const auto target = lti::target_of(l);
  const lti::Who who = lti::who_is(l.roles);
  if (who == lti::Who::kTeacher) {
    auto user = lti::teacher_for(db, l);
    if (!user.is_ok()) return refuse_launch(ctx, req, res, user.status());
    auto token = start_session(ctx, db, req, *user, l);
    if (!token.is_ok()) return error_page(res, token.status(), "Connexion impossible");
    return hand_off(ctx, req, res, {staff_cookie(ctx, req, *token)},
                    target ? target->teacher_path() : "/");
  }
  if (!target) {
    return error_page(res, 404, "Lien incomplet",
                      "Ce lien de la plateforme ne dit pas quel contenu de Repère ouvrir. Votre "
                      "enseignant peut le refaire depuis la plateforme (« Repère », sélection de "
                      "contenu).");
  }
  if (target->kind == lti::Target::Kind::kContent)
    return hand_off(ctx, req, res, {}, target->teacher_path());
  if (who != lti::Who::kLearner) {
    return error_page(res, 403, "Rôle inconnu",
                      "La plateforme ne vous présente ni comme enseignant ni comme élève : Repère "
                      "ne sait pas où vous conduire.");
  }
  if (target->kind == lti::Target::Kind::kCourse) {
    auto seat = lti::course_pupil_for(db, l, target->id);
    if (!seat.is_ok()) {
      return error_page(res, 404, "Cours introuvable",
                        "Ce cours n'est pas (ou plus) publié dans Repère. Prévenez votre "
                        "enseignant.");
    }
    const std::string path = "/classe/" + seat->code;
    return hand_off(ctx, req, res,
                    {"repere_eleve=" + seat->pupil.token + "; Path=" + path +
                     "; Max-Age=31536000; HttpOnly" + framed_cookie_attributes(ctx, req)},
                    path);
  }
  auto pupil = lti::pupil_for(db, l, target->id);
  if (!pupil.is_ok()) {
    return error_page(res, 404, "Activité introuvable",
                      "Cette vidéo interactive n'existe plus dans Repère. Prévenez votre "
                      "enseignant.");
  }
  auto share = learn::ActivityStore(db).class_by_id(pupil->class_id);
  if (!share.is_ok()) return error_page(res, share.status(), "Classe introuvable");
  const std::string path = "/classe/" + share->code;
  hand_off(ctx, req, res,
           {"repere_eleve=" + pupil->token + "; Path=" + path + "; Max-Age=31536000; HttpOnly" +
            framed_cookie_attributes(ctx, req)},
           path);
}

// A course's points for a platform's grade book (`progress`: a pupil's, or none for the
// maximum alone): one per graded question block, and each interactive video's graded
// questions, as that video's own store counts them.
struct CoursePoints {
  double given = 0, maximum = 0;
  bool completed = true;
};
CoursePoints course_points(catalog::Database& db, const courses::Course& course,
                           const courses::PupilCourseProgress* progress) {
  CoursePoints p;
  p.completed = progress != nullptr;
  learn::ActivityStore activities(db);
  for (const courses::Chapter& ch : course.chapters) {
    for (const courses::Block& b : ch.blocks) {
      if (b.kind == courses::BlockKind::kQuiz) {
        const auto q = learn::interaction_from_json(nlohmann::json::parse(b.body, nullptr, false));
        if (!q.is_ok() || !learn::is_graded(q->type)) continue;
        p.maximum += 1;
        if (!progress) continue;
        const auto it = progress->answers.find(b.id);
        if (it == progress->answers.end()) {
          p.completed = false;
        } else if (it->second.value_or(false)) {
          p.given += 1;
        }
      } else if (b.kind == courses::BlockKind::kVideo && b.activity_id) {
        const courses::VideoProgress* seen = nullptr;
        if (progress) {
          const auto v = progress->videos.find(b.id);
          if (v != progress->videos.end()) seen = &v->second;
        }
        if (seen != nullptr && seen->max_score > 0) {
          p.maximum += seen->max_score;
          p.given += seen->score;
          if (seen->answered < seen->graded) p.completed = false;
          continue;
        }
        const auto a = activities.get(*b.activity_id);
        if (!a.is_ok()) continue;
        double m = 0;
        for (const learn::Interaction& q : a->interactions) {
          if (learn::is_graded(q.type)) m += learn::max_score(q);
        }
        p.maximum += m;
        if (m > 0) p.completed = false;
      }
    }
  }
  return p;
}

std::string param(const http::Request& req, const std::string& name) {
  return req.get_param_value(name);
}

// The items a teacher ticked, each checked against what she may link.
Result<std::vector<lti::LinkItem>> chosen_items(catalog::Database& db, const http::Request& req,
                                                const auth::User& user) {
  std::vector<lti::LinkItem> items;
  const std::size_t n = std::min<std::size_t>(req.get_param_value_count("choix"), 50);
  learn::ActivityStore activities(db);
  REPERE_ASSIGN_OR_RETURN(const auto mine, activities.editable_by(user.id));
  REPERE_ASSIGN_OR_RETURN(const auto courses, courses::CourseStore(db).of_owner(user.id));
  Viewer teacher;
  for (std::size_t i = 0; i < n; ++i) {
    const auto t = lti::parse_target(req.get_param_value("choix", i));
    if (!t) return Status::invalid_argument("an item is not one Repère knows");
    lti::LinkItem item{*t, "", "", std::nullopt};
    if (t->kind == lti::Target::Kind::kContent) {
      REPERE_ASSIGN_OR_RETURN(const catalog::Content c, content_for(db, teacher, t->id));
      item.title = c.title;
      if (t->seconds) item.text = "À partir de " + clock_time(*t->seconds * 1000LL);
    } else if (t->kind == lti::Target::Kind::kActivity) {
      if (std::none_of(mine.begin(), mine.end(), [&](const auto& a) { return a.id == t->id; }))
        return Status::not_found("activity " + std::to_string(t->id) + " is not yours");
      REPERE_ASSIGN_OR_RETURN(const learn::Activity a, activities.get(t->id));
      item.title = a.title;
      double max = 0;
      for (const learn::Interaction& q : a.interactions) {
        if (learn::is_graded(q.type)) max += learn::max_score(q);
      }
      if (max > 0) item.score_maximum = max;
      item.text = "Vidéo interactive";
    } else {
      const auto c = std::find_if(courses.begin(), courses.end(),
                                  [&](const auto& x) { return x.id == t->id; });
      if (c == courses.end())
        return Status::not_found("course " + std::to_string(t->id) + " is not yours");
      item.title = c->title;
      item.text = "Cours";
      REPERE_ASSIGN_OR_RETURN(const courses::Course course, courses::CourseStore(db).get(t->id));
      const double max = course_points(db, course, nullptr).maximum;
      if (max > 0) item.score_maximum = max;
    }
    items.push_back(std::move(item));
  }
  return items;
}

// The picker's deep-linking request, for the signed-in teacher whose it is; answered (the
// sign-in, an expired request) and empty otherwise.
struct Picker {
  Pool<catalog::Database>::Lease db;
  lti::DeepLink link;
  std::string jeton;
};
std::optional<Picker> open_picker(Context& ctx, const http::Request& req, http::Response& res) {
  if (!require_role(req, res, auth::Role::kTeacher, false)) return std::nullopt;
  const std::string jeton = param(req, "jeton");
  auto db = ctx.catalog_for_writing();
  if (!db.is_ok()) {
    error_page(res, db.status(), "Médiathèque indisponible");
    return std::nullopt;
  }
  auto link = lti::find_deep_link(**db, jeton, viewer_of(req).session->user.id, lti::unix_now());
  if (!link.is_ok()) {
    error_page(res, 404, "Sélection expirée",
               "Cette sélection de contenus n'est plus ouverte (elle vaut une heure). "
               "Recommencez depuis la plateforme.");
    return std::nullopt;
  }
  return Picker{std::move(*db), std::move(*link), jeton};
}

}  // namespace

std::vector<std::string> Context::framing_platforms() {
  const std::lock_guard lock(lti_mutex);
  const auto now = std::chrono::steady_clock::now();
  if (now - lti_origins_read < std::chrono::minutes(1) &&
      lti_origins_read != std::chrono::steady_clock::time_point{})
    return lti_origins;
  lti_origins_read = now;
  auto db = catalog();
  if (!db.is_ok()) return lti_origins;
  auto platforms = lti::PlatformStore(**db).list();
  if (!platforms.is_ok()) return lti_origins;  // an older catalog without the table yet
  std::vector<std::string> origins;
  for (const lti::Platform& p : *platforms) {
    for (const std::string& o : {p.origin(), lti::origin_of(p.issuer)}) {
      if (!o.empty() && std::find(origins.begin(), origins.end(), o) == origins.end())
        origins.push_back(o);
    }
  }
  lti_origins = std::move(origins);
  return lti_origins;
}

void lti_login(Context& ctx, const http::Request& req, http::Response& res) {
  lti::LoginRequest r{param(req, "iss"),
                      param(req, "login_hint"),
                      param(req, "target_link_uri"),
                      param(req, "lti_message_hint"),
                      param(req, "client_id"),
                      param(req, "lti_deployment_id")};
  auto db = ctx.catalog_for_writing();
  if (!db.is_ok()) return error_page(res, db.status(), "Médiathèque indisponible");
  const auto begun = lti::begin_login(**db, r, launch_url(ctx), base_url(ctx), lti::unix_now());
  if (!begun.is_ok()) {
    warn(ctx, "LTI login from " + req.remote_addr + " refused: " + begun.status().message());
    return error_page(res, 400, "Connexion depuis la plateforme impossible",
                      "Cette plateforme n'est pas enregistrée dans Repère, ou sa demande est "
                      "incomplète. L'administrateur de Repère l'enregistre dans « Gestion → "
                      "Plateformes LTI ».");
  }
  res.add_header("Set-Cookie", std::string(kStateCookie) + "=" + begun->state +
                                   "; Path=/lti/launch; Max-Age=600; HttpOnly" +
                                   framed_cookie_attributes(ctx, req));
  go(res, begun->url);
  res.status = 302;
}

void lti_launch(Context& ctx, const http::Request& req, http::Response& res) {
  const std::string state = param(req, "state");
  // The state cookie binds the login to this browser; a frame that refused it sends none,
  // and then the single-use state alone answers for it.
  const std::string bound = cookie(req, kStateCookie);
  if (!bound.empty() && !auth::same_token(bound, state)) {
    return refuse_launch(
        ctx, req, res, Status::unauthenticated("the state is not the one of this browser's login"));
  }
  auto db = ctx.catalog_for_writing();
  if (!db.is_ok()) return error_page(res, db.status(), "Médiathèque indisponible");
  const auto launch =
      lti::validate_launch(**db, param(req, "id_token"), state, lti::unix_now(), lti::http_get);
  if (!launch.is_ok()) return refuse_launch(ctx, req, res, launch.status());
  res.add_header("Set-Cookie", std::string(kStateCookie) +
                                   "=; Path=/lti/launch; Max-Age=0; HttpOnly" +
                                   framed_cookie_attributes(ctx, req));
  if (launch->message_type == "LtiResourceLinkRequest")
    return open_link(ctx, **db, req, res, *launch);
  if (lti::who_is(launch->roles) != lti::Who::kTeacher) {
    return refuse_launch(ctx, req, res,
                         Status::permission_denied("a deep linking request from a non-teacher"));
  }
  auto user = lti::teacher_for(**db, *launch);
  if (!user.is_ok()) return refuse_launch(ctx, req, res, user.status());
  auto token = start_session(ctx, **db, req, *user, *launch);
  if (!token.is_ok()) return error_page(res, token.status(), "Connexion impossible");
  auto pick = lti::begin_deep_link(**db, *launch, user->id, lti::unix_now());
  if (!pick.is_ok()) return error_page(res, pick.status(), "Sélection impossible");
  hand_off(ctx, req, res, {staff_cookie(ctx, req, *token)}, "/lti/choisir?jeton=" + *pick);
}

void lti_jwks(Context& ctx, const http::Request&, http::Response& res) {
  auto db = ctx.catalog_for_writing();
  if (!db.is_ok()) return problem(res, db.status());
  const auto keys = lti::ToolKeys(**db).jwks(lti::unix_now());
  if (!keys.is_ok()) return problem(res, keys.status());
  res.set_header("Cache-Control", "max-age=300");
  res.set_content(*keys, "application/json");
}

void lti_handoff(Context& ctx, const http::Request& req, http::Response& res) {
  const std::string token = req.matches[1].str();
  const std::string key = auth::sha256_hex(token);
  const bool window = param(req, "fenetre") == "1";
  Context::LtiHandoff h;
  {
    const std::lock_guard lock(ctx.lti_mutex);
    const auto it = ctx.lti_handoffs.find(key);
    if (it == ctx.lti_handoffs.end() || it->second.expires < std::chrono::steady_clock::now()) {
      return error_page(res, 404, "Lien expiré",
                        "Ce lancement a expiré (il vaut cinq minutes). Relancez-le depuis la "
                        "plateforme.");
    }
    h = it->second;
    if (window || !cookie(req, kProbeCookie).empty()) ctx.lti_handoffs.erase(it);
  }
  if (window) {  // a window of its own: the cookies are first-party now
    for (const std::string& c : h.cookies) res.add_header("Set-Cookie", c);
    return go(res, h.path);
  }
  if (!cookie(req, kProbeCookie).empty()) return go(res, h.path);
  data page;
  page.set("url", "/lti/suite/" + token + "?fenetre=1");
  send_page(res, render("lti_suite", page, "Ouvrir Repère"));
}

void lti_choose(Context& ctx, const http::Request& req, http::Response& res) {
  auto open = open_picker(ctx, req, res);
  if (!open) return;
  auto& [db, link, jeton] = *open;
  const auth::User& user = viewer_of(req).session->user;
  data page;
  page.set("jeton", jeton);
  const std::string q = param(req, "q").substr(0, 500);
  page.set("q", q);
  page.set("input", link.multiple ? "checkbox" : "radio");
  list moments;
  if (!q.empty()) {
    auto searcher = ctx.searcher();
    if (searcher.is_ok()) {
      search::SearchRequest request;
      request.query = q;
      request.limit = 10;
      limit_search(viewer_of(req), request);
      request.include_unpublished = false;  // pupils see only what is published
      if (const auto found = (*searcher)->search(request); found.is_ok()) {
        for (const search::Hit& hit : found->hits) {
          if (!hit.external_url.empty()) continue;  // another catalogue's: not ours to link
          for (const search::Moment& m : hit.moments) {
            data row;
            const std::int64_t at = m.at_ms.value_or(m.start_ms.value_or(0));
            std::string spec = "contenu:" + std::to_string(hit.content_id);
            if (m.start_ms) spec += "@" + std::to_string(at / 1000);
            row.set("spec", spec);
            row.set("title", hit.title);
            row.set("when", m.start_ms ? clock_time(at) : std::string());
            row.set("snippet", m.snippet);
            moments.push_back(row);
          }
        }
      }
    }
    page.set("searched", true);
  }
  page.set("moments", moments);
  page.set("none", q.empty() ? false : moments.empty());
  list activities;
  if (const auto mine = learn::ActivityStore(*db).editable_by(user.id); mine.is_ok()) {
    for (const auto& a : *mine) {
      data row;
      row.set("spec", "activite:" + std::to_string(a.id));
      row.set("title", a.title);
      activities.push_back(row);
    }
  }
  page.set("activities", activities);
  page.set("has_activities", !activities.empty());
  list courses_list;
  if (const auto mine = courses::CourseStore(*db).of_owner(user.id); mine.is_ok()) {
    for (const auto& c : *mine) {
      data row;
      row.set("spec", "cours:" + std::to_string(c.id));
      row.set("title", c.title);
      courses_list.push_back(row);
    }
  }
  page.set("courses", courses_list);
  page.set("has_courses", !courses_list.empty());
  send_page(res, render("lti_choisir", page, "Choisir dans Repère"));
}

void lti_choose_post(Context& ctx, const http::Request& req, http::Response& res) {
  auto open = open_picker(ctx, req, res);
  if (!open) return;
  auto& [db, link, jeton] = *open;
  const auth::User& user = viewer_of(req).session->user;
  const auto items = chosen_items(*db, req, user);
  if (!items.is_ok()) return error_page(res, 400, "Choix impossible", items.status().message());
  const auto jwt = lti::deep_link_response(*db, link, *items, launch_url(ctx), lti::unix_now());
  if (!jwt.is_ok()) {
    return error_page(res, 400, "Choix impossible",
                      jwt.status().code() == StatusCode::kInvalidArgument
                          ? "Cochez au moins un contenu (un seul si la plateforme n'en accepte "
                            "qu'un), puis « Ajouter à la plateforme »."
                          : jwt.status().message());
  }
  (void)lti::end_deep_link(*db, jeton);
  (void)auth::AuditLog(*db).record(
      user.actor(), "lti.deep_link", "lti",
      std::to_string(items->size()) + " item(s) to " + link.return_url.substr(0, 200));
  data page;
  page.set("action", link.return_url);
  page.set("jwt", *jwt);
  page.set("count", std::to_string(items->size()));
  // The form goes to the platform: the page's policy lets it, and only it.
  res.set_header("Content-Security-Policy",
                 "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; "
                 "object-src 'none'; base-uri 'none'; form-action " +
                     lti::origin_of(link.return_url) + "; frame-ancestors 'self' " +
                     lti::origin_of(link.return_url));
  send_page(res, render("lti_envoi", page, "Retour à la plateforme", "", "lti.js"));
}

void page_lti_platforms(Context& ctx, const http::Request& req, http::Response& res) {
  if (!require_role(req, res, auth::Role::kAdmin, false)) return;
  auto db = ctx.catalog_for_writing();
  if (!db.is_ok()) return error_page(res, db.status(), "Médiathèque indisponible");
  const auto platforms = lti::PlatformStore(**db).list();
  if (!platforms.is_ok()) return error_page(res, platforms.status(), "Plateformes indisponibles");
  data page;
  list rows;
  for (const lti::Platform& p : *platforms) {
    data row;
    row.set("name", p.name.empty() ? p.issuer : p.name);
    row.set("issuer", p.issuer);
    row.set("client_id", p.client_id);
    std::string deps;
    for (const std::string& d : p.deployments) deps += (deps.empty() ? "" : ", ") + d;
    row.set("deployments", deps.empty() ? std::string("aucun") : deps);
    rows.push_back(row);
  }
  page.set("platforms", rows);
  page.set("has_platforms", !rows.empty());
  const std::string base = base_url(ctx);
  page.set("login_url", base + "/lti/login");
  page.set("launch_url", base + "/lti/launch");
  page.set("jwks_url", base + "/lti/jwks.json");
  if (req.has_param("ok")) page.set("ok", true);
  send_page(res, render("lti_plateformes", page, "Plateformes LTI"));
}

void page_lti_platforms_post(Context& ctx, const http::Request& req, http::Response& res) {
  if (!require_role(req, res, auth::Role::kAdmin, false)) return;
  auto db = ctx.catalog_for_writing();
  if (!db.is_ok()) return error_page(res, db.status(), "Médiathèque indisponible");
  lti::Platform p;
  p.issuer = param(req, "issuer");
  p.client_id = param(req, "client_id");
  p.name = text::strip_control(param(req, "name"), false).substr(0, 200);
  p.auth_url = param(req, "auth_url");
  p.token_url = param(req, "token_url");
  p.jwks_url = param(req, "jwks_url");
  const std::string deployments = param(req, "deployments") + ",";
  for (std::size_t at = 0, comma; (comma = deployments.find(',', at)) != std::string::npos;
       at = comma + 1) {
    std::string t = deployments.substr(at, comma - at);
    t.erase(0, std::min(t.size(), t.find_first_not_of(' ')));
    t.erase(t.find_last_not_of(' ') + 1);
    if (!t.empty()) p.deployments.push_back(t);
  }
  const auto stored = lti::PlatformStore(**db).put(p);
  if (!stored.is_ok())
    return error_page(res, 400, "Plateforme non enregistrée", stored.status().message());
  (void)auth::AuditLog(**db).record(viewer_of(req).actor(), "lti.platform", "lti:" + p.issuer,
                                    "client " + p.client_id);
  {
    const std::lock_guard lock(ctx.lti_mutex);
    ctx.lti_origins_read = {};  // the new origin may frame at once
  }
  go(res, "/gestion/lti?ok=1");
}

void queue_lti_score(Context& ctx, learn::ActivityStore& store, const learn::Pupil& pupil) {
  const auto progress = store.progress(pupil);
  if (!progress.is_ok()) return;
  auto db = ctx.catalog_for_writing();
  if (!db.is_ok()) return warn(ctx, "cannot queue an LTI score: " + db.status().message());
  const bool completed =
      std::all_of(progress->questions.begin(), progress->questions.end(),
                  [](const learn::QuestionProgress& q) { return !q.graded || q.counted; });
  const auto queued = lti::queue_score(**db, pupil.id, progress->score, progress->max_score,
                                       completed, lti::unix_now());
  if (!queued.is_ok())
    warn(ctx, "cannot queue the LTI score of pupil " + std::to_string(pupil.id) + ": " +
                  queued.status().message());
}

void queue_lti_course_score(Context& ctx, catalog::Database& db, const courses::Course& course,
                            const courses::CoursePupil& pupil) {
  const auto progress = courses::ClassStore(db).progress(pupil);
  if (!progress.is_ok()) return;
  const CoursePoints p = course_points(db, course, &*progress);
  const auto queued =
      lti::queue_score(db, pupil.id, p.given, p.maximum, p.completed, lti::unix_now(), "cours");
  if (!queued.is_ok())
    warn(ctx, "cannot queue the LTI course score of pupil " + std::to_string(pupil.id) + ": " +
                  queued.status().message());
}

void add_lti_roster(Context& ctx, catalog::Database& db, const std::string& kind,
                    std::int64_t class_id, data& page) {
  const std::int64_t now = lti::unix_now();
  const auto key = lti::ToolKeys(db).current(now);
  if (!key.is_ok()) return;
  const auto r = lti::roster(db, *key, kind, class_id, now, lti::http_post, lti::http_get_with);
  if (!r.is_ok()) {
    if (r.status().code() == StatusCode::kNotFound) return;  // not a platform's class
    warn(ctx, "LTI roster of class " + std::to_string(class_id) + ": " + r.status().message());
    page.set("roster_error", "La liste des élèves de la plateforme n'a pas pu être lue (" +
                                 r.status().message() + "). Réessayez plus tard.");
    return;
  }
  data roster;
  roster.set("platform", r->platform);
  list started, waiting;
  for (const lti::RosterMember& m : r->learners) {
    data row;
    row.set("name", m.name.empty() ? std::string("(nom non transmis)") : m.name);
    row.set("pseudonym", m.pseudonym);
    (m.joined ? started : waiting).push_back(row);
  }
  roster.set("summary", std::to_string(r->learners.size()) + " élève(s) inscrit(s), " +
                            std::to_string(started.size()) + " ont commencé.");
  roster.set("started", started);
  roster.set("has_started", !started.empty());
  roster.set("waiting", waiting);
  roster.set("has_waiting", !waiting.empty());
  page.set("roster", roster);
}

void send_lti_scores(Context& ctx) {
  auto db = ctx.catalog_for_writing();
  if (!db.is_ok()) return;
  const std::int64_t now = lti::unix_now();
  auto key = lti::ToolKeys(**db).current(now);
  if (!key.is_ok()) return warn(ctx, "LTI scores: no tool key: " + key.status().message());
  const auto report = lti::send_scores(**db, *key, now, lti::http_post);
  if (!report.is_ok()) return warn(ctx, "LTI scores: " + report.status().message());
  for (const std::string& e : report->errors) warn(ctx, "LTI score kept to send again: " + e);
}

}  // namespace repere::web
