// Embeddings: text to a unit vector, so that passages that mean the same are close (cosine).
// Three kinds, chosen by the configuration when embeddings are made (`repere train-embeddings`)
// and recorded in the generation's embeddings folder so that every reader uses the same:
//   - fastText trained on the library (the default, no setting);
//   - pretrained fastText vectors, a .bin model or a .vec text file (embeddings.vectors);
//   - an OpenAI-compatible /v1/embeddings server (embeddings.endpoint).
// The default is fastText trained on the library's own passages (skipgram, see TrainObjective;
// with subwords, so unseen and misspelt words still get a vector), a passage vector being the
// SIF-weighted mean
// of its unit word vectors (weight a / (a + p(word)), Arora et al., 2017), less its projection
// on the library's common direction (the expected vector of a passage), as SIF does: without
// it every cosine of the demo library was about 0.9999 and the order of meaning hits was noise
// (vector-only nDCG@10 on cnil-fr 0.127 without, 0.144 with).
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
  // A unit vector (all zeros when the text has no word the model knows of). Errors only from
  // an endpoint: unavailable when it cannot be reached or is busy, invalid_argument when it
  // refuses.
  virtual Result<std::vector<float>> embed(std::string_view text) const = 0;
  // Several texts at once (one request per batch for an endpoint); by default one by one.
  virtual Result<std::vector<std::vector<float>>> embed_batch(
      const std::vector<std::string>& texts) const;
  // "fasttext:trained@2026-11-22/100d": what made the vectors, for status and provenance.
  virtual std::string name() const = 0;
  // True when embedding costs a request to another machine (then it is done sparingly).
  virtual bool remote() const { return false; }
};

// What the word vectors learn from the library's texts:
//   - kSkipgram (the default): to predict the words around each word (fastText skipgram);
//   - kPassages: to tell which passage a sentence, a pair of sentences or the
//     whole passage comes from (fastText supervised, one label per passage, hierarchical
//     softmax): words said in the same passages get close, as a query and the passage that
//     answers it should (the inverse-cloze idea). `repere eval`, one thread, nDCG@10 of the
//     vector side alone / hybrid: cnil-fr 0.0781 / 0.6392 (skipgram 0.0117 / 0.6309),
//     cranfield-en 0.0747 / 0.3656 (skipgram 0.0409 / 0.3645). Not the default: on the demo
//     library its meaning side qualified a content by itself where the hard cases want
//     nothing (« recette de la pâte à crêpes » found the proportionality lesson that says
//     « les recettes de cuisine » once), and the vector mode alone no longer singled out
//     « la vitesse de la lumière ».
enum class TrainObjective { kSkipgram, kPassages };

struct TrainOptions {
  int dim = 100;
  // Passes over the text; 0 chooses. Skipgram: 10, or fewer so that passes x words stay under
  // 10 million (about 2 minutes on 2 cores); beyond 10 million words, one pass over an even
  // sample of the texts of that size. Passages: up to 100, so that passes x words stay under
  // 50 million (each word costs a few dot products, not skipgram's sixty), at least 5.
  int epoch = 0;
  TrainObjective objective = TrainObjective::kSkipgram;
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

// Loads pretrained word vectors in fastText's .vec text format ("COUNT DIM" then one
// "word x1 ... xDIM" per line, most frequent words first). Words are folded as the index folds
// them (the first, most frequent spelling wins); only the `max_words` most frequent are kept
// (200,000 x 300 floats = 240 MB). Words beyond have no vector: .vec files carry no subwords.
// SIF weights come from each word's rank (Zipf's law), as .vec files carry no counts.
// Errors: not_found, invalid_argument naming the line of a malformed file.
Result<std::unique_ptr<Embedder>> load_word_vectors(const std::filesystem::path& vec,
                                                    std::size_t max_words = 200000);

struct EndpointEmbedderOptions {
  std::string base_url;  // embeddings.endpoint
  std::string model;     // embeddings.endpoint_model
  std::string api_key;   // embeddings.endpoint_key; sent as a Bearer token when set
  int timeout_seconds = 30;
  std::size_t batch = 64;  // texts per request
};

// An OpenAI-compatible POST {base}/v1/embeddings as an Embedder; vectors are normalised.
// `dimension` 0 asks the server once (embedding a short text) to learn it.
// Errors: invalid_argument for a bad URL or an empty model; unavailable when the server cannot
// be reached for the dimension.
Result<std::unique_ptr<Embedder>> connect_embeddings_endpoint(const EndpointEmbedderOptions& o,
                                                              int dimension = 0);

// Where the embeddings of a generation come from; the configuration's embeddings.* settings.
struct EmbeddingSettings {
  std::string vectors;   // pretrained .bin or .vec: used instead of training
  std::string endpoint;  // an /v1/embeddings server: used instead of both
  std::string endpoint_model = "text-embedding-3-small";
  std::string endpoint_key;  // never written to disk; given again when the index is opened
};

// Makes the embeddings folder of a new generation (created; must not exist) as `settings`
// say: an endpoint or pretrained vectors are described in `embedder.json` (no copy of the
// vectors), otherwise fastText is trained on `texts`. Errors: those of training, of loading
// the vectors, or of reaching the endpoint.
Status make_embeddings(const TextSource& texts, const std::filesystem::path& folder,
                       const EmbeddingSettings& settings, const TrainOptions& training);

// Opens the embedder an embeddings folder describes (`embedder.json`, or a trained model.bin).
// Only settings.endpoint_key is read from `settings`: the rest was recorded in the folder.
Result<std::unique_ptr<Embedder>> open_embedder(const std::filesystem::path& folder,
                                                const EmbeddingSettings& settings = {});

}  // namespace repere::index
