#include <gtest/gtest.h>

#include <atomic>
#include <fstream>
#include <thread>

#include "catalog/test_catalog.h"

namespace repere::catalog {
namespace {

using repere::testing::TempDir;

std::string pragma(Database& db, const std::string& name) {
  auto stmt = db.prepare("PRAGMA " + name);
  EXPECT_TRUE(stmt.is_ok());
  auto row = stmt->step();
  EXPECT_TRUE(row.is_ok() && *row);
  return stmt->text(0);
}

TEST(Database, NewCatalogIsWalWithForeignKeys) {
  TempDir dir;
  auto db = open_or_die(dir / "c.sqlite");
  ASSERT_TRUE(db);
  EXPECT_EQ(pragma(*db, "journal_mode"), "wal");
  EXPECT_EQ(pragma(*db, "foreign_keys"), "1");
  EXPECT_TRUE(db->check_integrity().is_ok());
}

TEST(Database, ForeignKeysAreEnforced) {
  TempDir dir;
  auto db = open_or_die(dir / "c.sqlite");
  ASSERT_TRUE(db);
  const Status s =
      db->exec("INSERT INTO track (content_id, kind, origin) VALUES (999, 'text', 'human')");
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument) << s.to_string();
}

TEST(Database, TransactionRollsBackUnlessCommitted) {
  TempDir dir;
  auto db = open_or_die(dir / "c.sqlite");
  ContentRepository contents(*db);
  {
    auto txn = Transaction::begin(*db);
    ASSERT_TRUE(txn.is_ok());
    ASSERT_TRUE(contents.insert(sample_content("a")).is_ok());
  }
  EXPECT_EQ(*contents.count(), 0);
  {
    auto txn = Transaction::begin(*db);
    ASSERT_TRUE(contents.insert(sample_content("b")).is_ok());
    ASSERT_TRUE(txn->commit().is_ok());
  }
  EXPECT_EQ(*contents.count(), 1);
}

TEST(Database, NestedTransactionIsASavepoint) {
  TempDir dir;
  auto db = open_or_die(dir / "c.sqlite");
  ContentRepository contents(*db);
  auto outer = Transaction::begin(*db);
  ASSERT_TRUE(outer.is_ok());
  ASSERT_TRUE(contents.insert(sample_content("kept")).is_ok());
  {
    auto inner = Transaction::begin(*db);
    ASSERT_TRUE(inner.is_ok()) << inner.status().to_string();
    ASSERT_TRUE(contents.insert(sample_content("dropped")).is_ok());
  }  // inner rolled back
  ASSERT_TRUE(outer->commit().is_ok());
  auto all = contents.list();
  ASSERT_EQ(all->size(), 1u);
  EXPECT_EQ(all->front().title, "kept");
}

TEST(Database, ReaderSeesASnapshotWhileTheWriterWrites) {
  TempDir dir;
  auto writer = open_or_die(dir / "c.sqlite");
  auto reader = open_or_die(dir / "c.sqlite");
  ContentRepository w(*writer);
  ContentRepository r(*reader);
  auto txn = Transaction::begin(*writer);
  ASSERT_TRUE(w.insert(sample_content()).is_ok());
  EXPECT_EQ(*r.count(), 0);  // does not block, does not see uncommitted rows
  ASSERT_TRUE(txn->commit().is_ok());
  EXPECT_EQ(*r.count(), 1);
}

// One writer thread commits batches of 50 while two reader threads count: readers never wait
// for the writer to finish and never see a partial batch.
TEST(Database, ReadersRunInParallelWithTheWriter) {
  TempDir dir;
  const auto path = dir / "c.sqlite";
  ASSERT_TRUE(open_or_die(path));
  std::atomic<bool> done{false};
  std::atomic<int> partial{0};
  std::atomic<int> reads{0};
  auto read_loop = [&] {
    auto db = open_or_die(path, {.read_only = true});
    ContentRepository contents(*db);
    while (!done) {
      const auto n = contents.count();
      if (!n.is_ok() || *n % 50 != 0) ++partial;
      ++reads;
    }
  };
  std::thread r1(read_loop);
  std::thread r2(read_loop);
  {
    auto db = open_or_die(path);
    ContentRepository contents(*db);
    for (int batch = 0; batch < 40; ++batch) {
      auto txn = Transaction::begin(*db);
      for (int i = 0; i < 50; ++i) ASSERT_TRUE(contents.insert(sample_content()).is_ok());
      ASSERT_TRUE(txn->commit().is_ok());
    }
  }
  done = true;
  r1.join();
  r2.join();
  EXPECT_EQ(partial, 0);
  EXPECT_GT(reads, 2);
}

TEST(Database, NotADatabaseIsCorruptionNamingTheFile) {
  TempDir dir;
  const auto path = dir / "catalog.sqlite";
  std::ofstream(path) << std::string(4096, 'x');
  const auto db = Database::open(path);
  ASSERT_FALSE(db.is_ok());
  EXPECT_EQ(db.status().code(), StatusCode::kCorruption) << db.status().to_string();
  EXPECT_NE(db.status().message().find(path.string()), std::string::npos);
}

TEST(Database, MissingFileIsNotFoundUnlessCreated) {
  TempDir dir;
  const auto r = Database::open(dir / "absent.sqlite", {.create_if_missing = false});
  ASSERT_FALSE(r.is_ok());
  EXPECT_EQ(r.status().code(), StatusCode::kNotFound);
  const auto ro = Database::open(dir / "absent.sqlite", {.read_only = true});
  EXPECT_EQ(ro.status().code(), StatusCode::kNotFound);
}

TEST(Database, BadSqlIsAnErrorNotACrash) {
  TempDir dir;
  auto db = open_or_die(dir / "c.sqlite");
  EXPECT_FALSE(db->exec("SELEC nonsense").is_ok());
  EXPECT_FALSE(db->prepare("SELECT * FROM no_such_table").is_ok());
}

}  // namespace
}  // namespace repere::catalog
