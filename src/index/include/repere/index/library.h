// The search indexes of a data folder, kept as generations under DATA/index/:
//   index/gen-000007/lexical/   the Xapian database of generation 7
//   index/CURRENT               "gen-000007": the generation readers open
// `repere reindex` builds generation N+1 in gen-00000N+1.building/, renames it when complete,
// then replaces CURRENT atomically: a reader never sees half an index, and a reindex killed
// half-way leaves the previous generation serving (its leftover folder is removed by the next
// reindex). The previous generation is kept for readers that still have it open.
#pragma once

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>

#include "repere/catalog/database.h"
#include "repere/core/result.h"
#include "repere/index/embedder.h"

namespace repere::index {

struct Generation {
  int number = 0;
  std::filesystem::path folder;  // DATA/index/gen-000007
  std::filesystem::path lexical() const { return folder / "lexical"; }
  std::filesystem::path embeddings() const { return folder / "embeddings"; }  // may be absent
  std::filesystem::path vectors() const { return folder / "vectors.hnsw"; }   // with embeddings
  bool has_vectors() const;
};

// The live generation, or nullopt when nothing was indexed yet. Errors: corruption when
// CURRENT names a generation that is not there.
Result<std::optional<Generation>> current_generation(const std::filesystem::path& index_dir);

struct ReindexReport {
  int generation = 0;
  std::int64_t passages = 0;
  std::int64_t contents = 0;
  std::int64_t vectors = 0;  // 0 without embeddings
  std::string embedder;      // what made the vectors, "" without
  // Wall-clock seconds of each phase: words, embeddings (training), vectors.
  double lexical_seconds = 0;
  double embeddings_seconds = 0;
  double vectors_seconds = 0;
};

struct ReindexOptions {
  // Train new embeddings on the catalog's passages (`repere train-embeddings`). Otherwise the
  // embeddings of the live generation, if any, are carried over and the vectors rebuilt.
  bool train_embeddings = false;
  TrainOptions training;
  // From the configuration: pretrained vectors or an endpoint instead of training, and the
  // endpoint's key for embedding the passages.
  EmbeddingSettings embeddings;
};

// Called as passages are indexed: (done, total).
using IndexProgress = std::function<void(std::int64_t, std::int64_t)>;

// Builds a new generation from every passage of the catalog and makes it current.
// Errors: io_error for the index folder; cancelled-as-unavailable when `stop` is set (the
// current generation is left as it was).
Result<ReindexReport> reindex(catalog::Database& db, const std::filesystem::path& index_dir,
                              const IndexProgress& progress, const std::atomic<bool>& stop,
                              const ReindexOptions& options = {});

struct UpdateReport {
  int generation = 0;
  std::int64_t contents_indexed = 0;  // new or changed since the index last saw them
  std::int64_t contents_removed = 0;
  std::int64_t passages = 0;
  std::int64_t vectors = 0;
};

// Brings the live generation up to date with the catalog, in place: contents whose passages or
// fields changed are indexed again, removed ones are dropped (readers see the change at once,
// as one commit). Without any generation yet, builds the first one. Used by `repere ingest`.
// Only one process may update or reindex at a time (ingest holds its lock while it does).
// `embeddings` gives the endpoint's key when the live generation's vectors come from one.
Result<UpdateReport> update_index(catalog::Database& db, const std::filesystem::path& index_dir,
                                  const EmbeddingSettings& embeddings = {});

}  // namespace repere::index
