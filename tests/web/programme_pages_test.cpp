// The programme pages on a real catalog with ScoLOMFR's vocabularies imported (../shared):
// disciplines and levels from the contents' free text, a concept's page with its place in the
// programme and its contents — drafts shown to curators only, as everywhere.
#include <gtest/gtest.h>
#include <httplib.h>

#include <atomic>
#include <nlohmann/json.hpp>
#include <regex>

#include "repere/catalog/contents.h"
#include "repere/catalog/database.h"
#include "repere/catalog/texts.h"
#include "repere/index/library.h"
#include "repere/taxonomy/schema.h"
#include "repere/taxonomy/skos.h"
#include "repere/taxonomy/store.h"
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

}  // namespace
}  // namespace repere::web
