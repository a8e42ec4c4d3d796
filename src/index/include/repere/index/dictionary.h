// The word lists of the languages Repère searches in: Hunspell dictionaries (Debian's
// hunspell-fr-classical and hunspell-en-us), which know the words of French and English, their
// inflections included, when the library does not have them yet. Search asks them whether an
// unknown query word is a real word (« Révolution » is: no « vouliez-vous dire résolution »)
// or a misspelling, and which language a query is in.
// Thread safety: every method may be called from several threads (Hunspell's checks are
// serialised by a mutex: each takes microseconds).
#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace repere::index {

class Dictionaries {
 public:
  // Loads fr_FR and en_US (.aff and .dic) from `folder` (/usr/share/hunspell); a language whose
  // files are missing has no dictionary (has() is false) and nothing fails.
  static std::shared_ptr<const Dictionaries> open(const std::filesystem::path& folder);
  ~Dictionaries();
  Dictionaries(const Dictionaries&) = delete;
  Dictionaries& operator=(const Dictionaries&) = delete;

  // Whether there is a dictionary for `language` ("fr", "en", "fr-FR").
  bool has(std::string_view language) const;
  // Whether `word`, as written (accents matter: « francaise » is not French), is a word of
  // `language`; false without its dictionary.
  bool is_word(const std::string& word, std::string_view language) const;
  // "en" when the English dictionary knows more of `words` (as written) than the French one,
  // and at least half of them; otherwise "fr". A query of French and English words alike
  // (« respire », « vaccine ») stays French, the library's default.
  std::string language_of(const std::vector<std::string>& words) const;

 private:
  struct Impl;
  explicit Dictionaries(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace repere::index
