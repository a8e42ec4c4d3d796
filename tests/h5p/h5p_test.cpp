// H5P export: the package's content validates against H5P.InteractiveVideo 1.22's semantics and
// its sub-contents against their libraries' (from the hub package of the shared fixtures); a
// real export of a generated video is a valid zip with the clip cut to its length.
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "../catalog/test_catalog.h"
#include "repere/catalog/contents.h"
#include "repere/catalog/texts.h"
#include "repere/h5p/h5p.h"
#include "repere/h5p/zip.h"
#include "repere/learn/schema.h"
#include "repere/learn/store.h"
#include "support/temp_dir.h"

namespace repere::h5p {
namespace {

using json = nlohmann::json;
namespace fs = std::filesystem;

const fs::path kFixture =
    fs::path(REPERE_SOURCE_DIR) / ".." / "shared" / "fixtures" / "h5p-interactive-video";

json read_json(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream s;
  s << in.rdbuf();
  return json::parse(s.str());
}

int shell(const std::string& command) { return std::system(command.c_str()); }

learn::Activity sample() {
  learn::Activity a;
  a.id = 4;
  a.content_id = 1;
  a.title = "La photosynthèse <en bref>";
  a.start_ms = 2000;
  a.end_ms = 10000;
  a.settings.skipping = learn::Skipping::kForwardBlocked;
  a.settings.must_answer = true;
  using T = learn::InteractionType;
  auto x = [](learn::Id id, std::int64_t at, T type) {
    learn::Interaction i;
    i.id = id;
    i.at_ms = at;
    i.type = type;
    return i;
  };
  auto chapter = x(1, 2500, T::kChapter);
  chapter.title = "Début";
  auto def = x(2, 3000, T::kDefinition);
  def.term = "chlorophylle";
  def.definition = "Pigment vert & précieux.";
  auto choice = x(3, 4000, T::kChoice);
  choice.question = "Que capte-t-elle ?";
  choice.choices = {
      {"La lumière", true, "Oui."}, {"Le sel", false, "Non."}, {"Les photons", true, ""}};
  choice.wrong_goto_ms = 3000;
  auto tf = x(4, 5000, T::kTrueFalse);
  tf.question = "Les plantes respirent.";
  tf.answer_true = true;
  auto blanks = x(5, 6000, T::kBlanks);
  blanks.text = "La *chlorophylle* capte la *lumière/lumiere*.";
  auto open = x(6, 7000, T::kOpen);
  open.question = "Pourquoi ?";
  a.interactions = {chapter, def, choice, tf, blanks, open};
  return a;
}

class H5pSemantics : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    hub_ = new testing::TempDir();
    ASSERT_EQ(
        shell("python3 -m zipfile -e '" + (kFixture / "hub-interactive-video-1.22.h5p").string() +
              "' '" + hub_->path().string() + "'"),
        0);
  }
  static void TearDownTestSuite() { delete hub_; }
  // The semantics of every library a package made here uses, from the hub package.
  static std::map<std::string, json> libraries() {
    std::map<std::string, json> out;
    for (const std::string& lib : libraries_used()) {
      const auto space = lib.find(' ');
      out[lib] = read_json(hub_->path() / (lib.substr(0, space) + "-" + lib.substr(space + 1)) /
                           "semantics.json");
    }
    return out;
  }
  static testing::TempDir* hub_;
};
testing::TempDir* H5pSemantics::hub_ = nullptr;

TEST_F(H5pSemantics, OurPackageAndTheHubsOwnContentValidate) {
  const json semantics = read_json(kFixture / "InteractiveVideo-semantics.json");
  const Package p = package_of(sample(), true, "fr");
  const Status ok = check_semantics(semantics, p.content, libraries());
  EXPECT_TRUE(ok.is_ok()) << ok.message();
  // The checker is not stricter than H5P: the hub's own example content passes.
  const Status hub = check_semantics(semantics, read_json(kFixture / "content.json"));
  EXPECT_TRUE(hub.is_ok()) << hub.message();

  const json& iv = p.content["interactiveVideo"];
  ASSERT_EQ(iv["assets"]["interactions"].size(), 5u);  // the chapter is a bookmark
  EXPECT_EQ(iv["assets"]["bookmarks"][0]["time"], 0.5);
  const json& choice = iv["assets"]["interactions"][1];
  EXPECT_EQ(choice["duration"]["from"], 2.0);  // 4 s into a clip that starts at 2 s
  EXPECT_EQ(choice["adaptivity"]["wrong"]["seekTo"], 1.0);
  EXPECT_EQ(choice["adaptivity"]["requireCompletion"], true);
  EXPECT_EQ(choice["action"]["params"]["behaviour"]["type"], "multi");
  EXPECT_EQ(iv["assets"]["interactions"][0]["action"]["params"]["text"],
            "<p><strong>chlorophylle</strong> : Pigment vert &amp; précieux.</p>\n");
  EXPECT_EQ(iv["assets"]["interactions"][3]["action"]["params"]["questions"][0],
            "<p>La *chlorophylle* capte la *lumière/lumiere*.</p>\n");
  EXPECT_EQ(iv["video"]["startScreenOptions"]["title"], "La photosynthèse <en bref>");
  EXPECT_EQ(iv["video"]["textTracks"]["videoTrack"][0]["srcLang"], "fr");
  EXPECT_EQ(p.content["override"]["preventSkipping"], true);
  EXPECT_EQ(p.h5p["mainLibrary"], "H5P.InteractiveVideo");
  EXPECT_EQ(p.h5p["preloadedDependencies"][0]["minorVersion"], 22);
}

// Round 1: « U » as every licence, the open question scored out of 1, retries always on.
TEST_F(H5pSemantics, LicenceAuthorsAttemptsAndTheOpenQuestionReachThePackage) {
  learn::Activity a = sample();
  a.settings.attempts = 1;
  const Package p = package_of(a, true, "fr", {"CC-BY-SA-4.0", {"Muséum de Lyon", "A. Martin"}});
  const json semantics = read_json(kFixture / "InteractiveVideo-semantics.json");
  const Status ok = check_semantics(semantics, p.content, libraries());
  EXPECT_TRUE(ok.is_ok()) << ok.message();
  EXPECT_EQ(p.h5p["license"], "CC BY-SA");
  EXPECT_EQ(p.h5p["licenseVersion"], "4.0");
  ASSERT_EQ(p.h5p["authors"].size(), 2u);
  EXPECT_EQ(p.h5p["authors"][0]["name"], "Muséum de Lyon");
  EXPECT_EQ(p.h5p["authors"][0]["role"], "Author");
  const json& interactions = p.content["interactiveVideo"]["assets"]["interactions"];
  bool open_seen = false;
  for (const json& x : interactions) {
    const std::string library = x["action"]["library"];
    const json& params = x["action"]["params"];
    if (library.rfind("H5P.FreeTextQuestion", 0) == 0) {
      open_seen = true;
      EXPECT_EQ(params["maxScore"], 0);
    }
    if (params.contains("behaviour")) {
      EXPECT_EQ(params["behaviour"]["enableRetry"], false) << library;
    }
    EXPECT_EQ(x["action"]["metadata"]["license"], "CC BY-SA");
  }
  EXPECT_TRUE(open_seen);
  a.settings.attempts = 3;
  const Package retried = package_of(a, true, "fr");
  EXPECT_EQ(retried.content["interactiveVideo"]["assets"]["interactions"][1]["action"]["params"]
                           ["behaviour"]["enableRetry"],
            true);

  EXPECT_EQ(h5p_licence("CC0-1.0"), (std::pair<std::string, std::string>{"CC0 1.0", ""}));
  EXPECT_EQ(h5p_licence("cc-by-nc-nd-3.0"),
            (std::pair<std::string, std::string>{"CC BY-NC-ND", "3.0"}));
  EXPECT_EQ(h5p_licence("CC-BY-4.0"), (std::pair<std::string, std::string>{"CC BY", "4.0"}));
  EXPECT_EQ(h5p_licence("etalab-2.0").first, "U");
  EXPECT_EQ(package_of(a, true, "fr", {"etalab-2.0", {}}).h5p["licenseExtras"], "etalab-2.0");
  EXPECT_EQ(h5p_licence("").first, "U");
  EXPECT_EQ(h5p_licence("CC-BY-XX-4.0").first, "U");
}

TEST_F(H5pSemantics, RefusesWhatH5pWouldNot) {
  const json semantics = read_json(kFixture / "InteractiveVideo-semantics.json");
  const json good = package_of(sample(), true, "fr").content;
  auto refused = [&](const std::function<void(json&)>& change, const std::string& where) {
    json bad = good;
    change(bad);
    const Status s = check_semantics(semantics, bad, libraries());
    EXPECT_EQ(s.code(), StatusCode::kInvalidArgument) << where;
    EXPECT_NE(s.message().find(where), std::string::npos) << s.message();
  };
  refused(
      [](json& j) {
        j["interactiveVideo"]["assets"]["interactions"][1]["action"]["library"] =
            "H5P.MultiChoice 9.9";
      },
      "interactiveVideo.assets.interactions[1].action.library");
  refused(
      [](json& j) { j["interactiveVideo"]["assets"]["interactions"][0]["displayType"] = "popup"; },
      "interactiveVideo.assets.interactions[0].displayType");
  refused(
      [](json& j) { j["interactiveVideo"]["assets"]["interactions"][0]["duration"]["from"] = "3"; },
      "interactiveVideo.assets.interactions[0].duration.from");
  refused([](json& j) { j["interactiveVideo"]["video"]["colour"] = "red"; },
          "interactiveVideo.video.colour");
  refused(
      [](json& j) {
        j["interactiveVideo"]["assets"]["interactions"][2]["action"]["params"]["correct"] = "yes";
      },
      "interactiveVideo.assets.interactions[2].action.params.correct");
  refused(
      [](json& j) {
        j["interactiveVideo"]["assets"]["interactions"][1]["action"]["params"]["answers"][0]
         ["correct"] = 1;
      },
      "answers[0].correct");
}

TEST(H5pZip, PythonReadsWhatWeWrite) {
  testing::TempDir dir;
  {
    auto zip = ZipWriter::create(dir / "a.zip");
    ASSERT_TRUE(zip.is_ok());
    ASSERT_TRUE(zip->add("h5p.json", R"({"title":"é"})").is_ok());
    std::ofstream(dir / "big.bin", std::ios::binary) << std::string(200000, 'x') << "fin";
    ASSERT_TRUE(zip->add_file("content/videos/big.bin", dir / "big.bin").is_ok());
    ASSERT_TRUE(zip->add("content/empty.txt", "").is_ok());
    EXPECT_EQ(zip->add_file("missing", dir / "nope").code(), StatusCode::kIoError);
    ASSERT_TRUE(zip->finish().is_ok());
  }
  ASSERT_EQ(
      shell("python3 -c \"import zipfile,sys; z=zipfile.ZipFile('" + (dir / "a.zip").string() +
            "'); assert z.testzip() is None; assert "
            "z.namelist()==['h5p.json','content/videos/big.bin',"
            "'content/empty.txt'], z.namelist(); assert "
            "z.read('content/videos/big.bin').endswith(b'fin')\""),
      0);
}

// A real export: the 12-second lecture fixture, clip 2–10 s, with its French subtitles.
TEST(H5pExport, CutsTheClipAndPacksItsCaptions) {
  const fs::path video = fs::path(REPERE_FIXTURES_DIR) / "lecture.mp4";
  ASSERT_TRUE(fs::exists(video)) << video;
  testing::TempDir dir;
  catalog::OpenOptions with_learn;
  with_learn.modules = {&learn::schema()};
  auto db = catalog::open_or_die(dir / "catalog.sqlite", with_learn);
  catalog::Content c = catalog::sample_content();
  c.kind = catalog::ContentKind::kVideo;
  c.media_path = video.string();
  c.duration_ms = 12000;
  const auto id = catalog::ContentRepository(*db).insert(c);
  ASSERT_TRUE(id.is_ok());
  catalog::Track t;
  t.content_id = *id;
  t.kind = catalog::TrackKind::kSubtitles;
  t.language = "fr";
  const auto track = catalog::TrackRepository(*db).insert(t);
  ASSERT_TRUE(track.is_ok());
  std::vector<catalog::Cue> cues(2);
  cues[0].track_id = cues[1].track_id = *track;
  cues[0].start_ms = 1000, cues[0].end_ms = 4000, cues[0].text = "Bonjour <à> tous";
  cues[1].seq = 1, cues[1].start_ms = 11000, cues[1].end_ms = 12000,
  cues[1].text = "hors de l'extrait";
  ASSERT_TRUE(catalog::CueRepository(*db).replace_for_track(*track, cues).is_ok());
  learn::Activity a = sample();
  a.content_id = *id;
  learn::ActivityStore store(*db);
  const auto made = store.create(a);
  ASSERT_TRUE(made.is_ok()) << made.status().message();

  const fs::path out = dir / "activite.h5p";
  const Status s = export_activity(*db, DataDir{dir.path()}, made->id, out);
  ASSERT_TRUE(s.is_ok()) << s.message();
  ASSERT_EQ(shell("cd '" + dir.path().string() + "' && python3 -m zipfile -e activite.h5p x"), 0);
  EXPECT_EQ(read_json(dir / "x" / "h5p.json")["title"], a.title);
  std::ifstream vtt(dir / "x" / "content" / "videos" / "sous-titres.vtt");
  std::stringstream text;
  text << vtt.rdbuf();
  EXPECT_EQ(text.str(), "WEBVTT\n\n00:00:00.000 --> 00:00:02.000\nBonjour &lt;à&gt; tous\n");
  // The clip lasts 8 s (ffprobe says so), and nothing is left beside the package.
  ASSERT_EQ(shell("ffprobe -v error -show_entries format=duration -of csv=p=0 '" +
                  (dir / "x" / "content" / "videos" / "extrait.mp4").string() + "' > '" +
                  (dir / "d.txt").string() + "'"),
            0);
  std::ifstream d(dir / "d.txt");
  double seconds = 0;
  d >> seconds;
  EXPECT_NEAR(seconds, 8.0, 0.1);
  EXPECT_FALSE(fs::exists(out.string() + ".partiel"));
  EXPECT_FALSE(fs::exists(out.string() + ".extrait.mp4"));

  EXPECT_EQ(export_activity(*db, DataDir{dir.path()}, 999, dir / "n.h5p").code(),
            StatusCode::kNotFound);
  const Status no_ffmpeg = export_activity(*db, DataDir{dir.path()}, made->id, dir / "f.h5p",
                                           {.ffmpeg = "/nonexistent/ffmpeg"});
  EXPECT_EQ(no_ffmpeg.code(), StatusCode::kUnavailable) << no_ffmpeg.message();
  EXPECT_FALSE(fs::exists(dir / "f.h5p"));
}

}  // namespace
}  // namespace repere::h5p
