#include "repere/index/thesaurus.h"

#include <algorithm>
#include <set>

#include "repere/core/text.h"

namespace repere::index {

namespace fs = std::filesystem;

namespace {

// The forms under which a word may be a headword: itself, then French singulars of a plural
// (« végétaux » -> « végétal », « plantes » -> « plante »).
std::vector<std::string> forms_of(const std::string& lowered) {
  std::vector<std::string> out{lowered};
  auto ends = [&](const std::string& tail) {
    return lowered.size() > tail.size() + 2 && lowered.ends_with(tail);
  };
  if (ends("aux")) out.push_back(lowered.substr(0, lowered.size() - 3) + "al");
  if (ends("s") || ends("x")) out.push_back(lowered.substr(0, lowered.size() - 1));
  return out;
}

}  // namespace

Result<std::unique_ptr<Thesaurus>> Thesaurus::open(const fs::path& dat) {
  fs::path idx = dat;
  idx.replace_extension(".idx");
  std::ifstream index(idx);
  if (!index) return Status::not_found("the thesaurus index " + idx.string() + " cannot be read");
  std::unique_ptr<Thesaurus> t(new Thesaurus);
  t->dat_.open(dat, std::ios::binary);
  if (!t->dat_) return Status::not_found("the thesaurus " + dat.string() + " cannot be read");
  std::string line;
  std::getline(index, line);  // the encoding
  if (line.rfind("UTF-8", 0) != 0) {
    return Status::invalid_argument(idx.string() + ":1: expected UTF-8, the only encoding read");
  }
  std::getline(index, line);  // the number of entries
  while (std::getline(index, line)) {
    const auto bar = line.rfind('|');
    if (bar == std::string::npos || bar == 0) continue;
    const std::string headword = line.substr(0, bar);
    if (headword.find(' ') != std::string::npos) continue;  // expressions are not searched
    t->offsets_[text::lower(headword)].push_back(std::atoll(line.c_str() + bar + 1));
  }
  if (t->offsets_.empty()) return Status::invalid_argument(idx.string() + " lists no entry");
  return t;
}

std::vector<std::string> Thesaurus::listed(const std::string& headword) {
  std::vector<std::string> out;
  const auto found = offsets_.find(headword);
  if (found == offsets_.end()) return out;
  for (const std::streamoff at : found->second) {
    dat_.clear();
    dat_.seekg(at);
    std::string line;
    if (!std::getline(dat_, line)) continue;
    const auto bar = line.rfind('|');
    const int meanings = bar == std::string::npos ? 0 : std::atoi(line.c_str() + bar + 1);
    for (int m = 0; m < meanings && m < 50 && std::getline(dat_, line); ++m) {
      // "(Nom)|syn|syn|...": the part of speech, then the synonyms.
      std::size_t from = line.find('|');
      while (from != std::string::npos) {
        const std::size_t to = line.find('|', from + 1);
        const std::string synonym =
            line.substr(from + 1, to == std::string::npos ? std::string::npos : to - from - 1);
        if (!synonym.empty() && synonym.find_first_of(" (") == std::string::npos)
          out.push_back(text::lower(synonym));
        from = to;
      }
    }
  }
  return out;
}

std::vector<std::string> Thesaurus::synonyms(const std::string& word, std::size_t max) {
  const auto forms = forms_of(text::lower(word));
  std::vector<std::string> candidates;
  for (const std::string& form : forms) {
    candidates = listed(form);
    if (!candidates.empty()) break;
  }
  std::vector<std::string> out;
  std::set<std::string> seen;
  for (const std::string& s : candidates) {
    if (out.size() >= max) break;
    const std::string folded = text::fold(s);
    if (!seen.insert(folded).second) continue;
    if (std::find(forms.begin(), forms.end(), s) != forms.end()) continue;
    // Mutual: the synonym's own entry lists the word back.
    const auto back = listed(s);
    const bool mutual = std::any_of(back.begin(), back.end(), [&](const std::string& b) {
      return std::find(forms.begin(), forms.end(), b) != forms.end();
    });
    if (mutual) out.push_back(folded);
  }
  return out;
}

}  // namespace repere::index
