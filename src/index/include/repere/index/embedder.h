// Embeddings: text to a unit vector, so that passages that mean the same are close (cosine).
// The default is fastText trained on the library's own passages (skipgram with subwords, so
// unseen and misspelt words still get a vector), a passage vector being the SIF-weighted mean
// of its unit word vectors (weight a / (a + p(word)), Arora et al., 2017). Removing the common
// component as well, as SIF does, was measured and dropped: it made hybrid search worse
// (nDCG@10 on cnil-fr 0.558 with it, 0.620 without).
// Thread safety: embed() is const and safe from several threads once the model is loaded.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "repere/core/result.h"

namespace repere::index {

class Embedder {
 public:
  virtual ~Embedder() = default;
  virtual int dimension() const = 0;
  // A unit vector (all zeros when the text has no word the model knows of).
  virtual std::vector<float> embed(std::string_view text) const = 0;
  // "fasttext:trained@2026-11-22/100d": what made the vectors, for status and provenance.
  virtual std::string name() const = 0;
};

struct TrainOptions {
  int dim = 100;
  int epoch = 10;
  int min_count = 2;
  int threads = 2;
  int minn = 3;  // character n-grams: subwords
  int maxn = 5;
  int bucket = 200000;  // hashed n-gram rows: 200k x 100 floats = 80 MB, not fastText's 800 MB
};

// Feeds the texts to train on, one call per text, until it returns false.
using TextSource = std::function<bool(std::string&)>;

// Trains fastText on `texts` and writes the model into `folder` (created; must not exist) as
// model.bin. Errors: invalid_argument when there is too little text to learn from.
Status train_fasttext(const TextSource& texts, const std::filesystem::path& folder,
                      const TrainOptions& options);

// Loads a model written by train_fasttext (its folder), or a pretrained fastText .bin.
// Errors: not_found, invalid_argument for a file that is not a model.
Result<std::unique_ptr<Embedder>> load_fasttext(const std::filesystem::path& model_or_folder);

}  // namespace repere::index
