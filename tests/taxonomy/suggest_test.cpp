// Machine suggestions of programme concepts, on the real ScoLOMFR 3.2 teaching domains of
// ../shared in a real catalog: the right part for a text, never a skill nor a discipline,
// nothing for a text the programme does not speak of, the catalogue's « programme » column as
// confirmed gold, and curators' decisions that suggestions never undo.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <nlohmann/json.hpp>

#include "../catalog/test_catalog.h"
#include "repere/catalog/contents.h"
#include "repere/catalog/texts.h"
#include "repere/index/embedder.h"
#include "repere/index/lexical.h"
#include "repere/taxonomy/related.h"
#include "repere/taxonomy/schema.h"
#include "repere/taxonomy/skos.h"
#include "repere/taxonomy/store.h"
#include "repere/taxonomy/suggest.h"

namespace repere::taxonomy {
namespace {

namespace fs = std::filesystem;
const fs::path kVocabularies = fs::path(REPERE_SHARED_DIR) / "standards/scolomfr/skos-3.2.0";
const std::string kDomain = "http://data.education.fr/voc/scolomfr/concept/scolomfr-voc-015-num-";
const std::string kSvt4 = kDomain + "1511";         // SVT (cycle 4)
const std::string kDigestion = kDomain + "1530";    // alimentation et digestion
const std::string kSvtSkills = kDomain + "4413";    // compétences travaillées (SVT cycle 4)
const std::string kMicrobes = kDomain + "1531";     // relations avec le monde microbien
const std::string kMathsNumbers = kDomain + "948";  // nombres et calculs (maths cycle 4)

const char* kDigestionText =
    "La digestion : le trajet des aliments. Dans la bouche, les dents découpent les aliments ; "
    "l'estomac et l'intestin grêle les transforment en nutriments grâce aux sucs digestifs. Les "
    "nutriments passent dans le sang à travers la paroi de l'intestin. Le système digestif.";

// A stand-in embedder for unit speed: the text's folded words hashed into 256 dimensions.
class BagOfWords final : public index::Embedder {
 public:
  int dimension() const override { return 256; }
  Result<std::vector<float>> embed(std::string_view text) const override {
    std::vector<float> v(256, 0.0f);
    for (const auto& w : index::stemmed_words(text, "fr"))
      v[std::hash<std::string>{}(w.stem) % 256] += 1.0f;
    double n = 0;
    for (const float x : v) n += static_cast<double>(x) * x;
    if (n > 0)
      for (float& x : v) x = static_cast<float>(x / std::sqrt(n));
    return v;
  }
  std::string name() const override { return "bag-of-words"; }
};

class Suggestions : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new testing::TempDir;
    catalog::OpenOptions o;
    o.modules = {&schema()};
    db_ = catalog::open_or_die(dir_->path() / "catalog.sqlite", o).release();
    ConceptStore store(*db_);
    for (const char* file : {"15.rdf", "22.rdf"})
      ASSERT_TRUE(store.import(*read_skos(kVocabularies / file), file).is_ok());
    suggester_ = Suggester::load(*db_)->release();
  }
  static void TearDownTestSuite() {
    delete suggester_;
    delete db_;
    delete dir_;
  }
  static catalog::Id add(const std::string& title, const std::string& text,
                         nlohmann::json meta = {{"subject", "SVT"}, {"level", "5e"}}) {
    catalog::Content c = catalog::sample_content(title);
    c.title = title;
    c.description = "";
    c.language = "fr";
    c.metadata_json = meta.dump();
    c.media_path = "/media/" + title + ".pdf";
    const auto id = *catalog::ContentRepository(*db_).insert(c);
    EXPECT_TRUE(catalog::PassageRepository(*db_)
                    .replace_for_content(id, {{.page = 1, .language = "fr", .text = text}})
                    .is_ok());
    return id;
  }
  static std::string state_of(catalog::Id content, const std::string& uri) {
    auto stmt = db_->prepare(
        "SELECT state FROM content_concept WHERE content_id = ?1 AND concept_uri = ?2 AND "
        "purpose = 'programme'");
    stmt->bind(1, content).bind(2, uri);
    return *stmt->step() ? stmt->text(0) : "";
  }
  static testing::TempDir* dir_;
  static catalog::Database* db_;
  static Suggester* suggester_;
};
testing::TempDir* Suggestions::dir_ = nullptr;
catalog::Database* Suggestions::db_ = nullptr;
Suggester* Suggestions::suggester_ = nullptr;

TEST_F(Suggestions, ADigestionTextLandsInAlimentationEtDigestionWithItsWords) {
  const auto found = suggester_->suggest(kDigestionText, "fr", {.count = 3, .roots = {kSvt4}});
  ASSERT_FALSE(found.empty());
  EXPECT_TRUE(suggester_->is_under(found[0].uri, kDigestion))
      << found[0].pref_label << " " << found[0].score;
  EXPECT_GT(found[0].score, 0.1);
  EXPECT_LE(found[0].score, 1.0);
  // The supporting words are the concept's own, as it writes them (accents kept).
  std::string words;
  for (const std::string& w : found[0].words) words += w + " ";
  EXPECT_NE(words.find("digest"), std::string::npos) << found[0].pref_label << ": " << words;
  for (std::size_t i = 1; i < found.size(); ++i) EXPECT_LE(found[i].score, found[i - 1].score);
}

TEST_F(Suggestions, SkillsAndDisciplinesAreNeverSuggested) {
  // « pratiquer des démarches scientifiques » is a skill: its words must not make a suggestion.
  const auto found = suggester_->suggest(
      "Formuler une question scientifique, proposer des hypothèses, concevoir des expériences "
      "et interpréter des résultats : pratiquer des démarches scientifiques.",
      "fr", {.count = 10, .min_score = 0.0});
  for (const Suggestion& s : found) {
    EXPECT_FALSE(suggester_->is_under(s.uri, kSvtSkills)) << s.pref_label;
    EXPECT_EQ(s.pref_label.find("(discipline)"), std::string::npos) << s.pref_label;
    EXPECT_NE(s.uri, kSvt4);
  }
}

TEST_F(Suggestions, NothingForATextTheProgrammeDoesNotSpeakOf) {
  EXPECT_TRUE(suggester_->suggest("xyzzy qwerty plugh", "fr", {}).empty());
  EXPECT_TRUE(suggester_->suggest("", "fr", {}).empty());
  EXPECT_TRUE(suggester_->suggest("le la les de du des et ou", "fr", {}).empty());
  // Roots of no imported tree give nothing rather than everything.
  EXPECT_TRUE(
      suggester_->suggest(kDigestionText, "fr", {.roots = {"http://example.org/none"}}).empty());
}

TEST_F(Suggestions, RootsKeepSuggestionsInTheContentsDiscipline) {
  const auto found =
      suggester_->suggest(kDigestionText, "fr", {.count = 5, .roots = {kDomain + "947"}});
  for (const Suggestion& s : found) EXPECT_TRUE(suggester_->is_under(s.uri, kDomain + "947"));
}

TEST_F(Suggestions, AProgrammeColumnBecomesAConfirmedConceptByUriOrLabel) {
  const auto by_uri = add("Par adresse", "Les aliments.",
                          {{"subject", "SVT"}, {"level", "5e"}, {"programme", kDigestion}});
  const auto by_label =
      add("Par nom", "Les microbes.",
          {{"subject", "SVT"},
           {"level", "3e"},
           {"programme",
            "relations avec le monde microbien (sciences de la vie et de la Terre cycle 4) ; "
            "astrologie"}});
  ConceptStore store(*db_);
  const auto report = store.map_free_text();
  ASSERT_TRUE(report.is_ok()) << report.status().to_string();
  EXPECT_GE(report->programme, 2);
  EXPECT_NE(std::find(report->unmatched.begin(), report->unmatched.end(), "astrologie"),
            report->unmatched.end());
  EXPECT_EQ(state_of(by_uri, kDigestion), "confirmed");
  EXPECT_EQ(state_of(by_label, kMicrobes), "confirmed");
}

TEST_F(Suggestions, ARejectedSuggestionIsNeverProposedAgainForThatContent) {
  const auto id = add("La digestion (rejet)", kDigestionText);
  ConceptStore store(*db_);
  ASSERT_TRUE(store.map_free_text().is_ok());
  ASSERT_TRUE(suggest_library(*db_, *suggester_, {id}).is_ok());
  const auto given = store.of_content(id);
  ASSERT_TRUE(given.is_ok());
  std::string first;
  for (const auto& g : *given) {
    if (g.purpose == "programme" && g.suggested()) {
      first = g.uri;
      EXPECT_EQ(g.origin, "machine");
      ASSERT_TRUE(g.score.has_value());
      EXPECT_FALSE(g.evidence.empty());
      break;
    }
  }
  ASSERT_FALSE(first.empty());
  ASSERT_TRUE(store.decide(id, first, Decision::kReject).is_ok());
  ASSERT_TRUE(suggest_library(*db_, *suggester_, {id}).is_ok());
  EXPECT_EQ(state_of(id, first), "rejected");
  const auto after = store.of_content(id);
  for (const auto& g : *after) EXPECT_NE(g.uri, first);  // rejected: not listed
  // Nor for its passages.
  auto stmt = db_->prepare(
      "SELECT count(*) FROM passage_concept pc JOIN passage p ON p.id = pc.passage_id WHERE "
      "p.content_id = ?1 AND pc.concept_uri = ?2");
  stmt->bind(1, id).bind(2, first);
  ASSERT_TRUE(*stmt->step());
  EXPECT_EQ(stmt->int64(0), 0);
  // The catalogue naming it again does not bring it back either.
  ASSERT_TRUE(db_->exec("UPDATE content SET metadata = json_set(metadata, '$.programme', '" +
                        first + "') WHERE id = " + std::to_string(id))
                  .is_ok());
  ASSERT_TRUE(store.map_free_text().is_ok());
  EXPECT_EQ(state_of(id, first), "rejected");
  EXPECT_EQ(store.decide(id, "http://example.org/none", Decision::kConfirm).code(),
            StatusCode::kNotFound);
}

TEST_F(Suggestions, AConfirmedTagSurvivesNewSuggestionsAndNewPassages) {
  const auto id = add("La digestion (confirmée)", kDigestionText);
  ConceptStore store(*db_);
  ASSERT_TRUE(store.map_free_text().is_ok());
  ASSERT_TRUE(suggest_library(*db_, *suggester_, {id}).is_ok());
  ASSERT_TRUE(store.decide(id, kDigestion, Decision::kConfirm).is_ok());
  EXPECT_EQ(state_of(id, kDigestion), "confirmed");
  // The text is cut again (a re-ingest): passages and their suggestions are new, the tag stays.
  ASSERT_TRUE(catalog::PassageRepository(*db_)
                  .replace_for_content(id, {{.page = 1, .language = "fr", .text = "Le sang."}})
                  .is_ok());
  ASSERT_TRUE(suggest_library(*db_, *suggester_, {id}).is_ok());
  EXPECT_EQ(state_of(id, kDigestion), "confirmed");
  const auto under = store.contents_under(kDomain + "1526");  // le corps humain et la santé
  EXPECT_NE(std::find(under->begin(), under->end(), id), under->end());
  // A suggestion is not a tag: it never reaches the filters.
  const auto other = add("Les nombres", "Calculer avec des fractions et des nombres relatifs.",
                         {{"subject", "Mathématiques"}, {"level", "4e"}});
  ASSERT_TRUE(store.map_free_text().is_ok());
  ASSERT_TRUE(suggest_library(*db_, *suggester_, {other}).is_ok());
  const auto numbers = store.contents_under(kMathsNumbers);
  EXPECT_EQ(std::find(numbers->begin(), numbers->end(), other), numbers->end());
  const auto pending = store.pending();
  ASSERT_TRUE(pending.is_ok());
  EXPECT_TRUE(std::any_of(pending->begin(), pending->end(),
                          [&](const PendingSuggestions& p) { return p.content_id == other; }));
}

TEST_F(Suggestions, QualityIsMeasuredAgainstConfirmedTagsFromTheTextAlone) {
  testing::TempDir dir;
  catalog::OpenOptions o;
  o.modules = {&schema()};
  auto db = catalog::open_or_die(dir.path() / "catalog.sqlite", o);
  ConceptStore store(*db);
  ASSERT_TRUE(store.import(*read_skos(kVocabularies / "15.rdf"), "15.rdf").is_ok());
  ASSERT_TRUE(store.import(*read_skos(kVocabularies / "22.rdf"), "22.rdf").is_ok());
  auto content = [&](const std::string& title, const std::string& text, const std::string& gold) {
    catalog::Content c = catalog::sample_content(title);
    c.title = title;
    c.language = "fr";
    c.media_path = "/media/" + title;
    c.metadata_json =
        nlohmann::json{{"subject", "SVT"}, {"level", "5e"}, {"programme", gold}}.dump();
    const auto id = *catalog::ContentRepository(*db).insert(c);
    ASSERT_TRUE(catalog::PassageRepository(*db)
                    .replace_for_content(id, {{.page = 1, .language = "fr", .text = text}})
                    .is_ok());
  };
  content("Digestion", kDigestionText, kDigestion);
  // Gold that its text does not support: a miss, reported.
  content("Volcans", "Les volcans et les séismes, les plaques et le magma.", kDigestion);
  ASSERT_TRUE(store.map_free_text().is_ok());
  const auto suggester = Suggester::load(*db);
  const auto q = evaluate_suggestions(*db, **suggester);
  ASSERT_TRUE(q.is_ok()) << q.status().to_string();
  EXPECT_EQ(q->contents, 2);
  EXPECT_DOUBLE_EQ(q->precision_at_1, 0.5);
  ASSERT_EQ(q->misses.size(), 1u);
  EXPECT_EQ(q->misses[0].title, "Volcans");
  // The meaning side is judged the same way; here with a bag of hashed words for an embedder
  // (the library's fastText is measured by `repere taxonomy eval`).
  const auto m = evaluate_meaning(*db, **suggester, BagOfWords());
  ASSERT_TRUE(m.is_ok()) << m.status().to_string();
  EXPECT_EQ(m->contents, 2);
  EXPECT_DOUBLE_EQ(m->precision_at_1, 0.5);
  ASSERT_EQ(m->misses.size(), 1u);
  EXPECT_EQ(m->misses[0].title, "Volcans");
}

TEST_F(Suggestions, AConceptsTextForMeaningHoldsItsDescendantsLabels) {
  const auto profiles = suggester_->profile_texts();
  const auto body = std::find_if(profiles.begin(), profiles.end(),
                                 [](const auto& p) { return p.first == kDomain + "1526"; });
  ASSERT_NE(body, profiles.end());
  EXPECT_NE(body->second.find("alimentation et digestion"), std::string::npos) << body->second;
  EXPECT_TRUE(std::none_of(profiles.begin(), profiles.end(), [](const auto& p) {
    return p.first == kSvtSkills;
  })) << "skills are never suggested, so never compared";
}

// « On en parle aussi »: another published content on the same part, saying similar things;
// never the content itself, never a draft, nothing when nothing is close.
TEST(RelatedMoments, OtherPublishedContentsOnTheSamePartAndNothingElse) {
  testing::TempDir dir;
  catalog::OpenOptions o;
  o.modules = {&schema()};
  auto db = catalog::open_or_die(dir.path() / "catalog.sqlite", o);
  ConceptStore store(*db);
  for (const char* file : {"15.rdf", "22.rdf"})
    ASSERT_TRUE(store.import(*read_skos(kVocabularies / file), file).is_ok());
  auto add = [&](const std::string& title, catalog::EditorialStatus status,
                 const std::vector<std::string>& texts) {
    catalog::Content c = catalog::sample_content(title);
    c.title = title;
    c.language = "fr";
    c.status = status;
    c.media_path = "/media/" + title;
    c.metadata_json = nlohmann::json{{"subject", "SVT"}, {"level", "5e"}}.dump();
    const auto id = *catalog::ContentRepository(*db).insert(c);
    std::vector<catalog::Passage> ps;
    for (const std::string& t : texts) ps.push_back({.page = 1, .language = "fr", .text = t});
    EXPECT_TRUE(catalog::PassageRepository(*db).replace_for_content(id, ps).is_ok());
    return id;
  };
  using S = catalog::EditorialStatus;
  const auto source = add("La digestion", S::kPublished, {kDigestionText});
  const auto other = add("Le repas", S::kPublished,
                         {"Après le repas, l'estomac et l'intestin digèrent les aliments : la "
                          "digestion donne des nutriments. Le système digestif travaille."});
  const auto draft = add("Brouillon", S::kDraft,
                         {"La digestion des aliments dans l'estomac et l'intestin : le système "
                          "digestif et les nutriments."});
  const auto volcano = add("Les volcans", S::kPublished,
                           {"Les volcans et les séismes : le magma, les plaques, les éruptions."});
  ASSERT_TRUE(refresh_library(*db).is_ok());
  const auto related = related_moments(*db, source);
  ASSERT_TRUE(related.is_ok()) << related.status().to_string();
  ASSERT_FALSE(related->empty());
  EXPECT_EQ((*related)[0].content_id, other);
  EXPECT_EQ((*related)[0].title, "Le repas");
  EXPECT_GE((*related)[0].similarity, kMinSimilarity);
  for (const RelatedMoment& m : *related) {
    EXPECT_NE(m.content_id, source);
    EXPECT_NE(m.content_id, draft);
    EXPECT_NE(m.content_id, volcano);
  }
  // The volcano speaks of another part, alone in it: nothing rather than noise.
  EXPECT_TRUE(related_moments(*db, volcano)->empty());
  const auto quality = evaluate_related(*db);
  ASSERT_TRUE(quality.is_ok());
  EXPECT_EQ(quality->contents, 0);  // no content has a confirmed part here
}

}  // namespace
}  // namespace repere::taxonomy
