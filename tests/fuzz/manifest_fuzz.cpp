// Fuzz target: both manifest parsers accept any bytes without crashing, and every row they
// return names a file and has a valid JSON object of extras.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <string_view>

#include "repere/ingest/manifest.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  for (const auto& parsed :
       {repere::ingest::parse_manifest_csv(input), repere::ingest::parse_manifest_jsonl(input)}) {
    if (!parsed.is_ok()) continue;
    for (const auto& row : parsed->rows) {
      if (row.path.empty() || row.line < 1) std::abort();
      if (!nlohmann::json::parse(row.extra_json, nullptr, false).is_object()) std::abort();
    }
  }
  return 0;
}
