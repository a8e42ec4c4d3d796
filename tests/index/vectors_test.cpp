// The vector index (hnswlib) and the fastText embedder, for real, and hybrid search over a
// trained library.
#include <gtest/gtest.h>

#include <atomic>
#include <cmath>
#include <random>

#include "repere/catalog/contents.h"
#include "repere/catalog/database.h"
#include "repere/catalog/texts.h"
#include "repere/index/embedder.h"
#include "repere/index/library.h"
#include "repere/index/vectors.h"
#include "repere/search/search.h"
#include "support/temp_dir.h"

namespace repere::index {
namespace {

namespace fs = std::filesystem;

std::vector<float> random_unit(std::mt19937& rng, int dim) {
  std::normal_distribution<float> normal;
  std::vector<float> v(dim);
  float n = 0;
  for (float& x : v) {
    x = normal(rng);
    n += x * x;
  }
  for (float& x : v) x /= std::sqrt(n);
  return v;
}

TEST(VectorIndex, FindsNeighboursRemovesSavesAndFilters) {
  std::mt19937 rng(3);
  auto index = VectorIndex::create(32);
  ASSERT_TRUE(index.is_ok());
  std::vector<std::vector<float>> vs;
  for (int i = 0; i < 3000; ++i) {  // grows past its first capacity
    vs.push_back(random_unit(rng, 32));
    ASSERT_TRUE((*index)->add(i + 1, vs.back()).is_ok());
  }
  EXPECT_TRUE((*index)->add(9999, std::vector<float>(32, 0.0f)).is_ok());  // ignored
  EXPECT_EQ((*index)->add(1, std::vector<float>(5, 0.1f)).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ((*index)->size(), 3000u);
  auto hits = (*index)->search(vs[41], 5);
  ASSERT_EQ(hits.size(), 5u);
  EXPECT_EQ(hits[0].passage_id, 42);
  EXPECT_NEAR(hits[0].similarity, 1.0f, 1e-4);
  (*index)->remove(42);
  EXPECT_NE((*index)->search(vs[41], 5)[0].passage_id, 42);
  // Exact filtered scan over a few passages; graph search filtered over many.
  const std::unordered_set<std::int64_t> few = {7, 8, 9};
  hits = (*index)->search(vs[7], 10, &few);
  ASSERT_EQ(hits.size(), 3u);
  EXPECT_EQ(hits[0].passage_id, 8);
  std::unordered_set<std::int64_t> many;
  for (int i = 1; i <= 3000; i += 2) many.insert(i);  // the odd ones
  for (const auto& h : (*index)->search(vs[100], 10, &many)) EXPECT_EQ(h.passage_id % 2, 1);
  // Saved and loaded, the same answers.
  testing::TempDir dir;
  ASSERT_TRUE((*index)->save(dir / "v.hnsw").is_ok());
  auto loaded = VectorIndex::load(dir / "v.hnsw", 32);
  ASSERT_TRUE(loaded.is_ok()) << loaded.status().to_string();
  EXPECT_EQ((*loaded)->size(), 2999u);
  EXPECT_EQ((*loaded)->search(vs[9], 1)[0].passage_id, 10);
  EXPECT_EQ(VectorIndex::load(dir / "v.hnsw", 64).status().code(), StatusCode::kCorruption);
  EXPECT_EQ(VectorIndex::load(dir / "none", 32).status().code(), StatusCode::kNotFound);
}

// French sentences about a few topics, enough words for fastText to learn from.
std::vector<std::string> corpus() {
  const char* topics[][4] = {
      {"La photosynthèse permet aux plantes de fabriquer leur matière grâce à la lumière.",
       "La chlorophylle des feuilles capte la lumière du Soleil pour la photosynthèse.",
       "Les plantes vertes fabriquent du glucose et rejettent du dioxygène.",
       "Dans les chloroplastes, la lumière fournit l'énergie de la photosynthèse."},
      {"Un volcan rejette de la lave et des gaz lors d'une éruption.",
       "Le magma remonte vers la surface et forme une coulée de lave.",
       "Les séismes et les volcans se trouvent aux frontières des plaques.",
       "Une éruption explosive projette des cendres et des nuées ardentes."},
      {"Le théorème de Pythagore relie les côtés d'un triangle rectangle.",
       "Dans un triangle rectangle, l'hypoténuse est le plus grand côté.",
       "Le carré de l'hypoténuse est égal à la somme des carrés des autres côtés.",
       "La réciproque de Pythagore prouve qu'un triangle est rectangle."}};
  std::vector<std::string> out;
  for (int r = 0; r < 60; ++r) {
    for (auto& topic : topics) {
      for (const char* s : topic) out.push_back(s);
    }
  }
  return out;
}

// Both objectives (see TrainObjective): the same topic is nearer than another one.
void trains_and_embeds(TrainObjective objective) {
  testing::TempDir dir;
  const auto texts = corpus();
  std::size_t at = 0;
  const TextSource source = [&](std::string& t) {
    if (at == texts.size()) return false;
    t = texts[at++];
    return true;
  };
  ASSERT_TRUE(train_fasttext(source, dir / "model",
                             {.dim = 32, .epoch = 20, .objective = objective, .threads = 1})
                  .is_ok());
  auto e = load_fasttext(dir / "model");
  ASSERT_TRUE(e.is_ok()) << e.status().to_string();
  EXPECT_EQ((*e)->dimension(), 32);
  auto cosine = [&](const std::string& a, const std::string& b) {
    const auto va = *(*e)->embed(a);
    const auto vb = *(*e)->embed(b);
    float dot = 0;
    for (int i = 0; i < 32; ++i) dot += va[i] * vb[i];
    return dot;
  };
  EXPECT_NEAR(cosine("photosynthèse", "PHOTOSYNTHESE"), 1.0f, 1e-5);  // folded alike
  // Same topic closer than another topic, even with words the sentences do not share.
  EXPECT_GT(cosine("les feuilles et la lumière", "la chlorophylle des plantes"),
            cosine("les feuilles et la lumière", "l'hypoténuse du triangle"));
  EXPECT_GT(cosine("lave et magma", "une éruption du volcan"),
            cosine("lave et magma", "le carré des côtés"));
  const auto misspelt = *(*e)->embed("photosyntese");  // unseen: subwords still give a vector
  float norm = 0;
  for (float x : misspelt) norm += x * x;
  EXPECT_NEAR(norm, 1.0f, 1e-4);
  EXPECT_EQ(*(*e)->embed("!!!"), std::vector<float>(32, 0.0f));
  // Too little text is refused with a reason, and leaves nothing behind.
  int calls = 0;
  const TextSource tiny = [&](std::string& t) {
    t = "Deux mots.";
    return calls++ < 3;
  };
  const Status refused = train_fasttext(tiny, dir / "tiny", {});
  EXPECT_EQ(refused.code(), StatusCode::kInvalidArgument);
  EXPECT_FALSE(fs::exists(dir / "tiny"));
  EXPECT_EQ(load_fasttext(dir / "none").status().code(), StatusCode::kNotFound);
}

TEST(FastText, TrainsOnTheLibraryAndEmbedsUnitVectors) {
  trains_and_embeds(TrainObjective::kSkipgram);
}

TEST(FastText, VectorsTrainedToTellPassagesApartEmbedToo) {
  trains_and_embeds(TrainObjective::kPassages);
}

TEST(HybridLibrary, TrainedEmbeddingsSearchByMeaningAndFollowUpdates) {
  testing::TempDir dir;
  const DataDir data{dir.path()};
  auto db = std::move(catalog::Database::open(data.catalog())).value();
  const auto texts = corpus();
  auto add_content = [&](const std::string& title, const std::vector<std::string>& ps) {
    catalog::Content c;
    c.status = catalog::EditorialStatus::kPublished;  // searched as readers see it
    c.kind = catalog::ContentKind::kText;
    c.title = title;
    c.media_path = "/x/" + title;
    const auto id = catalog::ContentRepository(*db).insert(c);
    EXPECT_TRUE(id.is_ok());
    std::vector<catalog::Passage> passages;
    for (const auto& t : ps) {
      catalog::Passage p;
      p.text = t;
      p.language = "fr";
      passages.push_back(p);
    }
    EXPECT_TRUE(catalog::PassageRepository(*db).replace_for_content(*id, passages).is_ok());
    return *id;
  };
  for (std::size_t i = 0; i < texts.size(); i += 12)
    add_content("lot " + std::to_string(i), {texts.begin() + i, texts.begin() + i + 12});
  std::atomic<bool> stop{false};
  const auto trained =
      reindex(*db, data.index(), nullptr, stop,
              {.train_embeddings = true, .training = {.dim = 32, .epoch = 20, .threads = 1}});
  ASSERT_TRUE(trained.is_ok()) << trained.status().to_string();
  EXPECT_EQ(trained->vectors, static_cast<std::int64_t>(texts.size()));
  // A later reindex without training keeps the embeddings and rebuilds the vectors.
  const auto again = reindex(*db, data.index(), nullptr, stop);
  ASSERT_TRUE(again.is_ok());
  EXPECT_EQ(again->vectors, trained->vectors);
  // A new content is embedded by the update that ingest runs.
  const auto added = add_content("nouveau", {"Les plantes fabriquent leur matière à la lumière."});
  const auto update = update_index(*db, data.index());
  ASSERT_TRUE(update.is_ok()) << update.status().to_string();
  EXPECT_EQ(update->vectors, 1);
  auto searcher = search::Searcher::open(data);
  ASSERT_TRUE(searcher.is_ok());
  // The update gave the new passage its vector: the hybrid search inside it has its
  // similarity. (By meaning alone, a passage must stand out for the query as no nonsense
  // query's best passage does; in this corpus of twelve sentences repeated sixty times nothing
  // stands out, so that is left to the demo library's case files.)
  search::SearchRequest r{.query = "plantes lumière"};
  r.filters.contents = {added};
  const auto found = (*searcher)->search(r);
  ASSERT_TRUE(found.is_ok()) << found.status().to_string();
  ASSERT_EQ(found->hits.size(), 1u);
  EXPECT_FALSE(found->degraded);
  EXPECT_TRUE(found->hits[0].explain.similarity.has_value());
  EXPECT_TRUE(found->hits[0].explain.by_words);
  // Hybrid: both sides weigh the best hit.
  const auto hybrid = (*searcher)->search({.query = "photosynthèse des plantes"});
  ASSERT_TRUE(hybrid.is_ok());
  ASSERT_FALSE(hybrid->hits.empty());
  EXPECT_TRUE(hybrid->hits[0].explain.lexical_rank.has_value());
  EXPECT_TRUE(hybrid->hits[0].explain.similarity.has_value());
}

}  // namespace
}  // namespace repere::index
