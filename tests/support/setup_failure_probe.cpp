// A suite whose SetUpTestSuite fails, for the test of support/run-gtest: gtest marks its test
// « [  SKIPPED ] »; run-gtest must make that a failure.
#include <gtest/gtest.h>

namespace {

class BrokenSetUp : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { ASSERT_TRUE(false) << "the suite's set-up broke"; }
};

TEST_F(BrokenSetUp, NeverRuns) { EXPECT_TRUE(true); }

}  // namespace
