// The embedders besides trained fastText, for real: pretrained .vec word vectors read from a
// file, and an OpenAI-compatible /v1/embeddings endpoint played by a local httplib server that
// answers bag-of-words vectors; a library indexed with each, and a search that degrades to the
// words when the endpoint goes away.
#include <gtest/gtest.h>
#include <httplib.h>

#include <atomic>
#include <chrono>
#include <cmath>
#include <fstream>
#include <nlohmann/json.hpp>
#include <thread>

#include "repere/catalog/contents.h"
#include "repere/catalog/database.h"
#include "repere/catalog/texts.h"
#include "repere/core/text.h"
#include "repere/index/embedder.h"
#include "repere/index/library.h"
#include "repere/search/search.h"
#include "support/temp_dir.h"

namespace repere::index {
namespace {

namespace fs = std::filesystem;

float dot(const std::vector<float>& a, const std::vector<float>& b) {
  float d = 0;
  for (std::size_t i = 0; i < a.size() && i < b.size(); ++i) d += a[i] * b[i];
  return d;
}

TEST(WordVectors, LoadsAVecFileFoldedAndWeighted) {
  testing::TempDir dir;
  const fs::path vec = dir.path() / "mots.vec";
  std::ofstream(vec) << "6 3\n"
                        "Photosynthèse 1 0 0\n"
                        "photosynthese 0 1 0\n"  // a rarer spelling of the same folded word
                        "plante 0.9 0.1 0\n"
                        "volcan 0 0 2\n"
                        "lave 0 0.1 1\n"
                        "l'eau 0 1 0\n";
  auto e = load_word_vectors(vec);
  ASSERT_TRUE(e.is_ok()) << e.status().to_string();
  EXPECT_EQ((*e)->dimension(), 3);
  EXPECT_EQ((*e)->name(), "vectors:mots.vec/3d");
  const auto p = *(*e)->embed("PHOTOSYNTHESE");
  EXPECT_NEAR(p[0], 1.0f, 1e-5);  // the most frequent spelling won
  EXPECT_GT(dot(*(*e)->embed("plante"), p), 0.9f);
  EXPECT_GT(dot(*(*e)->embed("volcan et inconnu"), *(*e)->embed("lave")), 0.9f);
  // No subwords in a .vec: a word it lacks, even a plural of one it has, has no vector.
  EXPECT_EQ(*(*e)->embed("girafe plantes"), std::vector<float>(3, 0.0f));
  // Only the most frequent words are kept when asked.
  auto two = load_word_vectors(vec, 2);
  ASSERT_TRUE(two.is_ok());
  EXPECT_EQ(*(*two)->embed("volcan"), std::vector<float>(3, 0.0f));

  std::ofstream(dir.path() / "bad.vec") << "2 3\nmot 1 2\n";
  const auto bad = load_word_vectors(dir.path() / "bad.vec");
  EXPECT_EQ(bad.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(bad.status().message().find("bad.vec:2"), std::string::npos) << bad.status().message();
  std::ofstream(dir.path() / "header.vec") << "mot 1 2 3\n";
  EXPECT_EQ(load_word_vectors(dir.path() / "header.vec").status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(load_word_vectors(dir.path() / "none.vec").status().code(), StatusCode::kNotFound);
}

// Bag of words over 16 dimensions: texts that share words are close.
std::vector<float> bag_of_words(const std::string& text) {
  std::vector<float> v(16, 0.0f);
  for (const std::string& w : text::search_terms(text)) v[std::hash<std::string>{}(w) % 16] += 1;
  return v;
}

class EmbeddingsEndpoint : public ::testing::Test {
 protected:
  void SetUp() override {
    server_.Post("/v1/embeddings", [this](const httplib::Request& req, httplib::Response& res) {
      ++requests_;
      authorization_ = req.get_header_value("Authorization");
      if (busy_) {
        res.status = 503;
        res.set_content(R"({"error": {"message": "overloaded"}})", "application/json");
        return;
      }
      const auto body = nlohmann::json::parse(req.body, nullptr, false);
      if (body.is_discarded() || !body.contains("input") || body.value("model", "") != "bow") {
        res.status = 400;
        res.set_content(R"({"error": {"message": "unknown model"}})", "application/json");
        return;
      }
      largest_batch_ = std::max(largest_batch_.load(), static_cast<int>(body["input"].size()));
      nlohmann::json data = nlohmann::json::array();
      int i = 0;
      for (const auto& t : body["input"]) {
        data.push_back({{"object", "embedding"},
                        {"index", i++},
                        {"embedding", bag_of_words(t.get<std::string>())}});
      }
      if (short_answer_) data.erase(data.begin());
      res.set_content(nlohmann::json{{"object", "list"}, {"data", data}}.dump(),
                      "application/json");
    });
    port_ = server_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    while (!server_.is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  void TearDown() override { stop(); }
  void stop() {
    if (!thread_.joinable()) return;
    server_.stop();
    thread_.join();
  }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_) + "/v1"; }

  httplib::Server server_;
  std::thread thread_;
  int port_ = 0;
  std::atomic<int> requests_{0};
  std::atomic<int> largest_batch_{0};
  std::atomic<bool> busy_{false};
  std::atomic<bool> short_answer_{false};
  std::string authorization_;
};

TEST_F(EmbeddingsEndpoint, EmbedsInBatchesAndReportsRefusals) {
  auto e = connect_embeddings_endpoint({.base_url = url(), .model = "bow", .api_key = "s3cret"});
  ASSERT_TRUE(e.is_ok()) << e.status().to_string();
  EXPECT_EQ((*e)->dimension(), 16);  // learnt from one request
  EXPECT_EQ(authorization_, "Bearer s3cret");
  EXPECT_NE((*e)->name().find("endpoint:bow@127.0.0.1"), std::string::npos);
  std::vector<std::string> texts;
  for (int i = 0; i < 100; ++i) texts.push_back("texte numéro " + std::to_string(i));
  requests_ = 0;
  const auto all = (*e)->embed_batch(texts);
  ASSERT_TRUE(all.is_ok()) << all.status().to_string();
  EXPECT_EQ(all->size(), 100u);
  EXPECT_EQ(requests_, 2);  // 64 + 36
  EXPECT_EQ(largest_batch_, 64);
  EXPECT_NEAR(dot((*all)[7], (*all)[7]), 1.0f, 1e-5);  // normalised

  busy_ = true;
  EXPECT_EQ((*e)->embed("volcan").status().code(), StatusCode::kUnavailable);
  busy_ = false;
  short_answer_ = true;
  EXPECT_EQ((*e)->embed_batch({"a", "b"}).status().code(), StatusCode::kInvalidArgument);
  short_answer_ = false;
  const auto refused = connect_embeddings_endpoint({.base_url = url(), .model = "autre"});
  EXPECT_EQ(refused.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(refused.status().message().find("unknown model"), std::string::npos);
  EXPECT_EQ(connect_embeddings_endpoint({.base_url = "ftp://x", .model = "bow"}).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(connect_embeddings_endpoint({.base_url = url(), .model = ""}).status().code(),
            StatusCode::kInvalidArgument);
  stop();
  EXPECT_EQ((*e)->embed("volcan").status().code(), StatusCode::kUnavailable);
}

std::int64_t add_content(catalog::Database& db, const std::string& title,
                         const std::vector<std::string>& texts) {
  catalog::Content c;
  c.status = catalog::EditorialStatus::kPublished;  // searched as readers see it
  c.kind = catalog::ContentKind::kText;
  c.title = title;
  c.media_path = "/x/" + title;
  const auto id = catalog::ContentRepository(db).insert(c);
  EXPECT_TRUE(id.is_ok());
  std::vector<catalog::Passage> passages;
  for (const auto& t : texts) {
    catalog::Passage p;
    p.text = t;
    p.language = "fr";
    passages.push_back(p);
  }
  EXPECT_TRUE(catalog::PassageRepository(db).replace_for_content(*id, passages).is_ok());
  return *id;
}

TEST_F(EmbeddingsEndpoint, ALibraryIndexedByTheEndpointSearchesAndDegradesWhenItIsGone) {
  testing::TempDir dir;
  const DataDir data{dir.path()};
  auto db = std::move(catalog::Database::open(data.catalog())).value();
  add_content(*db, "volcans", {"Le volcan rejette de la lave et des cendres."});
  const auto plantes =
      add_content(*db, "plantes", {"Les plantes vertes fabriquent leur matière à la lumière."});
  add_content(*db, "eau", {"Le cycle de l'eau : évaporation et pluie."});
  const EmbeddingSettings settings{.endpoint = url(), .endpoint_model = "bow", .endpoint_key = "k"};
  std::atomic<bool> stop_flag{false};
  const auto built = reindex(*db, data.index(), nullptr, stop_flag,
                             {.train_embeddings = true, .embeddings = settings});
  ASSERT_TRUE(built.is_ok()) << built.status().to_string();
  EXPECT_EQ(built->vectors, 3);
  EXPECT_NE(built->embedder.find("endpoint:bow"), std::string::npos);
  // The key is not written into the index.
  const auto gen = current_generation(data.index());
  ASSERT_TRUE(gen.is_ok() && gen->has_value());
  std::ifstream descriptor((*gen)->embeddings() / "embedder.json");
  const std::string described((std::istreambuf_iterator<char>(descriptor)), {});
  EXPECT_NE(described.find("\"endpoint\""), std::string::npos);
  EXPECT_EQ(described.find("\"k\""), std::string::npos);

  auto searcher = search::Searcher::open(data, {.embeddings = {.endpoint_key = "k"}});
  ASSERT_TRUE(searcher.is_ok()) << searcher.status().to_string();
  const auto by_meaning =
      (*searcher)->search({.query = "les plantes vertes et la lumière", .semantic_ratio = 1.0});
  ASSERT_TRUE(by_meaning.is_ok()) << by_meaning.status().to_string();
  ASSERT_FALSE(by_meaning->hits.empty());
  EXPECT_FALSE(by_meaning->degraded);
  EXPECT_EQ(by_meaning->hits[0].content_id, plantes);
  EXPECT_TRUE(by_meaning->hits[0].explain.vector_rank.has_value());
  EXPECT_EQ(authorization_, "Bearer k");

  stop();  // the endpoint goes away: the words answer, and the answer says so
  const auto degraded = (*searcher)->search({.query = "lumière", .semantic_ratio = 1.0});
  ASSERT_TRUE(degraded.is_ok()) << degraded.status().to_string();
  EXPECT_TRUE(degraded->degraded);
  EXPECT_NE(degraded->degraded_reason.find("embeddings endpoint"), std::string::npos);
  ASSERT_EQ(degraded->hits.size(), 1u);
  EXPECT_EQ(degraded->hits[0].content_id, plantes);
}

TEST(PretrainedVectors, ALibraryIndexedWithAVecFile) {
  testing::TempDir dir;
  const DataDir data{dir.path()};
  auto db = std::move(catalog::Database::open(data.catalog())).value();
  add_content(*db, "volcans", {"Le volcan rejette de la lave."});
  const auto plantes = add_content(*db, "plantes", {"La chlorophylle capte la lumière."});
  const fs::path vec = dir.path() / "fr.vec";
  std::ofstream(vec) << "5 2\nvolcan 1 0\nlave 0.9 0.1\nchlorophylle 0 1\nlumiere 0.1 0.9\n"
                        "photosynthese 0.05 1\n";
  std::atomic<bool> stop{false};
  const auto built = reindex(*db, data.index(), nullptr, stop,
                             {.train_embeddings = true, .embeddings = {.vectors = vec.string()}});
  ASSERT_TRUE(built.is_ok()) << built.status().to_string();
  EXPECT_EQ(built->embedder, "vectors:fr.vec/2d");
  EXPECT_EQ(built->vectors, 2);
  auto searcher = search::Searcher::open(data);
  ASSERT_TRUE(searcher.is_ok());
  // « photosynthèse » is in no passage, but its vector is near the chlorophyll passage's.
  const auto got = (*searcher)->search({.query = "photosynthèse", .semantic_ratio = 1.0});
  ASSERT_TRUE(got.is_ok());
  ASSERT_FALSE(got->hits.empty());
  EXPECT_EQ(got->hits[0].content_id, plantes);
  // A pretrained file that is not there is refused before anything is built.
  const auto missing =
      reindex(*db, data.index(), nullptr, stop,
              {.train_embeddings = true, .embeddings = {.vectors = "/nowhere/fr.vec"}});
  EXPECT_EQ(missing.status().code(), StatusCode::kNotFound);
}

}  // namespace
}  // namespace repere::index
