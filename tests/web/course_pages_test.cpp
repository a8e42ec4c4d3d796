// The course pages' rules on a real server: a draft is its owner's (another teacher gets the
// same 404 as for no course), a published course is everyone's, a copy is the copier's own,
// « Ajouter au cours » only adds to one's own courses, and blocks keep to their course.
#include <gtest/gtest.h>
#include <httplib.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "repere/auth/accounts.h"
#include "repere/auth/schema.h"
#include "repere/catalog/contents.h"
#include "repere/catalog/database.h"
#include "repere/catalog/texts.h"
#include "repere/courses/classes.h"
#include "repere/courses/schema.h"
#include "repere/courses/store.h"
#include "repere/index/library.h"
#include "repere/learn/schema.h"
#include "repere/learn/store.h"
#include "repere/taxonomy/schema.h"
#include "support/running_server.h"
#include "support/temp_dir.h"

namespace repere::web {
namespace {

const std::string kPassword = "un mot de passe assez long";

catalog::OpenOptions all_modules() {
  catalog::OpenOptions o;
  o.modules = {&learn::schema(), &auth::schema(), &taxonomy::schema(), &courses::schema()};
  return o;
}

// The Set-Cookie's value, as the next request's Cookie header.
httplib::Headers cookie_of(const httplib::Result& r) {
  const std::string set = r->get_header_value("Set-Cookie");
  return {{"Cookie", set.substr(0, set.find(';'))}};
}

// A signed-in teacher's headers: her session cookie and CSRF token.
httplib::Headers sign_in(httplib::Client& c, const std::string& login) {
  const auto r = c.Post(
      "/connexion",
      "identifiant=" + login + "&mot_de_passe=" + httplib::detail::encode_query_param(kPassword),
      "application/x-www-form-urlencoded");
  EXPECT_TRUE(r && r->status == 303);
  httplib::Headers h = cookie_of(r);
  const auto me = nlohmann::json::parse(c.Get("/api/v1/me", h)->body);
  h.emplace("X-CSRF-Token", me.value("csrf_token", ""));
  return h;
}

TEST(CoursePages, DraftsAreTheOwnersCopiesAreTheCopiersAndBlocksKeepToTheirCourse) {
  testing::TempDir tmp;
  const DataDir dir{tmp.path()};
  std::int64_t video = 0;
  {
    auto db = catalog::Database::open(dir.catalog(), all_modules());
    ASSERT_TRUE(db.is_ok()) << db.status().to_string();
    catalog::Content c;
    c.kind = catalog::ContentKind::kVideo;
    c.title = "La digestion";
    c.language = "fr";
    c.status = catalog::EditorialStatus::kPublished;
    c.duration_ms = 120000;
    c.media_path = "/nowhere/digestion.mp4";
    video = *catalog::ContentRepository(**db).insert(c);
    ASSERT_TRUE(catalog::PassageRepository(**db)
                    .replace_for_content(video, {{.start_ms = 0,
                                                  .end_ms = 20000,
                                                  .language = "fr",
                                                  .text = "La digestion commence dans la bouche."}})
                    .is_ok());
    auth::UserStore users(**db);
    ASSERT_TRUE(users.add("lea", "", auth::Role::kTeacher, kPassword).is_ok());
    ASSERT_TRUE(users.add("marc", "", auth::Role::kTeacher, kPassword).is_ok());
    std::atomic<bool> stop{false};
    ASSERT_TRUE(index::reindex(**db, dir.index(), nullptr, stop).is_ok());
  }
  testing::RunningServer server(dir.root);
  auto c = server.client();
  const auto lea = sign_in(c, "lea"), marc = sign_in(c, "marc");
  auto post = [&](const httplib::Headers& who, const std::string& path, const std::string& body) {
    return c.Post(path, who, body, "application/x-www-form-urlencoded");
  };
  auto made = post(lea, "/cours", "titre=La+digestion");
  ASSERT_EQ(made->status, 303);
  const std::string editor =
      made->get_header_value("Location").substr(0, made->get_header_value("Location").find('?'));
  const std::string course = editor.substr(0, editor.size() - std::string("/modifier").size());
  // A moment, added from the « Ajouter au cours » page's form.
  auto added = post(
      lea, "/cours/ajouter",
      "contenu=" + std::to_string(video) + "&cours=" + course.substr(7) + "&debut=0:05&fin=0:20");
  ASSERT_EQ(added->status, 303) << added->body;
  auto page = c.Get(editor, lea);
  ASSERT_EQ(page->status, 200);
  EXPECT_NE(page->body.find("La digestion, 0:05 – 0:20"), std::string::npos);
  // The draft: its owner reads it; another teacher and the public get the 404 of no course.
  EXPECT_EQ(c.Get(course, lea)->status, 200);
  EXPECT_EQ(c.Get(course, marc)->status, 404);
  EXPECT_EQ(c.Get(course)->status, 404);
  EXPECT_EQ(c.Get(editor, marc)->status, 404);
  EXPECT_EQ(c.Get(course + "/imprimer", marc)->status, 404);
  EXPECT_EQ(c.Get(course + "/imprimer", lea)->status, 200);
  EXPECT_EQ(post(marc, editor, "action=champs&titre=Pris&etat=published")->status, 404);
  EXPECT_EQ(post(marc, course + "/dupliquer", "")->status, 404);
  EXPECT_EQ(post(marc, "/cours/ajouter",
                 "contenu=" + std::to_string(video) + "&cours=" + course.substr(7) +
                     "&debut=0:05&fin=0:20")
                ->status,
            404);
  // Published: everyone reads it; marc's copy is his own draft, and lea's course is unchanged.
  ASSERT_EQ(post(lea, editor, "action=champs&titre=La+digestion&etat=published")->status, 303);
  EXPECT_EQ(c.Get(course)->status, 200);
  auto copy = post(marc, course + "/dupliquer", "");
  ASSERT_EQ(copy->status, 303);
  const std::string copy_editor =
      copy->get_header_value("Location").substr(0, copy->get_header_value("Location").find('?'));
  EXPECT_NE(copy_editor, editor);
  auto copy_page = c.Get(copy_editor, marc);
  ASSERT_EQ(copy_page->status, 200);
  EXPECT_NE(copy_page->body.find("La digestion (copie)"), std::string::npos);
  EXPECT_NE(copy_page->body.find("le cours type d'origine"), std::string::npos)
      << "the copy links to its model";
  EXPECT_EQ(c.Get(copy_editor.substr(0, copy_editor.size() - 9))->status, 404);  // a draft
  // A block named by another course's form is refused, and nothing moves.
  {
    auto db = catalog::Database::open(dir.catalog(), all_modules());
    const auto original = courses::CourseStore(**db).get(std::stoll(course.substr(7)));
    ASSERT_TRUE(original.is_ok());
    const std::string block = std::to_string(original->chapters[0].blocks[0].id);
    EXPECT_EQ(post(marc, copy_editor, "action=supprimer-bloc&bloc=" + block)->status, 400);
    EXPECT_EQ(courses::CourseStore(**db).get(original->id)->block_count(), 1);
  }
  // A bad block is refused with the reason, and the editor says it.
  auto bad = post(lea, editor,
                  "action=bloc&chapitre=" + std::to_string(1) +
                      "&type=moment&contenu=" + std::to_string(video) + "&debut=0:30&fin=0:10");
  ASSERT_EQ(bad->status, 303);
  EXPECT_NE(bad->get_header_value("Location").find("Non"), std::string::npos)
      << bad->get_header_value("Location");
  // « Mes cours » lists each teacher's own.
  const auto lea_list = c.Get("/cours", lea)->body, marc_list = c.Get("/cours", marc)->body;
  EXPECT_EQ(lea_list.find("(copie)"), std::string::npos);
  EXPECT_NE(marc_list.find("(copie)"), std::string::npos);
}

// An interactive video in a course, as its teacher adds it and her pupils do it: the editor
// offers her own videos only; a pupil of the course's class goes through it under the same
// pseudonym, and comes back; her score reaches the teacher's progress page; the printed course
// lists its steps; the Common Cartridge carries it as an .h5p (the real clip, cut by ffmpeg).
TEST(CoursePages, AnInteractiveVideoIsDoneByTheClassAndItsScoreReachesTheTeacher) {
  testing::TempDir tmp;
  const DataDir dir{tmp.path()};
  std::int64_t hers = 0, his = 0, question = 0;
  {
    auto db = catalog::Database::open(dir.catalog(), all_modules());
    ASSERT_TRUE(db.is_ok()) << db.status().to_string();
    catalog::Content c;
    c.kind = catalog::ContentKind::kVideo;
    c.title = "Leçon filmée";
    c.language = "fr";
    c.status = catalog::EditorialStatus::kPublished;
    c.duration_ms = 12000;
    c.media_path = (std::filesystem::path(REPERE_FIXTURES_DIR) / "lecture.mp4").string();
    const auto video = *catalog::ContentRepository(**db).insert(c);
    auth::UserStore users(**db);
    const auto lea = *users.add("lea", "", auth::Role::kTeacher, kPassword);
    const auto marc = *users.add("marc", "", auth::Role::kTeacher, kPassword);
    learn::Activity a;
    a.content_id = video;
    a.title = "La bouche et les dents";
    a.start_ms = 1000;
    a.end_ms = 9000;
    learn::Interaction d;
    d.type = learn::InteractionType::kDefinition;
    d.at_ms = 2000;
    d.term = "Digestion";
    d.definition = "Transformation des aliments.";
    learn::Interaction q;
    q.type = learn::InteractionType::kChoice;
    q.at_ms = 5000;
    q.question = "Où commence la digestion ?";
    q.choices = {{"Dans la bouche", true, ""}, {"Dans le cœur", false, ""}};
    a.interactions = {d, q};
    learn::ActivityStore videos(**db);
    hers = videos.create(a, lea.id)->id;
    a.title = "La vidéo de Marc";
    his = videos.create(a, marc.id)->id;
    question = videos.get(hers)->interactions.at(1).id;
    std::atomic<bool> stop{false};
    ASSERT_TRUE(index::reindex(**db, dir.index(), nullptr, stop).is_ok());
  }
  testing::RunningServer server(dir.root);
  auto c = server.client();
  const auto lea = sign_in(c, "lea");
  auto post = [&](const httplib::Headers& who, const std::string& path, const std::string& body) {
    return c.Post(path, who, body, "application/x-www-form-urlencoded");
  };
  const auto made = post(lea, "/cours", "titre=La+digestion");
  ASSERT_EQ(made->status, 303);
  const std::string location = made->get_header_value("Location");
  const std::string editor = location.substr(0, location.find('?'));
  const std::string course = editor.substr(0, editor.size() - std::string("/modifier").size());
  const std::int64_t course_id = std::stoll(course.substr(7));
  std::int64_t chapter = 0;
  {
    auto db = catalog::Database::open(dir.catalog(), all_modules());
    chapter = courses::CourseStore(**db).get(course_id)->chapters.at(0).id;
  }
  const std::string add = "action=bloc&chapitre=" + std::to_string(chapter);
  // Her videos are offered, not Marc's; his is refused if named anyway.
  const auto page = c.Get(editor, lea)->body;
  EXPECT_NE(page.find("La bouche et les dents"), std::string::npos);
  EXPECT_EQ(page.find("La vidéo de Marc"), std::string::npos);
  const auto refused = post(lea, editor, add + "&type=video&activite=" + std::to_string(his));
  EXPECT_NE(refused->get_header_value("Location").find("Non"), std::string::npos);
  ASSERT_EQ(post(lea, editor, add + "&type=video&activite=" + std::to_string(hers))->status, 303);
  // The other kinds of question of the interactive videos.
  EXPECT_EQ(
      post(lea, editor, add + "&type=quiz&genre=true_false&question=Le+c%C5%93ur+digère&juste=faux")
          ->get_header_value("Location")
          .find("Non"),
      std::string::npos);
  EXPECT_EQ(post(lea, editor,
                 add + "&type=quiz&genre=blanks&texte=La+digestion+commence+dans+la+*bouche*.")
                ->get_header_value("Location")
                .find("Non"),
            std::string::npos);
  EXPECT_EQ(post(lea, editor, add + "&type=quiz&genre=open&question=Que+manges-tu+le+matin+%3F")
                ->get_header_value("Location")
                .find("Non"),
            std::string::npos);
  EXPECT_NE(post(lea, editor, add + "&type=quiz&genre=true_false&question=Sans+réponse")
                ->get_header_value("Location")
                .find("Non"),
            std::string::npos)
      << "a true-or-false question needs its answer";
  ASSERT_EQ(post(lea, editor, "action=champs&titre=La+digestion&etat=published")->status, 303);
  ASSERT_EQ(post(lea, editor, "action=classe&nom=5e+B")->status, 303);
  std::string code;
  std::int64_t block = 0;
  {
    auto db = catalog::Database::open(dir.catalog(), all_modules());
    code = courses::ClassStore(**db).classes(course_id)->at(0).code;
    const auto got = courses::CourseStore(**db).get(course_id);
    ASSERT_EQ(got->chapters.at(0).blocks.size(), 4u);
    block = got->chapters[0].blocks[0].id;
    EXPECT_EQ(got->chapters[0].blocks[1].body.find("\"answer_true\":false") != std::string::npos,
              true)
        << got->chapters[0].blocks[1].body;
  }
  // Zoé joins the course's class and opens the video from her chapter.
  const auto joined =
      c.Post("/classe/" + code, "pseudonyme=Zo%C3%A9", "application/x-www-form-urlencoded");
  ASSERT_EQ(joined->status, 303);
  const auto zoe = cookie_of(joined);
  const auto chapter_page = c.Get("/classe/" + code, zoe)->body;
  EXPECT_NE(chapter_page.find("Faire la vidéo interactive"), std::string::npos);
  EXPECT_NE(chapter_page.find("Trou 1"), std::string::npos);
  EXPECT_NE(chapter_page.find("Vrai"), std::string::npos);
  // Without her cookie, the way in is the pseudonym form.
  EXPECT_EQ(c.Post("/classe/" + code + "/video", "bloc=" + std::to_string(block),
                   "application/x-www-form-urlencoded")
                ->get_header_value("Location"),
            "/classe/" + code);
  const auto sent = c.Post("/classe/" + code + "/video", zoe, "bloc=" + std::to_string(block),
                           "application/x-www-form-urlencoded");
  ASSERT_EQ(sent->status, 303) << sent->body;
  const std::string video_page = sent->get_header_value("Location");
  ASSERT_EQ(video_page.rfind("/classe/", 0), 0u);
  EXPECT_NE(video_page, "/classe/" + code);
  EXPECT_NE(sent->get_header_value("Set-Cookie").find("Path=" + video_page), std::string::npos);
  const auto zoe_there = cookie_of(sent);
  const auto player = c.Get(video_page, zoe_there);
  ASSERT_EQ(player->status, 200);
  EXPECT_NE(player->body.find("Zoé"), std::string::npos) << "the same pseudonym";
  EXPECT_NE(player->body.find("href=\"/classe/" + code + "\""), std::string::npos)
      << "the way back to the course";
  ASSERT_EQ(c.Post(video_page + "/reponse", zoe_there,
                   "interaction=" + std::to_string(question) + "&choix=0",
                   "application/x-www-form-urlencoded")
                ->status,
            200);
  // Back in the course, she sees where she stands; the teacher sees her score.
  const auto back = c.Get("/classe/" + code, zoe)->body;
  EXPECT_NE(back.find("Tu as répondu à 1 question sur 1, dont 1 juste."), std::string::npos);
  EXPECT_NE(back.find("Reprendre la vidéo interactive"), std::string::npos);
  const auto progress = c.Get(course + "/progression", lea)->body;
  EXPECT_NE(progress.find("Vidéo interactive : La bouche et les dents"), std::string::npos);
  EXPECT_NE(progress.find("1 juste sur 1 (1 répondue)"), std::string::npos);
  // On paper: its steps, the answers left out.
  const auto printed = c.Get(course + "/imprimer", lea)->body;
  EXPECT_NE(printed.find("0:05 — Question à choix : Où commence la digestion ? (Dans la bouche ; "
                         "Dans le cœur)"),
            std::string::npos);
  // For Moodle: the package of the video in the cartridge, named in its manifest.
  const auto cartridge = c.Get(course + "/export.imscc", lea);
  ASSERT_EQ(cartridge->status, 200);
  const auto file = tmp.path() / "cours.imscc";
  {
    std::ofstream out(file, std::ios::binary);
    out << cartridge->body;
  }
  const std::string check =
      "python3 -c \"import zipfile,io,sys; z=zipfile.ZipFile('" + file.string() +
      "'); names=z.namelist(); h=[n for n in names if n.endswith('.h5p')]; assert len(h)==1, "
      "names; m=z.read('imsmanifest.xml').decode(); assert h[0] in m and 'Vidéo interactive : "
      "La bouche et les dents' in m, m; p=zipfile.ZipFile(io.BytesIO(z.read(h[0]))); assert "
      "'h5p.json' in p.namelist() and 'content/videos/extrait.mp4' in p.namelist(), "
      "p.namelist()\"";
  EXPECT_EQ(std::system(check.c_str()), 0);
  // Had Zoé come by LTI with a line item (as a launch records her), each answer queues her
  // course score for the platform: a point per graded question (the true/false and the blanks;
  // the open question is not graded) and the video's graded question, 1 right.
  std::int64_t true_false = 0;
  {
    auto db = catalog::Database::open(dir.catalog(), all_modules());
    ASSERT_TRUE(db.is_ok());
    true_false = courses::CourseStore(**db).get(course_id)->chapters[0].blocks[1].id;
    ASSERT_TRUE((*db)
                    ->exec("INSERT INTO lti_platform(id, issuer, client_id, auth_url, jwks_url) "
                           "VALUES (1, 'https://moodle.example', 'tool', "
                           "'https://moodle.example/auth', 'https://moodle.example/jwks'); "
                           "INSERT INTO lti_pupil(platform_id, sub, kind, class_id, pupil_id, "
                           "lineitem) SELECT 1, 'zoe', 'cours', class_id, id, "
                           "'https://moodle.example/li/5' FROM course_pupil")
                    .is_ok());
  }
  ASSERT_EQ(c.Post("/classe/" + code + "/reponse", zoe,
                   "bloc=" + std::to_string(true_false) + "&reponse=faux",
                   "application/x-www-form-urlencoded")
                ->status,
            200);
  {
    auto db = catalog::Database::open(dir.catalog(), all_modules());
    auto score = (*db)->prepare(
        "SELECT lineitem, json_extract(body, '$.scoreGiven'), json_extract(body, "
        "'$.scoreMaximum'), json_extract(body, '$.activityProgress') FROM lti_score");
    ASSERT_TRUE(score.is_ok() && *score->step()) << "a score is queued";
    EXPECT_EQ(score->text(0), "https://moodle.example/li/5");
    EXPECT_EQ(score->real(1), 2.0);
    EXPECT_EQ(score->real(2), 3.0);
    EXPECT_EQ(score->text(3), "InProgress");  // the blanks are not answered yet
  }
}

}  // namespace
}  // namespace repere::web
