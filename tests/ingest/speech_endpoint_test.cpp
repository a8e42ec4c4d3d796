// French speech without subtitles, ingested with asr.engine = endpoint: the sound goes to an
// OpenAI-compatible server (played here by a local httplib server that answers in the API's
// verbose_json format), an outage is retried with backoff, and the text becomes an automatic
// transcription track with timed passages.
#include <gtest/gtest.h>
#include <httplib.h>

#include <atomic>
#include <chrono>
#include <fstream>
#include <thread>

#include "repere/catalog/contents.h"
#include "repere/catalog/database.h"
#include "repere/catalog/summary.h"
#include "repere/catalog/texts.h"
#include "repere/ingest/pipeline.h"
#include "support/temp_dir.h"

namespace repere::ingest {
namespace {

namespace fs = std::filesystem;
const fs::path kFixtures = REPERE_FIXTURES_DIR;

class Quiet : public ProgressSink {
 public:
  void progress(int, int) override {}
  void note(std::string_view) override {}
};

class SpeechEndpoint : public ::testing::Test {
 protected:
  void SetUp() override {
    server_.Post("/v1/audio/transcriptions", [this](const httplib::Request& req,
                                                    httplib::Response& res) {
      ++requests_;
      if (outages_left_ > 0) {
        --outages_left_;
        res.status = 503;
        res.set_content(R"({"error": {"message": "busy"}})", "application/json");
        return;
      }
      language_ = req.has_file("language") ? req.get_file_value("language").content : "";
      res.set_content(
          R"({"text": "…", "segments": [)"
          R"({"start": 0.3, "end": 7.9, "text": " Veuillez laisser votre message après le bip sonore."},)"
          R"({"start": 8.4, "end": 11.2, "text": " Composez votre mot de passe suivi du dièse."}]})",
          "application/json");
    });
    port_ = server_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    while (!server_.is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));

    dir_ = DataDir{tmp_ / "lib"};
    fs::create_directories(dir_.root);
    ASSERT_TRUE(catalog::Database::open(dir_.catalog()).is_ok());
    fs::create_directories(tmp_ / "media");
    fs::copy_file(kFixtures / "fr-speech.wav", tmp_ / "media/repondeur.wav");
    std::ofstream(tmp_ / "media/catalogue.csv")
        << "fichier;titre;langue\nrepondeur.wav;Messages du répondeur;fr\n";
  }
  void TearDown() override {
    server_.stop();
    thread_.join();
  }

  Result<IngestReport> run() {
    IngestOptions options{.paths = {tmp_ / "media/catalogue.csv"}, .workers = 1};
    options.extract.asr_engine = "endpoint";
    options.extract.endpoint.base_url = "http://127.0.0.1:" + std::to_string(port_);
    Quiet quiet;
    std::atomic<bool> stop{false};
    return ingest(dir_, options, quiet, stop);
  }

  httplib::Server server_;
  std::thread thread_;
  int port_ = 0;
  std::atomic<int> requests_{0};
  std::atomic<int> outages_left_{0};
  std::string language_;
  testing::TempDir tmp_;
  DataDir dir_;
};

TEST_F(SpeechEndpoint, FrenchSpeechBecomesAnAutomaticTranscription) {
  outages_left_ = 1;  // the first try meets a busy server: retried after a pause
  const auto report = run();
  ASSERT_TRUE(report.is_ok()) << report.status().to_string();
  EXPECT_EQ(report->processed, 1);
  EXPECT_EQ(report->failed, 0);
  EXPECT_EQ(requests_, 2);
  EXPECT_EQ(language_, "fr");
  auto db = std::move(catalog::Database::open(dir_.catalog())).value();
  const auto content =
      **catalog::ContentRepository(*db).find_by_media_path((tmp_ / "media/repondeur.wav").string());
  const auto tracks = *catalog::TrackRepository(*db).list_for_content(content.id);
  ASSERT_EQ(tracks.size(), 1u);
  EXPECT_EQ(tracks[0].kind, catalog::TrackKind::kAsr);
  EXPECT_EQ(tracks[0].language, "fr");
  EXPECT_EQ(tracks[0].origin, "ai:whisper-1@127.0.0.1:" + std::to_string(port_));
  EXPECT_EQ(tracks[0].label, "Transcription automatique");
  const auto cues = *catalog::CueRepository(*db).list_for_track(tracks[0].id);
  ASSERT_EQ(cues.size(), 2u);
  EXPECT_EQ(*cues[1].start_ms, 8400);
  EXPECT_EQ(*cues[1].end_ms, 11200);
  const auto passages = *catalog::PassageRepository(*db).list_for_content(content.id);
  ASSERT_FALSE(passages.empty());
  EXPECT_NE(passages[0].text.find("mot de passe"), std::string::npos) << passages[0].text;
}

TEST_F(SpeechEndpoint, AServerThatStaysDownIsAFailureWithItsMessage) {
  outages_left_ = 100;
  const auto report = run();
  ASSERT_TRUE(report.is_ok()) << report.status().to_string();
  EXPECT_EQ(report->failed, 1);
  EXPECT_EQ(requests_, 3);  // tried three times, with backoff
  auto db = std::move(catalog::Database::open(dir_.catalog())).value();
  const auto summary = *catalog::summarize(*db);
  ASSERT_EQ(summary.failures.size(), 1u);
  EXPECT_NE(summary.failures[0].error.find("answered 503: busy"), std::string::npos)
      << summary.failures[0].error;
  EXPECT_NE(summary.failures[0].path.find("repondeur.wav"), std::string::npos);
}

}  // namespace
}  // namespace repere::ingest
