#include <fasttext/args.h>
#include <fasttext/dictionary.h>
#include <fasttext/fasttext.h>
#include <fasttext/vector.h>

#include <cmath>
#include <fstream>
#include <sstream>
#include <unordered_map>

#include "repere/core/text.h"
#include "repere/index/embedder.h"

namespace repere::index {

namespace fs = std::filesystem;

namespace {

constexpr double kSifA = 1e-3;  // SIF smoothing: weight = a / (a + p(word))

void normalise(std::vector<float>& v) {
  double n = 0;
  for (const float x : v) n += static_cast<double>(x) * x;
  if (n <= 0) return;
  const float inv = static_cast<float>(1.0 / std::sqrt(n));
  for (float& x : v) x *= inv;
}

class FastTextEmbedder : public Embedder {
 public:
  FastTextEmbedder(std::unique_ptr<fasttext::FastText> model, std::string name)
      : model_(std::move(model)), name_(std::move(name)) {
    dim_ = model_->getDimension();
    const auto dict = model_->getDictionary();
    const auto counts = dict->getCounts(fasttext::entry_type::word);
    double total = 0;
    for (const auto c : counts) total += static_cast<double>(c);
    // Unknown words weigh as the rarest known ones.
    unknown_weight_ = 1.0f;
    for (std::int32_t i = 0; i < dict->nwords(); ++i) {
      const double p = total > 0 ? counts[i] / total : 0;
      weights_.emplace(dict->getWord(i), static_cast<float>(kSifA / (kSifA + p)));
    }
  }

  int dimension() const override { return dim_; }
  std::string name() const override { return name_; }

  std::vector<float> embed(std::string_view text) const override {
    std::vector<float> out(dim_, 0.0f);
    fasttext::Vector wv(dim_);
    double total_weight = 0;
    for (const std::string& w : text::search_terms(text)) {
      const auto found = weights_.find(w);
      const float weight = found != weights_.end() ? found->second : unknown_weight_;
      model_->getWordVector(wv, w);
      const float n = wv.norm();
      if (n <= 0) continue;
      for (int i = 0; i < dim_; ++i) out[i] += weight * wv[i] / n;
      total_weight += weight;
    }
    if (total_weight <= 0) return out;
    normalise(out);
    return out;
  }

 private:
  std::unique_ptr<fasttext::FastText> model_;
  std::string name_;
  int dim_ = 0;
  std::unordered_map<std::string, float> weights_;
  float unknown_weight_ = 1.0f;
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
  fasttext::Args args;
  args.input = corpus.string();
  args.output = (folder / "model").string();
  args.model = fasttext::model_name::sg;
  args.dim = options.dim;
  args.epoch = options.epoch;
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
