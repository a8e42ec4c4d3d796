#include <gtest/gtest.h>

#include "repere/ingest/segmenter.h"

namespace repere::ingest {
namespace {

using catalog::Cue;
using catalog::Passage;

// A lecture: one cue every 3 s, a sentence ending every fourth cue.
std::vector<Cue> lecture(int minutes) {
  std::vector<Cue> cues;
  for (int i = 0; i < minutes * 20; ++i) {
    Cue c;
    c.start_ms = i * 3000;
    c.end_ms = i * 3000 + 2800;
    c.text = "phrase " + std::to_string(i / 4) + " morceau " + std::to_string(i % 4) +
             (i % 4 == 3 ? "." : ",");
    cues.push_back(c);
  }
  return cues;
}

TEST(SegmentTimed, LongLectureMakesWindowsOf10To40SecondsFromSentenceToSentence) {
  const std::vector<Cue> cues = lecture(90);
  const std::vector<Passage> passages = segment_timed(cues);
  ASSERT_GT(passages.size(), 130u);
  ASSERT_LT(passages.size(), 540u);
  for (std::size_t i = 0; i < passages.size(); ++i) {
    const Passage& p = passages[i];
    const auto duration = *p.end_ms - *p.start_ms;
    EXPECT_LE(duration, 40000) << i;
    if (i + 1 < passages.size()) {
      EXPECT_GE(duration, 10000) << i;  // only the last may be short
      EXPECT_EQ(p.text.back(), '.') << "cut at a sentence end: " << p.text;
      // The next window starts with the next sentence: no overlap, nothing skipped.
      EXPECT_EQ(*passages[i + 1].start_ms, *p.end_ms + 200) << i;
      EXPECT_EQ(passages[i + 1].text.rfind("phrase", 0), 0u) << passages[i + 1].text;
    }
    EXPECT_FALSE(p.text.empty());
    EXPECT_LE(p.text.size(), 1000u);
    EXPECT_EQ(p.seq, static_cast<int>(i));
  }
  EXPECT_EQ(*passages.front().start_ms, 0);
  EXPECT_EQ(*passages.back().end_ms, *cues.back().end_ms);  // nothing lost at the end
}

TEST(SegmentTimed, EveryCueIsInSomePassage) {
  const std::vector<Cue> cues = lecture(10);
  const std::vector<Passage> passages = segment_timed(cues);
  for (const Cue& c : cues) {
    bool found = false;
    for (const Passage& p : passages) {
      found = found || (p.text.find(c.text) != std::string::npos && *p.start_ms <= *c.start_ms &&
                        *p.end_ms >= *c.end_ms);
    }
    EXPECT_TRUE(found) << c.text;
  }
}

TEST(SegmentTimed, NoSentenceEndsStillCutsAt40SecondsWithAnOverlap) {
  std::vector<Cue> cues;
  for (int i = 0; i < 100; ++i) {
    cues.push_back({.start_ms = i * 2000, .end_ms = i * 2000 + 2000, .text = "sans fin"});
  }
  const auto passages = segment_timed(cues);
  ASSERT_GT(passages.size(), 1u);
  for (std::size_t i = 0; i < passages.size(); ++i) {
    EXPECT_LE(*passages[i].end_ms - *passages[i].start_ms, 40000);
    if (i + 1 < passages.size()) {
      EXPECT_LT(*passages[i + 1].start_ms, *passages[i].end_ms);  // cut mid-sentence
      EXPECT_GT(*passages[i + 1].start_ms, *passages[i].start_ms);
    }
  }
}

TEST(SegmentTimed, AGiantCueIsSplitWithInterpolatedTimes) {
  std::string text;
  for (int i = 0; i < 300; ++i) text += "La chlorophylle capte la lumière. ";
  const std::vector<Passage> passages =
      segment_timed({{.start_ms = 0, .end_ms = 600000, .text = text}});
  ASSERT_GT(passages.size(), 8u);
  std::int64_t previous_start = -1;
  for (const Passage& p : passages) {
    EXPECT_LE(p.text.size(), 1000u);
    EXPECT_EQ(p.text.back(), '.');  // split at sentence ends
    EXPECT_GT(*p.start_ms, previous_start);
    previous_start = *p.start_ms;
    EXPECT_LE(*p.end_ms, 600000);
  }
}

TEST(SegmentTimed, EmptyAndUntimedCuesAreIgnored) {
  const std::vector<Passage> passages =
      segment_timed({{.start_ms = 0, .end_ms = 1000, .text = "  "},
                     {.text = "sans temps"},
                     {.start_ms = 5000, .end_ms = 6000, .text = "seul."}});
  ASSERT_EQ(passages.size(), 1u);
  EXPECT_EQ(passages[0].text, "seul.");
  EXPECT_EQ(*passages[0].start_ms, 5000);
  EXPECT_TRUE(segment_timed({}).empty());
}

TEST(SegmentTimed, UnsortedCuesAreOrdered) {
  const std::vector<Passage> passages =
      segment_timed({{.start_ms = 3000, .end_ms = 4000, .text = "deux."},
                     {.start_ms = 0, .end_ms = 1000, .text = "un."}});
  ASSERT_EQ(passages.size(), 1u);
  EXPECT_EQ(passages[0].text, "un. deux.");
}

TEST(SegmentDocument, ParagraphsGroupedWithinPagesNeverAcross) {
  std::vector<Cue> cues;
  for (int page = 1; page <= 3; ++page) {
    for (int para = 0; para < 6; ++para) {
      cues.push_back({.page = page,
                      .text = "Page " + std::to_string(page) + ", paragraphe " +
                              std::to_string(para) + " : " + std::string(120, 'x') + "."});
    }
  }
  const std::vector<Passage> passages = segment_document(cues);
  ASSERT_GE(passages.size(), 6u);
  for (const Passage& p : passages) {
    ASSERT_TRUE(p.page.has_value());
    EXPECT_EQ(p.text.find("Page " + std::to_string(*p.page == 1 ? 2 : 1) + ","), std::string::npos)
        << "mixes pages: " << p.text;
    EXPECT_LE(p.text.size(), 1000u);
    EXPECT_GE(p.text.size(), 200u);
  }
}

TEST(SegmentDocument, ShortPageIsOnePassageAndLongParagraphIsSplit) {
  std::string long_paragraph;
  for (int i = 0; i < 100; ++i) long_paragraph += "L'ADN porte l'information génétique. ";
  const std::vector<Passage> passages =
      segment_document({{.page = 1, .text = "Titre"}, {.page = 2, .text = long_paragraph}});
  ASSERT_GE(passages.size(), 4u);
  EXPECT_EQ(passages[0].text, "Titre");
  EXPECT_EQ(passages[0].page, 1);
  for (std::size_t i = 1; i < passages.size(); ++i) {
    EXPECT_EQ(passages[i].page, 2);
    EXPECT_LE(passages[i].text.size(), 1000u);
  }
}

// A PDF's or a scan's words, one cue each, laid out in lines from `top` down: `height` is the
// type's (a heading's is bigger), `step` the distance to the next line.
void lay_out(std::vector<Cue>& cues, int page, double& top, const std::string& line,
             double height = 0.012, double step = 0.018) {
  double x = 0.09;
  std::size_t start = 0;
  while (start < line.size()) {
    std::size_t end = line.find(' ', start);
    if (end == std::string::npos) end = line.size();
    cues.push_back({.seq = static_cast<int>(cues.size()),
                    .page = page,
                    .box_x = x,
                    .box_y = top,
                    .box_w = 0.05,
                    .box_h = height,
                    .text = line.substr(start, end - start)});
    x += 0.06;
    start = end + 1;
  }
  top += step;
}

// The demo's « Moyenne, médiane et étendue »: passages read « … on utilise des » then
// « indicateurs. La moyenne La moyenne est … » — cut inside a sentence, headings glued to text.
TEST(SegmentDocument, APdfsWordsAreCutAtSentenceEndsAndItsHeadingsOpenTheirSection) {
  std::vector<Cue> cues;
  double top = 0.07;
  lay_out(cues, 1, top, "Moyenne, médiane et étendue", 0.019, 0.038);
  lay_out(cues, 1, top, "Une série de notes", 0.014, 0.02);
  lay_out(cues, 1, top, "Voici les notes sur 20 obtenues par neuf élèves à un contrôle : 8 ; 12 ;");
  lay_out(cues, 1, top, "15 ; 9 ; 12 ; 17 ; 6 ; 14 ; 11. Pour décrire cette série, on utilise");
  lay_out(cues, 1, top, "des indicateurs qui résument en un nombre ce que disent toutes les notes.",
          0.012, 0.04);
  lay_out(cues, 1, top, "La moyenne", 0.014, 0.02);
  lay_out(cues, 1, top, "La moyenne est la somme des valeurs divisée par le nombre de valeurs.");
  lay_out(cues, 1, top, "Ici, la somme vaut 104 et il y a 9 notes : la moyenne est environ 11,6.");
  const std::vector<Passage> passages = segment_document(cues);
  ASSERT_EQ(passages.size(), 2u);
  EXPECT_EQ(passages[0].text,
            "Moyenne, médiane et étendue\nUne série de notes\nVoici les notes sur 20 obtenues "
            "par neuf élèves à un contrôle : 8 ; 12 ; 15 ; 9 ; 12 ; 17 ; 6 ; 14 ; 11. Pour "
            "décrire cette série, on utilise des indicateurs qui résument en un nombre ce que "
            "disent toutes les notes.");
  EXPECT_EQ(passages[1].text.rfind("La moyenne\nLa moyenne est la somme", 0), 0u)
      << passages[1].text;
  EXPECT_EQ(passages[1].page, 1);
}

TEST(SegmentDocument, ALongSentenceOfWordsIsCutOnlyAtTheSizeLimit) {
  std::vector<Cue> cues;
  double top = 0.1;
  for (int line = 0; line < 40; ++line) lay_out(cues, 1, top, "une phrase qui ne finit jamais");
  const std::vector<Passage> passages = segment_document(cues);
  ASSERT_EQ(passages.size(), 2u);
  EXPECT_LE(passages[0].text.size(), 1000u);
  EXPECT_GT(passages[0].text.size(), 900u);
  EXPECT_EQ(passages[0].text.find('\n'), std::string::npos);
}

TEST(SegmentDocument, TextWithoutSpacesIsCutInsideNoCharacter) {
  std::string text;
  for (int i = 0; i < 700; ++i) text += "é";  // 1,400 bytes, no space
  const std::vector<Passage> passages = segment_document({{.text = text}});
  ASSERT_EQ(passages.size(), 2u);
  EXPECT_EQ(passages[0].text.size() % 2, 0u);  // whole two-byte characters only
  EXPECT_EQ(passages[0].text.size() + passages[1].text.size(), 1400u);
}

// The slide footer « SVT 5e — Le cœur et la circulation du sang N » was in every snippet.
TEST(RepeatedEdges, ASlideFooterIsNotInEveryPassage) {
  std::vector<Cue> slides;
  const char* bodies[] = {"Le rôle du sang Apporter dioxygène", "Le cœur, un muscle creux",
                          "Une double circulation", "Artères, veines et capillaires",
                          "Mesurer son rythme cardiaque"};
  for (int i = 0; i < 5; ++i) {
    Cue c;
    c.start_ms = i * 10000;
    c.end_ms = i * 10000 + 9000;
    c.text = std::string(bodies[i]) + " SVT 5e — Le cœur et la circulation du sang " +
             std::to_string(i + 1);
    slides.push_back(c);
  }
  slides[3].text = "Artères, veines et capillaires";  // a slide without it keeps its text
  // OCR read the first slide's footer as « SVT : 5e — … »: the words it shares still go.
  slides[0].text =
      "Le rôle du sang Apporter dioxygène SVT : 5e — Le cœur et la circulation du sang 1";
  EXPECT_EQ(strip_repeated_edges(slides), 4);
  ASSERT_EQ(slides.size(), 5u);
  EXPECT_EQ(slides[0].text, "Le rôle du sang Apporter dioxygène SVT :");
  EXPECT_EQ(slides[4].text, "Mesurer son rythme cardiaque");
  EXPECT_EQ(slides[1].text, "Le cœur, un muscle creux");
  EXPECT_EQ(slides[2].text, "Une double circulation");
  EXPECT_EQ(slides[3].text, "Artères, veines et capillaires");
}

// Pages of word cues (a PDF): the running header of each page goes, the pages' words stay.
TEST(RepeatedEdges, APageHeaderOfWordCuesGoes) {
  std::vector<Cue> words;
  for (int page = 1; page <= 3; ++page) {
    for (const char* w : {"Collège", "Jean", "Moulin", "—", "SVT", "page", "texte"}) {
      Cue c;
      c.page = page;
      c.text = w;
      words.push_back(c);
    }
    Cue own;
    own.page = page;
    own.text = "contenu" + std::to_string(page);
    words.push_back(own);
  }
  EXPECT_EQ(strip_repeated_edges(words), 3);
  std::vector<std::string> left;
  for (const Cue& c : words) left.push_back(c.text);
  // "Collège Jean Moulin — SVT page texte" opens each page: 7 words shared by all three.
  EXPECT_EQ(left, (std::vector<std::string>{"contenu1", "contenu2", "contenu3"}));
}

// Two slides, or an edge of two words, are not a pattern: nothing is removed.
TEST(RepeatedEdges, TooFewOrTooShortIsKept) {
  std::vector<Cue> two = {{.text = "Titre un SVT 5e chapitre"},
                          {.text = "Titre deux SVT 5e chapitre"}};
  EXPECT_EQ(strip_repeated_edges(two), 0);
  std::vector<Cue> short_edge = {
      {.text = "a b fin ici"}, {.text = "c d fin ici"}, {.text = "e f fin ici"}};
  EXPECT_EQ(strip_repeated_edges(short_edge), 0);
  EXPECT_EQ(short_edge[0].text, "a b fin ici");
}

}  // namespace
}  // namespace repere::ingest
