// Reading aids, for real: a lecture's transcript and a PDF page read aloud by espeak-ng's French
// voice and encoded by ffmpeg (the audio measured with ffprobe and ffmpeg's volumedetect); the
// reading view chosen by a pupil and kept in a cookie, or given by the teacher as a class's
// default; drafts read aloud to curators only (as in the access matrix).
#include <gtest/gtest.h>
#include <httplib.h>

#include <atomic>
#include <cstdio>
#include <fstream>
#include <regex>

#include "course_pages.h"
#include "learn_pages.h"
#include "reading_pages.h"
#include "repere/auth/schema.h"
#include "repere/catalog/contents.h"
#include "repere/catalog/database.h"
#include "repere/catalog/texts.h"
#include "repere/courses/classes.h"
#include "repere/courses/schema.h"
#include "repere/courses/store.h"
#include "repere/ingest/pipeline.h"
#include "repere/learn/schema.h"
#include "repere/learn/store.h"
#include "repere/preview/speech.h"
#include "repere/web/server.h"
#include "support/quiet_sink.h"
#include "support/running_server.h"
#include "support/temp_dir.h"

namespace repere::web {
namespace {

namespace fs = std::filesystem;

// What a program prints on its standard output and error.
std::string output_of(const std::string& command) {
  std::string out;
  FILE* p = ::popen((command + " 2>&1").c_str(), "r");
  if (p == nullptr) return out;
  char buf[4096];
  while (const std::size_t n = std::fread(buf, 1, sizeof buf, p)) out.append(buf, n);
  ::pclose(p);
  return out;
}

double seconds_of(const fs::path& audio) {
  return std::atof(output_of("ffprobe -v error -show_entries format=duration -of csv=p=0 '" +
                             audio.string() + "'")
                       .c_str());
}

double mean_volume_db(const fs::path& audio) {
  const std::string log =
      output_of("ffmpeg -nostdin -i '" + audio.string() + "' -af volumedetect -f null -");
  std::smatch m;
  static const std::regex kMean(R"(mean_volume: (-?[0-9.]+) dB)");
  return std::regex_search(log, m, kMean) ? std::atof(m[1].str().c_str()) : -200;
}

std::size_t words_in(const std::string& text) {
  std::size_t n = 0;
  bool in = false;
  for (const char c : text) {
    const bool space = c == ' ' || c == '\n';
    if (!space && !in) ++n;
    in = !space;
  }
  return n;
}

const std::vector<std::string> kLecture = {
    "Bonjour à tous, aujourd'hui nous parlons de la photosynthèse.",
    "Les plantes vertes captent la lumière du soleil grâce à la chlorophylle.",
    "Avec l'eau et le dioxyde de carbone, elles fabriquent leur propre matière.",
    "Elles rejettent du dioxygène : c'est lui que nous respirons.",
};

class Reading : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    tmp_ = new testing::TempDir;
    dir_ = new DataDir{tmp_->path() / "lib"};
    fs::create_directories(dir_->root);
    catalog::OpenOptions open;
    open.modules = {&learn::schema(), &auth::schema(), &courses::schema()};
    auto db = catalog::Database::open(dir_->catalog(), open);
    ASSERT_TRUE(db.is_ok()) << db.status().to_string();
    lecture_ = add_video(**db, "La photosynthèse", catalog::EditorialStatus::kPublished, kLecture);
    std::vector<std::string> long_lecture;
    for (int i = 0; i < 60; ++i) {
      long_lecture.push_back("Phrase " + std::to_string(i + 1) +
                             " : les volcans rejettent des gaz, de la lave et des cendres.");
    }
    long_ = add_video(**db, "Les volcans", catalog::EditorialStatus::kPublished, long_lecture);
    draft_ = add_video(**db, "Brouillon", catalog::EditorialStatus::kDraft,
                       {"La zéolithe est un minéral poreux."});
    learn::ActivityStore store(**db);
    learn::Activity a;
    a.content_id = lecture_;
    a.title = "Photosynthèse";
    a.start_ms = 0;
    a.end_ms = 20000;
    learn::Interaction d;
    d.type = learn::InteractionType::kDefinition;
    d.at_ms = 2000;
    d.term = "Chlorophylle";
    d.definition = "Pigment vert des plantes, qui capte la lumière du soleil.";
    learn::Interaction b;
    b.type = learn::InteractionType::kBlanks;
    b.at_ms = 8000;
    b.text = "Les plantes rejettent du *dioxygène*.";
    a.interactions = {d, b};
    const auto made = store.create(a);
    ASSERT_TRUE(made.is_ok());
    activity_ = made->id;
    key_ = made->edit_key;
    definition_ = store.get(activity_)->interactions.at(0).id;
    const auto share = store.add_class(activity_, key_, "5e B");
    ASSERT_TRUE(share.is_ok());
    class_ = share->id;
    code_ = share->code;
    courses::CourseStore course_store(**db);
    const auto course = course_store.create("La photosynthèse en 5e", std::nullopt);
    ASSERT_TRUE(course.is_ok()) << course.status().to_string();
    course_ = *course;
    const auto k = courses::ClassStore(**db).add_class(course_, "5e C");
    ASSERT_TRUE(k.is_ok()) << k.status().to_string();
    course_class_ = k->id;
    course_code_ = k->code;
    // A PDF ingested for real: its pages' text from poppler.
    testing::QuietSink quiet;
    std::atomic<bool> stop{false};
    const auto pdf = ingest::ingest(*dir_,
                                    {.paths = {fs::path(REPERE_FIXTURES_DIR) / "document.pdf"},
                                     .workers = 1,
                                     .state = catalog::EditorialStatus::kPublished},
                                    quiet, stop);
    ASSERT_TRUE(pdf.is_ok() && pdf->failed == 0);
    const auto contents = catalog::ContentRepository(**db).list({});
    ASSERT_TRUE(contents.is_ok());
    for (const auto& c : *contents) {
      if (c.kind == catalog::ContentKind::kDocument) document_ = c.id;
    }
  }
  static void TearDownTestSuite() {
    delete dir_;
    delete tmp_;
  }

  static std::int64_t add_video(catalog::Database& db, const std::string& title,
                                catalog::EditorialStatus status,
                                const std::vector<std::string>& lines) {
    catalog::Content c;
    c.kind = catalog::ContentKind::kVideo;
    c.title = title;
    c.language = "fr";
    c.status = status;
    c.media_path = (fs::path(REPERE_FIXTURES_DIR) / "lecture.mp4").string();
    c.duration_ms = 600000;
    const auto id = *catalog::ContentRepository(db).insert(c);
    catalog::Track t;
    t.content_id = id;
    t.kind = catalog::TrackKind::kSubtitles;
    t.language = "fr";
    const auto track = *catalog::TrackRepository(db).insert(t);
    std::vector<catalog::Cue> cues;
    for (std::size_t i = 0; i < lines.size(); ++i) {
      cues.push_back({.start_ms = static_cast<std::int64_t>(i) * 5000,
                      .end_ms = static_cast<std::int64_t>(i) * 5000 + 4900,
                      .text = lines[i]});
    }
    EXPECT_TRUE(catalog::CueRepository(db).replace_for_track(track, cues).is_ok());
    return id;
  }

  static fs::path save(const std::string& bytes, const std::string& name) {
    const fs::path p = tmp_->path() / name;
    std::ofstream(p, std::ios::binary) << bytes;
    return p;
  }

  static testing::TempDir* tmp_;
  static DataDir* dir_;
  static std::int64_t lecture_, long_, draft_, document_, activity_, class_, course_, course_class_,
      definition_;
  static std::string key_, code_, course_code_;
};

testing::TempDir* Reading::tmp_ = nullptr;
DataDir* Reading::dir_ = nullptr;
std::int64_t Reading::lecture_ = 0, Reading::long_ = 0, Reading::draft_ = 0, Reading::document_ = 0,
             Reading::activity_ = 0, Reading::class_ = 0, Reading::course_ = 0,
             Reading::course_class_ = 0, Reading::definition_ = 0;
std::string Reading::key_, Reading::code_, Reading::course_code_;

TEST_F(Reading, ATranscriptIsReadAloudInFrenchAtItsLengthAndCached) {
  const testing::RunningServer server(dir_->root);
  auto client = server.client();
  const std::string page = client.Get("/contenus/" + std::to_string(lecture_))->body;
  const std::string src = "/contenus/" + std::to_string(lecture_) + "/voix/1.ogg";
  EXPECT_NE(page.find("src=\"" + src + "\""), std::string::npos);
  EXPECT_NE(page.find("(voix de synthèse)"), std::string::npos);  // machine-made: labelled
  const auto got = client.Get(src);
  ASSERT_TRUE(got);
  ASSERT_EQ(got->status, 200) << got->body.substr(0, 300);
  EXPECT_EQ(got->get_header_value("Content-Type"), "audio/ogg");
  EXPECT_EQ(got->get_header_value("Content-Language"), "fr");
  const fs::path audio = save(got->body, "lecture.ogg");
  EXPECT_NE(output_of("ffprobe -v error -show_entries stream=codec_name -of csv=p=0 '" +
                      audio.string() + "'")
                .find("opus"),
            std::string::npos);
  // The length of these words said at 150 a minute, give or take what a voice's pauses and
  // pace make of it; not silence.
  std::size_t words = 0;
  for (const std::string& l : kLecture) words += words_in(l);
  const double expected = static_cast<double>(words) * 60.0 / preview::kWordsPerMinute;
  const double seconds = seconds_of(audio);
  EXPECT_GT(seconds, expected * 0.6) << words << " words";
  EXPECT_LT(seconds, expected * 1.6) << words << " words";
  const double volume = mean_volume_db(audio);
  EXPECT_GT(volume, -40.0);
  std::printf(
      "read aloud: %zu words in %.1f s (%.1f s at %d words a minute), %zu bytes, mean "
      "volume %.1f dB\n",
      words, seconds, expected, preview::kWordsPerMinute, got->body.size(), volume);
  // Spoken once: the same file from the cache folder.
  std::size_t cached = 0;
  for (const auto& f : fs::directory_iterator(dir_->root / "cache" / "voix")) {
    if (f.path().extension() == ".ogg") ++cached;
    EXPECT_NE(f.path().filename().string().rfind(".tmp", 0), 0u) << "scratch file left behind";
  }
  EXPECT_GE(cached, 1u);
  const auto again = client.Get(src);
  ASSERT_TRUE(again);
  EXPECT_EQ(again->body, got->body);
  // The player asks for ranges.
  httplib::Headers range = {{"Range", "bytes=100-199"}};
  const auto part = client.Get(src, range);
  ASSERT_TRUE(part);
  EXPECT_EQ(part->status, 206);
  EXPECT_EQ(part->body.size(), 100u);
}

TEST_F(Reading, ALongTranscriptIsReadInPartsOfAFewMinutes) {
  const testing::RunningServer server(dir_->root);
  auto client = server.client();
  const std::string base = "/contenus/" + std::to_string(long_);
  const std::string page = client.Get(base)->body;
  EXPECT_NE(page.find(base + "/voix/1.ogg"), std::string::npos);
  EXPECT_NE(page.find(base + "/voix/2.ogg"), std::string::npos);
  EXPECT_NE(page.find("Partie 2 (à partir de "), std::string::npos);
  const auto second = client.Get(base + "/voix/2.ogg");
  ASSERT_TRUE(second);
  EXPECT_EQ(second->status, 200);
  EXPECT_EQ(client.Get(base + "/voix/9.ogg")->status, 404);
  EXPECT_EQ(client.Get(base + "/voix/0.ogg")->status, 404);
}

TEST_F(Reading, APdfPageIsReadAloud) {
  ASSERT_GT(document_, 0);
  const testing::RunningServer server(dir_->root);
  auto client = server.client();
  const std::string base = "/contenus/" + std::to_string(document_);
  const std::string page = client.Get(base)->body;
  EXPECT_NE(page.find(base + "/pages/1/voix/1.ogg"), std::string::npos);
  EXPECT_NE(page.find("Écouter la page 1 lue à voix haute"), std::string::npos);
  EXPECT_NE(page.find("<span class=\"idee\">"), std::string::npos);  // one idea per line
  const auto got = client.Get(base + "/pages/1/voix/1.ogg");
  ASSERT_TRUE(got);
  ASSERT_EQ(got->status, 200) << got->body.substr(0, 300);
  EXPECT_GT(seconds_of(save(got->body, "page.ogg")), 1.0);
  EXPECT_EQ(client.Get(base + "/pages/99/voix/1.ogg")->status, 404);
}

// A text corrected by a person is read again: the cached audio is that of the old text.
TEST_F(Reading, ACorrectedTextIsSpokenAgain) {
  const fs::path cache = tmp_->path() / "cache-correction";
  const auto first = preview::spoken("La lumière se propage en ligne droite.", "fr", cache, "c1");
  const auto fixed =
      preview::spoken("La lumière se propage en ligne droite, très vite.", "fr", cache, "c1");
  ASSERT_TRUE(first.is_ok()) << first.status().to_string();
  ASSERT_TRUE(fixed.is_ok());
  EXPECT_NE(*first, *fixed);
  EXPECT_GT(seconds_of(*fixed), seconds_of(*first));
  EXPECT_EQ(preview::spoken("   ", "fr", cache, "c1").status().code(),
            StatusCode::kInvalidArgument);
}

TEST_F(Reading, TheReadingViewIsChosenKeptAndSentBackOnlyHere) {
  const testing::RunningServer server(dir_->root);
  auto client = server.client();
  const std::string page = "/contenus/" + std::to_string(lecture_);
  const std::string plain = client.Get(page)->body;
  EXPECT_NE(plain.find("<body>"), std::string::npos);
  EXPECT_NE(plain.find("aria-pressed=\"false\">Affichage adapté à la lecture"), std::string::npos);
  const auto chose = client.Post("/preferences/lecture", "mode=adaptee&suite=" + page,
                                 "application/x-www-form-urlencoded");
  ASSERT_TRUE(chose);
  EXPECT_EQ(chose->status, 303);
  EXPECT_EQ(chose->get_header_value("Location"), page);
  const std::string cookie = chose->get_header_value("Set-Cookie");
  EXPECT_EQ(cookie.rfind("repere_lecture=adaptee;", 0), 0u) << cookie;
  EXPECT_NE(cookie.find("Max-Age=31536000"), std::string::npos);
  httplib::Headers with = {{"Cookie", "repere_lecture=adaptee"}};
  const std::string adapted = client.Get(page, with)->body;
  EXPECT_NE(adapted.find("<body class=\"lecture-adaptee\">"), std::string::npos);
  EXPECT_NE(adapted.find("aria-pressed=\"true\""), std::string::npos);
  EXPECT_NE(adapted.find("name=\"mode\" value=\"standard\""), std::string::npos);  // to undo
  // Another page keeps it.
  EXPECT_NE(client.Get("/", with)->body.find("lecture-adaptee"), std::string::npos);
  // Never sent elsewhere, and a bad choice is refused.
  const auto away = client.Post("/preferences/lecture", "mode=adaptee&suite=//ailleurs.example",
                                "application/x-www-form-urlencoded");
  EXPECT_EQ(away->get_header_value("Location"), "/");
  EXPECT_EQ(
      client.Post("/preferences/lecture", "mode=rose", "application/x-www-form-urlencoded")->status,
      400);
  // The font comes from Debian's fonts-opendyslexic.
  const auto font = client.Get("/polices/opendyslexic-regular.otf");
  ASSERT_TRUE(font);
  EXPECT_EQ(font->status, 200);
  EXPECT_EQ(font->body.substr(0, 4), "OTTO");  // an OpenType font with CFF outlines
}

TEST_F(Reading, AClassDefaultGivesPupilsTheReadingViewUnlessTheyChoseOtherwise) {
  const testing::RunningServer server(dir_->root);
  auto client = server.client();
  const std::string pupil_page = "/classe/" + code_;
  EXPECT_EQ(client.Get(pupil_page)->body.find("lecture-adaptee"), std::string::npos);
  // The teacher turns it on from the results page (with the activity's edit key).
  const std::string results = "/activites/" + std::to_string(activity_) + "/resultats?cle=" + key_ +
                              "&classe=" + std::to_string(class_);
  EXPECT_NE(client.Get(results)->body.find("<strong>désactivé</strong>"), std::string::npos);
  const std::string toggle =
      "/activites/" + std::to_string(activity_) + "/classes/" + std::to_string(class_) + "/lecture";
  EXPECT_EQ(
      client.Post(toggle, "cle=mauvaise&mode=adaptee", "application/x-www-form-urlencoded")->status,
      404);
  const auto on =
      client.Post(toggle, "cle=" + key_ + "&mode=adaptee", "application/x-www-form-urlencoded");
  ASSERT_TRUE(on);
  EXPECT_EQ(on->status, 303);
  EXPECT_NE(client.Get(results)->body.find("<strong>activé</strong>"), std::string::npos);
  const auto page = client.Get(pupil_page);
  EXPECT_NE(page->body.find("<body class=\"lecture-adaptee\">"), std::string::npos);
  EXPECT_FALSE(page->has_header(kClassDefault));  // the marker stays inside the server
  // A pupil who chose the standard view keeps it.
  httplib::Headers standard = {{"Cookie", "repere_lecture=standard"}};
  EXPECT_EQ(client.Get(pupil_page, standard)->body.find("lecture-adaptee"), std::string::npos);
  // A course's class, likewise.
  {
    auto db = catalog::Database::open(dir_->catalog());
    ASSERT_TRUE(db.is_ok());
    EXPECT_EQ(
        courses::ClassStore(**db).set_reading_view(course_ + 1000, course_class_, true).code(),
        StatusCode::kNotFound);
    ASSERT_TRUE(courses::ClassStore(**db).set_reading_view(course_, course_class_, true).is_ok());
  }
  EXPECT_NE(client.Get("/classe/" + course_code_)->body.find("lecture-adaptee"), std::string::npos);
  (void)client.Post(toggle, "cle=" + key_ + "&mode=standard", "application/x-www-form-urlencoded");
  EXPECT_EQ(client.Get(pupil_page)->body.find("lecture-adaptee"), std::string::npos);
}

TEST_F(Reading, AnActivitysCardsAreReadAloudToItsPupils) {
  const testing::RunningServer server(dir_->root);
  auto client = server.client();
  const auto joined =
      client.Post("/classe/" + code_, "pseudonyme=Lou", "application/x-www-form-urlencoded");
  ASSERT_TRUE(joined);
  ASSERT_EQ(joined->status, 303);
  const std::string set = joined->get_header_value("Set-Cookie");
  httplib::Headers pupil = {{"Cookie", set.substr(0, set.find(';'))}};
  const std::string player = client.Get("/classe/" + code_, pupil)->body;
  const std::string src = "/classe/" + code_ + "/voix/" + std::to_string(definition_) + ".ogg";
  EXPECT_NE(player.find("src=\"" + src + "\""), std::string::npos);
  EXPECT_NE(player.find("Écouter cette étape"), std::string::npos);
  const auto got = client.Get(src);
  ASSERT_TRUE(got);
  ASSERT_EQ(got->status, 200) << got->body.substr(0, 300);
  EXPECT_GT(seconds_of(save(got->body, "carte.ogg")), 2.0);
  EXPECT_EQ(client.Get("/classe/" + code_ + "/voix/424242.ogg")->status, 404);
  EXPECT_EQ(client.Get("/classe/ZZZZZZZZZ/voix/1.ogg")->status, 404);
}

TEST_F(Reading, ACoursesKeyIdeaIsReadAloudToItsClassOnceItIsPublished) {
  std::int64_t key_idea = 0;
  {
    auto db = catalog::Database::open(dir_->catalog());
    ASSERT_TRUE(db.is_ok());
    courses::CourseStore store(**db);
    const auto chapter = store.add_chapter(course_, "La lumière");
    ASSERT_TRUE(chapter.is_ok());
    courses::Block b;
    b.kind = courses::BlockKind::kKeyIdea;
    b.body = "Les plantes vertes fabriquent leur matière grâce à la lumière.";
    const auto added = store.add_block(*chapter, b);
    ASSERT_TRUE(added.is_ok());
    key_idea = *added;
  }
  const testing::RunningServer server(dir_->root);
  auto client = server.client();
  const std::string src =
      "/classe/" + course_code_ + "/blocs/" + std::to_string(key_idea) + "/voix.ogg";
  EXPECT_EQ(client.Get(src)->status, 404);  // a draft course: nothing
  {
    auto db = catalog::Database::open(dir_->catalog());
    ASSERT_TRUE(db.is_ok());
    ASSERT_TRUE(courses::CourseStore(**db)
                    .update(course_, {.title = "La photosynthèse en 5e",
                                      .state = courses::CourseState::kPublished})
                    .is_ok());
  }
  const auto joined =
      client.Post("/classe/" + course_code_, "pseudonyme=Sam", "application/x-www-form-urlencoded");
  ASSERT_TRUE(joined);
  const std::string set = joined->get_header_value("Set-Cookie");
  httplib::Headers pupil = {{"Cookie", set.substr(0, set.find(';'))}};
  const std::string page = client.Get("/classe/" + course_code_, pupil)->body;
  EXPECT_NE(page.find("src=\"" + src + "\""), std::string::npos) << page.substr(0, 3000);
  EXPECT_NE(page.find("Écouter l'idée clé"), std::string::npos);
  const auto got = client.Get(src);
  ASSERT_TRUE(got);
  ASSERT_EQ(got->status, 200) << got->body.substr(0, 300);
  EXPECT_GT(seconds_of(save(got->body, "idee.ogg")), 2.0);
  courses::Block text;
  text.kind = courses::BlockKind::kText;
  text.body =
      "## Les feuilles\nLes **stomates** s'ouvrent : voir [le schéma](https://example.org).";
  EXPECT_EQ(spoken_block(text), " Les feuilles\nLes stomates s'ouvrent : voir le schéma.");
}

TEST(SpokenCard, SaysTheDefinitionAndNeverABlanksAnswer) {
  learn::Interaction d;
  d.type = learn::InteractionType::kDefinition;
  d.term = "Photosynthèse";
  d.definition = "Fabrication de matière par les plantes.";
  EXPECT_EQ(spoken_card(d), "Photosynthèse : Fabrication de matière par les plantes.");
  learn::Interaction b;
  b.type = learn::InteractionType::kBlanks;
  b.text = "Les plantes rejettent du *dioxygène/oxygène* et absorbent du *CO2*.";
  const std::string said = spoken_card(b);
  EXPECT_EQ(said.find("dioxyg"), std::string::npos) << said;
  EXPECT_EQ(said.find("CO2"), std::string::npos) << said;
  EXPECT_NE(said.find("blanc"), std::string::npos);
  learn::Interaction q;
  q.type = learn::InteractionType::kChoice;
  q.question = "Où a lieu la photosynthèse ?";
  q.choices = {{"Dans les feuilles", true, ""}, {"Dans les racines", false, ""}};
  EXPECT_EQ(spoken_card(q),
            "Où a lieu la photosynthèse ?\nRéponse 1 : Dans les feuilles.\nRéponse 2 : Dans les "
            "racines.");
}

TEST_F(Reading, ADraftIsReadAloudToNoReader) {
  const testing::RunningServer server(dir_->root);
  auto client = server.client();
  EXPECT_EQ(client.Get("/contenus/" + std::to_string(draft_) + "/voix/1.ogg")->status, 404);
}

TEST(SpokenParts, CutAtLinesNeverAboveTheLimit) {
  std::vector<std::string> lines(30, std::string(300, 'a'));
  lines.push_back(std::string(preview::kMaxSpokenBytes + 10, 'b'));  // alone in its part
  const auto parts = preview::spoken_parts(lines);
  ASSERT_GE(parts.size(), 3u);
  EXPECT_EQ(parts.front().first, 0u);
  EXPECT_EQ(parts.back().last, lines.size());
  EXPECT_EQ(parts.back().first, lines.size() - 1);
  for (std::size_t i = 0; i + 1 < parts.size(); ++i) {
    EXPECT_EQ(parts[i].last, parts[i + 1].first);
    std::size_t bytes = 0;
    for (std::size_t k = parts[i].first; k < parts[i].last; ++k) bytes += lines[k].size() + 1;
    EXPECT_LE(bytes, preview::kMaxSpokenBytes);
  }
  EXPECT_TRUE(preview::spoken_parts({}).empty());
  EXPECT_EQ(preview::voice_for("en-GB"), "en");
  EXPECT_EQ(preview::voice_for("tr"), "fr");
}

}  // namespace
}  // namespace repere::web
