#include "repere/index/dictionary.h"

#include <hunspell/hunspell.hxx>

#include <mutex>

namespace repere::index {

namespace fs = std::filesystem;

struct Dictionaries::Impl {
  std::mutex mutex;  // Hunspell keeps state between calls
  std::unique_ptr<Hunspell> french;
  std::unique_ptr<Hunspell> english;

  Hunspell* of(std::string_view language) const {
    if (language.substr(0, 2) == "fr") return french.get();
    if (language.substr(0, 2) == "en") return english.get();
    return nullptr;
  }
};

Dictionaries::Dictionaries(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Dictionaries::~Dictionaries() = default;

namespace {

std::unique_ptr<Hunspell> load(const fs::path& folder, const std::string& name) {
  std::error_code ec;
  const fs::path aff = folder / (name + ".aff");
  const fs::path dic = folder / (name + ".dic");
  if (!fs::is_regular_file(aff, ec) || !fs::is_regular_file(dic, ec)) return nullptr;
  return std::make_unique<Hunspell>(aff.c_str(), dic.c_str());
}

}  // namespace

std::shared_ptr<const Dictionaries> Dictionaries::open(const fs::path& folder) {
  auto impl = std::make_unique<Impl>();
  impl->french = load(folder, "fr_FR");
  impl->english = load(folder, "en_US");
  return std::shared_ptr<const Dictionaries>(new Dictionaries(std::move(impl)));
}

bool Dictionaries::has(std::string_view language) const { return impl_->of(language) != nullptr; }

bool Dictionaries::is_word(const std::string& word, std::string_view language) const {
  Hunspell* h = impl_->of(language);
  if (h == nullptr || word.empty() || word.size() > 100) return false;
  const std::lock_guard lock(impl_->mutex);
  return h->spell(word);
}

std::string Dictionaries::language_of(const std::vector<std::string>& words) const {
  if (!impl_->french || !impl_->english || words.empty()) return "fr";
  std::size_t french = 0, english = 0;
  for (const std::string& w : words) {
    const bool fr = is_word(w, "fr");
    const bool en = is_word(w, "en");
    if (fr && !en) ++french;
    if (en && !fr) ++english;
  }
  return english > french && english * 2 >= words.size() ? "en" : "fr";
}

}  // namespace repere::index
