// Fuzz target: any text a CAS server (or something posing as one) answers, and any value an
// identity provider sends as a GAR class or a mapping, is read or refused: never a crash or a
// hang, and a failure is never read as a success.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "repere/sso/cas.h"
#include "repere/sso/identity.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  const auto answer = repere::sso::parse_cas_answer(text);
  if (answer.is_ok() && answer->user.empty()) std::abort();  // a success names its user
  if (answer.is_ok() && text.find("authenticationFailure") != std::string::npos &&
      text.find("authenticationSuccess") == std::string::npos)
    std::abort();
  (void)repere::sso::parse_division(text, "0750001A");
  (void)repere::sso::Mapping::parse(text);
  repere::sso::Attributes attributes{
      {"PRO", {text}}, {"DIV", {text, text.substr(size / 2)}}, {"UAI", {text.substr(0, size / 3)}}};
  (void)repere::sso::map_identity(attributes, text, repere::sso::Mapping{});
  return 0;
}
