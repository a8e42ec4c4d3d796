// The server: every route in one table (routes()), static files, security headers and the
// access log. Handlers live by area: contents_api.cpp, activities.cpp, pages.cpp, learn_pages.cpp.
#include "repere/web/server.h"

#include "http.h"

#include <httplib.h>  // the LRS client

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <nlohmann/json.hpp>
#include <regex>
#include <thread>

#include "access.h"
#include "account_pages.h"
#include "activities.h"
#include "answer_pages.h"
#include "answers.h"
#include "contents_api.h"
#include "context.h"
#include "course_pages.h"
#include "course_videos.h"
#include "curation_pages.h"
#include "dashboard_pages.h"
#include "document_pages.h"
#include "http.h"
#include "http_server.h"
#include "learn_pages.h"
#include "lti_pages.h"
#include "oai_endpoint.h"
#include "pages.h"
#include "programme_pages.h"
#include "reading_pages.h"
#include "render.h"
#include "repere/auth/schema.h"
#include "repere/catalog/contents.h"
#include "repere/catalog/texts.h"
#include "repere/catalog/usage.h"
#include "repere/catalog/webvtt.h"
#include "repere/core/endpoint.h"
#include "repere/core/files.h"
#include "repere/core/process.h"
#include "repere/core/text.h"
#include "repere/courses/schema.h"
#include "repere/index/library.h"
#include "repere/learn/schema.h"
#include "repere/learn/store.h"
#include "repere/lti/schema.h"
#include "repere/oai/harvest.h"
#include "repere/oai/schema.h"
#include "repere/sso/schema.h"
#include "repere/taxonomy/schema.h"
#include "review_pages.h"
#include "sso_pages.h"
#include "upload_pages.h"

namespace repere::web {

namespace fs = std::filesystem;
using nlohmann::json;

const std::map<std::string, std::string>& embedded_files();  // generated at build time

int http_status(StatusCode code) {
  switch (code) {
    case StatusCode::kOk: return 200;
    case StatusCode::kInvalidArgument: return 400;
    case StatusCode::kNotFound: return 404;
    case StatusCode::kAlreadyExists: return 409;
    case StatusCode::kUnavailable: return 503;
    case StatusCode::kUnsupported: return 501;
    case StatusCode::kTooMany: return 429;
    case StatusCode::kUnauthenticated: return 401;
    case StatusCode::kPermissionDenied: return 403;
    case StatusCode::kCorruption:
    case StatusCode::kIoError:
    case StatusCode::kInternal: return 500;
  }
  return 500;
}

// ----------------------------------------------------------------------------------------------
// Context helpers

Result<Pool<search::Searcher>::Lease> Context::searcher() {
  REPERE_ASSIGN_OR_RETURN(const auto live, index::current_generation(dir.index()));
  const int number = live ? live->number : 0;
  {
    const std::lock_guard lock(generation_mutex);
    if (number != generation) {
      searchers.clear();  // a reindex swapped generations: open the new one
      generation = number;
    }
  }
  auto lease = searchers.lend([&] { return search::Searcher::open(dir, search_options); });
  if (lease.is_ok() && (*lease)->generation() != number) {
    lease->discard();
    return searchers.lend([&] { return search::Searcher::open(dir, search_options); });
  }
  return lease;
}

Result<Pool<catalog::Database>::Lease> Context::catalog() {
  return catalogs.lend([&] { return catalog::Database::open(dir.catalog(), {.read_only = true}); });
}

Result<Pool<catalog::Database>::Lease> Context::catalog_for_writing() {
  return writers.lend([&] {
    return catalog::Database::open(dir.catalog(), {.create_if_missing = false, .migrate = false});
  });
}

Status Context::flush_usage() {
  const std::int64_t n = searches.exchange(0);
  const std::int64_t ns = search_cpu_ns.exchange(0);
  if (n == 0) return Status::ok();
  auto db = catalog_for_writing();
  Status added = db.is_ok() ? catalog::UsageRepository(**db).add(
                                  {{catalog::kSearchRequests, static_cast<double>(n)},
                                   {catalog::kSearchCpuSeconds, static_cast<double>(ns) / 1e9}})
                            : db.status();
  if (!added.is_ok()) {  // counted again at the next flush
    searches += n;
    search_cpu_ns += ns;
  }
  return added;
}

Result<bool> Context::refresh_index() {
  const std::lock_guard guard(index_mutex);
  auto lock = FileLock::acquire(dir.root / "ingest.lock", "an ingest is running");
  if (!lock.is_ok()) {
    index_pending = true;
    return false;
  }
  auto db = catalog_for_writing();
  if (!db.is_ok()) return db.status();
  const auto updated = index::update_index(**db, dir.index(), search_options.embeddings);
  if (!updated.is_ok()) {
    index_pending = true;
    return updated.status();
  }
  index_pending = false;
  searchers.clear();  // pooled searchers read the index as it was when they opened
  return true;
}

std::int64_t path_id(const http::Request& req, int match) {
  return std::strtoll(req.matches[match].str().c_str(), nullptr, 10);
}

std::string clock_time(std::int64_t ms) { return text::clock_time(ms, /*pad_minutes=*/false); }

std::string spoken_time(std::int64_t ms) {
  const std::int64_t s = ms / 1000;
  std::string out;
  if (s >= 3600) out += std::to_string(s / 3600) + " h ";
  if (s >= 60) out += std::to_string(s / 60 % 60) + " min ";
  return out + std::to_string(s % 60) + " s";
}

std::string url_encode(const std::string& s) {
  static const char* const kHex = "0123456789ABCDEF";
  std::string out;
  for (const unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

std::string kind_label(const std::string& kind) {
  static const std::map<std::string, std::string> kLabels = {
      {"video", "Vidéo"}, {"audio", "Son"},        {"document", "Document"},
      {"image", "Image"}, {"webpage", "Page web"}, {"text", "Texte"}};
  const auto found = kLabels.find(kind);
  return found == kLabels.end() ? kind : found->second;
}

std::string media_path(const DataDir& dir, const std::string& stored) {
  const fs::path p(stored);
  return p.is_absolute() ? p.string() : (dir.root / p).string();
}

// Answers, shared with the other handlers through answers.h.

// ----------------------------------------------------------------------------------------------
// Answers

const char* reason_phrase(int status) { return http::reason_phrase(status); }

// RFC 9457 problem details.
void problem(http::Response& res, int status, const std::string& title, const std::string& detail) {
  res.status = status;
  res.set_content(
      json{{"type", "about:blank"}, {"title", title}, {"status", status}, {"detail", detail}}.dump(
          -1, ' ', false, json::error_handler_t::replace),
      "application/problem+json");
}

void problem(http::Response& res, const Status& s) {
  const int status = http_status(s.code());
  problem(res, status, reason_phrase(status), s.message());
}

void send_json(http::Response& res, const json& body) {
  res.set_content(body.dump(-1, ' ', false, json::error_handler_t::replace), "application/json");
}

namespace {

// ----------------------------------------------------------------------------------------------
// Static files, embedded in the binary

std::string etag_of(const std::string& bytes) {
  std::uint64_t h = 1469598103934665603ULL;
  for (const unsigned char c : bytes) {
    h ^= c;
    h *= 1099511628211ULL;
  }
  char out[24];
  std::snprintf(out, sizeof out, "\"%016llx\"", static_cast<unsigned long long>(h));
  return out;
}

void static_file(const http::Request& req, http::Response& res) {
  const std::string name = "static/" + req.matches[1].str();
  const auto& files = embedded_files();
  const auto found = files.find(name);
  if (found == files.end()) return problem(res, 404, "Not Found", "no such file: /" + name);
  const std::string etag = etag_of(found->second);
  res.set_header("ETag", etag);
  res.set_header("Cache-Control", "public, max-age=86400");
  if (req.get_header_value("If-None-Match") == etag) {
    res.status = 304;
    return;
  }
  const std::string type = name.ends_with(".css")  ? "text/css; charset=utf-8"
                           : name.ends_with(".js") ? "text/javascript; charset=utf-8"
                                                   : "application/octet-stream";
  res.set_content(found->second, type);
}

}  // namespace

// ----------------------------------------------------------------------------------------------
// The server

using Handler = void (*)(Context&, const http::Request&, http::Response&);

enum class Method { kGet, kPost, kPut, kDelete };

struct CompiledRoute {
  std::regex pattern;
  Handler handler;
  Method method;
  const char* method_name;
};

struct Server::Impl {
  Context ctx;
  ServerOptions options;
  std::vector<CompiledRoute> routes;
  std::unique_ptr<http::HttpServer> http;
  int port = 0;
  // The LRS sender (send_statements) and how it is told to stop.
  std::mutex lrs_mutex;
  std::condition_variable lrs_wake;
  bool lrs_stop = false;
};

Server::Server(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Server::~Server() = default;

namespace {

struct Route {
  const char* pattern;
  Handler handler;
  Method method = Method::kGet;
};

// Every route of Repère. Ids are digits: nothing else reaches a handler.
const std::vector<Route>& routes() {
  static const std::vector<Route> kRoutes = {
      {"/api/v1/health", api_health},
      {"/api/v1/search", api_search},
      {"/api/v1/answer", api_library_answer},
      {"/api/v1/contents", api_contents},
      {R"(/api/v1/contents/(\d{1,18}))", api_content},
      {R"(/api/v1/contents/(\d{1,18})/passages)", api_passages},
      {R"(/api/v1/contents/(\d{1,18})/tracks/(\d{1,18})\.vtt)", api_track_vtt},
      {R"(/api/v1/media/(\d{1,18}))", api_media},
      {"/", page_home},
      // Harvesters of other catalogues (oai_endpoint.cpp).
      {"/oai", oai_endpoint},
      {"/oai", oai_endpoint, Method::kPost},
      {"/oai/repere.xsd", oai_repere_xsd},
      // Launches from LMS and ENT platforms, LTI 1.3 (lti_pages.cpp).
      {"/lti/login", lti_login},
      {"/lti/login", lti_login, Method::kPost},
      {"/lti/launch", lti_launch, Method::kPost},
      {"/lti/jwks.json", lti_jwks},
      {R"(/lti/suite/([A-Za-z0-9_-]{43}))", lti_handoff},
      {"/lti/choisir", lti_choose},
      {"/lti/choisir", lti_choose_post, Method::kPost},
      {"/gestion/lti", page_lti_platforms},
      {"/gestion/lti", page_lti_platforms_post, Method::kPost},
      // Single sign-on from identity providers, and the ENT classes (sso_pages.cpp).
      {R"(/sso/([a-z0-9][a-z0-9-]{0,39})/connexion)", sso_begin},
      {R"(/sso/([a-z0-9][a-z0-9-]{0,39})/retour)", sso_return},
      {R"(/sso/([a-z0-9][a-z0-9-]{0,39})/metadata)", sso_metadata},
      {R"(/sso/([a-z0-9][a-z0-9-]{0,39})/acs)", sso_acs, Method::kPost},
      {R"(/sso/([a-z0-9][a-z0-9-]{0,39})/slo)", sso_slo},
      {R"(/sso/([a-z0-9][a-z0-9-]{0,39})/depart/([A-Za-z0-9_-]{43}))", sso_departure},
      {"/ent", page_ent},
      {"/ent/partager", page_ent_share, Method::kPost},
      {R"(/ent/classe/(activite|cours)/(\d{1,18}))", page_ent_seat},
      {"/ent/sortie", page_ent_leave, Method::kPost},
      // Staff accounts (account_pages.cpp) and curation (curation_pages.cpp).
      {"/connexion", page_login},
      {"/connexion", page_login_post, Method::kPost},
      {"/deconnexion", page_logout, Method::kPost},
      {"/gestion", page_curation},
      {"/gestion/etat", page_set_status, Method::kPost},
      {"/gestion/journal", page_audit},
      {"/gestion/relecture", page_review_queue},
      {"/gestion/depot", page_upload},
      {"/gestion/depot", page_upload_post, Method::kPost},
      {R"(/contenus/(\d{1,18})/texte)", page_text},
      {R"(/contenus/(\d{1,18})/pages/(\d{1,6})\.webp)", page_image},
      {R"(/contenus/(\d{1,18})/images/(\d{1,6})\.webp)", moment_image},
      {R"(/contenus/(\d{1,18})/integrer)", page_embed},
      // Reading aids (reading_pages.cpp): texts read aloud, the reading view and its font.
      {R"(/contenus/(\d{1,18})/voix/(\d{1,4})\.ogg)", content_voice},
      {R"(/contenus/(\d{1,18})/pages/(\d{1,6})/voix/(\d{1,4})\.ogg)", page_voice},
      {R"(/classe/([A-Za-z0-9]{6,12})/voix/(\d{1,18})\.ogg)", page_card_voice},
      {R"(/classe/([A-Za-z0-9]{6,12})/blocs/(\d{1,18})/voix\.ogg)", page_block_voice},
      {"/preferences/lecture", reading_preference_post, Method::kPost},
      {R"(/polices/opendyslexic-(regular|bold)\.otf)", reading_font},
      {R"(/activites/(\d{1,18})/classes/(\d{1,18})/lecture)", page_class_reading_view,
       Method::kPost},
      {R"(/cours/(\d{1,18})/classes/(\d{1,18})/lecture)", page_course_reading_view, Method::kPost},
      {"/programme", page_programmes},
      {R"(/programme/(\d{1,18}))", page_concept},
      {R"(/contenus/(\d{1,18})/pistes/(\d{1,18}))", page_correct_track, Method::kPost},
      {R"(/contenus/(\d{1,18})/fiche)", page_edit_record, Method::kPost},
      {R"(/contenus/(\d{1,18})/notions)", page_decide_concept, Method::kPost},
      {"/gestion/journal.csv", page_audit_csv},
      {"/api/v1/me", api_me},
      {R"(/api/v1/contents/(\d{1,18})/status)", api_set_status, Method::kPost},
      {"/recherche", page_results},
      {R"(/contenus/(\d{1,18}))", page_content},
      // Interactive videos (activities.cpp). Class codes are 6 to 12 letters and digits.
      {"/api/v1/activities", api_create_activity, Method::kPost},
      {R"(/api/v1/activities/(\d{1,18}))", api_activity},
      {R"(/api/v1/activities/(\d{1,18}))", api_update_activity, Method::kPut},
      {R"(/api/v1/activities/(\d{1,18}))", api_delete_activity, Method::kDelete},
      {R"(/api/v1/activities/(\d{1,18})/classes)", api_classes},
      {R"(/api/v1/activities/(\d{1,18})/classes)", api_create_class, Method::kPost},
      {R"(/api/v1/activities/(\d{1,18})/classes/(\d{1,18})/results)", api_results},
      {R"(/api/v1/activities/(\d{1,18})/classes/(\d{1,18})/results\.csv)", api_results_csv},
      {R"(/api/v1/activities/(\d{1,18})/classes/(\d{1,18})/dashboard)", api_dashboard},
      {R"(/api/v1/classes/([A-Za-z0-9]{6,12}))", api_class},
      {R"(/api/v1/classes/([A-Za-z0-9]{6,12})/pupils)", api_join, Method::kPost},
      {R"(/api/v1/classes/([A-Za-z0-9]{6,12})/answers)", api_answer, Method::kPost},
      {R"(/api/v1/classes/([A-Za-z0-9]{6,12})/progress)", api_progress},
      {R"(/api/v1/activities/(\d{1,18})/xapi)", api_statements},
      {R"(/api/v1/activities/(\d{1,18})/export\.h5p)", api_export_h5p},
      // Their pages (learn_pages.cpp).
      {"/activites/nouvelle", page_new_activity},
      {"/activites", page_my_activities},
      {"/activites", page_create_activity, Method::kPost},
      {R"(/activites/(\d{1,18})/rattacher)", page_claim, Method::kPost},
      {R"(/activites/(\d{1,18})/partager)", page_share, Method::kPost},
      {R"(/activites/(\d{1,18})/dupliquer)", page_duplicate, Method::kPost},
      {R"(/activites/(\d{1,18})/modifier)", page_editor},
      {R"(/activites/(\d{1,18})/modifier)", page_editor_post, Method::kPost},
      {R"(/activites/(\d{1,18})/classes)", page_add_class, Method::kPost},
      {R"(/activites/(\d{1,18})/resultats)", page_results_of},
      {R"(/activites/(\d{1,18})/tableau)", page_dashboard},
      {R"(/activites/(\d{1,18})/classes/(\d{1,18})/accompagnement)", page_class_insight,
       Method::kPost},
      {R"(/activites/(\d{1,18})/apercu)", page_preview},
      {R"(/activites/(\d{1,18})/apercu)", page_preview, Method::kPost},
      // Courses (course_pages.cpp).
      {"/cours", page_courses},
      {"/cours", page_create_course, Method::kPost},
      {"/cours/ajouter", page_add_to_course},
      {"/cours/ajouter", page_add_to_course_post, Method::kPost},
      {R"(/cours/(\d{1,18}))", page_course},
      {R"(/cours/(\d{1,18})/quiz)", page_course_quiz, Method::kPost},
      {R"(/cours/(\d{1,18})/imprimer)", page_course_print},
      {R"(/cours/(\d{1,18})/export\.imscc)", page_course_cartridge},
      {R"(/cours/(\d{1,18})/modifier)", page_course_editor},
      {R"(/cours/(\d{1,18})/modifier)", page_course_editor_post, Method::kPost},
      {R"(/cours/(\d{1,18})/dupliquer)", page_duplicate_course, Method::kPost},
      {R"(/cours/(\d{1,18})/progression)", page_course_progress},
      {R"(/classe/([A-Za-z0-9]{6,12})/chapitre)", page_course_chapter_done, Method::kPost},
      {R"(/classe/([A-Za-z0-9]{6,12})/video)", page_course_video, Method::kPost},
      {"/classe", page_class_code},
      {R"(/classe/([A-Za-z0-9]{6,12}))", page_class},
      {R"(/classe/([A-Za-z0-9]{6,12}))", page_join, Method::kPost},
      {R"(/classe/([A-Za-z0-9]{6,12})/reponse)", page_answer, Method::kPost},
      {R"(/classe/([A-Za-z0-9]{6,12})/evenement)", page_event, Method::kPost},
      {R"(/classe/([A-Za-z0-9]{6,12})/bilan)", page_summary},
  };
  return kRoutes;
}

// Pages a pupil or a reader opens, which an ENT or a Moodle may show in a frame when the
// configuration lists it; staff pages (sign-in, management, the editor) never are framed.
bool framable(const std::string& path) {
  return path == "/" || path.rfind("/classe", 0) == 0 || path.rfind("/contenus/", 0) == 0 ||
         path.rfind("/recherche", 0) == 0;
}

// What an LTI launch opens inside a registered platform's frame: the pupil and reading pages,
// the launch and deep-linking pages, and a launched teacher's preview of an interactive video
// or course. Editors and management are never framed.
bool framable_by_platforms(const std::string& path) {
  static const std::regex kLaunched(R"(/activites/\d{1,18}/apercu|/cours/\d{1,18})");
  return framable(path) || path.rfind("/lti/", 0) == 0 || std::regex_match(path, kLaunched);
}

void security_headers(http::Response& res, const std::vector<std::string>& ancestors = {},
                      bool may_frame = false) {
  if (res.has_header("Content-Security-Policy")) return;
  std::string frames = "'none'";
  if (may_frame && !ancestors.empty()) {
    frames = "'self'";
    for (const std::string& a : ancestors) frames += " " + a;
  }
  res.set_header("Content-Security-Policy",
                 "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
                 "media-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
                 "frame-ancestors " +
                     frames);
  res.set_header("X-Content-Type-Options", "nosniff");
  res.set_header("Referrer-Policy", "same-origin");
  // X-Frame-Options cannot name several sites: browsers that know frame-ancestors ignore it,
  // and it is left out where framing is allowed.
  if (frames == "'none'") res.set_header("X-Frame-Options", "DENY");
}

const char* method_name(Method m) {
  switch (m) {
    case Method::kGet: return "GET, HEAD";
    case Method::kPost: return "POST";
    case Method::kPut: return "PUT";
    case Method::kDelete: return "DELETE";
  }
  return "GET";
}

std::optional<Method> method_of(const std::string& name) {
  if (name == "GET" || name == "HEAD") return Method::kGet;
  if (name == "POST") return Method::kPost;
  if (name == "PUT") return Method::kPut;
  if (name == "DELETE") return Method::kDelete;
  return std::nullopt;
}

// The handler of the request's route; 404 when no route has its path, 405 (with Allow) when
// routes have it for other methods. A handler that throws answers 500 without its message,
// which goes to the operator.
void route(Server::Impl& impl, http::Request& req, http::Response& res) {
  const auto method = method_of(req.method);
  std::string allow;
  for (const CompiledRoute& r : impl.routes) {
    std::smatch found;
    if (!std::regex_match(req.path, found, r.pattern)) continue;
    if (!method || r.method != *method) {
      allow += (allow.empty() ? "" : ", ") + std::string(r.method_name);
      continue;
    }
    req.matches = std::move(found);
    try {
      r.handler(impl.ctx, req, res);
    } catch (const std::exception& e) {
      if (impl.options.warn)
        impl.options.warn("error answering " + req.method + " " + text::escape_control(req.path) +
                          ": " + e.what());
      res = http::Response();
      security_headers(res);
      problem(res, 500, "Internal Server Error", "an unexpected error happened; it is logged");
    }
    return;
  }
  if (!allow.empty()) {
    res.status = 405;
    res.set_header("Allow", allow);
    return;
  }
  res.status = method ? 404 : 501;
}

// Errors that no handler described: a problem for the API, the French page for a 404.
void error_answer(const http::Request& req, http::Response& res) {
  const bool api = req.path.rfind("/api/", 0) == 0;
  const int status = res.status;
  const std::string detail = status == 404   ? "nothing is at " + req.path.substr(0, 200)
                             : status == 405 ? "this address does not take " + req.method
                             : status == 501 ? "this server does not know the method"
                                             : "the request cannot be answered";
  if (api || status != 404) {
    problem(res, status, reason_phrase(status), detail);
  } else {
    page_not_found(req, res);
  }
  res.status = status;
}

// A change asked with a live session but without its CSRF token: refused, before any handler.
void refuse_forgery(const http::Request& req, http::Response& res) {
  if (req.path.rfind("/api/", 0) == 0) {
    problem(res, 403, "Forbidden",
            "this change needs the session's CSRF token (header X-CSRF-Token, or form field "
            "csrf)");
  } else {
    error_page(res, 403, "Formulaire expiré",
               "Ce formulaire n'a pas pu être vérifié (il vient peut-être d'une autre page, ou "
               "votre session a changé). Rechargez la page et recommencez.");
  }
}

void dispatch(Server::Impl& impl, http::Request& req, http::Response& res) {
  const auto t0 = std::chrono::steady_clock::now();
  if (framable_by_platforms(req.path)) {
    std::vector<std::string> ancestors = impl.options.frame_ancestors;
    const std::vector<std::string> platforms = impl.ctx.framing_platforms();
    if (!framable(req.path)) ancestors.clear();  // only the platforms frame these
    ancestors.insert(ancestors.end(), platforms.begin(), platforms.end());
    security_headers(res, ancestors, true);
  } else {
    security_headers(res, impl.options.frame_ancestors, false);
  }
  const Viewer viewer = identify(impl.ctx, req);
  req.viewer = &viewer;
  if (changes_state(req) && !carries_csrf_token(req, viewer)) {
    refuse_forgery(req, res);
  } else if (req.path == "/recherche" || req.path == "/api/v1/search" ||
             req.path == "/api/v1/answer") {
    // A search's CPU, for `repere status`: the worker computes the whole answer on its thread.
    const double before = thread_cpu_seconds();
    route(impl, req, res);
    impl.ctx.search_cpu_ns += static_cast<std::int64_t>((thread_cpu_seconds() - before) * 1e9);
    ++impl.ctx.searches;
  } else {
    route(impl, req, res);
  }
  if (!req.body_file.empty()) {  // an upload's body: its files are out of it by now
    std::error_code ignored;
    fs::remove(req.body_file, ignored);
  }
  if (res.status >= 400 && res.body.empty() && !res.stream) error_answer(req, res);
  // The reading view's switch is a form: it is in before decorate_page gives forms their CSRF
  // field.
  if (res.get_header_value("Content-Type").starts_with("text/html")) decorate_reading(req, res);
  res.headers.erase(kClassDefault);
  decorate_page(res, viewer);
  // An answer to a request that carries a key, a token or a cookie is for that person alone:
  // no cache, shared or private, keeps it.
  if (req.has_header("X-Edit-Key") || req.has_header("X-Pupil-Token") ||
      req.has_header("Authorization") || req.has_header("Cookie") || req.has_param("cle") ||
      req.has_param("key")) {
    res.set_header("Cache-Control", "no-store");
  }
  if (!impl.options.access_log) return;
  const double ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
  std::string target = text::escape_control(req.path.substr(0, 300));
  if (!req.params.empty()) target += "?…";
  char tail[96];
  std::snprintf(tail, sizeof tail, " %d %llu B %.1f ms", res.status,
                static_cast<unsigned long long>(res.stream ? res.stream_size : res.body.size()),
                ms);
  impl.options.access_log(req.remote_addr + " " + req.method + " " + target + tail);
}

void static_route(Context&, const http::Request& req, http::Response& res) {
  static_file(req, res);
}

}  // namespace

Result<std::unique_ptr<Server>> Server::create(const DataDir& dir, const ServerOptions& options) {
  REPERE_RETURN_IF_ERROR(check_data_dir(dir));
  if (!options.lrs_endpoint.empty()) {
    REPERE_RETURN_IF_ERROR(split_endpoint_url(options.lrs_endpoint, "xapi.lrs_endpoint").status());
  }
  {  // an older catalog is brought to this binary's schema (activities came with version 3)
    catalog::OpenOptions open{.create_if_missing = false};
    open.modules = {&learn::schema(), &auth::schema(), &taxonomy::schema(), &courses::schema(),
                    &oai::schema(),   &lti::schema(),  &sso::schema()};
    auto db = catalog::Database::open(dir.catalog(), open);
    if (!db.is_ok()) return db.status().with_context("cannot open " + dir.catalog().string());
  }
  std::shared_ptr<const answer::Rephraser> rephraser;
  if (!options.generation.base_url.empty()) {
    REPERE_ASSIGN_OR_RETURN(rephraser, answer::Rephraser::create(options.generation));
  }
  REPERE_ASSIGN_OR_RETURN(const HourWindow heavy,
                          parse_hours(options.heavy_hours, "serve.heavy_hours"));
  auto impl = std::make_unique<Impl>();
  impl->ctx.dir = dir;
  impl->ctx.rephraser = std::move(rephraser);
  impl->ctx.heavy_hours = heavy;
  impl->ctx.search_options = options.search;
  impl->ctx.public_url = options.public_url;
  impl->ctx.oai.repository_name = options.oai_repository_name;
  impl->ctx.oai.admin_email = options.oai_admin_email;
  impl->ctx.oai.page_size = options.oai_page_size;
  impl->ctx.session_limits.idle = std::chrono::minutes(options.session_idle_minutes);
  impl->ctx.secure_cookies = options.secure_cookies;
  impl->ctx.max_upload_bytes = options.max_upload_bytes;
  impl->ctx.ingest = options.ingest;
  impl->ctx.uploads = std::make_shared<Uploads>();
  impl->ctx.warn = options.warn;
  while (impl->ctx.public_url.ends_with('/')) impl->ctx.public_url.pop_back();
  // The searchers of the pool share the vector index and the embedder.
  if (!impl->ctx.search_options.cache)
    impl->ctx.search_options.cache = std::make_shared<search::SearcherCache>();
  impl->options = options;
  for (const Route& r : routes()) {
    impl->routes.push_back({std::regex(r.pattern), r.handler, r.method, method_name(r.method)});
  }
  impl->routes.push_back({std::regex(R"(/static/([a-z0-9_-]{1,40}\.(css|js)))"), static_route,
                          Method::kGet, method_name(Method::kGet)});
  http::HttpOptions h{.host = options.host,
                      .port = options.port,
                      .workers = options.threads > 0 ? options.threads : 8,
                      .max_body_bytes = options.max_request_bytes};
  h.header_timeout = std::chrono::seconds(options.header_timeout_seconds);
  h.body_timeout = std::chrono::seconds(options.timeout_seconds);
  h.write_timeout = std::chrono::seconds(options.timeout_seconds);
  h.keep_alive_timeout = std::chrono::seconds(options.keep_alive_seconds);
  h.max_connections_per_address = options.max_connections_per_address;
  h.trusted_proxies = options.trusted_proxies;
  h.max_file_body_bytes = options.max_upload_bytes;
  {
    Context* ctx = &impl->ctx;
    // A curator's upload streams to a file of the data folder's tmp/ rather than memory.
    h.body_file = [ctx](const http::Request& head) -> std::optional<fs::path> {
      if (head.method != "POST" || head.path != "/gestion/depot") return std::nullopt;
      if (!identify(*ctx, head).can(auth::Role::kCurator)) return std::nullopt;
      std::error_code ec;
      fs::create_directories(ctx->dir.root / "tmp", ec);
      return ctx->dir.root / "tmp" / ("upload-" + auth::random_token() + ".part");
    };
  }
  if (options.access_log) {
    auto log = options.access_log;
    h.refused = [log](const std::string& address, int status, const std::string& why) {
      log(address + " - - " + std::to_string(status) + " (" + why + ")");
    };
  }
  Impl* raw = impl.get();
  impl->http = std::make_unique<http::HttpServer>(
      std::move(h), [raw](http::Request& req, http::Response& res) { dispatch(*raw, req, res); });
  return std::unique_ptr<Server>(new Server(std::move(impl)));
}

Status Server::bind() {
  REPERE_RETURN_IF_ERROR(impl_->http->bind());
  impl_->port = impl_->http->port();
  if (impl_->ctx.public_url.empty()) {
    const std::string& host = impl_->options.host;
    const bool local = host == "0.0.0.0" || host == "127.0.0.1" || host == "::" || host.empty();
    impl_->ctx.public_url =
        "http://" + (local ? std::string("localhost") : host) + ":" + std::to_string(impl_->port);
  }
  return Status::ok();
}

int Server::port() const { return impl_->port; }

namespace {

// Posts the statements not yet sent to the LRS, 50 at a time, until told to stop.
void send_statements(Server::Impl& impl) {
  const ServerOptions& o = impl.options;
  const auto url = split_endpoint_url(o.lrs_endpoint, "xapi.lrs_endpoint");
  if (!url.is_ok()) return;  // checked by create()
  httplib::Client client(url->origin);
  client.set_connection_timeout(5, 0);
  client.set_read_timeout(15, 0);
  if (!o.lrs_username.empty()) client.set_basic_auth(o.lrs_username, o.lrs_password);
  const httplib::Headers headers = {{"X-Experience-API-Version", "1.0.3"}};
  auto wait = std::chrono::milliseconds(500);
  bool failing = false;
  while (true) {
    {
      std::unique_lock lock(impl.lrs_mutex);
      if (impl.lrs_wake.wait_for(lock, wait, [&] { return impl.lrs_stop; })) return;
    }
    auto db = impl.ctx.catalog_for_writing();
    if (!db.is_ok()) continue;
    learn::ActivityStore store(**db);
    const auto batch = store.unsent_statements(50);
    if (!batch.is_ok() || batch->empty()) {
      wait = std::chrono::milliseconds(500);
      continue;
    }
    std::string body = "[";
    std::vector<learn::Id> ids;
    for (const auto& s : *batch) {
      body += (ids.empty() ? "" : ",") + s.statement;
      ids.push_back(s.id);
    }
    body += "]";
    const auto res = client.Post(url->prefix + "/statements", headers, body, "application/json");
    // 409: the LRS has these ids already (sent before a crash).
    if (res && (res->status == 200 || res->status == 204 || res->status == 409)) {
      if (store.mark_sent(ids).is_ok())
        wait = std::chrono::milliseconds(batch->size() == 50 ? 0 : 500);
      if (failing && o.warn) o.warn("LRS " + url->origin + ": statements sent again");
      failing = false;
      continue;
    }
    if (!failing && o.warn) {
      o.warn("LRS " + url->origin + " did not take " + std::to_string(ids.size()) +
             " statements (" +
             (res ? "HTTP " + std::to_string(res->status) + ": " + endpoint_message(res->body)
                  : httplib::to_string(res.error())) +
             "); they are kept and will be sent again");
    }
    failing = true;
    wait = std::min<std::chrono::milliseconds>(std::max(wait * 2, std::chrono::milliseconds(1000)),
                                               std::chrono::milliseconds(60000));
  }
}

}  // namespace

// Harvests the configured partners, the first time a few seconds after the server starts, then
// every oai_harvest_minutes; the search index follows each harvest that changed something.
void harvest_partners(Server::Impl& impl, const std::atomic<bool>& stopping) {
  const ServerOptions& o = impl.options;
  const auto period = std::chrono::minutes(std::max(1, o.oai_harvest_minutes));
  std::vector<std::chrono::steady_clock::time_point> next(
      o.oai_partners.size(), std::chrono::steady_clock::now() + std::chrono::seconds(2));
  std::vector<int> failures(o.oai_partners.size(), 0);
  while (!stopping) {
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    for (std::size_t i = 0; i < o.oai_partners.size() && !stopping; ++i) {
      if (std::chrono::steady_clock::now() < next[i]) continue;
      const std::string& entry = o.oai_partners[i];
      oai::HarvestOptions h;
      h.base_url = entry.substr(0, entry.find(' '));
      if (entry.find(' ') != std::string::npos)
        h.prefix = entry.substr(entry.find_last_of(' ') + 1);
      h.stop = &stopping;
      auto db = impl.ctx.catalog_for_writing();
      auto report = db.is_ok() ? oai::harvest(**db, h) : Result<oai::HarvestReport>(db.status());
      if (report.is_ok()) {
        failures[i] = 0;
        next[i] = std::chrono::steady_clock::now() + period;
        if (o.warn && (report->added || report->updated || report->removed || report->skipped)) {
          o.warn("OAI harvest of " + h.base_url + ": " + std::to_string(report->added) +
                 " added, " + std::to_string(report->updated) + " updated, " +
                 std::to_string(report->removed) + " removed, " + std::to_string(report->skipped) +
                 " skipped");
        }
      } else {
        const auto wait = std::min<std::chrono::minutes>(
            period, std::chrono::minutes(5) * (1 << std::min(failures[i]++, 8)));
        next[i] = std::chrono::steady_clock::now() + wait;
        if (o.warn)
          o.warn("OAI harvest of " + h.base_url + " failed (" + report.status().message() +
                 "); next try in " + std::to_string(wait.count()) + " min");
      }
      // What came is searchable, whether the harvest ended or not.
      const auto indexed = impl.ctx.refresh_index();
      if (!indexed.is_ok() && o.warn)
        o.warn("cannot update the search index: " + indexed.status().message());
    }
  }
}

Status Server::serve() {
  std::thread lrs;
  if (!impl_->options.lrs_endpoint.empty()) lrs = std::thread(send_statements, std::ref(*impl_));
  // Index updates that waited for an ingest to end: tried again every 2 s.
  std::atomic<bool> stopping{false};
  std::thread updater([this, &stopping] {
    int ticks = 0;
    while (!stopping) {
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
      if (++ticks % 300 == 0) {  // a minute
        if (const Status flushed = impl_->ctx.flush_usage();
            !flushed.is_ok() && impl_->options.warn)
          impl_->options.warn("cannot count searches: " + flushed.message());
      }
      if (ticks % 10 != 0 || !impl_->ctx.index_pending) continue;
      const auto done = impl_->ctx.refresh_index();
      if (!done.is_ok() && impl_->options.warn)
        impl_->options.warn("cannot update the search index: " + done.status().message());
    }
  });
  // Scores for LTI platforms (lti_pages.cpp): the due ones every 2 s; kept while one is down.
  std::thread grader([this, &stopping] {
    int ticks = 0;
    while (!stopping) {
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
      if (++ticks % 10 == 0) send_lti_scores(impl_->ctx);
    }
  });
  std::thread harvester;
  if (!impl_->options.oai_partners.empty())
    harvester = std::thread(harvest_partners, std::ref(*impl_), std::cref(stopping));
  const Status served = impl_->http->serve();
  stopping = true;
  updater.join();
  if (const Status flushed = impl_->ctx.flush_usage(); !flushed.is_ok() && impl_->options.warn)
    impl_->options.warn("cannot count searches: " + flushed.message());
  grader.join();
  if (harvester.joinable()) harvester.join();
  if (lrs.joinable()) {
    {
      const std::lock_guard lock(impl_->lrs_mutex);
      impl_->lrs_stop = true;
    }
    impl_->lrs_wake.notify_all();
    lrs.join();
  }
  return served;
}

void Server::stop() { impl_->http->stop(); }

}  // namespace repere::web
