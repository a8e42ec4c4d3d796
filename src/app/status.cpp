// repere status: counts by kind and state, failures with their messages, sizes on disk.
#include <nlohmann/json.hpp>

#include <cstdio>
#include <iomanip>
#include <ostream>
#include <sstream>

#include "commands.h"
#include "repere/catalog/database.h"
#include "repere/catalog/summary.h"
#include "repere/catalog/usage.h"
#include "repere/core/config.h"
#include "repere/core/data_dir.h"
#include "repere/core/files.h"
#include "repere/core/text.h"
#include "repere/core/version.h"
#include "repere/index/library.h"

namespace repere::app {
namespace {

using nlohmann::json;

struct Sizes {
  std::uint64_t catalog = 0;  // the database with its write-ahead log
  std::uint64_t index = 0;
  int index_generation = 0;  // 0: nothing indexed yet
  std::uint64_t media = 0;
};

Sizes measure(const DataDir& dir) {
  Sizes s;
  const std::string db = dir.catalog().string();
  s.catalog = disk_usage(db) + disk_usage(db + "-wal") + disk_usage(db + "-shm");
  s.index = disk_usage(dir.index());
  const auto generation = index::current_generation(dir.index());
  if (generation.is_ok() && generation->has_value()) s.index_generation = (*generation)->number;
  s.media = disk_usage(dir.media());
  return s;
}

std::string human_size(std::uint64_t bytes) {
  static constexpr const char* kUnits[] = {"B", "KiB", "MiB", "GiB", "TiB"};
  double value = static_cast<double>(bytes);
  int unit = 0;
  while (value >= 1024 && unit < 4) {
    value /= 1024;
    ++unit;
  }
  std::ostringstream out;
  out << std::fixed << std::setprecision(unit == 0 ? 0 : 1) << value << " " << kUnits[unit];
  return out.str();
}

json counts_json(const catalog::Counts& counts) {
  json out = json::object();
  for (const auto& [name, n] : counts) out[name] = n;
  return out;
}

// What searching and ingesting have cost, from the catalog's usage counters.
struct Energy {
  double searches = 0, search_cpu = 0;
  double contents = 0, media_seconds = 0, ingest_cpu = 0;
  std::string since;  // the oldest counter's start
  std::string heavy;  // serve.heavy_hours, "" for any time
};

Energy energy_of(catalog::Database& db, const Config& config) {
  Energy e;
  e.heavy = config.serve_heavy_hours;
  const auto counters = catalog::UsageRepository(db).all();
  if (!counters.is_ok()) return e;
  auto value = [&](const char* name) {
    const auto it = counters->find(name);
    if (it == counters->end()) return 0.0;
    if (e.since.empty() || it->second.since < e.since) e.since = it->second.since;
    return it->second.value;
  };
  e.searches = value(catalog::kSearchRequests);
  e.search_cpu = value(catalog::kSearchCpuSeconds);
  e.contents = value(catalog::kIngestContents);
  e.media_seconds = value(catalog::kIngestMediaSeconds);
  e.ingest_cpu = value(catalog::kIngestCpuSeconds);
  return e;
}

std::string fixed(double v, int decimals) {
  std::ostringstream out;
  out << std::fixed << std::setprecision(decimals) << v;
  return out.str();
}

std::string energy_text(const Energy& e) {
  std::string out = "search ";
  out += e.searches > 0 ? fixed(e.searches, 0) + " requests, " +
                              fixed(e.search_cpu * 1000 / e.searches, 2) + " ms of CPU each"
                        : "no request counted yet";
  out += "; ingest ";
  out += e.contents > 0 ? cpu_text(e.ingest_cpu, e.media_seconds) : "nothing counted yet";
  if (!e.since.empty()) out += " (since " + e.since + ")";
  out += "; heavy work ";
  out += e.heavy.empty() ? "at any time" : "only " + e.heavy + " (serve.heavy_hours)";
  return out;
}

}  // namespace

std::string cpu_text(double cpu_seconds, double media_seconds) {
  std::string out = fixed(cpu_seconds, 1) + " s of CPU";
  if (media_seconds <= 0) return out;
  const auto total = static_cast<long long>(media_seconds + 0.5);
  char clock[32];
  std::snprintf(clock, sizeof clock, "%lld:%02lld:%02lld", total / 3600, total / 60 % 60,
                total % 60);
  return out + " for " + clock + " of audio and video (" +
         fixed(cpu_seconds * 3600 / media_seconds, 0) + " s per hour read)";
}

namespace {

json to_json(const DataDir& dir, const catalog::CatalogSummary& s, const Sizes& sizes,
             const Energy& e) {
  json failures = json::array();
  for (const auto& f : s.failures) {
    failures.push_back({{"path", f.path},
                        {"stage", f.stage},
                        {"error", f.error},
                        {"content_id", f.content_id ? json(*f.content_id) : json(nullptr)},
                        {"title", f.title},
                        {"attempts", f.attempts}});
  }
  json warnings = json::array();
  for (const auto& w : s.warnings) {
    warnings.push_back({{"content_id", w.content_id}, {"title", w.title}, {"message", w.message}});
  }
  return {
      {"data_dir", std::filesystem::absolute(dir.root).string()},
      {"repere_version", std::string(version())},
      {"schema_version", s.schema_version},
      {"collections", s.collections},
      {"contents",
       {{"total", s.contents},
        {"by_kind", counts_json(s.contents_by_kind)},
        {"by_status", counts_json(s.contents_by_status)}}},
      {"tracks", s.tracks},
      {"cues", s.cues},
      {"passages", s.passages},
      {"jobs", counts_json(s.jobs_by_state)},
      {"failures", failures},
      {"warnings", warnings},
      {"index",
       {{"generation", sizes.index_generation > 0 ? json(sizes.index_generation) : json(nullptr)}}},
      {"sizes",
       {{"catalog_bytes", sizes.catalog},
        {"index_bytes", sizes.index},
        {"media_bytes", sizes.media}}},
      {"energy",
       {{"search_requests", e.searches},
        {"search_cpu_seconds", e.search_cpu},
        {"cpu_ms_per_search",
         e.searches > 0 ? json(e.search_cpu * 1000 / e.searches) : json(nullptr)},
        {"ingested_contents", e.contents},
        {"ingested_media_seconds", e.media_seconds},
        {"ingest_cpu_seconds", e.ingest_cpu},
        {"cpu_seconds_per_media_hour",
         e.media_seconds > 0 ? json(e.ingest_cpu * 3600 / e.media_seconds) : json(nullptr)},
        {"since", e.since.empty() ? json(nullptr) : json(e.since)},
        {"heavy_hours", e.heavy.empty() ? json(nullptr) : json(e.heavy)}}}};
}

std::string counts_text(const catalog::Counts& counts) {
  if (counts.empty()) return "none";
  std::string out;
  for (const auto& [name, n] : counts) {
    if (!out.empty()) out += ", ";
    out += std::to_string(n) + " " + name;
  }
  return out;
}

// The first warnings in full, then how many more (`--json` lists them all).
void print_warnings(std::ostream& out, const std::vector<catalog::Warning>& warnings) {
  constexpr std::size_t kShown = 20;
  if (warnings.empty()) {
    out << "Warnings  none\n";
    return;
  }
  out << "Warnings  " << warnings.size() << " (the contents are searchable; check them)\n";
  for (std::size_t i = 0; i < warnings.size() && i < kShown; ++i) {
    out << "  #" << warnings[i].content_id << " " << text::escape_control(warnings[i].message)
        << "\n";
  }
  if (warnings.size() > kShown) {
    out << "  ... and " << warnings.size() - kShown << " more: `repere status --json`\n";
  }
}

void print_text(std::ostream& out, const DataDir& dir, const catalog::CatalogSummary& s,
                const Sizes& sizes, const Energy& e) {
  out << "Library   " << std::filesystem::absolute(dir.root).string() << " (catalog schema "
      << s.schema_version << ", repere " << version() << ")\n";
  out << "Contents  " << s.contents << " (" << counts_text(s.contents_by_kind) << ")\n";
  out << "Status    " << counts_text(s.contents_by_status) << "\n";
  out << "Text      " << s.tracks << " tracks, " << s.cues << " cues, " << s.passages
      << " passages\n";
  out << "Jobs      " << counts_text(s.jobs_by_state) << "\n";
  if (sizes.index_generation > 0) {
    out << "Index     generation " << sizes.index_generation << "\n";
  } else {
    out << "Index     none yet: run `repere reindex`\n";
  }
  out << "Disk      catalog " << human_size(sizes.catalog) << ", index " << human_size(sizes.index)
      << ", media copies " << human_size(sizes.media) << "\n";
  out << "Energy    " << energy_text(e) << "\n";
  print_warnings(out, s.warnings);
  if (s.failures.empty()) {
    out << "Failures  none\n";
    return;
  }
  out << "Failures  " << s.failures.size() << " (retry with `repere ingest --retry-failed`)\n";
  for (const auto& f : s.failures) {
    // Names and errors come from files: escaped, so that a newline or an escape sequence in a
    // file name cannot fake a line of this report.
    out << "  " << text::escape_control(f.path.empty() ? f.title : f.path) << " [" << f.stage
        << "]: " << text::escape_control(f.error) << "\n";
  }
}

Status status(const StatusOptions& options, std::ostream& out) {
  const DataDir dir{options.common.data_dir};
  REPERE_RETURN_IF_ERROR(check_data_dir(dir));
  REPERE_ASSIGN_OR_RETURN(const Config config, load_config({.data_dir = dir.root,
                                                            .env = repere_environment(),
                                                            .overrides = options.common.settings}));
  REPERE_ASSIGN_OR_RETURN(auto db, catalog::Database::open(dir.catalog(), {.read_only = true}));
  REPERE_ASSIGN_OR_RETURN(const catalog::CatalogSummary summary, catalog::summarize(*db));
  const Sizes sizes = measure(dir);
  const Energy energy = energy_of(*db, config);
  if (options.json) {
    out << to_json(dir, summary, sizes, energy).dump(2) << "\n";
  } else {
    print_text(out, dir, summary, sizes, energy);
  }
  return Status::ok();
}

}  // namespace

int run_status(const StatusOptions& options, Io io) {
  const Status s = status(options, io.out);
  if (!s.is_ok()) {
    io.err << "repere status: " << s.message() << "\n";
    return kExitFailure;
  }
  return kExitOk;
}

}  // namespace repere::app
