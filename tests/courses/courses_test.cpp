// Courses in a real catalog: made, filled with each kind of block, reordered across chapters,
// copied from a model, and what they refuse; the limited Markdown of their texts, escaped.
#include <gtest/gtest.h>

#include <functional>

#include <libxml/parser.h>
#include <libxml/tree.h>

#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "../catalog/test_catalog.h"
#include "repere/auth/accounts.h"
#include "repere/auth/schema.h"
#include "repere/catalog/contents.h"
#include "repere/courses/cartridge.h"
#include "repere/courses/classes.h"
#include "repere/courses/import.h"
#include "repere/courses/markdown.h"
#include "repere/courses/schema.h"
#include "repere/courses/store.h"
#include "repere/learn/schema.h"
#include "repere/learn/store.h"

namespace repere::courses {
namespace {

class Courses : public ::testing::Test {
 protected:
  void SetUp() override {
    catalog::OpenOptions o;
    o.modules = {&learn::schema(), &auth::schema(), &schema()};
    db_ = catalog::open_or_die(dir_.path() / "catalog.sqlite", o);
    ASSERT_TRUE(db_);
    catalog::Content c = catalog::sample_content("La digestion");
    c.media_path = "/media/digestion.mp4";
    video_ = *catalog::ContentRepository(*db_).insert(c);
  }
  Block moment(std::int64_t start, std::int64_t end) {
    Block b;
    b.kind = BlockKind::kMoment;
    b.content_id = video_;
    b.start_ms = start;
    b.end_ms = end;
    return b;
  }
  testing::TempDir dir_;
  std::unique_ptr<catalog::Database> db_;
  catalog::Id video_ = 0;
};

Block text(const std::string& body, BlockKind kind = BlockKind::kText) {
  Block b;
  b.kind = kind;
  b.body = body;
  return b;
}

const char* kQuestion =
    R"({"type":"choice","question":"Où commence la digestion ?","choices":[{"text":"Dans la bouche","correct":true},{"text":"Dans le cœur","correct":false}]})";

TEST_F(Courses, ACourseHoldsChaptersOfEveryKindOfBlockInOrder) {
  CourseStore store(*db_);
  const auto id = store.create("  La digestion, 5e  ", std::nullopt);
  ASSERT_TRUE(id.is_ok()) << id.status().to_string();
  const auto first = store.add_chapter(*id, "Le trajet des aliments");
  ASSERT_TRUE(first.is_ok()) << first.status().to_string();
  const auto one = *first;
  const auto two = *store.add_chapter(*id, "Les nutriments");
  ASSERT_TRUE(store.add_block(one, text("Les **aliments** sont *découpés*.")).is_ok());
  ASSERT_TRUE(store.add_block(one, moment(12000, 45000)).is_ok());
  Block page;
  page.kind = BlockKind::kPage;
  page.content_id = video_;
  page.page = 2;
  ASSERT_TRUE(store.add_block(two, page).is_ok());
  ASSERT_TRUE(store
                  .add_block(two, text("La digestion transforme les aliments en nutriments.",
                                       BlockKind::kKeyIdea))
                  .is_ok());
  ASSERT_TRUE(store.add_block(two, text(kQuestion, BlockKind::kQuiz)).is_ok());
  ASSERT_TRUE(
      store
          .update(*id, {"La digestion, 5e",
                        "http://data.education.fr/voc/scolomfr/concept/scolomfr-voc-022-num-020",
                        {"http://data.education.fr/voc/scolomfr/concept/"
                         "scolomfr-voc-015-num-1530"},
                        CourseState::kPublished,
                        true})
          .is_ok());
  const auto c = store.get(*id);
  ASSERT_TRUE(c.is_ok());
  EXPECT_EQ(c->title, "La digestion, 5e");  // trimmed
  EXPECT_EQ(c->state, CourseState::kPublished);
  EXPECT_TRUE(c->model);
  ASSERT_EQ(c->chapters.size(), 2u);
  EXPECT_EQ(c->chapters[0].title, "Le trajet des aliments");
  ASSERT_EQ(c->chapters[0].blocks.size(), 2u);
  EXPECT_EQ(c->chapters[0].blocks[1].kind, BlockKind::kMoment);
  EXPECT_EQ(*c->chapters[0].blocks[1].start_ms, 12000);
  ASSERT_EQ(c->chapters[1].blocks.size(), 3u);
  EXPECT_EQ(c->chapters[1].blocks[2].kind, BlockKind::kQuiz);
  EXPECT_EQ(c->block_count(), 5);
  EXPECT_EQ(store.models()->size(), 1u);
  EXPECT_EQ(store
                .published_with({"urn:other",
                                 "http://data.education.fr/voc/scolomfr/concept/"
                                 "scolomfr-voc-015-num-1530"})
                ->size(),
            1u);
  EXPECT_TRUE(store.published_with({"urn:other"})->empty());
}

TEST_F(Courses, BlocksMoveByOnePlaceAndAcrossChapters) {
  CourseStore store(*db_);
  const auto id = *store.create("Ordre", std::nullopt);
  const auto one = *store.add_chapter(id, "Un");
  const auto two = *store.add_chapter(id, "Deux");
  const auto a = *store.add_block(one, text("A"));
  const auto b = *store.add_block(one, text("B"));
  const auto c = *store.add_block(two, text("C"));
  auto order = [&] {
    std::string out;
    const auto course = store.get(id);
    for (const auto& ch : course->chapters) {
      out += ch.title + ":";
      for (const auto& bl : ch.blocks) out += bl.body;
      out += " ";
    }
    return out;
  };
  EXPECT_EQ(order(), "Un:AB Deux:C ");
  ASSERT_TRUE(store.move_block(b, -1).is_ok());
  EXPECT_EQ(order(), "Un:BA Deux:C ");
  ASSERT_TRUE(store.move_block(a, +1).is_ok());  // past the end: first of the next chapter
  EXPECT_EQ(order(), "Un:B Deux:AC ");
  ASSERT_TRUE(store.move_block(c, +1).is_ok());  // the very end: stays
  EXPECT_EQ(order(), "Un:B Deux:AC ");
  ASSERT_TRUE(store.move_block(a, -1).is_ok());  // back: last of the previous chapter
  EXPECT_EQ(order(), "Un:BA Deux:C ");
  ASSERT_TRUE(store.move_chapter(two, -1).is_ok());
  EXPECT_EQ(order(), "Deux:C Un:BA ");
  ASSERT_TRUE(store.remove_block(b).is_ok());
  ASSERT_TRUE(store.remove_chapter(one).is_ok());
  EXPECT_EQ(order(), "Deux:C ");
  EXPECT_EQ(store.move_block(424242, 1).code(), StatusCode::kNotFound);
}

TEST_F(Courses, BadBlocksAreRefusedWithAMessageForTheTeacher) {
  CourseStore store(*db_);
  const auto id = *store.create("Refus", std::nullopt);
  const auto ch = *store.add_chapter(id, "Un");
  auto refused = [&](const Block& b, const std::string& says) {
    const auto r = store.add_block(ch, b);
    ASSERT_FALSE(r.is_ok());
    EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
    EXPECT_NE(r.status().message().find(says), std::string::npos) << r.status().message();
  };
  refused(text("   "), "vide");
  refused(text(std::string(kMaxText + 1, 'a')), "dépasse");
  refused(moment(5000, 5000), "finir après");
  refused(moment(0, kMaxClipMs + 1), "une heure");
  Block page;
  page.kind = BlockKind::kPage;
  page.content_id = video_;
  refused(page, "numéro");
  refused(text("{", BlockKind::kQuiz), "lisible");
  refused(text(R"({"type":"definition","term":"ADN","definition":"…"})", BlockKind::kQuiz),
          "question");
  refused(text(R"({"type":"choice","question":"?","choices":[]})", BlockKind::kQuiz), "question");
  EXPECT_FALSE(store.create("", std::nullopt).is_ok());
  EXPECT_FALSE(store.add_chapter(id, std::string(kMaxTitle + 1, 'x')).is_ok());
  EXPECT_EQ(store.add_chapter(424242, "x").status().code(), StatusCode::kNotFound);
  EXPECT_EQ(store.get(id)->block_count(), 0);  // nothing refused was kept
}

TEST_F(Courses, ACopyOfAModelIsADraftThatRemembersIt) {
  CourseStore store(*db_);
  const auto model = *store.create("Le cœur", std::nullopt);
  const auto ch = *store.add_chapter(model, "La circulation");
  ASSERT_TRUE(store.add_block(ch, moment(0, 30000)).is_ok());
  ASSERT_TRUE(
      store.update(model, {"Le cœur", "", {"urn:a"}, CourseState::kPublished, true}).is_ok());
  const auto copy = store.duplicate(model, std::nullopt);
  ASSERT_TRUE(copy.is_ok()) << copy.status().to_string();
  const auto c = *store.get(*copy);
  EXPECT_EQ(c.title, "Le cœur (copie)");
  EXPECT_EQ(c.state, CourseState::kDraft);
  EXPECT_FALSE(c.model);
  EXPECT_EQ(c.model_id, model);
  EXPECT_EQ(c.concepts, (std::vector<std::string>{"urn:a"}));
  ASSERT_EQ(c.chapters.size(), 1u);
  ASSERT_EQ(c.chapters[0].blocks.size(), 1u);
  // Changing the copy leaves the model as it was.
  ASSERT_TRUE(store.remove_block(c.chapters[0].blocks[0].id).is_ok());
  EXPECT_EQ(store.get(model)->block_count(), 1);
  // Removing the model keeps the copy (it forgets where it came from).
  ASSERT_TRUE(store.remove(model).is_ok());
  EXPECT_FALSE(store.get(*copy)->model_id.has_value());
}

TEST_F(Courses, AClassFollowsTheCourseUnderPseudonymsAndOnlyItsOwnCourse) {
  CourseStore store(*db_);
  const auto id = *store.create("Le cours", std::nullopt);
  const auto one = *store.add_chapter(id, "Un");
  const auto two = *store.add_chapter(id, "Deux");
  const auto quiz = *store.add_block(two, text(kQuestion, BlockKind::kQuiz));
  const auto other = *store.create("Un autre", std::nullopt);
  const auto elsewhere = *store.add_chapter(other, "Ailleurs");
  const auto foreign = *store.add_block(elsewhere, text(kQuestion, BlockKind::kQuiz));
  ClassStore classes(*db_);
  EXPECT_FALSE(classes.add_class(id, "   ").is_ok());
  const auto share = classes.add_class(id, " 5e B ");
  ASSERT_TRUE(share.is_ok()) << share.status().to_string();
  EXPECT_EQ(share->name, "5e B");
  EXPECT_EQ(share->code.size(), 9u);
  // The code as pupils type it: lower case, with dashes.
  const std::string typed = share->code.substr(0, 3) + "-" + share->code.substr(3);
  std::string lower = typed;
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  EXPECT_TRUE(classes.class_by_code(lower).is_ok());
  const auto zoe = classes.join(share->code, "Zoé");
  const auto tom = classes.join(share->code, "Tom");
  ASSERT_TRUE(zoe.is_ok() && tom.is_ok());
  EXPECT_EQ(zoe->token.size(), 32u);
  EXPECT_FALSE(classes.join(share->code, "").is_ok());
  EXPECT_EQ(classes.pupil_by_token(zoe->token)->id, zoe->id);
  EXPECT_FALSE(classes.pupil_by_token(std::string(32, '0')).is_ok());
  ASSERT_TRUE(classes.finish_chapter(*zoe, one).is_ok());
  ASSERT_TRUE(classes.finish_chapter(*zoe, one).is_ok());  // twice: once
  ASSERT_TRUE(classes.answer(*zoe, quiz, R"({"chosen":[1]})", false).is_ok());
  ASSERT_TRUE(classes.answer(*zoe, quiz, R"({"chosen":[0]})", true).is_ok());  // the latest counts
  ASSERT_TRUE(classes.answer(*tom, quiz, R"({"chosen":[1]})", false).is_ok());
  // Another course's chapter or question is not this class's.
  EXPECT_EQ(classes.finish_chapter(*zoe, elsewhere).code(), StatusCode::kNotFound);
  EXPECT_EQ(classes.answer(*zoe, foreign, R"({"chosen":[0]})", true).code(), StatusCode::kNotFound);
  const auto mine = classes.progress(*zoe);
  EXPECT_EQ(mine->chapters_done, (std::set<Id>{one}));
  EXPECT_EQ(mine->answers.at(quiz), std::optional<bool>(true));
  const auto course = store.get(id);
  const auto all = classes.class_progress(share->id, *course);
  ASSERT_TRUE(all.is_ok());
  ASSERT_EQ(all->pupils.size(), 2u);
  EXPECT_EQ(all->pupils[0].pseudonym, "Zoé");
  EXPECT_EQ(all->pupils[0].number, 1);
  EXPECT_EQ(all->pupils[0].chapters_done, 1);
  EXPECT_EQ(all->pupils[0].right, 1);
  EXPECT_EQ(all->pupils[1].right, 0);
  EXPECT_EQ(all->pupils[1].answered, 1);
  ASSERT_EQ(all->questions.size(), 1u);
  EXPECT_EQ(all->questions[0].answered, 2);
  EXPECT_EQ(all->questions[0].right, 1);
  // Removing the course removes its classes and what its pupils did.
  ASSERT_TRUE(store.remove(id).is_ok());
  EXPECT_FALSE(classes.class_by_code(share->code).is_ok());
  EXPECT_EQ(catalog::count_rows(*db_, "course_answer"), 0);
}

// An interactive video on the test's video: a definition, then a choice question.
learn::Activity two_step_video(catalog::Id content) {
  learn::Activity a;
  a.content_id = content;
  a.title = "La bouche et les dents";
  a.start_ms = 0;
  a.end_ms = 60000;
  learn::Interaction d;
  d.type = learn::InteractionType::kDefinition;
  d.at_ms = 5000;
  d.term = "Digestion";
  d.definition = "Transformation des aliments en nutriments.";
  learn::Interaction q;
  q.type = learn::InteractionType::kChoice;
  q.at_ms = 20000;
  q.question = "Où commence la digestion ?";
  q.choices = {{"Dans la bouche", true, ""}, {"Dans le cœur", false, ""}};
  a.interactions = {d, q};
  return a;
}

TEST_F(Courses, AnInteractiveVideoIsDoneInAClassOfItsOwnUnderThePupilsPseudonym) {
  auth::UserStore users(*db_);
  const auto curator = *users.add("cam", "", auth::Role::kCurator, "un mot de passe solide 42");
  const auto teacher = *users.add("lea", "", auth::Role::kTeacher, "un mot de passe solide 42");
  learn::ActivityStore videos(*db_);
  const auto made = videos.create(two_step_video(video_), curator.id);
  ASSERT_TRUE(made.is_ok()) << made.status().to_string();
  CourseStore store(*db_);
  const auto model = *store.create("La digestion", curator.id);
  const auto ch = *store.add_chapter(model, "La bouche");
  Block v;
  v.kind = BlockKind::kVideo;
  EXPECT_EQ(store.add_block(ch, v).status().code(), StatusCode::kInvalidArgument);  // which video?
  v.activity_id = made->id;
  ASSERT_TRUE(store.add_block(ch, v).is_ok());
  ASSERT_TRUE(store.update(model, {"La digestion", "", {}, CourseState::kPublished, true}).is_ok());

  // Léa's copy holds a copy of the video that is hers: the model's stays the curator's.
  const auto copy = *store.duplicate(model, teacher.id);
  ASSERT_TRUE(store.update(copy, {"Ma digestion", "", {}, CourseState::kPublished, false}).is_ok());
  const auto course = *store.get(copy);
  const Block& block = course.chapters.at(0).blocks.at(0);
  ASSERT_EQ(block.kind, BlockKind::kVideo);
  ASSERT_TRUE(block.activity_id.has_value());
  EXPECT_NE(*block.activity_id, made->id);
  const auto hers = *videos.editable_by(teacher.id);
  ASSERT_EQ(hers.size(), 1u);
  EXPECT_EQ(hers[0].id, *block.activity_id);
  EXPECT_EQ(hers[0].title, "La bouche et les dents");
  EXPECT_TRUE(videos.editable_by(curator.id)->size() == 1u);

  ClassStore classes(*db_);
  const auto share = *classes.add_class(copy, "5e B");
  const auto zoe = *classes.join(share.code, "Zoé");
  const auto first = classes.video_pass(zoe, block.id);
  ASSERT_TRUE(first.is_ok()) << first.status().to_string();
  // Zoé is a pupil of the video's class made for 5e B, under her pseudonym.
  const auto there = videos.pupil_by_token(first->token);
  ASSERT_TRUE(there.is_ok());
  EXPECT_EQ(there->pseudonym, "Zoé");
  const auto video_class = *videos.class_by_code(first->code);
  EXPECT_EQ(video_class.activity_id, *block.activity_id);
  EXPECT_EQ(video_class.name, "5e B · cours");
  EXPECT_EQ(classes.class_of_video_class(video_class.id)->code, share.code);
  // The class is Léa's: she sees it among her video's classes.
  EXPECT_EQ(videos.classes(*block.activity_id, learn::Editor::user(teacher.id))->size(), 1u);
  // Again: the same pupil there, a new token, the old one dead.
  const auto second = *classes.video_pass(zoe, block.id);
  EXPECT_EQ(second.code, first->code);
  EXPECT_EQ(second.video_pupil, first->video_pupil);
  EXPECT_NE(second.token, first->token);
  EXPECT_FALSE(videos.pupil_by_token(first->token).is_ok());
  EXPECT_EQ(catalog::count_rows(*db_, "pupil"), 1);

  // Her answer is graded by the video's store; the course's progress shows it.
  const auto video = *videos.get(*block.activity_id);
  const learn::Pupil me = *videos.pupil_by_token(second.token);
  learn::Response right;
  right.chosen = {0};
  ASSERT_TRUE(videos.answer(me, video.interactions.at(1).id, right, 1000).is_ok());
  const auto mine = *classes.progress(zoe);
  ASSERT_EQ(mine.videos.count(block.id), 1u);
  EXPECT_EQ(mine.videos.at(block.id).answered, 1);
  EXPECT_EQ(mine.videos.at(block.id).right, 1);
  EXPECT_EQ(mine.videos.at(block.id).graded, 1);
  const auto all = *classes.class_progress(share.id, course);
  ASSERT_EQ(all.pupils.size(), 1u);
  EXPECT_EQ(all.pupils[0].videos.at(block.id).right, 1);

  // Not a video block, or another course's: nothing.
  const auto text_block = *store.add_block(course.chapters.at(0).id, text("Un texte"));
  EXPECT_EQ(classes.video_pass(zoe, text_block).status().code(), StatusCode::kNotFound);
  const auto model_block = store.get(model)->chapters.at(0).blocks.at(0).id;
  EXPECT_EQ(classes.video_pass(zoe, model_block).status().code(), StatusCode::kNotFound);
  // A video deleted by its owner leaves the block, empty; no way in.
  ASSERT_TRUE(videos.remove(*block.activity_id, learn::Editor::user(teacher.id)).is_ok());
  EXPECT_FALSE(store.get(copy)->chapters.at(0).blocks.at(0).activity_id.has_value());
  EXPECT_EQ(classes.video_pass(zoe, block.id).status().code(), StatusCode::kNotFound);
}

TEST_F(Courses, UpgradingToInteractiveVideoBlocksKeepsEveryBlockAndAnswer) {
  // A catalog whose courses' tables are at version 2 (before video blocks)...
  const auto old_dir = dir_.path() / "old.sqlite";
  const catalog::ModuleSchema& now = schema();
  const catalog::ModuleSchema before{now.module, {now.migrations[0], now.migrations[1]}};
  {
    catalog::OpenOptions o;
    o.modules = {&learn::schema(), &auth::schema(), &before};
    auto db = catalog::open_or_die(old_dir, o);
    ASSERT_TRUE(db);
    const auto video = *catalog::ContentRepository(*db).insert(catalog::sample_content("Le cœur"));
    CourseStore old(*db);
    ASSERT_TRUE(db->exec("INSERT INTO course (id, title, state) VALUES (7, 'Le cœur', "
                         "'published'); INSERT INTO course_chapter (id, course_id, seq, title) "
                         "VALUES (70, 7, 1, 'Un'); INSERT INTO course_block (id, chapter_id, seq, "
                         "kind, content_id, start_ms, end_ms) VALUES (700, 70, 1, 'moment', " +
                         std::to_string(video) +
                         ", 0, 30000); INSERT INTO course_block (id, chapter_id, seq, kind, "
                         "body) VALUES (701, 70, 2, 'key_idea', 'Le cœur est une pompe.')")
                    .is_ok());
    // A class, its pupil, an answer and a finished chapter, as version 2 wrote them (this
    // binary's ClassStore reads version 4's columns).
    ASSERT_TRUE(db->exec("INSERT INTO course_class (id, course_id, code, name) VALUES (1, 7, "
                         "'ABCDEFGHJ', '4e A'); INSERT INTO course_pupil (id, class_id, "
                         "pseudonym, token_hash) VALUES (1, 1, 'Tom', '" +
                         std::string(64, 'a') +
                         "'); INSERT INTO course_answer (pupil_id, block_id, response, correct) "
                         "VALUES (1, 701, '{\"chosen\":[0]}', 1); INSERT INTO "
                         "course_chapter_done (pupil_id, chapter_id) VALUES (1, 70)")
                    .is_ok());
  }
  // ...opened by this binary: the same blocks under the same ids, the answers still theirs.
  catalog::OpenOptions o;
  o.modules = {&learn::schema(), &auth::schema(), &schema()};
  auto db = catalog::open_or_die(old_dir, o);
  ASSERT_TRUE(db);
  EXPECT_EQ(*catalog::module_version(*db, "courses"), 4);  // through 3, and the reading view (4)
  const auto c = CourseStore(*db).get(7);
  ASSERT_TRUE(c.is_ok()) << c.status().to_string();
  ASSERT_EQ(c->chapters.at(0).blocks.size(), 2u);
  EXPECT_EQ(c->chapters[0].blocks[0].id, 700);
  EXPECT_EQ(c->chapters[0].blocks[0].kind, BlockKind::kMoment);
  EXPECT_EQ(c->chapters[0].blocks[1].body, "Le cœur est une pompe.");
  EXPECT_EQ(catalog::count_rows(*db, "course_answer"), 1);
  EXPECT_EQ(catalog::count_rows(*db, "course_chapter_done"), 1);
  const auto kept = ClassStore(*db).class_by_code("ABCDEFGHJ");  // and the class, standard view
  ASSERT_TRUE(kept.is_ok()) << kept.status().to_string();
  EXPECT_FALSE(kept->reading_view);
  // Foreign keys are on again, and the rebuilt table's still hold.
  EXPECT_EQ(
      db->exec("INSERT INTO course_block (chapter_id, seq, kind) VALUES (999, 1, 'text')").code(),
      StatusCode::kInvalidArgument);
  Block v;
  v.kind = BlockKind::kVideo;
  v.activity_id = 12345;  // no such activity
  EXPECT_FALSE(CourseStore(*db).add_block(70, v).is_ok());
}

TEST(ImportCourses, AVideoBlockIsAMomentAndTheQuestionItStopsOn) {
  const auto ok = parse_courses(
      "# La digestion\n## Un\nvideo: svt-digestion | enzymes | Que fait l'amylase ? | *Elle "
      "découpe l'amidon | Elle broie\n");
  ASSERT_TRUE(ok.is_ok()) << ok.status().to_string();
  const BlockSpec& b = ok->at(0).chapters.at(0).blocks.at(0);
  EXPECT_EQ(b.kind, BlockKind::kVideo);
  EXPECT_EQ(b.content, "svt-digestion");
  EXPECT_EQ(b.words, "enzymes");
  const auto q = nlohmann::json::parse(b.body);
  EXPECT_EQ(q["question"], "Que fait l'amylase ?");
  EXPECT_EQ(q["choices"][0]["correct"], true);
  // Errors name the line.
  const auto unstarred =
      parse_courses("# T\n## Un\n\nvideo: svt-digestion | enzymes | Q ? | a | b\n");
  ASSERT_FALSE(unstarred.is_ok());
  EXPECT_EQ(unstarred.status().message().rfind("4: video: star the right answer", 0), 0u)
      << unstarred.status().message();
  const auto short_line = parse_courses("# T\n## Un\nvideo: svt-digestion | Q ? | *a\n");
  ASSERT_FALSE(short_line.is_ok());
  EXPECT_EQ(short_line.status().message().rfind("3: video: « CONTENT | words", 0), 0u)
      << short_line.status().message();
}

// Walks an XML tree: every element, depth first.
void each_element(xmlNode* n, const std::function<void(xmlNode*)>& f) {
  for (; n; n = n->next) {
    if (n->type != XML_ELEMENT_NODE) continue;
    f(n);
    each_element(n->children, f);
  }
}

std::string attribute(xmlNode* n, const char* name) {
  xmlChar* v = xmlGetProp(n, reinterpret_cast<const xmlChar*>(name));
  std::string out = v ? reinterpret_cast<const char*>(v) : "";
  xmlFree(v);
  return out;
}

std::string ns_of(xmlNode* n) {
  return n->ns && n->ns->href ? reinterpret_cast<const char*>(n->ns->href) : "";
}

// The cartridge's structure as Common Cartridge 1.3 requires it: a manifest in the imscp
// namespace, version 1.3.0, every item's resource declared, every resource's file in the
// archive, web links in the imswl namespace with the content's Repère address; the questions
// without their answers; a content that is not published is not linked.
TEST_F(Courses, ACommonCartridgeLinksTheMomentsAndPagesAndHoldsTheTexts) {
  CourseStore store(*db_);
  const auto id = *store.create("La digestion", std::nullopt);
  const auto one = *store.add_chapter(id, "Le trajet");
  const auto two = *store.add_chapter(id, "Vérifier");
  ASSERT_TRUE(store.add_block(one, text("Les **aliments** & le <sang>")).is_ok());
  ASSERT_TRUE(store.add_block(one, moment(12000, 40000)).is_ok());
  ASSERT_TRUE(store.add_block(one, text("Une idée.", BlockKind::kKeyIdea)).is_ok());
  catalog::Content draft = catalog::sample_content("Un brouillon");
  draft.media_path = "/media/brouillon.pdf";
  const auto unpublished = *catalog::ContentRepository(*db_).insert(draft);
  Block gone;
  gone.kind = BlockKind::kPage;
  gone.content_id = unpublished;  // not found by the lookup (not published): not linked
  gone.page = 1;
  ASSERT_TRUE(store.add_block(two, gone).is_ok());
  ASSERT_TRUE(store.add_block(two, text(kQuestion, BlockKind::kQuiz)).is_ok());
  const auto course = store.get(id);
  const auto files = cartridge_files(*course, "https://mediatheque.example.fr",
                                     [&](Id c) -> std::optional<LinkedContent> {
                                       if (c != video_) return std::nullopt;
                                       return LinkedContent{"La digestion : le trajet"};
                                     });
  ASSERT_FALSE(files.empty());
  EXPECT_EQ(files[0].first, "imsmanifest.xml");
  std::map<std::string, std::string> archive(files.begin(), files.end());
  EXPECT_EQ(archive.size(), files.size()) << "each path once";
  xmlDoc* doc = xmlReadMemory(files[0].second.data(), static_cast<int>(files[0].second.size()),
                              "imsmanifest.xml", nullptr, XML_PARSE_NONET);
  ASSERT_NE(doc, nullptr) << files[0].second;
  xmlNode* root = xmlDocGetRootElement(doc);
  EXPECT_STREQ(reinterpret_cast<const char*>(root->name), "manifest");
  EXPECT_EQ(ns_of(root), "http://www.imsglobal.org/xsd/imsccv1p3/imscp_v1p1");
  std::set<std::string> identifiers, resources, refs;
  std::string version;
  std::vector<std::pair<std::string, std::string>> typed;  // resource type, file
  each_element(root, [&](xmlNode* n) {
    const std::string name = reinterpret_cast<const char*>(n->name);
    const std::string ident = attribute(n, "identifier");
    if (!ident.empty()) {
      EXPECT_TRUE(identifiers.insert(ident).second) << "duplicate " << ident;
    }
    if (name == "schemaversion") {
      xmlChar* t = xmlNodeGetContent(n);
      version = reinterpret_cast<const char*>(t);
      xmlFree(t);
    }
    if (name == "item" && !attribute(n, "identifierref").empty())
      refs.insert(attribute(n, "identifierref"));
    if (name == "resource") {
      resources.insert(ident);
      for (xmlNode* f = n->children; f; f = f->next) {
        if (f->type == XML_ELEMENT_NODE &&
            std::string(reinterpret_cast<const char*>(f->name)) == "file")
          typed.emplace_back(attribute(n, "type"), attribute(f, "href"));
      }
    }
  });
  xmlFreeDoc(doc);
  EXPECT_EQ(version, "1.3.0");
  for (const auto& r : refs) EXPECT_TRUE(resources.count(r)) << r;
  EXPECT_EQ(refs.size(), resources.size());
  int links = 0, pages = 0;
  for (const auto& [type, href] : typed) {
    SCOPED_TRACE(href);
    ASSERT_TRUE(archive.count(href));
    if (type == "imswl_xmlv1p3") {
      ++links;
      xmlDoc* link = xmlReadMemory(archive[href].data(), static_cast<int>(archive[href].size()),
                                   href.c_str(), nullptr, XML_PARSE_NONET);
      ASSERT_NE(link, nullptr);
      xmlNode* w = xmlDocGetRootElement(link);
      EXPECT_EQ(ns_of(w), "http://www.imsglobal.org/xsd/imsccv1p3/imswl_v1p3");
      EXPECT_NE(archive[href].find("href=\"https://mediatheque.example.fr/contenus/" +
                                   std::to_string(video_) + "?t=12\""),
                std::string::npos);
      xmlFreeDoc(link);
    } else {
      EXPECT_EQ(type, "webcontent");
      ++pages;
    }
  }
  EXPECT_EQ(links, 1);  // the moment; the page of a content not found is left out
  EXPECT_EQ(pages, 3);  // chapter 1 before and after the moment; chapter 2
  std::string html;
  for (const auto& [path, bytes] : files)
    if (path.rfind("pages/", 0) == 0) html += bytes;
  EXPECT_NE(html.find("<strong>aliments</strong> &amp; le &lt;sang&gt;"), std::string::npos);
  EXPECT_NE(html.find("Où commence la digestion ?"), std::string::npos);
  EXPECT_EQ(html.find("correct"), std::string::npos);  // never the answers
}

TEST(Markdown, OnlyItsFewMarksBecomeHtmlAndEverythingElseIsEscaped) {
  EXPECT_EQ(markdown_to_html("Les **aliments** sont *découpés*."),
            "<p>Les <strong>aliments</strong> sont <em>découpés</em>.</p>\n");
  EXPECT_EQ(markdown_to_html("Trois étapes :\n- la bouche\n- l'estomac\n\nFin."),
            "<p>Trois étapes :</p>\n<ul><li>la bouche</li><li>l'estomac</li></ul>\n"
            "<p>Fin.</p>\n");
  EXPECT_EQ(markdown_to_html("<script>alert(1)</script>"),
            "<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>\n");
  EXPECT_EQ(markdown_to_html("[la vidéo](/contenus/3?t=12)"),
            "<p><a href=\"/contenus/3?t=12\">la vidéo</a></p>\n");
  EXPECT_EQ(markdown_to_html("[x](javascript:alert(1))"), "<p>[x](javascript:alert(1))</p>\n");
  EXPECT_EQ(markdown_to_html("[x](//evil.example)"), "<p>[x](//evil.example)</p>\n");
  EXPECT_EQ(markdown_to_html("[x](\"onmouseover=\"a)"), "<p>[x](&quot;onmouseover=&quot;a)</p>\n");
  EXPECT_EQ(markdown_to_html("2 * 3 = 6"), "<p>2 * 3 = 6</p>\n");
  EXPECT_EQ(markdown_to_html(""), "");
}

}  // namespace
}  // namespace repere::courses
