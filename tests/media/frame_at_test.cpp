// One picture of a video at a moment (moment thumbnails), on the fixtures' real videos.
#include <gtest/gtest.h>

#include <cstdlib>
#include <numeric>

#include "repere/media/frames.h"

namespace repere::media {
namespace {

const std::filesystem::path kFixtures = REPERE_FIXTURES_DIR;

double mean_difference(const ColourFrame& a, const ColourFrame& b) {
  if (a.rgb.size() != b.rgb.size() || a.rgb.empty()) return 255;
  double sum = 0;
  for (std::size_t i = 0; i < a.rgb.size(); ++i) sum += std::abs(int{a.rgb[i]} - int{b.rgb[i]});
  return sum / static_cast<double>(a.rgb.size());
}

TEST(FrameAt, TakesThePictureOnScreenAtThatMomentScaledDown) {
  // slides.mp4: three slides shown at 0, 6 and 13 s.
  const auto first = frame_at(kFixtures / "slides.mp4", 2000, 192);
  const auto same = frame_at(kFixtures / "slides.mp4", 4000, 192);
  const auto third = frame_at(kFixtures / "slides.mp4", 15000, 192);
  ASSERT_TRUE(first.is_ok()) << first.status().to_string();
  ASSERT_TRUE(same.is_ok() && third.is_ok());
  EXPECT_EQ(first->width, 192);
  EXPECT_GT(first->height, 50);
  EXPECT_EQ(first->rgb.size(), static_cast<std::size_t>(first->width) * first->height * 3);
  EXPECT_NEAR(static_cast<double>(first->time_ms), 2000, 250);
  EXPECT_NEAR(static_cast<double>(third->time_ms), 15000, 250);
  EXPECT_LT(mean_difference(*first, *same), 2.0);   // one slide
  EXPECT_GT(mean_difference(*first, *third), 2.0);  // another
}

TEST(FrameAt, PastTheEndGivesTheLastPictureAndBadFilesAreNamed) {
  const auto last = frame_at(kFixtures / "slides.mp4", 999000, 192);
  ASSERT_TRUE(last.is_ok()) << last.status().to_string();
  EXPECT_GT(last->time_ms, 15000);
  EXPECT_EQ(frame_at(kFixtures / "nowhere.mp4", 0, 192).status().code(), StatusCode::kNotFound);
  const auto sound = frame_at(kFixtures / "fr-speech.wav", 0, 192);
  EXPECT_EQ(sound.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(sound.status().message().find("fr-speech.wav"), std::string::npos);
  EXPECT_FALSE(frame_at(kFixtures / "truncated.mp4", 1000, 192).status().code() ==
               StatusCode::kInternal);  // a cut file: a picture or a clear error, never a crash
}

}  // namespace
}  // namespace repere::media
