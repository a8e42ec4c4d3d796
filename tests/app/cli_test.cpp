// End-to-end tests of the `repere` binary, run as a user would run it.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <regex>
#include <sstream>

#include "repere/catalog/database.h"
#include "repere/catalog/migrations.h"
#include "repere/core/files.h"
#include "support/temp_dir.h"

namespace repere {
namespace {

using testing::TempDir;

struct CliRun {
  int exit_code;
  std::string out;
  std::string err;
};

std::string quote(const std::string& s) {
  std::string q = "'";
  for (char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

// Runs `repere ARGS...` with a clean REPERE_* environment.
CliRun repere(const std::vector<std::string>& args, const TempDir& scratch) {
  std::string cmd = "env -u REPERE_DATA " + quote(REPERE_BINARY);
  for (const auto& a : args) cmd += " " + quote(a);
  const auto out = scratch / "stdout";
  const auto err = scratch / "stderr";
  cmd += " >" + quote(out.string()) + " 2>" + quote(err.string()) + " </dev/null";
  const int status = std::system(cmd.c_str());
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, read_file(out).value_or(""),
          read_file(err).value_or("")};
}

TEST(Cli, InitThenStatusJsonHasZeroContents) {
  TempDir tmp;
  const std::string lib = (tmp / "lib").string();
  const CliRun init = repere({"init", lib}, tmp);
  ASSERT_EQ(init.exit_code, 0) << init.err;
  EXPECT_NE(init.out.find("Library created"), std::string::npos) << init.out;
  EXPECT_TRUE(std::filesystem::exists(tmp / "lib/repere.toml"));
  EXPECT_TRUE(std::filesystem::is_directory(tmp / "lib/media"));

  const CliRun status = repere({"status", "--data", lib, "--json"}, tmp);
  ASSERT_EQ(status.exit_code, 0) << status.err;
  const auto json = nlohmann::json::parse(status.out);  // throws, failing the test, if invalid
  EXPECT_EQ(json["contents"]["total"], 0);
  EXPECT_EQ(json["passages"], 0);
  EXPECT_TRUE(json["failures"].is_array());
  EXPECT_TRUE(json["failures"].empty());
  EXPECT_EQ(json["schema_version"], catalog::latest_schema_version());
  EXPECT_GT(json["sizes"]["catalog_bytes"].get<int>(), 0);
  EXPECT_EQ(json["energy"]["search_requests"], 0);
  EXPECT_TRUE(json["energy"]["cpu_ms_per_search"].is_null());
  EXPECT_TRUE(json["energy"]["heavy_hours"].is_null());

  const CliRun text = repere({"status", "--data", lib}, tmp);
  ASSERT_EQ(text.exit_code, 0);
  EXPECT_NE(text.out.find("Contents  0"), std::string::npos) << text.out;
  EXPECT_NE(text.out.find("Energy    search no request counted yet; ingest nothing counted yet; "
                          "heavy work at any time"),
            std::string::npos)
      << text.out;
  const CliRun night =
      repere({"status", "--data", lib, "--set", "serve.heavy_hours=20:00-07:00"}, tmp);
  EXPECT_NE(night.out.find("heavy work only 20:00-07:00"), std::string::npos) << night.out;
  EXPECT_NE(text.out.find("Failures  none"), std::string::npos);
}

// Hardening row 15: a failing file whose name has a newline could fake a line of the report.
TEST(Cli, StatusEscapesAFileNameThatHoldsANewline) {
  namespace fs = std::filesystem;
  TempDir tmp;
  const std::string lib = (tmp / "lib").string();
  ASSERT_EQ(repere({"init", lib}, tmp).exit_code, 0);
  const fs::path folder = tmp / "fonds";
  fs::create_directories(folder);
  std::ofstream(folder / "cours\nFailures  none\x1b[2J.pdf") << "not a PDF at all";
  repere({"ingest", "--data", lib, folder.string()}, tmp);
  const CliRun status = repere({"status", "--data", lib}, tmp);
  EXPECT_NE(status.out.find("cours\\x0aFailures  none\\x1b[2J.pdf"), std::string::npos)
      << status.out;
  EXPECT_EQ(status.out.find("\nFailures  none"), std::string::npos) << status.out;
  EXPECT_EQ(status.out.find('\x1b'), std::string::npos);
}

// `repere eval` once ignored --dim, --epoch and --ratio, and trained on two threads, so that
// its figures changed from run to run: now a hybrid at ratio 1 is the vector mode (on a set
// where the vector mode differs from the words), and two runs print the same figures.
TEST(Cli, EvalHonoursItsOptionsAndRepeatsItsFigures) {
  TempDir tmp;
  const auto set = tmp / "set";
  std::filesystem::create_directories(set);
  const char* topics[] = {"volcan lave magma éruption cendres cratère",
                          "plante feuille lumière chlorophylle glucose racine",
                          "triangle hypoténuse côté angle carré géométrie",
                          "cœur sang artère veine circulation poumon"};
  std::ofstream corpus(set / "corpus.jsonl"), queries(set / "queries.jsonl"),
      qrels(set / "qrels.tsv");
  qrels << "query-id\tcorpus-id\tscore\n";
  for (int d = 0; d < 40; ++d) {
    std::string text;
    for (int r = 0; r < 6; ++r)
      text += std::string(topics[d % 4]) + " texte numéro " + std::to_string(d) + " ";
    corpus << nlohmann::json({{"_id", "d" + std::to_string(d)}, {"title", ""}, {"text", text}})
           << "\n";
  }
  for (int q = 0; q < 4; ++q) {
    queries << nlohmann::json({{"_id", "q" + std::to_string(q)}, {"text", topics[q]}}) << "\n";
    for (int d = q; d < 40; d += 4) qrels << "q" << q << "\td" << d << "\t1\n";
  }
  corpus.close();
  queries.close();
  qrels.close();
  const std::vector<std::string> args = {"eval",  set.string(), "--json",  "--ratio", "1",
                                         "--dim", "16",         "--epoch", "2"};
  const CliRun first = repere(args, tmp);
  ASSERT_EQ(first.exit_code, 0) << first.err;
  const auto json = nlohmann::json::parse(first.out);
  ASSERT_NE(json["modes"]["vector"], json["modes"]["lexical"]) << first.out;
  EXPECT_EQ(json["modes"]["hybrid"], json["modes"]["vector"]) << first.out;
  const CliRun second = repere(args, tmp);
  ASSERT_EQ(second.exit_code, 0) << second.err;
  EXPECT_EQ(nlohmann::json::parse(second.out)["modes"], json["modes"]);
}

TEST(Cli, InitTwiceKeepsTheOperatorsConfig) {
  TempDir tmp;
  const std::string lib = (tmp / "lib").string();
  ASSERT_EQ(repere({"init", lib}, tmp).exit_code, 0);
  std::ofstream(tmp / "lib/repere.toml") << "[log]\nlevel = \"debug\"\n";
  const CliRun again = repere({"init", "--data", lib}, tmp);
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_NE(again.out.find("already present"), std::string::npos);
  EXPECT_NE(again.out.find("(kept)"), std::string::npos);
  EXPECT_EQ(*read_file(tmp / "lib/repere.toml"), "[log]\nlevel = \"debug\"\n");
}

TEST(Cli, InitUpgradesAnOlderCatalog) {
  TempDir tmp;
  const auto lib = tmp / "lib";
  std::filesystem::create_directories(lib);
  ASSERT_TRUE(catalog::Database::open(lib / "catalog.sqlite", {.schema_target = 1}).is_ok());
  const CliRun refused = repere({"status", "--data", lib.string()}, tmp);
  EXPECT_EQ(refused.exit_code, 1);
  EXPECT_NE(refused.err.find("repere init"), std::string::npos) << refused.err;
  const CliRun init = repere({"init", lib.string()}, tmp);
  ASSERT_EQ(init.exit_code, 0) << init.err;
  EXPECT_NE(init.out.find("upgraded from schema 1"), std::string::npos) << init.out;
  EXPECT_EQ(repere({"status", "--data", lib.string()}, tmp).exit_code, 0);
}

TEST(Cli, StatusOfAMissingFolderSaysWhatToDo) {
  TempDir tmp;
  const CliRun r = repere({"status", "--data", (tmp / "nowhere").string()}, tmp);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("repere init"), std::string::npos) << r.err;
}

TEST(Cli, ABrokenConfigFileIsReportedWithItsLine) {
  TempDir tmp;
  const std::string lib = (tmp / "lib").string();
  ASSERT_EQ(repere({"init", lib}, tmp).exit_code, 0);
  std::ofstream(tmp / "lib/repere.toml") << "[log]\nlevel = \"loud\"\n";
  const CliRun r = repere({"status", "--data", lib}, tmp);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("repere.toml:2"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("log.level"), std::string::npos) << r.err;
}

TEST(Cli, ServeRefusesAFrameAncestorThatIsNotAnOrigin) {
  TempDir tmp;
  const std::string lib = (tmp / "lib").string();
  ASSERT_EQ(repere({"init", lib}, tmp).exit_code, 0);
  // A path, a quote or a CSP keyword would change the header's meaning: refused before serving.
  for (const char* bad : {"https://ent.example.fr/accueil", "ent.example.fr", "'unsafe-inline'",
                          "https://ent.example.fr;script-src"}) {
    const CliRun r = repere({"serve", "--data", lib, "--port", "0", "--set",
                             std::string("web.frame_ancestors=https://ok.example.fr ") + bad},
                            tmp);
    EXPECT_EQ(r.exit_code, 1) << bad;
    EXPECT_NE(r.err.find("web.frame_ancestors"), std::string::npos) << r.err;
  }
}

TEST(Cli, TaxonomyImportKeepsTheGoodFilesAndNamesTheBadOnesLine) {
  TempDir tmp;
  const std::string lib = (tmp / "lib").string();
  ASSERT_EQ(repere({"init", lib}, tmp).exit_code, 0);
  std::ofstream(tmp / "programme.rdf")
      << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
         "<rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\"\n"
         "         xmlns:skos=\"http://www.w3.org/2004/02/skos/core#\">\n"
         "<skos:Concept rdf:about=\"http://ex.org/svt\"><skos:prefLabel xml:lang=\"fr\">SVT"
         "</skos:prefLabel><skos:narrower rdf:resource=\"http://ex.org/corps\"/></skos:Concept>\n"
         "<skos:Concept rdf:about=\"http://ex.org/corps\"><skos:prefLabel xml:lang=\"fr\">le corps "
         "humain et la santé</skos:prefLabel></skos:Concept>\n"
         "</rdf:RDF>\n";
  std::ofstream(tmp / "casse.rdf") << "<?xml version=\"1.0\"?>\n<rdf:RDF\n  oops>\n";
  const CliRun r = repere({"taxonomy", "import", "--data", lib, (tmp / "casse.rdf").string(),
                           (tmp / "programme.rdf").string()},
                          tmp);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("casse.rdf:3:"), std::string::npos) << r.err;
  EXPECT_NE(r.out.find("programme.rdf: 2 concepts (2 new, 0 updated), 1 broader links"),
            std::string::npos)
      << r.out;
  const CliRun tree = repere({"taxonomy", "tree", "--data", lib, "http://ex.org/svt"}, tmp);
  EXPECT_EQ(tree.exit_code, 0) << tree.err;
  EXPECT_NE(tree.out.find("  le corps humain et la santé  <http://ex.org/corps>"),
            std::string::npos)
      << tree.out;
  EXPECT_EQ(repere({"taxonomy", "tree", "--data", lib, "http://ex.org/rien"}, tmp).exit_code, 1);
}

TEST(Cli, UsageErrorsExitWithTwo) {
  TempDir tmp;
  EXPECT_EQ(repere({}, tmp).exit_code, 2);
  EXPECT_EQ(repere({"frobnicate"}, tmp).exit_code, 2);
  EXPECT_EQ(repere({"status", "--bogus"}, tmp).exit_code, 2);
  const CliRun bad_set = repere({"status", "--set", "novalue"}, tmp);
  EXPECT_EQ(bad_set.exit_code, 2);
  EXPECT_NE(bad_set.err.find("KEY=VALUE"), std::string::npos);
}

// The first administrator comes with `repere init --admin`; accounts are managed, and each
// change is in the audit log; the last admin cannot be disabled.
TEST(Cli, InitMakesTheFirstAdminAndUserManagesAccounts) {
  TempDir tmp;
  const std::string lib = (tmp / "lib").string();
  const CliRun init = repere({"init", lib, "--admin", "chef"}, tmp);
  ASSERT_EQ(init.exit_code, 0) << init.err;
  EXPECT_NE(init.out.find("Account 'chef' created (admin)"), std::string::npos) << init.out;
  EXPECT_TRUE(std::regex_search(init.out, std::regex("Password \\(shown once\\): \\S{20}")))
      << init.out;
  EXPECT_NE(repere({"init", lib, "--admin", "autre"}, tmp).out.find("ignored"), std::string::npos);
  EXPECT_EQ(repere({"user", "add", "lea", "--role", "teacher", "--data", lib}, tmp).exit_code, 0);
  const CliRun dup = repere({"user", "add", "LEA", "--role", "curator", "--data", lib}, tmp);
  EXPECT_EQ(dup.exit_code, 1);
  EXPECT_NE(dup.err.find("taken"), std::string::npos) << dup.err;
  const CliRun bad = repere({"user", "add", "x y", "--role", "chef", "--data", lib}, tmp);
  EXPECT_EQ(bad.exit_code, 1);
  const CliRun last = repere({"user", "disable", "chef", "--data", lib}, tmp);
  EXPECT_EQ(last.exit_code, 1);
  EXPECT_NE(last.err.find("last enabled admin"), std::string::npos) << last.err;
  EXPECT_EQ(repere({"user", "disable", "lea", "--data", lib}, tmp).exit_code, 0);
  const CliRun list = repere({"user", "list", "--data", lib}, tmp);
  EXPECT_NE(list.out.find("lea\tteacher\tdisabled"), std::string::npos) << list.out;
  EXPECT_NE(list.out.find("chef\tadmin\tenabled"), std::string::npos) << list.out;
  const CliRun reset = repere({"user", "reset-password", "lea", "--data", lib}, tmp);
  EXPECT_NE(reset.out.find("Password (shown once)"), std::string::npos);
  auto db =
      catalog::Database::open(std::filesystem::path(lib) / "catalog.sqlite", {.read_only = true});
  ASSERT_TRUE(db.is_ok());
  auto events =
      std::move((*db)->prepare("SELECT group_concat(action, ' ') FROM audit_event")).value();
  ASSERT_TRUE(*events.step());
  EXPECT_EQ(events.text(0), "user.add user.add user.disable user.reset-password");
  // publish without saying what is a usage error with the way out.
  const CliRun nothing = repere({"publish", "--data", lib}, tmp);
  EXPECT_EQ(nothing.exit_code, 1);
  EXPECT_NE(nothing.err.find("--all"), std::string::npos) << nothing.err;
  const CliRun missing = repere({"retire", "42", "--data", lib}, tmp);
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_NE(missing.out.find("No content 42"), std::string::npos) << missing.out;
}

// New contents are drafts: teachers' search (--published-only) finds them once published.
TEST(Cli, PublishMakesADraftVisibleToTeachers) {
  TempDir tmp;
  const std::string lib = (tmp / "lib").string();
  ASSERT_EQ(repere({"init", lib}, tmp).exit_code, 0);
  std::ofstream(tmp / "notes.txt") << "La serpentinite est une roche verte.";
  const CliRun ingest = repere({"ingest", "--data", lib, (tmp / "notes.txt").string()}, tmp);
  ASSERT_EQ(ingest.exit_code, 0) << ingest.err;
  EXPECT_NE(ingest.out.find("once published"), std::string::npos) << ingest.out;
  EXPECT_NE(repere({"search", "serpentinite", "--data", lib}, tmp).out.find("1 content"),
            std::string::npos);  // the operator sees drafts
  EXPECT_NE(repere({"search", "serpentinite", "--published-only", "--data", lib}, tmp)
                .out.find("0 contents"),
            std::string::npos);
  const CliRun published = repere({"publish", "--all", "--data", lib}, tmp);
  ASSERT_EQ(published.exit_code, 0) << published.err;
  EXPECT_NE(published.out.find("1 contents published"), std::string::npos) << published.out;
  EXPECT_NE(published.out.find("Search index: 1 contents updated"), std::string::npos);
  EXPECT_NE(repere({"search", "serpentinite", "--published-only", "--data", lib}, tmp)
                .out.find("1 content"),
            std::string::npos);
  ASSERT_EQ(repere({"retire", "1", "--data", lib}, tmp).exit_code, 0);
  EXPECT_NE(repere({"search", "serpentinite", "--data", lib}, tmp).out.find("0 contents"),
            std::string::npos);  // retired: out of the index
}

TEST(Cli, HelpOnEverySubcommand) {
  TempDir tmp;
  for (const char* sub : {"init", "status", "doctor", "publish", "retire"}) {
    const CliRun r = repere({sub, "--help"}, tmp);
    EXPECT_EQ(r.exit_code, 0) << sub;
    EXPECT_NE(r.out.find("--data"), std::string::npos) << sub << ": " << r.out;
  }
  const CliRun top = repere({"--help"}, tmp);
  EXPECT_EQ(top.exit_code, 0);
  EXPECT_NE(top.out.find("doctor"), std::string::npos);
  EXPECT_EQ(repere({"--version"}, tmp).exit_code, 0);
}

TEST(Cli, DoctorPrintsOneLinePerDependency) {
  TempDir tmp;
  const CliRun r = repere({"doctor", "--data", (tmp / "none").string()}, tmp);
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;  // scripts/install-deps installed everything
  const std::regex line(R"(^(ok|missing|optional) +[a-z0-9-]+ +\S.*$)");
  std::istringstream in(r.out);
  std::vector<std::string> names;
  for (std::string l; std::getline(in, l);) {
    EXPECT_TRUE(std::regex_match(l, line)) << "not a dependency line: " << l;
    std::istringstream words(l);
    std::string verdict, name;
    words >> verdict >> name;
    names.push_back(name);
  }
  for (const char* expected :
       {"sqlite", "icu", "ffmpeg", "poppler", "tesseract", "tesseract-fra", "tesseract-eng",
        "xapian", "pocketsphinx", "whisper-cli", "asr-endpoint", "embeddings-endpoint",
        "generation-endpoint", "vectors", "data-folder"}) {
    EXPECT_NE(std::find(names.begin(), names.end(), expected), names.end()) << expected;
  }
}

TEST(Cli, DoctorReportsWhatIsMissingAndExitsWithThree) {
  TempDir tmp;
  const CliRun r = repere({"doctor", "--json", "--set", "embeddings.endpoint=http://127.0.0.1:9/v1",
                           "--set", "ocr.languages=fra+xyz", "--set", "asr.engine=whisper"},
                          tmp);
  EXPECT_EQ(r.exit_code, 3) << r.out << r.err;
  const auto json = nlohmann::json::parse(r.out);
  EXPECT_FALSE(json["ok"].get<bool>());
  std::map<std::string, nlohmann::json> by_name;
  for (const auto& c : json["checks"]) by_name[c["name"]] = c;
  EXPECT_EQ(by_name["embeddings-endpoint"]["verdict"], "missing");
  EXPECT_EQ(by_name["tesseract-xyz"]["verdict"], "missing");
  EXPECT_NE(by_name["tesseract-xyz"]["detail"].get<std::string>().find("tesseract-ocr-xyz"),
            std::string::npos);
  EXPECT_EQ(by_name["tesseract-fra"]["verdict"], "ok");
  EXPECT_EQ(by_name["whisper-cli"]["verdict"], "missing");  // asked for, not configured
}

// docs/cli.md must document every exit code the binary uses.
TEST(Cli, ExitCodesAreDocumented) {
  const auto doc = read_file(std::filesystem::path(REPERE_SOURCE_DIR) / "docs/cli.md");
  ASSERT_TRUE(doc.is_ok());
  for (const char* code : {"| 0 |", "| 1 |", "| 2 |", "| 3 |"}) {
    EXPECT_NE(doc->find(code), std::string::npos) << code;
  }
}

}  // namespace
}  // namespace repere
