// The JOSE pieces LTI 1.3 (and OpenID Connect) rest on: base64url, RSA key pairs, JSON Web
// Keys and key sets, and JSON Web Tokens signed with RS256 (OpenSSL 3).
//
// Only RSA signatures are accepted: RS256, RS384, RS512. A token whose header says "none",
// an HMAC algorithm (HS256 signed with a public key taken as a secret), or anything else is
// refused before any key is read, whatever the key set holds.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "repere/core/result.h"

namespace repere::lti {

std::string base64url(std::string_view bytes);  // no padding
// nullopt when `text` is not base64url (padding is tolerated).
std::optional<std::string> unbase64url(std::string_view text);

// An RSA key pair: the private key as PKCS#8 PEM, and its key id (the RFC 7638 thumbprint of
// its public key).
struct KeyPair {
  std::string kid;
  std::string private_pem;
};

// A new 2048-bit RSA key pair. Errors: internal (OpenSSL failed).
Result<KeyPair> generate_key_pair();
// The kid of a stored private key, checking that it is an RSA key. Errors: invalid_argument.
Result<KeyPair> load_key_pair(std::string_view private_pem);
// The public JWK of a key pair, as JSON text: kty, alg RS256, use sig, kid, n, e.
Result<std::string> public_jwk(const KeyPair& key);

// "HEADER.CLAIMS.SIGNATURE" with header {"alg":"RS256","typ":"JWT","kid":KID}.
// `claims_json` must be a JSON object. Errors: invalid_argument, internal.
Result<std::string> sign_jwt(std::string_view claims_json, const KeyPair& key);

// The header of a token, read without checking anything else.
struct JwtHeader {
  std::string alg;
  std::string kid;  // "" when absent
};
// Errors: unauthenticated naming what is malformed.
Result<JwtHeader> read_jwt_header(std::string_view token);

// Checks a token's signature with the key of `jwks_json` (a JWK Set, {"keys":[...]}) that its
// header's kid names (the only RSA key of the set when the header names none) and returns its
// claims as JSON text. Errors: unauthenticated, with the reason (a malformed token, an
// algorithm that is not RS256/384/512, no such kid — `key_missing` is then set, so that the
// caller may fetch the set again —, a bad signature).
Result<std::string> verify_jwt(std::string_view token, std::string_view jwks_json,
                               bool* key_missing = nullptr);

// The checks of a verified token's claims (JSON object text) that LTI launches and OpenID
// Connect id_tokens share. Errors: unauthenticated with the reason, which the caller prefixes
// with its protocol.
// `aud` (a string or an array) holds `client_id`; `azp`, when present or when there are
// several audiences, is `client_id`.
Status check_token_audience(std::string_view claims_json, const std::string& client_id);
// `exp` and `iat` are numbers; `exp` not passed and `iat` not in the future, by more than
// `leeway` seconds.
Status check_token_times(std::string_view claims_json, std::int64_t now, std::int64_t leeway);

// The thumbprint of a JWK's RSA public key (RFC 7638), base64url.
Result<std::string> jwk_thumbprint(std::string_view n_b64, std::string_view e_b64);

}  // namespace repere::lti
