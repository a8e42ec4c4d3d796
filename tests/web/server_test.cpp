// The web server for real: a small library (catalog, index, a media file, a subtitle track)
// served on a free port of 127.0.0.1 and asked by an HTTP client as a browser would.
#include <gtest/gtest.h>
#include <httplib.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <fstream>
#include <mutex>
#include <nlohmann/json.hpp>
#include <thread>

#include "repere/catalog/contents.h"
#include "repere/catalog/database.h"
#include "repere/catalog/texts.h"
#include "repere/index/library.h"
#include "repere/learn/store.h"
#include "repere/web/server.h"
#include "support/temp_dir.h"

namespace repere::web {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

class WebServer : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new testing::TempDir;
    const DataDir data{dir_->path()};
    auto db = std::move(catalog::Database::open(data.catalog())).value();
    // A "video": 100,000 known bytes, and its subtitles.
    media_ = std::string(100000, '\0');
    for (std::size_t i = 0; i < media_.size(); ++i) media_[i] = static_cast<char>(i * 7 % 251);
    std::ofstream(dir_->path() / "cours.mp4", std::ios::binary) << media_;
    catalog::Content video;
    video.kind = catalog::ContentKind::kVideo;
    video.status = catalog::EditorialStatus::kPublished;
    video.title = "La photosynthèse";
    video.language = "fr";
    video.media_path = "cours.mp4";  // relative to the data folder
    video.duration_ms = 90000;
    video_ = *catalog::ContentRepository(*db).insert(video);
    catalog::Track track;
    track.content_id = video_;
    track.kind = catalog::TrackKind::kSubtitles;
    track.language = "fr";
    track.label = "Français";
    track_ = *catalog::TrackRepository(*db).insert(track);
    std::vector<catalog::Cue> cues;
    const char* texts[] = {"Bonjour à tous.", "La chlorophylle capte la lumière.",
                           "Eau + CO2 -> glucose & <dioxygène>."};
    for (int i = 0; i < 3; ++i) {
      catalog::Cue cue;
      cue.seq = i;
      cue.start_ms = i * 30000;
      cue.end_ms = i * 30000 + 29000;
      cue.text = texts[i];
      cues.push_back(cue);
    }
    ASSERT_TRUE(catalog::CueRepository(*db).replace_for_track(track_, cues).is_ok());
    std::vector<catalog::Passage> passages;
    for (int i = 0; i < 3; ++i) {
      catalog::Passage p;
      p.track_id = track_;
      p.seq = i;
      p.start_ms = cues[i].start_ms;
      p.end_ms = cues[i].end_ms;
      p.language = "fr";
      p.text = texts[i];
      passages.push_back(p);
    }
    ASSERT_TRUE(catalog::PassageRepository(*db).replace_for_content(video_, passages).is_ok());
    catalog::Content gone;
    gone.kind = catalog::ContentKind::kImage;
    gone.status = catalog::EditorialStatus::kPublished;
    gone.title = "Affiche perdue";
    gone.media_path = "/nowhere/affiche.png";
    missing_ = *catalog::ContentRepository(*db).insert(gone);
    std::atomic<bool> stop{false};
    ASSERT_TRUE(index::reindex(*db, data.index(), nullptr, stop).is_ok());

    auto server = Server::create(data, {.port = 0, .threads = 4});
    ASSERT_TRUE(server.is_ok()) << server.status().to_string();
    server_ = server->release();
    ASSERT_TRUE(server_->bind().is_ok());
    thread_ = new std::thread([] { (void)server_->serve(); });
  }
  static void TearDownTestSuite() {
    server_->stop();
    thread_->join();
    delete thread_;
    delete server_;
    delete dir_;
  }

  httplib::Client client() {
    httplib::Client c("127.0.0.1", server_->port());
    c.set_read_timeout(10, 0);
    return c;
  }

  static testing::TempDir* dir_;
  static Server* server_;
  static std::thread* thread_;
  static std::string media_;
  static std::int64_t video_, track_, missing_;
};

testing::TempDir* WebServer::dir_ = nullptr;
Server* WebServer::server_ = nullptr;
std::thread* WebServer::thread_ = nullptr;
std::string WebServer::media_;
std::int64_t WebServer::video_ = 0;
std::int64_t WebServer::track_ = 0;
std::int64_t WebServer::missing_ = 0;

TEST_F(WebServer, HealthAndSearchAnswerJson) {
  auto c = client();
  auto health = c.Get("/api/v1/health");
  ASSERT_TRUE(health);
  EXPECT_EQ(health->status, 200);
  EXPECT_EQ(json::parse(health->body)["contents"], 2);
  auto found = c.Get("/api/v1/search?q=chlorophylle&ratio=0");
  ASSERT_TRUE(found);
  ASSERT_EQ(found->status, 200);
  EXPECT_EQ(found->get_header_value("Content-Type"), "application/json");
  const auto body = json::parse(found->body);
  EXPECT_EQ(body["query"], "chlorophylle");
  ASSERT_EQ(body["hits"].size(), 1u);
  EXPECT_EQ(body["hits"][0]["content"]["id"], video_);
  EXPECT_EQ(body["hits"][0]["moments"][0]["start_ms"], 30000);
  EXPECT_NE(body["hits"][0]["moments"][0]["snippet"].get<std::string>().find("<mark>"),
            std::string::npos);
}

TEST_F(WebServer, BadParametersAreProblems) {
  auto c = client();
  for (const char* path : {"/api/v1/search?q=x&limit=abc", "/api/v1/search?q=x&ratio=2",
                           "/api/v1/search", "/api/v1/search?q=x&offset=-1",
                           "/api/v1/contents?kind=film", "/api/v1/search?q=x&content=a%00"}) {
    SCOPED_TRACE(path);
    auto r = c.Get(path);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 400);
    EXPECT_EQ(r->get_header_value("Content-Type"), "application/problem+json");
    const auto p = json::parse(r->body);
    EXPECT_EQ(p["status"], 400);
    EXPECT_FALSE(p["detail"].get<std::string>().empty());
  }
  auto unknown = c.Get("/api/v1/contents/424242");
  ASSERT_TRUE(unknown);
  EXPECT_EQ(unknown->status, 404);
  EXPECT_EQ(unknown->get_header_value("Content-Type"), "application/problem+json");
}

TEST_F(WebServer, ContentsPassagesAndCaptions) {
  auto c = client();
  auto list = c.Get("/api/v1/contents?limit=10");
  ASSERT_TRUE(list);
  EXPECT_EQ(json::parse(list->body)["contents"].size(), 2u);
  auto one = c.Get("/api/v1/contents/" + std::to_string(video_));
  ASSERT_TRUE(one);
  const auto content = json::parse(one->body);
  EXPECT_EQ(content["title"], "La photosynthèse");
  EXPECT_EQ(content["tracks"][0]["id"], track_);
  EXPECT_EQ(content["tracks"][0]["automatic"], false);
  auto passages = c.Get("/api/v1/contents/" + std::to_string(video_) + "/passages");
  ASSERT_TRUE(passages);
  EXPECT_EQ(json::parse(passages->body)["passages"].size(), 3u);
  auto vtt = c.Get("/api/v1/contents/" + std::to_string(video_) + "/tracks/" +
                   std::to_string(track_) + ".vtt");
  ASSERT_TRUE(vtt);
  EXPECT_EQ(vtt->status, 200);
  EXPECT_EQ(vtt->get_header_value("Content-Type"), "text/vtt; charset=utf-8");
  EXPECT_EQ(vtt->body.rfind("WEBVTT\n", 0), 0u);
  EXPECT_NE(vtt->body.find("00:00:30.000 --> 00:00:59.000\nLa chlorophylle capte la lumière."),
            std::string::npos);
  EXPECT_NE(vtt->body.find("CO2 -&gt; glucose &amp; &lt;dioxygène&gt;."), std::string::npos);
  auto other = c.Get("/api/v1/contents/" + std::to_string(missing_) + "/tracks/" +
                     std::to_string(track_) + ".vtt");
  ASSERT_TRUE(other);
  EXPECT_EQ(other->status, 404);  // a track of another content
}

TEST_F(WebServer, MediaWithRangesAndNoWayOut) {
  auto c = client();
  const std::string path = "/api/v1/media/" + std::to_string(video_);
  auto whole = c.Get(path);
  ASSERT_TRUE(whole);
  EXPECT_EQ(whole->status, 200);
  EXPECT_EQ(whole->get_header_value("Content-Type"), "video/mp4");
  EXPECT_EQ(whole->body, media_);
  auto part = c.Get(path, {{"Range", "bytes=1000-1999"}});
  ASSERT_TRUE(part);
  EXPECT_EQ(part->status, 206);
  EXPECT_EQ(part->get_header_value("Content-Range"), "bytes 1000-1999/100000");
  EXPECT_EQ(part->body, media_.substr(1000, 1000));
  auto tail = c.Get(path, {{"Range", "bytes=-10"}});
  ASSERT_TRUE(tail);
  EXPECT_EQ(tail->status, 206);
  EXPECT_EQ(tail->body, media_.substr(media_.size() - 10));
  auto beyond = c.Get(path, {{"Range", "bytes=100000-"}});
  ASSERT_TRUE(beyond);
  EXPECT_EQ(beyond->status, 416);
  EXPECT_EQ(beyond->get_header_value("Content-Range"), "bytes */100000");
  auto lost = c.Get("/api/v1/media/" + std::to_string(missing_));
  ASSERT_TRUE(lost);
  EXPECT_EQ(lost->status, 404);
  for (const char* attack :
       {"/api/v1/media/..%2f..%2fetc%2fpasswd", "/api/v1/media/../../etc/passwd",
        "/api/v1/media/1%2f..%2f..%2fetc%2fpasswd", "/static/..%2frepere.css",
        "/api/v1/media/-1"}) {
    SCOPED_TRACE(attack);
    auto r = c.Get(attack);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 404);
    EXPECT_EQ(r->body.find("root:"), std::string::npos);
  }
}

TEST_F(WebServer, PagesInFrenchThatWorkWithoutJavaScript) {
  auto c = client();
  auto home = c.Get("/");
  ASSERT_TRUE(home);
  EXPECT_EQ(home->status, 200);
  EXPECT_EQ(home->get_header_value("Content-Type"), "text/html; charset=utf-8");
  EXPECT_NE(home->body.find("<html lang=\"fr\">"), std::string::npos);
  EXPECT_NE(home->body.find("<main id=\"contenu\""), std::string::npos);
  EXPECT_NE(home->body.find("href=\"#contenu\""), std::string::npos);  // skip link

  auto results = c.Get("/recherche?q=chlorophylle");
  ASSERT_TRUE(results);
  EXPECT_EQ(results->status, 200);
  const std::string moment = "/contenus/" + std::to_string(video_) + "?t=30&amp;q=chlorophylle";
  EXPECT_NE(results->body.find(moment), std::string::npos) << results->body;
  EXPECT_NE(results->body.find("0:30 – 0:59"), std::string::npos);
  EXPECT_NE(results->body.find("<mark>chlorophylle</mark>"), std::string::npos);
  // Each result says why, with the words found.
  EXPECT_NE(results->body.find("mot trouvé : chlorophylle"), std::string::npos);

  // Nothing qualifies: the page says so, names the unknown words and offers what helps.
  auto nothing = c.Get("/recherche?q=xyzzy%20qwerty%20blorp");
  ASSERT_TRUE(nothing);
  EXPECT_EQ(nothing->status, 200);
  EXPECT_NE(nothing->body.find("Aucun résultat pour « xyzzy qwerty blorp »"), std::string::npos)
      << nothing->body;
  EXPECT_NE(nothing->body.find("Ces mots n'apparaissent dans aucun contenu"), std::string::npos);
  EXPECT_NE(nothing->body.find("moins de mots"), std::string::npos);
  EXPECT_EQ(nothing->body.find("class=\"resultats\""), std::string::npos);

  auto page = c.Get("/contenus/" + std::to_string(video_) + "?t=30&q=chlorophylle");
  ASSERT_TRUE(page);
  EXPECT_EQ(page->status, 200);
  EXPECT_NE(page->body.find("src=\"/api/v1/media/" + std::to_string(video_) + "#t=30\""),
            std::string::npos);
  EXPECT_NE(page->body.find("<track kind=\"captions\""), std::string::npos);
  EXPECT_NE(page->body.find("class=\"courante\""), std::string::npos);
  EXPECT_NE(page->body.find("&lt;dioxygène&gt;"), std::string::npos);  // escaped
  for (const std::string& p : {std::string("/contenus/999999"), std::string("/nulle-part")}) {
    auto missing = c.Get(p);
    ASSERT_TRUE(missing);
    EXPECT_EQ(missing->status, 404);
    EXPECT_NE(missing->body.find("<h1>"), std::string::npos);
  }
  auto empty = c.Get("/recherche?q=");
  ASSERT_TRUE(empty);
  EXPECT_EQ(empty->status, 303);
}

TEST_F(WebServer, SecurityHeadersCachingAndCompression) {
  auto c = client();
  auto home = c.Get("/");
  ASSERT_TRUE(home);
  const std::string csp = home->get_header_value("Content-Security-Policy");
  EXPECT_NE(csp.find("script-src 'self'"), std::string::npos);
  EXPECT_NE(csp.find("frame-ancestors 'none'"), std::string::npos);
  EXPECT_EQ(csp.find("unsafe-inline"), std::string::npos);
  EXPECT_EQ(home->get_header_value_count("Content-Security-Policy"), 1u);
  EXPECT_EQ(home->get_header_value("X-Content-Type-Options"), "nosniff");
  EXPECT_EQ(home->get_header_value("Referrer-Policy"), "same-origin");
  auto css = c.Get("/static/repere.css");
  ASSERT_TRUE(css);
  EXPECT_EQ(css->status, 200);
  const std::string etag = css->get_header_value("ETag");
  EXPECT_FALSE(etag.empty());
  EXPECT_NE(css->get_header_value("Cache-Control").find("max-age"), std::string::npos);
  auto again = c.Get("/static/repere.css", {{"If-None-Match", etag}});
  ASSERT_TRUE(again);
  EXPECT_EQ(again->status, 304);
  httplib::Client gz("127.0.0.1", server_->port());
  gz.set_decompress(false);
  auto zipped = gz.Get("/", {{"Accept-Encoding", "gzip"}});
  ASSERT_TRUE(zipped);
  EXPECT_EQ(zipped->get_header_value("Content-Encoding"), "gzip");
  EXPECT_LT(zipped->body.size(), home->body.size());
}

TEST_F(WebServer, OversizedAndHostileRequestsGetCleanErrorsAndServingGoesOn) {
  auto c = client();
  auto huge = c.Get("/recherche?q=" + std::string(100000, 'a'));
  ASSERT_TRUE(huge);
  EXPECT_GE(huge->status, 400);
  EXPECT_LT(huge->status, 500);
  auto body = c.Post("/api/v1/search", std::string(200000, 'x'), "text/plain");
  ASSERT_TRUE(body);
  EXPECT_GE(body->status, 400);
  auto malformed = c.Get("/api/v1/search?q=%ZZ%&&&=&ratio=%");
  ASSERT_TRUE(malformed);
  EXPECT_LT(malformed->status, 500);
  auto control = c.Get("/recherche?q=%00%01%02%22%3Cscript%3E");
  ASSERT_TRUE(control);
  EXPECT_EQ(control->status, 200);
  EXPECT_EQ(control->body.find("<script>"), std::string::npos);
  // Many clients at once: every one answered.
  std::atomic<int> ok{0};
  std::vector<std::thread> clients;
  for (int i = 0; i < 64; ++i) {
    clients.emplace_back([&] {
      httplib::Client each("127.0.0.1", server_->port());
      each.set_read_timeout(30, 0);
      auto r = each.Get("/api/v1/search?q=lumi%C3%A8re");
      if (r && r->status == 200) ++ok;
    });
  }
  for (auto& t : clients) t.join();
  EXPECT_EQ(ok, 64);
  auto health = c.Get("/api/v1/health");
  ASSERT_TRUE(health);
  EXPECT_EQ(health->status, 200);
}

// Interactive videos through the API: a teacher creates an activity and a class, pupils of
// two classes answer, results stay per class, and nothing moves without the edit key.
TEST_F(WebServer, ActivitiesApiKeepsKeysAndClassesApart) {
  auto c = client();
  const json activity = {
      {"content_id", video_},
      {"title", "La chlorophylle"},
      {"start_ms", 10000},
      {"end_ms", 80000},
      {"settings", {{"skipping", "forward_blocked"}, {"must_answer", true}}},
      {"interactions",
       {{{"type", "definition"},
         {"at_ms", 20000},
         {"term", "chlorophylle"},
         {"definition", "Pigment vert des plantes."}},
        {{"type", "choice"},
         {"at_ms", 40000},
         {"question", "Que capte la chlorophylle ?"},
         {"choices", {{{"text", "La lumière"}, {"correct", true}}, {{"text", "Le sel"}}}},
         {"wrong_goto_ms", 30000}},
        {{"type", "true_false"},
         {"at_ms", 60000},
         {"question", "Le glucose est un sucre."},
         {"answer_true", true}}}}};
  auto bad = activity;
  bad["interactions"][1]["at_ms"] = 95000;
  auto refused = c.Post("/api/v1/activities", bad.dump(), "application/json");
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->status, 400);
  EXPECT_NE(refused->body.find("interactions[1].at_ms"), std::string::npos) << refused->body;
  EXPECT_EQ(c.Post("/api/v1/activities", "{oops", "application/json")->status, 400);

  auto made = c.Post("/api/v1/activities", activity.dump(), "application/json");
  ASSERT_TRUE(made);
  ASSERT_EQ(made->status, 201) << made->body;
  const json created = json::parse(made->body);
  const std::string key = created["edit_key"];
  const std::string id = std::to_string(created["id"].get<std::int64_t>());
  ASSERT_EQ(created["interactions"].size(), 3u);
  const auto question = created["interactions"][1]["id"].get<std::int64_t>();
  const auto tf = created["interactions"][2]["id"].get<std::int64_t>();

  // Without the key (or with a wrong one), nothing is read or changed.
  const httplib::Headers wrong = {{"X-Edit-Key", std::string(32, 'f')}};
  EXPECT_EQ(c.Get("/api/v1/activities/" + id)->status, 404);
  EXPECT_EQ(c.Get("/api/v1/activities/" + id, wrong)->status, 404);
  EXPECT_EQ(c.Put("/api/v1/activities/" + id, wrong, activity.dump(), "application/json")->status,
            404);
  EXPECT_EQ(c.Delete("/api/v1/activities/" + id, wrong)->status, 404);
  EXPECT_EQ(c.Post("/api/v1/activities/" + id + "/classes", wrong, R"({"name":"5e A"})",
                   "application/json")
                ->status,
            404);
  const httplib::Headers teacher = {{"X-Edit-Key", key}};
  EXPECT_EQ(c.Get("/api/v1/activities/" + id + "?key=" + key)->status, 200);

  auto class_a = c.Post("/api/v1/activities/" + id + "/classes", teacher, R"({"name":"5e A"})",
                        "application/json");
  auto class_b = c.Post("/api/v1/activities/" + id + "/classes", teacher, R"({"name":"5e B"})",
                        "application/json");
  ASSERT_EQ(class_a->status, 201);
  ASSERT_EQ(class_b->status, 201);
  const json a = json::parse(class_a->body), b = json::parse(class_b->body);
  const std::string code_a = a["code"], code_b = b["code"];

  // The pupil's view gives no answer away.
  auto view = c.Get("/api/v1/classes/" + code_a);
  ASSERT_EQ(view->status, 200);
  EXPECT_EQ(view->body.find("correct"), std::string::npos);
  EXPECT_EQ(view->body.find("answer_true"), std::string::npos);
  EXPECT_EQ(view->body.find("wrong_goto_ms"), std::string::npos);

  auto join = [&](const std::string& code, const std::string& name) {
    auto r = c.Post("/api/v1/classes/" + code + "/pupils", json{{"pseudonym", name}}.dump(),
                    "application/json");
    EXPECT_EQ(r->status, 201) << r->body;
    return json::parse(r->body)["token"].get<std::string>();
  };
  auto answer = [&](const std::string& code, const std::string& token, std::int64_t q,
                    const json& response) {
    return c.Post("/api/v1/classes/" + code + "/answers", {{"X-Pupil-Token", token}},
                  json{{"interaction_id", q}, {"response", response}, {"elapsed_ms", 5000}}.dump(),
                  "application/json");
  };
  const std::string lea = join(code_a, "Léa");
  const std::string zoe = join(code_b, "Zoé");
  auto wrong_answer = answer(code_a, lea, question, {{"chosen", {1}}});
  ASSERT_EQ(wrong_answer->status, 200) << wrong_answer->body;
  EXPECT_EQ(json::parse(wrong_answer->body)["correct"], false);
  EXPECT_EQ(json::parse(wrong_answer->body)["goto_ms"], 30000);
  EXPECT_EQ(json::parse(answer(code_a, lea, tf, {{"answer", true}})->body)["correct"], true);
  EXPECT_EQ(answer(code_b, zoe, tf, {{"answer", false}})->status, 200);
  EXPECT_EQ(answer(code_a, zoe, tf, {{"answer", true}})->status, 404);  // not her class
  EXPECT_EQ(answer(code_a, "", tf, {{"answer", true}})->status, 404);
  EXPECT_EQ(answer(code_a, lea, tf, {{"answer", "oui"}})->status, 400);

  const std::string results = "/api/v1/activities/" + id + "/classes/" +
                              std::to_string(a["id"].get<std::int64_t>()) + "/results";
  EXPECT_EQ(c.Get(results)->status, 404);
  EXPECT_EQ(c.Get(results, wrong)->status, 404);
  auto got = c.Get(results, teacher);
  ASSERT_EQ(got->status, 200);
  const json r = json::parse(got->body);
  ASSERT_EQ(r["pupils"].size(), 1u);
  EXPECT_EQ(r["pupils"][0]["pseudonym"], "Léa");
  EXPECT_EQ(r["pupils"][0]["score"], 1.0);
  EXPECT_EQ(r["questions"][0]["common_wrong"][0]["response"], "Le sel");
  auto csv = c.Get(results + ".csv?key=" + key);
  ASSERT_EQ(csv->status, 200);
  EXPECT_NE(csv->body.find("5e A;1;Léa;"), std::string::npos);
  EXPECT_EQ(csv->body.find("Zoé"), std::string::npos);

  EXPECT_EQ(c.Delete("/api/v1/activities/" + id, teacher)->status, 204);
  EXPECT_EQ(c.Get("/api/v1/classes/" + code_a)->status, 404);
}

// The pages of interactive videos work with plain forms (no JavaScript): a teacher creates an
// activity from a moment, adds questions, makes a class code; a pupil joins with a pseudonym
// (kept in a cookie), answers; the results page and the xAPI export show it, behind the key.
TEST_F(WebServer, ActivityPagesWorkWithoutJavaScript) {
  auto c = client();
  auto made_page = c.Get("/activites/nouvelle?contenu=" + std::to_string(video_) + "&t=20");
  ASSERT_EQ(made_page->status, 200);
  EXPECT_NE(made_page->body.find("<select id=\"debut\""), std::string::npos);
  EXPECT_EQ(c.Get("/activites/nouvelle?contenu=999")->status, 404);

  auto made = c.Post("/activites", httplib::Params{{"contenu", std::to_string(video_)},
                                                   {"titre", "La chlorophylle"},
                                                   {"debut", "10000"},
                                                   {"fin", "80000"}});
  ASSERT_EQ(made->status, 303);
  const std::string location = made->get_header_value("Location");
  const auto at = location.find("cle=");
  ASSERT_NE(at, std::string::npos) << location;
  const std::string key = location.substr(at + 4, 32);
  const std::string editor = location.substr(0, location.find('?'));
  const std::string id = editor.substr(11, editor.find('/', 11) - 11);
  EXPECT_EQ(c.Get(editor)->status, 404);
  EXPECT_EQ(c.Get(editor + "?cle=" + std::string(32, 'f'))->status, 404);
  auto first = c.Get(location);
  ASSERT_EQ(first->status, 200);
  EXPECT_NE(first->body.find("Gardez son lien de modification"), std::string::npos);

  httplib::Params form = {{"cle", key},
                          {"titre", "La chlorophylle"},
                          {"debut", "10000"},
                          {"fin", "80000"},
                          {"avance", "forward_blocked"},
                          {"soustitres", "1"},
                          {"nombre", "0"},
                          {"action", "ajouter"},
                          {"ajout_type", "true_false"},
                          {"ajout_instant", "0:40"}};
  auto added = c.Post(editor, form);
  ASSERT_EQ(added->status, 200);
  EXPECT_NE(added->body.find("name=\"i0_question\""), std::string::npos);
  EXPECT_NE(added->body.find("nouvelle, à remplir"), std::string::npos);

  form = {{"cle", key},
          {"titre", "La chlorophylle"},
          {"debut", "10000"},
          {"fin", "80000"},
          {"avance", "allowed"},
          {"nombre", "2"},
          {"action", "enregistrer"},
          {"i0_id", "0"},
          {"i0_type", "definition"},
          {"i0_at", "0:20"},
          {"i0_pause", "1"},
          {"i0_term", "chlorophylle"},
          {"i0_definition", "Pigment vert des plantes."},
          {"i1_id", "0"},
          {"i1_type", "true_false"},
          {"i1_at", "00:40,5"},
          {"i1_pause", "1"},
          {"i1_question", "Le glucose est un sucre."},
          {"i1_vrai", "vrai"},
          {"i1_dommage", "Relis la définition."},
          {"i1_goto", "0:20"}};
  auto refused = form;
  refused.erase(refused.find("i1_at"));
  refused.emplace("i1_at", "1:40");
  auto bad = c.Post(editor, refused);
  ASSERT_EQ(bad->status, 400);
  EXPECT_NE(bad->body.find("href=\"#i1_at\">Interaction 2 : 01:40 est hors de l"),
            std::string::npos)
      << bad->body.substr(0, 3000);
  auto saved = c.Post(editor, form);
  ASSERT_EQ(saved->status, 303) << saved->body.substr(0, 2000);
  auto wrong_key = form;
  wrong_key.erase(wrong_key.find("cle"));
  wrong_key.emplace("cle", std::string(32, 'e'));
  EXPECT_EQ(c.Post(editor, wrong_key)->status, 404);
  auto reread = c.Get(location);
  EXPECT_NE(reread->body.find("value=\"00:40.5\""), std::string::npos);

  EXPECT_EQ(c.Post("/activites/" + id + "/classes", httplib::Params{{"nom", "5e A"}})->status, 404);
  ASSERT_EQ(c.Post("/activites/" + id + "/classes", httplib::Params{{"cle", key}, {"nom", "5e A"}})
                ->status,
            303);
  auto with_class = c.Get(location);
  const auto code_at = with_class->body.find("class=\"code\">");
  ASSERT_NE(code_at, std::string::npos);
  // Shown in three groups ("K7M-PQ4-XZ9"), typed or linked without the dashes.
  std::string code = with_class->body.substr(code_at + 13, 11);
  ASSERT_EQ(code[3], '-') << code;
  code.erase(std::remove(code.begin(), code.end(), '-'), code.end());

  // The pupil: a pseudonym once, then the player; answers by form.
  auto lobby = c.Get("/classe/" + code);
  ASSERT_EQ(lobby->status, 200);
  EXPECT_NE(lobby->body.find("id=\"pseudonyme\""), std::string::npos);
  EXPECT_EQ(c.Get("/classe/ZZZZZZ")->status, 404);
  auto joined = c.Post("/classe/" + code, httplib::Params{{"pseudonyme", "Léa"}});
  ASSERT_EQ(joined->status, 303);
  const std::string set_cookie = joined->get_header_value("Set-Cookie");
  EXPECT_NE(set_cookie.find("HttpOnly"), std::string::npos);
  const std::string cookie = set_cookie.substr(0, set_cookie.find(';'));
  const httplib::Headers pupil = {{"Cookie", cookie}};
  auto player = c.Get("/classe/" + code, pupil);
  ASSERT_EQ(player->status, 200);
  EXPECT_NE(player->body.find("<dfn>chlorophylle</dfn>"), std::string::npos);
  EXPECT_EQ(player->body.find("Relis la définition"), std::string::npos);  // no answer given away
  const auto tf_at = player->body.find("name=\"interaction\" value=\"");
  ASSERT_NE(tf_at, std::string::npos);
  const std::string tf =
      player->body.substr(tf_at + 26, player->body.find('"', tf_at + 26) - tf_at - 26);
  auto wrong = c.Post("/classe/" + code + "/reponse", pupil,
                      httplib::Params{{"interaction", tf}, {"reponse", "faux"}});
  ASSERT_EQ(wrong->status, 200);
  EXPECT_NE(wrong->body.find("Pas tout à fait."), std::string::npos);
  EXPECT_NE(wrong->body.find("Relis la définition."), std::string::npos);
  EXPECT_NE(wrong->body.find("à partir de 00:20"), std::string::npos);
  EXPECT_EQ(c.Post("/classe/" + code + "/reponse", httplib::Params{{"interaction", tf}})->status,
            303);  // no pseudonym yet: to the lobby
  auto right =
      c.Post("/classe/" + code + "/reponse", {{"Cookie", cookie}, {"Accept", "application/json"}},
             httplib::Params{{"interaction", tf}, {"reponse", "vrai"}, {"duree", "9000"}});
  ASSERT_EQ(right->status, 200) << right->body;
  EXPECT_EQ(json::parse(right->body)["correct"], true);
  EXPECT_EQ(c.Post("/classe/" + code + "/evenement", pupil,
                   httplib::Params{{"verbe", "played"}, {"instant", "12.5"}, {"session", "s1"}})
                ->status,
            204);
  EXPECT_EQ(
      c.Post("/classe/" + code + "/evenement", pupil, httplib::Params{{"verbe", "danced"}})->status,
      400);
  EXPECT_EQ(c.Post("/classe/" + code + "/evenement", httplib::Params{{"verbe", "played"}})->status,
            403);

  // Preview: checked, not kept.
  auto preview = c.Post("/activites/" + id + "/apercu?cle=" + key, {{"Accept", "application/json"}},
                        httplib::Params{{"interaction", tf}, {"reponse", "faux"}});
  ASSERT_EQ(preview->status, 200);
  EXPECT_EQ(json::parse(preview->body)["correct"], false);

  // Results and traces, with the key only.
  EXPECT_EQ(c.Get("/activites/" + id + "/resultats")->status, 404);
  auto results = c.Get("/activites/" + id + "/resultats?cle=" + key);
  ASSERT_EQ(results->status, 200);
  // Léa's first answer (wrong) counts, not her retry.
  EXPECT_NE(results->body.find(
                "<th scope=\"row\">Léa <span class=\"meta\">n° 1</span></th><td>0 / 1</td>"),
            std::string::npos)
      << results->body.substr(0, 4000);
  EXPECT_NE(results->body.find("1 élève"), std::string::npos);  // the preview kept nothing
  EXPECT_EQ(c.Get("/api/v1/activities/" + id + "/xapi")->status, 404);
  auto traces = c.Get("/api/v1/activities/" + id + "/xapi?key=" + key);
  ASSERT_EQ(traces->status, 200);
  const json statements = json::parse(traces->body);
  ASSERT_EQ(statements.size(), 3u);
  EXPECT_EQ(statements[0]["verb"]["id"], "http://adlnet.gov/expapi/verbs/answered");
  EXPECT_EQ(statements[0]["result"]["success"], false);
  EXPECT_EQ(statements[0]["result"]["response"], "false");
  EXPECT_EQ(statements[1]["result"]["duration"], "PT9.00S");
  EXPECT_EQ(statements[2]["verb"]["id"], "https://w3id.org/xapi/video/verbs/played");
  EXPECT_EQ(statements[2]["actor"]["name"], "Léa");
  EXPECT_EQ(
      statements[2]["context"]["extensions"]["https://w3id.org/xapi/video/extensions/session-id"],
      "s1");
}

// Statements go to a Learning Record Store as they are made; one that refuses at first gets
// them later, nothing lost, with the xAPI version header and Basic authentication.
TEST_F(WebServer, SendsStatementsToTheLrsAndRetries) {
  std::mutex mutex;
  std::vector<json> received;
  int calls = 0;
  std::string auth, version;
  httplib::Server lrs;
  lrs.Post("/xapi/statements", [&](const httplib::Request& req, httplib::Response& res) {
    const std::lock_guard lock(mutex);
    if (++calls == 1) {
      res.status = 503;
      return;
    }
    auth = req.get_header_value("Authorization");
    version = req.get_header_value("X-Experience-API-Version");
    for (const json& s : json::parse(req.body)) received.push_back(s);
    res.status = 200;
    res.set_content("[]", "application/json");
  });
  const int lrs_port = lrs.bind_to_any_port("127.0.0.1");
  std::thread lrs_thread([&] { lrs.listen_after_bind(); });

  const DataDir data{dir_->path()};
  EXPECT_EQ(Server::create(data, {.port = 0, .lrs_endpoint = "ftp://lrs"}).status().code(),
            StatusCode::kInvalidArgument);
  ServerOptions options{.port = 0, .threads = 2};
  options.lrs_endpoint = "http://127.0.0.1:" + std::to_string(lrs_port) + "/xapi";
  options.lrs_username = "repere";
  options.lrs_password = "secret";
  auto server = Server::create(data, options);
  ASSERT_TRUE(server.is_ok()) << server.status().message();
  ASSERT_TRUE((*server)->bind().is_ok());
  std::thread serving([&] { (void)(*server)->serve(); });

  std::vector<std::string> ids;
  {
    auto db = std::move(catalog::Database::open(data.catalog())).value();
    learn::ActivityStore store(*db);
    learn::Activity a;
    a.content_id = video_;
    a.title = "LRS";
    a.start_ms = 0;
    a.end_ms = 60000;
    const auto made = store.create(a);
    ASSERT_TRUE(made.is_ok());
    for (int i = 0; i < 3; ++i) {
      ids.push_back("00000000-0000-4000-8000-00000000000" + std::to_string(i));
      ASSERT_TRUE(
          store.record_statement(made->id, std::nullopt, json{{"id", ids.back()}}.dump()).is_ok());
    }
  }
  auto all_there = [&] {
    const std::lock_guard lock(mutex);
    int found = 0;
    for (const json& s : received) {
      for (const auto& id : ids) found += s.value("id", "") == id ? 1 : 0;
    }
    return found == 3;
  };
  for (int i = 0; i < 200 && !all_there(); ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  EXPECT_TRUE(all_there());
  (*server)->stop();
  serving.join();
  lrs.stop();
  lrs_thread.join();
  EXPECT_GE(calls, 2);  // refused once, then taken
  EXPECT_EQ(version, "1.0.3");
  EXPECT_EQ(auth, "Basic cmVwZXJlOnNlY3JldA==");
  auto db = std::move(catalog::Database::open(data.catalog())).value();
  const auto unsent = learn::ActivityStore(*db).unsent_statements(10);
  ASSERT_TRUE(unsent.is_ok());
  EXPECT_TRUE(unsent->empty());
}

}  // namespace
// Attempts are the server's rule, not the page's: a third answer with two allowed is refused
// whatever sends it; the end summary counts every graded question; the pupil's page and
// summary never carry a right answer (round 1: retries were unlimited and the last counted).
TEST_F(WebServer, AttemptsAreEnforcedByTheServerAndTheSummaryCountsEveryGradedQuestion) {
  auto c = client();
  const json activity = {
      {"content_id", video_},
      {"title", "Trois questions"},
      {"start_ms", 0},
      {"end_ms", 80000},
      {"settings", {{"attempts", 2}, {"counting", "first"}}},
      {"interactions",
       {{{"type", "choice"},
         {"at_ms", 20000},
         {"question", "Que capte la chlorophylle ?"},
         {"choices",
          {{{"text", "La lumière"}, {"correct", true}, {"feedback", "Oui, l'énergie lumineuse."}},
           {{"text", "Le sel"}, {"feedback", "Non, pas le sel."}}}}},
        {{"type", "true_false"},
         {"at_ms", 40000},
         {"question", "Le glucose est un sucre."},
         {"answer_true", true},
         {"feedback_right", "Exact : un sucre simple."}},
        {{"type", "blanks"}, {"at_ms", 50000}, {"text", "La *photosynthèse* fait du glucose."}},
        {{"type", "open"}, {"at_ms", 60000}, {"question", "Qu'as-tu retenu ?"}}}}};
  auto made = c.Post("/api/v1/activities", activity.dump(), "application/json");
  ASSERT_EQ(made->status, 201) << made->body;
  const json created = json::parse(made->body);
  EXPECT_EQ(created["settings"]["attempts"], 2);
  EXPECT_EQ(created["settings"]["counting"], "first");
  const std::string id = std::to_string(created["id"].get<std::int64_t>());
  const std::string key = created["edit_key"];
  const auto choice = std::to_string(created["interactions"][0]["id"].get<std::int64_t>());
  const auto tf = std::to_string(created["interactions"][1]["id"].get<std::int64_t>());
  auto bad = activity;
  bad["settings"]["attempts"] = 11;
  EXPECT_EQ(c.Post("/api/v1/activities", bad.dump(), "application/json")->status, 400);
  bad["settings"]["attempts"] = 2;
  bad["settings"]["counting"] = "last";
  EXPECT_EQ(c.Post("/api/v1/activities", bad.dump(), "application/json")->status, 400);

  auto share = c.Post("/api/v1/activities/" + id + "/classes", {{"X-Edit-Key", key}},
                      R"({"name":"5e A"})", "application/json");
  ASSERT_EQ(share->status, 201);
  const std::string code = json::parse(share->body)["code"];
  auto joined = c.Post("/classe/" + code, httplib::Params{{"pseudonyme", "Léa"}});
  ASSERT_EQ(joined->status, 303);
  const std::string set_cookie = joined->get_header_value("Set-Cookie");
  const httplib::Headers pupil = {{"Cookie", set_cookie.substr(0, set_cookie.find(';'))}};
  httplib::Headers pupil_json = pupil;
  pupil_json.emplace("Accept", "application/json");

  // The page a pupil gets has no right answer in it: no choice marked right, no feedback, no
  // blank's word, no true/false answer.
  auto page = c.Get("/classe/" + code, pupil);
  ASSERT_EQ(page->status, 200);
  for (const char* secret : {"photosynthèse", "Oui, l'énergie", "Non, pas le sel",
                             "Exact :", "correct", "answer_true", "data-correct"}) {
    EXPECT_EQ(page->body.find(secret), std::string::npos) << secret;
  }
  EXPECT_NE(page->body.find("Tu as 2 essais par question ; le premier compte."), std::string::npos);
  EXPECT_NE(page->body.find("data-essais=\"2\""), std::string::npos);

  auto send = [&](const httplib::Headers& h, const std::string& q, const char* answer) {
    return c.Post("/classe/" + code + "/reponse", h,
                  httplib::Params{{"interaction", q}, {"reponse", answer}});
  };
  auto first = send(pupil_json, tf, "vrai");
  ASSERT_EQ(first->status, 200) << first->body;
  EXPECT_EQ(json::parse(first->body)["attempts_left"], 1);
  auto second = send(pupil_json, tf, "faux");
  ASSERT_EQ(second->status, 200);
  EXPECT_EQ(json::parse(second->body)["attempts_left"], 0);
  EXPECT_EQ(send(pupil_json, tf, "vrai")->status, 403);  // the third, by the script's way
  auto by_form = send(pupil, tf, "vrai");                // and by the form's
  EXPECT_EQ(by_form->status, 403);
  EXPECT_NE(by_form->body.find("Tu as utilisé tous tes essais"), std::string::npos);
  auto api =
      c.Post("/api/v1/classes/" + code + "/answers", {{"X-Pupil-Token", "x"}},
             json{{"interaction_id", std::stoll(tf)}, {"response", {{"answer", true}}}}.dump(),
             "application/json");
  EXPECT_EQ(api->status, 404);  // and the API's needs the pupil's token

  // One right answer of three graded questions: 1 / 3, the open question not counted.
  auto summary = c.Get("/classe/" + code + "/bilan", pupil_json);
  ASSERT_EQ(summary->status, 200) << summary->body;
  const json s = json::parse(summary->body);
  EXPECT_EQ(s["score"], 1.0);
  EXPECT_EQ(s["max_score"], 3.0);
  EXPECT_EQ(s["graded"], 3);
  EXPECT_EQ(s["right"], 1);
  EXPECT_TRUE(s["can_retry"].get<bool>());
  EXPECT_EQ(c.Get("/classe/" + code + "/bilan", {{"Accept", "application/json"}})->status, 403);
  auto again = c.Get("/classe/" + code, pupil);
  EXPECT_NE(again->body.find("Score : <strong>1 / 3</strong>"), std::string::npos);
  EXPECT_EQ(again->body.find("bravo"), std::string::npos);
  EXPECT_NE(again->body.find("La … fait du glucose. : <strong>pas encore répondu"),
            std::string::npos);
  EXPECT_NE(again->body.find("Tu as utilisé tes 2 essais pour cette question."), std::string::npos);
  EXPECT_EQ(again->body.find("photosynthèse"), std::string::npos);

  // The wrong choice, then the teacher's results: the first answer counts.
  ASSERT_EQ(c.Post("/classe/" + code + "/reponse", pupil_json,
                   httplib::Params{{"interaction", choice}, {"choix", "1"}})
                ->status,
            200);
  auto results = c.Get("/activites/" + id + "/resultats?cle=" + key);
  ASSERT_EQ(results->status, 200);
  EXPECT_NE(results->body.find("<td>1 / 3</td>"), std::string::npos);
  EXPECT_NE(results->body.find("question ouverte, non notée"), std::string::npos);
  EXPECT_NE(results->body.find("juste, essai 1 sur 2"), std::string::npos);
}

// Round 1: « Ajouter » did not save what the form held, and « Créer un code de partage » threw
// away an unsaved chapter. Both now save the form first.
TEST_F(WebServer, AddingAnInteractionOrAClassNeverLosesTheFormsChanges) {
  auto c = client();
  const json activity = {
      {"content_id", video_}, {"title", "Avant"}, {"start_ms", 0}, {"end_ms", 80000}};
  auto made = c.Post("/api/v1/activities", activity.dump(), "application/json");
  ASSERT_EQ(made->status, 201) << made->body;
  const json created = json::parse(made->body);
  const std::string id = std::to_string(created["id"].get<std::int64_t>());
  const std::string key = created["edit_key"];
  const std::string editor = "/activites/" + id + "/modifier";
  httplib::Params form = {{"cle", key},
                          {"nombre", "0"},
                          {"titre", "Après"},
                          {"debut", "0"},
                          {"fin", "80000"},
                          {"avance", "allowed"},
                          {"essais", "2"},
                          {"compte", "best"},
                          {"action", "ajouter"},
                          {"ajout_type", "chapter"},
                          {"ajout_instant", "0:30"}};
  auto added = c.Post(editor, form);
  ASSERT_EQ(added->status, 200) << added->body.substr(0, 2000);
  EXPECT_NE(added->body.find("La nouvelle interaction n'est pas encore enregistrée"),
            std::string::npos)
      << added->body.substr(0, 3000);
  auto reread = c.Get(editor + "?cle=" + key);
  EXPECT_NE(reread->body.find("value=\"Après\""), std::string::npos);  // saved by « Ajouter »
  EXPECT_NE(reread->body.find("<option value=\"2\" selected>"), std::string::npos);
  EXPECT_NE(reread->body.find("id=\"compte-meilleur\" name=\"compte\" value=\"best\" checked"),
            std::string::npos);

  // The chapter, never saved, and a class made from the same form: both kept.
  httplib::Params with_chapter = {{"cle", key},       {"nombre", "1"},
                                  {"titre", "Après"}, {"debut", "0"},
                                  {"fin", "80000"},   {"avance", "allowed"},
                                  {"i0_id", "0"},     {"i0_type", "chapter"},
                                  {"i0_at", "0:30"},  {"i0_title", "Introduction"},
                                  {"nom", "5e C"},    {"action", "classe"}};
  auto with_class = c.Post(editor, with_chapter);
  ASSERT_EQ(with_class->status, 303) << with_class->body.substr(0, 2000);
  auto after = c.Get(editor + "?cle=" + key);
  EXPECT_NE(after->body.find("value=\"Introduction\""), std::string::npos);
  EXPECT_NE(after->body.find("<strong>5e C</strong>"), std::string::npos);
}

// Round 1: every page said frame-ancestors 'none', so no ENT or Moodle could show a class's
// player. Listed origins may frame the pupil and reading pages; staff pages stay unframable.
TEST_F(WebServer, ListedSitesMayFrameThePupilsPagesNeverTheStaffs) {
  const DataDir data{dir_->path()};
  auto made = Server::create(
      data, {.port = 0,
             .threads = 2,
             .frame_ancestors = {"https://ent.example.fr", "https://*.moodle.example.org"}});
  ASSERT_TRUE(made.is_ok()) << made.status().to_string();
  std::unique_ptr<Server> framed = std::move(*made);
  ASSERT_TRUE(framed->bind().is_ok());
  std::thread serving([&] { (void)framed->serve(); });
  httplib::Client c("127.0.0.1", framed->port());
  const std::vector<std::string> pupils_pages = {
      "/", "/recherche?q=chlorophylle", "/contenus/" + std::to_string(video_), "/classe/ABCDEF"};
  for (const std::string& path : pupils_pages) {
    auto r = c.Get(path);
    ASSERT_TRUE(r) << path;
    EXPECT_NE(
        r->get_header_value("Content-Security-Policy")
            .find("frame-ancestors 'self' https://ent.example.fr https://*.moodle.example.org"),
        std::string::npos)
        << path;
    EXPECT_FALSE(r->has_header("X-Frame-Options")) << path;
  }
  for (const char* path : {"/connexion", "/gestion", "/activites/1/modifier", "/api/v1/health"}) {
    auto r = c.Get(path);
    ASSERT_TRUE(r) << path;
    EXPECT_NE(r->get_header_value("Content-Security-Policy").find("frame-ancestors 'none'"),
              std::string::npos)
        << path;
    EXPECT_EQ(r->get_header_value("X-Frame-Options"), "DENY") << path;
  }
  framed->stop();
  serving.join();
  // And the suite's server, with none listed, lets no page be framed.
  auto none = client().Get("/classe/ABCDEF");
  EXPECT_NE(none->get_header_value("Content-Security-Policy").find("frame-ancestors 'none'"),
            std::string::npos);
}

}  // namespace repere::web