// The programme pages on a real catalog with ScoLOMFR's vocabularies imported (../shared):
// disciplines and levels from the contents' free text, a concept's page with its place in the
// programme and its contents — drafts shown to curators only, as everywhere.
#include <gtest/gtest.h>
#include <httplib.h>

#include <nlohmann/json.hpp>
#include <regex>

#include "repere/catalog/contents.h"
#include "repere/catalog/database.h"
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
  std::int64_t published = 0, draft = 0;
  {
    catalog::OpenOptions o;
    o.modules = {&taxonomy::schema()};
    auto db = catalog::Database::open(dir.catalog(), o);
    ASSERT_TRUE(db.is_ok()) << db.status().to_string();
    auto add = [&](const std::string& title, catalog::EditorialStatus status) {
      catalog::Content c;
      c.kind = catalog::ContentKind::kDocument;
      c.title = title;
      c.status = status;
      c.media_path = "/nowhere/" + title + ".pdf";
      c.metadata_json = nlohmann::json{{"subject", "SVT"}, {"level", "5e"}}.dump();
      return *catalog::ContentRepository(**db).insert(c);
    };
    published = add("La digestion", catalog::EditorialStatus::kPublished);
    draft = add("Brouillon sur le sang", catalog::EditorialStatus::kDraft);
    taxonomy::ConceptStore store(**db);
    for (const char* file : {"15.rdf", "22.rdf"})
      ASSERT_TRUE(store.import(*taxonomy::read_skos(kVocabularies / file), file).is_ok());
    ASSERT_TRUE(store.map_free_text().is_ok());
  }
  testing::RunningServer server(dir.root);
  auto c = server.client();
  auto index = c.Get("/programme");
  ASSERT_EQ(index->status, 200);
  const std::regex svt_link(
      R"re(<a href="(/programme/\d+)">Sciences de la vie et de la Terre \(cycle 4\)</a> <span class="meta">· 1 contenu</span>)re");
  std::smatch m;
  ASSERT_TRUE(std::regex_search(index->body, m, svt_link)) << index->body.substr(0, 4000);
  EXPECT_NE(index->body.find(">5e</a> <span class=\"meta\">· 1 contenu</span>"), std::string::npos);
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
}

}  // namespace
}  // namespace repere::web
