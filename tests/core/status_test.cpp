#include <gtest/gtest.h>

#include "repere/core/result.h"
#include "repere/core/status.h"

namespace repere {
namespace {

TEST(Status, OkHasNoMessage) {
  const Status s(StatusCode::kOk, "ignored");
  EXPECT_TRUE(s.is_ok());
  EXPECT_EQ(s.message(), "");
  EXPECT_EQ(s.to_string(), "ok");
  EXPECT_EQ(s, Status::ok());
}

TEST(Status, EveryCodeHasAStableName) {
  const std::pair<Status, std::string_view> cases[] = {
      {Status::invalid_argument("m"), "invalid_argument"},
      {Status::not_found("m"), "not_found"},
      {Status::already_exists("m"), "already_exists"},
      {Status::corruption("m"), "corruption"},
      {Status::io_error("m"), "io_error"},
      {Status::unavailable("m"), "unavailable"},
      {Status::unsupported("m"), "unsupported"},
      {Status::internal("m"), "internal"},
  };
  for (const auto& [status, name] : cases) {
    EXPECT_FALSE(status.is_ok());
    EXPECT_EQ(status_code_name(status.code()), name);
    EXPECT_EQ(status.to_string(), std::string(name) + ": m");
  }
}

TEST(Status, ContextIsPrepended) {
  const Status s = Status::not_found("no such file").with_context("lecture.vtt line 3");
  EXPECT_EQ(s.code(), StatusCode::kNotFound);
  EXPECT_EQ(s.message(), "lecture.vtt line 3: no such file");
  EXPECT_TRUE(Status::ok().with_context("anything").is_ok());
}

Result<int> parse_positive(int v) {
  if (v <= 0) return Status::invalid_argument("not positive: " + std::to_string(v));
  return v;
}

Result<int> doubled(int v) {
  REPERE_ASSIGN_OR_RETURN(const int x, parse_positive(v));
  return 2 * x;
}

Status check_positive(int v) {
  REPERE_RETURN_IF_ERROR(parse_positive(v).status());
  return Status::ok();
}

TEST(Result, HoldsAValueOrAnError) {
  const Result<int> good = doubled(21);
  ASSERT_TRUE(good.is_ok());
  EXPECT_EQ(*good, 42);
  const Result<int> bad = doubled(-1);
  ASSERT_FALSE(bad.is_ok());
  EXPECT_EQ(bad.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(bad.status().message(), "not positive: -1");
  EXPECT_EQ(bad.value_or(7), 7);
  EXPECT_TRUE(check_positive(3).is_ok());
  EXPECT_FALSE(check_positive(0).is_ok());
}

TEST(Result, MovesOutItsValue) {
  Result<std::string> r(std::string(1000, 'x'));
  const std::string s = std::move(r).value();
  EXPECT_EQ(s.size(), 1000u);
}

}  // namespace
}  // namespace repere
