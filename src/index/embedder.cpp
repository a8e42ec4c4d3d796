// The embedders besides trained fastText: pretrained .vec word vectors and an OpenAI-compatible
// /v1/embeddings endpoint; and the embeddings folder of a generation, which says which one
// made its vectors (embedder.json).
#include <httplib.h>

#include <cmath>
#include <fstream>
#include <nlohmann/json.hpp>
#include <unordered_map>

#include "repere/core/endpoint.h"
#include "repere/core/files.h"
#include "repere/core/text.h"
#include "repere/index/embedder.h"

namespace repere::index {

namespace fs = std::filesystem;

namespace {

constexpr double kSifA = 1e-3;  // as for trained fastText: weight = a / (a + p(word))
constexpr const char* kDescriptor = "embedder.json";

void normalise(std::vector<float>& v) {
  double n = 0;
  for (const float x : v) n += static_cast<double>(x) * x;
  if (n <= 0) return;
  const float inv = static_cast<float>(1.0 / std::sqrt(n));
  for (float& x : v) x *= inv;
}

// Word vectors from a .vec file: a table of folded words.
class WordVectorEmbedder : public Embedder {
 public:
  WordVectorEmbedder(int dim, std::string name) : dim_(dim), name_(std::move(name)) {}

  // Adds the vector of the word of frequency rank `rank` (1 = most frequent) unless a more
  // frequent spelling of the same folded word came first.
  void add(const std::string& folded, std::vector<float> v, std::size_t rank, double harmonic) {
    if (rows_.count(folded)) return;
    normalise(v);
    const double p = 1.0 / (static_cast<double>(rank) * harmonic);
    rows_.emplace(folded, Row{std::move(v), static_cast<float>(kSifA / (kSifA + p))});
  }
  std::size_t size() const { return rows_.size(); }

  int dimension() const override { return dim_; }
  std::string name() const override { return name_; }

  Result<std::vector<float>> embed(std::string_view text) const override {
    std::vector<float> out(dim_, 0.0f);
    for (const std::string& w : text::search_terms(text)) {
      const auto found = rows_.find(w);
      if (found == rows_.end()) continue;
      for (int i = 0; i < dim_; ++i) out[i] += found->second.weight * found->second.vector[i];
    }
    normalise(out);
    return out;
  }

 private:
  struct Row {
    std::vector<float> vector;
    float weight;
  };
  int dim_;
  std::string name_;
  std::unordered_map<std::string, Row> rows_;
};

// OpenAI's embeddings API: {"model", "input": [texts]} -> {"data": [{"index", "embedding"}]}.
class EndpointEmbedder : public Embedder {
 public:
  EndpointEmbedder(EndpointEmbedderOptions o, EndpointUrl url, int dim)
      : options_(std::move(o)), url_(std::move(url)), dim_(dim) {}

  int dimension() const override { return dim_; }
  bool remote() const override { return true; }
  std::string name() const override {
    return "endpoint:" + options_.model + "@" + endpoint_host(url_) + "/" + std::to_string(dim_) +
           "d";
  }

  Result<std::vector<float>> embed(std::string_view text) const override {
    REPERE_ASSIGN_OR_RETURN(auto vectors, request({std::string(text)}));
    return std::move(vectors.front());
  }

  Result<std::vector<std::vector<float>>> embed_batch(
      const std::vector<std::string>& texts) const override {
    std::vector<std::vector<float>> out;
    out.reserve(texts.size());
    for (std::size_t at = 0; at < texts.size(); at += options_.batch) {
      const std::size_t end = std::min(texts.size(), at + options_.batch);
      REPERE_ASSIGN_OR_RETURN(auto part, request({texts.begin() + static_cast<long>(at),
                                                  texts.begin() + static_cast<long>(end)}));
      for (auto& v : part) out.push_back(std::move(v));
    }
    return out;
  }

  // Learns the dimension from one short text.
  Result<int> probe() const {
    REPERE_ASSIGN_OR_RETURN(const auto vectors, request({"dimension"}));
    return static_cast<int>(vectors.front().size());
  }

 private:
  Result<std::vector<std::vector<float>>> request(const std::vector<std::string>& texts) const {
    // An empty input is refused by some servers: a space says the same.
    nlohmann::json input = nlohmann::json::array();
    for (const std::string& t : texts) input.push_back(t.empty() ? " " : text::sanitize_utf8(t));
    const nlohmann::json body = {{"model", options_.model}, {"input", std::move(input)}};
    httplib::Client client(url_.origin);
    client.set_connection_timeout(10);
    client.set_read_timeout(options_.timeout_seconds);
    client.set_write_timeout(options_.timeout_seconds);
    httplib::Headers headers;
    if (!options_.api_key.empty()) headers.emplace("Authorization", "Bearer " + options_.api_key);
    const std::string path = url_.prefix + "/v1/embeddings";
    const std::string where = url_.origin + path;
    const auto res = client.Post(path, headers, body.dump(), "application/json");
    if (!res) {
      return Status::unavailable("cannot reach the embeddings endpoint " + where + ": " +
                                 httplib::to_string(res.error()));
    }
    REPERE_RETURN_IF_ERROR(
        endpoint_answer_status(res->status, res->body, "the embeddings endpoint", where));
    return parse(res->body, texts.size(), where);
  }

  Result<std::vector<std::vector<float>>> parse(const std::string& body, std::size_t n,
                                                const std::string& where) const {
    const auto json = nlohmann::json::parse(body, nullptr, false);
    if (json.is_discarded() || !json.is_object() || !json.contains("data") ||
        !json["data"].is_array() || json["data"].size() != n) {
      return Status::invalid_argument("the embeddings endpoint " + where +
                                      " did not answer one embedding per text");
    }
    std::vector<std::vector<float>> out(n);
    for (std::size_t i = 0; i < n; ++i) {
      const auto& item = json["data"][i];
      const std::size_t index = item.contains("index") && item["index"].is_number_unsigned()
                                    ? item["index"].get<std::size_t>()
                                    : i;
      if (!item.contains("embedding") || !item["embedding"].is_array() || index >= n) {
        return Status::invalid_argument("the embeddings endpoint " + where +
                                        " answered an item without an embedding");
      }
      std::vector<float> v;
      v.reserve(item["embedding"].size());
      for (const auto& x : item["embedding"]) {
        if (!x.is_number()) {
          return Status::invalid_argument("the embeddings endpoint " + where +
                                          " answered a non-numeric embedding");
        }
        v.push_back(x.get<float>());
      }
      if (dim_ > 0 && static_cast<int>(v.size()) != dim_) {
        return Status::invalid_argument(
            "the embeddings endpoint " + where + " answered " + std::to_string(v.size()) +
            " dimensions instead of " + std::to_string(dim_) +
            ": was the model changed? run `repere train-embeddings` again");
      }
      normalise(v);
      out[index] = std::move(v);
    }
    return out;
  }

  EndpointEmbedderOptions options_;
  EndpointUrl url_;
  int dim_;
};

bool is_vec_file(const fs::path& p) { return p.extension() == ".vec" || p.extension() == ".txt"; }

Result<std::unique_ptr<Embedder>> load_pretrained(const fs::path& path) {
  if (is_vec_file(path)) return load_word_vectors(path);
  return load_fasttext(path);
}

}  // namespace

Result<std::vector<std::vector<float>>> Embedder::embed_batch(
    const std::vector<std::string>& texts) const {
  std::vector<std::vector<float>> out;
  out.reserve(texts.size());
  for (const std::string& t : texts) {
    REPERE_ASSIGN_OR_RETURN(auto v, embed(t));
    out.push_back(std::move(v));
  }
  return out;
}

Result<std::unique_ptr<Embedder>> load_word_vectors(const fs::path& vec, std::size_t max_words) {
  std::ifstream in(vec);
  if (!in) return Status::not_found(vec.string() + " cannot be opened");
  std::string line;
  long long count = 0;
  int dim = 0;
  if (!std::getline(in, line) || std::sscanf(line.c_str(), "%lld %d", &count, &dim) != 2 ||
      count <= 0 || dim <= 0 || dim > 4096) {
    return Status::invalid_argument(vec.string() +
                                    ":1: expected \"WORDS DIMENSION\", as fastText's .vec files "
                                    "begin");
  }
  const std::size_t kept = std::min<std::size_t>(static_cast<std::size_t>(count), max_words);
  // Zipf's law: p(rank r) = 1 / (r * H), H the harmonic number of the vocabulary.
  const double harmonic = std::log(static_cast<double>(count)) + 0.5772;
  auto embedder = std::make_unique<WordVectorEmbedder>(
      dim, "vectors:" + vec.filename().string() + "/" + std::to_string(dim) + "d");
  std::size_t number = 1;
  for (std::size_t rank = 1; rank <= kept && std::getline(in, line); ++rank) {
    ++number;
    const auto space = line.find(' ');
    if (space == std::string::npos || space == 0) {
      return Status::invalid_argument(vec.string() + ":" + std::to_string(number) +
                                      ": expected a word and " + std::to_string(dim) + " numbers");
    }
    std::vector<float> v(dim);
    const char* at = line.c_str() + space;
    for (int i = 0; i < dim; ++i) {
      char* end = nullptr;
      v[i] = std::strtof(at, &end);
      if (end == at) {
        return Status::invalid_argument(vec.string() + ":" + std::to_string(number) + ": " +
                                        std::to_string(i) + " numbers instead of " +
                                        std::to_string(dim));
      }
      at = end;
    }
    const auto terms = text::search_terms(line.substr(0, space));
    if (terms.size() == 1) embedder->add(terms.front(), std::move(v), rank, harmonic);
  }
  if (embedder->size() == 0) return Status::invalid_argument(vec.string() + " holds no word");
  return std::unique_ptr<Embedder>(std::move(embedder));
}

Result<std::unique_ptr<Embedder>> connect_embeddings_endpoint(const EndpointEmbedderOptions& o,
                                                              int dimension) {
  REPERE_ASSIGN_OR_RETURN(EndpointUrl url, split_endpoint_url(o.base_url, "embeddings.endpoint"));
  if (o.model.empty()) {
    return Status::invalid_argument("embeddings.endpoint_model is empty: name the model to use");
  }
  auto embedder = std::make_unique<EndpointEmbedder>(o, url, dimension);
  if (dimension <= 0) {
    REPERE_ASSIGN_OR_RETURN(const int probed, embedder->probe());
    if (probed <= 0) {
      return Status::invalid_argument("the embeddings endpoint answered an empty embedding");
    }
    embedder = std::make_unique<EndpointEmbedder>(o, std::move(url), probed);
  }
  return std::unique_ptr<Embedder>(std::move(embedder));
}

Status make_embeddings(const TextSource& texts, const fs::path& folder,
                       const EmbeddingSettings& settings, const TrainOptions& training) {
  nlohmann::json descriptor;
  if (!settings.endpoint.empty()) {
    REPERE_ASSIGN_OR_RETURN(const auto e,
                            connect_embeddings_endpoint({.base_url = settings.endpoint,
                                                         .model = settings.endpoint_model,
                                                         .api_key = settings.endpoint_key}));
    descriptor = {{"kind", "endpoint"},
                  {"url", settings.endpoint},
                  {"model", settings.endpoint_model},
                  {"dimension", e->dimension()}};
  } else if (!settings.vectors.empty()) {
    std::error_code ec;
    const fs::path path = fs::absolute(settings.vectors, ec);
    REPERE_ASSIGN_OR_RETURN(const auto e, load_pretrained(path));  // checked before recorded
    descriptor = {{"kind", "pretrained"}, {"path", path.string()}, {"dimension", e->dimension()}};
  } else {
    return train_fasttext(texts, folder, training);
  }
  std::error_code ec;
  if (fs::exists(folder, ec)) return Status::already_exists(folder.string() + " already exists");
  fs::create_directories(folder, ec);
  if (ec) return Status::io_error("cannot create " + folder.string() + ": " + ec.message());
  return write_file_atomic(folder / kDescriptor, descriptor.dump(2) + "\n");
}

Result<std::unique_ptr<Embedder>> open_embedder(const fs::path& folder,
                                                const EmbeddingSettings& settings) {
  std::error_code ec;
  if (!fs::exists(folder / kDescriptor, ec)) return load_fasttext(folder);
  REPERE_ASSIGN_OR_RETURN(const std::string text, read_file(folder / kDescriptor));
  const auto d = nlohmann::json::parse(text, nullptr, false);
  const std::string where = (folder / kDescriptor).string();
  if (d.is_discarded() || !d.is_object() || !d.contains("kind") || !d["kind"].is_string()) {
    return Status::corruption(where +
                              " is not a valid description: run `repere "
                              "train-embeddings` again");
  }
  const std::string kind = d["kind"].get<std::string>();
  const int dimension = d.value("dimension", 0);
  if (kind == "endpoint") {
    return connect_embeddings_endpoint({.base_url = d.value("url", ""),
                                        .model = d.value("model", ""),
                                        .api_key = settings.endpoint_key},
                                       dimension);
  }
  if (kind == "pretrained") {
    REPERE_ASSIGN_OR_RETURN(auto e, load_pretrained(d.value("path", "")));
    if (e->dimension() != dimension) {
      return Status::corruption(d.value("path", "") + " has changed (" +
                                std::to_string(e->dimension()) + " dimensions instead of " +
                                std::to_string(dimension) + "): run `repere train-embeddings`");
    }
    return e;
  }
  return Status::corruption(where + " names an unknown kind '" + kind + "'");
}

}  // namespace repere::index
