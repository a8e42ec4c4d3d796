// The OpenAI-compatible endpoints' URLs and answers, as the three callers (embeddings, speech to
// text, generation) read them.
#include "repere/core/endpoint.h"

#include <gtest/gtest.h>

namespace repere {
namespace {

TEST(Endpoint, UrlsArePastedWithOrWithoutTheirV1) {
  const auto a = split_endpoint_url("http://127.0.0.1:8000/openai/v1/", "x.endpoint");
  ASSERT_TRUE(a.is_ok());
  EXPECT_EQ(a->origin, "http://127.0.0.1:8000");
  EXPECT_EQ(a->prefix, "/openai");
  EXPECT_EQ(endpoint_host(*a), "127.0.0.1:8000");
  const auto b = split_endpoint_url("https://api.example.org", "x.endpoint");
  ASSERT_TRUE(b.is_ok());
  EXPECT_EQ(b->prefix, "");
  const auto bad = split_endpoint_url("ftp://example.org", "answers.generation_endpoint");
  EXPECT_EQ(bad.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(bad.status().message().find("answers.generation_endpoint"), std::string::npos);
}

TEST(Endpoint, BusyOrDownIsUnavailableOtherRefusalsNeedTheOperator) {
  const std::string where = "http://h/v1/embeddings";
  EXPECT_TRUE(endpoint_answer_status(200, "{}", "the embeddings endpoint", where).is_ok());
  for (const int busy : {429, 500, 503}) {
    const Status s = endpoint_answer_status(busy, "", "the embeddings endpoint", where);
    EXPECT_EQ(s.code(), StatusCode::kUnavailable) << busy;
    EXPECT_NE(s.message().find("answered " + std::to_string(busy)), std::string::npos);
  }
  const Status refused = endpoint_answer_status(401, R"({"error": {"message": "bad key"}})",
                                                "the generation endpoint", where);
  EXPECT_EQ(refused.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(refused.message(), "the generation endpoint " + where + " refused (401): bad key");
}

}  // namespace
}  // namespace repere
