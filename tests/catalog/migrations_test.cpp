#include <gtest/gtest.h>

#include "catalog/test_catalog.h"
#include "repere/catalog/migrations.h"
#include "repere/catalog/texts.h"

namespace repere::catalog {
namespace {

using repere::testing::TempDir;

TEST(Migrations, NewCatalogIsAtTheLatestVersion) {
  TempDir dir;
  auto db = open_or_die(dir / "c.sqlite");
  EXPECT_EQ(*db->schema_version(), latest_schema_version());
  EXPECT_GE(latest_schema_version(), 2);
}

// A catalog written at the previous version, with data in it, is upgraded in place and keeps
// everything. Contents that existed before the statuses were enforced were shown to everyone:
// those with passages stay published; one that never got its text stays a draft.
TEST(Migrations, PreviousVersionIsUpgradedInPlaceKeepingData) {
  TempDir dir;
  const auto path = dir / "c.sqlite";
  const int previous = 3;  // before the editorial statuses were enforced
  {
    auto old = open_or_die(path, {.schema_target = previous});
    ASSERT_EQ(*old->schema_version(), previous);
    EXPECT_EQ(count_rows(*old, "module_schema"), -1);  // the latest tables do not exist yet
    // Written as the previous version's binary did: without the columns it did not know.
    ASSERT_TRUE(old->exec("INSERT INTO content (id, kind, title, media_path) VALUES "
                          "(1, 'video', 'La photosynthèse', '/m/a.mp4'), "
                          "(2, 'document', 'Sans texte', '/m/b.pdf');"
                          "INSERT INTO track (id, content_id, kind, language, origin) VALUES "
                          "(1, 1, 'subtitles', 'fr', 'human');"
                          "INSERT INTO cue (track_id, seq, start_ms, end_ms, text) VALUES "
                          "(1, 0, 0, 1500, 'Bonjour');"
                          "INSERT INTO passage (content_id, track_id, seq, start_ms, end_ms, text) "
                          "VALUES (1, 1, 0, 0, 1500, 'Bonjour');")
                    .is_ok());
  }
  auto db = open_or_die(path);
  ASSERT_TRUE(db);
  EXPECT_EQ(*db->schema_version(), latest_schema_version());
  const Content kept = *ContentRepository(*db).get(1);
  EXPECT_EQ(kept.title, "La photosynthèse");
  EXPECT_EQ(kept.status, EditorialStatus::kPublished);
  EXPECT_EQ(kept.status_by, "upgrade");
  EXPECT_EQ(ContentRepository(*db).get(2)->status, EditorialStatus::kDraft);
  EXPECT_EQ(count_rows(*db, "cue"), 1);
  EXPECT_EQ(count_rows(*db, "module_schema"), 0);
  EXPECT_TRUE(db->check_integrity().is_ok());
}

// A module's own tables: migrated once, recorded in module_schema, and a catalog whose module
// tables are newer than this binary's is refused with a message.
TEST(Migrations, ModuleSchemasMigrateOnceAndRefuseANewerOne) {
  TempDir dir;
  const ModuleSchema notes{"notes",
                           {{1, "notes", "CREATE TABLE note (id INTEGER PRIMARY KEY, text TEXT)"},
                            {2, "note dates", "ALTER TABLE note ADD COLUMN at TEXT"}}};
  OpenOptions options;
  options.modules = {&notes};
  {
    auto db = open_or_die(dir / "c.sqlite", options);
    ASSERT_TRUE(db);
    EXPECT_EQ(*module_version(*db, "notes"), 2);
    EXPECT_TRUE(db->exec("INSERT INTO note (text, at) VALUES ('a', 'now')").is_ok());
  }
  auto again = open_or_die(dir / "c.sqlite", options);  // nothing runs twice
  ASSERT_TRUE(again);
  EXPECT_EQ(count_rows(*again, "note"), 1);
  EXPECT_EQ(count_rows(*again, "module_schema"), 2);
  const ModuleSchema older{"notes", {notes.migrations[0]}};
  OpenOptions old_binary;
  old_binary.modules = {&older};
  const auto refused = Database::open(dir / "c.sqlite", old_binary);
  ASSERT_FALSE(refused.is_ok());
  EXPECT_EQ(refused.status().code(), StatusCode::kUnsupported);
  EXPECT_NE(refused.status().message().find("notes"), std::string::npos);
}

TEST(Migrations, EveryOlderVersionUpgrades) {
  for (int from = 1; from < latest_schema_version(); ++from) {
    TempDir dir;
    ASSERT_TRUE(open_or_die(dir / "c.sqlite", {.schema_target = from}));
    auto db = open_or_die(dir / "c.sqlite");
    ASSERT_TRUE(db) << "from version " << from;
    EXPECT_EQ(*db->schema_version(), latest_schema_version());
  }
}

TEST(Migrations, FutureVersionIsRefusedWithAMessage) {
  TempDir dir;
  const auto path = dir / "c.sqlite";
  {
    auto db = open_or_die(path);
    ASSERT_TRUE(db->exec("INSERT INTO schema_version (version, description) VALUES (99, 'future')")
                    .is_ok());
  }
  const auto db = Database::open(path);
  ASSERT_FALSE(db.is_ok());
  EXPECT_EQ(db.status().code(), StatusCode::kUnsupported);
  EXPECT_NE(db.status().message().find("99"), std::string::npos) << db.status().message();
  EXPECT_NE(db.status().message().find("upgrade repere"), std::string::npos);
  // Inspecting it without the check still works, so tools can report the version.
  auto peek = Database::open(path, {.check_schema = false});
  ASSERT_TRUE(peek.is_ok());
  EXPECT_EQ(*(*peek)->schema_version(), 99);
}

TEST(Migrations, ReadOnlyOpenOfAnOldCatalogSaysHowToUpgrade) {
  TempDir dir;
  const auto path = dir / "c.sqlite";
  ASSERT_TRUE(open_or_die(path, {.schema_target = 1}));
  const auto db = Database::open(path, {.read_only = true});
  ASSERT_FALSE(db.is_ok());
  EXPECT_NE(db.status().message().find("repere init"), std::string::npos) << db.status().message();
}

}  // namespace
}  // namespace repere::catalog
