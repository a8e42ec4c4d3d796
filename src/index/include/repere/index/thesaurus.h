// Synonyms from a MyThes thesaurus (Debian's mythes-fr: th_fr_FR_v2.dat and its .idx), for
// the optional expansion of French queries. The thesaurus is broad (« plante » lists « potage »
// and « bague » among its meanings), so only mutual synonyms are offered: B is a synonym of A
// when A's entry lists B and B's entry lists A. Words are looked up in lower case with their
// accents (« planté » is not « plante »), then as the singular of a plural (« végétaux »
// finds the entry « végétal »).
// Thread safety: a Thesaurus reads its file as it goes; use one per thread.
#pragma once

#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "repere/core/result.h"

namespace repere::index {

class Thesaurus {
 public:
  // Opens `dat` and the index next to it (same name, .idx). Errors: not_found naming the file,
  // invalid_argument for a file that is not a MyThes thesaurus.
  static Result<std::unique_ptr<Thesaurus>> open(const std::filesystem::path& dat);

  // Up to `max` single-word synonyms of `word` (as typed: accents matter), folded, in the
  // thesaurus's order.
  std::vector<std::string> synonyms(const std::string& word, std::size_t max = 4);
  std::size_t entries() const { return offsets_.size(); }

 private:
  Thesaurus() = default;
  // The single-word synonyms, in lower case, of every entry of this headword.
  std::vector<std::string> listed(const std::string& headword);

  std::ifstream dat_;
  std::unordered_map<std::string, std::vector<std::streamoff>> offsets_;  // headword -> entries
};

}  // namespace repere::index
