// Search over what ingest really read: a word seen only on a slide of a video is found, and
// its moment is when the slide is on screen; a word of a scanned page is found on its image.
// The index is brought up to date by ingest itself, and again when a file changes.
#include <gtest/gtest.h>

#include <atomic>
#include <fstream>

#include "repere/catalog/database.h"
#include "repere/index/library.h"
#include "repere/ingest/pipeline.h"
#include "repere/search/search.h"
#include "support/quiet_sink.h"
#include "support/temp_dir.h"

namespace repere::search {
namespace {

namespace fs = std::filesystem;
const fs::path kFixtures = REPERE_FIXTURES_DIR;

using Quiet = testing::QuietSink;

class IngestedLibrary : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = DataDir{tmp_ / "lib"};
    fs::create_directories(dir_.root);
    ASSERT_TRUE(catalog::Database::open(dir_.catalog()).is_ok());
    fs::create_directories(tmp_ / "media");
    fs::copy_file(kFixtures / "slides.mp4", tmp_ / "media/diaporama.mp4");
    fs::copy_file(kFixtures / "scan.png", tmp_ / "media/affiche.png");
    std::ofstream(tmp_ / "media/notes.txt") << "Les volcans rejettent de la lave.\n";
    ASSERT_TRUE(run().is_ok());
  }
  Result<ingest::IngestReport> run() {
    Quiet quiet;
    std::atomic<bool> stop{false};
    return ingest::ingest(
        dir_,
        {.paths = {tmp_ / "media"}, .workers = 2, .state = catalog::EditorialStatus::kPublished},
        quiet, stop);
  }
  Result<SearchResponse> find(const std::string& q) {
    auto searcher = Searcher::open(dir_);
    if (!searcher.is_ok()) return searcher.status();
    return (*searcher)->search({.query = q, .semantic_ratio = 0});
  }
  testing::TempDir tmp_;
  DataDir dir_;
};

TEST_F(IngestedLibrary, AWordOnASlideLandsWhenTheSlideIsOnScreen) {
  // « glucose » is only written on the third slide, shown from 13 s to 20 s.
  const auto got = find("glucose");
  ASSERT_TRUE(got.is_ok()) << got.status().to_string();
  ASSERT_EQ(got->hits.size(), 1u);
  EXPECT_EQ(got->hits[0].kind, "video");
  ASSERT_FALSE(got->hits[0].moments.empty());
  const Moment& m = got->hits[0].moments[0];
  ASSERT_TRUE(m.start_ms.has_value());
  EXPECT_NEAR(static_cast<double>(*m.start_ms), 13000, 2000);
  EXPECT_NE(m.snippet.find("<mark>glucose</mark>"), std::string::npos) << m.snippet;
}

TEST_F(IngestedLibrary, AWordOfAScanIsFoundOnItsImage) {
  const auto got = find("chloroplastes");
  ASSERT_TRUE(got.is_ok()) << got.status().to_string();
  ASSERT_FALSE(got->hits.empty());
  EXPECT_EQ(got->hits[0].kind, "image");
}

TEST_F(IngestedLibrary, IngestKeepsTheIndexUpToDate) {
  ASSERT_EQ(find("volcans")->hits.size(), 1u);
  std::ofstream(tmp_ / "media/notes.txt") << "Les séismes secouent le sol.\n";
  const auto again = run();
  ASSERT_TRUE(again.is_ok());
  EXPECT_EQ(again->indexed, 1);  // only the changed file
  EXPECT_TRUE(find("volcans")->hits.empty());
  EXPECT_EQ(find("seismes")->hits.size(), 1u);
  const auto generation = index::current_generation(dir_.index());
  ASSERT_TRUE(generation.is_ok() && generation->has_value());
  EXPECT_EQ((*generation)->number, 1);  // updated in place, not rebuilt
}

}  // namespace
}  // namespace repere::search
