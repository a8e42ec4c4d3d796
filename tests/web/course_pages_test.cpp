// The course pages' rules on a real server: a draft is its owner's (another teacher gets the
// same 404 as for no course), a published course is everyone's, a copy is the copier's own,
// « Ajouter au cours » only adds to one's own courses, and blocks keep to their course.
#include <gtest/gtest.h>
#include <httplib.h>

#include <atomic>
#include <nlohmann/json.hpp>

#include "repere/auth/accounts.h"
#include "repere/auth/schema.h"
#include "repere/catalog/contents.h"
#include "repere/catalog/database.h"
#include "repere/catalog/texts.h"
#include "repere/courses/schema.h"
#include "repere/courses/store.h"
#include "repere/index/library.h"
#include "repere/learn/schema.h"
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
  auto sign_in = [&](const std::string& login) {
    auto c = server.client();
    const auto r = c.Post(
        "/connexion",
        "identifiant=" + login + "&mot_de_passe=" + httplib::detail::encode_query_param(kPassword),
        "application/x-www-form-urlencoded");
    EXPECT_TRUE(r && r->status == 303);
    const std::string set = r->get_header_value("Set-Cookie");
    httplib::Headers h{{"Cookie", set.substr(0, set.find(';'))}};
    const auto me = nlohmann::json::parse(c.Get("/api/v1/me", h)->body);
    h.emplace("X-CSRF-Token", me.value("csrf_token", ""));
    return h;
  };
  auto c = server.client();
  const auto lea = sign_in("lea"), marc = sign_in("marc");
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

}  // namespace
}  // namespace repere::web
