// Who sees what, for real: a library with a published video, a draft and a retired one, the
// five kinds of visitor (anonymous, pupil, teacher, curator, admin), and every route that
// serves a content or changes something, each a row of one matrix. Then the security checks
// of accounts: CSRF, throttled logins, cookie flags, sessions across a restart and at logout,
// argon2id, and an old edit link that still works.
#include <gtest/gtest.h>
#include <httplib.h>

#include <array>
#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>
#include <thread>

#include "multipart.h"  // src/web
#include "repere/auth/accounts.h"
#include "repere/auth/schema.h"
#include "repere/catalog/contents.h"
#include "repere/catalog/database.h"
#include "repere/catalog/texts.h"
#include "repere/catalog/usage.h"
#include "repere/core/hours.h"
#include "repere/index/library.h"
#include "repere/learn/schema.h"
#include "repere/learn/store.h"
#include "repere/web/server.h"
#include "support/running_server.h"
#include "support/temp_dir.h"

namespace repere::web {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

constexpr const char* kPassword = "un mot de passe assez long";

// A library on disk: three contents of three statuses, two activities, three accounts.
struct Library {
  testing::TempDir dir;
  std::int64_t published = 0, draft = 0, retired = 0;
  std::int64_t published_pdf = 0, draft_pdf = 0;
  std::int64_t draft_track = 0;
  std::int64_t activity = 0, retired_activity = 0, class_id = 0;
  std::string key, retired_key, code, retired_code;

  std::unique_ptr<catalog::Database> open() {
    catalog::OpenOptions o;
    o.modules = {&learn::schema(), &auth::schema()};
    return std::move(catalog::Database::open(DataDir{dir.path()}.catalog(), o)).value();
  }

  std::int64_t add_video(catalog::Database& db, const std::string& title,
                         catalog::EditorialStatus status, const std::string& said,
                         std::int64_t* track_id = nullptr) {
    catalog::Content c;
    c.kind = catalog::ContentKind::kVideo;
    c.title = title;
    c.language = "fr";
    c.status = status;
    c.media_path = (fs::path(REPERE_FIXTURES_DIR) / "lecture.mp4").string();
    c.duration_ms = 12000;
    const auto id = *catalog::ContentRepository(db).insert(c);
    catalog::Track t;
    t.content_id = id;
    t.kind = catalog::TrackKind::kSubtitles;
    t.language = "fr";
    const auto track = *catalog::TrackRepository(db).insert(t);
    if (track_id != nullptr) *track_id = track;
    EXPECT_TRUE(catalog::CueRepository(db)
                    .replace_for_track(track, {{.start_ms = 1000, .end_ms = 5000, .text = said}})
                    .is_ok());
    EXPECT_TRUE(catalog::PassageRepository(db)
                    .replace_for_content(id, {{.track_id = track,
                                               .start_ms = 1000,
                                               .end_ms = 5000,
                                               .language = "fr",
                                               .text = said}})
                    .is_ok());
    return id;
  }

  std::int64_t add_document(catalog::Database& db, const std::string& title,
                            catalog::EditorialStatus status) {
    catalog::Content c;
    c.kind = catalog::ContentKind::kDocument;
    c.title = title;
    c.language = "fr";
    c.status = status;
    c.media_path = (fs::path(REPERE_FIXTURES_DIR) / "document.pdf").string();
    c.page_count = 2;
    return *catalog::ContentRepository(db).insert(c);
  }

  Library() {
    auto db = open();
    using S = catalog::EditorialStatus;
    published = add_video(*db, "La photosynthèse", S::kPublished,
                          "La chlorophylle capte la lumière du soleil.");
    draft = add_video(*db, "Brouillon des roches", S::kDraft, "La zéolithe est un minéral poreux.",
                      &draft_track);
    retired =
        add_video(*db, "Ancien cours retiré", S::kRetired, "Le basalte refroidit vite en surface.");
    published_pdf = add_document(*db, "Fiche publiée", S::kPublished);
    draft_pdf = add_document(*db, "Fiche en brouillon", S::kDraft);
    learn::ActivityStore store(*db);
    learn::Activity a;
    a.content_id = published;
    a.title = "Photosynthèse";
    a.start_ms = 0;
    a.end_ms = 10000;
    const auto made = *store.create(a);
    activity = made.id;
    key = made.edit_key;
    const auto share = store.add_class(activity, key, "5e B");
    code = share->code;
    class_id = share->id;
    a.content_id = retired;
    a.title = "Roches";
    const auto old = *store.create(a);
    retired_activity = old.id;
    retired_key = old.edit_key;
    retired_code = store.add_class(old.id, old.edit_key, "5e C")->code;
    auth::UserStore users(*db);
    EXPECT_TRUE(users.add("enseignante", "Léa Martin", auth::Role::kTeacher, kPassword).is_ok());
    EXPECT_TRUE(users.add("conservateur", "", auth::Role::kCurator, kPassword).is_ok());
    EXPECT_TRUE(users.add("admin", "", auth::Role::kAdmin, kPassword).is_ok());
    std::atomic<bool> stop{false};
    EXPECT_TRUE(index::reindex(*db, DataDir{dir.path()}.index(), nullptr, stop).is_ok());
  }
};

using Running = testing::RunningServer;

std::string form(std::initializer_list<std::pair<std::string, std::string>> fields) {
  std::string out;
  for (const auto& [k, v] : fields) {
    if (!out.empty()) out += '&';
    out += k + "=" + httplib::detail::encode_query_param(v);
  }
  return out;
}

// The session cookie ("repere_session=…") of a Set-Cookie header, "" without one.
std::string session_of(const httplib::Result& r) {
  if (!r) return "";
  const std::string set = r->get_header_value("Set-Cookie");
  const std::size_t end = set.find(';');
  return set.rfind("repere_session=", 0) == 0 ? set.substr(0, end) : "";
}

struct Visitor {
  std::string name;
  httplib::Headers headers;  // its cookie
  std::string csrf;          // of its session
};

Visitor sign_in(const httplib::Client& proto_client, Running& server, const std::string& login) {
  (void)proto_client;
  auto c = server.client();
  const auto r = c.Post("/connexion", form({{"identifiant", login}, {"mot_de_passe", kPassword}}),
                        "application/x-www-form-urlencoded");
  EXPECT_TRUE(r && r->status == 303) << login << ": " << (r ? r->status : 0);
  Visitor v{login, {{"Cookie", session_of(r)}}, ""};
  const auto me = c.Get("/api/v1/me", v.headers);
  EXPECT_TRUE(me && me->status == 200);
  const json body = json::parse(me->body);
  EXPECT_TRUE(body["signed_in"].get<bool>()) << login;
  v.csrf = body.value("csrf_token", "");
  return v;
}

class AccessMatrix : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    lib_ = new Library;
    server_ = new Running(lib_->dir.path());
    httplib::Client unused("127.0.0.1", 1);
    visitors_ = new std::vector<Visitor>;
    visitors_->push_back({"anonymous", {}, ""});
    // A pupil: no account, the class's cookie from joining with a pseudonym.
    auto c = server_->client();
    const auto joined = c.Post("/api/v1/classes/" + lib_->code + "/pupils",
                               R"({"pseudonym":"Lou"})", "application/json");
    ASSERT_TRUE(joined && joined->status == 201);
    const std::string token = json::parse(joined->body)["token"];
    visitors_->push_back({"pupil", {{"Cookie", "repere_eleve=" + token}}, ""});
    for (const char* login : {"enseignante", "conservateur", "admin"})
      visitors_->push_back(sign_in(unused, *server_, login));
  }
  static void TearDownTestSuite() {
    delete server_;
    delete visitors_;
    delete lib_;
  }
  static Library* lib_;
  static Running* server_;
  static std::vector<Visitor>* visitors_;
};

Library* AccessMatrix::lib_ = nullptr;
Running* AccessMatrix::server_ = nullptr;
std::vector<Visitor>* AccessMatrix::visitors_ = nullptr;

struct Row {
  std::string method;  // GET or POST
  std::string path;
  std::array<int, 5> status;  // anonymous, pupil, teacher, curator, admin
  std::string body = "";      // POST: JSON (starts with '{') or a form
  // For 200 answers: a text the body holds for the first `staff_from` visitors, and for the
  // others (curators and admins, or everyone signed in).
  std::string public_has = "", staff_has = "";
  std::size_t staff_from = 3;
};

TEST_F(AccessMatrix, EveryRouteForEveryKindOfVisitor) {
  const Library& l = *lib_;
  const std::string p = std::to_string(l.published), d = std::to_string(l.draft),
                    r = std::to_string(l.retired);
  const std::vector<Row> rows = {
      {"GET", "/api/v1/contents/" + p, {200, 200, 200, 200, 200}},
      {"GET", "/api/v1/contents/" + d, {404, 404, 404, 200, 200}},
      {"GET", "/api/v1/contents/" + r, {404, 404, 404, 200, 200}},
      {"GET", "/api/v1/contents/" + d + "/passages", {404, 404, 404, 200, 200}},
      {"GET",
       "/api/v1/contents/" + d + "/tracks/" + std::to_string(l.draft_track) + ".vtt",
       {404, 404, 404, 200, 200}},
      {"GET", "/api/v1/media/" + p, {200, 200, 200, 200, 200}},
      {"GET", "/api/v1/media/" + d, {404, 404, 404, 200, 200}},
      {"GET", "/api/v1/media/" + r, {404, 404, 404, 200, 200}},
      {"GET", "/contenus/" + p, {200, 200, 200, 200, 200}},
      {"GET", "/contenus/" + d, {404, 404, 404, 200, 200}, "", "", "Brouillon"},
      {"GET", "/contenus/" + r, {404, 404, 404, 200, 200}},
      // A document's pages as images: as its content page.
      {"GET",
       "/contenus/" + std::to_string(l.published_pdf) + "/pages/1.webp",
       {200, 200, 200, 200, 200}},
      {"GET",
       "/contenus/" + std::to_string(l.draft_pdf) + "/pages/1.webp",
       {404, 404, 404, 200, 200}},
      {"GET",
       "/contenus/" + std::to_string(l.published_pdf) + "/pages/3.webp",
       {404, 404, 404, 404, 404}},
      {"GET", "/contenus/" + p + "/pages/1.webp", {404, 404, 404, 404, 404}},  // a video has none
      // Texts read aloud, the reading view and its font: as the content page; for everyone.
      {"GET", "/contenus/" + p + "/voix/1.ogg", {200, 200, 200, 200, 200}},
      {"GET", "/contenus/" + d + "/voix/1.ogg", {404, 404, 404, 200, 200}},
      {"GET", "/contenus/" + r + "/voix/1.ogg", {404, 404, 404, 200, 200}},
      {"GET", "/contenus/" + p + "/voix/2.ogg", {404, 404, 404, 404, 404}},  // one part only
      {"POST", "/preferences/lecture", {303, 303, 303, 303, 303}, form({{"mode", "adaptee"}})},
      {"POST", "/preferences/lecture", {400, 400, 400, 400, 400}, form({{"mode", "rose"}})},
      {"GET", "/polices/opendyslexic-regular.otf", {200, 200, 200, 200, 200}},
      {"GET", "/classe/" + l.code + "/voix/424242.ogg", {404, 404, 404, 404, 404}},  // no card
      // A class's default reading view: its activity's edit key, or the course's teacher.
      {"POST",
       "/activites/" + std::to_string(l.activity) + "/classes/424242/lecture",
       {404, 404, 404, 404, 404},
       form({{"cle", l.key}, {"mode", "adaptee"}})},
      {"POST",
       "/cours/424242/classes/1/lecture",
       {303, 303, 404, 404, 404},
       form({{"mode", "adaptee"}})},
      // A video's moment thumbnails and its player alone (for ENTs): as its content page.
      {"GET", "/contenus/" + p + "/images/1.webp", {200, 200, 200, 200, 200}},
      {"GET", "/contenus/" + d + "/images/1.webp", {404, 404, 404, 200, 200}},
      {"GET", "/contenus/" + p + "/images/99.webp", {404, 404, 404, 404, 404}},  // past its end
      {"GET",
       "/contenus/" + std::to_string(l.published_pdf) + "/images/1.webp",
       {404, 404, 404, 404, 404}},
      {"GET",
       "/contenus/" + p + "/integrer?t=2",
       {200, 200, 200, 200, 200},
       "",
       "<video",
       "<video"},
      {"GET", "/contenus/" + d + "/integrer", {404, 404, 404, 200, 200}},
      {"GET",
       "/recherche?q=chlorophylle",
       {200, 200, 200, 200, 200},
       "",
       "class=\"vignette\" src=\"/contenus/" + p + "/images/1.webp\"",
       "class=\"vignette\" src=\"/contenus/" + p + "/images/1.webp\""},
      // Search: drafts are not found by the public, found (and labelled) by curators.
      {"GET",
       "/api/v1/search?q=z%C3%A9olithe&ratio=0",
       {200, 200, 200, 200, 200},
       "",
       "\"total\":0",
       "\"total\":1"},
      {"GET",
       "/api/v1/search?q=basalte&ratio=0",
       {200, 200, 200, 200, 200},
       "",
       "\"total\":0",
       "\"total\":0"},  // retired: out of the index for everyone
      // Answers: cited from published contents only, from every status for curators.
      {"GET",
       "/api/v1/answer?q=Qu%27est-ce%20que%20la%20z%C3%A9olithe%20%3F&ratio=0",
       {200, 200, 200, 200, 200},
       "",
       "\"answered\":false",
       "La zéolithe est un minéral poreux."},
      {"GET",
       "/recherche?q=z%C3%A9olithe",
       {200, 200, 200, 200, 200},
       "",
       "Aucun résultat",
       "Brouillon des roches"},
      {"GET",
       "/api/v1/contents",
       {200, 200, 200, 200, 200},
       "",
       "La photosynth",
       "Brouillon des roches"},
      {"GET", "/api/v1/health", {200, 200, 200, 200, 200}, "", "\"contents\":2", "\"contents\":5"},
      {"GET", "/", {200, 200, 200, 200, 200}},
      {"GET", "/programme", {200, 200, 200, 200, 200}},
      {"GET", "/programme/424242", {404, 404, 404, 404, 404}},
      // Pupils' side of an activity whose content was retired, and its H5P export.
      {"GET", "/classe/" + l.code, {200, 200, 200, 200, 200}},
      {"GET", "/classe/" + l.retired_code, {404, 404, 404, 200, 200}},
      {"GET", "/api/v1/classes/" + l.retired_code, {404, 404, 404, 200, 200}},
      {"GET",
       "/api/v1/activities/" + std::to_string(l.retired_activity) +
           "/export.h5p?key=" + l.retired_key,
       {404, 404, 404, 200, 200}},
      {"GET",
       "/api/v1/activities/" + std::to_string(l.activity) + "/export.h5p?key=" + l.key,
       {200, 200, 200, 200, 200}},
      // An edit link made before accounts still works, for whoever holds it.
      {"GET",
       "/activites/" + std::to_string(l.activity) + "/modifier?cle=" + l.key,
       {200, 200, 200, 200, 200}},
      {"GET", "/activites/" + std::to_string(l.activity) + "/modifier", {404, 404, 404, 404, 404}},
      // A class's dashboard and « Élèves à accompagner »: the edit link's key, as its results.
      {"GET",
       "/activites/" + std::to_string(l.activity) + "/tableau?cle=" + l.key,
       {200, 200, 200, 200, 200},
       "",
       "Élèves à accompagner",
       "Élèves à accompagner"},
      {"GET", "/activites/" + std::to_string(l.activity) + "/tableau", {404, 404, 404, 404, 404}},
      {"GET",
       "/activites/" + std::to_string(l.activity) + "/tableau?cle=" + std::string(32, 'a'),
       {404, 404, 404, 404, 404}},
      {"GET",
       "/api/v1/activities/" + std::to_string(l.activity) + "/classes/" +
           std::to_string(l.class_id) + "/dashboard?key=" + l.key,
       {200, 200, 200, 200, 200}},
      {"GET",
       "/api/v1/activities/" + std::to_string(l.activity) + "/classes/" +
           std::to_string(l.class_id) + "/dashboard",
       {404, 404, 404, 404, 404}},
      {"GET",
       "/api/v1/activities/" + std::to_string(l.activity) +
           "/classes/424242/dashboard?key=" + l.key,
       {404, 404, 404, 404, 404}},
      {"POST",
       "/activites/" + std::to_string(l.activity) + "/classes/" + std::to_string(l.class_id) +
           "/accompagnement",
       {404, 404, 404, 404, 404},
       form({{"mode", "non"}})},
      {"POST",
       "/activites/" + std::to_string(l.activity) + "/classes/" + std::to_string(l.class_id) +
           "/accompagnement",
       {303, 303, 303, 303, 303},
       form({{"cle", l.key}, {"mode", "oui"}})},
      // Staff pages.
      {"GET", "/activites", {303, 303, 200, 200, 200}},
      {"GET", "/gestion", {303, 303, 403, 200, 200}},
      {"GET", "/gestion/journal", {303, 303, 403, 403, 200}},
      {"GET", "/gestion/journal.csv", {303, 303, 403, 403, 200}},
      {"GET", "/connexion", {200, 200, 303, 303, 303}},
      {"GET",
       "/api/v1/me",
       {200, 200, 200, 200, 200},
       "",
       "\"signed_in\":false",
       "\"signed_in\":true",
       2},
      // Changes (no-ops: the draft stays a draft), with the session's CSRF token.
      {"POST",
       "/api/v1/contents/" + d + "/status",
       {401, 401, 403, 200, 200},
       R"({"status":"draft"})"},
      {"POST", "/gestion/etat", {303, 303, 403, 303, 303}, form({{"id", d}, {"etat", "draft"}})},
      // Courses: teachers and up make and list theirs; an unknown course is 404 for everyone.
      {"GET", "/cours", {303, 303, 200, 200, 200}},
      {"GET", "/cours/424242", {404, 404, 404, 404, 404}},
      {"GET", "/cours/424242/imprimer", {404, 404, 404, 404, 404}},
      {"GET", "/cours/424242/export.imscc", {404, 404, 404, 404, 404}},
      {"GET", "/cours/424242/progression", {303, 303, 404, 404, 404}},
      {"POST", "/classe/ZZZZZZZZZ/chapitre", {404, 404, 404, 404, 404}, form({{"chapitre", "1"}})},
      {"GET", "/cours/424242/modifier", {303, 303, 404, 404, 404}},
      {"POST", "/cours/424242/dupliquer", {303, 303, 404, 404, 404}, form({{"x", "1"}})},
      {"GET", "/cours/ajouter?contenu=" + p + "&t=0", {303, 303, 200, 200, 200}},
      {"GET", "/cours/ajouter?contenu=" + d + "&t=0", {303, 303, 404, 200, 200}},
      {"POST", "/cours", {303, 303, 400, 400, 400}, form({{"titre", ""}})},
      // Programme concepts of a content: curators decide (an unknown concept: refused, 400).
      {"GET", "/contenus/" + p, {200, 200, 200, 200, 200}, "", "", "Place dans le programme"},
      {"POST",
       "/contenus/" + d + "/notions",
       {303, 303, 403, 400, 400},
       form({{"notion", "http://example.org/aucune"}, {"decision", "confirmer"}})},
      {"POST",
       "/contenus/" + d + "/notions",
       {303, 303, 403, 400, 400},
       form({{"notion", "http://example.org/aucune"}, {"decision", "effacer"}})},
      {"POST",
       "/contenus/424242/notions",
       {303, 303, 403, 404, 404},
       form({{"notion", "http://example.org/aucune"}, {"decision", "rejeter"}})},
      // ENT pages (single sign-on): teachers see their ENT classes, others the way in; a
      // share is refused (not her ENT class) back to /ent; a seat needs an ENT pupil session.
      {"GET", "/ent", {200, 200, 200, 200, 200}, "", "Entrer par l'ENT", "Mes classes de l'ENT", 2},
      {"POST",
       "/ent/partager",
       {303, 303, 303, 303, 303},
       form({{"classe", "424242"}, {"choix", "activite:1"}})},
      {"GET", "/ent/classe/activite/1", {303, 303, 303, 303, 303}},
      {"GET", "/sso/inconnu/connexion", {404, 404, 404, 404, 404}},
      {"GET", "/sso/inconnu/retour?state=x", {404, 404, 404, 404, 404}},
      // SAML: an IdP posts without a CSRF token (its signature answers for it).
      {"GET", "/sso/inconnu/metadata", {404, 404, 404, 404, 404}},
      {"POST", "/sso/inconnu/acs", {404, 404, 404, 404, 404}, form({{"SAMLResponse", "x"}})},
      {"GET", "/sso/inconnu/slo", {404, 404, 404, 404, 404}},
  };
  for (const Row& row : rows) {
    for (std::size_t who = 0; who < 5; ++who) {
      const Visitor& v = (*visitors_)[who];
      auto c = server_->client();
      httplib::Headers headers = v.headers;
      if (row.method != "GET" && !v.csrf.empty()) headers.emplace("X-CSRF-Token", v.csrf);
      const bool is_json = !row.body.empty() && row.body[0] == '{';
      const auto got = row.method == "GET" ? c.Get(row.path, headers)
                                           : c.Post(row.path, headers, row.body,
                                                    is_json ? "application/json"
                                                            : "application/x-www-form-urlencoded");
      const std::string where = row.method + " " + row.path + " as " + v.name;
      ASSERT_TRUE(got) << where;
      EXPECT_EQ(got->status, row.status[who]) << where;
      const std::string& expected = who < row.staff_from ? row.public_has : row.staff_has;
      if (got->status == 200 && !expected.empty()) {
        EXPECT_NE(got->body.find(expected), std::string::npos)
            << where << " lacks " << expected << " in " << got->body.substr(0, 600);
      }
    }
  }
}

// The login page sends visitors without the right to /connexion, coming back where they were.
TEST_F(AccessMatrix, StaffPagesSendToTheLoginAndBack) {
  auto c = server_->client();
  const auto r = c.Get("/gestion?etat=draft");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 303);
  // (the client decodes the header: the server sends suite=%2Fgestion%3Fetat%3Ddraft)
  const std::string to = r->get_header_value("Location");
  EXPECT_EQ(to.rfind("/connexion?suite=", 0), 0u) << to;
  EXPECT_NE(to.find("gestion"), std::string::npos) << to;
  EXPECT_NE(to.find("draft"), std::string::npos) << to;
}

// ------------------------------------------------------------------------------------------
// Security of accounts: each test has its own server (the login throttle counts per address).

class Accounts : public ::testing::Test {
 protected:
  Library lib_;
};

TEST_F(Accounts, AChangeWithoutTheCsrfTokenIsRefused) {
  Running server(lib_.dir.path());
  const Visitor curator = sign_in(server.client(), server, "conservateur");
  auto c = server.client();
  const std::string path = "/api/v1/contents/" + std::to_string(lib_.draft) + "/status";
  const std::string publish = R"({"status":"published"})";
  auto none = c.Post(path, curator.headers, publish, "application/json");
  ASSERT_TRUE(none);
  EXPECT_EQ(none->status, 403);
  httplib::Headers wrong = curator.headers;
  wrong.emplace("X-CSRF-Token", std::string(curator.csrf.size(), 'x'));
  auto forged = c.Post(path, wrong, publish, "application/json");
  ASSERT_TRUE(forged);
  EXPECT_EQ(forged->status, 403);
  // The form of another site: the same cookie, no token field.
  auto page = c.Post("/gestion/etat", curator.headers,
                     form({{"id", std::to_string(lib_.draft)}, {"etat", "published"}}),
                     "application/x-www-form-urlencoded");
  ASSERT_TRUE(page);
  EXPECT_EQ(page->status, 403);
  auto logout = c.Post("/deconnexion", curator.headers, "", "application/x-www-form-urlencoded");
  ASSERT_TRUE(logout);
  EXPECT_EQ(logout->status, 403);
  // Nothing changed: the draft is still not found by the public.
  auto search = c.Get("/api/v1/search?q=z%C3%A9olithe&ratio=0");
  EXPECT_NE(search->body.find("\"total\":0"), std::string::npos);
  // With the token, the change is made, and search follows at once.
  httplib::Headers right = curator.headers;
  right.emplace("X-CSRF-Token", curator.csrf);
  auto done = c.Post(path, right, publish, "application/json");
  ASSERT_TRUE(done);
  EXPECT_EQ(done->status, 200) << done->body;
  EXPECT_TRUE(json::parse(done->body)["index_updated"].get<bool>());
  search = c.Get("/api/v1/search?q=z%C3%A9olithe&ratio=0");
  EXPECT_NE(search->body.find("\"total\":1"), std::string::npos) << search->body;
  // Every page a signed-in person gets carries the token in its POST forms.
  auto home = c.Get("/contenus/" + std::to_string(lib_.draft), curator.headers);
  EXPECT_NE(home->body.find("name=\"csrf\" value=\"" + curator.csrf + "\""), std::string::npos);
}

TEST_F(Accounts, TenWrongPasswordsAnswer429) {
  Running server(lib_.dir.path());
  auto c = server.client();
  for (int i = 0; i < 10; ++i) {
    const auto r = c.Post(
        "/connexion",
        form({{"identifiant", "enseignante"}, {"mot_de_passe", "mauvais!" + std::to_string(i)}}),
        "application/x-www-form-urlencoded");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 401) << "attempt " << i;
    EXPECT_NE(r->body.find("Identifiant ou mot de passe incorrect"), std::string::npos);
  }
  // The eleventh is refused before the password is looked at, even the right one.
  const auto refused =
      c.Post("/connexion", form({{"identifiant", "enseignante"}, {"mot_de_passe", kPassword}}),
             "application/x-www-form-urlencoded");
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->status, 429);
  EXPECT_GT(std::stoi(refused->get_header_value("Retry-After")), 0);
  EXPECT_TRUE(session_of(refused).empty());
}

TEST_F(Accounts, AnUnknownLoginFailsLikeAWrongPassword) {
  Running server(lib_.dir.path());
  auto c = server.client();
  const auto unknown =
      c.Post("/connexion", form({{"identifiant", "personne"}, {"mot_de_passe", kPassword}}),
             "application/x-www-form-urlencoded");
  const auto wrong =
      c.Post("/connexion", form({{"identifiant", "admin"}, {"mot_de_passe", "pas le bon"}}),
             "application/x-www-form-urlencoded");
  ASSERT_TRUE(unknown && wrong);
  EXPECT_EQ(unknown->status, 401);
  EXPECT_EQ(wrong->status, 401);
  EXPECT_NE(unknown->body.find("Identifiant ou mot de passe incorrect"), std::string::npos);
  EXPECT_NE(wrong->body.find("Identifiant ou mot de passe incorrect"), std::string::npos);
}

TEST_F(Accounts, SessionCookieFlags) {
  {
    Running server(lib_.dir.path());
    auto c = server.client();
    const auto r =
        c.Post("/connexion", form({{"identifiant", "admin"}, {"mot_de_passe", kPassword}}),
               "application/x-www-form-urlencoded");
    ASSERT_TRUE(r);
    const std::string set = r->get_header_value("Set-Cookie");
    EXPECT_NE(set.find("; HttpOnly"), std::string::npos) << set;
    EXPECT_NE(set.find("; SameSite=Lax"), std::string::npos) << set;
    EXPECT_NE(set.find("; Path=/"), std::string::npos) << set;
    EXPECT_EQ(set.find("Secure"), std::string::npos) << "plain HTTP: " << set;
    EXPECT_EQ(r->get_header_value("Cache-Control"), "no-store");
  }
  // Behind a trusted proxy that says the visitor came over HTTPS.
  ServerOptions behind{.port = 0, .threads = 2};
  behind.trusted_proxies = {"127.0.0.1"};
  Running server(lib_.dir.path(), behind);
  auto c = server.client();
  const auto r = c.Post("/connexion", {{"X-Forwarded-Proto", "https"}},
                        form({{"identifiant", "admin"}, {"mot_de_passe", kPassword}}),
                        "application/x-www-form-urlencoded");
  ASSERT_TRUE(r);
  EXPECT_NE(r->get_header_value("Set-Cookie").find("; Secure"), std::string::npos);
}

TEST_F(Accounts, ASessionSurvivesARestartAndEndsAtLogout) {
  Visitor teacher;
  {
    Running server(lib_.dir.path());
    teacher = sign_in(server.client(), server, "enseignante");
  }
  Running again(lib_.dir.path());
  auto c = again.client();
  auto me = c.Get("/api/v1/me", teacher.headers);
  ASSERT_TRUE(me);
  EXPECT_TRUE(json::parse(me->body)["signed_in"].get<bool>());
  auto out = c.Post("/deconnexion", teacher.headers, form({{"csrf", teacher.csrf}}),
                    "application/x-www-form-urlencoded");
  ASSERT_TRUE(out);
  EXPECT_EQ(out->status, 303);
  EXPECT_NE(out->get_header_value("Set-Cookie").find("Max-Age=0"), std::string::npos);
  me = c.Get("/api/v1/me", teacher.headers);  // the old cookie, replayed
  EXPECT_FALSE(json::parse(me->body)["signed_in"].get<bool>());
  EXPECT_EQ(c.Get("/activites", teacher.headers)->status, 303);
}

TEST_F(Accounts, PasswordsAreStoredAsArgon2id) {
  auto db = lib_.open();
  auto stmt = std::move(db->prepare("SELECT password_hash FROM user_account")).value();
  int n = 0;
  while (*stmt.step()) {
    const std::string hash = stmt.text(0);
    EXPECT_EQ(hash.rfind("$argon2id$", 0), 0u) << hash;
    EXPECT_EQ(hash.find(kPassword), std::string::npos);
    ++n;
  }
  EXPECT_EQ(n, 3);
  auto sessions = std::move(db->prepare("SELECT token_hash FROM user_session")).value();
  (void)sessions;
}

TEST_F(Accounts, LoginNeverSendsElsewhere) {
  Running server(lib_.dir.path());
  auto c = server.client();
  for (const char* away : {"//evil.example/x", "https://evil.example/", "/\\evil.example"}) {
    const auto r =
        c.Post("/connexion",
               form({{"identifiant", "admin"}, {"mot_de_passe", kPassword}, {"suite", away}}),
               "application/x-www-form-urlencoded");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->get_header_value("Location"), "/") << away;
  }
}

// An activity made with an edit link before accounts: its holder claims it, it is then in
// « Mes activités » and opens without the key; its owner gives rights to a colleague.
TEST_F(Accounts, AnOldEditLinkIsClaimedAndShared) {
  Running server(lib_.dir.path());
  const Visitor teacher = sign_in(server.client(), server, "enseignante");
  auto c = server.client();
  const std::string edit = "/activites/" + std::to_string(lib_.activity) + "/modifier";
  EXPECT_EQ(c.Get(edit, teacher.headers)->status, 404);  // not hers yet
  auto page = c.Get(edit + "?cle=" + lib_.key, teacher.headers);
  ASSERT_EQ(page->status, 200);
  EXPECT_NE(page->body.find("Rattacher à mon compte"), std::string::npos);
  auto claimed = c.Post("/activites/" + std::to_string(lib_.activity) + "/rattacher",
                        teacher.headers, form({{"cle", lib_.key}, {"csrf", teacher.csrf}}),
                        "application/x-www-form-urlencoded");
  ASSERT_TRUE(claimed);
  EXPECT_EQ(claimed->status, 303);
  EXPECT_EQ(c.Get(edit, teacher.headers)->status, 200);
  auto mine = c.Get("/activites", teacher.headers);
  EXPECT_NE(mine->body.find("Photosynthèse"), std::string::npos);
  // A wrong key claims nothing.
  auto bad = c.Post("/activites/" + std::to_string(lib_.retired_activity) + "/rattacher",
                    teacher.headers, form({{"cle", lib_.key}, {"csrf", teacher.csrf}}),
                    "application/x-www-form-urlencoded");
  EXPECT_EQ(bad->status, 404);
  // Shared with the curator's account, who then edits it without the key.
  auto shared = c.Post("/activites/" + std::to_string(lib_.activity) + "/partager", teacher.headers,
                       form({{"identifiant", "conservateur"}, {"csrf", teacher.csrf}}),
                       "application/x-www-form-urlencoded");
  EXPECT_EQ(shared->status, 303);
  const Visitor colleague = sign_in(server.client(), server, "conservateur");
  EXPECT_EQ(c.Get(edit, colleague.headers)->status, 200);
  // The old link still works for whoever holds it.
  EXPECT_EQ(c.Get(edit + "?cle=" + lib_.key)->status, 200);
}

// ------------------------------------------------------------------------------------------
// Uploads from the browser.

// Polls the upload page until the ingest of the upload is over; its text.
std::string finished_upload(httplib::Client& c, const httplib::Headers& h) {
  for (int i = 0; i < 200; ++i) {
    const auto page = c.Get("/gestion/depot", h);
    if (page && page->body.find("Terminé") != std::string::npos) return page->body;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return "";
}

// Frugality: outside serve.heavy_hours an upload is kept and waits; it is not read.
TEST_F(Accounts, AnUploadOutsideTheHeavyHoursWaitsAndIsKept) {
  const int now = minute_of_day_now();
  char window[16];
  std::snprintf(window, sizeof window, "%02d:%02d-%02d:%02d", (now + 120) / 60 % 24,
                (now + 120) % 60, (now + 180) / 60 % 24, (now + 180) % 60);
  std::string folder;
  {
    Running server(lib_.dir.path(), {.port = 0, .threads = 4, .heavy_hours = window});
    const Visitor curator = sign_in(server.client(), server, "conservateur");
    auto c = server.client();
    const auto sent =
        c.Post("/gestion/depot", curator.headers,
               httplib::MultipartFormDataItems{
                   {"csrf", curator.csrf, "", ""},
                   {"fichiers", "La serpentinite est une roche verte.\n", "roche.txt", ""}});
    ASSERT_TRUE(sent);
    EXPECT_EQ(sent->status, 303);
    std::string page;
    for (int i = 0; i < 50 && page.find("En attente") == std::string::npos; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
      page = c.Get("/gestion/depot", curator.headers)->body;
    }
    EXPECT_NE(page.find("La lecture commencera à " + std::string(window).substr(0, 5)),
              std::string::npos)
        << page;
    std::this_thread::sleep_for(std::chrono::milliseconds(1500));
    const auto found = c.Get("/api/v1/search?q=serpentinite&ratio=0", curator.headers);
    EXPECT_NE(found->body.find("\"total\":0"), std::string::npos) << "not read yet";
  }  // the server stops: the waiting upload ends, its files kept
  std::size_t kept = 0;
  for (const auto& f : fs::recursive_directory_iterator(lib_.dir.path() / "depots")) {
    if (f.path().filename() == "roche.txt") ++kept;
  }
  EXPECT_EQ(kept, 1u);
}

// Frugality: each search's CPU is counted, and the server adds the counts to the catalog.
TEST_F(Accounts, SearchesAndTheirCpuAreCountedInTheCatalog) {
  auto before = [&] {
    auto db = catalog::Database::open(DataDir{lib_.dir.path()}.catalog());
    auto counters = *catalog::UsageRepository(**db).all();
    return counters[catalog::kSearchRequests].value;
  };
  const double at_start = before();
  {
    Running server(lib_.dir.path());
    auto c = server.client();
    for (const char* q :
         {"chlorophylle", "lumi%C3%A8re", "Qu%27est-ce%20que%20la%20chlorophylle%20%3F"}) {
      EXPECT_EQ(c.Get(std::string("/api/v1/search?q=") + q)->status, 200);
    }
    EXPECT_EQ(c.Get("/recherche?q=soleil")->status, 200);
    EXPECT_EQ(c.Get("/contenus/" + std::to_string(lib_.published))->status, 200);  // not one
  }
  auto db = catalog::Database::open(DataDir{lib_.dir.path()}.catalog());
  auto counters = *catalog::UsageRepository(**db).all();
  EXPECT_EQ(counters[catalog::kSearchRequests].value - at_start, 4);
  EXPECT_GT(counters[catalog::kSearchCpuSeconds].value, 0);
  std::printf(
      "4 searches: %.2f ms of CPU each\n",
      counters[catalog::kSearchCpuSeconds].value * 1000 / counters[catalog::kSearchRequests].value);
}

TEST_F(Accounts, ACuratorsUploadIsStreamedToDiskAndIngestedAsADraft) {
  Running server(lib_.dir.path());
  const Visitor curator = sign_in(server.client(), server, "conservateur");
  const Visitor teacher = sign_in(server.client(), server, "enseignante");
  auto c = server.client();
  const httplib::MultipartFormDataItems items = {
      {"csrf", curator.csrf, "", ""},
      {"fichiers", "La serpentinite est une roche verte.\n", "roche.txt", "text/plain"},
  };
  const auto sent = c.Post("/gestion/depot", curator.headers, items);
  ASSERT_TRUE(sent);
  EXPECT_EQ(sent->status, 303) << sent->body;
  const std::string page = finished_upload(c, curator.headers);
  EXPECT_NE(page.find("1 contenu(s) ajouté(s) en brouillon"), std::string::npos) << page;
  auto found = c.Get("/api/v1/search?q=serpentinite&ratio=0", curator.headers);
  EXPECT_NE(found->body.find("\"total\":1"), std::string::npos) << found->body;
  found = c.Get("/api/v1/search?q=serpentinite&ratio=0", teacher.headers);
  EXPECT_NE(found->body.find("\"total\":0"), std::string::npos) << "a draft, for teachers";
  // The body went through a file of tmp/, removed once read.
  EXPECT_TRUE(fs::is_empty(lib_.dir.path() / "tmp"));
  // Nobody else uploads, and not without the form's token.
  const auto by_teacher = c.Post("/gestion/depot", teacher.headers,
                                 httplib::MultipartFormDataItems{{"csrf", teacher.csrf, "", ""},
                                                                 {"fichiers", "x", "x.txt", ""}});
  EXPECT_EQ(by_teacher->status, 403);
  const auto anonymous =
      c.Post("/gestion/depot", httplib::MultipartFormDataItems{{"fichiers", "x", "x.txt", ""}});
  EXPECT_EQ(anonymous->status, 303);
  const auto forged = c.Post("/gestion/depot", curator.headers,
                             httplib::MultipartFormDataItems{{"fichiers", "x", "x.txt", ""}});
  EXPECT_EQ(forged->status, 403);
  std::size_t folders = 0;
  for ([[maybe_unused]] const auto& e : fs::directory_iterator(lib_.dir.path() / "depots"))
    ++folders;
  EXPECT_EQ(folders, 1u) << "refused uploads leave nothing";
}

TEST_F(Accounts, AnUploadOverTheLimitIs413AndLeavesNothing) {
  ServerOptions small{.port = 0, .threads = 2};
  small.max_upload_bytes = 1 << 20;
  Running server(lib_.dir.path(), small);
  const Visitor curator = sign_in(server.client(), server, "conservateur");
  auto c = server.client();
  const auto sent = c.Post("/gestion/depot", curator.headers,
                           httplib::MultipartFormDataItems{
                               {"csrf", curator.csrf, "", ""},
                               {"fichiers", std::string(2 << 20, 'x'), "big.txt", "text/plain"}});
  // The server may answer before the client has sent it all, and close.
  if (sent) {
    EXPECT_EQ(sent->status, 413);
  }
  std::error_code ec;
  EXPECT_TRUE(!fs::exists(lib_.dir.path() / "tmp", ec) || fs::is_empty(lib_.dir.path() / "tmp"));
  EXPECT_FALSE(fs::exists(lib_.dir.path() / "depots", ec));
}

TEST(Multipart, KeepsFilesInTheirFolderAndRefusesATruncatedBody) {
  testing::TempDir dir;
  const fs::path body = dir / "body";
  std::ofstream(body, std::ios::binary)
      << "--xyz\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\ntok\r\n"
         "--xyz\r\nContent-Disposition: form-data; name=\"fichiers\"; "
         "filename=\"../../etc/cours\r\n--xy.txt\"\r\n\r\nLigne 1\r\n--xyLigne 2\r\n"
         "--xyz\r\nContent-Disposition: form-data; name=\"fichiers\"; filename=\".cache\"\r\n"
         "\r\nb\r\n--xyz--\r\n";
  const auto parts = split_multipart(body, "xyz", dir / "out");
  ASSERT_TRUE(parts.is_ok()) << parts.status().to_string();
  ASSERT_EQ(parts->size(), 3u);
  EXPECT_EQ((*parts)[0].value, "tok");
  EXPECT_EQ((*parts)[1].path.parent_path(), dir / "out");
  std::ifstream in((*parts)[1].path, std::ios::binary);
  const std::string content((std::istreambuf_iterator<char>(in)), {});
  EXPECT_EQ(content, "Ligne 1\r\n--xyLigne 2");  // a near-boundary is content
  EXPECT_EQ((*parts)[2].path.filename(), "cache");
  EXPECT_EQ(safe_file_name("C:\\Users\\léa\\Cours « SVT ».mp4"), "Cours « SVT ».mp4");
  EXPECT_EQ(safe_file_name("../.."), "fichier");
  std::ofstream(dir / "cut", std::ios::binary)
      << "--xyz\r\nContent-Disposition: form-data; name=\"f\"; filename=\"a.mp4\"\r\n\r\n"
         "des octets sans fin";
  const auto cut = split_multipart(dir / "cut", "xyz", dir / "out2");
  EXPECT_EQ(cut.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(cut.status().message().find("interrupted"), std::string::npos);
  EXPECT_EQ(multipart_boundary("multipart/form-data; boundary=----x1"), "----x1");
  EXPECT_EQ(multipart_boundary("application/json"), "");
}

}  // namespace
}  // namespace repere::web
