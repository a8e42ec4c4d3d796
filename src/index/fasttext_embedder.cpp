#include <fasttext/args.h>
#include <fasttext/densematrix.h>
#include <fasttext/dictionary.h>
#include <fasttext/fasttext.h>
#include <fasttext/vector.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <fstream>
#include <sstream>
#include <thread>
#include <unordered_map>

#include "repere/core/text.h"
#include "repere/index/embedder.h"

namespace repere::index {

namespace fs = std::filesystem;

namespace {

constexpr double kSifA = 1e-3;  // SIF smoothing: weight = a / (a + p(word))

// Training time grows with passes x words: about 100,000 words a second on 2 cores (measured by
// bench/search). 10 passes make good vectors of a small library; a big one needs fewer passes,
// and past kWordPasses words one pass over a sample of its texts sees each word often enough.
constexpr double kWordPasses = 10e6;

int automatic_epochs(std::int64_t words) {
  const double fit = kWordPasses / static_cast<double>(std::max<std::int64_t>(words, 1));
  return static_cast<int>(std::clamp(std::floor(fit), 1.0, 10.0));
}

// Keeps about kWordPasses words of `corpus`, an even share of its lines. Returns the words kept.
Result<std::int64_t> sample_corpus(const fs::path& corpus, std::int64_t words) {
  const double keep = kWordPasses / static_cast<double>(words);
  const fs::path sampled = fs::path(corpus.string() + ".sample");
  std::int64_t kept = 0;
  {
    std::ifstream in(corpus);
    std::ofstream out(sampled);
    double credit = 0;
    for (std::string line; std::getline(in, line);) {
      credit += keep;
      if (credit < 1) continue;
      credit -= 1;
      out << line << '\n';
      kept += 1 + static_cast<std::int64_t>(std::count(line.begin(), line.end(), ' '));
    }
    if (!out) return Status::io_error("cannot write " + sampled.string() + ": is the disk full?");
  }
  std::error_code ec;
  fs::rename(sampled, corpus, ec);
  if (ec) return Status::io_error("cannot rename " + sampled.string() + ": " + ec.message());
  return kept;
}

void normalise(std::vector<float>& v) {
  double n = 0;
  for (const float x : v) n += static_cast<double>(x) * x;
  if (n <= 0) return;
  const float inv = static_cast<float>(1.0 / std::sqrt(n));
  for (float& x : v) x *= inv;
}

class FastTextEmbedder : public Embedder {
 public:
  // Keeps only what word vectors are made of — the dictionary and the input matrix — when the
  // model is not quantised: the rest of a loaded model (its output matrix and the 40 MB
  // negative-sampling table fastText builds on loading) is freed. `repere serve` on the demo
  // library: 174 MiB resident with the whole model kept.
  FastTextEmbedder(std::unique_ptr<fasttext::FastText> model, std::string name)
      : name_(std::move(name)) {
    dim_ = model->getDimension();
    const auto dict = model->getDictionary();
    dict_ = dict;
    if (model->isQuant()) {
      model_ = std::move(model);
    } else {
      input_ = model->getInputMatrix();
      model.reset();
    }
    const auto counts = dict->getCounts(fasttext::entry_type::word);
    double total = 0;
    for (const auto c : counts) total += static_cast<double>(c);
    // Unknown words weigh as the rarest known ones.
    unknown_weight_ = 1.0f;
    for (std::int32_t i = 0; i < dict->nwords(); ++i) {
      const double p = total > 0 ? counts[i] / total : 0;
      weights_.emplace(dict->getWord(i), static_cast<float>(kSifA / (kSifA + p)));
    }
    common_ = common_direction(counts, total);
  }

  int dimension() const override { return dim_; }
  std::string name() const override { return name_; }

  Result<std::vector<float>> embed(std::string_view text) const override {
    std::vector<float> out(dim_, 0.0f);
    fasttext::Vector wv(dim_);
    double total_weight = 0;
    for (const std::string& w : text::search_terms(text)) {
      const auto found = weights_.find(w);
      const float weight = found != weights_.end() ? found->second : unknown_weight_;
      word_vector(wv, w);
      const float n = wv.norm();
      if (n <= 0) continue;
      for (int i = 0; i < dim_; ++i) out[i] += weight * wv[i] / n;
      total_weight += weight;
    }
    if (total_weight <= 0) return out;
    remove_common(out);
    normalise(out);
    return out;
  }

  // Two threads: embedding a big library's passages is as long as inserting them in the graph.
  Result<std::vector<std::vector<float>>> embed_batch(
      const std::vector<std::string>& texts) const override {
    std::vector<std::vector<float>> out(texts.size());
    std::atomic<std::size_t> next{0};
    auto work = [&] {
      for (std::size_t i = next++; i < texts.size(); i = next++) out[i] = *embed(texts[i]);
    };
    std::thread helper(work);
    work();
    helper.join();
    return out;
  }

 private:
  // As fastText's getWordVector: the mean of the rows of the word and its character n-grams.
  void word_vector(fasttext::Vector& v, const std::string& word) const {
    if (model_) return model_->getWordVector(v, word);
    const std::vector<std::int32_t> rows = dict_->getSubwords(word);
    v.zero();
    for (const std::int32_t r : rows) v.addRow(*input_, r);
    if (!rows.empty()) v.mul(1.0f / static_cast<float>(rows.size()));
  }

  // The direction every text of the library leans to: the mean of its words' unit vectors,
  // each counted as often as it occurs, with its SIF weight (the expected vector of a passage).
  std::vector<float> common_direction(const std::vector<std::int64_t>& counts, double total) const {
    std::vector<double> sum(dim_, 0.0);
    fasttext::Vector wv(dim_);
    for (std::int32_t i = 0; i < dict_->nwords() && total > 0; ++i) {
      word_vector(wv, dict_->getWord(i));
      const float n = wv.norm();
      if (n <= 0) continue;
      const double p = static_cast<double>(counts[i]) / total;
      const double weight = p * kSifA / (kSifA + p);
      for (int d = 0; d < dim_; ++d) sum[d] += weight * wv[d] / n;
    }
    std::vector<float> out(sum.begin(), sum.end());
    normalise(out);
    return out;
  }

  // Takes the common direction out of a text's vector: what is left is what this text says
  // that the others do not (without it, every cosine of a small library is about 0.9999).
  void remove_common(std::vector<float>& v) const {
    double dot = 0;
    for (int i = 0; i < dim_; ++i) dot += static_cast<double>(v[i]) * common_[i];
    for (int i = 0; i < dim_; ++i) v[i] -= static_cast<float>(dot) * common_[i];
  }

  std::unique_ptr<fasttext::FastText> model_;  // only for a quantised model
  std::shared_ptr<const fasttext::Dictionary> dict_;
  std::shared_ptr<const fasttext::DenseMatrix> input_;
  std::string name_;
  int dim_ = 0;
  std::unordered_map<std::string, float> weights_;
  float unknown_weight_ = 1.0f;
  std::vector<float> common_;  // unit, or all zeros
};

}  // namespace

Status train_fasttext(const TextSource& texts, const fs::path& folder,
                      const TrainOptions& options) {
  std::error_code ec;
  if (fs::exists(folder, ec)) return Status::already_exists(folder.string() + " already exists");
  fs::create_directories(folder, ec);
  if (ec) return Status::io_error("cannot create " + folder.string() + ": " + ec.message());
  const fs::path corpus = folder / "corpus.txt";
  std::int64_t words = 0;
  {
    std::ofstream out(corpus);
    std::string text;
    while (texts(text)) {
      const auto terms = text::search_terms(text);
      if (terms.empty()) continue;
      for (std::size_t i = 0; i < terms.size(); ++i) out << (i ? " " : "") << terms[i];
      out << '\n';
      words += static_cast<std::int64_t>(terms.size());
    }
    if (!out) return Status::io_error("cannot write " + corpus.string() + ": is the disk full?");
  }
  if (words < 1000) {
    fs::remove_all(folder, ec);
    return Status::invalid_argument("only " + std::to_string(words) +
                                    " words to learn from: ingest more text first (at least "
                                    "1,000 words)");
  }
  if (options.epoch <= 0 && words > static_cast<std::int64_t>(kWordPasses)) {
    REPERE_ASSIGN_OR_RETURN(words, sample_corpus(corpus, words));
  }
  fasttext::Args args;
  args.input = corpus.string();
  args.output = (folder / "model").string();
  args.model = fasttext::model_name::sg;
  args.dim = options.dim;
  args.epoch = options.epoch > 0 ? options.epoch : automatic_epochs(words);
  args.minCount = options.min_count;
  args.thread = options.threads;
  args.minn = options.minn;
  args.maxn = options.maxn;
  args.bucket = options.bucket;
  args.verbose = 0;
  auto model = std::make_unique<fasttext::FastText>();
  try {
    model->train(args);
    model->saveModel((folder / "model.bin").string());
  } catch (const std::exception& e) {
    fs::remove_all(folder, ec);
    return Status::internal(std::string("fastText training failed: ") + e.what());
  }
  fs::remove(corpus, ec);
  return Status::ok();
}

Result<std::unique_ptr<Embedder>> load_fasttext(const fs::path& model_or_folder) {
  std::error_code ec;
  const bool folder = fs::is_directory(model_or_folder, ec);
  const fs::path bin = folder ? model_or_folder / "model.bin" : model_or_folder;
  if (!fs::is_regular_file(bin, ec)) return Status::not_found(bin.string() + " is missing");
  auto model = std::make_unique<fasttext::FastText>();
  try {
    model->loadModel(bin.string());
  } catch (const std::exception& e) {
    return Status::invalid_argument(bin.string() + " is not a fastText model: " + e.what());
  }
  std::ostringstream name;
  name << "fasttext:" << (folder ? "trained" : bin.filename().string()) << "/"
       << model->getDimension() << "d";
  return std::unique_ptr<Embedder>(new FastTextEmbedder(std::move(model), name.str()));
}

}  // namespace repere::index
