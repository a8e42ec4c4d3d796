// Fuzz target: any text posted as an id_token, with any key set a platform serves, is refused
// or verified: never a crash, a hang, or a token accepted without the key that signed it.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "repere/lti/jose.h"

namespace {
// A fixed RSA public key (2048 bits) as a key set: no input can sign with its private part.
const char* kJwks =
    R"({"keys":[{"kty":"RSA","kid":"k1","use":"sig","e":"AQAB","n":")"
    "0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECP"
    "ebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY3"
    "68QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4"
    "lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw"
    R"("}]})";
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  (void)repere::lti::read_jwt_header(text);
  (void)repere::lti::unbase64url(text);
  if (repere::lti::unbase64url(repere::lti::base64url(text)) != text) std::abort();
  bool missing = false;
  if (repere::lti::verify_jwt(text, kJwks, &missing).is_ok()) std::abort();  // nobody signed it
  // The input as the key set, and its second half as a token.
  (void)repere::lti::verify_jwt(text.substr(size / 2), text.substr(0, size / 2), &missing);
  return 0;
}
