// A supervised text classifier: fastText's (Joulin et al., 2016, « Bag of Tricks »), trained on
// texts people labelled — the programme concepts curators confirmed — to label new texts.
// Texts are read as the index reads them (folded, function words out, stemmed), so that a
// classifier learnt on a few dozen documents is not split by plurals and accents.
#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "repere/core/result.h"

namespace repere::index {

struct LabelledText {
  std::string text;
  std::string language = "fr";
  std::string label;  // any string without white space (a concept's URI)
};

struct ClassifierOptions {
  int dim = 50;
  int epoch = 200;  // passes: small sets need many
  double lr = 0.5;
  int word_ngrams = 1;
  int threads = 1;  // one thread: the same data trains the same model
};

class TextClassifier {
 public:
  virtual ~TextClassifier() = default;
  // The `k` likeliest labels, likeliest first, with their probability.
  virtual std::vector<std::pair<std::string, double>> predict(std::string_view text,
                                                              const std::string& language,
                                                              int k) const = 0;
};

// Trains on `examples` (their order does not matter), writing its training file in `work` (a
// folder that exists; the file is removed after). Errors: invalid_argument with fewer than two
// labels or no words; internal when fastText fails.
Result<std::unique_ptr<TextClassifier>> train_classifier(const std::vector<LabelledText>& examples,
                                                         const std::filesystem::path& work,
                                                         const ClassifierOptions& options = {});

}  // namespace repere::index
