#include <gtest/gtest.h>

#include "repere/core/data_dir.h"
#include "repere/core/files.h"
#include "support/temp_dir.h"

namespace repere {
namespace {

TEST(Files, WriteAtomicThenRead) {
  testing::TempDir dir;
  const auto path = dir / "a.txt";
  ASSERT_TRUE(write_file_atomic(path, "première version").is_ok());
  ASSERT_TRUE(write_file_atomic(path, "seconde").is_ok());
  EXPECT_EQ(*read_file(path), "seconde");
  EXPECT_EQ(std::distance(std::filesystem::directory_iterator(dir.path()),
                          std::filesystem::directory_iterator()),
            1);  // no temporary file left behind
}

TEST(Files, ReadMissingIsNotFound) {
  testing::TempDir dir;
  const Result<std::string> r = read_file(dir / "absent");
  ASSERT_FALSE(r.is_ok());
  EXPECT_EQ(r.status().code(), StatusCode::kNotFound);
  EXPECT_NE(r.status().message().find("absent"), std::string::npos);
}

TEST(Files, WriteIntoMissingFolderIsIoError) {
  testing::TempDir dir;
  const Status s = write_file_atomic(dir / "no/such/folder/file", "x");
  EXPECT_EQ(s.code(), StatusCode::kIoError);
}

TEST(Files, DiskUsageSumsAFolder) {
  testing::TempDir dir;
  std::filesystem::create_directories(dir / "sub");
  ASSERT_TRUE(write_file_atomic(dir / "sub/a", std::string(100, 'a')).is_ok());
  ASSERT_TRUE(write_file_atomic(dir / "b", std::string(23, 'b')).is_ok());
  EXPECT_EQ(disk_usage(dir.path()), 123u);
  EXPECT_EQ(disk_usage(dir / "b"), 23u);
  EXPECT_EQ(disk_usage(dir / "none"), 0u);
}

TEST(DataDir, UninitialisedFolderSaysToRunInit) {
  testing::TempDir dir;
  const Status s = check_data_dir(DataDir{dir.path()});
  EXPECT_EQ(s.code(), StatusCode::kNotFound);
  EXPECT_NE(s.message().find("repere init"), std::string::npos);
}

}  // namespace
}  // namespace repere
