// serve.heavy_hours: windows of the day, across midnight too; what is not a window is refused.
#include <gtest/gtest.h>

#include "repere/core/hours.h"

namespace repere {
namespace {

TEST(Hours, EmptyIsAnyTime) {
  const auto w = parse_hours("", "serve.heavy_hours");
  ASSERT_TRUE(w.is_ok());
  EXPECT_TRUE(w->always);
  EXPECT_TRUE(w->contains(0));
  EXPECT_EQ(w->minutes_until_open(720), 0);
  EXPECT_EQ(w->to_string(), "");
}

TEST(Hours, AWindowAcrossMidnight) {
  const auto w = parse_hours(" 20:00-07:00 ", "serve.heavy_hours");
  ASSERT_TRUE(w.is_ok()) << w.status().to_string();
  EXPECT_TRUE(w->contains(20 * 60));
  EXPECT_TRUE(w->contains(23 * 60 + 59));
  EXPECT_TRUE(w->contains(0));
  EXPECT_TRUE(w->contains(6 * 60 + 59));
  EXPECT_FALSE(w->contains(7 * 60));
  EXPECT_FALSE(w->contains(12 * 60));
  EXPECT_EQ(w->minutes_until_open(12 * 60), 8 * 60);
  EXPECT_EQ(w->minutes_until_open(21 * 60), 0);
  EXPECT_EQ(w->to_string(), "20:00-07:00");
}

TEST(Hours, AWindowWithinTheDay) {
  const auto w = parse_hours("12:30-14:00", "serve.heavy_hours");
  ASSERT_TRUE(w.is_ok());
  EXPECT_FALSE(w->contains(12 * 60 + 29));
  EXPECT_TRUE(w->contains(12 * 60 + 30));
  EXPECT_FALSE(w->contains(14 * 60));
  EXPECT_EQ(w->minutes_until_open(14 * 60), 22 * 60 + 30);  // tomorrow
}

TEST(Hours, WhatIsNotAWindowIsRefusedNamingTheSetting) {
  for (const char* bad : {"20h-7h", "25:00-07:00", "20:00", "08:00-08:00", "20:00-07:60", "nuit"}) {
    const auto w = parse_hours(bad, "serve.heavy_hours");
    EXPECT_EQ(w.status().code(), StatusCode::kInvalidArgument) << bad;
    EXPECT_NE(w.status().message().find("serve.heavy_hours"), std::string::npos) << bad;
  }
  const int now = minute_of_day_now();
  EXPECT_GE(now, 0);
  EXPECT_LT(now, 1440);
}

}  // namespace
}  // namespace repere
