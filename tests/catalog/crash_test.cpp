// A writer process killed with SIGKILL in the middle of a large write transaction leaves a
// catalog that opens cleanly, with all of that change or none of it, and everything committed
// before it intact.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include "catalog/test_catalog.h"
#include "repere/catalog/texts.h"

namespace repere::catalog {
namespace {

using repere::testing::TempDir;

constexpr int kCommittedCues = 1000;
constexpr int kBigBatch = 200000;

// Runs in the child: commits a first batch, then writes a big batch in one transaction,
// telling the parent (one byte on `signal_fd`) once `kill_after` rows of it are written.
[[noreturn]] void child_writer(const std::filesystem::path& path, Id track, int kill_after,
                               int signal_fd) {
  auto db = Database::open(path);
  if (!db.is_ok()) _exit(10);
  std::vector<Cue> first(kCommittedCues, Cue{.text = "avant"});
  if (!CueRepository(**db).replace_for_track(track, first).is_ok()) _exit(11);
  auto txn = Transaction::begin(**db);
  auto insert = (*db)->prepare(
      "INSERT INTO cue (track_id, seq, start_ms, end_ms, text) "
      "VALUES (?1, ?2, ?3, ?4, ?5)");
  if (!txn.is_ok() || !insert.is_ok()) _exit(12);
  for (int i = 0; i < kBigBatch; ++i) {
    insert->reset();
    insert->bind(1, track)
        .bind(2, kCommittedCues + i)
        .bind(3, i * 1000)
        .bind(4, i * 1000 + 900)
        .bind(5, "une phrase de sous-titre assez longue pour remplir des pages, numéro " +
                     std::to_string(i));
    if (!insert->run().is_ok()) _exit(13);
    if (i == kill_after) {
      const char byte = 'k';
      if (::write(signal_fd, &byte, 1) != 1) _exit(14);
    }
  }
  if (!txn->commit().is_ok()) _exit(15);
  _exit(0);
}

class CrashTest : public ::testing::TestWithParam<int> {};

TEST_P(CrashTest, KilledWriterLeavesAllOrNone) {
  TempDir dir;
  const auto path = dir / "catalog.sqlite";
  Id track = 0;
  {
    auto db = open_or_die(path);
    const Id content = *ContentRepository(*db).insert(sample_content());
    track = *TrackRepository(*db).insert({.content_id = content, .kind = TrackKind::kSubtitles});
  }
  int fds[2];
  ASSERT_EQ(::pipe(fds), 0);
  const pid_t pid = ::fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    ::close(fds[0]);
    child_writer(path, track, GetParam(), fds[1]);
  }
  ::close(fds[1]);
  char byte = 0;
  const bool signalled = ::read(fds[0], &byte, 1) == 1;
  ::kill(pid, SIGKILL);
  int wstatus = 0;
  ::waitpid(pid, &wstatus, 0);
  ::close(fds[0]);
  ASSERT_TRUE(signalled) << "child exited early with status " << wstatus;

  auto db = open_or_die(path);
  ASSERT_TRUE(db);
  EXPECT_TRUE(db->check_integrity().is_ok());
  const std::int64_t cues = *CueRepository(*db).count_for_track(track);
  const bool none = cues == kCommittedCues;
  const bool all = cues == kCommittedCues + kBigBatch;
  EXPECT_TRUE(none || all) << cues << " cues: a partial transaction survived";
  // The catalog stays writable after the crash.
  EXPECT_TRUE(ContentRepository(*db).insert(sample_content("après")).is_ok());
}

// Killed early, in the middle, and near the end of the big transaction.
INSTANTIATE_TEST_SUITE_P(KillPoints, CrashTest,
                         ::testing::Values(10, kBigBatch / 2, kBigBatch - 50));

}  // namespace
}  // namespace repere::catalog
