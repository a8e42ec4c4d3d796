// The demo library (demo/make_library.py, made by the ctest fixture "demo_library"), ingested by
// `repere ingest` as `make demo` does it (fixture "demo_ingested", into REPERE_DEMO_DATA_DIR):
// every item lands, with the text each kind should give.
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "repere/catalog/database.h"
#include "repere/core/text.h"
#include "support/temp_dir.h"

namespace repere {
namespace {

namespace fs = std::filesystem;

const fs::path kLibrary = REPERE_DEMO_LIBRARY_DIR;
const fs::path kData = REPERE_DEMO_DATA_DIR;
const fs::path kItems = fs::path(REPERE_SOURCE_DIR) / "demo/items";

std::string run(const std::string& command, int* exit_code) {
  std::string out;
  FILE* pipe = ::popen((command + " 2>&1").c_str(), "r");
  if (pipe == nullptr) return out;
  char buffer[4096];
  while (std::fgets(buffer, sizeof buffer, pipe) != nullptr) out += buffer;
  const int status = ::pclose(pipe);
  *exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return out;
}

// The "## " titles of an item's source text: the titles of its slides.
std::vector<std::string> slide_titles(const std::string& slug) {
  std::ifstream in(kItems / (slug + ".txt"));
  std::vector<std::string> titles;
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("## ", 0) == 0) titles.push_back(line.substr(3));
  }
  return titles;
}

class DemoLibrary : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    status_json_ =
        run(std::string(REPERE_BINARY) + " status --json --data " + kData.string(), &status_exit_);
    auto db = catalog::Database::open(kData / "catalog.sqlite", {.read_only = true});
    if (db.is_ok()) db_ = db->release();
  }
  static void TearDownTestSuite() { delete db_; }

  // Rows of one SQL query, each as its columns' text.
  static std::vector<std::vector<std::string>> rows(const std::string& sql) {
    std::vector<std::vector<std::string>> out;
    auto stmt = db_->prepare(sql);
    EXPECT_TRUE(stmt.is_ok()) << sql;
    if (!stmt.is_ok()) return out;
    for (auto row = stmt->step(); row.is_ok() && *row; row = stmt->step()) {
      out.emplace_back();
      for (int c = 0; c < 4; ++c) out.back().push_back(stmt->is_null(c) ? "" : stmt->text(c));
    }
    return out;
  }

  static inline catalog::Database* db_ = nullptr;
  static inline int status_exit_ = -1;
  static inline std::string status_json_;
};

TEST_F(DemoLibrary, EveryItemIsIngestedWithoutFailure) {
  ASSERT_NE(db_, nullptr) << "no catalog in " << kData << ": did ingest_demo_library run?";
  ASSERT_EQ(status_exit_, 0) << status_json_;
  const auto status = nlohmann::json::parse(status_json_, nullptr, false);
  ASSERT_FALSE(status.is_discarded()) << status_json_;
  EXPECT_TRUE(status["failures"].empty()) << status_json_;
  // Each item is a content, and a video with « handout: yes » its handout too.
  std::size_t items = 0, handouts = 0;
  for (const auto& entry : fs::directory_iterator(kItems)) {
    if (entry.path().extension() != ".txt") continue;
    ++items;
    std::ifstream in(entry.path());
    for (std::string line; std::getline(in, line) && !line.empty();)
      handouts += line == "handout: yes";
  }
  EXPECT_GE(items, 45u);
  EXPECT_GE(handouts, 18u);
  EXPECT_EQ(rows("SELECT count(*) FROM content")[0][0], std::to_string(items + handouts));
  // Every content has text, cut into passages, and says it is French collège science.
  EXPECT_EQ(rows("SELECT count(*) FROM content c WHERE NOT EXISTS "
                 "(SELECT 1 FROM passage p WHERE p.content_id = c.id)")[0][0],
            "0");
  EXPECT_EQ(rows("SELECT count(*) FROM content WHERE language != 'fr' OR licence = '' "
                 "OR collection_id IS NULL OR external_id NOT LIKE 'repere-demo:%'")[0][0],
            "0");
}

TEST_F(DemoLibrary, HasTheKindsOfMediaTeachersBring) {
  ASSERT_NE(db_, nullptr);
  std::map<std::string, int> kinds;
  for (const auto& r : rows("SELECT kind, count(*) FROM content GROUP BY kind"))
    kinds[r[0]] = std::stoi(r[1]);
  EXPECT_GE(kinds["video"], 10);
  EXPECT_GE(kinds["document"], 5);
  EXPECT_GE(kinds["image"], 3);
  EXPECT_GE(kinds["webpage"], 3);
  EXPECT_GE(kinds["text"], 3);
  EXPECT_GE(kinds["audio"], 1);
  // A scanned PDF: its pages have no text layer and are read by OCR.
  EXPECT_GE(std::stoi(rows("SELECT count(*) FROM track WHERE kind = 'ocr_scan' AND "
                           "content_id IN (SELECT id FROM content WHERE kind = 'document')")[0][0]),
            1);
}

// Lectures of two to three minutes, and short capsules of a programme part (20 s or more).
TEST_F(DemoLibrary, VideosAreNarratedLecturesAndCapsulesWithSubtitlesAndSlides) {
  ASSERT_NE(db_, nullptr);
  const auto videos =
      rows("SELECT id, external_id, duration_ms FROM content WHERE kind = 'video' ORDER BY id");
  ASSERT_GE(videos.size(), 25u);
  int lectures = 0;
  for (const auto& v : videos) {
    const std::string slug = v[1].substr(std::string("repere-demo:").size());
    SCOPED_TRACE(slug);
    const long duration = std::stol(v[2]);
    EXPECT_GE(duration, 20000);
    EXPECT_LE(duration, 600000);
    const bool lecture = duration >= 120000;
    lectures += lecture;
    const auto subtitles = rows(
        "SELECT count(*), max(c.end_ms) FROM cue c JOIN track t ON "
        "t.id = c.track_id WHERE t.kind = 'subtitles' AND t.origin = "
        "'human' AND t.language = 'fr' AND t.content_id = " +
        v[0]);
    EXPECT_GE(std::stoi(subtitles[0][0]), lecture ? 20 : 4);
    EXPECT_GE(std::stol(subtitles[0][1]), duration - 5000);
    // Each slide title is read from the picture, in the order the slides are shown.
    const auto slides = rows(
        "SELECT c.text, c.start_ms FROM cue c JOIN track t ON t.id = "
        "c.track_id WHERE t.kind = 'ocr_frames' AND t.content_id = " +
        v[0] + " ORDER BY c.start_ms");
    const auto titles = slide_titles(slug);
    ASSERT_EQ(slides.size(), titles.size());
    int found = 0;
    for (std::size_t i = 0; i < titles.size(); ++i) {
      found += text::fold(slides[i][0]).find(text::fold(titles[i])) != std::string::npos;
    }
    // OCR may misread an accent in a title (« théoréme »); most titles must be exact.
    EXPECT_GE(found, static_cast<int>(titles.size()) - 1) << slides[0][0];
  }
  EXPECT_GE(lectures, 10);
}

TEST_F(DemoLibrary, PassagesOfVideosAreTimedWindowsAndOfDocumentsArePages) {
  ASSERT_NE(db_, nullptr);
  EXPECT_EQ(rows("SELECT count(*) FROM passage p JOIN content c ON c.id = p.content_id WHERE "
                 "c.kind IN ('video', 'audio') AND (p.start_ms IS NULL OR p.end_ms IS NULL)")[0][0],
            "0");
  EXPECT_EQ(rows("SELECT count(*) FROM passage p JOIN content c ON c.id = p.content_id WHERE "
                 "c.kind = 'document' AND p.page IS NULL")[0][0],
            "0");
  EXPECT_EQ(rows("SELECT count(*) FROM passage WHERE length(CAST(text AS BLOB)) > 1000")[0][0],
            "0");
}

TEST_F(DemoLibrary, ASecondIngestChangesNothing) {
  ASSERT_NE(db_, nullptr);
  const std::string before = rows("SELECT count(*), max(id) FROM passage")[0][1];
  int exit_code = -1;
  const std::string out = run(std::string(REPERE_BINARY) + " ingest --data " + kData.string() +
                                  " " + (kLibrary / "catalogue.csv").string(),
                              &exit_code);
  EXPECT_EQ(exit_code, 0) << out;
  EXPECT_NE(out.find("0 added, 0 updated"), std::string::npos) << out;
  EXPECT_EQ(rows("SELECT count(*), max(id) FROM passage")[0][1], before);
}

// Every demo item names its part of the programme (demo/items, « programme: »): the gold the
// machine's suggestions are measured against, from the items' text alone.
TEST_F(DemoLibrary, ProgrammeSuggestionsAreMeasuredAgainstTheItemsGold) {
  ASSERT_NE(db_, nullptr);
  EXPECT_EQ(rows("SELECT count(DISTINCT content_id) FROM content_concept WHERE purpose = "
                 "'programme' AND origin = 'mapped' AND state = 'confirmed'")[0][0],
            rows("SELECT count(*) FROM content")[0][0]);
  EXPECT_NE(rows("SELECT count(*) FROM content_concept WHERE state = 'suggested'")[0][0], "0");
  EXPECT_NE(rows("SELECT count(*) FROM passage_concept")[0][0], "0");
  int exit_code = -1;
  const std::string out =
      run(std::string(REPERE_BINARY) + " taxonomy eval --data " + kData.string(), &exit_code);
  ASSERT_EQ(exit_code, 0) << out;
  std::cout << out;
  double p1 = 0, r3 = 0;
  const std::size_t at = out.find("precision@1 ");
  ASSERT_NE(at, std::string::npos) << out;
  ASSERT_EQ(std::sscanf(out.c_str() + at, "precision@1 %lf recall@3 %lf", &p1, &r3), 2) << out;
  RecordProperty("precision_at_1", std::to_string(p1));
  RecordProperty("recall_at_3", std::to_string(r3));
  // Floors under the figures measured (0.812 and 0.969 on the 32 first items, 0.846 and 0.985
  // on the 65 contents of today's demo).
  EXPECT_GE(p1, 0.75) << out;
  EXPECT_GE(r3, 0.9) << out;
  // The supervised alternative, fastText left one out (0.723 and 0.785 measured on the 65
  // contents; it can never name a part no other content has, 0.785 of them have one): the
  // suggester is kept because it measures better.
  double sp1 = 0, sr3 = 0;
  const std::size_t sup = out.find("leave one out): precision@1 ");
  ASSERT_NE(sup, std::string::npos) << out;
  ASSERT_EQ(
      std::sscanf(out.c_str() + sup, "leave one out): precision@1 %lf recall@3 %lf", &sp1, &sr3), 2)
      << out;
  RecordProperty("supervised_precision_at_1", std::to_string(sp1));
  RecordProperty("supervised_recall_at_3", std::to_string(sr3));
  EXPECT_GT(sp1, 0.3) << "the classifier learns something: " << out;
  EXPECT_GE(p1, sp1) << out;
  EXPECT_GE(r3, sr3) << out;
  // Related moments, chosen from the machine's placements only: most in the same branch of the
  // programme (0.909 measured on 32 items, 0.914 on 65), many in the very same sub-part.
  double same_part = 0, same_branch = 0;
  const std::size_t rel = out.find("same programme part ");
  ASSERT_NE(rel, std::string::npos) << out;
  ASSERT_EQ(std::sscanf(out.c_str() + rel, "same programme part %lf same branch %lf", &same_part,
                        &same_branch),
            2)
      << out;
  RecordProperty("related_same_part", std::to_string(same_part));
  RecordProperty("related_same_branch", std::to_string(same_branch));
  EXPECT_GE(same_branch, 0.85) << out;
  EXPECT_GE(same_part, 0.3) << out;
}

// The 19 model courses of the collège cycle 4 SVT programme (demo/courses/svt-cycle4.txt):
// one published « cours type » per sub-part of its three parts, each with a video moment, a
// document page and a question.
TEST_F(DemoLibrary, NineteenModelCoursesCoverTheSvtCycle4Programme) {
  ASSERT_NE(db_, nullptr);
  const std::string svt = "http://data.education.fr/voc/scolomfr/concept/scolomfr-voc-015-num-";
  const auto parts = rows(
      "SELECT b.concept_uri FROM concept_broader b JOIN concept_broader t ON t.concept_uri = "
      "b.broader_uri WHERE t.broader_uri = '" +
      svt + "1511' AND b.broader_uri IN ('" + svt + "1512', '" + svt + "1519', '" + svt +
      "1526') ORDER BY 1");
  ASSERT_EQ(parts.size(), 19u);
  for (const auto& part : parts) {
    SCOPED_TRACE(part[0]);
    const auto course = rows(
        "SELECT c.id FROM course c JOIN course_concept k ON k.course_id = c.id WHERE "
        "c.is_model = 1 AND c.state = 'published' AND k.concept_uri = '" +
        part[0] + "'");
    ASSERT_EQ(course.size(), 1u);
    const auto kinds = rows(
        "SELECT b.kind, coalesce(t.kind, '') FROM course_block b JOIN course_chapter h ON h.id = "
        "b.chapter_id LEFT JOIN content t ON t.id = b.content_id WHERE h.course_id = " +
        course[0][0]);
    std::set<std::string> have;
    for (const auto& k : kinds) have.insert(k[0] + "/" + k[1]);
    EXPECT_TRUE(have.count("moment/video"));
    EXPECT_TRUE(have.count("page/document") || have.count("page/image"));
    EXPECT_TRUE(have.count("quiz/"));
    EXPECT_TRUE(have.count("key_idea/"));
  }
  EXPECT_EQ(rows("SELECT count(*) FROM course WHERE is_model = 1")[0][0], "19");
  // Three of them hold an interactive video, on the clip of a demo video, stopping on a question.
  const auto videos = rows(
      "SELECT a.title, t.kind, (SELECT count(*) FROM interaction i WHERE i.activity_id = a.id AND "
      "i.type = 'choice' AND i.at_ms BETWEEN a.start_ms AND a.end_ms) FROM course_block b JOIN "
      "activity a ON a.id = b.activity_id JOIN content t ON t.id = a.content_id WHERE b.kind = "
      "'video' ORDER BY 1");
  ASSERT_EQ(videos.size(), 3u);
  for (const auto& v : videos) {
    EXPECT_EQ(v[1], "video") << v[0];
    EXPECT_EQ(v[2], "1") << v[0];
  }
}

// Importing the model courses again rebuilds them in place: still 19, and the interactive
// videos the first import made are replaced, not left behind. On a copy of the library, so that
// the tests reading it meanwhile see it unchanged.
TEST_F(DemoLibrary, ImportingTheModelCoursesAgainLeavesNoVideoBehind) {
  ASSERT_NE(db_, nullptr);
  testing::TempDir tmp;
  const auto copy = tmp.path() / "demo";
  // The tests that run beside this one write to the demo library: its catalog is copied as one
  // consistent snapshot (a copy of the file and its log, read while a write was under way, once
  // made this test fail).
  std::filesystem::copy(kData, copy, std::filesystem::copy_options::recursive);
  for (const char* f : {"catalog.sqlite", "catalog.sqlite-wal", "catalog.sqlite-shm"})
    std::filesystem::remove(copy / f);
  ASSERT_TRUE(db_->exec("VACUUM INTO '" + (copy / "catalog.sqlite").string() + "'").is_ok());
  auto count = [&](const std::string& sql) {
    auto db = catalog::Database::open(copy / "catalog.sqlite", {.read_only = true});
    EXPECT_TRUE(db.is_ok());
    auto stmt = (*db)->prepare(sql);
    EXPECT_TRUE(stmt.is_ok()) << sql;
    return stmt.is_ok() && *stmt->step() ? stmt->int64(0) : -1;
  };
  const std::string unowned = "SELECT count(*) FROM activity WHERE owner_id IS NULL";
  const auto before = count(unowned);
  // The demo's three, and those the browser tests that ran before made with an edit link
  // (this test once failed when they ran first).
  EXPECT_GE(before, 3);
  int exit_code = -1;
  const std::string out =
      run(std::string(REPERE_BINARY) + " courses import --data " + copy.string() + " " +
              std::string(REPERE_SOURCE_DIR) + "/demo/courses/svt-cycle4.txt",
          &exit_code);
  ASSERT_EQ(exit_code, 0) << out;
  EXPECT_NE(out.find("19 model courses imported (0 new, 19 rebuilt)"), std::string::npos) << out;
  EXPECT_EQ(count(unowned), before);
  EXPECT_EQ(count("SELECT count(*) FROM course WHERE is_model = 1"), 19);
  EXPECT_EQ(count("SELECT count(*) FROM course_block WHERE kind = 'video' AND activity_id IS NOT "
                  "NULL"),
            3);
}

}  // namespace
}  // namespace repere
