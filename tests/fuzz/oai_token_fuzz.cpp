// Fuzz target: any text given as an OAI-PMH resumption token (a harvester's, or anyone's) is
// refused or read back as the state it signs: never a crash, a hang, or a state it did not sign.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "tokens.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string key(32, 'k');
  const std::string text(reinterpret_cast<const char*>(data), size);
  const auto state = repere::oai::decode_token(text, key, 0);
  if (state) {
    // Only a token this key signed decodes; what it says encodes back to the same state.
    const auto again = repere::oai::decode_token(repere::oai::encode_token(*state, key), key, 0);
    if (!again || again->after_id != state->after_id || again->verb != state->verb) std::abort();
  }
  // Half of the input as a state, signed and read back.
  repere::oai::Resumption r;
  r.verb = text.substr(0, size / 2);
  r.set = text.substr(size / 2);
  r.after_id = static_cast<std::int64_t>(size);
  r.expires = 1;
  const std::string token = repere::oai::encode_token(r, key);
  const auto back = repere::oai::decode_token(token, key, 0);
  if (token.size() > repere::oai::kMaxTokenBytes) {  // refused unread, as it should
    if (back) std::abort();
    return 0;
  }
  if (!back) std::abort();
  bool ascii = true;
  for (const char c : text) ascii = ascii && static_cast<unsigned char>(c) < 0x80;
  if (ascii && (back->set != r.set || back->verb != r.verb)) std::abort();
  if (repere::oai::decode_token(repere::oai::encode_token(r, key), std::string(32, 'x'), 0))
    std::abort();
  return 0;
}
