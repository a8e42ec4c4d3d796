#include <gtest/gtest.h>

#include "catalog/test_catalog.h"
#include "repere/catalog/jobs.h"
#include "repere/catalog/migrations.h"
#include "repere/catalog/summary.h"
#include "repere/catalog/texts.h"

namespace repere::catalog {
namespace {

using repere::testing::TempDir;

class Repositories : public ::testing::Test {
 protected:
  void SetUp() override { db_ = open_or_die(dir_ / "c.sqlite"); }
  TempDir dir_;
  std::unique_ptr<Database> db_;
};

TEST_F(Repositories, ContentRoundTrip) {
  ContentRepository contents(*db_);
  const Collection museum{.slug = "cite", .name = "Cité des sciences", .licence = "CC-BY-SA-4.0"};
  const Id col = *CollectionRepository(*db_).insert(museum);
  Content c = sample_content("L'œuvre « cité »");
  c.collection_id = col;
  c.external_id = "VID-0042";
  c.authors_json = R"(["Marie Curie"])";
  const Id id = *contents.insert(c);
  Content got = *contents.get(id);
  EXPECT_EQ(got.title, "L'œuvre « cité »");
  EXPECT_EQ(got.collection_id, col);
  EXPECT_EQ(got.external_id, "VID-0042");
  EXPECT_EQ(got.duration_ms, 90 * 60 * 1000);
  EXPECT_EQ(got.page_count, std::nullopt);
  EXPECT_EQ(got.metadata_json, R"({"subject":"SVT","level":"5e"})");
  ASSERT_TRUE(contents.set_status(id, EditorialStatus::kPublished, "user:camille").is_ok());
  EXPECT_EQ(contents.get(id)->status_by, "user:camille");
  EXPECT_FALSE(contents.get(id)->status_at.empty());
  // Re-reading a file (an update of its fields) never undoes a publication.
  got.status = EditorialStatus::kDraft;
  got.title = "Nouveau titre";
  ASSERT_TRUE(contents.update(got).is_ok());
  EXPECT_EQ(contents.get(id)->status, EditorialStatus::kPublished);
  EXPECT_EQ(contents.get(id)->title, "Nouveau titre");
  EXPECT_EQ(*contents.count(EditorialStatus::kPublished), 1);
  EXPECT_EQ(*contents.count(EditorialStatus::kDraft), 0);
  EXPECT_EQ(contents.find_by_sha256(c.sha256)->size(), 1u);
  EXPECT_TRUE(contents.find_by_external_id(col, "VID-0042")->has_value());
  EXPECT_FALSE(contents.find_by_external_id(std::nullopt, "VID-0042")->has_value());
  EXPECT_TRUE(contents.find_by_media_path(c.media_path)->has_value());
  EXPECT_EQ(contents.list({.kind = ContentKind::kVideo})->size(), 1u);
  EXPECT_EQ(contents.list({.kind = ContentKind::kImage})->size(), 0u);
  EXPECT_EQ(contents.list({.status = EditorialStatus::kPublished})->size(), 1u);
}

// A person's correction keeps the earlier cues as a numbered revision; a review is recorded
// with who made it, and the machine track leaves the review queue.
TEST_F(Repositories, ACorrectionKeepsTheEarlierCuesAndAReviewLeavesTheQueue) {
  const Id content = *ContentRepository(*db_).insert(sample_content());
  const Id track = *TrackRepository(*db_).insert({.content_id = content,
                                                  .kind = TrackKind::kAsr,
                                                  .language = "fr",
                                                  .origin = "ai:pocketsphinx@5"});
  CueRepository cues(*db_);
  ASSERT_TRUE(
      cues.replace_for_track(
              track, {{.start_ms = 0, .end_ms = 900, .confidence = 0.4, .text = "la photosintèse"},
                      {.start_ms = 1000, .end_ms = 1900, .confidence = 0.9, .text = "des plantes"}})
          .is_ok());
  const auto queue = TrackRepository(*db_).needing_review(10);
  ASSERT_EQ(queue->size(), 1u);
  EXPECT_EQ(queue->front().track_id, track);
  EXPECT_EQ(queue->front().doubtful, 1);
  EXPECT_NEAR(*queue->front().mean_confidence, 0.65, 1e-9);
  auto fixed = *cues.list_for_track(track);
  fixed[0].text = "la photosynthèse";
  EXPECT_EQ(*cues.revise(track, fixed, "user:camille"), 1);
  fixed[1].text = "des plantes vertes";
  EXPECT_EQ(*cues.revise(track, fixed, "user:camille"), 2);
  EXPECT_EQ(cues.list_for_track(track)->at(0).text, "la photosynthèse");
  const auto revisions = *cues.revisions(track);
  ASSERT_EQ(revisions.size(), 2u);
  EXPECT_EQ(revisions[0].number, 2);  // newest first
  EXPECT_EQ(revisions[1].made_by, "user:camille");
  const auto first = *cues.revision_cues(track, 1);
  ASSERT_EQ(first.size(), 2u);
  EXPECT_EQ(first[0].text, "la photosintèse");
  EXPECT_EQ(first[0].start_ms, 0);
  EXPECT_NEAR(*first[0].confidence, 0.4, 1e-9);
  EXPECT_EQ(cues.revision_cues(track, 9).status().code(), StatusCode::kNotFound);
  ASSERT_TRUE(
      TrackRepository(*db_).set_review(track, ReviewState::kApproved, "user:camille").is_ok());
  const Track reviewed = *TrackRepository(*db_).get(track);
  EXPECT_EQ(reviewed.reviewed_by, "user:camille");
  EXPECT_FALSE(reviewed.machine_unreviewed());
  EXPECT_TRUE(TrackRepository(*db_).needing_review(10)->empty());
}

TEST_F(Repositories, ContentErrorsAreClear) {
  ContentRepository contents(*db_);
  Content bad = sample_content();
  bad.metadata_json = "{not json";
  const auto r = contents.insert(bad);
  ASSERT_FALSE(r.is_ok());
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(r.status().message().find("La photosynthèse"), std::string::npos);
  EXPECT_EQ(contents.get(12345).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(contents.remove(12345).code(), StatusCode::kNotFound);

  Content dup = sample_content();
  dup.external_id = "X1";
  ASSERT_TRUE(contents.insert(dup).is_ok());
  EXPECT_EQ(contents.insert(dup).status().code(), StatusCode::kInvalidArgument);
}

TEST_F(Repositories, RemovingAContentRemovesItsTextAndJobs) {
  ContentRepository contents(*db_);
  const Id id = *contents.insert(sample_content());
  const Id track = *TrackRepository(*db_).insert({.content_id = id,
                                                  .kind = TrackKind::kAsr,
                                                  .language = "fr",
                                                  .origin = "ai:pocketsphinx@5prealpha"});
  ASSERT_TRUE(CueRepository(*db_).replace_for_track(track, {{.text = "a"}, {.text = "b"}}).is_ok());
  ASSERT_TRUE(PassageRepository(*db_).replace_for_content(id, {{.text = "a b"}}).is_ok());
  ASSERT_TRUE(JobRepository(*db_).enqueue(id, "extract", "/m.mp4").is_ok());
  ASSERT_TRUE(contents.remove(id).is_ok());
  for (const char* table : {"track", "cue", "passage", "job"}) {
    EXPECT_EQ(count_rows(*db_, table), 0) << table;
  }
}

TEST_F(Repositories, TrackOriginMustSayHumanOrWhichMachine) {
  const Id id = *ContentRepository(*db_).insert(sample_content());
  TrackRepository tracks(*db_);
  EXPECT_TRUE(tracks.insert({.content_id = id, .origin = "human"}).is_ok());
  EXPECT_TRUE(tracks.insert({.content_id = id, .origin = "ai:tesseract@5.3.0"}).is_ok());
  for (const char* bad : {"", "machine", "ai:", "ai:tesseract", "ai:@1", "ai:x@"}) {
    EXPECT_EQ(tracks.insert({.content_id = id, .origin = bad}).status().code(),
              StatusCode::kInvalidArgument)
        << bad;
  }
  EXPECT_EQ(tracks.list_for_content(id)->size(), 2u);
}

TEST_F(Repositories, CuesAreReplacedWholeAndKeepTheirPositions) {
  const Id id = *ContentRepository(*db_).insert(sample_content());
  const Id track = *TrackRepository(*db_).insert({.content_id = id, .kind = TrackKind::kOcrScan});
  CueRepository cues(*db_);
  ASSERT_TRUE(cues.replace_for_track(track, {{.text = "old"}}).is_ok());
  const std::vector<Cue> fresh = {
      {.page = 3,
       .box_x = 0.1,
       .box_y = 0.2,
       .box_w = 0.3,
       .box_h = 0.05,
       .confidence = 0.42,
       .text = "Photosynthèse"},
      {.start_ms = 1000, .end_ms = 2500, .text = "l'ADN"},
  };
  ASSERT_TRUE(cues.replace_for_track(track, fresh).is_ok());
  const auto got = *cues.list_for_track(track);
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(got[0].seq, 0);
  EXPECT_EQ(got[0].page, 3);
  EXPECT_DOUBLE_EQ(*got[0].box_w, 0.3);
  EXPECT_DOUBLE_EQ(*got[0].confidence, 0.42);
  EXPECT_EQ(got[1].start_ms, 1000);
  EXPECT_EQ(got[1].text, "l'ADN");
  EXPECT_EQ(*cues.count_for_track(track), 2);
}

TEST_F(Repositories, AFailedReplaceLeavesTheOldCues) {
  const Id id = *ContentRepository(*db_).insert(sample_content());
  const Id track = *TrackRepository(*db_).insert({.content_id = id});
  CueRepository cues(*db_);
  ASSERT_TRUE(cues.replace_for_track(track, {{.text = "kept"}}).is_ok());
  // The second cue ends before it starts: the database refuses it, and the whole change.
  const Status s = cues.replace_for_track(
      track, {{.text = "new"}, {.start_ms = 5000, .end_ms = 1000, .text = "bad"}});
  EXPECT_FALSE(s.is_ok());
  EXPECT_NE(s.message().find("cue 1"), std::string::npos) << s.message();
  const auto got = *cues.list_for_track(track);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].text, "kept");
}

TEST_F(Repositories, PassagesNeverEmpty) {
  const Id id = *ContentRepository(*db_).insert(sample_content());
  PassageRepository passages(*db_);
  ASSERT_TRUE(passages
                  .replace_for_content(id, {{.start_ms = 0,
                                             .end_ms = 30000,
                                             .language = "fr",
                                             .text = "La chlorophylle capte la lumière."}})
                  .is_ok());
  const Status s = passages.replace_for_content(id, {{.text = "ok"}, {.text = ""}});
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(s.message().find("passage 1"), std::string::npos);
  const auto got = *passages.list_for_content(id);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].end_ms, 30000);
  EXPECT_EQ(passages.get(got[0].id)->text, "La chlorophylle capte la lumière.");
}

TEST_F(Repositories, JobLifecycle) {
  const Id a = *ContentRepository(*db_).insert(sample_content("a"));
  const Id b = *ContentRepository(*db_).insert(sample_content("b"));
  JobRepository jobs(*db_);
  const Id ja = *jobs.enqueue(a, "extract", "/a.mp4");
  const Id jb = *jobs.enqueue(b, "extract", "/b.mp4");
  EXPECT_EQ(*jobs.enqueue(a, "extract", "/a.mp4"), ja);  // same content and stage: same job

  auto first = *jobs.claim("extract");
  ASSERT_TRUE(first.has_value());
  EXPECT_EQ(first->id, ja);
  EXPECT_EQ(first->state, JobState::kRunning);
  EXPECT_EQ(first->attempts, 1);
  auto second = *jobs.claim("extract");
  EXPECT_EQ(second->id, jb);
  EXPECT_FALSE(jobs.claim("extract")->has_value());
  EXPECT_FALSE(jobs.claim("index")->has_value());

  ASSERT_TRUE(jobs.set_progress(ja, 1.7).is_ok());
  EXPECT_DOUBLE_EQ(jobs.get(ja)->progress, 1.0);
  ASSERT_TRUE(jobs.complete(ja).is_ok());
  ASSERT_TRUE(jobs.fail(jb, "b.mp4: truncated file (moov atom not found)").is_ok());
  const Id orphan = *jobs.enqueue(std::nullopt, "import", "/zero-byte.vtt");
  ASSERT_TRUE(jobs.fail(orphan, "empty file").is_ok());

  const CatalogSummary s = *summarize(*db_);
  EXPECT_EQ(s.contents, 2);
  ASSERT_EQ(s.failures.size(), 2u);
  EXPECT_EQ(s.failures[0].path, "/b.mp4");
  EXPECT_EQ(s.failures[0].title, "b");
  EXPECT_EQ(s.failures[0].stage, "extract");
  EXPECT_EQ(s.failures[0].error, "b.mp4: truncated file (moov atom not found)");
  EXPECT_EQ(s.failures[1].path, "/zero-byte.vtt");
  EXPECT_EQ(s.failures[1].content_id, std::nullopt);
  EXPECT_EQ(s.jobs_by_state, (Counts{{"done", 1}, {"failed", 2}}));

  EXPECT_EQ(*jobs.retry_failed(), 2);
  EXPECT_EQ(jobs.list(JobState::kPending)->size(), 2u);
  ASSERT_TRUE(jobs.claim("extract")->has_value());
  EXPECT_EQ(*jobs.requeue_interrupted(), 1);  // as after a crash
  EXPECT_EQ(jobs.list(JobState::kRunning)->size(), 0u);
}

TEST_F(Repositories, SummaryCountsByKindAndStatus) {
  ContentRepository contents(*db_);
  Content doc = sample_content("cours.pdf");
  doc.kind = ContentKind::kDocument;
  doc.status = EditorialStatus::kPublished;
  ASSERT_TRUE(contents.insert(doc).is_ok());
  ASSERT_TRUE(contents.insert(sample_content("v1")).is_ok());
  ASSERT_TRUE(contents.insert(sample_content("v2")).is_ok());
  const CatalogSummary s = *summarize(*db_);
  EXPECT_EQ(s.schema_version, latest_schema_version());
  EXPECT_EQ(s.contents_by_kind, (Counts{{"document", 1}, {"video", 2}}));
  EXPECT_EQ(s.contents_by_status, (Counts{{"draft", 2}, {"published", 1}}));
  EXPECT_TRUE(s.failures.empty());
}

TEST(Types, NamesRoundTrip) {
  for (auto k : {ContentKind::kVideo, ContentKind::kAudio, ContentKind::kDocument,
                 ContentKind::kImage, ContentKind::kWebpage, ContentKind::kText}) {
    EXPECT_EQ(*parse_content_kind(to_string(k)), k);
  }
  for (auto k : {TrackKind::kSubtitles, TrackKind::kAsr, TrackKind::kPdfText, TrackKind::kOcrScan,
                 TrackKind::kOcrFrames, TrackKind::kText}) {
    EXPECT_EQ(*parse_track_kind(to_string(k)), k);
  }
  const auto bad = parse_content_kind("podcast");
  ASSERT_FALSE(bad.is_ok());
  EXPECT_NE(bad.status().message().find("podcast"), std::string::npos);
  EXPECT_NE(bad.status().message().find("video"), std::string::npos);
}

}  // namespace
}  // namespace repere::catalog
