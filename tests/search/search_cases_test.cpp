// Runs the data-driven search cases of tests/search/cases/*.txt (format at the top of
// french.txt): each file builds a small library in a real catalog, indexes it with
// `reindex`, and runs its queries through the Searcher in each mode it lists.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <fstream>
#include <map>
#include <sstream>

#include "repere/catalog/contents.h"
#include "repere/catalog/database.h"
#include "repere/catalog/texts.h"
#include "repere/index/dictionary.h"
#include "repere/index/library.h"
#include "repere/search/search.h"
#include "support/temp_dir.h"

namespace repere::search {
namespace {

namespace fs = std::filesystem;
const fs::path kCases = fs::path(REPERE_SOURCE_DIR) / "tests/search/cases";

std::string trim(std::string s) {
  const auto b = s.find_first_not_of(' ');
  const auto e = s.find_last_not_of(' ');
  return b == std::string::npos ? "" : s.substr(b, e - b + 1);
}

std::vector<std::string> split(const std::string& s, const std::string& sep) {
  std::vector<std::string> out;
  std::size_t at = 0;
  for (auto next = s.find(sep); next != std::string::npos; next = s.find(sep, at)) {
    out.push_back(trim(s.substr(at, next - at)));
    at = next + sep.size();
  }
  out.push_back(trim(s.substr(at)));
  return out;
}

struct CaseFile {
  testing::TempDir dir;
  std::map<std::string, std::int64_t> ids;  // case id -> content id
  std::map<std::int64_t, std::string> names;
};

void add_doc(catalog::Database& db, CaseFile& f, const std::string& head, const std::string& body,
             const std::string& where) {
  std::istringstream words(head);
  std::string doc, id, kind, language;
  words >> doc >> id >> kind >> language;
  catalog::Content c;
  c.status = catalog::EditorialStatus::kPublished;  // searched as readers see it
  ASSERT_TRUE(catalog::parse_content_kind(kind).is_ok()) << where;
  c.kind = *catalog::parse_content_kind(kind);
  c.language = language;
  c.title = id;
  c.media_path = "/case/" + id;
  const auto content = catalog::ContentRepository(db).insert(c);
  ASSERT_TRUE(content.is_ok()) << where << content.status().to_string();
  std::vector<catalog::Passage> passages;
  const bool timed = kind == "video" || kind == "audio";
  const auto texts = split(body, "||");
  for (std::size_t i = 0; i < texts.size(); ++i) {
    catalog::Passage p;
    p.text = texts[i];
    p.language = language;
    if (timed) {
      p.start_ms = static_cast<std::int64_t>(i) * 30000;
      p.end_ms = p.start_ms.value() + 30000;
    } else if (kind == "document") {
      p.page = static_cast<int>(i) + 1;
    }
    passages.push_back(p);
  }
  ASSERT_TRUE(catalog::PassageRepository(db).replace_for_content(*content, passages).is_ok());
  f.ids[id] = *content;
  f.names[*content] = id;
}

void set_title(catalog::Database& db, CaseFile& f, const std::string& id,
               const std::string& title) {
  auto c = catalog::ContentRepository(db).get(f.ids.at(id));
  ASSERT_TRUE(c.is_ok());
  c->title = title;
  ASSERT_TRUE(catalog::ContentRepository(db).update(*c).is_ok());
}

void add_filter(index::Filters& f, const std::string& field, const std::string& value) {
  if (field == "kind") f.kinds.push_back(value);
  if (field == "language") f.languages.push_back(value);
  if (field == "subject") f.subjects.push_back(value);
  if (field == "level") f.levels.push_back(value);
  if (field == "collection") f.collections.push_back(value);
}

// `corpus demo/items`: every demo item (demo/items/*.txt) as a text content named
// demo:FILE-STEM, one passage per `## ` section.
void add_demo_corpus(catalog::Database& db, CaseFile& f, const fs::path& folder) {
  std::vector<fs::path> files;
  for (const auto& e : fs::directory_iterator(folder)) files.push_back(e.path());
  std::sort(files.begin(), files.end());
  for (const fs::path& file : files) {
    std::ifstream in(file);
    catalog::Content c;
    c.status = catalog::EditorialStatus::kPublished;  // searched as readers see it
    c.kind = catalog::ContentKind::kText;
    c.language = "fr";
    c.media_path = file.string();
    std::vector<catalog::Passage> passages;
    for (std::string line; std::getline(in, line);) {
      if (line.rfind("title: ", 0) == 0) c.title = line.substr(7);
      if (line.rfind("## ", 0) == 0) {
        passages.emplace_back();
        passages.back().language = "fr";
        passages.back().text = line.substr(3) + ".";
      } else if (!passages.empty() && !line.empty()) {
        passages.back().text += " " + line;
      }
    }
    const auto content = catalog::ContentRepository(db).insert(c);
    ASSERT_TRUE(content.is_ok()) << file;
    ASSERT_TRUE(catalog::PassageRepository(db).replace_for_content(*content, passages).is_ok());
    const std::string id = "demo:" + file.stem().string();
    f.ids[id] = *content;
    f.names[*content] = id;
  }
}

void run_case_file(const fs::path& path) {
  CaseFile f;
  const DataDir data{f.dir.path()};
  auto db = std::move(catalog::Database::open(data.catalog())).value();
  std::ifstream in(path);
  struct Query {
    std::string where, modes, text;
    index::Filters filters;
    std::vector<std::string> expect;
    std::vector<std::string> first_of;  // expect-first-of: the first content is one of these
    bool none = false;
    int at_most = -1;            // expect-at-most N: no more contents than N
    bool no_suggestion = false;  // expect-no-suggestion
    std::string suggestion;      // expect-suggestion TEXT
    std::string language;        // expect-language fr|en: as told by the dictionaries
  };
  SearcherOptions options;
  std::vector<Query> queries;
  index::Filters pending;
  bool embeddings = false;
  int number = 0;
  for (std::string line; std::getline(in, line);) {
    ++number;
    const std::string where = path.filename().string() + ":" + std::to_string(number);
    if (line.empty() || line[0] == '#') continue;
    const auto bar = line.find(" | ");
    const std::string head = line.substr(0, bar);
    const std::string body = bar == std::string::npos ? "" : line.substr(bar + 3);
    if (head.rfind("corpus ", 0) == 0) {
      add_demo_corpus(*db, f, fs::path(REPERE_SOURCE_DIR) / trim(head.substr(7)));
    } else if (head == "embeddings") {
      embeddings = true;
    } else if (head == "thesaurus") {
      options.thesaurus = "/usr/share/mythes/th_fr_FR_v2.dat";
    } else if (head == "dictionaries") {
      options.dictionaries = index::Dictionaries::open("/usr/share/hunspell");
      ASSERT_TRUE(options.dictionaries->has("fr")) << where << ": hunspell-fr-classical";
    } else if (head.rfind("doc ", 0) == 0) {
      add_doc(*db, f, head, body, where);
    } else if (head.rfind("title ", 0) == 0) {
      set_title(*db, f, trim(head.substr(6)), body);
    } else if (head.rfind("filter ", 0) == 0) {
      std::istringstream w(head);
      std::string word, field, value;
      w >> word >> field >> value;
      add_filter(pending, field, value);
    } else if (head.rfind("query", 0) == 0) {
      Query q;
      q.where = where;
      q.modes = trim(head.substr(5));
      q.text = body;
      q.filters = pending;
      queries.push_back(std::move(q));
      pending = {};
    } else if (head == "expect-none") {
      ASSERT_FALSE(queries.empty()) << where;
      queries.back().none = true;
    } else if (head.rfind("expect-at-most ", 0) == 0) {
      ASSERT_FALSE(queries.empty()) << where;
      queries.back().at_most = std::stoi(head.substr(15));
    } else if (head == "expect-no-suggestion") {
      ASSERT_FALSE(queries.empty()) << where;
      queries.back().no_suggestion = true;
    } else if (head == "expect-suggestion") {
      ASSERT_FALSE(queries.empty()) << where;
      queries.back().suggestion = body;
    } else if (head.rfind("expect-language ", 0) == 0) {
      ASSERT_FALSE(queries.empty()) << where;
      queries.back().language = trim(head.substr(16));
    } else if (head.rfind("expect-first-of ", 0) == 0) {
      ASSERT_FALSE(queries.empty()) << where;
      std::istringstream w(head.substr(16));
      for (std::string id; w >> id;) queries.back().first_of.push_back(id);
    } else if (head.rfind("expect ", 0) == 0) {
      ASSERT_FALSE(queries.empty()) << where;
      std::istringstream w(head.substr(7));
      for (std::string id; w >> id;) queries.back().expect.push_back(id);
    } else {
      FAIL() << where << ": cannot read '" << line << "'";
    }
  }
  std::atomic<bool> stop{false};
  // One training thread: fastText is deterministic only so.
  const auto built = index::reindex(
      *db, data.root / "index", nullptr, stop,
      {.train_embeddings = embeddings, .training = {.dim = 64, .epoch = 10, .threads = 1}});
  ASSERT_TRUE(built.is_ok()) << built.status().to_string();
  auto searcher = Searcher::open(data, options);
  ASSERT_TRUE(searcher.is_ok()) << searcher.status().to_string();
  for (const Query& q : queries) {
    const std::string modes = !q.modes.empty() ? q.modes
                              : embeddings     ? "lexical vector hybrid"
                                               : "lexical";
    std::istringstream mw(modes);
    for (std::string mode; mw >> mode;) {
      SCOPED_TRACE(q.where + " [" + mode + "] " + q.text);
      SearchRequest r;
      r.query = q.text;
      r.filters = q.filters;
      r.semantic_ratio = mode == "lexical" ? 0.0 : mode == "vector" ? 1.0 : 0.5;
      const auto got = (*searcher)->search(r);
      ASSERT_TRUE(got.is_ok()) << got.status().to_string();
      std::vector<std::string> names;
      for (const Hit& h : got->hits) names.push_back(f.names[h.content_id]);
      std::string listed;
      for (const std::string& n : names) listed += " " + n;
      if (q.no_suggestion) {
        EXPECT_EQ(got->suggestion, "");
      }
      if (!q.suggestion.empty()) {
        EXPECT_EQ(got->suggestion, q.suggestion);
      }
      if (!q.language.empty()) {
        EXPECT_EQ(got->language, q.language);
      }
      if (q.at_most >= 0) {
        EXPECT_LE(static_cast<int>(names.size()), q.at_most) << "got" << listed;
      }
      if (q.none) {
        EXPECT_TRUE(names.empty()) << "got" << listed;
        EXPECT_EQ(got->total, 0);
        continue;
      }
      if (names.size() < q.expect.size()) {
        ADD_FAILURE() << "expected " << q.expect.size() << " contents first, got" << listed;
        continue;  // the next queries still run
      }
      for (std::size_t i = 0; i < q.expect.size(); ++i) EXPECT_EQ(names[i], q.expect[i]);
      if (!q.first_of.empty()) {
        EXPECT_TRUE(!names.empty() &&
                    std::find(q.first_of.begin(), q.first_of.end(), names[0]) != q.first_of.end())
            << "got" << listed;
      }
    }
  }
}

// One test per case file: a failure names its file.
std::vector<std::string> case_files() {
  std::vector<std::string> out;
  for (const auto& entry : fs::directory_iterator(kCases)) {
    if (entry.path().extension() == ".txt") out.push_back(entry.path().filename().string());
  }
  std::sort(out.begin(), out.end());
  return out;
}

class SearchCases : public ::testing::TestWithParam<std::string> {};

TEST_P(SearchCases, Pass) { run_case_file(kCases / GetParam()); }

INSTANTIATE_TEST_SUITE_P(Files, SearchCases, ::testing::ValuesIn(case_files()),
                         [](const ::testing::TestParamInfo<std::string>& file) {
                           std::string name = fs::path(file.param).stem().string();
                           for (char& c : name) {
                             if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
                           }
                           return name;
                         });

TEST(SearchCases, ThereAreCaseFiles) { EXPECT_GE(case_files().size(), 3u); }

}  // namespace
}  // namespace repere::search
