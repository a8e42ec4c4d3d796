#include "repere/index/classifier.h"

#include <fasttext/args.h>
#include <fasttext/fasttext.h>

#include <atomic>
#include <fstream>
#include <set>
#include <sstream>

#include "repere/index/lexical.h"

namespace repere::index {

namespace {

namespace fs = std::filesystem;

// The text's stems, space separated: what the classifier reads, in training and after.
std::string words_of(std::string_view text, const std::string& language) {
  std::string out;
  for (const StemmedWord& w : stemmed_words(text, language)) {
    if (w.stem.empty()) continue;
    out += (out.empty() ? "" : " ") + w.stem;
  }
  return out;
}

class FastTextClassifier final : public TextClassifier {
 public:
  explicit FastTextClassifier(std::unique_ptr<fasttext::FastText> model)
      : model_(std::move(model)) {}

  std::vector<std::pair<std::string, double>> predict(std::string_view text,
                                                      const std::string& language,
                                                      int k) const override {
    std::istringstream in(words_of(text, language) + "\n");
    std::vector<std::pair<fasttext::real, std::string>> found;
    // predictLine is not const; the model is only read.
    if (!model_->predictLine(in, found, k, 0.0)) return {};
    std::vector<std::pair<std::string, double>> out;
    const std::string prefix = "__label__";
    for (const auto& [p, label] : found) {
      out.emplace_back(label.rfind(prefix, 0) == 0 ? label.substr(prefix.size()) : label, p);
    }
    return out;
  }

 private:
  std::unique_ptr<fasttext::FastText> model_;
};

std::atomic<int> next_file{0};

}  // namespace

Result<std::unique_ptr<TextClassifier>> train_classifier(const std::vector<LabelledText>& examples,
                                                         const fs::path& work,
                                                         const ClassifierOptions& options) {
  std::set<std::string> labels;
  const fs::path file = work / ("classifier-" + std::to_string(next_file.fetch_add(1)) + ".txt");
  std::size_t lines = 0;
  {
    std::ofstream out(file, std::ios::binary);
    if (!out) return Status::io_error("cannot write " + file.string());
    for (const LabelledText& e : examples) {
      const std::string words = words_of(e.text, e.language);
      if (words.empty() || e.label.empty() || e.label.find_first_of(" \t\n") != std::string::npos)
        continue;
      out << "__label__" << e.label << ' ' << words << '\n';
      labels.insert(e.label);
      ++lines;
    }
    if (!out) return Status::io_error("cannot write " + file.string() + ": is the disk full?");
  }
  std::error_code ec;
  if (labels.size() < 2 || lines == 0) {
    fs::remove(file, ec);
    return Status::invalid_argument("a classifier needs texts of at least two labels (" +
                                    std::to_string(labels.size()) + " given)");
  }
  fasttext::Args args;
  args.input = file.string();
  args.model = fasttext::model_name::sup;
  args.loss = fasttext::loss_name::softmax;
  args.dim = options.dim;
  args.epoch = options.epoch;
  args.lr = options.lr;
  args.wordNgrams = options.word_ngrams;
  args.minCount = 1;
  args.minn = 0;  // stems already join the forms of a word
  args.maxn = 0;
  args.bucket = options.word_ngrams > 1 ? 200000 : 0;
  args.thread = options.threads;
  args.verbose = 0;
  auto model = std::make_unique<fasttext::FastText>();
  try {
    model->train(args);
  } catch (const std::exception& e) {
    fs::remove(file, ec);
    return Status::internal(std::string("fastText training failed: ") + e.what());
  }
  fs::remove(file, ec);
  return std::unique_ptr<TextClassifier>(new FastTextClassifier(std::move(model)));
}

}  // namespace repere::index
