// Fuzz target: the text utilities accept any bytes and return UTF-8 with sane offsets.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "repere/core/text.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  for (const auto& token : repere::text::tokenize(input)) {
    if (token.begin >= token.end || token.end > input.size() || token.text.empty()) std::abort();
  }
  if (!repere::text::is_valid_utf8(repere::text::fold(input))) std::abort();
  if (!repere::text::is_valid_utf8(repere::text::nfc(input))) std::abort();
  if (!repere::text::is_valid_utf8(repere::text::decode_to_utf8(input).utf8)) std::abort();
  return 0;
}
