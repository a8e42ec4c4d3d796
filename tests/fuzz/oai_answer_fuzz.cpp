// Fuzz target: any bytes a partner answers to the harvester (as ListRecords or Identify, in
// each format) are read into bounded values or refused: never a crash, a hang or unbounded
// memory; a record the harvester may take has an identifier, a title and text to search.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "answer.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string body(reinterpret_cast<const char*>(data), size);
  for (const char* prefix : {"repere", "lom", "oai_dc"}) {
    const auto answer = repere::oai::read_answer(body, prefix);
    if (!answer.is_ok()) continue;
    for (const auto& r : answer->records) {
      if (!r.problem.empty() || r.deleted) continue;
      if (r.identifier.empty() || r.content.title.empty() || r.passages.empty()) std::abort();
      if (r.content.title.size() > 500) std::abort();
      for (const auto& p : r.passages)
        if (p.text.empty() || p.text.size() > 20000) std::abort();
      const std::string& url = r.content.source_url;
      if (!url.empty() && url.rfind("http://", 0) != 0 && url.rfind("https://", 0) != 0)
        std::abort();
    }
  }
  return 0;
}
