// Slides inside a video: a generated 20 s video of three slides (tests/fixtures).
#include <gtest/gtest.h>

#include <fstream>

#include "repere/core/text.h"
#include "repere/extract/slides.h"
#include "repere/media/frames.h"

namespace repere::extract {
namespace {

const std::filesystem::path kFixtures = REPERE_FIXTURES_DIR;

struct Shown {
  std::int64_t at_ms;
  std::string title;
};

std::vector<Shown> expected_slides() {
  std::vector<Shown> out;
  std::ifstream in(kFixtures / "slides.txt");
  for (std::string line; std::getline(in, line);) {
    const std::size_t tab = line.find('\t');
    out.push_back({std::stoll(line.substr(0, tab)), line.substr(tab + 1)});
  }
  return out;
}

TEST(SampleFrames, KeepsSceneChangesAndARegularFrame) {
  std::vector<media::GreyFrame> kept;
  const Status s =
      media::sample_frames(kFixtures / "slides.mp4", {}, [&](const media::GreyFrame& f) {
        kept.push_back(f);
        return true;
      });
  ASSERT_TRUE(s.is_ok()) << s.to_string();
  std::vector<std::int64_t> changes;
  for (const auto& f : kept) {
    EXPECT_EQ(f.pixels.size(), static_cast<std::size_t>(f.width) * f.height);
    if (f.scene_change) changes.push_back(f.time_ms);
  }
  ASSERT_EQ(changes.size(), 3u);  // the first frame, then the two new slides
  EXPECT_NEAR(changes[1], 6000, 600);
  EXPECT_NEAR(changes[2], 13000, 600);
  EXPECT_LE(kept.size(), 6u);  // and a frame every 10 s at most in between
  EXPECT_FALSE(
      media::sample_frames(kFixtures / "lecture.srt", {}, [](auto&) { return true; }).is_ok());
}

TEST(ReadSlides, OneCuePerSlideWithinTwoSecondsOfItsAppearance) {
  auto ocr = OcrEngine::create({});
  ASSERT_TRUE(ocr.is_ok());
  const auto cues = read_slides(kFixtures / "slides.mp4", 20000, **ocr);
  ASSERT_TRUE(cues.is_ok()) << cues.status().to_string();
  const auto slides = expected_slides();
  ASSERT_EQ(cues->size(), slides.size());
  for (std::size_t i = 0; i < slides.size(); ++i) {
    SCOPED_TRACE(slides[i].title);
    const auto& c = (*cues)[i];
    EXPECT_NE(text::fold(c.text).find(text::fold(slides[i].title)), std::string::npos) << c.text;
    EXPECT_LE(std::abs(c.start_ms - slides[i].at_ms), 2000);
    const std::int64_t next = i + 1 < slides.size() ? slides[i + 1].at_ms : 20000;
    EXPECT_LE(std::abs(c.end_ms - next), 2000);
    EXPECT_GT(c.confidence, 0.6);
  }
}

}  // namespace
}  // namespace repere::extract
