// The lexical index and the index generations, on real Xapian databases and catalogs.
#include <gtest/gtest.h>

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>
#include <algorithm>

#include <atomic>
#include <chrono>
#include <thread>

#include "repere/catalog/contents.h"
#include "repere/catalog/database.h"
#include "repere/catalog/texts.h"
#include "repere/core/files.h"
#include "repere/index/lexical.h"
#include "repere/index/library.h"
#include "support/temp_dir.h"

namespace repere::index {
namespace {

namespace fs = std::filesystem;

TEST(PrepareForXapian, FoldsAndDropsElisions) {
  EXPECT_EQ(prepare_for_xapian("L’ADN"), "  adn");  // ’ folds to ', then l' is dropped
  EXPECT_EQ(prepare_for_xapian("Œuvre d'art"), "oeuvre   art");
  EXPECT_EQ(prepare_for_xapian("aujourd'hui"), "aujourd'hui");
  EXPECT_EQ(prepare_for_xapian("\"cycle de l'eau\" -volcan"), "\"cycle de   eau\" -volcan");
  EXPECT_EQ(prepare_for_xapian(std::string("a\x01z")), "a z");
}

TEST(PrepareForXapian, UnhooksInvertedPronounsButKeepsCompounds) {
  EXPECT_EQ(prepare_for_xapian("Qu'est-ce que"), "   est ce que");
  EXPECT_EQ(prepare_for_xapian("se propage-t-elle"), "se propage t elle");
  EXPECT_EQ(prepare_for_xapian("Donne-le-moi, dit-on"), "donne le moi, dit on");
  EXPECT_EQ(prepare_for_xapian("arc-en-ciel"), "arc-en-ciel");
  EXPECT_EQ(prepare_for_xapian("peut-être"), "peut-etre");
  EXPECT_EQ(prepare_for_xapian("-volcan -il"), "-volcan -il");
}

TEST(Highlight, MarksStemmedMatchesAndEscapes) {
  EXPECT_EQ(highlight("Les <plantes> vertes & la plante.", "fr", {"plante"}),
            "Les &lt;<mark>plantes</mark>&gt; vertes &amp; la <mark>plante</mark>.");
  EXPECT_EQ(highlight("La photosynthèse", "fr", {"photosynthese"}),
            "La <mark>photosynthèse</mark>");
  const std::string longer(500, 'a');
  const auto s = highlight(longer + " cible " + longer, "fr", {"cible"}, 100);
  EXPECT_NE(s.find("<mark>cible</mark>"), std::string::npos);
  EXPECT_LT(s.size(), 140u);
}

class Lexical : public ::testing::Test {
 protected:
  void SetUp() override {
    auto w = LexicalWriter::create(dir_ / "lex");
    ASSERT_TRUE(w.is_ok()) << w.status().to_string();
    ASSERT_TRUE((*w)->put({.passage_id = 1,
                           .content_id = 10,
                           .text = "La photosynthèse des plantes.",
                           .language = "fr",
                           .title = "Les plantes",
                           .kind = "video",
                           .subject = "SVT",
                           .level = "5e"})
                    .is_ok());
    ASSERT_TRUE((*w)->put({.passage_id = 2,
                           .content_id = 10,
                           .text = "La chlorophylle capte la lumière.",
                           .language = "fr",
                           .title = "Les plantes",
                           .kind = "video",
                           .subject = "SVT",
                           .level = "5e"})
                    .is_ok());
    ASSERT_TRUE((*w)->put({.passage_id = 3,
                           .content_id = 20,
                           .text = "Le théorème de Pythagore.",
                           .language = "fr",
                           .title = "Géométrie",
                           .kind = "document",
                           .subject = "Mathématiques",
                           .level = "4e"})
                    .is_ok());
    ASSERT_TRUE((*w)->commit().is_ok());
    auto r = LexicalIndex::open(dir_ / "lex");
    ASSERT_TRUE(r.is_ok()) << r.status().to_string();
    index_ = std::move(*r);
  }
  std::vector<std::int64_t> ids(const std::string& q, const Filters& f = {}) {
    const auto got = index_->search(q, f, 0, 10);
    EXPECT_TRUE(got.is_ok()) << got.status().to_string();
    std::vector<std::int64_t> out;
    if (got.is_ok()) {
      for (const auto& h : got->hits) out.push_back(h.passage_id);
    }
    return out;
  }
  testing::TempDir dir_;
  std::unique_ptr<LexicalIndex> index_;
};

TEST_F(Lexical, FindsFoldedStemmedWordsAndExplains) {
  EXPECT_EQ(ids("photosynthese"), std::vector<std::int64_t>{1});
  EXPECT_EQ(ids("plante"), (std::vector<std::int64_t>{1, 2}));  // text and title
  const auto got = index_->search("chlorophylle lumieres", {}, 0, 10);
  ASSERT_TRUE(got.is_ok());
  ASSERT_EQ(got->hits.size(), 1u);
  EXPECT_EQ(*index_->content_of(got->hits[0].passage_id), 10);
  EXPECT_EQ(*index_->matched_terms(got->hits[0].passage_id, *got),
            (std::vector<std::string>{"chlorophylle", "lumieres"}));
  EXPECT_EQ(index_->content_of(999).status().code(), StatusCode::kNotFound);
}

// Moment set: « Permissions du système de fichiers » landed on a passage about the root
// account that says « système », « fichier » and « permissions » four times, apart, instead of
// the section that opens with the very words.
TEST(LexicalProximity, WordsSaidTogetherOutrankTheSameWordsScattered) {
  testing::TempDir dir;
  auto w = LexicalWriter::create(dir / "lex");
  ASSERT_TRUE(w.is_ok());
  ASSERT_TRUE((*w)->put({.passage_id = 1,
                         .content_id = 1,
                         .text = "Depuis ce compte vous lisez tout fichier du système quelles que "
                                 "soient ses permissions, changez les permissions de tout fichier "
                                 "du système et le mot de passe de tout utilisateur du système.",
                         .language = "fr"})
                  .is_ok());
  ASSERT_TRUE(
      (*w)->put({.passage_id = 2,
                 .content_id = 1,
                 .text = "Les permissions du système de fichiers sont définies pour trois "
                         "catégories d'utilisateurs : le propriétaire, le groupe, les autres.",
                 .language = "fr"})
          .is_ok());
  ASSERT_TRUE((*w)->commit().is_ok());
  auto index = LexicalIndex::open(dir / "lex");
  ASSERT_TRUE(index.is_ok());
  const auto got = (*index)->search("Permissions du système de fichiers", {}, 0, 10);
  ASSERT_TRUE(got.is_ok()) << got.status().to_string();
  ASSERT_EQ(got->hits.size(), 2u);
  EXPECT_EQ(got->hits[0].passage_id, 2);
}

// Hardening row 3: 4 clients of mixed search pages killed the server with a segfault in
// libxapian. Every filtered search built its query on the one static Xapian::Query::MatchAll,
// whose reference count (not atomic) all threads touched; it was freed under a searcher's feet.
// Each thread has its own index here, as each pooled searcher has.
TEST_F(Lexical, FilteredSearchesFromManyThreadsShareNoXapianObject) {
  constexpr int kThreads = 8;
  std::vector<std::unique_ptr<LexicalIndex>> indexes;
  for (int i = 0; i < kThreads; ++i) {
    auto r = LexicalIndex::open(dir_ / "lex");
    ASSERT_TRUE(r.is_ok());
    indexes.push_back(std::move(*r));
  }
  std::atomic<int> wrong{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i) {
    threads.emplace_back([&, i] {
      Filters f;
      f.subjects = {"SVT"};
      for (int n = 0; n < 3000; ++n) {
        const auto got = indexes[i]->passages_matching(f);
        if (!got.is_ok() || got->size() != 2) ++wrong;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(wrong.load(), 0);
}

TEST_F(Lexical, FiltersNarrowAndCombine) {
  EXPECT_EQ(ids("plante pythagore", {.kinds = {"document"}}), std::vector<std::int64_t>{3});
  EXPECT_EQ(ids("plante pythagore", {.subjects = {"mathematiques"}}), std::vector<std::int64_t>{3});
  EXPECT_TRUE(ids("plante", {.kinds = {"video"}, .levels = {"4e"}}).empty());
  EXPECT_EQ(ids("plante pythagore", {.contents = {20}}), std::vector<std::int64_t>{3});
}

// A reader's filter (published only) on a library where everything is published lets every
// passage through: the search skips it, with the same answer; one draft brings it back.
TEST(LexicalStatusFilter, SkippedWhenEveryPassageIsPublishedAndKeptOtherwise) {
  for (const bool with_draft : {false, true}) {
    testing::TempDir dir;
    auto w = LexicalWriter::create(dir.path() / "lex");
    ASSERT_TRUE(w.is_ok());
    const char* texts[] = {"La photosynthèse des plantes.", "Les plantes vertes et la lumière.",
                           "Les plantes carnivores."};
    for (int i = 0; i < 3; ++i) {
      ASSERT_TRUE((*w)->put({.passage_id = i + 1,
                             .content_id = i + 1,
                             .text = texts[i],
                             .language = "fr",
                             .status = with_draft && i == 2 ? "draft" : "published"})
                      .is_ok());
    }
    ASSERT_TRUE((*w)->commit().is_ok());
    auto index = LexicalIndex::open(dir.path() / "lex");
    ASSERT_TRUE(index.is_ok());
    const auto all = (*index)->search("plantes", {}, 0, 10);
    const auto reader =
        (*index)->search("plantes", {.statuses = {"published", "published"}}, 0, 10);
    ASSERT_TRUE(all.is_ok() && reader.is_ok());
    std::vector<std::int64_t> a, r;
    for (const auto& h : all->hits) a.push_back(h.passage_id);
    for (const auto& h : reader->hits) r.push_back(h.passage_id);
    EXPECT_EQ(a.size(), 3U);
    if (with_draft) {
      EXPECT_EQ(std::count(r.begin(), r.end(), 3), 0);
      EXPECT_EQ(r.size(), 2U);
    } else {
      EXPECT_EQ(r, a);
      for (std::size_t i = 0; i < r.size(); ++i)
        EXPECT_DOUBLE_EQ(reader->hits[i].score, all->hits[i].score);
    }
  }
}

TEST_F(Lexical, SuggestsASpelling) {
  const auto got = index_->search("photosintese", {}, 0, 10);
  ASSERT_TRUE(got.is_ok());
  EXPECT_EQ(got->suggestion, "photosynthese");
}

TEST_F(Lexical, SuggestsOnlyForWordsTheLibraryDoesNotHave) {
  const auto got = index_->search("plantes photosintese 2024", {}, 0, 10);
  ASSERT_TRUE(got.is_ok());
  EXPECT_EQ(got->suggestion, "plantes photosynthese 2024");
  const auto known = index_->search("plantes lumiere", {}, 0, 10);
  ASSERT_TRUE(known.is_ok());
  EXPECT_EQ(known->suggestion, "");
}

// The precision rule's data: each word's weight by its rarity, which words each hit has (from
// the posting lists), the share of the query's weight they make; a word the library lacks
// weighs as the rarest, unless it has a correction; stems count as known (no « expire » for
// « respire » when « respirer » is there).
TEST_F(Lexical, WeighsWordsAndMarksWhatEachHitHas) {
  const auto got = index_->search("plantes chlorophylle", {}, 0, 10);
  ASSERT_TRUE(got.is_ok());
  ASSERT_EQ(got->words.size(), 2u);
  EXPECT_EQ(got->words[0].word, "plantes");
  EXPECT_EQ(got->words[0].passages, 2);
  EXPECT_EQ(got->words[1].passages, 1);
  EXPECT_GT(got->words[1].weight, got->words[0].weight);  // the rarer weighs more
  ASSERT_EQ(got->hits.size(), 2u);
  EXPECT_EQ(got->hits[0].passage_id, 2);  // both words
  EXPECT_NEAR(got->coverage(got->hits[0]), 1.0, 1e-9);
  EXPECT_EQ(got->matched_words(got->hits[0]),
            (std::vector<std::string>{"plantes", "chlorophylle"}));
  EXPECT_LT(got->coverage(got->hits[1]), 0.5);  // « plantes » only: the commoner word
  const auto unknown = index_->search("plantes girafe", {}, 0, 10);
  ASSERT_TRUE(unknown.is_ok());
  ASSERT_EQ(unknown->words.size(), 2u);
  EXPECT_FALSE(unknown->words[1].known);
  EXPECT_NEAR(unknown->words[1].weight, rarest_weight(3), 1e-9);
  const auto misspelt = index_->search("plantes photosintese", {}, 0, 10);
  ASSERT_TRUE(misspelt.is_ok());
  EXPECT_EQ(misspelt->words[1].correction, "photosynthese");
  EXPECT_EQ(misspelt->words[1].weight, 0);
  EXPECT_NEAR(misspelt->coverage(misspelt->hits[0]), 1.0, 1e-9);
  EXPECT_EQ(index_->search("photosyntheses", {}, 0, 10)->suggestion, "");  // its stem is known
}

// « Qu'est-ce que la zéolithe ? » found nothing in a small library: Xapian's parser made the
// phrase "est ce" of « est-ce », no stopper dropped it, and the unknown « ce » outweighed
// « zéolithe » so much that no passage had half of the question's weight.
TEST_F(Lexical, QuestionWithEstCeWeighsOnlyItsMeaningfulWord) {
  const auto got = index_->search("Qu'est-ce que la photosynthèse ?", {}, 0, 10);
  ASSERT_TRUE(got.is_ok()) << got.status().to_string();
  ASSERT_EQ(got->words.size(), 1u);
  EXPECT_EQ(got->words[0].word, "photosynthese");
  ASSERT_EQ(got->hits.size(), 1u);
  EXPECT_NEAR(got->coverage(got->hits[0]), 1.0, 1e-9);
  const auto inverted = index_->search("La chlorophylle capte-t-elle la lumière ?", {}, 0, 10);
  ASSERT_TRUE(inverted.is_ok());
  EXPECT_EQ(inverted->words.size(), 3u);  // chlorophylle, capte, lumiere
  ASSERT_FALSE(inverted->hits.empty());
  EXPECT_EQ(inverted->hits[0].passage_id, 2);
  EXPECT_NEAR(inverted->coverage(inverted->hits[0]), 1.0, 1e-9);
}

TEST_F(Lexical, NoSuggestionForAPasteOfManyWords) {
  const auto got = index_->search(
      "plantes photosintese lumiere soleil feuille tige racine fleur graine", {}, 0, 10);
  ASSERT_TRUE(got.is_ok());
  EXPECT_EQ(got->suggestion, "");
}

// BM25 by within-document frequencies scaled at indexing: a word counts for more in a short
// passage than in a long one, more when repeated, and the library's average length is kept
// for the passages added later.
TEST(LexicalWeighting, NormalisesLengthAndCountsRepeats) {
  const testing::TempDir dir;
  const std::string filler =
      " Le musée présente aussi des minéraux, des fossiles, des cartes anciennes, des "
      "instruments de mesure et des maquettes de machines.";
  std::string long_text = "Le volcan.";
  for (int i = 0; i < 8; ++i) long_text += filler;
  {
    auto w = LexicalWriter::create(dir.path() / "lex", 200);
    ASSERT_TRUE(w.is_ok());
    ASSERT_TRUE(
        (*w)->put({.passage_id = 1, .content_id = 1, .text = long_text, .language = "fr"}).is_ok());
    ASSERT_TRUE((*w)->put({.passage_id = 2,
                           .content_id = 2,
                           .text = "Le volcan et les roches.",
                           .language = "fr"})
                    .is_ok());
    ASSERT_TRUE((*w)->commit().is_ok());
  }
  {
    auto w = LexicalWriter::open(dir.path() / "lex");  // added later, weighed alike
    ASSERT_TRUE(w.is_ok());
    ASSERT_TRUE((*w)->put({.passage_id = 3,
                           .content_id = 3,
                           .text = "Le volcan, un volcan actif, et les roches.",
                           .language = "fr"})
                    .is_ok());
    ASSERT_TRUE((*w)->commit().is_ok());
  }
  auto index = LexicalIndex::open(dir.path() / "lex");
  ASSERT_TRUE(index.is_ok());
  const auto got = (*index)->search("volcan", {}, 0, 10);
  ASSERT_TRUE(got.is_ok());
  ASSERT_EQ(got->hits.size(), 3u);
  EXPECT_EQ(got->hits[0].passage_id, 3);  // twice, in a short passage
  EXPECT_EQ(got->hits[1].passage_id, 2);  // once, short
  EXPECT_EQ(got->hits[2].passage_id, 1);  // once, long
  EXPECT_GT(got->hits[0].score, got->hits[1].score);
  EXPECT_GT(got->hits[1].score, got->hits[2].score);
}

TEST_F(Lexical, HostileQueriesGetAnAnswerNotACrash) {
  for (const std::string& q :
       {std::string(10000, 'a'), std::string("!!! ??? ... ;;; «» --- ***"),
        std::string("\"cycle de"), std::string("((((titre:"), std::string("\x01\x02\x7f\x1b[31m"),
        std::string("\xff\xfe\xc3"), std::string(""), std::string("-"), std::string("titre:\"\""),
        std::string("AND OR NOT")}) {
    const auto got = index_->search(q, {}, 0, 10);
    EXPECT_TRUE(got.is_ok()) << q.substr(0, 20) << ": " << got.status().to_string();
  }
}

// A catalog with `n` passages spread over contents of 100 passages.
void fill_catalog(catalog::Database& db, int n) {
  for (int c = 0; c < n / 100; ++c) {
    catalog::Content content;
    content.kind = catalog::ContentKind::kText;
    content.title = "Contenu " + std::to_string(c);
    content.media_path = "/x/" + std::to_string(c);
    const auto id = catalog::ContentRepository(db).insert(content);
    ASSERT_TRUE(id.is_ok());
    std::vector<catalog::Passage> ps;
    for (int p = 0; p < 100; ++p) {
      catalog::Passage passage;
      passage.text = "Passage " + std::to_string(p) + " du contenu " + std::to_string(c) +
                     " sur la photosynthèse et les volcans, numéro " + std::to_string(c * 100 + p);
      passage.language = "fr";
      ps.push_back(passage);
    }
    ASSERT_TRUE(catalog::PassageRepository(db).replace_for_content(*id, ps).is_ok());
  }
}

TEST(Generations, ReindexSwapsAtomicallyAndKeepsThePrevious) {
  testing::TempDir dir;
  auto db = std::move(catalog::Database::open(dir / "catalog.sqlite")).value();
  fill_catalog(*db, 300);
  std::atomic<bool> stop{false};
  EXPECT_FALSE(current_generation(dir / "index")->has_value());
  const auto first = reindex(*db, dir / "index", nullptr, stop);
  ASSERT_TRUE(first.is_ok()) << first.status().to_string();
  EXPECT_EQ(first->generation, 1);
  EXPECT_EQ(first->passages, 300);
  const auto second = reindex(*db, dir / "index", nullptr, stop);
  ASSERT_TRUE(second.is_ok());
  const auto third = reindex(*db, dir / "index", nullptr, stop);
  ASSERT_TRUE(third.is_ok());
  EXPECT_EQ((*current_generation(dir / "index"))->number, 3);
  EXPECT_FALSE(fs::exists(dir / "index/gen-000001"));  // older than the previous: removed
  EXPECT_TRUE(fs::exists(dir / "index/gen-000002"));   // the previous: kept for its readers
  // A stopped reindex leaves the live generation as it was, and nothing half-built.
  stop = true;
  EXPECT_FALSE(reindex(*db, dir / "index", nullptr, stop).is_ok());
  EXPECT_EQ((*current_generation(dir / "index"))->number, 3);
  for (const auto& e : fs::directory_iterator(dir / "index"))
    EXPECT_EQ(e.path().string().find(".building"), std::string::npos) << e.path();
}

TEST(Generations, AReindexKilledHalfWayLeavesThePreviousServing) {
  testing::TempDir dir;
  {
    auto db = std::move(catalog::Database::open(dir / "catalog.sqlite")).value();
    fill_catalog(*db, 30000);
    std::atomic<bool> stop{false};
    ASSERT_TRUE(reindex(*db, dir / "index", nullptr, stop).is_ok());
  }
  const pid_t pid = ::fork();
  if (pid == 0) {
    auto db = std::move(catalog::Database::open(dir / "catalog.sqlite")).value();
    std::atomic<bool> stop{false};
    const auto ignored = reindex(*db, dir / "index", nullptr, stop);
    (void)ignored;
    _exit(0);
  }
  // Kill it once it has started building.
  bool building = false;
  for (int i = 0; i < 2000 && !building; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
    building = fs::exists(dir / "index/gen-000002.building/lexical");
  }
  ::kill(pid, SIGKILL);
  int status = 0;
  ::waitpid(pid, &status, 0);
  ASSERT_TRUE(building) << "the reindex finished before it could be killed";
  ASSERT_TRUE(WIFSIGNALED(status));
  const auto live = current_generation(dir / "index");
  ASSERT_TRUE(live.is_ok());
  EXPECT_EQ((*live)->number, 1);
  auto index = LexicalIndex::open((*live)->lexical());
  ASSERT_TRUE(index.is_ok()) << index.status().to_string();
  EXPECT_EQ((*index)->size(), 30000);
  // Built in two parts (30,000 passages), merged: passages of both halves, every signature.
  for (const char* q : {"numero 12345", "numero 29999", "numero 0"}) {
    const auto got = (*index)->search(q, {}, 0, 1);
    ASSERT_TRUE(got.is_ok());
    ASSERT_EQ(got->hits.size(), 1u) << q;
  }
  index->reset();
  {
    auto writer = LexicalWriter::open((*live)->lexical());
    ASSERT_TRUE(writer.is_ok()) << writer.status().to_string();
    EXPECT_EQ((*writer)->signatures()->size(), 300u);
  }
  // The next reindex clears the half-built folder and succeeds.
  auto db = std::move(catalog::Database::open(dir / "catalog.sqlite")).value();
  std::atomic<bool> stop{false};
  const auto again = reindex(*db, dir / "index", nullptr, stop);
  ASSERT_TRUE(again.is_ok()) << again.status().to_string();
  EXPECT_FALSE(fs::exists(dir / "index/gen-000002.building"));
}

}  // namespace
}  // namespace repere::index
