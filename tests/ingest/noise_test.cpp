#include "repere/ingest/noise.h"

#include <gtest/gtest.h>

#include "repere/index/dictionary.h"

namespace repere::ingest {
namespace {

using catalog::Cue;

std::shared_ptr<const index::Dictionaries> dictionaries() {
  static const auto d = index::Dictionaries::open("/usr/share/hunspell");
  return d;
}

// One OCR word per cue, on `line` of page `page`, left to right.
void add_line(std::vector<Cue>& cues, int page, int line, const std::string& words,
              double confidence = 0.93) {
  double x = 0.05;
  std::size_t start = 0;
  while (start < words.size()) {
    const std::size_t space = std::min(words.find(' ', start), words.size());
    cues.push_back(Cue{.page = page,
                       .box_x = x,
                       .box_y = 0.05 * line,
                       .box_w = 0.04,
                       .box_h = 0.03,
                       .confidence = confidence,
                       .text = words.substr(start, space - start)});
    x += 0.05;
    start = space + 1;
  }
}

std::string joined(const std::vector<Cue>& cues) {
  std::string out;
  for (const Cue& c : cues) out += (out.empty() ? "" : " ") + c.text;
  return out;
}

TEST(OcrNoise, WordsNumbersAndNamesArePlausibleShapesAreNot) {
  const auto* d = dictionaries().get();
  ASSERT_TRUE(d->has("fr"));
  EXPECT_EQ(plausible_word("photosynthèse.", 0.95, d, "fr"), 1);
  EXPECT_EQ(plausible_word("l'atmosphère", 0.95, d, "fr"), 1);
  EXPECT_EQ(plausible_word("1789", 0.9, d, "fr"), 1);
  EXPECT_EQ(plausible_word("Lavoisier", 0.95, d, "fr"), 1);  // a name, read with confidence
  EXPECT_EQ(plausible_word("ESJE", 0.89, d, "fr"), 0);
  EXPECT_EQ(plausible_word("wZe", 0.77, d, "fr"), 0);
  EXPECT_EQ(plausible_word("plantes", 0.3, d, "fr"), 0);  // a word Tesseract doubts
  EXPECT_EQ(plausible_word("|", 0.6, d, "fr"), 0);
  EXPECT_EQ(plausible_word("à", 0.9, d, "fr"), -1);  // one or two letters tell nothing
  EXPECT_EQ(plausible_word("LA", 0.9, d, "fr"), -1);
  EXPECT_EQ(plausible_word("«", 0.9, d, "fr"), -1);
}

// Round 1: « ES JE NV SRE LA ww Ze BEAN » from a photo was indexed as passages.
TEST(OcrNoise, APhotoReadAsLettersIsNoiseWholeStrayWordsIncluded) {
  std::vector<Cue> cues;
  add_line(cues, 1, 1, "ES JE NV SRE", 0.7);
  add_line(cues, 1, 3, "LA ww Ze BEAN", 0.6);
  add_line(cues, 1, 5, "ESJE", 0.89);
  add_line(cues, 1, 7, "Dés", 0.48);
  EXPECT_EQ(drop_ocr_noise(cues, dictionaries().get(), "fr"), 10u);
  EXPECT_TRUE(cues.empty()) << joined(cues);
}

TEST(OcrNoise, OnAPageOfTextOnlyTheLinesOfNoiseGo) {
  std::vector<Cue> cues;
  add_line(cues, 1, 1, "La photosynthèse");
  add_line(cues, 1, 2, "Les plantes vertes fabriquent leur matière organique");
  add_line(cues, 1, 3, "= ESJE wZe | tqXM");  // a chart's labels misread
  add_line(cues, 1, 4, "à partir de l'eau et de la lumière du Soleil.");
  add_line(cues, 2, 1, "kepU NVSR oTTA EkM", 0.8);  // page 2: a photo
  EXPECT_EQ(drop_ocr_noise(cues, dictionaries().get(), "fr"), 9u);
  EXPECT_EQ(joined(cues),
            "La photosynthèse Les plantes vertes fabriquent leur matière organique à partir de "
            "l'eau et de la lumière du Soleil.");
}

TEST(OcrNoise, TextAPersonWroteOrCorrectedIsNeverDropped) {
  std::vector<Cue> cues;
  add_line(cues, 1, 1, "ESJE wZe NVSR kepU");
  for (Cue& c : cues) c.confidence.reset();
  EXPECT_EQ(drop_ocr_noise(cues, dictionaries().get(), "fr"), 0u);
  EXPECT_EQ(cues.size(), 4u);
}

TEST(OcrNoise, ASlideIsJudgedWhole) {
  std::vector<Cue> slides = {
      Cue{.start_ms = 0, .end_ms = 5000, .confidence = 0.9, .text = "La digestion des aliments"},
      Cue{.start_ms = 5000, .end_ms = 9000, .confidence = 0.7, .text = "ESJE wZe NVSR = kepU"},
      Cue{.start_ms = 9000, .end_ms = 12000, .confidence = 0.9, .text = "The small intestine"}};
  EXPECT_EQ(drop_ocr_noise(slides, dictionaries().get(), "fr"), 1u);
  ASSERT_EQ(slides.size(), 2u);
  EXPECT_EQ(slides[1].text, "The small intestine");  // English words on a French slide
}

}  // namespace
}  // namespace repere::ingest
