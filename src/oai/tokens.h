// Resumption tokens: the state of a list request, signed, with nothing kept on the server.
// Internal to src/oai.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

namespace repere::oai {

struct Resumption {
  std::string verb;    // ListRecords, ListIdentifiers or ListSets: a token serves its own verb
  std::string prefix;  // metadataPrefix
  std::string set, from, until;
  std::int64_t after_id = 0;  // the last item given
  std::int64_t cursor = 0;    // how many were given before this page
  std::int64_t size = 0;      // completeListSize when the list began
  std::int64_t expires = 0;   // UTC seconds
};

// No token of ours is longer (a set is at most 1,000 characters); a longer one is refused unread.
inline constexpr std::size_t kMaxTokenBytes = 8000;

// "PAYLOAD.SIGNATURE", both base64url: the characters a URL and XML carry as they are.
std::string encode_token(const Resumption& r, const std::string& key);
// The token's state, or nullopt when it is malformed, forged, or expired at `now`.
std::optional<Resumption> decode_token(const std::string& token, const std::string& key,
                                       std::int64_t now);

}  // namespace repere::oai
