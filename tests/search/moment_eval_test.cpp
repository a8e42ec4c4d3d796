#include <gtest/gtest.h>

#include <fstream>

#include "repere/ingest/segmenter.h"
#include "repere/search/eval.h"
#include "support/temp_dir.h"

namespace repere::search {
namespace {

namespace fs = std::filesystem;
using repere::testing::TempDir;

void write(const fs::path& p, const std::string& s) {
  fs::create_directories(p.parent_path());
  std::ofstream(p) << s;
}

// A lecture of `topics`, each spoken for 60 s in sentences of 6 s.
std::string lecture(const std::string& id, const std::vector<std::vector<std::string>>& topics) {
  std::string cues;
  std::int64_t t = 0;
  for (const auto& sentences : topics) {
    for (const std::string& s : sentences) {
      if (!cues.empty()) cues += ",";
      cues += "[" + std::to_string(t) + "," + std::to_string(t + 6000) + ",\"" + s + "\"]";
      t += 6000;
    }
  }
  return R"({"_id": ")" + id + R"(", "title": "Cours )" + id + R"(", "language": "fr", "cues": [)" +
         cues + "]}\n";
}

std::vector<std::string> ten(const std::string& sentence) { return std::vector(10, sentence); }

MomentEvalOptions options(const fs::path& dataset, const fs::path& work) {
  return {.dataset = dataset,
          .work = work,
          .train_embeddings = false,
          .segment = [](const std::vector<catalog::Cue>& c) { return ingest::segment_timed(c); }};
}

TEST(MomentEval, TheFirstMomentLandsInTheRightSection) {
  TempDir tmp;
  write(tmp / "set/lectures.jsonl",
        lecture("a", {ten("Les volcans rejettent de la lave et des cendres."),
                      ten("La digestion transforme les aliments en nutriments.")}) +
            lecture("b", {ten("Les planètes tournent autour du Soleil."),
                          ten("La photosynthèse fabrique du sucre avec la lumière.")}));
  write(
      tmp / "set/queries.jsonl",
      R"({"_id": "q1", "text": "la digestion des aliments", "lecture": "a", "start_ms": 60000, "end_ms": 120000})"
      "\n"
      R"({"_id": "q2", "text": "la photosynthèse et la lumière", "lecture": "b", "start_ms": 60000, "end_ms": 120000})"
      "\n"
      R"({"_id": "q3", "text": "les volcans", "lecture": "b", "start_ms": 0, "end_ms": 60000})"
      "\n");
  fs::create_directories(tmp / "work");
  const auto report = evaluate_moments(options(tmp / "set", tmp / "work"));
  ASSERT_TRUE(report.is_ok()) << report.status().to_string();
  EXPECT_EQ(report->lectures, 2);
  EXPECT_EQ(report->queries, 3);
  const MomentScores& s = report->modes.at("lexical");
  EXPECT_NEAR(s.content_first, 2.0 / 3, 1e-9);  // q3 names the wrong lecture: a miss
  EXPECT_NEAR(s.lands_in_span, 2.0 / 3, 1e-9);
  EXPECT_NEAR(s.lands_near_start, 2.0 / 3, 1e-9);
}

TEST(MomentEval, AMalformedLectureIsRefusedWithItsLine) {
  TempDir tmp;
  write(tmp / "set/lectures.jsonl", lecture("a", {ten("Une phrase.")}) +
                                        R"({"_id": "b", "cues": [[5, 1, "à l'envers"]]})"
                                        "\n");
  write(tmp / "set/queries.jsonl", "");
  fs::create_directories(tmp / "work");
  const auto report = evaluate_moments(options(tmp / "set", tmp / "work"));
  ASSERT_FALSE(report.is_ok());
  EXPECT_NE(report.status().message().find("lectures.jsonl:2: a cue ends before it starts"),
            std::string::npos)
      << report.status().message();
}

TEST(MomentEval, AQueryOfAnUnknownLectureIsRefused) {
  TempDir tmp;
  write(tmp / "set/lectures.jsonl", lecture("a", {ten("Une phrase.")}));
  write(tmp / "set/queries.jsonl",
        R"({"_id": "q1", "text": "phrase", "lecture": "zz", "start_ms": 0, "end_ms": 1})"
        "\n");
  fs::create_directories(tmp / "work");
  const auto report = evaluate_moments(options(tmp / "set", tmp / "work"));
  ASSERT_FALSE(report.is_ok());
  EXPECT_NE(report.status().message().find("queries.jsonl:1"), std::string::npos);
  EXPECT_TRUE(is_moment_set(tmp / "set"));
  EXPECT_FALSE(is_moment_set(tmp.path()));
}

}  // namespace
}  // namespace repere::search
