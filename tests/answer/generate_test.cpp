// Optional generation against a stand-in chat endpoint on loopback (OpenAI's
// /v1/chat/completions): kept sentences are those their cited passages say; uncited, invented
// or mis-cited ones are dropped; an endpoint that is down, slow, refusing or talking nonsense
// leaves the library's own sentences as the answer.
#include <gtest/gtest.h>
#include <httplib.h>

#include <atomic>
#include <chrono>
#include <mutex>
#include <nlohmann/json.hpp>
#include <thread>

#include "repere/answer/generate.h"

namespace repere::answer {
namespace {

// An answer as the library gives it for « Qu'est-ce qu'une zéolithe ? »: two passages quoted.
Answer extractive() {
  Answer a;
  a.query = "Qu'est-ce qu'une zéolithe ?";
  a.language = "fr";
  a.answered = true;
  const Source first{.content_id = 7,
                     .title = "Les roches poreuses",
                     .kind = "video",
                     .passage_id = 70,
                     .at_ms = 754000};
  const Source second{.content_id = 9,
                      .title = "Chimie des minéraux",
                      .kind = "document",
                      .passage_id = 90,
                      .page = 3};
  a.sentences = {{.text = "La zéolithe est un minéral poreux.", .source = first},
                 {.text = "Ses pores retiennent les molécules d'eau.", .source = second}};
  a.evidence = {{.source = first,
                 .text = "La zéolithe est un minéral poreux. On la trouve près des volcans."},
                {.source = second,
                 .text = "Ses pores retiennent les molécules d'eau. Elle sèche l'air à 20 % "
                         "d'humidité."}};
  return a;
}

TEST(CheckGenerated, KeepsWhatTheCitedPassagesSayAndDropsTheRest) {
  const auto checked = check_generated(
      "La zéolithe est un minéral poreux qu'on trouve près des volcans [1]. "
      "Ses pores retiennent l'eau [2]. "
      "Elle soigne aussi les maladies de peau [1]. "
      "Elle fut découverte en 1756. "
      "Elle sèche l'air à 45 % d'humidité [2]. "
      "Elle est poreuse [3].",
      extractive().evidence, "fr");
  ASSERT_EQ(checked.size(), 6u);
  EXPECT_TRUE(checked[0].kept) << checked[0].why;
  EXPECT_EQ(checked[0].text, "La zéolithe est un minéral poreux qu'on trouve près des volcans.");
  EXPECT_EQ(checked[0].cites, std::vector<int>{1});
  EXPECT_TRUE(checked[1].kept) << checked[1].why;
  EXPECT_FALSE(checked[2].kept);  // not said by passage 1
  EXPECT_NE(checked[2].why.find("non appuyée"), std::string::npos);
  EXPECT_FALSE(checked[3].kept);
  EXPECT_EQ(checked[3].why, "sans citation");
  EXPECT_FALSE(checked[4].kept);  // a number passage 2 does not give
  EXPECT_NE(checked[4].why.find("45"), std::string::npos);
  EXPECT_FALSE(checked[5].kept);  // there is no passage 3
  EXPECT_NE(checked[5].why.find("[3]"), std::string::npos);
}

TEST(CheckGenerated, CitationsAfterTheFullStopAndSeveralAtOnce) {
  const auto checked = check_generated(
      "**La zéolithe** est un minéral poreux. [1]\n- Ses pores retiennent l'eau [1, 2].",
      extractive().evidence, "fr");
  ASSERT_EQ(checked.size(), 2u);
  EXPECT_TRUE(checked[0].kept) << checked[0].why;
  EXPECT_EQ(checked[0].text, "La zéolithe est un minéral poreux.");
  EXPECT_EQ(checked[1].cites, (std::vector<int>{1, 2}));
  EXPECT_TRUE(checked[1].kept) << checked[1].why;
}

TEST(MakePrompt, HoldsTheQuestionAndOnlyTheQuotedPassages) {
  const Prompt p = make_prompt(extractive());
  EXPECT_NE(p.system.find("uniquement"), std::string::npos);
  EXPECT_NE(p.system.find("[1]"), std::string::npos);
  EXPECT_NE(p.user.find("Qu'est-ce qu'une zéolithe ?"), std::string::npos);
  EXPECT_NE(p.user.find("[1] « Les roches poreuses » : La zéolithe est un minéral poreux."),
            std::string::npos);
  EXPECT_NE(p.user.find("[2] « Chimie des minéraux »"), std::string::npos);
  EXPECT_EQ(p.user.find("[3]"), std::string::npos);
}

TEST(Rephraser, RefusesABadUrlOrAMissingModel) {
  EXPECT_EQ(Rephraser::create({.base_url = "ftp://x", .model = "m"}).status().code(),
            StatusCode::kInvalidArgument);
  const auto no_model = Rephraser::create({.base_url = "http://127.0.0.1:9", .model = ""});
  EXPECT_NE(no_model.status().message().find("answers.generation_model"), std::string::npos);
}

// The stand-in: answers what `reply` says, records what it was asked.
class StandIn : public ::testing::Test {
 protected:
  void SetUp() override {
    server_.Post("/v1/chat/completions", [this](const httplib::Request& req,
                                                httplib::Response& res) {
      ++requests_;
      {
        const std::lock_guard lock(mutex_);
        body_ = nlohmann::json::parse(req.body, nullptr, false);
        authorization_ = req.get_header_value("Authorization");
      }
      if (delay_ms_ > 0) std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms_));
      if (status_ != 200) {
        res.status = status_;
        res.set_content(R"({"error": {"message": "model overloaded"}})", "application/json");
        return;
      }
      if (raw_) {
        res.set_content(reply_, "application/json");
        return;
      }
      const nlohmann::json answer = {{"id", "chatcmpl-1"},
                                     {"object", "chat.completion"},
                                     {"choices",
                                      {{{"index", 0},
                                        {"message", {{"role", "assistant"}, {"content", reply_}}},
                                        {"finish_reason", "stop"}}}}};
      res.set_content(answer.dump(), "application/json");
    });
    port_ = server_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    while (!server_.is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  void TearDown() override {
    server_.stop();
    if (thread_.joinable()) thread_.join();
  }
  std::unique_ptr<Rephraser> rephraser(int timeout = 5) {
    auto r = Rephraser::create({.base_url = "http://127.0.0.1:" + std::to_string(port_) + "/v1",
                                .model = "souverain-7b",
                                .api_key = "cle-secrete",
                                .timeout_seconds = timeout});
    EXPECT_TRUE(r.is_ok()) << r.status().to_string();
    return r.is_ok() ? std::move(*r) : nullptr;
  }

  httplib::Server server_;
  std::thread thread_;
  int port_ = 0;
  std::atomic<int> requests_{0};
  std::mutex mutex_;
  nlohmann::json body_;
  std::string authorization_;
  std::string reply_;
  bool raw_ = false;
  int status_ = 200;
  int delay_ms_ = 0;
};

TEST_F(StandIn, KeepsOnlyCitedSupportedSentencesWithTheirSources) {
  reply_ =
      "La zéolithe est un minéral poreux [1]. Ses pores retiennent les molécules d'eau [2]. "
      "C'est le minéral le plus précieux du monde.";
  const auto r = rephraser();
  const Answer a = with_generation(r.get(), extractive());
  ASSERT_EQ(a.generated_by, "souverain-7b@127.0.0.1:" + std::to_string(port_));
  EXPECT_TRUE(a.generation_problem.empty());
  ASSERT_EQ(a.sentences.size(), 2u);
  EXPECT_EQ(a.sentences[0].text, "La zéolithe est un minéral poreux.");
  EXPECT_EQ(a.sentences[0].source.content_id, 7);
  EXPECT_EQ(a.sentences[0].source.at_ms, 754000);
  EXPECT_EQ(a.sentences[1].source.content_id, 9);
  EXPECT_EQ(a.sentences[1].source.page, 3);
  EXPECT_EQ(a.dropped, 1);
  // What the model was sent: the question, the passages, the model, the key; no more.
  const std::lock_guard lock(mutex_);
  EXPECT_EQ(body_["model"], "souverain-7b");
  EXPECT_EQ(body_["temperature"], 0);
  ASSERT_EQ(body_["messages"].size(), 2u);
  const std::string user = body_["messages"][1]["content"];
  EXPECT_NE(user.find("On la trouve près des volcans."), std::string::npos);
  EXPECT_EQ(authorization_, "Bearer cle-secrete");
  const std::string json = to_json(a);
  EXPECT_NE(json.find(R"("method":"generated")"), std::string::npos);
  EXPECT_NE(json.find(R"("model":"souverain-7b@127.0.0.1:)"), std::string::npos);
}

TEST_F(StandIn, NothingSupportedLeavesTheLibrarysOwnSentences) {
  reply_ = "La zéolithe guérit toutes les maladies [1]. Elle vaut de l'or.";
  const auto r = rephraser();
  const Answer a = with_generation(r.get(), extractive());
  EXPECT_TRUE(a.generated_by.empty());
  EXPECT_EQ(a.sentences.size(), 2u);
  EXPECT_EQ(a.sentences[0].text, "La zéolithe est un minéral poreux.");
  EXPECT_NE(a.generation_problem.find("none of the 2 sentences"), std::string::npos)
      << a.generation_problem;
  EXPECT_NE(to_json(a).find(R"("method":"extractive")"), std::string::npos);
}

TEST_F(StandIn, TheModelSayingItHasNoAnswerLeavesTheLibrarysOwn) {
  reply_ = "AUCUNE RÉPONSE";
  const auto r = rephraser();
  const Answer a = with_generation(r.get(), extractive());
  EXPECT_TRUE(a.generated_by.empty());
  EXPECT_EQ(a.sentences.size(), 2u);
  EXPECT_NE(a.generation_problem.find("found no answer"), std::string::npos);
}

TEST_F(StandIn, OverloadedRefusingOrMalformedLeavesTheLibrarysOwn) {
  const auto r = rephraser();
  status_ = 503;
  Answer a = with_generation(r.get(), extractive());
  EXPECT_TRUE(a.generated_by.empty());
  EXPECT_NE(a.generation_problem.find("answered 503: model overloaded"), std::string::npos)
      << a.generation_problem;
  status_ = 401;
  a = with_generation(r.get(), extractive());
  EXPECT_NE(a.generation_problem.find("refused (401)"), std::string::npos);
  status_ = 200;
  raw_ = true;
  reply_ = R"({"choices": [{"message": {"content": 42}}]})";
  a = with_generation(r.get(), extractive());
  EXPECT_NE(a.generation_problem.find("did not answer a chat completion"), std::string::npos);
  reply_ = "<html>proxy error</html>";
  a = with_generation(r.get(), extractive());
  EXPECT_EQ(a.sentences.size(), 2u);
  EXPECT_FALSE(a.generation_problem.empty());
}

TEST_F(StandIn, SlowerThanItsTimeoutLeavesTheLibrarysOwn) {
  reply_ = "La zéolithe est un minéral poreux [1].";
  delay_ms_ = 2500;
  const auto r = rephraser(1);
  const Answer a = with_generation(r.get(), extractive());
  EXPECT_TRUE(a.generated_by.empty());
  EXPECT_EQ(a.sentences.size(), 2u);
  EXPECT_NE(a.generation_problem.find("did not answer within 1 s"), std::string::npos)
      << a.generation_problem;
}

TEST_F(StandIn, DownLeavesTheLibrarysOwn) {
  const auto r = rephraser();
  server_.stop();
  thread_.join();
  const Answer a = with_generation(r.get(), extractive());
  EXPECT_TRUE(a.generated_by.empty());
  EXPECT_EQ(a.sentences.size(), 2u);
  EXPECT_NE(a.generation_problem.find("cannot reach the generation endpoint"), std::string::npos);
}

TEST_F(StandIn, NoAnswerFromTheLibraryAsksNoModel) {
  reply_ = "La zéolithe est un minéral poreux [1].";
  const auto r = rephraser();
  Answer none;
  none.query = "Qui était Louis XIV ?";
  none.reason = "Je n'ai pas trouvé de réponse dans la médiathèque.";
  const Answer a = with_generation(r.get(), none);
  EXPECT_FALSE(a.answered);
  EXPECT_TRUE(a.sentences.empty());
  EXPECT_EQ(requests_, 0);
  EXPECT_EQ(with_generation(nullptr, extractive()).generation_problem, "");
}

}  // namespace
}  // namespace repere::answer
