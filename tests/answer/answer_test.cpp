// Answers from the library: sentences cut the French way, questions told from other queries,
// the overlap the evaluation counts, and answers on a real indexed library — the demo's texts
// and a timed lecture — each sentence cited at the second its line begins, and no answer when
// the library does not have one.
#include "repere/answer/answer.h"

#include <gtest/gtest.h>

#include <atomic>
#include <fstream>

#include "../../src/answer/sentences.h"
#include "repere/answer/eval.h"
#include "repere/catalog/contents.h"
#include "repere/catalog/texts.h"
#include "repere/index/library.h"
#include "repere/search/search.h"
#include "support/temp_dir.h"

namespace repere::answer {
namespace {

namespace fs = std::filesystem;

std::vector<std::string> sentences_of(const std::string& text) {
  std::vector<std::string> out;
  for (const Span& s : split_sentences(text)) out.push_back(text.substr(s.begin, s.end - s.begin));
  return out;
}

TEST(Sentences, EndAtStopsButNotAtTitlesInitialsAndAbbreviations) {
  EXPECT_EQ(sentences_of("M. Dupont est venu. Il a parlé de J.-C. Bach ! Puis ? Rien…  Fin"),
            (std::vector<std::string>{"M. Dupont est venu.", "Il a parlé de J.-C. Bach !", "Puis ?",
                                      "Rien…", "Fin"}));
  EXPECT_EQ(sentences_of("Des fruits, des graines, etc. et des feuilles. Voir art. 226-4-1."),
            (std::vector<std::string>{"Des fruits, des graines, etc. et des feuilles.",
                                      "Voir art. 226-4-1."}));
  // Decimals are no stop; closing guillemets and brackets stay with their sentence.
  EXPECT_EQ(
      sentences_of("Elle pèse 3.5 kg. « C'est lourd. » (Vraiment.) Oui"),
      (std::vector<std::string>{"Elle pèse 3.5 kg.", "« C'est lourd. »", "(Vraiment.)", "Oui"}));
}

TEST(Sentences, EndAtLineBreaksAndAtAnnouncingColons) {
  EXPECT_EQ(sentences_of("Pour supprimer le compte :\nAllez dans « Paramètres » ;\nCliquez.\n\n"),
            (std::vector<std::string>{"Pour supprimer le compte :", "Allez dans « Paramètres » ;",
                                      "Cliquez."}));
  EXPECT_EQ(sentences_of("Non.\nLe délit relève du juge"),
            (std::vector<std::string>{"Non.", "Le délit relève du juge"}));
  EXPECT_TRUE(split_sentences("").empty());
  EXPECT_TRUE(split_sentences(" \n \n").empty());
}

TEST(IsQuestion, QuestionsInFrenchAndEnglish) {
  for (const char* q : {"comment on respire", "Pourquoi se vaccine-t-on", "Qu'est-ce qu'un atome",
                        "quel est le rôle du cœur", "Est-ce que le son se propage dans le vide",
                        "peut-on voir un atome", "le vaccin protège-t-il", "La photosynthèse ?",
                        "how does the heart pump blood", "What is a cookie"}) {
    EXPECT_TRUE(is_question(q)) << q;
  }
  for (const char* q : {"photosynthèse", "le cœur et la circulation", "Louis XIV", "est un muscle",
                        "théorème de Pythagore", "heart pump"}) {
    EXPECT_FALSE(is_question(q)) << q;
  }
}

TEST(Definitions, AQuestionThatAsksWhatAThingIsAndTheSentenceThatSaysIt) {
  EXPECT_TRUE(asks_definition("Qu'est-ce que la masse volumique ?"));
  EXPECT_TRUE(asks_definition("Le phishing, c'est quoi ?"));
  EXPECT_TRUE(asks_definition("Que signifie « allèle » ?"));
  EXPECT_TRUE(asks_definition("What is a cookie?"));
  EXPECT_FALSE(asks_definition("Comment le cœur fait-il circuler le sang ?"));
  const std::set<std::string> stems = {"mass", "volum"};
  EXPECT_TRUE(
      defines("La masse volumique d'une substance est la masse d'un volume unité.", stems, "fr"));
  EXPECT_TRUE(
      defines("Masse volumique : c'est le quotient de la masse par le volume.", stems, "fr"));
  // The word comes after the verb, or the verb is far from the start: no definition.
  EXPECT_FALSE(defines("L'huile flotte sur l'eau, car sa masse volumique est plus faible.",
                       {"cookie"}, "fr"));
  EXPECT_FALSE(defines("Il est utile de mesurer la masse volumique.", stems, "fr"));
}

TEST(TokenOverlap, FoldedWordsCountedAsOftenAsBothSayThem) {
  const Overlap same = token_overlap("Le cœur est un muscle.", "le coeur est un MUSCLE");
  EXPECT_DOUBLE_EQ(same.f1, 1.0);
  EXPECT_DOUBLE_EQ(same.recall, 1.0);
  const Overlap half = token_overlap("le cœur", "le cœur est un muscle creux");
  EXPECT_NEAR(half.recall, 2.0 / 6.0, 1e-9);
  EXPECT_NEAR(half.f1, 2 * 1.0 * (2.0 / 6.0) / (1.0 + 2.0 / 6.0), 1e-9);
  EXPECT_DOUBLE_EQ(token_overlap("", "le cœur").f1, 0.0);
  EXPECT_DOUBLE_EQ(token_overlap("rien à voir", "le cœur").f1, 0.0);
}

// The demo's texts (one passage per section) and a timed lecture with its lines.
class Answers : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new testing::TempDir;
    const DataDir data{dir_->path()};
    auto db = std::move(catalog::Database::open(data.catalog())).value();
    std::vector<fs::path> files;
    for (const auto& e : fs::directory_iterator(fs::path(REPERE_SOURCE_DIR) / "demo/items"))
      files.push_back(e.path());
    std::sort(files.begin(), files.end());
    for (const fs::path& file : files) {
      std::ifstream in(file);
      catalog::Content c;
      c.status = catalog::EditorialStatus::kPublished;
      c.kind = catalog::ContentKind::kText;
      c.language = "fr";
      c.media_path = file.string();
      std::vector<catalog::Passage> passages;
      for (std::string line; std::getline(in, line);) {
        if (line.rfind("title: ", 0) == 0) c.title = line.substr(7);
        if (line.rfind("## ", 0) == 0) {
          passages.emplace_back();
          passages.back().language = "fr";
          // A heading ends like a sentence (« Qu'est-ce qu'une équation ? » keeps its own).
          const std::string heading = line.substr(3);
          passages.back().text = heading + (heading.back() == '?' ? "" : ".");
        } else if (!passages.empty() && !line.empty() && line[0] != '-') {
          passages.back().text += "\n" + line;
        }
      }
      const auto id = *catalog::ContentRepository(*db).insert(c);
      ASSERT_TRUE(catalog::PassageRepository(*db).replace_for_content(id, passages).is_ok());
    }
    // A lecture: its lines, and one passage of them.
    catalog::Content v;
    v.status = catalog::EditorialStatus::kPublished;
    v.kind = catalog::ContentKind::kVideo;
    v.language = "fr";
    v.title = "Conférence : les volcans d'Auvergne";
    v.media_path = "/media/volcans.mp4";
    v.duration_ms = 3600000;
    video_ = *catalog::ContentRepository(*db).insert(v);
    catalog::Track t;
    t.content_id = video_;
    t.kind = catalog::TrackKind::kSubtitles;
    t.language = "fr";
    t.origin = "human";
    const auto track = *catalog::TrackRepository(*db).insert(t);
    const std::vector<std::pair<std::int64_t, std::string>> lines = {
        {754000, "Bonjour à tous, nous parlons aujourd'hui"},
        {757000, "des volcans de la chaîne des Puys."},
        {761000, "Un volcan naît quand le magma, une roche fondue,"},
        {765000, "remonte des profondeurs jusqu'à la surface."},
        {769000, "La chaîne des Puys compte environ quatre-vingts volcans endormis."}};
    std::vector<catalog::Cue> cues;
    std::string said;
    for (std::size_t i = 0; i < lines.size(); ++i) {
      catalog::Cue c;
      c.track_id = track;
      c.seq = static_cast<int>(i);
      c.start_ms = lines[i].first;
      c.end_ms = lines[i].first + 3900;
      c.text = lines[i].second;
      cues.push_back(c);
      said += (said.empty() ? "" : " ") + lines[i].second;
    }
    ASSERT_TRUE(catalog::CueRepository(*db).replace_for_track(track, cues).is_ok());
    catalog::Passage p;
    p.track_id = track;
    p.start_ms = 754000;
    p.end_ms = 772900;
    p.language = "fr";
    p.text = said;
    ASSERT_TRUE(catalog::PassageRepository(*db).replace_for_content(video_, {p}).is_ok());
    std::atomic<bool> stop{false};
    ASSERT_TRUE(index::reindex(
                    *db, data.root / "index", nullptr, stop,
                    {.train_embeddings = true, .training = {.dim = 64, .epoch = 10, .threads = 1}})
                    .is_ok());
  }
  static void TearDownTestSuite() { delete dir_; }

  Answer ask(const std::string& question) {
    const DataDir data{dir_->path()};
    auto searcher = search::Searcher::open(data);
    EXPECT_TRUE(searcher.is_ok()) << searcher.status().to_string();
    auto db = std::move(catalog::Database::open(data.catalog())).value();
    Answerer answerer(**searcher, *db);
    auto a = answerer.answer(question);
    EXPECT_TRUE(a.is_ok()) << a.status().to_string();
    return a.is_ok() ? *a : Answer{};
  }

  static testing::TempDir* dir_;
  static catalog::Id video_;
};
testing::TempDir* Answers::dir_ = nullptr;
catalog::Id Answers::video_ = 0;

TEST_F(Answers, AQuestionGetsTheSentencesThatSayItWithTheirSource) {
  const Answer a = ask("Qu'est-ce qu'une équation ?");
  ASSERT_TRUE(a.answered) << a.reason;
  ASSERT_FALSE(a.sentences.empty());
  EXPECT_EQ(a.sentences[0].text,
            "Une équation est une égalité dans laquelle figure un nombre inconnu, souvent noté x.");
  EXPECT_EQ(a.sentences[0].source.title, "Notes de cours : résoudre une équation du premier degré");
  EXPECT_GT(a.sentences[0].source.passage_id, 0);
}

TEST_F(Answers, ASentenceOfALectureIsCitedAtTheSecondItsLineBegins) {
  const Answer a = ask("Comment naît un volcan ?");
  ASSERT_TRUE(a.answered) << a.reason;
  ASSERT_FALSE(a.sentences.empty());
  const Sentence& s = a.sentences[0];
  EXPECT_EQ(s.text,
            "Un volcan naît quand le magma, une roche fondue, remonte des profondeurs "
            "jusqu'à la surface.");
  EXPECT_EQ(s.source.content_id, video_);
  ASSERT_TRUE(s.source.at_ms.has_value());
  EXPECT_EQ(*s.source.at_ms, 761000);
}

TEST_F(Answers, NoAnswerWhenTheLibraryDoesNotSayIt) {
  for (const char* q : {"Qui était Louis XIV ?", "Quelle est la recette de la pâte à crêpes ?",
                        "xyzzy qwerty ?", "How do jet engines produce thrust?"}) {
    const Answer a = ask(q);
    EXPECT_FALSE(a.answered) << q << " → " << (a.sentences.empty() ? "" : a.sentences[0].text);
    EXPECT_TRUE(a.sentences.empty()) << q;
    EXPECT_EQ(a.reason, "Je n'ai pas trouvé de réponse dans la médiathèque.");
  }
}

TEST_F(Answers, TheJsonSaysWhereEachSentenceIsSaidAndThatItIsExtractive) {
  const Answer a = ask("Comment naît un volcan ?");
  const std::string json = to_json(a);
  EXPECT_NE(json.find("\"method\":\"extractive\""), std::string::npos) << json;
  EXPECT_NE(json.find("\"at_ms\":761000"), std::string::npos) << json;
  const std::string none = to_json(ask("xyzzy qwerty ?"));
  EXPECT_NE(none.find("\"answered\":false"), std::string::npos) << none;
  EXPECT_NE(none.find("Je n'ai pas trouvé"), std::string::npos) << none;
}

}  // namespace
}  // namespace repere::answer
