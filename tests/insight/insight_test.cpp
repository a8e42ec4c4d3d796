// The class summary and the « Élèves à accompagner » rules, on facts made by hand.
#include "repere/insight/insight.h"

#include <gtest/gtest.h>

namespace repere::insight {
namespace {

constexpr std::int64_t kDay = 86400;
constexpr std::int64_t kNow = 1796256000;  // 2026-12-03T00:00:00Z

const ClassFacts kAsked{6, 5};  // six questions, five graded

// A pupil who answered the graded questions 1..n in order, right as `rights` says, an hour ago.
PupilFacts pupil(const std::vector<bool>& rights, std::optional<double> watched = 1.0) {
  PupilFacts p;
  p.number = 1;
  p.pseudonym = "Léa";
  p.joined_at = kNow - 2 * 3600;
  for (std::size_t i = 0; i < rights.size(); ++i) {
    p.attempts.push_back({static_cast<std::int64_t>(i + 1), rights[i],
                          kNow - 3600 + static_cast<std::int64_t>(i) * 60});
    ++p.graded_answered;
    if (rights[i]) ++p.graded_right;
  }
  p.watched = watched;
  return p;
}

void add_open_answer(PupilFacts& p) { p.attempts.push_back({6, std::nullopt, kNow - 60}); }

bool has(const Assessment& a, Signal s) {
  for (const Reason& r : a.reasons)
    if (r.signal == s) return true;
  return false;
}

TEST(Insight, APupilWhoDidEverythingWellIsNotFlagged) {
  PupilFacts p = pupil({true, true, false, true, true});
  add_open_answer(p);
  const Assessment a = assess(p, kAsked, kNow);
  EXPECT_FALSE(a.flagged);
  EXPECT_TRUE(a.reasons.empty());
  EXPECT_TRUE(finished(p, kAsked));
}

TEST(Insight, FewAnswersFlagWithTheCountsInTheReason) {
  const Assessment a = assess(pupil({true, true}), kAsked, kNow);
  ASSERT_TRUE(a.flagged);
  ASSERT_TRUE(has(a, Signal::kFewAnswers));
  EXPECT_EQ(a.reasons.front().text, "A répondu à 2 questions sur 6");
  EXPECT_TRUE(a.reasons.front().strong);
}

TEST(Insight, NoAnswerYetSaysSo) {
  const Assessment a = assess(pupil({}, std::nullopt), kAsked, kNow);
  ASSERT_TRUE(a.flagged);
  EXPECT_EQ(a.reasons.front().text, "N'a encore répondu à aucune des 6 questions");
}

TEST(Insight, LowSuccessNeedsThreeGradedAnswers) {
  PupilFacts p = pupil({false, false, true, false, false});
  add_open_answer(p);
  const Assessment a = assess(p, kAsked, kNow);
  ASSERT_TRUE(a.flagged);
  ASSERT_EQ(a.reasons.size(), 1u);
  EXPECT_EQ(a.reasons[0].text, "1 bonne réponse sur 5 questions notées (20 %)");
  // Two wrong answers of two are too few to say anything about success.
  const ClassFacts two{2, 2};
  EXPECT_FALSE(assess(pupil({false, false}), two, kNow).flagged);
}

TEST(Insight, QuietForAWeekWithWorkLeftIsStrong) {
  PupilFacts p = pupil({true, true, true, true});
  for (Attempt& x : p.attempts) x.at -= 9 * kDay;
  p.joined_at -= 9 * kDay;
  const ClassFacts five{5, 5};
  const Assessment a = assess(p, five, kNow);
  ASSERT_TRUE(a.flagged);
  ASSERT_TRUE(has(a, Signal::kQuiet));
  EXPECT_EQ(a.reasons.back().text, "Aucune réponse depuis 9 jours, travail non terminé");
  // Finished work is not « quiet ».
  PupilFacts done = pupil({true, true, true, true, true});
  for (Attempt& x : done.attempts) x.at -= 9 * kDay;
  EXPECT_FALSE(assess(done, five, kNow).flagged);
}

TEST(Insight, OneWeakSignalAloneDoesNotFlag) {
  PupilFacts p = pupil({true, true, true, true, true}, 0.3);
  add_open_answer(p);
  const Assessment a = assess(p, kAsked, kNow);
  EXPECT_FALSE(a.flagged);
  ASSERT_EQ(a.reasons.size(), 1u);
  EXPECT_EQ(a.reasons[0].text, "A regardé 30 % de la vidéo");
  EXPECT_FALSE(a.reasons[0].strong);
}

TEST(Insight, TwoWeakSignalsFlag) {
  // Right at first, wrong at the end (3 of 3, then 0 of 4 counting retries), two questions
  // still missed after two tries each, the video watched in full.
  PupilFacts p;
  p.pseudonym = "Noé";
  p.joined_at = kNow - 3600;
  const std::vector<std::pair<std::int64_t, bool>> given = {
      {1, true}, {2, true}, {3, true}, {4, false}, {4, false}, {5, false}, {5, false}};
  std::int64_t t = kNow - 3000;
  for (const auto& [q, right] : given) p.attempts.push_back({q, right, t += 60});
  p.graded_answered = 5;
  p.graded_right = 3;
  p.watched = 1.0;
  add_open_answer(p);
  const Assessment a = assess(p, kAsked, kNow);
  EXPECT_TRUE(a.flagged);
  EXPECT_TRUE(has(a, Signal::kFalling));
  EXPECT_TRUE(has(a, Signal::kStuck));
  EXPECT_FALSE(has(a, Signal::kLowSuccess));  // 3 of 5 counted answers are right
  for (const Reason& r : a.reasons) EXPECT_FALSE(r.strong) << r.text;
  EXPECT_EQ(a.reasons[0].text,
            "Moins de réponses justes sur la fin : 3 sur 3 au début, 0 sur 4 ensuite");
  EXPECT_EQ(a.reasons[1].text, "2 questions toujours manquées après plusieurs essais");
}

TEST(Insight, ARightRetryIsNotStuck) {
  PupilFacts p = pupil({false, false, true, true, true});
  p.attempts[1].question = 1;                  // the same question twice wrong…
  p.attempts.push_back({1, true, kNow - 10});  // …then right
  EXPECT_FALSE(has(assess(p, kAsked, kNow), Signal::kStuck));
}

TEST(Insight, NoReasonEverSaysFailure) {
  PupilFacts p = pupil({false, false, false, false}, 0.1);
  for (Attempt& x : p.attempts) x.at -= 30 * kDay;
  p.joined_at -= 30 * kDay;
  const Assessment a = assess(p, kAsked, kNow);
  ASSERT_GE(a.reasons.size(), 3u);
  for (const Reason& r : a.reasons) {
    EXPECT_EQ(r.text.find("échec"), std::string::npos) << r.text;
    EXPECT_EQ(r.text.find("faible"), std::string::npos) << r.text;
  }
}

TEST(Insight, SummaryCountsProgressQuartersAndDays) {
  PupilFacts done = pupil({true, true, true, true, true}, 0.9);
  add_open_answer(done);
  PupilFacts half = pupil({true, false}, 0.4);
  half.attempts[1].at = kNow + 3600;  // answered the next day
  const PupilFacts none = pupil({}, std::nullopt);
  const Summary s = summarize({done, half, none}, kAsked);
  EXPECT_EQ(s.pupils, 3);
  EXPECT_EQ(s.finished, 1);
  EXPECT_EQ(s.started, 1);
  EXPECT_EQ(s.not_started, 1);
  EXPECT_EQ(s.watched_known, 2);
  EXPECT_EQ(s.watched[3], 1);
  EXPECT_EQ(s.watched[1], 1);
  ASSERT_EQ(s.days.size(), 2u);
  EXPECT_EQ(s.days[0].date, "2026-12-02");
  EXPECT_EQ(s.days[0].graded, 6);
  EXPECT_EQ(s.days[0].right, 6);
  EXPECT_EQ(s.days[0].open, 1);
  EXPECT_EQ(s.days[1].date, "2026-12-03");
  EXPECT_EQ(s.days[1].graded, 1);
  EXPECT_EQ(s.days[1].right, 0);
}

TEST(Insight, TimestampsAsSqliteWritesThem) {
  EXPECT_EQ(parse_timestamp("2026-12-03T00:00:00Z"), kNow);
  EXPECT_EQ(parse_timestamp("2026-12-03T00:00:01.250Z"), kNow + 1);
  EXPECT_EQ(parse_timestamp("2026-12-03 00:00:00"), std::nullopt);
  EXPECT_EQ(parse_timestamp("2026-13-03T00:00:00Z"), std::nullopt);
  EXPECT_EQ(parse_timestamp("2026-12-03T00:00:00Zjunk"), std::nullopt);
  EXPECT_EQ(parse_timestamp(""), std::nullopt);
  EXPECT_EQ(day_of(kNow - 1), "2026-12-02");
}

}  // namespace
}  // namespace repere::insight
