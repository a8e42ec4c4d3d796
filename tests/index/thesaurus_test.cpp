// Synonyms from Debian's French thesaurus (mythes-fr, installed by scripts/install-deps), for
// real: the entries, and a search whose exact matches stay ahead of the synonyms' passages.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>

#include "repere/catalog/contents.h"
#include "repere/catalog/database.h"
#include "repere/catalog/texts.h"
#include "repere/index/library.h"
#include "repere/index/thesaurus.h"
#include "repere/search/search.h"
#include "support/temp_dir.h"

namespace repere::index {
namespace {

namespace fs = std::filesystem;
const fs::path kMythes = "/usr/share/mythes/th_fr_FR_v2.dat";

bool has(const std::vector<std::string>& v, const std::string& x) {
  return std::find(v.begin(), v.end(), x) != v.end();
}

TEST(Thesaurus, OffersMutualSynonymsOfAWordOrItsSingular) {
  auto t = Thesaurus::open(kMythes);
  ASSERT_TRUE(t.is_ok()) << t.status().to_string();
  EXPECT_GT((*t)->entries(), 20000u);
  EXPECT_TRUE(has((*t)->synonyms("voiture"), "automobile"));
  EXPECT_TRUE(has((*t)->synonyms("Séisme"), "tremblement"));
  EXPECT_TRUE(has((*t)->synonyms("végétaux", 8), "plante"));  // the entry of « végétal »
  EXPECT_TRUE((*t)->synonyms("photosynthese").empty());       // accents matter for the entry
  EXPECT_TRUE((*t)->synonyms("zzzz").empty());
  for (const std::string& s : (*t)->synonyms("lumière", 8)) EXPECT_NE(s, "lumiere");
  EXPECT_EQ(Thesaurus::open("/nowhere/th.dat").status().code(), StatusCode::kNotFound);
}

std::int64_t add_text(catalog::Database& db, const std::string& title, const std::string& text) {
  catalog::Content c;
  c.status = catalog::EditorialStatus::kPublished;  // searched as readers see it
  c.kind = catalog::ContentKind::kText;
  c.title = title;
  c.language = "fr";
  c.media_path = "/x/" + title;
  const auto id = catalog::ContentRepository(db).insert(c);
  EXPECT_TRUE(id.is_ok());
  catalog::Passage p;
  p.text = text;
  p.language = "fr";
  EXPECT_TRUE(catalog::PassageRepository(db).replace_for_content(*id, {p}).is_ok());
  return *id;
}

TEST(Synonyms, ComeAfterExactMatchesAndAreExplained) {
  testing::TempDir dir;
  const DataDir data{dir.path()};
  auto db = std::move(catalog::Database::open(data.catalog())).value();
  const auto automobile =
      add_text(*db, "Le moteur", "L'automobile transforme l'énergie du carburant en mouvement.");
  const auto voiture = add_text(*db, "La sécurité", "Une voiture freine sur une route mouillée.");
  add_text(*db, "Les volcans", "Le volcan rejette de la lave.");
  std::atomic<bool> stop{false};
  ASSERT_TRUE(reindex(*db, data.index(), nullptr, stop).is_ok());
  auto searcher = search::Searcher::open(data, {.thesaurus = kMythes});
  ASSERT_TRUE(searcher.is_ok()) << searcher.status().to_string();

  const auto got = (*searcher)->search({.query = "voiture", .semantic_ratio = 0});
  ASSERT_TRUE(got.is_ok()) << got.status().to_string();
  ASSERT_EQ(got->hits.size(), 2u);
  EXPECT_EQ(got->hits[0].content_id, voiture);  // the word itself first
  EXPECT_EQ(got->hits[0].explain.matched_terms, std::vector<std::string>{"voiture"});
  EXPECT_EQ(got->hits[1].content_id, automobile);
  ASSERT_EQ(got->hits[1].explain.synonyms.size(), 1u);
  EXPECT_EQ(got->hits[1].explain.synonyms[0].word, "voiture");
  EXPECT_EQ(got->hits[1].explain.synonyms[0].synonym, "automobile");
  EXPECT_TRUE(got->hits[1].explain.matched_terms.empty());
  EXPECT_NE(got->hits[1].moments[0].snippet.find("<mark>automobile</mark>"), std::string::npos)
      << got->hits[1].moments[0].snippet;
  EXPECT_NE(search::to_json(*got).find(R"("synonyms":[{"synonym":"automobile","word":"voiture"}])"),
            std::string::npos)
      << search::to_json(*got);

  // Optional: off, only the word; English queries get none; exclusions still exclude.
  search::SearchRequest off{.query = "voiture", .semantic_ratio = 0};
  off.synonyms = false;
  EXPECT_EQ((*searcher)->search(off)->hits.size(), 1u);
  search::SearchRequest english{.query = "voiture", .semantic_ratio = 0};
  english.language = "en";
  EXPECT_EQ((*searcher)->search(english)->hits.size(), 1u);
  const auto excluded = (*searcher)->search({.query = "voiture -carburant", .semantic_ratio = 0});
  ASSERT_TRUE(excluded.is_ok());
  ASSERT_EQ(excluded->hits.size(), 1u);
  EXPECT_EQ(excluded->hits[0].content_id, voiture);
  // A word only a synonym answers: its passages, explained.
  const auto only = (*searcher)->search({.query = "automobiles", .semantic_ratio = 0});
  ASSERT_TRUE(only.is_ok());
  ASSERT_EQ(only->hits.size(), 2u);
  EXPECT_EQ(only->hits[0].content_id, automobile);
}

// A corrected text cut into as many passages as before gets the ids of the ones it replaces
// (SQLite reuses the largest rowid): the index's signature of a content must still see the
// change (the content's text_version), or the corrected word is never found.
TEST(IndexUpdate, SeesNewTextEvenWhenThePassageIdsAreReused) {
  testing::TempDir dir;
  const DataDir data{dir.path()};
  auto db = std::move(catalog::Database::open(data.catalog())).value();
  const auto id = add_text(*db, "Roches", "Le microclyne est un feldspath.");
  std::atomic<bool> stop{false};
  ASSERT_TRUE(reindex(*db, data.index(), nullptr, stop).is_ok());
  const auto before = catalog::PassageRepository(*db).list_for_content(id);
  catalog::Passage p;
  p.text = "Le microcline est un feldspath.";
  p.language = "fr";
  ASSERT_TRUE(catalog::PassageRepository(*db).replace_for_content(id, {p}).is_ok());
  const auto after = catalog::PassageRepository(*db).list_for_content(id);
  ASSERT_EQ(before->front().id, after->front().id);  // the situation that hid the bug
  const auto updated = update_index(*db, data.index());
  ASSERT_TRUE(updated.is_ok()) << updated.status().to_string();
  EXPECT_EQ(updated->contents_indexed, 1);
  auto searcher = search::Searcher::open(data);
  ASSERT_TRUE(searcher.is_ok());
  EXPECT_EQ((*searcher)->search({.query = "microcline", .semantic_ratio = 0})->total, 1);
  EXPECT_EQ((*searcher)->search({.query = "microclyne", .semantic_ratio = 0})->total, 0);
}

// A published French video of `duration_ms`, for the moment tests.
catalog::Id add_video(catalog::Database& db, std::int64_t duration_ms) {
  catalog::Content c;
  c.status = catalog::EditorialStatus::kPublished;
  c.kind = catalog::ContentKind::kVideo;
  c.title = "Cours";
  c.language = "fr";
  c.media_path = "/x/cours.mp4";
  c.duration_ms = duration_ms;
  return *catalog::ContentRepository(db).insert(c);
}

catalog::Passage passage(std::int64_t start, std::int64_t end, const char* text) {
  catalog::Passage p;
  p.start_ms = start;
  p.end_ms = end;
  p.language = "fr";
  p.text = text;
  return p;
}

// The library indexed, and a searcher on it; null when either fails.
std::unique_ptr<search::Searcher> indexed(catalog::Database& db, const DataDir& data) {
  std::atomic<bool> stop{false};
  if (!reindex(db, data.index(), nullptr, stop).is_ok()) return nullptr;
  auto searcher = search::Searcher::open(data);
  return searcher.is_ok() ? std::move(*searcher) : nullptr;
}

// One moment appeared twice: the subtitles of 0:00–0:24 and the slide text of 0:00–0:22 are
// two passages of the same seconds. The better one is shown, the other gives way.
TEST(Moments, TheSameSecondsReadFromTwoTracksAreOneMoment) {
  testing::TempDir dir;
  const DataDir data{dir.path()};
  auto db = std::move(catalog::Database::open(data.catalog())).value();
  const auto id = add_video(*db, 120000);
  ASSERT_TRUE(catalog::PassageRepository(*db)
                  .replace_for_content(
                      id, {passage(0, 24000, "La chlorophylle capte la lumière du soleil."),
                           passage(0, 22000, "Chlorophylle et lumière, sur la diapositive."),
                           passage(60000, 80000, "Plus tard, la chlorophylle des feuilles.")})
                  .is_ok());
  const auto searcher = indexed(*db, data);
  ASSERT_NE(searcher, nullptr);
  const auto got = searcher->search({.query = "chlorophylle", .semantic_ratio = 0});
  ASSERT_TRUE(got.is_ok());
  ASSERT_EQ(got->hits.size(), 1u);
  ASSERT_EQ(got->hits[0].moments.size(), 2u);  // 0:00 once, and 1:00
  EXPECT_EQ(got->hits[0].moments[0].start_ms, 0);
  EXPECT_EQ(got->hits[0].moments[1].start_ms, 60000);
}

// A topic talked about over two passages was shown as two moments, the second a few seconds
// after the first: adjacent matching passages are one moment now, from the first's start.
TEST(Moments, AdjacentMatchingPassagesAreOneMoment) {
  testing::TempDir dir;
  const DataDir data{dir.path()};
  auto db = std::move(catalog::Database::open(data.catalog())).value();
  const auto id = add_video(*db, 200000);
  ASSERT_TRUE(
      catalog::PassageRepository(*db)
          .replace_for_content(
              id, {passage(0, 20000, "Les volcans sont des montagnes."),
                   passage(20000, 40000, "La chlorophylle capte la lumière du soleil."),
                   passage(40000, 60000, "La chlorophylle est verte, elle colore la feuille."),
                   passage(60000, 90000, "Les feuilles tombent en automne."),
                   passage(150000, 170000, "Plus tard, encore la chlorophylle.")})
          .is_ok());
  const auto searcher = indexed(*db, data);
  ASSERT_NE(searcher, nullptr);
  const auto got = searcher->search({.query = "chlorophylle", .semantic_ratio = 0});
  ASSERT_TRUE(got.is_ok());
  ASSERT_EQ(got->hits.size(), 1u);
  ASSERT_EQ(got->hits[0].moments.size(), 2u);
  EXPECT_EQ(got->hits[0].moments[0].start_ms, 20000);
  EXPECT_EQ(got->hits[0].moments[0].end_ms, 60000);
  EXPECT_EQ(got->hits[0].moments[1].start_ms, 150000);
  // One moment asked for: the two adjacent passages still make one, wider.
  const auto one =
      searcher->search({.query = "chlorophylle", .semantic_ratio = 0, .moments_per_content = 1});
  ASSERT_TRUE(one.is_ok());
  ASSERT_EQ(one->hits[0].moments.size(), 1u);
  EXPECT_EQ(one->hits[0].moments[0].end_ms, 60000);
}

// A moment reaching back into the end of the previous topic landed on a line that said one of
// the query's words in passing; the link now lands on the line that says the most of them.
TEST(Moments, ALinkLandsOnTheLineThatSaysMostOfTheQuery) {
  testing::TempDir dir;
  const DataDir data{dir.path()};
  auto db = std::move(catalog::Database::open(data.catalog())).value();
  const auto id = add_video(*db, 60000);
  catalog::Track t;
  t.content_id = id;
  t.kind = catalog::TrackKind::kSubtitles;
  t.language = "fr";
  t.origin = "human";
  const auto track = *catalog::TrackRepository(*db).insert(t);
  ASSERT_TRUE(
      catalog::CueRepository(*db)
          .replace_for_track(
              track,
              {catalog::Cue{.start_ms = 0, .end_ms = 5000, .text = "Les fleurs aiment la lumière."},
               catalog::Cue{.start_ms = 5000, .end_ms = 10000, .text = "Passons à autre chose."},
               catalog::Cue{.start_ms = 10000,
                            .end_ms = 16000,
                            .text = "La chlorophylle capte la lumière du soleil."}})
          .is_ok());
  catalog::Passage p;
  p.track_id = track;
  p.start_ms = 0;
  p.end_ms = 16000;
  p.language = "fr";
  p.text =
      "Les fleurs aiment la lumière. Passons à autre chose. La chlorophylle capte la "
      "lumière du soleil.";
  ASSERT_TRUE(catalog::PassageRepository(*db).replace_for_content(id, {p}).is_ok());
  const auto searcher = indexed(*db, data);
  ASSERT_NE(searcher, nullptr);
  const auto got =
      searcher->search({.query = "la chlorophylle et la lumière", .semantic_ratio = 0});
  ASSERT_TRUE(got.is_ok());
  ASSERT_EQ(got->hits.size(), 1u);
  EXPECT_EQ(got->hits[0].moments[0].at_ms, 10000);
}

}  // namespace
}  // namespace repere::index
