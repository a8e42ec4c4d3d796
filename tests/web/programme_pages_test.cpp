// The programme pages on a real catalog with ScoLOMFR's vocabularies imported (../shared):
// disciplines and levels from the contents' free text, a concept's page with its place in the
// programme and its contents — drafts shown to curators only, as everywhere.
#include <gtest/gtest.h>
#include <httplib.h>

#include <atomic>
#include <nlohmann/json.hpp>
#include <regex>

#include "repere/auth/accounts.h"
#include "repere/auth/schema.h"
#include "repere/catalog/contents.h"
#include "repere/catalog/database.h"
#include "repere/catalog/texts.h"
#include "repere/index/library.h"
#include "repere/taxonomy/schema.h"
#include "repere/taxonomy/skos.h"
#include "repere/taxonomy/store.h"
#include "repere/taxonomy/suggest.h"
#include "support/running_server.h"
#include "support/temp_dir.h"

namespace repere::web {
namespace {

namespace fs = std::filesystem;
const fs::path kVocabularies = fs::path(REPERE_SHARED_DIR) / "standards/scolomfr/skos-3.2.0";

TEST(ProgrammePages, ConceptsListWhatTheyHoldAndDraftsStayHidden) {
  testing::TempDir tmp;
  const DataDir dir{tmp.path()};
  std::int64_t published = 0, draft = 0, other = 0;
  {
    catalog::OpenOptions o;
    o.modules = {&taxonomy::schema()};
    auto db = catalog::Database::open(dir.catalog(), o);
    ASSERT_TRUE(db.is_ok()) << db.status().to_string();
    auto add = [&](const std::string& title, catalog::EditorialStatus status,
                   const std::string& subject, const std::string& said) {
      catalog::Content c;
      c.kind = catalog::ContentKind::kDocument;
      c.title = title;
      c.language = "fr";
      c.status = status;
      c.media_path = "/nowhere/" + title + ".pdf";
      c.metadata_json = nlohmann::json{{"subject", subject}, {"level", "5e"}}.dump();
      const auto id = *catalog::ContentRepository(**db).insert(c);
      EXPECT_TRUE(catalog::PassageRepository(**db)
                      .replace_for_content(id, {{.page = 1, .language = "fr", .text = said}})
                      .is_ok());
      return id;
    };
    published = add("La digestion", catalog::EditorialStatus::kPublished, "SVT",
                    "La digestion transforme les aliments en nutriments.");
    draft = add("Brouillon sur le sang", catalog::EditorialStatus::kDraft, "SVT",
                "Le sang transporte les aliments digérés.");
    other = add("Partager des aliments", catalog::EditorialStatus::kPublished, "Mathématiques",
                "Partager des aliments en parts égales : les fractions.");
    taxonomy::ConceptStore store(**db);
    for (const char* file : {"15.rdf", "22.rdf"})
      ASSERT_TRUE(store.import(*taxonomy::read_skos(kVocabularies / file), file).is_ok());
    ASSERT_TRUE(store.map_free_text().is_ok());
    std::atomic<bool> stop{false};
    ASSERT_TRUE(index::reindex(**db, dir.index(), nullptr, stop).is_ok());
  }
  testing::RunningServer server(dir.root);
  auto c = server.client();
  auto index = c.Get("/programme");
  ASSERT_EQ(index->status, 200);
  const std::regex svt_link(
      R"re(<a href="(/programme/\d+)">Sciences de la vie et de la Terre \(cycle 4\)</a> <span class="meta">· 1 contenu</span>)re");
  std::smatch m;
  ASSERT_TRUE(std::regex_search(index->body, m, svt_link)) << index->body.substr(0, 4000);
  EXPECT_NE(index->body.find(">5e</a> <span class=\"meta\">· 2 contenus</span>"),
            std::string::npos);
  auto svt = c.Get(m[1].str());
  ASSERT_EQ(svt->status, 200);
  EXPECT_NE(svt->body.find("<h1>Sciences de la vie et de la Terre</h1>"), std::string::npos);
  EXPECT_NE(svt->body.find(">Le corps humain et la santé</a>"), std::string::npos);
  EXPECT_NE(svt->body.find("<a href=\"/contenus/" + std::to_string(published) + "\">La digestion"),
            std::string::npos);
  EXPECT_EQ(svt->body.find("Brouillon sur le sang"), std::string::npos);  // a draft: not here
  EXPECT_NE(svt->body.find("aria-label=\"Fil d'Ariane\" class=\"ariane\""), std::string::npos);
  // The content page says where it sits, with a link.
  auto page = c.Get("/contenus/" + std::to_string(published));
  ASSERT_EQ(page->status, 200);
  EXPECT_NE(page->body.find("Discipline : <a href=\"" + m[1].str() +
                            "\">Sciences de la vie et de la Terre (cycle 4)</a>"),
            std::string::npos)
      << page->body.substr(0, 3000);
  EXPECT_NE(page->body.find("Niveau : <a href=\"/programme/"), std::string::npos);
  EXPECT_EQ(c.Get("/programme/999999999")->status, 404);
  (void)draft;

  // Search within a concept: its contents and those under it, nothing else.
  const std::string svt_id = m[1].str().substr(std::string("/programme/").size());
  auto everywhere = c.Get("/api/v1/search?q=aliments&ratio=0");
  ASSERT_EQ(everywhere->status, 200);
  EXPECT_EQ(nlohmann::json::parse(everywhere->body)["total"], 2);
  auto within = c.Get("/api/v1/search?q=aliments&ratio=0&notion=" + svt_id);
  ASSERT_EQ(within->status, 200);
  const auto hits = nlohmann::json::parse(within->body);
  ASSERT_EQ(hits["total"], 1) << within->body;
  EXPECT_EQ(hits["hits"][0]["content"]["id"], published);
  auto page_within = c.Get("/recherche?q=aliments&notion=" + svt_id);
  ASSERT_EQ(page_within->status, 200);
  EXPECT_NE(page_within->body.find("Dans la notion du programme"), std::string::npos);
  EXPECT_EQ(page_within->body.find("Partager des aliments"), std::string::npos);
  // A concept that holds no content finds nothing — not everything.
  const std::regex body_part(R"re(<a href="/programme/(\d+)">Le corps humain et la santé</a>)re");
  std::smatch part;
  ASSERT_TRUE(std::regex_search(svt->body, part, body_part));
  EXPECT_EQ(nlohmann::json::parse(
                c.Get("/api/v1/search?q=aliments&ratio=0&notion=" + part[1].str())->body)["total"],
            0);
  EXPECT_EQ(c.Get("/api/v1/search?q=aliments&notion=abc")->status, 400);
  EXPECT_EQ(c.Get("/api/v1/search?q=aliments&notion=999999999")->status, 400);
  (void)other;
}

// Curators see the machine's suggestions on a content page, labelled, with their score and
// words, and confirm or reject them; teachers and pupils see confirmed tags only; the review
// queue lists what is left to decide.
TEST(ProgrammePages, CuratorsConfirmOrRejectSuggestionsThatOthersNeverSee) {
  testing::TempDir tmp;
  const DataDir dir{tmp.path()};
  const std::string password = "un mot de passe assez long";
  std::int64_t id = 0;
  std::string first, second;
  {
    catalog::OpenOptions o;
    o.modules = {&taxonomy::schema(), &auth::schema()};
    auto db = catalog::Database::open(dir.catalog(), o);
    ASSERT_TRUE(db.is_ok()) << db.status().to_string();
    catalog::Content c;
    c.kind = catalog::ContentKind::kDocument;
    c.title = "La digestion";
    c.language = "fr";
    c.status = catalog::EditorialStatus::kPublished;
    c.media_path = "/nowhere/digestion.pdf";
    c.metadata_json = nlohmann::json{{"subject", "SVT"}, {"level", "5e"}}.dump();
    id = *catalog::ContentRepository(**db).insert(c);
    ASSERT_TRUE(catalog::PassageRepository(**db)
                    .replace_for_content(
                        id, {{.page = 1,
                              .language = "fr",
                              .text = "La digestion transforme les aliments en nutriments : "
                                      "l'estomac, l'intestin grêle, le système digestif."}})
                    .is_ok());
    taxonomy::ConceptStore store(**db);
    for (const char* file : {"15.rdf", "22.rdf"})
      ASSERT_TRUE(store.import(*taxonomy::read_skos(kVocabularies / file), file).is_ok());
    const auto report = taxonomy::refresh_library(**db);
    ASSERT_TRUE(report.is_ok()) << report.status().to_string();
    ASSERT_GE(report->suggestions, 2);
    std::vector<std::string> suggested;
    const auto given = store.of_content(id);
    for (const auto& g : *given)
      if (g.suggested()) suggested.push_back(g.uri);
    ASSERT_GE(suggested.size(), 2u);
    first = suggested[0];
    second = suggested[1];
    auth::UserStore users(**db);
    ASSERT_TRUE(users.add("conservateur", "", auth::Role::kCurator, password).is_ok());
    ASSERT_TRUE(users.add("enseignante", "", auth::Role::kTeacher, password).is_ok());
    std::atomic<bool> stop{false};
    ASSERT_TRUE(index::reindex(**db, dir.index(), nullptr, stop).is_ok());
  }
  testing::RunningServer server(dir.root);
  auto sign_in = [&](const std::string& login) {
    auto c = server.client();
    const auto r = c.Post(
        "/connexion",
        "identifiant=" + login + "&mot_de_passe=" + httplib::detail::encode_query_param(password),
        "application/x-www-form-urlencoded");
    EXPECT_TRUE(r && r->status == 303);
    const std::string set = r->get_header_value("Set-Cookie");
    httplib::Headers h{{"Cookie", set.substr(0, set.find(';'))}};
    const auto me = nlohmann::json::parse(c.Get("/api/v1/me", h)->body);
    h.emplace("X-CSRF-Token", me.value("csrf_token", ""));
    return h;
  };
  const std::string page = "/contenus/" + std::to_string(id);
  auto c = server.client();
  // Nobody but curators sees suggestions.
  const auto teacher = sign_in("enseignante");
  for (const httplib::Headers& h : {httplib::Headers{}, teacher}) {
    const auto r = c.Get(page, h);
    ASSERT_EQ(r->status, 200);
    EXPECT_EQ(r->body.find("Suggestions automatiques"), std::string::npos);
    EXPECT_EQ(r->body.find("Programme : "), std::string::npos);  // nothing confirmed yet
  }
  const auto curator = sign_in("conservateur");
  auto r = c.Get(page, curator);
  ASSERT_EQ(r->status, 200);
  EXPECT_NE(r->body.find("<h3>Suggestions automatiques</h3>"), std::string::npos);
  EXPECT_NE(r->body.find("score 0,"), std::string::npos);
  EXPECT_NE(r->body.find("mots : "), std::string::npos);
  EXPECT_NE(r->body.find("value=\"" + first + "\""), std::string::npos);
  auto queue = c.Get("/gestion/relecture", curator);
  ASSERT_EQ(queue->status, 200);
  EXPECT_NE(queue->body.find("<a href=\"" + page + "#programme\">La digestion</a>"),
            std::string::npos);
  // Confirm the first: it becomes a tag everyone sees, and it filters search.
  auto done = c.Post(page + "/notions", curator,
                     "decision=confirmer&notion=" + httplib::detail::encode_query_param(first),
                     "application/x-www-form-urlencoded");
  ASSERT_EQ(done->status, 303);
  EXPECT_NE(done->get_header_value("Location").find("#programme"), std::string::npos);
  const auto seen = c.Get(page);
  EXPECT_NE(seen->body.find("Programme : <a href=\"/programme/"), std::string::npos);
  // Reject the second: gone, and never suggested again for this content.
  done = c.Post(page + "/notions", curator,
                "decision=rejeter&notion=" + httplib::detail::encode_query_param(second),
                "application/x-www-form-urlencoded");
  ASSERT_EQ(done->status, 303);
  {
    catalog::OpenOptions o;
    o.modules = {&taxonomy::schema(), &auth::schema()};
    auto db = catalog::Database::open(dir.catalog(), o);
    ASSERT_TRUE(taxonomy::refresh_library(**db).is_ok());
    const auto given = taxonomy::ConceptStore(**db).of_content(id);
    for (const auto& g : *given) {
      EXPECT_NE(g.uri, second);
      if (g.uri == first) {
        EXPECT_EQ(g.state, "confirmed");
      }
    }
  }
  r = c.Get(page, curator);
  EXPECT_EQ(r->body.find("value=\"" + second + "\""), std::string::npos);
  // A teacher may not decide; a request without the session's token is refused.
  EXPECT_EQ(c.Post(page + "/notions", teacher, "decision=confirmer&notion=" + second,
                   "application/x-www-form-urlencoded")
                ->status,
            403);
}

}  // namespace
}  // namespace repere::web
