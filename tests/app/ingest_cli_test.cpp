// `repere ingest` as a user runs it, killed with SIGKILL half-way and run again.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fcntl.h>
#include <chrono>

#include <fstream>
#include <sstream>
#include <thread>

#include "repere/catalog/database.h"
#include "repere/catalog/summary.h"
#include "repere/core/data_dir.h"
#include "support/temp_dir.h"

namespace repere {
namespace {

namespace fs = std::filesystem;
using testing::TempDir;

pid_t spawn(const std::vector<std::string>& args, const fs::path& log) {
  const pid_t pid = ::fork();
  if (pid == 0) {
    const int fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    ::dup2(fd, 1);
    ::dup2(fd, 2);
    std::vector<char*> argv;
    for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    ::execv(argv[0], argv.data());
    _exit(127);
  }
  return pid;
}

int wait_exit(pid_t pid) {
  int status = 0;
  ::waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -WTERMSIG(status);
}

std::int64_t scalar(const fs::path& catalog, const std::string& sql) {
  auto db = catalog::Database::open(catalog, {.read_only = true});
  if (!db.is_ok()) return -1;
  auto stmt = (*db)->prepare(sql);
  if (!stmt.is_ok()) return -1;
  auto row = stmt->step();
  return row.is_ok() && *row ? stmt->int64(0) : -1;
}

// 30 French texts, large enough that ingesting them takes a while.
void make_library(const fs::path& folder) {
  fs::create_directories(folder);
  for (int i = 0; i < 30; ++i) {
    std::ofstream out(folder / ("texte-" + std::to_string(i) + ".txt"));
    for (int p = 0; p < 1500; ++p) {
      out << "Texte " << i << ", paragraphe " << p
          << " : la photosynthèse transforme la lumière en matière organique.\n\n";
    }
  }
}

TEST(IngestCli, KilledHalfWayThenResumedIngestsEachItemOnce) {
  TempDir tmp;
  const std::string repere = REPERE_BINARY;
  const fs::path media = tmp / "media";
  make_library(media);
  const fs::path lib = tmp / "lib";
  const fs::path catalog = lib / "catalog.sqlite";
  ASSERT_EQ(wait_exit(spawn({repere, "init", lib.string()}, tmp / "init.log")), 0);

  const pid_t pid =
      spawn({repere, "ingest", "--data", lib.string(), "--workers", "1", media.string()},
            tmp / "first.log");
  // Kill it once some contents are done, and before all are.
  std::int64_t done_at_kill = 0;
  for (int i = 0; i < 20000; ++i) {
    done_at_kill =
        scalar(catalog, "SELECT count(*) FROM job WHERE stage = 'segment' AND state = 'done'");
    if (done_at_kill >= 3) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  ::kill(pid, SIGKILL);
  EXPECT_EQ(wait_exit(pid), -SIGKILL);
  ASSERT_GE(done_at_kill, 3);
  const std::int64_t done_after_kill =
      scalar(catalog, "SELECT count(*) FROM job WHERE stage = 'segment' AND state = 'done'");
  EXPECT_LT(done_after_kill, 30) << "the ingest finished before it could be killed";

  const int rc = wait_exit(
      spawn({repere, "ingest", "--data", lib.string(), media.string()}, tmp / "second.log"));
  std::stringstream second_log;
  second_log << std::ifstream(tmp / "second.log").rdbuf();
  ASSERT_EQ(rc, 0) << second_log.str();

  EXPECT_EQ(scalar(catalog, "SELECT count(*) FROM content"), 30);
  EXPECT_EQ(scalar(catalog, "SELECT count(DISTINCT sha256) FROM content"), 30);
  EXPECT_EQ(scalar(catalog, "SELECT count(*) FROM job WHERE state != 'done'"), 0);
  EXPECT_EQ(scalar(catalog, "SELECT count(*) FROM track"), 30);
  // No duplicate passage: no two passages of a content share a text and position.
  EXPECT_EQ(scalar(catalog,
                   "SELECT count(*) FROM (SELECT content_id, text, page FROM passage "
                   "GROUP BY 1, 2, 3 HAVING count(*) > 1)"),
            0);
  // And the result is what a clean run gives.
  const fs::path clean = tmp / "clean";
  ASSERT_EQ(wait_exit(spawn({repere, "init", clean.string()}, tmp / "init2.log")), 0);
  ASSERT_EQ(wait_exit(spawn({repere, "ingest", "--data", clean.string(), media.string()},
                            tmp / "clean.log")),
            0);
  EXPECT_EQ(scalar(catalog, "SELECT count(*) FROM passage"),
            scalar(clean / "catalog.sqlite", "SELECT count(*) FROM passage"));
  EXPECT_GT(scalar(catalog, "SELECT count(*) FROM passage"), 30 * 100);
}

// A curator's decisions on programme concepts are people's work: a re-ingest of the changed file
// and a reindex keep them, and the machine's suggestions made again never bring a rejected one
// back.
TEST(IngestCli, ConfirmedAndRejectedConceptsSurviveReingestAndReindex) {
  const fs::path vocabularies = fs::path(REPERE_SHARED_DIR) / "standards/scolomfr/skos-3.2.0";
  TempDir tmp;
  const fs::path data = tmp.path() / "data", lib = tmp.path() / "lib";
  fs::create_directories(lib);
  auto write_note = [&](const std::string& extra) {
    std::ofstream(lib / "digestion.md")
        << "# La digestion\n\nLa digestion transforme les aliments en nutriments : la bouche, "
           "l'estomac, l'intestin grêle et le système digestif. "
        << extra << "\n";
  };
  write_note("");
  std::ofstream(lib / "catalogue.csv") << "fichier;titre;matière;niveau\n"
                                          "digestion.md;La digestion;SVT;5e\n";
  auto run = [&](const std::vector<std::string>& args) {
    std::vector<std::string> all{REPERE_BINARY};
    all.insert(all.end(), args.begin(), args.end());
    return wait_exit(spawn(all, tmp.path() / "log.txt"));
  };
  const std::string d = data.string();
  ASSERT_EQ(run({"init", d}), 0);
  ASSERT_EQ(run({"taxonomy", "import", "--data", d, (vocabularies / "15.rdf").string(),
                 (vocabularies / "22.rdf").string()}),
            0);
  ASSERT_EQ(run({"ingest", "--data", d, (lib / "catalogue.csv").string()}), 0);
  const fs::path catalog = DataDir{data}.catalog();
  // Ingest mapped the subject and suggested programme parts.
  ASSERT_GE(scalar(catalog, "SELECT count(*) FROM content_concept WHERE state = 'suggested'"), 2);
  std::string confirmed, rejected;
  {
    auto db = catalog::Database::open(catalog, {});
    ASSERT_TRUE(db.is_ok());
    auto stmt = (*db)->prepare(
        "SELECT concept_uri FROM content_concept WHERE state = 'suggested' ORDER BY score DESC");
    ASSERT_TRUE(*stmt->step());
    confirmed = stmt->text(0);
    ASSERT_TRUE(*stmt->step());
    rejected = stmt->text(0);
    stmt->reset();
    ASSERT_TRUE((*db)
                    ->exec("UPDATE content_concept SET state = 'confirmed', origin = 'person' "
                           "WHERE concept_uri = '" +
                           confirmed + "'")
                    .is_ok());
    ASSERT_TRUE((*db)
                    ->exec("UPDATE content_concept SET state = 'rejected', origin = 'person' "
                           "WHERE concept_uri = '" +
                           rejected + "'")
                    .is_ok());
  }
  write_note("Le gros intestin absorbe l'eau.");  // the file changes: it is read again
  ASSERT_EQ(run({"ingest", "--data", d, (lib / "catalogue.csv").string()}), 0);
  ASSERT_EQ(run({"reindex", "--data", d}), 0);
  ASSERT_EQ(run({"taxonomy", "suggest", "--data", d}), 0);
  // The same content, read again.
  EXPECT_EQ(scalar(catalog, "SELECT count(*) FROM content"), 1);
  EXPECT_EQ(scalar(catalog, "SELECT count(*) FROM passage WHERE text LIKE '%gros intestin%'"), 1);
  auto state = [&](const std::string& uri) {
    return scalar(catalog,
                  "SELECT CASE state WHEN 'confirmed' THEN 1 WHEN 'rejected' THEN 2 "
                  "ELSE 3 END FROM content_concept WHERE concept_uri = '" +
                      uri + "'");
  };
  EXPECT_EQ(state(confirmed), 1);
  EXPECT_EQ(state(rejected), 2);
  EXPECT_EQ(scalar(catalog,
                   "SELECT count(*) FROM passage_concept pc JOIN passage p ON p.id = "
                   "pc.passage_id WHERE pc.concept_uri = '" +
                       rejected + "'"),
            0);
}

}  // namespace
}  // namespace repere
