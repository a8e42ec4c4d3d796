#include <fasttext/args.h>
#include <fasttext/densematrix.h>
#include <fasttext/dictionary.h>
#include <fasttext/fasttext.h>
#include <fasttext/vector.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdlib>
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

// The passages objective: each word costs a few dot products (its subwords' rows, and the
// label's path in the tree), so a pass is cheaper and more of them fit the same time.
constexpr double kPassageWordPasses = 50e6;
constexpr int kMaxPassageEpochs = 100;
constexpr int kMinPassageEpochs = 5;
// Past this many passages, consecutive passages share a label (the output matrix holds one row
// per label: 100,000 x 100 floats is 40 MB in model.bin).
constexpr std::int64_t kMaxLabels = 100000;

int passage_epochs(std::int64_t words) {
  const double fit = kPassageWordPasses / static_cast<double>(std::max<std::int64_t>(words, 1));
  return static_cast<int>(std::clamp(std::floor(fit), static_cast<double>(kMinPassageEpochs),
                                     static_cast<double>(kMaxPassageEpochs)));
}

// Keeps about `target` words of `corpus`, an even share of its lines. Returns the words kept.
Result<std::int64_t> sample_corpus(const fs::path& corpus, std::int64_t words,
                                   double target = kWordPasses) {
  const double keep = target / static_cast<double>(words);
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

namespace {

void write_terms(std::ostream& out, const std::vector<std::string>& terms) {
  for (std::size_t i = 0; i < terms.size(); ++i) out << (i ? " " : "") << terms[i];
}

// The sentences of a text, cut after « . », « ! », « ? », « ; » and line ends; as search terms.
std::vector<std::vector<std::string>> sentences_of(const std::string& text) {
  std::vector<std::vector<std::string>> out;
  std::size_t from = 0;
  while (from < text.size()) {
    std::size_t end = text.find_first_of(".!?;\n", from);
    end = end == std::string::npos ? text.size() : end + 1;
    auto terms = text::search_terms(std::string_view(text).substr(from, end - from));
    if (terms.size() >= 2) out.push_back(std::move(terms));
    from = end;
  }
  return out;
}

// One line per text (skipgram), or for the passages objective, lines labelled with their
// passage: each sentence, each pair of adjacent sentences and the whole passage. Returns the
// words written and counts the passages.
Result<std::int64_t> write_corpus(const TextSource& texts, const fs::path& corpus,
                                  TrainObjective objective, std::int64_t& passages) {
  std::ofstream out(corpus);
  std::int64_t words = 0;
  std::string text;
  passages = 0;
  while (texts(text)) {
    const auto terms = text::search_terms(text);
    if (terms.empty()) continue;
    if (objective == TrainObjective::kSkipgram) {
      write_terms(out, terms);
      out << '\n';
      words += static_cast<std::int64_t>(terms.size());
      continue;
    }
    const std::string label = "__label__" + std::to_string(passages++) + " ";
    const auto sentences = sentences_of(text);
    for (std::size_t i = 0; i < sentences.size(); ++i) {
      out << label;
      write_terms(out, sentences[i]);
      out << '\n';
      words += static_cast<std::int64_t>(sentences[i].size());
      if (i + 1 == sentences.size()) continue;
      out << label;
      write_terms(out, sentences[i]);
      out << ' ';
      write_terms(out, sentences[i + 1]);
      out << '\n';
      words += static_cast<std::int64_t>(sentences[i].size() + sentences[i + 1].size());
    }
    out << label;
    write_terms(out, terms);
    out << '\n';
    words += static_cast<std::int64_t>(terms.size());
  }
  if (!out) return Status::io_error("cannot write " + corpus.string() + ": is the disk full?");
  return words;
}

// Past kMaxLabels passages, gives consecutive passages one label: passage i gets label
// i * kMaxLabels / passages.
Status group_labels(const fs::path& corpus, std::int64_t passages) {
  const fs::path grouped = fs::path(corpus.string() + ".grouped");
  {
    std::ifstream in(corpus);
    std::ofstream out(grouped);
    const std::size_t prefix = std::string("__label__").size();
    for (std::string line; std::getline(in, line);) {
      const std::size_t space = line.find(' ');
      const std::int64_t i = std::atoll(line.c_str() + prefix);
      out << "__label__" << i * kMaxLabels / passages << line.substr(space) << '\n';
    }
    if (!out) return Status::io_error("cannot write " + grouped.string() + ": is the disk full?");
  }
  std::error_code ec;
  fs::rename(grouped, corpus, ec);
  if (ec) return Status::io_error("cannot rename " + grouped.string() + ": " + ec.message());
  return Status::ok();
}

}  // namespace

Status train_fasttext(const TextSource& texts, const fs::path& folder,
                      const TrainOptions& options) {
  std::error_code ec;
  if (fs::exists(folder, ec)) return Status::already_exists(folder.string() + " already exists");
  fs::create_directories(folder, ec);
  if (ec) return Status::io_error("cannot create " + folder.string() + ": " + ec.message());
  const fs::path corpus = folder / "corpus.txt";
  const bool by_passage = options.objective == TrainObjective::kPassages;
  std::int64_t passages = 0;
  auto written = write_corpus(texts, corpus, options.objective, passages);
  if (!written.is_ok()) {
    fs::remove_all(folder, ec);
    return written.status();
  }
  std::int64_t words = *written;
  if (by_passage && passages > kMaxLabels) REPERE_RETURN_IF_ERROR(group_labels(corpus, passages));
  if (words < 1000) {
    fs::remove_all(folder, ec);
    return Status::invalid_argument("only " + std::to_string(words) +
                                    " words to learn from: ingest more text first (at least "
                                    "1,000 words)");
  }
  const double budget = by_passage ? kPassageWordPasses / kMinPassageEpochs : kWordPasses;
  if (options.epoch <= 0 && words > static_cast<std::int64_t>(budget)) {
    REPERE_ASSIGN_OR_RETURN(words, sample_corpus(corpus, words, budget));
  }
  fasttext::Args args;
  args.input = corpus.string();
  args.output = (folder / "model").string();
  args.dim = options.dim;
  if (by_passage) {
    args.model = fasttext::model_name::sup;
    args.loss = fasttext::loss_name::hs;  // log2(labels) per word: a big library's passages
    args.lr = 0.5;
    args.epoch = options.epoch > 0 ? options.epoch : passage_epochs(words);
  } else {
    args.model = fasttext::model_name::sg;
    args.epoch = options.epoch > 0 ? options.epoch : automatic_epochs(words);
  }
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
