// Fuzz target: any query text given to the lexical index (Xapian's query parser behind our
// folding and elision handling) gets an answer or a clear error: never a crash or a hang.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <string>

#include "repere/index/lexical.h"

namespace {

std::string& index_dir() {
  static std::string dir;
  return dir;
}

void remove_index_dir() {
  std::error_code ec;
  std::filesystem::remove_all(index_dir(), ec);
}

repere::index::LexicalIndex* open_index() {
  namespace fs = std::filesystem;
  std::string& dir = index_dir();
  dir = (fs::temp_directory_path() / "repere-query-fuzz-XXXXXX").string();
  if (::mkdtemp(dir.data()) == nullptr) std::abort();
  std::atexit(remove_index_dir);
  auto writer = repere::index::LexicalWriter::create(fs::path(dir) / "lex");
  if (!writer.is_ok()) std::abort();
  const char* texts[] = {"La photosynthèse des plantes vertes.", "L'ADN et les chromosomes.",
                         "Le cycle de l'eau : évaporation, pluie.", "Cells contain DNA."};
  for (int i = 0; i < 4; ++i) {
    if (!(*writer)
             ->put({.passage_id = i + 1,
                    .content_id = i + 1,
                    .text = texts[i],
                    .language = i == 3 ? "en" : "fr",
                    .title = "Titre",
                    .kind = "text"})
             .is_ok())
      std::abort();
  }
  if (!(*writer)->commit().is_ok()) std::abort();
  auto index = repere::index::LexicalIndex::open(fs::path(dir) / "lex");
  if (!index.is_ok()) std::abort();
  return index->release();  // lives for the whole fuzzing process
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static repere::index::LexicalIndex* index = open_index();
  const std::string query(reinterpret_cast<const char*>(data), size);
  const auto got = index->search(query, {}, 0, 10);
  if (!got.is_ok()) return 0;  // a clear error is an answer
  for (const auto& hit : got->hits) {
    if (hit.passage_id < 1 || hit.passage_id > 4) std::abort();
  }
  (void)repere::index::highlight("La photosynthèse des plantes « vertes ».", "fr", {query});
  return 0;
}
