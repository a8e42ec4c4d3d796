// The ingest pipeline end to end, on real files: generated videos with embedded and sidecar
// subtitles, text and Markdown files, and bad files beside them.
#include <gtest/gtest.h>

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>
#include <zlib.h>

#include <cstdio>
#include <fstream>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>

#include "repere/catalog/contents.h"
#include "repere/catalog/database.h"
#include "repere/catalog/summary.h"
#include "repere/catalog/texts.h"
#include "repere/catalog/usage.h"
#include "repere/index/dictionary.h"
#include "repere/ingest/files.h"
#include "repere/ingest/pipeline.h"
#include "support/legacy_text.h"
#include "support/temp_dir.h"

namespace repere::ingest {
namespace {

namespace fs = std::filesystem;
using repere::testing::TempDir;
const fs::path kFixtures = REPERE_FIXTURES_DIR;

class RecordingSink : public ProgressSink {
 public:
  void progress(int done, int total) override {
    std::lock_guard<std::mutex> lock(mutex_);
    last_done = done;
    last_total = total;
  }
  void note(std::string_view line) override {
    std::lock_guard<std::mutex> lock(mutex_);
    notes.emplace_back(line);
  }
  bool noted(std::string_view part) const {
    for (const auto& n : notes) {
      if (n.find(part) != std::string::npos) return true;
    }
    return false;
  }
  std::vector<std::string> notes;
  int last_done = 0;
  int last_total = 0;

 private:
  std::mutex mutex_;
};

void write(const fs::path& p, const std::string& text) {
  fs::create_directories(p.parent_path());
  std::ofstream(p, std::ios::binary) << text;
}

class Pipeline : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = DataDir{tmp_ / "lib"};
    fs::create_directories(dir_.root);
    ASSERT_TRUE(catalog::Database::open(dir_.catalog()).is_ok());
    media_ = tmp_ / "media";
    fs::create_directories(media_ / "videos");
    fs::copy_file(kFixtures / "lecture.mp4", media_ / "videos/lecture.mp4");
    fs::copy_file(kFixtures / "lecture.srt", media_ / "videos/lecture.fr.srt");
    fs::copy_file(kFixtures / "truncated.mp4", media_ / "videos/broken.mp4");
    write(media_ / "textes/cellule.md",
          "# La cellule\n\nLa **cellule** est l'unité du vivant.\n\nElle contient l'ADN.\n");
    write(media_ / "textes/eau.txt", "Le cycle de l'eau.\n\nL'eau s'\xE9vapore.\n");  // cp1252
    write(media_ / "textes/vide.txt", "");
    write(media_ / "notes.json", "{}");
    write(media_ / "orphan.vtt", "WEBVTT\n");
    write(media_ / ".cache/hidden.txt", "ignored");
  }

  void add_documents() {
    fs::create_directories(media_ / "docs");
    for (const char* name : {"document.pdf", "scan.png", "blank.png", "broken.pdf"}) {
      fs::copy_file(kFixtures / name, media_ / "docs" / name);
    }
    // A binary file posing as the subtitles of a video.
    fs::copy_file(kFixtures / "lecture.mp4", media_ / "docs/expose.mp4");
    fs::copy_file(kFixtures / "binary.vtt", media_ / "docs/expose.vtt");
    write(media_ / "docs/page.html",
          "<html lang=\"fr\"><head><title>Les volcans</title></head><body><nav>Menu</nav>"
          "<p>Un volcan rejette du magma &eacute;ruptif.</p></body></html>");
  }

  Result<IngestReport> run(IngestOptions options) {
    if (options.paths.empty()) options.paths = {media_};
    if (options.workers == 0) options.workers = 2;
    return ingest(dir_, options, sink_, stop_);
  }

  std::unique_ptr<catalog::Database> db() {
    return std::move(catalog::Database::open(dir_.catalog())).value();
  }

  TempDir tmp_;
  DataDir dir_;
  fs::path media_;
  RecordingSink sink_;
  std::atomic<bool> stop_{false};
};

TEST_F(Pipeline, IngestsGoodFilesAndRecordsBadOnes) {
  const auto report = run({});
  ASSERT_TRUE(report.is_ok()) << report.status().to_string();
  EXPECT_EQ(report->added, 5);    // lecture, broken, cellule, eau, vide
  EXPECT_EQ(report->skipped, 2);  // notes.json, orphan.vtt (the hidden folder is not read)
  EXPECT_EQ(report->processed, 3);
  EXPECT_EQ(report->failed, 2);
  EXPECT_TRUE(sink_.noted("orphan.vtt"));
  EXPECT_EQ(sink_.last_done, sink_.last_total);

  auto db_ = db();
  const auto summary = *catalog::summarize(*db_);
  ASSERT_EQ(summary.failures.size(), 2u);
  std::map<std::string, std::string> errors;
  for (const auto& f : summary.failures) errors[fs::path(f.path).filename()] = f.error;
  EXPECT_NE(errors["broken.mp4"].find("not a readable media file"), std::string::npos);
  EXPECT_NE(errors["vide.txt"].find("empty file"), std::string::npos);

  catalog::ContentRepository contents(*db_);
  const auto video = **contents.find_by_media_path((media_ / "videos/lecture.mp4").string());
  EXPECT_EQ(video.kind, catalog::ContentKind::kVideo);
  EXPECT_NEAR(static_cast<double>(*video.duration_ms), 12000, 200);
  const auto tracks = *catalog::TrackRepository(*db_).list_for_content(video.id);
  ASSERT_EQ(tracks.size(), 2u);  // the sidecar, then the mov_text stream
  EXPECT_EQ(tracks[0].origin, "human");
  EXPECT_EQ(tracks[0].language, "fr");
  EXPECT_NE(tracks[0].label.find("lecture.fr.srt"), std::string::npos);
  const auto cues = *catalog::CueRepository(*db_).list_for_track(tracks[0].id);
  ASSERT_EQ(cues.size(), 3u);
  EXPECT_EQ(*cues[1].start_ms, 3500);
  EXPECT_EQ(cues[1].text, "La photosynthèse fabrique la matière des plantes.");
  // The same French subtitles twice make one set of passages, not two.
  const auto passages = *catalog::PassageRepository(*db_).list_for_content(video.id);
  ASSERT_EQ(passages.size(), 1u);
  EXPECT_EQ(*passages[0].start_ms, 500);
  EXPECT_EQ(*passages[0].end_ms, 11000);
  EXPECT_NE(passages[0].text.find("chlorophylle"), std::string::npos);

  const auto md = **contents.find_by_media_path((media_ / "textes/cellule.md").string());
  EXPECT_EQ(md.title, "La cellule");  // from the Markdown heading
  const auto md_passages = *catalog::PassageRepository(*db_).list_for_content(md.id);
  ASSERT_EQ(md_passages.size(), 1u);
  EXPECT_NE(md_passages[0].text.find("La cellule est l'unité du vivant."), std::string::npos);
  const auto txt = **contents.find_by_media_path((media_ / "textes/eau.txt").string());
  EXPECT_NE(catalog::PassageRepository(*db_).list_for_content(txt.id)->at(0).text.find("s'évapore"),
            std::string::npos);
}

// Frugality: what an ingest cost is reported and added to the catalog's usage counters.
TEST_F(Pipeline, CountsTheCpuItSpentAndTheSecondsOfMediaItRead) {
  const auto report = run({.paths = {media_ / "videos/lecture.mp4"}});
  ASSERT_TRUE(report.is_ok()) << report.status().to_string();
  ASSERT_EQ(report->processed, 1);
  EXPECT_NEAR(report->media_seconds, 12.0, 0.3);
  EXPECT_GT(report->cpu_seconds, 0.0);
  std::printf("ingest of a 12 s video: %.3f s of CPU (%.0f s per hour read)\n", report->cpu_seconds,
              report->cpu_seconds * 3600 / report->media_seconds);
  auto db_ = db();
  auto counters = *catalog::UsageRepository(*db_).all();
  EXPECT_EQ(counters[catalog::kIngestContents].value, 1);
  EXPECT_NEAR(counters[catalog::kIngestMediaSeconds].value, report->media_seconds, 1e-6);
  EXPECT_NEAR(counters[catalog::kIngestCpuSeconds].value, report->cpu_seconds, 1e-6);
  EXPECT_FALSE(counters[catalog::kIngestCpuSeconds].since.empty());
  // A second run that reads nothing adds nothing.
  ASSERT_TRUE(run({.paths = {media_ / "videos/lecture.mp4"}}).is_ok());
  counters = *catalog::UsageRepository(*db_).all();
  EXPECT_EQ(counters[catalog::kIngestContents].value, 1);
}

TEST_F(Pipeline, SecondRunChangesNothing) {
  ASSERT_TRUE(run({}).is_ok());
  auto before = *catalog::summarize(*db());
  const auto again = run({});
  ASSERT_TRUE(again.is_ok());
  EXPECT_EQ(again->added, 0);
  EXPECT_EQ(again->unchanged, 5);
  EXPECT_EQ(again->processed, 0);
  auto after = *catalog::summarize(*db());
  EXPECT_EQ(after.contents, before.contents);
  EXPECT_EQ(after.passages, before.passages);
  EXPECT_EQ(after.cues, before.cues);
}

TEST_F(Pipeline, AChangedFileReplacesItsText) {
  ASSERT_TRUE(run({}).is_ok());
  write(media_ / "textes/eau.txt",
        "Le cycle de l'eau : évaporation, condensation, précipitations.\n");
  const auto report = run({});
  ASSERT_TRUE(report.is_ok());
  EXPECT_EQ(report->updated, 1);
  EXPECT_EQ(report->processed, 1);
  auto db_ = db();
  const auto txt =
      **catalog::ContentRepository(*db_).find_by_media_path((media_ / "textes/eau.txt").string());
  const auto passages = *catalog::PassageRepository(*db_).list_for_content(txt.id);
  ASSERT_EQ(passages.size(), 1u);
  EXPECT_NE(passages[0].text.find("condensation"), std::string::npos);
  EXPECT_EQ(passages[0].text.find("s'évapore"), std::string::npos);
}

TEST_F(Pipeline, RetryFailedAfterFixingTheFile) {
  ASSERT_TRUE(run({}).is_ok());
  write(media_ / "textes/vide.txt", "Maintenant il y a du texte.\n");  // new content, new digest
  fs::remove(media_ / "videos/broken.mp4");
  const auto report = run({.retry_failed = true});
  ASSERT_TRUE(report.is_ok());
  EXPECT_EQ(report->updated, 1);
  const auto summary = *catalog::summarize(*db());
  ASSERT_EQ(summary.failures.size(), 1u);  // the truncated video, now missing too
  EXPECT_NE(summary.failures[0].path.find("broken.mp4"), std::string::npos);
}

TEST_F(Pipeline, CopyPutsFilesInTheDataFolder) {
  const auto report = run({.paths = {media_ / "videos/lecture.mp4"}, .copy = true});
  ASSERT_TRUE(report.is_ok());
  EXPECT_EQ(report->processed, 1);
  auto db_ = db();
  const auto all = *catalog::ContentRepository(*db_).list();
  ASSERT_EQ(all.size(), 1u);
  EXPECT_EQ(all[0].media_path.rfind("media/", 0), 0u) << all[0].media_path;
  EXPECT_TRUE(fs::exists(dir_.root / all[0].media_path));
  EXPECT_EQ(*sha256_file(dir_.root / all[0].media_path), all[0].sha256);
  // Found again from its original path on the next run.
  EXPECT_EQ(run({.paths = {media_ / "videos/lecture.mp4"}, .copy = true})->unchanged, 1);
}

TEST_F(Pipeline, StopFlagStopsBeforeNewStages) {
  stop_ = true;
  const auto report = run({});
  ASSERT_TRUE(report.is_ok());
  EXPECT_TRUE(report->interrupted);
  stop_ = false;
  const auto resumed = run({});
  ASSERT_TRUE(resumed.is_ok());
  EXPECT_FALSE(resumed->interrupted);
  EXPECT_EQ(catalog::summarize(*db())->passages, 3);
}

TEST_F(Pipeline, OneIngestAtATime) {
  const auto lock = dir_.root / "ingest.lock";
  std::ofstream(lock).close();
  const int fd = ::open(lock.c_str(), O_RDWR);
  ASSERT_EQ(::flock(fd, LOCK_EX), 0);
  const auto report = run({});
  ::close(fd);
  ASSERT_FALSE(report.is_ok());
  EXPECT_EQ(report.status().code(), StatusCode::kUnavailable);
}

TEST_F(Pipeline, DocumentsScansAndABrokenSidecar) {
  add_documents();
  const auto report = run({.paths = {media_ / "docs"}});
  ASSERT_TRUE(report.is_ok()) << report.status().to_string();
  EXPECT_EQ(report->added, 6);
  EXPECT_EQ(report->processed, 5);  // broken.pdf fails
  auto db_ = db();
  catalog::ContentRepository contents(*db_);
  catalog::TrackRepository tracks(*db_);
  catalog::PassageRepository passages(*db_);

  const auto pdf = **contents.find_by_media_path((media_ / "docs/document.pdf").string());
  EXPECT_EQ(pdf.page_count, 2);
  const auto pdf_tracks = *tracks.list_for_content(pdf.id);
  ASSERT_EQ(pdf_tracks.size(), 2u);
  EXPECT_EQ(pdf_tracks[0].kind, catalog::TrackKind::kPdfText);
  EXPECT_EQ(pdf_tracks[1].kind, catalog::TrackKind::kOcrScan);
  EXPECT_EQ(pdf_tracks[1].origin.rfind("ai:tesseract@", 0), 0u);  // machine-made, and says so
  const auto pdf_passages = *passages.list_for_content(pdf.id);
  ASSERT_GE(pdf_passages.size(), 2u);
  EXPECT_EQ(pdf_passages.front().page, 1);
  EXPECT_NE(pdf_passages.front().text.find("respiration cellulaire"), std::string::npos);
  bool chlorophylle_on_page_2 = false;
  for (const auto& p : pdf_passages) {
    chlorophylle_on_page_2 |= p.page == 2 && p.text.find("chlorophylle") != std::string::npos;
  }
  EXPECT_TRUE(chlorophylle_on_page_2);

  const auto scan = **contents.find_by_media_path((media_ / "docs/scan.png").string());
  const auto cues =
      *catalog::CueRepository(*db_).list_for_track(tracks.list_for_content(scan.id)->at(0).id);
  ASSERT_GT(cues.size(), 60u);  // one cue per word, with its box and confidence
  EXPECT_EQ(cues[0].page, 1);
  EXPECT_TRUE(cues[0].box_w.has_value());
  EXPECT_TRUE(cues[0].confidence.has_value());

  const auto page = **contents.find_by_media_path((media_ / "docs/page.html").string());
  EXPECT_EQ(page.title, "Les volcans");
  EXPECT_EQ(passages.list_for_content(page.id)->at(0).text, "Un volcan rejette du magma éruptif.");

  const auto blank = **contents.find_by_media_path((media_ / "docs/blank.png").string());
  EXPECT_TRUE(passages.list_for_content(blank.id)->empty());
  EXPECT_TRUE(sink_.noted("no text found"));

  // The video keeps its embedded subtitles; the fake sidecar is a failure of its own.
  const auto video = **contents.find_by_media_path((media_ / "docs/expose.mp4").string());
  EXPECT_EQ(passages.list_for_content(video.id)->size(), 1u);
  const auto summary = *catalog::summarize(*db_);
  std::map<std::string, std::string> errors;
  for (const auto& f : summary.failures) errors[fs::path(f.path).filename()] = f.error;
  ASSERT_EQ(errors.size(), 2u);
  EXPECT_NE(errors["broken.pdf"].find("not a readable PDF"), std::string::npos);
  EXPECT_NE(errors["expose.vtt"].find("not a WebVTT file"), std::string::npos)
      << errors["expose.vtt"];
}

TEST_F(Pipeline, ManifestBringsMetadataAndReportsBadRowsByLine) {
  write(media_ / "catalogue.csv",
        "Fichier;Titre;Matière;Niveau;Auteurs;Identifiant;Collection;Cote\n"
        "videos/lecture.mp4;La photosynthèse en 12 secondes;SVT;5e;\"A. Dupont; B. Martin\";"
        "V-1;Cité des sciences;B12\n"
        ";Sans fichier;;;;;;\n"
        "videos/absent.mp4;Absent;;;;;;\n"
        "textes/eau.txt;Le cycle de l'eau;SVT;6e;;T-1;Cité des sciences;\n");
  const auto report = run({.paths = {media_ / "catalogue.csv"}});
  ASSERT_TRUE(report.is_ok()) << report.status().to_string();
  EXPECT_EQ(report->added, 2);
  EXPECT_EQ(report->failed, 2);
  auto db_ = db();
  const auto summary = *catalog::summarize(*db_);
  ASSERT_EQ(summary.failures.size(), 2u);
  EXPECT_EQ(summary.failures[0].path, (media_ / "catalogue.csv").string() + ":3");
  EXPECT_NE(summary.failures[0].error.find("catalogue.csv line 3: no path"), std::string::npos);
  EXPECT_NE(summary.failures[1].error.find("line 4: no such file"), std::string::npos);

  catalog::ContentRepository contents(*db_);
  const auto collection = **catalog::CollectionRepository(*db_).find_by_slug("cite-des-sciences");
  EXPECT_EQ(collection.name, "Cité des sciences");
  const auto video = **contents.find_by_external_id(collection.id, "V-1");
  EXPECT_EQ(video.title, "La photosynthèse en 12 secondes");
  EXPECT_EQ(video.authors_json, R"(["A. Dupont","B. Martin"])");
  const auto meta = nlohmann::json::parse(video.metadata_json);
  EXPECT_EQ(meta["subject"], "SVT");
  EXPECT_EQ(meta["level"], "5e");
  EXPECT_EQ(meta["Cote"], "B12");  // an unknown column is kept
  EXPECT_EQ(catalog::PassageRepository(*db_).list_for_content(video.id)->size(), 1u);

  // Fix the manifest and change the text file behind T-1: its failures are forgotten, and
  // the content with that external id gets the new text.
  write(media_ / "catalogue.csv",
        "Fichier;Titre;Identifiant;Collection\n"
        "textes/eau2.txt;Le cycle de l'eau;T-1;Cité des sciences\n");
  write(media_ / "textes/eau2.txt", "L'eau s'évapore puis se condense en nuages.\n");
  const auto again = run({.paths = {media_ / "catalogue.csv"}});
  ASSERT_TRUE(again.is_ok());
  EXPECT_EQ(again->updated, 1);
  EXPECT_TRUE(catalog::summarize(*db_)->failures.empty());
  const auto water = **contents.find_by_external_id(collection.id, "T-1");
  EXPECT_NE(catalog::PassageRepository(*db_).list_for_content(water.id)->at(0).text.find("nuages"),
            std::string::npos);
}

// English documents were tagged « fr » and stemmed as French. With the dictionaries, a
// document's language is told from its words when nothing said it; a manifest's language and
// --language are kept.
TEST_F(Pipeline, ADocumentsLanguageIsToldFromItsWords) {
  const fs::path docs = tmp_ / "langues";
  write(docs / "heart.txt",
        "The heart is a muscle that pumps blood through the vessels of the body. Its four "
        "chambers work in turn, and valves keep the blood flowing in one direction.\n");
  write(docs / "coeur.txt",
        "Le cœur est un muscle qui pousse le sang dans les vaisseaux du corps. Ses quatre "
        "cavités travaillent tour à tour, et des valvules empêchent le sang de revenir.\n");
  write(docs / "given.txt",
        "The lungs bring oxygen to the blood and take carbon dioxide out of it, breath after "
        "breath, all day and all night.\n");
  write(docs / "catalogue.csv", "path,language\ngiven.txt,fr\nheart.txt,\ncoeur.txt,\n");
  IngestOptions options{.paths = {docs / "catalogue.csv"}};
  options.extract.dictionaries = index::Dictionaries::open("/usr/share/hunspell");
  ASSERT_TRUE(options.extract.dictionaries->has("en"));
  const auto report = run(options);
  ASSERT_TRUE(report.is_ok()) << report.status().to_string();
  ASSERT_EQ(report->added, 3);
  auto db_ = db();
  std::map<std::string, std::string> language;
  const auto contents = *catalog::ContentRepository(*db_).list();
  for (const auto& c : contents) {
    const auto tracks = *catalog::TrackRepository(*db_).list_for_content(c.id);
    ASSERT_EQ(tracks.size(), 1u);
    EXPECT_EQ(tracks[0].language, c.language) << c.title;
    language[fs::path(c.media_path).filename().string()] = c.language;
  }
  EXPECT_EQ(language["heart.txt"], "en");
  EXPECT_EQ(language["coeur.txt"], "fr");
  EXPECT_EQ(language["given.txt"], "fr");  // the manifest said so
  EXPECT_TRUE(sink_.noted("reads as 'en'"));
}

// Round 1: language was told per file; an English part of a French document was stemmed as
// French. Now each passage long enough to tell has its own.
TEST_F(Pipeline, EachPassageHasItsOwnLanguage) {
  const fs::path docs = tmp_ / "bilingue";
  write(docs / "cours.txt",
        "Le cœur est un muscle creux qui pousse le sang dans les vaisseaux du corps. Ses quatre "
        "cavités, deux oreillettes et deux ventricules, se contractent tour à tour, et des "
        "valvules empêchent le sang de revenir en arrière. Au repos, il bat environ soixante-dix "
        "fois par minute.\n\n"
        "In English: the heart is a hollow muscle that pumps blood through the vessels of the "
        "body. Its four chambers, two atria and two ventricles, contract in turn, and valves keep "
        "the blood from flowing backwards. At rest it beats about seventy times a minute.\n");
  write(docs / "catalogue.csv", "path,language\ncours.txt,fr\n");
  const auto report = run({.paths = {docs / "catalogue.csv"}});
  ASSERT_TRUE(report.is_ok()) << report.status().to_string();
  auto d = db();
  const auto contents = *catalog::ContentRepository(*d).list();
  ASSERT_EQ(contents.size(), 1u);
  EXPECT_EQ(contents[0].language, "fr");  // the manifest said so, for the document
  const auto passages = *catalog::PassageRepository(*d).list_for_content(contents[0].id);
  ASSERT_EQ(passages.size(), 2u);
  EXPECT_EQ(passages[0].language, "fr") << passages[0].text;
  EXPECT_EQ(passages[1].language, "en") << passages[1].text;
}

TEST_F(Pipeline, SpeechIsTranscribedWhenAnEngineKnowsTheLanguage) {
  fs::create_directories(media_ / "speech");
  fs::copy_file(
      "/usr/share/pocketsphinx/test/data/librivox/sense_and_sensibility_01_austen_64kb-0870.wav",
      media_ / "speech/austen.wav");
  fs::copy_file(kFixtures / "no-subtitles.mp4", media_ / "speech/cours-sans-sous-titres.mp4");
  write(media_ / "speech/catalogue.jsonl",
        R"({"path": "austen.wav", "title": "Sense and Sensibility", "language": "en"})"
        "\n"
        R"({"path": "cours-sans-sous-titres.mp4", "language": "fr"})"
        "\n");
  const auto report = run({.paths = {media_ / "speech/catalogue.jsonl"}});
  ASSERT_TRUE(report.is_ok()) << report.status().to_string();
  EXPECT_EQ(report->processed, 1);
  EXPECT_EQ(report->failed, 1);
  auto db_ = db();
  const auto summary = *catalog::summarize(*db_);
  ASSERT_EQ(summary.failures.size(), 1u);
  EXPECT_NE(summary.failures[0].error.find("pocketsphinx only knows English"), std::string::npos)
      << summary.failures[0].error;
  catalog::ContentRepository contents(*db_);
  const auto audio = **contents.find_by_media_path((media_ / "speech/austen.wav").string());
  EXPECT_EQ(audio.kind, catalog::ContentKind::kAudio);
  const auto tracks = *catalog::TrackRepository(*db_).list_for_content(audio.id);
  ASSERT_EQ(tracks.size(), 1u);
  EXPECT_EQ(tracks[0].kind, catalog::TrackKind::kAsr);
  EXPECT_EQ(tracks[0].origin, "ai:pocketsphinx@5prealpha");
  const auto passages = *catalog::PassageRepository(*db_).list_for_content(audio.id);
  ASSERT_EQ(passages.size(), 1u);
  EXPECT_NE(passages[0].text.find("leisure to consider"), std::string::npos) << passages[0].text;
  EXPECT_GE(*passages[0].start_ms, 0);
  EXPECT_LE(*passages[0].end_ms, 7200);
}

TEST_F(Pipeline, SlidesInAVideoBecomeOnePassagePerSlide) {
  const auto report = run({.paths = {kFixtures / "slides.mp4"}});
  ASSERT_TRUE(report.is_ok()) << report.status().to_string();
  EXPECT_EQ(report->processed, 1);  // no sound, no subtitles: the slides are its text
  auto db_ = db();
  const auto video = *catalog::ContentRepository(*db_).list();
  ASSERT_EQ(video.size(), 1u);
  const auto tracks = *catalog::TrackRepository(*db_).list_for_content(video[0].id);
  ASSERT_EQ(tracks.size(), 1u);
  EXPECT_EQ(tracks[0].kind, catalog::TrackKind::kOcrFrames);
  EXPECT_EQ(tracks[0].origin.rfind("ai:tesseract@", 0), 0u);
  const auto passages = *catalog::PassageRepository(*db_).list_for_content(video[0].id);
  ASSERT_EQ(passages.size(), 3u);
  const std::int64_t shown_at[] = {0, 6000, 13000};
  const char* titles[] = {"La photosynthèse", "Le rôle de la chlorophylle", "Le bilan chimique"};
  for (int i = 0; i < 3; ++i) {
    EXPECT_LE(std::abs(*passages[i].start_ms - shown_at[i]), 2000) << titles[i];
    EXPECT_NE(passages[i].text.find(titles[i]), std::string::npos) << passages[i].text;
  }
}

TEST(Files, KindsSidecarsAndDigests) {
  EXPECT_EQ(content_kind_for("a/B.MP4"), catalog::ContentKind::kVideo);
  EXPECT_EQ(content_kind_for("x.pdf"), catalog::ContentKind::kDocument);
  EXPECT_EQ(content_kind_for("x.vtt"), std::nullopt);
  EXPECT_EQ(title_from_path("/m/la_photosynthese-partie-2.mp4"), "la photosynthese partie 2");
  TempDir tmp;
  for (const char* name : {"cours.mp4", "cours.vtt", "cours.fr.srt", "cours.en-GB.vtt",
                           "cours.partie2.srt", "cours2.vtt"}) {
    write(tmp / name, "x");
  }
  const auto sidecars = find_sidecars(tmp / "cours.mp4");
  ASSERT_EQ(sidecars.size(), 3u);
  EXPECT_EQ(sidecars[0].path.filename(), "cours.en-GB.vtt");
  EXPECT_EQ(sidecars[0].language, "en-gb");
  EXPECT_EQ(sidecars[1].language, "fr");
  EXPECT_EQ(sidecars[2].language, "");
  EXPECT_TRUE(is_sidecar_of_some_media(tmp / "cours.fr.srt"));
  EXPECT_FALSE(is_sidecar_of_some_media(tmp / "cours2.vtt"));
  write(tmp / "abc.txt", "abc");
  EXPECT_EQ(*sha256_file(tmp / "abc.txt"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(sha256_file(tmp / "none").status().code(), StatusCode::kNotFound);
}

}  // namespace
}  // namespace repere::ingest

namespace repere::ingest {
namespace {

// The bytes of a PNG whose header says `width` × `height` (its pixel data is not there: a
// reader that checks the header first never needs it).
std::string png_header(std::uint32_t width, std::uint32_t height) {
  auto be32 = [](std::uint32_t v) {
    return std::string{static_cast<char>(v >> 24), static_cast<char>(v >> 16),
                       static_cast<char>(v >> 8), static_cast<char>(v)};
  };
  const std::string ihdr = "IHDR" + be32(width) + be32(height) + std::string("\x08\x02\0\0\0", 5);
  const auto crc = static_cast<std::uint32_t>(
      crc32(0, reinterpret_cast<const Bytef*>(ihdr.data()), static_cast<uInt>(ihdr.size())));
  const std::string iend = "IEND";
  const auto iend_crc = static_cast<std::uint32_t>(
      crc32(0, reinterpret_cast<const Bytef*>(iend.data()), static_cast<uInt>(iend.size())));
  return std::string("\x89PNG\r\n\x1a\n", 8) + be32(13) + ihdr + be32(crc) + be32(0) + iend +
         be32(iend_crc);
}

std::map<std::string, std::string> failures(catalog::Database& db) {
  std::map<std::string, std::string> out;
  const auto summary = catalog::summarize(db);
  if (!summary.is_ok()) return out;
  for (const auto& f : summary->failures) out[fs::path(f.path).filename()] = f.error;
  return out;
}

// Hardening row 12: a 20,000 × 20,000 PNG of 1.1 MB was decoded in full (3.9 GB, 14.8 s).
TEST_F(Pipeline, AHugeImageIsRefusedFromItsHeaderBeforeDecoding) {
  write(media_ / "affiches/immense.png", png_header(20000, 20000));
  const auto report = run({.paths = {media_ / "affiches"}});
  ASSERT_TRUE(report.is_ok()) << report.status().to_string();
  auto d = db();
  const auto errors = failures(*d);
  ASSERT_EQ(errors.count("immense.png"), 1u);
  EXPECT_NE(errors.at("immense.png").find("20000 × 20000 pixels"), std::string::npos)
      << errors.at("immense.png");
  EXPECT_NE(errors.at("immense.png").find("80 megapixels"), std::string::npos);
}

// Hardening row 13: a .vtt of 1,000,000 cues beside a 6 s video took 3.3 GB and made 999,943
// passages. Cues are capped at two a second of media (200 at least); the video keeps its other
// text, and the batch goes on.
TEST_F(Pipeline, FarMoreCuesThanTheMediaCanHoldAreRefused) {
  fs::create_directories(media_ / "flood");
  fs::copy_file(kFixtures / "lecture.mp4", media_ / "flood/cours.mp4");  // 12 s
  std::string vtt = "WEBVTT\n\n";
  for (int i = 0; i < 5000; ++i) {
    vtt += "00:00:0" + std::to_string(i % 10) + ".000 --> 00:00:0" + std::to_string(i % 10) +
           ".500\nmot " + std::to_string(i) + "\n\n";
  }
  write(media_ / "flood/cours.vtt", vtt);
  // Subtitles that run past the media's end are kept, with a warning.
  fs::copy_file(kFixtures / "no-subtitles.mp4", media_ / "flood/tard.mp4");  // another file
  write(media_ / "flood/tard.vtt",
        "WEBVTT\n\n00:00:01.000 --> 00:00:03.000\nLa cellule.\n\n"
        "00:05:00.000 --> 00:05:02.000\nBien après la fin.\n");
  const auto report = run({.paths = {media_ / "flood"}});
  ASSERT_TRUE(report.is_ok()) << report.status().to_string();
  auto d = db();
  const auto errors = failures(*d);
  ASSERT_EQ(errors.count("cours.vtt"), 1u);
  EXPECT_NE(errors.at("cours.vtt").find("5000 cues for 00:12 of media, over the 200 allowed"),
            std::string::npos)
      << errors.at("cours.vtt");
  catalog::PassageRepository passages(*d);
  const auto flooded =
      **catalog::ContentRepository(*d).find_by_media_path((media_ / "flood/cours.mp4").string());
  EXPECT_LT(passages.list_for_content(flooded.id)->size(), 50u);
  const auto late =
      **catalog::ContentRepository(*d).find_by_media_path((media_ / "flood/tard.mp4").string());
  EXPECT_FALSE(passages.list_for_content(late.id)->empty()) << [&] {
    std::string all;
    for (const auto& [f, e] : errors) all += f + ": " + e + "\n";
    for (const auto& n : sink_.notes) all += "note: " + n + "\n";
    return all;
  }();
  EXPECT_TRUE(sink_.noted("1 cues start after the end of the media"));
  // ... and `repere status` lists it under the content it concerns.
  const auto summary = *catalog::summarize(*d);
  const bool listed = std::any_of(summary.warnings.begin(), summary.warnings.end(), [&](auto& w) {
    return w.content_id == late.id && w.message.find("after the end") != std::string::npos;
  });
  EXPECT_TRUE(listed);
}

// Round 1: titles came from file names (« svt photosynthese ») though the files had better.
TEST_F(Pipeline, TitlesComeFromTheContentTheFileNameLast) {
  const fs::path in = media_ / "titres";
  fs::create_directories(in);
  fs::copy_file(kFixtures / "heading.pdf", in / "cours3.pdf");
  const fs::path listed = media_ / "titres-catalogue";
  fs::create_directories(listed);
  write(listed / "svt_photosynthese.md", "# Photosynthèse\n\nLa plante fabrique sa matière.\n");
  fs::copy_file(kFixtures / "titled.pdf", in / "digestion.pdf");
  fs::copy_file(kFixtures / "titled.mkv", in / "eau_v2.mkv");
  fs::copy_file(kFixtures / "lecture.srt", in / "eau_v2.fr.srt");
  fs::copy_file(kFixtures / "document.pdf", in / "respiration_cellulaire.pdf");
  write(in / "note.md", "# La cellule animale\n\nElle a un noyau.\n");
  write(in / "page.html",
        "<html><head><title>Les volcans</title></head><body><p>Un volcan.</p>"
        "</body></html>");
  write(listed / "catalogue.csv",
        "path,title\nsvt_photosynthese.md,La photosynthèse (titre du catalogue)\n");
  const auto report = run({.paths = {in, listed / "catalogue.csv"}});
  ASSERT_TRUE(report.is_ok()) << report.status().to_string();
  auto d = db();
  std::map<std::string, std::string> title;
  const auto contents = *catalog::ContentRepository(*d).list();
  for (const auto& c : contents) {
    title[fs::path(c.media_path).filename().string()] = c.title;
  }
  EXPECT_EQ(title["cours3.pdf"], "Les volcans d'Auvergne");        // first heading
  EXPECT_EQ(title["digestion.pdf"], "La digestion des aliments");  // its metadata
  EXPECT_EQ(title["svt_photosynthese.md"], "La photosynthèse (titre du catalogue)");  // manifest
  EXPECT_EQ(title["eau_v2.mkv"], "Le cycle de l'eau");  // the title tag
  EXPECT_EQ(title["note.md"], "La cellule animale");
  EXPECT_EQ(title["page.html"], "Les volcans");
  EXPECT_EQ(title["respiration_cellulaire.pdf"], "respiration cellulaire");  // nothing better
}

// Round 1: OCR garbage from a photo (« ES JE NV SRE LA ww Ze BEAN ») was indexed as passages.
TEST_F(Pipeline, APhotosOcrNoiseMakesNoPassage) {
  fs::create_directories(media_ / "images");
  fs::copy_file(kFixtures / "photo.png", media_ / "images/photo.png");
  fs::copy_file(kFixtures / "scan.png", media_ / "images/scan.png");
  IngestOptions options{.paths = {media_ / "images"}};
  options.extract.dictionaries = index::Dictionaries::open("/usr/share/hunspell");
  const auto report = run(options);
  ASSERT_TRUE(report.is_ok()) << report.status().to_string();
  auto d = db();
  catalog::ContentRepository contents(*d);
  const auto photo = **contents.find_by_media_path((media_ / "images/photo.png").string());
  const auto scan = **contents.find_by_media_path((media_ / "images/scan.png").string());
  catalog::PassageRepository passages(*d);
  EXPECT_TRUE(passages.list_for_content(photo.id)->empty());
  EXPECT_FALSE(passages.list_for_content(scan.id)->empty());
  // The words stay cues (the review queue shows them), and status says what was kept out.
  const auto tracks = *catalog::TrackRepository(*d).list_for_content(photo.id);
  ASSERT_EQ(tracks.size(), 1u);
  EXPECT_FALSE(catalog::CueRepository(*d).list_for_track(tracks[0].id)->empty());
  const auto summary = *catalog::summarize(*d);
  std::string all;
  for (const auto& w : summary.warnings) all += w.message + "\n";
  EXPECT_NE(all.find("photo.png: "), std::string::npos) << all;
  EXPECT_NE(all.find("look like noise"), std::string::npos) << all;
  EXPECT_EQ(all.find("scan.png"), std::string::npos) << all;
}

// Round 1: a Turkish ISO-8859-9 .srt became mojibake with no warning. Now it decodes right,
// and a file whose encoding cannot be told for sure is kept with a warning that status lists.
TEST_F(Pipeline, LegacyEncodingsDecodeRightOrWarn) {
  fs::create_directories(media_ / "enc");
  fs::copy_file(kFixtures / "lecture.mp4", media_ / "enc/ders.mp4");
  write(media_ / "enc/ders.tr.srt", testing::kTurkishIso88599Srt);
  // ISO-8859-2, which the detector takes for Windows-1252.
  write(media_ / "enc/polski.txt", std::string(testing::kPolishIso88592) + "\n");
  const auto report = run({.paths = {media_ / "enc"}});
  ASSERT_TRUE(report.is_ok()) << report.status().to_string();
  auto d = db();
  const auto video =
      **catalog::ContentRepository(*d).find_by_media_path((media_ / "enc/ders.mp4").string());
  const auto passages = *catalog::PassageRepository(*d).list_for_content(video.id);
  ASSERT_FALSE(passages.empty());
  EXPECT_NE(passages[0].text.find("değil mi? Işık"), std::string::npos) << passages[0].text;
  const auto summary = *catalog::summarize(*d);
  std::string all;
  for (const auto& w : summary.warnings) all += w.message + "\n";
  EXPECT_EQ(all.find("ders.tr.srt"), std::string::npos) << all;
  EXPECT_NE(all.find("polski.txt: uncertain encoding"), std::string::npos) << all;
}

// Hardening row 14: a UTF-16 .srt without a byte-order mark was ignored, and status said « no
// subtitles ».
TEST_F(Pipeline, AUtf16SubtitleWithoutByteOrderMarkIsRead) {
  fs::create_directories(media_ / "utf16");
  fs::copy_file(kFixtures / "lecture.mp4", media_ / "utf16/cours.mp4");
  const std::string srt =
      "1\r\n00:00:00,500 --> 00:00:03,000\r\nLa photosynth\xC3\xA8se des plantes.\r\n";
  std::string utf16;  // little-endian, no BOM (this text is Latin-1 only)
  for (std::size_t i = 0; i < srt.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(srt[i]);
    if (c == 0xC3) c = static_cast<unsigned char>(0xC0 | (srt[++i] & 0x3F));
    utf16 += static_cast<char>(c);
    utf16 += '\0';
  }
  write(media_ / "utf16/cours.fr.srt", utf16);
  const auto report = run({.paths = {media_ / "utf16"}});
  ASSERT_TRUE(report.is_ok()) << report.status().to_string();
  auto d = db();
  const auto video =
      **catalog::ContentRepository(*d).find_by_media_path((media_ / "utf16/cours.mp4").string());
  const auto found = *catalog::PassageRepository(*d).list_for_content(video.id);
  ASSERT_FALSE(found.empty());
  EXPECT_NE(found[0].text.find("La photosynthèse des plantes."), std::string::npos)
      << found[0].text;
  EXPECT_EQ(failures(*d).count("cours.fr.srt"), 0u);
}

}  // namespace
}  // namespace repere::ingest
