// The vector index: passage vectors in an HNSW graph (hnswlib, inner product on unit vectors,
// so cosine), searched approximately; filtered searches over few passages are exact scans.
// Thread safety: search() may run on several threads; add/remove/save need exclusive access.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <unordered_set>
#include <utility>
#include <vector>

#include "repere/core/result.h"

namespace repere::index {

struct VectorHit {
  std::int64_t passage_id = 0;
  float similarity = 0;  // cosine, -1..1
};

// The dot product of two vectors of `n` floats, summed in eight lanes (which the compiler
// turns into vector instructions; a single running sum it must keep in order).
float dot(const float* a, const float* b, std::size_t n);

class VectorIndex {
 public:
  static Result<std::unique_ptr<VectorIndex>> create(int dimension);
  // Errors: not_found, corruption when the file is not an index of this dimension.
  static Result<std::unique_ptr<VectorIndex>> load(const std::filesystem::path& file,
                                                   int dimension);
  ~VectorIndex();
  VectorIndex(const VectorIndex&) = delete;
  VectorIndex& operator=(const VectorIndex&) = delete;

  // Adds a unit vector (a zero vector is ignored: nothing is near it). Errors:
  // invalid_argument for a vector of the wrong size.
  Status add(std::int64_t passage_id, const std::vector<float>& vector);
  // Adds many at once, on `threads` threads (hnswlib inserts distinct passages concurrently).
  Status add_batch(const std::vector<std::int64_t>& passage_ids,
                   const std::vector<std::vector<float>>& vectors, int threads = 2);
  void remove(std::int64_t passage_id);
  // Writes the index next to `file` then renames it over: readers see the old or the new.
  Status save(const std::filesystem::path& file) const;

  // The `k` nearest passages, best first. With `allowed`, only those passages: when they are
  // few (under 20,000 or a tenth of the index) they are scanned exactly, otherwise the graph is
  // searched with a wider beam and the results filtered.
  std::vector<VectorHit> search(const std::vector<float>& query, std::size_t k,
                                const std::unordered_set<std::int64_t>* allowed = nullptr) const;
  // The cosine of one passage's vector with `query`; nullopt when it has none.
  std::optional<float> similarity(std::int64_t passage_id, const std::vector<float>& query) const;
  // A copy of one passage's vector; empty when it has none.
  std::vector<float> vector(std::int64_t passage_id) const;
  std::size_t size() const;

 private:
  struct Impl;
  explicit VectorIndex(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace repere::index
