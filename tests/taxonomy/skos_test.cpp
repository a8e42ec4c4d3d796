// SKOS vocabularies on the real ScoLOMFR 3.2 files of ../shared (read by raptor2), into a real
// catalog: the collège cycle 4 SVT tree, the levels, imports that can be run again, and files
// that are not vocabularies refused with their line.
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "../catalog/test_catalog.h"
#include "repere/catalog/contents.h"
#include "repere/taxonomy/schema.h"
#include "repere/taxonomy/skos.h"
#include "repere/taxonomy/store.h"

namespace repere::taxonomy {
namespace {

namespace fs = std::filesystem;
const fs::path kVocabularies = fs::path(REPERE_SHARED_DIR) / "standards/scolomfr/skos-3.2.0";
const std::string kConcept = "http://data.education.fr/voc/scolomfr/concept/scolomfr-voc-";

catalog::OpenOptions with_taxonomy() {
  catalog::OpenOptions o;
  o.modules = {&schema()};
  return o;
}

class Vocabularies : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    domains_ = new Vocabulary(std::move(read_skos(kVocabularies / "15.rdf")).value());
    levels_ = new Vocabulary(std::move(read_skos(kVocabularies / "22.rdf")).value());
  }
  static void TearDownTestSuite() {
    delete domains_;
    delete levels_;
  }
  void SetUp() override {
    db_ = catalog::open_or_die(dir_.path() / "catalog.sqlite", with_taxonomy());
    ASSERT_TRUE(db_);
  }
  static Vocabulary* domains_;
  static Vocabulary* levels_;
  testing::TempDir dir_;
  std::unique_ptr<catalog::Database> db_;
};
Vocabulary* Vocabularies::domains_ = nullptr;
Vocabulary* Vocabularies::levels_ = nullptr;

TEST_F(Vocabularies, TheCycle4SvtTreeHasItsThreePartsAndTheirSubParts) {
  ConceptStore store(*db_);
  const auto report = store.import(*domains_, "15.rdf");
  ASSERT_TRUE(report.is_ok()) << report.status().to_string();
  EXPECT_EQ(report->added, static_cast<int>(domains_->concepts.size()));
  EXPECT_GT(report->added, 3000);
  const auto svt = store.get(kConcept + "015-num-1511");
  ASSERT_TRUE(svt.is_ok() && *svt);
  EXPECT_EQ((*svt)->pref_label, "sciences de la vie et de la Terre (cycle 4)");
  // Its three programme parts (and the skills worked on), each with its sub-parts.
  const std::map<std::string, std::pair<std::string, std::size_t>> parts = {
      {"015-num-1512", {"la planète Terre, l'environnement et l'action humaine", 6}},
      {"015-num-1519", {"le vivant et son évolution", 6}},
      {"015-num-1526", {"le corps humain et la santé", 7}}};
  const auto children = store.narrower(kConcept + "015-num-1511");
  ASSERT_TRUE(children.is_ok());
  EXPECT_EQ(children->size(), 4u);  // the three parts and « compétences travaillées »
  for (const auto& [num, expected] : parts) {
    const auto part = store.get(kConcept + num);
    ASSERT_TRUE(part.is_ok() && *part) << num;
    EXPECT_EQ((*part)->pref_label.rfind(expected.first, 0), 0u) << (*part)->pref_label;
    EXPECT_EQ(store.narrower(kConcept + num)->size(), expected.second) << num;
  }
  EXPECT_EQ(*store.descendant_count(kConcept + "015-num-1526"), 37);
  // « alimentation et digestion » is under the body and health, under SVT cycle 4.
  const auto up = store.ancestors(kConcept + "015-num-1530");
  ASSERT_TRUE(up.is_ok());
  ASSERT_GE(up->size(), 2u);
  EXPECT_EQ((*up)[0].uri, kConcept + "015-num-1526");
  EXPECT_EQ((*up)[1].uri, kConcept + "015-num-1511");
  // Alternative labels are kept, and found.
  const auto effort = store.by_label(
      "le système nerveux et cardiovasculaire lors de l'effort (sciences de la vie et de la "
      "Terre cycle 4)");
  ASSERT_TRUE(effort.is_ok() && *effort);
  EXPECT_EQ((*effort)->uri, kConcept + "015-num-1527");
}

TEST_F(Vocabularies, LevelsAreFoundByTheirLabelsInTheirScheme) {
  ConceptStore store(*db_);
  ASSERT_TRUE(store.import(*levels_, "22.rdf").is_ok());
  const auto fifth = store.by_label("5E", "http://data.education.fr/voc/scolomfr/scolomfr-voc-022");
  ASSERT_TRUE(fifth.is_ok() && *fifth);
  EXPECT_EQ((*fifth)->uri, kConcept + "022-num-020");
  const auto college = store.narrower(kConcept + "022-num-016");
  ASSERT_TRUE(college.is_ok());
  EXPECT_EQ(college->size(), 4u);  // 6e, 5e, 4e, 3e
  EXPECT_FALSE(store.by_label("terminale Z").value().has_value());
}

TEST_F(Vocabularies, ImportingAgainUpdatesAndDuplicatesNothing) {
  ConceptStore store(*db_);
  ASSERT_TRUE(store.import(*levels_, "22.rdf").is_ok());
  const int before = *store.count();
  const auto again = store.import(*levels_, "22.rdf");
  ASSERT_TRUE(again.is_ok());
  EXPECT_EQ(again->added, 0);
  EXPECT_EQ(again->updated, before);
  EXPECT_EQ(*store.count(), before);
  EXPECT_EQ(catalog::count_rows(*db_, "concept_broader"), again->links);
}

catalog::Id add_content(catalog::Database& db, const std::string& subject,
                        const std::string& level) {
  catalog::Content c = catalog::sample_content(subject + " " + level);
  c.metadata_json = nlohmann::json{{"subject", subject}, {"level", level}}.dump();
  c.media_path = "/media/" + subject + level + ".mp4";
  return *catalog::ContentRepository(db).insert(c);
}

TEST_F(Vocabularies, FreeTextSubjectsAndLevelsBecomeConceptsWhereTheyMatchAndStayTextElsewhere) {
  ConceptStore store(*db_);
  ASSERT_TRUE(store.import(*domains_, "15.rdf").is_ok());
  ASSERT_TRUE(store.import(*levels_, "22.rdf").is_ok());
  const auto svt5 = add_content(*db_, "SVT", "5e");
  const auto maths6 = add_content(*db_, "Mathématiques", "6e");
  const auto svt6 = add_content(*db_, "SVT", "6e");  // cycle 3 has « sciences et technologie »
  const auto odd = add_content(*db_, "Astrologie", "5e");
  const auto report = store.map_free_text();
  ASSERT_TRUE(report.is_ok()) << report.status().to_string();
  EXPECT_EQ(report->contents, 4);
  EXPECT_EQ(report->levels, 4);
  EXPECT_EQ(report->disciplines, 3);
  EXPECT_EQ(report->unmatched, (std::vector<std::string>{"Astrologie 5e"}));
  auto uris = [&](catalog::Id id) {
    std::vector<std::string> out;
    const auto given = store.of_content(id);
    for (const auto& g : *given)
      out.push_back(g.purpose + " " + g.uri.substr(g.uri.rfind('-') + 1));
    return out;
  };
  EXPECT_EQ(uris(svt5), (std::vector<std::string>{"discipline 1511", "level 020"}));
  EXPECT_EQ(uris(maths6), (std::vector<std::string>{"discipline 934", "level 018"}));
  // In 6e (cycle 3), SVT is part of « sciences et technologie ».
  EXPECT_EQ(uris(svt6), (std::vector<std::string>{"discipline 1474", "level 018"}));
  EXPECT_EQ(uris(odd), (std::vector<std::string>{"level 020"}));
  EXPECT_EQ(*store.contents_under(kConcept + "015-num-1511"), (std::vector<std::int64_t>{svt5}));
  // Mapping again changes nothing, and a tag a curator rejected stays rejected.
  ASSERT_TRUE(db_->exec("UPDATE content_concept SET state = 'rejected' WHERE content_id = " +
                        std::to_string(svt5) + " AND purpose = 'discipline'")
                  .is_ok());
  const int rows = static_cast<int>(catalog::count_rows(*db_, "content_concept"));
  ASSERT_TRUE(store.map_free_text().is_ok());
  EXPECT_EQ(catalog::count_rows(*db_, "content_concept"), rows);
  EXPECT_EQ(uris(svt5), (std::vector<std::string>{"level 020"}));
  EXPECT_TRUE(store.contents_under(kConcept + "015-num-1511")->empty());
}

TEST(ReadSkos, AMalformedFileIsRefusedWithItsLine) {
  testing::TempDir dir;
  const fs::path bad = dir.path() / "casse.rdf";
  std::ofstream(bad) << "<?xml version=\"1.0\"?>\n"
                        "<rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\"\n"
                        "  xmlns:skos=\"http://www.w3.org/2004/02/skos/core#\">\n"
                        "<rdf:Description rdf:about=\"http://ex.org/a\">\n"
                        "  <skos:prefLabel>a</skos:prefLabel>\n"
                        "</rdf:Descr>\n";
  const auto got = read_skos(bad);
  ASSERT_EQ(got.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(got.status().message().find("casse.rdf:6:"), std::string::npos)
      << got.status().message();
  const fs::path empty = dir.path() / "vide.rdf";
  std::ofstream(empty) << "<?xml version=\"1.0\"?>\n"
                          "<rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\"/>\n";
  const auto none = read_skos(empty);
  EXPECT_EQ(none.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(none.status().message().find("no SKOS concept"), std::string::npos);
  EXPECT_EQ(read_skos(dir.path() / "absent.rdf").status().code(), StatusCode::kNotFound);
}

}  // namespace
}  // namespace repere::taxonomy
