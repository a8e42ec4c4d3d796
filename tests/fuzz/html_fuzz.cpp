// Fuzz target: any bytes give a page reading without a crash, and UTF-8 paragraphs.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "repere/core/text.h"
#include "repere/extract/html.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const auto doc = repere::extract::read_html(input);
  if (!repere::text::is_valid_utf8(doc.title)) std::abort();
  for (const auto& p : doc.paragraphs) {
    if (p.empty() || !repere::text::is_valid_utf8(p)) std::abort();
  }
  return 0;
}
