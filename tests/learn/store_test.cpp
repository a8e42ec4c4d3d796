// Activities: validation, grading, and the store on a real catalog (keys, classes, pupils,
// answers that survive reopening, results per class, CSV).
#include <gtest/gtest.h>

#include "../catalog/test_catalog.h"
#include "repere/learn/activity.h"
#include "repere/learn/schema.h"
#include "repere/learn/store.h"
#include "repere/learn/xapi.h"

#include <nlohmann/json.hpp>

namespace repere::learn {
namespace {

using catalog::open_or_die;

// A catalog with the learn module's tables.
catalog::OpenOptions with_learn() {
  catalog::OpenOptions o;
  o.modules = {&schema()};
  return o;
}

Interaction definition(std::int64_t at) {
  Interaction x;
  x.at_ms = at;
  x.type = InteractionType::kDefinition;
  x.term = "chlorophylle";
  x.definition = "Pigment vert qui capte la lumière.";
  return x;
}

Interaction choice(std::int64_t at) {
  Interaction x;
  x.at_ms = at;
  x.type = InteractionType::kChoice;
  x.question = "Que fabrique la plante ?";
  x.choices = {{"Du glucose", true, "Oui : du sucre."},
               {"Du sel", false, "Non, pas de sel."},
               {"De l'oxygène", true, ""}};
  x.wrong_goto_ms = 60000;
  return x;
}

Interaction true_false(std::int64_t at) {
  Interaction x;
  x.at_ms = at;
  x.type = InteractionType::kTrueFalse;
  x.question = "La photosynthèse a lieu la nuit.";
  x.answer_true = false;
  x.feedback_wrong = "Il faut de la lumière.";
  return x;
}

Activity sample(catalog::Id content_id) {
  Activity a;
  a.content_id = content_id;
  a.title = "La photosynthèse en 4 minutes";
  a.start_ms = 60000;
  a.end_ms = 300000;
  a.interactions = {definition(70000), choice(120000), true_false(200000)};
  return a;
}

// What is wrong comes as a field, a message key and its values, so that pages translate it
// from their own table; the API's English text is made from the same key.
TEST(Problems, NameTheFieldAKeyAndTheValues) {
  Activity a;
  a.title = "Photosynthèse";
  a.start_ms = 0;
  a.end_ms = 90000;
  EXPECT_FALSE(find_problem(a, 120000).has_value());
  const auto long_clip = find_problem(a, 60000);
  ASSERT_TRUE(long_clip.has_value());
  EXPECT_EQ(long_clip->field, "end_ms");
  EXPECT_EQ(long_clip->key, "clip.after_media");
  EXPECT_EQ(long_clip->args, (std::vector<std::string>{"01:30", "01:00"}));
  EXPECT_EQ(long_clip->english(), "the clip ends (01:30) after the video (01:00)");
  EXPECT_EQ(validate(a, 60000).message(), "end_ms: the clip ends (01:30) after the video (01:00)");
  Interaction q;
  q.type = InteractionType::kChoice;
  q.at_ms = 10000;
  q.question = "Quel pigment ?";
  q.choices = {{"chlorophylle", false, ""}, {"carotène", false, ""}};
  a.interactions = {q};
  const auto none_right = find_problem(a);
  ASSERT_TRUE(none_right.has_value());
  EXPECT_EQ(none_right->field, "interactions[0].choices");
  EXPECT_EQ(none_right->key, "choices.none_right");
  EXPECT_EQ(fill_message("{0} puis {1}, {0}", {"a", "b"}), "a puis b, a");
}

TEST(Activity, ValidationNamesTheField) {
  Activity a = sample(1);
  EXPECT_TRUE(validate(a).is_ok());

  Activity outside = a;
  outside.interactions[1].at_ms = 400000;
  const Status s = validate(outside);
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(s.message().find("interactions[1].at_ms"), std::string::npos) << s.message();
  EXPECT_NE(s.message().find("06:40 is outside the clip 01:00–05:00"), std::string::npos)
      << s.message();

  Activity no_right = a;
  for (Choice& c : no_right.interactions[1].choices) c.correct = false;
  EXPECT_NE(validate(no_right).message().find("interactions[1].choices: mark at least one"),
            std::string::npos);

  Activity empty_term = a;
  empty_term.interactions[0].term = "  ";
  EXPECT_NE(validate(empty_term).message().find("interactions[0].term"), std::string::npos);

  Activity backwards = a;
  backwards.end_ms = 30000;
  EXPECT_NE(validate(backwards).message().find("end_ms"), std::string::npos);
  EXPECT_NE(validate(a, 200000).message().find("after the video"), std::string::npos);

  Activity bad_jump = a;
  bad_jump.interactions[1].wrong_goto_ms = 10;
  EXPECT_NE(validate(bad_jump).message().find("interactions[1].wrong_goto_ms"), std::string::npos);

  Activity no_blank = a;
  Interaction b;
  b.type = InteractionType::kBlanks;
  b.at_ms = 100000;
  b.text = "Pas de trou ici.";
  no_blank.interactions.push_back(b);
  EXPECT_NE(validate(no_blank).message().find("interactions[3].text"), std::string::npos);
}

TEST(Activity, GradesEachKindOfQuestion) {
  const Interaction c = choice(0);
  auto all_right = grade(c, {.chosen = {0, 2}});
  ASSERT_TRUE(all_right.is_ok());
  EXPECT_EQ(all_right->correct, true);
  EXPECT_EQ(all_right->score, 2);
  EXPECT_FALSE(all_right->goto_ms);
  auto half = grade(c, {.chosen = {0, 1}});
  ASSERT_TRUE(half.is_ok());
  EXPECT_EQ(half->correct, false);
  EXPECT_EQ(half->score, 0);  // one right, one wrong
  EXPECT_EQ(half->goto_ms, 60000);
  EXPECT_EQ(half->feedback, (std::vector<std::string>{"Oui : du sucre.", "Non, pas de sel."}));
  EXPECT_EQ(grade(c, {.chosen = {7}}).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(grade(c, {}).status().code(), StatusCode::kInvalidArgument);

  const Interaction tf = true_false(0);
  EXPECT_EQ(grade(tf, {.answer = false})->correct, true);
  EXPECT_EQ(grade(tf, {.answer = true})->feedback,
            std::vector<std::string>{"Il faut de la lumière."});
  EXPECT_FALSE(grade(tf, {}).is_ok());

  Interaction b;
  b.type = InteractionType::kBlanks;
  b.text = "La *chlorophylle* capte la *lumière/lumiere du soleil*.";
  EXPECT_EQ(blanks_of(b.text), (std::vector<std::vector<std::string>>{
                                   {"chlorophylle"}, {"lumière", "lumiere du soleil"}}));
  const auto blanks = grade(b, {.blanks = {" Chlorophylle ", "LUMIÈRE"}});
  ASSERT_TRUE(blanks.is_ok());
  EXPECT_EQ(blanks->correct, true);
  EXPECT_EQ(blanks->score, 2);
  const auto accent = grade(b, {.blanks = {"chlorophyle", "lumiere  du   soleil"}});
  EXPECT_EQ(accent->score, 1);
  EXPECT_FALSE(grade(b, {.blanks = {"un"}}).is_ok());

  Interaction open;
  open.type = InteractionType::kOpen;
  open.question = "Pourquoi les feuilles sont-elles vertes ?";
  EXPECT_FALSE(grade(open, {.text = "À cause de la chlorophylle"})->correct.has_value());
  EXPECT_FALSE(grade(definition(0), {}).is_ok());
}

class Store : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = open_or_die(dir_.path() / "catalog.sqlite", with_learn());
    ASSERT_TRUE(db_);
    auto video = catalog::ContentRepository(*db_).insert(catalog::sample_content());
    ASSERT_TRUE(video.is_ok());
    video_ = *video;
    auto doc = catalog::sample_content("Un PDF");
    doc.kind = catalog::ContentKind::kDocument;
    doc.media_path = "/media/un.pdf";
    auto pdf = catalog::ContentRepository(*db_).insert(doc);
    ASSERT_TRUE(pdf.is_ok());
    pdf_ = *pdf;
  }
  testing::TempDir dir_;
  std::unique_ptr<catalog::Database> db_;
  catalog::Id video_ = 0, pdf_ = 0;
};

TEST_F(Store, OnlyTheEditKeyChangesAnActivity) {
  ActivityStore store(*db_);
  auto made = store.create(sample(video_));
  ASSERT_TRUE(made.is_ok()) << made.status().to_string();
  EXPECT_EQ(made->edit_key.size(), 32u);
  EXPECT_EQ(catalog::count_rows(*db_, "interaction"), 3);

  auto got = store.get(made->id);
  ASSERT_TRUE(got.is_ok());
  ASSERT_EQ(got->interactions.size(), 3u);
  EXPECT_EQ(got->interactions[1].choices[0].feedback, "Oui : du sucre.");
  EXPECT_EQ(got->interactions[1].wrong_goto_ms, 60000);

  std::string wrong = made->edit_key;
  wrong[0] = wrong[0] == 'a' ? 'b' : 'a';
  Activity changed = *got;
  changed.title = "Piraté";
  for (const std::string& key : {wrong, std::string(""), std::string("x")}) {
    EXPECT_EQ(store.update(changed, key).code(), StatusCode::kNotFound);
    EXPECT_EQ(store.get_for_edit(made->id, key).status().code(), StatusCode::kNotFound);
    EXPECT_EQ(store.add_class(made->id, key, "5e B").status().code(), StatusCode::kNotFound);
    EXPECT_EQ(store.remove(made->id, key).code(), StatusCode::kNotFound);
  }
  EXPECT_EQ(store.get(made->id)->title, "La photosynthèse en 4 minutes");

  // With the key: move the question, drop the definition, add a chapter.
  changed.title = "La photosynthèse";
  changed.interactions.erase(changed.interactions.begin());
  changed.interactions[0].at_ms = 130000;
  Interaction chapter;
  chapter.type = InteractionType::kChapter;
  chapter.at_ms = 60000;
  chapter.title = "Introduction";
  changed.interactions.push_back(chapter);
  ASSERT_TRUE(store.update(changed, made->edit_key).is_ok());
  auto after = store.get_for_edit(made->id, made->edit_key);
  ASSERT_TRUE(after.is_ok());
  EXPECT_EQ(after->title, "La photosynthèse");
  ASSERT_EQ(after->interactions.size(), 3u);
  EXPECT_EQ(after->interactions[0].type, InteractionType::kChapter);  // time order
  EXPECT_EQ(after->interactions[1].at_ms, 130000);
  EXPECT_EQ(after->interactions[1].id, got->interactions[1].id);  // kept its id

  Activity foreign = *after;
  foreign.interactions[0].id = 9999;
  EXPECT_EQ(store.update(foreign, made->edit_key).code(), StatusCode::kInvalidArgument);
}

TEST_F(Store, RefusesWhatCannotBeAnInteractiveVideo) {
  ActivityStore store(*db_);
  EXPECT_NE(store.create(sample(pdf_)).status().message().find("needs a video"), std::string::npos);
  EXPECT_EQ(store.create(sample(424242)).status().code(), StatusCode::kInvalidArgument);
  Activity too_long = sample(video_);
  too_long.end_ms = 2 * 60 * 60 * 1000;  // the video lasts 1h30
  EXPECT_NE(store.create(too_long).status().message().find("after the video"), std::string::npos);
  EXPECT_EQ(catalog::count_rows(*db_, "activity"), 0);
}

TEST_F(Store, ClassesKeepTheirOwnResultsAndAnswersSurviveReopening) {
  std::string key;
  catalog::Id activity = 0, class_a = 0, class_b = 0;
  std::string code_a, code_b;
  std::vector<catalog::Id> q;
  {
    ActivityStore store(*db_);
    auto made = store.create(sample(video_));
    ASSERT_TRUE(made.is_ok());
    key = made->edit_key;
    activity = made->id;
    const auto stored = store.get(activity);
    ASSERT_TRUE(stored.is_ok());
    for (const Interaction& x : stored->interactions) q.push_back(x.id);
    auto a = store.add_class(activity, key, " 5e B ");
    auto b = store.add_class(activity, key, "5e C");
    ASSERT_TRUE(a.is_ok() && b.is_ok());
    EXPECT_EQ(a->name, "5e B");
    EXPECT_EQ(a->code.size(), 9u);  // 44.6 bits: not to be guessed
    EXPECT_EQ(a->code.find_first_of("0O1IL"), std::string::npos);
    EXPECT_NE(a->code, b->code);
    class_a = a->id;
    class_b = b->id;
    code_a = a->code;
    code_b = b->code;
    EXPECT_EQ(store.add_class(activity, key, "  ").status().code(), StatusCode::kInvalidArgument);

    // Class A: Léa answers the choice wrong then right, and the true/false right.
    std::string lowered = code_a;
    for (char& c : lowered) c = static_cast<char>(std::tolower(c));
    auto lea = store.join(lowered.substr(0, 3) + " " + lowered.substr(3), "Léa");
    ASSERT_TRUE(lea.is_ok()) << lea.status().to_string();
    EXPECT_EQ(store.answer(*lea, q[1], {.chosen = {1}}, 1000)->goto_ms, 60000);
    EXPECT_EQ(store.answer(*lea, q[1], {.chosen = {0, 2}}, 5000)->correct, true);
    EXPECT_EQ(store.answer(*lea, q[2], {.answer = false}, 9000)->correct, true);
    // Tom answers the choice wrong.
    auto tom = store.join(code_a, "Tom");
    ASSERT_TRUE(tom.is_ok());
    EXPECT_EQ(store.answer(*tom, q[1], {.chosen = {1}}, 3000)->correct, false);
    // A definition is not a question; another activity's interaction is refused.
    EXPECT_EQ(store.answer(*tom, q[0], {}, 0).status().code(), StatusCode::kInvalidArgument);
    EXPECT_EQ(store.answer(*tom, 424242, {}, 0).status().code(), StatusCode::kNotFound);
    // Class B: Zoé answers the true/false wrong.
    auto zoe = store.join(code_b, "Zoé");
    ASSERT_TRUE(zoe.is_ok());
    EXPECT_EQ(store.answer(*zoe, q[2], {.answer = true}, 2000)->correct, false);
    EXPECT_EQ(store.join("ZZZZZZ", "Max").status().code(), StatusCode::kNotFound);
    EXPECT_EQ(store.join(code_b, "   ").status().code(), StatusCode::kInvalidArgument);
    // A pupil comes back with the token.
    auto again = store.pupil_by_token(lea->token);
    ASSERT_TRUE(again.is_ok());
    EXPECT_EQ(again->pseudonym, "Léa");
    EXPECT_EQ(store.pupil_by_token(std::string(32, '0')).status().code(), StatusCode::kNotFound);
  }
  // Reopened, as after a server restart.
  db_.reset();
  db_ = open_or_die(dir_.path() / "catalog.sqlite", with_learn());
  ActivityStore store(*db_);
  auto a = store.results(activity, key, class_a);
  ASSERT_TRUE(a.is_ok()) << a.status().to_string();
  ASSERT_EQ(a->pupils.size(), 2u);
  EXPECT_EQ(a->pupils[0].pseudonym, "Léa");
  // The counted answer per question: by default the first (a retry does not raise the score).
  EXPECT_EQ(a->pupils[0].answers.size(), 2u);
  EXPECT_EQ(a->pupils[0].number, 1);
  EXPECT_EQ(a->pupils[0].answers[0].attempt, 1);
  EXPECT_EQ(a->pupils[0].answers[0].attempts, 2);
  EXPECT_EQ(a->pupils[0].score, 1);
  EXPECT_EQ(a->pupils[0].max_score, 3);
  EXPECT_EQ(a->pupils[1].pseudonym, "Tom");
  EXPECT_EQ(a->pupils[1].number, 2);
  EXPECT_EQ(a->pupils[1].score, 0);
  EXPECT_EQ(a->pupils[1].max_score, 3);  // out of every graded question, answered or not
  ASSERT_EQ(a->questions.size(), 2u);
  EXPECT_EQ(a->questions[0].answered, 2);
  EXPECT_EQ(a->questions[0].right, 0);
  EXPECT_DOUBLE_EQ(a->questions[0].success_rate, 0);
  ASSERT_EQ(a->questions[0].common_wrong.size(), 1u);
  EXPECT_EQ(a->questions[0].common_wrong[0], (std::pair<std::string, int>{"Du sel", 2}));
  EXPECT_EQ(a->questions[1].answered, 1);  // Zoé's answer is class B's

  auto b = store.results(activity, key, class_b);
  ASSERT_TRUE(b.is_ok());
  ASSERT_EQ(b->pupils.size(), 1u);
  EXPECT_EQ(b->pupils[0].pseudonym, "Zoé");
  EXPECT_EQ(b->questions[1].common_wrong[0].first, "vrai");

  std::string wrong = key;
  wrong[5] = wrong[5] == 'f' ? 'e' : 'f';
  EXPECT_EQ(store.results(activity, wrong, class_a).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(store.results_csv(activity, wrong, class_a).status().code(), StatusCode::kNotFound);

  auto csv = store.results_csv(activity, key, class_a);
  ASSERT_TRUE(csv.is_ok());
  EXPECT_EQ(csv->rfind("\xEF\xBB\xBF"
                       "classe;numéro;pseudonyme;moment;",
                       0),
            0u);
  EXPECT_NE(csv->find("5e B;1;Léa;02:00;choice;Que fabrique la plante ?;Du sel;non;0;2;1;2;"),
            std::string::npos)
      << *csv;
  EXPECT_NE(csv->find("5e B;2;Tom;02:00;choice;Que fabrique la plante ?;Du sel;non;0;2;1;1;"),
            std::string::npos);
  EXPECT_EQ(csv->find("Zoé"), std::string::npos);

  // Deleting the activity deletes its classes, pupils and answers.
  ASSERT_TRUE(store.remove(activity, key).is_ok());
  EXPECT_EQ(catalog::count_rows(*db_, "answer"), 0);
  EXPECT_EQ(catalog::count_rows(*db_, "pupil"), 0);
}

TEST(Activity, ReadsTimesAsTeachersTypeThem) {
  EXPECT_EQ(parse_clock("83"), 83000);
  EXPECT_EQ(parse_clock("1:23"), 83000);
  EXPECT_EQ(parse_clock(" 01:23,5 "), 83500);
  EXPECT_EQ(parse_clock("1:02:03.25"), 3723250);
  EXPECT_EQ(parse_clock("0:07.125"), 7125);
  for (const char* bad :
       {"", "  ", "1:", ":30", "1:60", "a:30", "1:2:3:4", "1.2.3", "-5", "99999999999999999"})
    EXPECT_FALSE(parse_clock(bad).has_value()) << bad;
  EXPECT_EQ(clock_tenths(83500), "01:23.5");
  EXPECT_EQ(clock_tenths(83000), "01:23");
  EXPECT_EQ(parse_clock(clock_tenths(3723400)), 3723400);
}

TEST(Xapi, StatementsFollowTheVideoProfile) {
  Activity a = sample(1);
  a.id = 7;
  for (std::size_t i = 0; i < a.interactions.size(); ++i)
    a.interactions[i].id = static_cast<Id>(i + 1);
  const ClassShare share{3, 7, "K7M2QX", "5e B", ""};
  const Pupil pupil{12, 3, "Léa", ""};
  const XapiWho who{"http://ecole.example:8080", &a, &share, &pupil, "sess"};
  auto paused = video_statement(who, {"paused", 75.25, 0, 0.1});
  ASSERT_TRUE(paused.is_ok());
  const nlohmann::json& p = *paused;
  EXPECT_EQ(p["verb"]["id"], "https://w3id.org/xapi/video/verbs/paused");
  EXPECT_EQ(p["actor"]["account"]["name"], "classe-K7M2QX/eleve-12");
  EXPECT_FALSE(p["actor"].contains("mbox"));
  EXPECT_EQ(p["object"]["id"], "http://ecole.example:8080/activites/7");
  EXPECT_EQ(p["result"]["extensions"]["https://w3id.org/xapi/video/extensions/time"], 75.25);
  EXPECT_EQ(p["context"]["extensions"]["https://w3id.org/xapi/video/extensions/length"], 240.0);
  EXPECT_EQ(p["context"]["contextActivities"]["category"][0]["id"], "https://w3id.org/xapi/video");
  EXPECT_EQ(p["id"].get<std::string>().size(), 36u);
  auto seeked = video_statement(who, {"seeked", 90, 80, 0.2});
  ASSERT_TRUE(seeked.is_ok());
  EXPECT_EQ((*seeked)["result"]["extensions"]["https://w3id.org/xapi/video/extensions/time-from"],
            80.0);
  EXPECT_EQ(video_statement(who, {"danced", 1, 0, 0}).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(video_statement(who, {"played", -1, 0, 0}).status().code(),
            StatusCode::kInvalidArgument);

  const Interaction& q = a.interactions[1];  // choice: 0 and 2 are right
  Response r;
  r.chosen = {0, 1};
  const auto g = grade(q, r);
  ASSERT_TRUE(g.is_ok());
  const nlohmann::json s = answered_statement(who, q, r, *g, 12500);
  EXPECT_EQ(s["verb"]["id"], "http://adlnet.gov/expapi/verbs/answered");
  EXPECT_EQ(s["object"]["id"], "http://ecole.example:8080/activites/7/interactions/2");
  EXPECT_EQ(s["object"]["definition"]["interactionType"], "choice");
  EXPECT_EQ(s["object"]["definition"]["correctResponsesPattern"][0], "choix-0[,]choix-2");
  EXPECT_EQ(s["result"]["response"], "choix-0[,]choix-1");
  EXPECT_EQ(s["result"]["success"], false);
  EXPECT_EQ(s["result"]["duration"], "PT12.50S");
  EXPECT_EQ(s["context"]["contextActivities"]["parent"][0]["id"],
            "http://ecole.example:8080/activites/7");
}

TEST_F(Store, KeepsStatementsForTheKeyAndTheLrs) {
  ActivityStore store(*db_);
  auto made = store.create(sample(video_));
  ASSERT_TRUE(made.is_ok());
  ASSERT_TRUE(store.record_statement(made->id, std::nullopt, R"({"n":1})").is_ok());
  ASSERT_TRUE(store.record_statement(made->id, std::nullopt, R"({"n":2})").is_ok());
  EXPECT_EQ(store.statements_json(made->id, std::string(32, '0')).status().code(),
            StatusCode::kNotFound);
  auto all = store.statements_json(made->id, made->edit_key);
  ASSERT_TRUE(all.is_ok());
  EXPECT_EQ(nlohmann::json::parse(*all).size(), 2u);
  auto unsent = store.unsent_statements(1);
  ASSERT_TRUE(unsent.is_ok());
  ASSERT_EQ(unsent->size(), 1u);
  ASSERT_TRUE(store.mark_sent({unsent->front().id}).is_ok());
  unsent = store.unsent_statements(10);
  ASSERT_EQ(unsent->size(), 1u);
  EXPECT_EQ(unsent->front().statement, R"({"n":2})");
}

// ---------------------------------------------------------------------------------------------
// Attempts: how many a pupil may give, which one counts, and the score out of every graded
// question (round 1: retries counted only the last answer, the score was out of the questions
// answered, an open question showed « Réussite 0 % », two « Léa » could not be told apart).

TEST(AttemptRules, TheFirstAttemptCountsUnderTheFirstRule) {
  const std::vector<Attempt> tries = {{false, 0, 2}, {true, 2, 2}, {false, 1, 2}};
  EXPECT_EQ(counted_attempt(tries, Counting::kFirst), 0u);
  EXPECT_EQ(counted_attempt({}, Counting::kFirst), std::nullopt);
}

TEST(AttemptRules, TheBestAttemptCountsUnderTheBestRuleTheEarliestOfEqualBests) {
  EXPECT_EQ(counted_attempt({{false, 0, 2}, {true, 2, 2}, {false, 1, 2}}, Counting::kBest), 1u);
  EXPECT_EQ(counted_attempt({{false, 1, 2}, {false, 1, 2}}, Counting::kBest), 0u);
  EXPECT_EQ(counted_attempt({{false, 0, 1}}, Counting::kBest), 0u);
}

TEST(AttemptRules, AttemptsLeftAreUnlimitedOrCountedDown) {
  Settings s;
  EXPECT_EQ(attempts_left(s, 7), std::nullopt);  // 0: unlimited
  s.attempts = 2;
  EXPECT_EQ(attempts_left(s, 0), 2);
  EXPECT_EQ(attempts_left(s, 1), 1);
  EXPECT_EQ(attempts_left(s, 2), 0);
  EXPECT_EQ(attempts_left(s, 5), 0);
  Activity a = sample(1);
  a.settings.attempts = kMaxAttempts + 1;
  const auto p = find_problem(a);
  ASSERT_TRUE(p.has_value());
  EXPECT_EQ(p->field, "settings.attempts");
  a.settings.attempts = -1;
  EXPECT_TRUE(find_problem(a).has_value());
}

TEST(AttemptRules, EachQuestionIsWorthItsRightChoicesOrBlanksOpenQuestionsNothing) {
  EXPECT_EQ(max_score(choice(0)), 2);
  EXPECT_EQ(max_score(true_false(0)), 1);
  Interaction b;
  b.type = InteractionType::kBlanks;
  b.text = "La *chlorophylle* capte la *lumière*.";
  EXPECT_EQ(max_score(b), 2);
  Interaction open;
  open.type = InteractionType::kOpen;
  EXPECT_EQ(max_score(open), 0);
  EXPECT_FALSE(is_graded(InteractionType::kOpen));
  EXPECT_EQ(max_score(definition(0)), 0);
}

// Three graded questions worth one point each, and an open one.
Activity three_graded(catalog::Id content_id, int attempts, Counting counting) {
  Activity a;
  a.content_id = content_id;
  a.title = "Trois questions";
  a.start_ms = 60000;
  a.end_ms = 300000;
  a.settings.attempts = attempts;
  a.settings.counting = counting;
  Interaction tf1 = true_false(100000);
  Interaction tf2 = true_false(150000);
  tf2.question = "Les racines captent la lumière.";
  Interaction blanks;
  blanks.at_ms = 200000;
  blanks.type = InteractionType::kBlanks;
  blanks.text = "La *chlorophylle* est verte.";
  Interaction open;
  open.at_ms = 250000;
  open.type = InteractionType::kOpen;
  open.question = "Qu'as-tu retenu ?";
  a.interactions = {tf1, tf2, blanks, open};
  return a;
}

struct Played {
  Id activity = 0;
  std::string key;
  Id class_id = 0;
  std::vector<Id> q;
};

Played play(ActivityStore& store, const Activity& a) {
  Played out;
  auto made = store.create(a);
  EXPECT_TRUE(made.is_ok()) << made.status().to_string();
  out.activity = made->id;
  out.key = made->edit_key;
  const auto stored = store.get(made->id);
  for (const Interaction& x : stored->interactions) out.q.push_back(x.id);
  auto share = store.add_class(made->id, made->edit_key, "5e A");
  out.class_id = share->id;
  return out;
}

TEST_F(Store, AThirdAnswerIsRefusedWhenTwoAttemptsAreAllowed) {
  ActivityStore store(*db_);
  const Played p = play(store, three_graded(video_, 2, Counting::kFirst));
  auto share = store.classes(p.activity, p.key);
  auto lea = store.join(share->front().code, "Léa");
  ASSERT_TRUE(lea.is_ok());
  const auto first = store.answer(*lea, p.q[0], {.answer = true}, 1000);
  ASSERT_TRUE(first.is_ok()) << first.status().to_string();
  EXPECT_EQ(first->attempts_left, 1);
  const auto second = store.answer(*lea, p.q[0], {.answer = false}, 2000);
  ASSERT_TRUE(second.is_ok());
  EXPECT_EQ(second->attempts_left, 0);
  const auto third = store.answer(*lea, p.q[0], {.answer = false}, 3000);
  EXPECT_EQ(third.status().code(), StatusCode::kPermissionDenied) << third.status().to_string();
  EXPECT_EQ(catalog::count_rows(*db_, "answer"), 2);  // nothing kept of the refused one
  // Another question still has its own attempts.
  EXPECT_EQ(store.answer(*lea, p.q[1], {.answer = false}, 4000)->attempts_left, 1);
  const auto progress = store.progress(*lea);
  ASSERT_TRUE(progress.is_ok());
  EXPECT_EQ(progress->questions[0].attempts_left, 0);
  EXPECT_EQ(progress->questions[1].attempts_left, 1);
  EXPECT_EQ(progress->questions[2].attempts_left, 2);
}

TEST_F(Store, TheScoreIsOutOfEveryGradedQuestionAnsweredOrNot) {
  ActivityStore store(*db_);
  const Played p = play(store, three_graded(video_, 0, Counting::kFirst));
  auto lea = store.join(store.classes(p.activity, p.key)->front().code, "Léa");
  ASSERT_TRUE(store.answer(*lea, p.q[0], {.answer = false}, 1000)->correct.value());
  const auto progress = store.progress(*lea);
  ASSERT_TRUE(progress.is_ok());
  EXPECT_EQ(progress->score, 1);
  EXPECT_EQ(progress->max_score, 3);  // one right answer of three graded questions: 1 / 3
  EXPECT_EQ(progress->graded, 3);
  EXPECT_EQ(progress->right, 1);
  EXPECT_TRUE(progress->can_retry);  // unlimited attempts, two questions unanswered
  ASSERT_EQ(progress->questions.size(), 4u);
  EXPECT_FALSE(progress->questions[3].graded);
  const auto results = store.results(p.activity, p.key, p.class_id);
  ASSERT_TRUE(results.is_ok());
  EXPECT_EQ(results->pupils[0].score, 1);
  EXPECT_EQ(results->pupils[0].max_score, 3);
}

TEST_F(Store, RetriesDoNotRaiseTheScoreUnderTheFirstRuleAndDoUnderTheBest) {
  for (const Counting rule : {Counting::kFirst, Counting::kBest}) {
    ActivityStore store(*db_);
    const Played p = play(store, three_graded(video_, 3, rule));
    auto tom = store.join(store.classes(p.activity, p.key)->front().code, "Tom");
    ASSERT_FALSE(store.answer(*tom, p.q[2], {.blanks = {"chlorophyle"}}, 1000)->correct.value());
    ASSERT_TRUE(store.answer(*tom, p.q[2], {.blanks = {"chlorophylle"}}, 2000)->correct.value());
    ASSERT_FALSE(store.answer(*tom, p.q[2], {.blanks = {"verte"}}, 3000)->correct.value());
    const auto r = store.results(p.activity, p.key, p.class_id);
    ASSERT_TRUE(r.is_ok());
    ASSERT_EQ(r->pupils[0].answers.size(), 1u);
    EXPECT_EQ(r->pupils[0].score, rule == Counting::kBest ? 1 : 0) << to_string(rule);
    EXPECT_EQ(r->pupils[0].answers[0].attempt, rule == Counting::kBest ? 2 : 1);
    EXPECT_EQ(r->pupils[0].answers[0].attempts, 3);
    EXPECT_EQ(store.progress(*tom)->questions[2].attempts_left, 0);
  }
}

TEST_F(Store, TwoPupilsOfTheSameNameAreToldApart) {
  ActivityStore store(*db_);
  const Played p = play(store, three_graded(video_, 0, Counting::kFirst));
  const std::string code = store.classes(p.activity, p.key)->front().code;
  ASSERT_TRUE(store.join(code, "Léa").is_ok());
  ASSERT_TRUE(store.join(code, "Léa").is_ok());
  const auto r = store.results(p.activity, p.key, p.class_id);
  ASSERT_EQ(r->pupils.size(), 2u);
  EXPECT_EQ(r->pupils[0].number, 1);
  EXPECT_EQ(r->pupils[1].number, 2);
  const auto csv = store.results_csv(p.activity, p.key, p.class_id);
  ASSERT_TRUE(csv.is_ok());
}

TEST_F(Store, OpenQuestionsAreListedNotScored) {
  ActivityStore store(*db_);
  const Played p = play(store, three_graded(video_, 0, Counting::kFirst));
  auto zoe = store.join(store.classes(p.activity, p.key)->front().code, "Zoé");
  ASSERT_TRUE(store.answer(*zoe, p.q[3], {.text = "La lumière fait pousser"}, 1000).is_ok());
  const auto r = store.results(p.activity, p.key, p.class_id);
  ASSERT_TRUE(r.is_ok());
  const QuestionResult& open = r->questions[3];
  EXPECT_FALSE(open.graded);
  EXPECT_EQ(open.answered, 1);
  EXPECT_EQ(open.responses, std::vector<std::string>{"La lumière fait pousser"});
  EXPECT_EQ(r->pupils[0].score, 0);
  EXPECT_EQ(r->pupils[0].max_score, 3);  // the open question adds nothing to « sur »
  const auto csv = store.results_csv(p.activity, p.key, p.class_id);
  EXPECT_NE(csv->find("La lumière fait pousser;non notée;0;0;"), std::string::npos) << *csv;
}

TEST_F(Store, AttemptSettingsSurviveReopening) {
  Id id = 0;
  {
    ActivityStore store(*db_);
    id = play(store, three_graded(video_, 2, Counting::kBest)).activity;
  }
  db_.reset();
  db_ = open_or_die(dir_.path() / "catalog.sqlite", with_learn());
  const auto a = ActivityStore(*db_).get(id);
  ASSERT_TRUE(a.is_ok());
  EXPECT_EQ(a->settings.attempts, 2);
  EXPECT_EQ(a->settings.counting, Counting::kBest);
}

// Round 1: the default clip ran from the moment to the end of the video, and ended
// mid-sentence. It is the moment, from its sentence's start to a sentence's end.
TEST(SentenceClip, ARoundMomentStartsAndEndsWithItsSentences) {
  const std::vector<TimedLine> lines = {
      {0, 2000, "Bonjour à tous."},
      {2000, 5000, "Aujourd'hui nous parlons"},
      {5000, 8000, "de la photosynthèse."},
      {8000, 11000, "La chlorophylle capte la lumière,"},
      {11000, 14000, "puis la plante fabrique du glucose."},
      {14000, 17000, "Passons aux racines."},
  };
  // A moment found from 5.5 s to 12 s: its sentence starts at 2 s, the next ends at 14 s.
  EXPECT_EQ(sentence_clip(lines, 5500, 12000, 20000),
            (std::pair<std::int64_t, std::int64_t>{2000, 14000}));
  // A moment that starts and ends on sentences stays as it is.
  EXPECT_EQ(sentence_clip(lines, 8000, 14000, 20000),
            (std::pair<std::int64_t, std::int64_t>{8000, 14000}));
  // Never past the media's end.
  EXPECT_EQ(sentence_clip(lines, 14000, 16000, 16500).second, 16500);
  EXPECT_TRUE(ends_sentence("« Qu'est-ce que c'est ? »"));
  EXPECT_TRUE(ends_sentence("on verra plus loin (page 3)."));
  EXPECT_TRUE(ends_sentence("Et ensuite…"));
  EXPECT_FALSE(ends_sentence("La chlorophylle capte la lumière,"));
}

TEST(SentenceClip, NoSentenceWithinReachKeepsTheLines) {
  std::vector<TimedLine> lines;
  for (int i = 0; i < 40; ++i) lines.push_back({i * 2000, i * 2000 + 2000, "sans point"});
  const auto [start, end] = sentence_clip(lines, 41000, 50000, 80000);
  EXPECT_EQ(start, 40000);  // the line at the moment: no sentence starts within 30 s before
  EXPECT_EQ(end, 50000);    // the last line ending by the moment's end
}

TEST_F(Store, ADuplicateHasTheInteractionsButNoClassNorAnswer) {
  ActivityStore store(*db_);
  const Played p = play(store, three_graded(video_, 2, Counting::kBest));
  auto lea = store.join(store.classes(p.activity, p.key)->front().code, "Léa");
  ASSERT_TRUE(store.answer(*lea, p.q[0], {.answer = false}, 1000).is_ok());
  EXPECT_EQ(store.duplicate(p.activity, "wrong-key", std::nullopt).status().code(),
            StatusCode::kNotFound);
  const auto copy = store.duplicate(p.activity, p.key, std::nullopt);
  ASSERT_TRUE(copy.is_ok()) << copy.status().to_string();
  EXPECT_NE(copy->id, p.activity);
  EXPECT_NE(copy->edit_key, p.key);
  const auto a = store.get(copy->id);
  ASSERT_TRUE(a.is_ok());
  EXPECT_EQ(a->title, "Trois questions (copie)");
  EXPECT_EQ(a->interactions.size(), 4u);
  EXPECT_EQ(a->settings.attempts, 2);
  EXPECT_EQ(a->settings.counting, Counting::kBest);
  EXPECT_NE(a->interactions[0].id, p.q[0]);  // its own interactions, sharing no answers
  EXPECT_TRUE(store.classes(copy->id, copy->edit_key)->empty());
  EXPECT_EQ(store.classes(p.activity, p.key)->size(), 1u);  // the original keeps its class
}

TEST_F(Store, ResultsSayHowFarEachPupilWatched) {
  ActivityStore store(*db_);
  const Played p = play(store, three_graded(video_, 0, Counting::kFirst));
  const std::string code = store.classes(p.activity, p.key)->front().code;
  auto lea = store.join(code, "Léa");
  auto tom = store.join(code, "Tom");
  const std::string ext = "https://w3id.org/xapi/video/extensions/progress";
  for (const double progress : {0.2, 0.65, 0.4}) {
    nlohmann::json s = {{"result", {{"extensions", {{ext, progress}}}}}};
    ASSERT_TRUE(store.record_statement(p.activity, lea->id, s.dump()).is_ok());
  }
  const auto r = store.results(p.activity, p.key, p.class_id);
  ASSERT_TRUE(r.is_ok()) << r.status().to_string();
  EXPECT_DOUBLE_EQ(r->pupils[0].watched, 0.65);  // the furthest, not the last
  EXPECT_DOUBLE_EQ(r->pupils[1].watched, 0);     // Tom never played
  EXPECT_TRUE(r->pupils[0].watched_known);
  EXPECT_FALSE(r->pupils[1].watched_known);  // unknown, not « nothing watched »
  (void)tom;
}

TEST_F(Store, ResultsKeepEveryAttemptInOrderAndWhenThePupilJoined) {
  ActivityStore store(*db_);
  const Played p = play(store, three_graded(video_, 3, Counting::kFirst));
  auto lea = store.join(store.classes(p.activity, p.key)->front().code, "Léa");
  ASSERT_TRUE(store.answer(*lea, p.q[1], {.answer = true}, 1000).is_ok());
  ASSERT_TRUE(store.answer(*lea, p.q[0], {.answer = false}, 2000).is_ok());
  ASSERT_TRUE(store.answer(*lea, p.q[1], {.answer = false}, 3000).is_ok());
  const auto r = store.results(p.activity, p.key, p.class_id);
  ASSERT_TRUE(r.is_ok()) << r.status().to_string();
  const PupilResult& got = r->pupils[0];
  ASSERT_EQ(got.every.size(), 3u);  // each attempt, the order they were given in
  EXPECT_EQ(got.every[0].interaction_id, p.q[1]);
  EXPECT_EQ(got.every[1].interaction_id, p.q[0]);
  EXPECT_EQ(got.every[2].interaction_id, p.q[1]);
  EXPECT_EQ(got.answers.size(), 2u);                      // the counted ones
  EXPECT_EQ(got.joined_at.size(), 24u) << got.joined_at;  // 2026-12-03T18:00:09.123Z
  EXPECT_LE(got.joined_at, got.every[0].created_at);
}

TEST_F(Store, TheSupportIndicatorIsOnUntilTheTeacherTurnsItOff) {
  ActivityStore store(*db_);
  const Played p = play(store, three_graded(video_, 0, Counting::kFirst));
  EXPECT_TRUE(store.class_by_id(p.class_id)->insight);
  EXPECT_EQ(store.set_insight(p.activity, "wrong key", p.class_id, false).code(),
            StatusCode::kNotFound);
  EXPECT_EQ(store.set_insight(p.activity, p.key, 424242, false).code(), StatusCode::kNotFound);
  ASSERT_TRUE(store.set_insight(p.activity, p.key, p.class_id, false).is_ok());
  EXPECT_FALSE(store.class_by_id(p.class_id)->insight);
  EXPECT_FALSE(store.results(p.activity, p.key, p.class_id)->share.insight);
  ASSERT_TRUE(store.set_insight(p.activity, p.key, p.class_id, true).is_ok());
  EXPECT_TRUE(store.classes(p.activity, p.key)->front().insight);
}

}  // namespace
}  // namespace repere::learn
