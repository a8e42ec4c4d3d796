#include "repere/index/vectors.h"

#include <hnswlib/hnswlib.h>

#include <algorithm>
#include <atomic>
#include <mutex>
#include <thread>

namespace repere::index {

namespace fs = std::filesystem;

namespace {

constexpr std::size_t kM = 16;
// Build-time beam: 100 rather than the 200 of hnswlib's examples, to halve the graph's build
// for a big library (1M passages). Not yet measured: the recall@10 this costs.
constexpr std::size_t kEfConstruction = 100;
constexpr std::size_t kEfSearch = 64;
constexpr std::size_t kExactScanMax = 20000;

}  // namespace

struct VectorIndex::Impl {
  explicit Impl(int dim) : dimension(dim), space(static_cast<std::size_t>(dim)) {}
  int dimension;
  hnswlib::InnerProductSpace space;
  std::unique_ptr<hnswlib::HierarchicalNSW<float>> graph;
  std::size_t live = 0;
};

VectorIndex::VectorIndex(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
VectorIndex::~VectorIndex() = default;

Result<std::unique_ptr<VectorIndex>> VectorIndex::create(int dimension) {
  if (dimension <= 0) return Status::invalid_argument("vector dimension must be positive");
  auto impl = std::make_unique<Impl>(dimension);
  impl->graph =
      std::make_unique<hnswlib::HierarchicalNSW<float>>(&impl->space, 1024, kM, kEfConstruction);
  impl->graph->setEf(kEfSearch);
  return std::unique_ptr<VectorIndex>(new VectorIndex(std::move(impl)));
}

Result<std::unique_ptr<VectorIndex>> VectorIndex::load(const fs::path& file, int dimension) {
  std::error_code ec;
  if (!fs::is_regular_file(file, ec)) return Status::not_found(file.string() + " is missing");
  auto impl = std::make_unique<Impl>(dimension);
  try {
    impl->graph = std::make_unique<hnswlib::HierarchicalNSW<float>>(&impl->space, file.string());
  } catch (const std::exception& e) {
    return Status::corruption(file.string() + " is not a readable vector index (" + e.what() +
                              "): run `repere reindex`");
  }
  // The file says how big an element is; the space says how big a vector should be.
  const auto& g = *impl->graph;
  if (g.size_data_per_element_ !=
      g.size_links_level0_ + g.data_size_ + sizeof(hnswlib::labeltype)) {
    return Status::corruption(file.string() +
                              " holds vectors of another size: run "
                              "`repere reindex`");
  }
  impl->graph->setEf(kEfSearch);
  std::size_t deleted = 0;
  for (std::size_t i = 0; i < impl->graph->cur_element_count; ++i)
    deleted += impl->graph->isMarkedDeleted(static_cast<hnswlib::tableint>(i)) ? 1 : 0;
  impl->live = impl->graph->cur_element_count - deleted;
  return std::unique_ptr<VectorIndex>(new VectorIndex(std::move(impl)));
}

Status VectorIndex::add(std::int64_t passage_id, const std::vector<float>& v) {
  if (static_cast<int>(v.size()) != impl_->dimension) {
    return Status::invalid_argument("vector of " + std::to_string(v.size()) +
                                    " numbers for an index of " + std::to_string(impl_->dimension));
  }
  if (std::all_of(v.begin(), v.end(), [](float x) { return x == 0.0f; })) return Status::ok();
  auto& g = *impl_->graph;
  if (g.cur_element_count >= g.max_elements_) g.resizeIndex(g.max_elements_ * 2);
  try {
    g.addPoint(v.data(), static_cast<hnswlib::labeltype>(passage_id));
  } catch (const std::exception& e) {
    return Status::internal(std::string("cannot add a vector: ") + e.what());
  }
  ++impl_->live;
  return Status::ok();
}

Status VectorIndex::add_batch(const std::vector<std::int64_t>& ids,
                              const std::vector<std::vector<float>>& vectors, int threads) {
  if (ids.size() != vectors.size()) return Status::invalid_argument("as many ids as vectors");
  for (const auto& v : vectors) {
    if (static_cast<int>(v.size()) != impl_->dimension) {
      return Status::invalid_argument("vector of " + std::to_string(v.size()) +
                                      " numbers for an index of " +
                                      std::to_string(impl_->dimension));
    }
  }
  auto& g = *impl_->graph;
  // Room for all first: hnswlib cannot grow while threads insert.
  if (g.cur_element_count + ids.size() > g.max_elements_) {
    g.resizeIndex(std::max(g.max_elements_ * 2, g.cur_element_count + ids.size()));
  }
  std::atomic<std::size_t> next{0};
  std::atomic<std::size_t> added{0};
  std::mutex failure_mutex;
  std::string failure;
  auto work = [&] {
    for (std::size_t i = next++; i < ids.size(); i = next++) {
      const auto& v = vectors[i];
      if (std::all_of(v.begin(), v.end(), [](float x) { return x == 0.0f; })) continue;
      try {
        g.addPoint(v.data(), static_cast<hnswlib::labeltype>(ids[i]));
        ++added;
      } catch (const std::exception& e) {
        const std::lock_guard lock(failure_mutex);
        failure = e.what();
      }
    }
  };
  std::vector<std::thread> pool;
  for (int t = 1; t < std::max(threads, 1); ++t) pool.emplace_back(work);
  work();
  for (auto& t : pool) t.join();
  impl_->live += added;
  if (!failure.empty()) return Status::internal("cannot add a vector: " + failure);
  return Status::ok();
}

void VectorIndex::remove(std::int64_t passage_id) {
  try {
    impl_->graph->markDelete(static_cast<hnswlib::labeltype>(passage_id));
    --impl_->live;
  } catch (const std::exception&) {
    // not in the index (it had no vector): nothing to remove
  }
}

Status VectorIndex::save(const fs::path& file) const {
  const fs::path tmp = fs::path(file.string() + ".tmp");
  try {
    impl_->graph->saveIndex(tmp.string());
  } catch (const std::exception& e) {
    return Status::io_error("cannot write " + tmp.string() + ": " + e.what());
  }
  std::error_code ec;
  fs::rename(tmp, file, ec);
  if (ec) return Status::io_error("cannot rename " + tmp.string() + ": " + ec.message());
  return Status::ok();
}

float dot(const float* a, const float* b, std::size_t n) {
  float lanes[8] = {0, 0, 0, 0, 0, 0, 0, 0};
  std::size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    for (std::size_t k = 0; k < 8; ++k) lanes[k] += a[i + k] * b[i + k];
  }
  float sum = 0;
  for (; i < n; ++i) sum += a[i] * b[i];
  for (const float x : lanes) sum += x;
  return sum;
}

std::size_t VectorIndex::size() const { return impl_->live; }

std::optional<float> VectorIndex::similarity(std::int64_t passage_id,
                                             const std::vector<float>& q) const {
  const auto& g = *impl_->graph;
  if (static_cast<int>(q.size()) != impl_->dimension) return std::nullopt;
  const auto found = g.label_lookup_.find(static_cast<hnswlib::labeltype>(passage_id));
  if (found == g.label_lookup_.end() || g.isMarkedDeleted(found->second)) return std::nullopt;
  const auto* v = reinterpret_cast<const float*>(g.getDataByInternalId(found->second));
  return dot(v, q.data(), q.size());
}

std::vector<float> VectorIndex::vector(std::int64_t passage_id) const {
  const auto& g = *impl_->graph;
  const auto found = g.label_lookup_.find(static_cast<hnswlib::labeltype>(passage_id));
  if (found == g.label_lookup_.end() || g.isMarkedDeleted(found->second)) return {};
  const auto* v = reinterpret_cast<const float*>(g.getDataByInternalId(found->second));
  return {v, v + impl_->dimension};
}

std::vector<VectorHit> VectorIndex::search(const std::vector<float>& q, std::size_t k,
                                           const std::unordered_set<std::int64_t>* allowed) const {
  std::vector<VectorHit> out;
  auto& g = *impl_->graph;
  if (k == 0 || impl_->live == 0 || static_cast<int>(q.size()) != impl_->dimension) return out;
  // A query with no known word has no meaning to compare.
  if (std::all_of(q.begin(), q.end(), [](float x) { return x == 0.0f; })) return out;
  const bool exact = allowed != nullptr &&
                     (allowed->size() <= kExactScanMax || allowed->size() * 10 <= impl_->live);
  if (exact) {
    for (const std::int64_t id : *allowed) {
      const auto found = g.label_lookup_.find(static_cast<hnswlib::labeltype>(id));
      if (found == g.label_lookup_.end() || g.isMarkedDeleted(found->second)) continue;
      const auto* v = reinterpret_cast<const float*>(g.getDataByInternalId(found->second));
      out.push_back({id, dot(v, q.data(), q.size())});
    }
    std::sort(out.begin(), out.end(),
              [](const VectorHit& a, const VectorHit& b) { return a.similarity > b.similarity; });
    if (out.size() > k) out.resize(k);
    return out;
  }
  // Filtered: fetch more than asked, as the filter throws some away.
  const std::size_t fetch = std::min(impl_->live, allowed ? k * 4 : k);
  auto found = g.searchKnnCloserFirst(q.data(), fetch);
  for (const auto& [distance, label] : found) {
    const auto id = static_cast<std::int64_t>(label);
    if (allowed && !allowed->count(id)) continue;
    out.push_back({id, 1.0f - distance});
    if (out.size() == k) break;
  }
  return out;
}

}  // namespace repere::index
