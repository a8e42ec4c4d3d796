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
// everything.
TEST(Migrations, PreviousVersionIsUpgradedInPlaceKeepingData) {
  TempDir dir;
  const auto path = dir / "c.sqlite";
  const int previous = latest_schema_version() - 1;
  Id content_id = 0;
  {
    auto old = open_or_die(path, {.schema_target = previous});
    ASSERT_EQ(*old->schema_version(), previous);
    EXPECT_EQ(count_rows(*old, "activity"), -1);  // the latest tables do not exist yet
    content_id = *ContentRepository(*old).insert(sample_content());
    const Id track = *TrackRepository(*old).insert(
        {.content_id = content_id, .kind = TrackKind::kSubtitles, .language = "fr"});
    ASSERT_TRUE(CueRepository(*old)
                    .replace_for_track(track, {{.start_ms = 0, .end_ms = 1500, .text = "Bonjour"}})
                    .is_ok());
  }
  auto db = open_or_die(path);
  ASSERT_TRUE(db);
  EXPECT_EQ(*db->schema_version(), latest_schema_version());
  EXPECT_EQ(ContentRepository(*db).get(content_id)->title, "La photosynthèse");
  EXPECT_EQ(count_rows(*db, "cue"), 1);
  EXPECT_EQ(count_rows(*db, "activity"), 0);
  EXPECT_TRUE(
      PassageRepository(*db)
          .replace_for_content(content_id, {{.start_ms = 0, .end_ms = 1500, .text = "Bonjour"}})
          .is_ok());
  EXPECT_TRUE(db->check_integrity().is_ok());
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
