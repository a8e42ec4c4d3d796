#include "repere/lti/jose.h"

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <openssl/sha.h>

#include <algorithm>
#include <memory>
#include <nlohmann/json.hpp>

namespace repere::lti {

using nlohmann::json;

namespace {

struct Freer {
  void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }
  void operator()(EVP_MD_CTX* p) const { EVP_MD_CTX_free(p); }
  void operator()(EVP_PKEY_CTX* p) const { EVP_PKEY_CTX_free(p); }
  void operator()(BIO* p) const { BIO_free(p); }
  void operator()(BIGNUM* p) const { BN_free(p); }
  void operator()(OSSL_PARAM_BLD* p) const { OSSL_PARAM_BLD_free(p); }
  void operator()(OSSL_PARAM* p) const { OSSL_PARAM_free(p); }
};
template <typename T>
using Owned = std::unique_ptr<T, Freer>;

constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

int sextet(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '-') return 62;
  if (c == '_') return 63;
  return -1;
}

std::string bn_bytes(const BIGNUM* bn) {
  std::string out(static_cast<std::size_t>(BN_num_bytes(bn)), '\0');
  BN_bn2bin(bn, reinterpret_cast<unsigned char*>(out.data()));
  return out;
}

Owned<EVP_PKEY> private_key(std::string_view pem) {
  Owned<BIO> bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  if (!bio) return nullptr;
  return Owned<EVP_PKEY>(PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr));
}

// The modulus and exponent of an RSA key, base64url.
Result<std::pair<std::string, std::string>> rsa_numbers(EVP_PKEY* key) {
  BIGNUM* n = nullptr;
  BIGNUM* e = nullptr;
  if (EVP_PKEY_get_bn_param(key, OSSL_PKEY_PARAM_RSA_N, &n) != 1 ||
      EVP_PKEY_get_bn_param(key, OSSL_PKEY_PARAM_RSA_E, &e) != 1) {
    BN_free(n);
    BN_free(e);
    return Status::invalid_argument("the key is not an RSA key");
  }
  Owned<BIGNUM> on(n), oe(e);
  return std::pair{base64url(bn_bytes(n)), base64url(bn_bytes(e))};
}

// An RSA public key from a JWK's n and e. Errors: unauthenticated.
Result<Owned<EVP_PKEY>> rsa_public(const std::string& n_b64, const std::string& e_b64) {
  const auto n = unbase64url(n_b64);
  const auto e = unbase64url(e_b64);
  if (!n || !e || n->size() < 256 || n->size() > 1024 || e->empty() || e->size() > 8)
    return Status::unauthenticated("the key set's RSA key is malformed or shorter than 2048 bits");
  Owned<BIGNUM> bn(BN_bin2bn(reinterpret_cast<const unsigned char*>(n->data()),
                             static_cast<int>(n->size()), nullptr));
  Owned<BIGNUM> be(BN_bin2bn(reinterpret_cast<const unsigned char*>(e->data()),
                             static_cast<int>(e->size()), nullptr));
  Owned<OSSL_PARAM_BLD> bld(OSSL_PARAM_BLD_new());
  if (!bn || !be || !bld ||
      OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_N, bn.get()) != 1 ||
      OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_E, be.get()) != 1)
    return Status::internal("OpenSSL could not hold the RSA key");
  Owned<OSSL_PARAM> params(OSSL_PARAM_BLD_to_param(bld.get()));
  Owned<EVP_PKEY_CTX> ctx(EVP_PKEY_CTX_new_from_name(nullptr, "RSA", nullptr));
  EVP_PKEY* key = nullptr;
  if (!params || !ctx || EVP_PKEY_fromdata_init(ctx.get()) != 1 ||
      EVP_PKEY_fromdata(ctx.get(), &key, EVP_PKEY_PUBLIC_KEY, params.get()) != 1)
    return Status::unauthenticated("the key set's RSA key is not a valid key");
  return Owned<EVP_PKEY>(key);
}

const EVP_MD* digest_of(const std::string& alg) {
  if (alg == "RS256") return EVP_sha256();
  if (alg == "RS384") return EVP_sha384();
  if (alg == "RS512") return EVP_sha512();
  return nullptr;
}

// The three parts of a compact JWS. Errors: unauthenticated.
Result<std::array<std::string_view, 3>> split(std::string_view token) {
  if (token.size() > 64 * 1024) return Status::unauthenticated("the token is longer than 64 KB");
  const auto a = token.find('.');
  const auto b = a == std::string_view::npos ? a : token.find('.', a + 1);
  if (b == std::string_view::npos || token.find('.', b + 1) != std::string_view::npos)
    return Status::unauthenticated("the token is not three dot-separated parts (a JWS)");
  return std::array{token.substr(0, a), token.substr(a + 1, b - a - 1), token.substr(b + 1)};
}

Result<json> json_part(std::string_view part, const char* what) {
  const auto bytes = unbase64url(part);
  if (!bytes)
    return Status::unauthenticated(std::string("the token's ") + what + " is not base64url");
  json j = json::parse(*bytes, nullptr, false);
  if (!j.is_object())
    return Status::unauthenticated(std::string("the token's ") + what + " is not a JSON object");
  return j;
}

}  // namespace

std::string base64url(std::string_view bytes) {
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  std::size_t i = 0;
  for (; i + 2 < bytes.size(); i += 3) {
    const auto v = (static_cast<unsigned char>(bytes[i]) << 16) |
                   (static_cast<unsigned char>(bytes[i + 1]) << 8) |
                   static_cast<unsigned char>(bytes[i + 2]);
    for (int s = 18; s >= 0; s -= 6) out += kAlphabet[(v >> s) & 63];
  }
  if (i + 1 == bytes.size()) {
    const auto v = static_cast<unsigned char>(bytes[i]) << 16;
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
  } else if (i + 2 == bytes.size()) {
    const auto v = (static_cast<unsigned char>(bytes[i]) << 16) |
                   (static_cast<unsigned char>(bytes[i + 1]) << 8);
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
    out += kAlphabet[(v >> 6) & 63];
  }
  return out;
}

std::optional<std::string> unbase64url(std::string_view text) {
  while (!text.empty() && text.back() == '=') text.remove_suffix(1);
  if (text.size() % 4 == 1) return std::nullopt;
  std::string out;
  out.reserve(text.size() * 3 / 4);
  unsigned bits = 0;
  int count = 0;
  for (const char c : text) {
    const int v = sextet(c);
    if (v < 0) return std::nullopt;
    bits = (bits << 6) | static_cast<unsigned>(v);
    count += 6;
    if (count >= 8) {
      count -= 8;
      out += static_cast<char>((bits >> count) & 0xFF);
    }
  }
  return out;
}

Result<std::string> jwk_thumbprint(std::string_view n_b64, std::string_view e_b64) {
  // RFC 7638: the required members in lexicographic order, no whitespace.
  const std::string canonical =
      "{\"e\":\"" + std::string(e_b64) + "\",\"kty\":\"RSA\",\"n\":\"" + std::string(n_b64) + "\"}";
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(canonical.data()), canonical.size(), digest);
  return base64url(std::string_view(reinterpret_cast<const char*>(digest), sizeof digest));
}

Result<KeyPair> generate_key_pair() {
  Owned<EVP_PKEY> key(EVP_RSA_gen(2048));
  if (!key) return Status::internal("OpenSSL could not make an RSA key");
  Owned<BIO> bio(BIO_new(BIO_s_mem()));
  if (!bio ||
      PEM_write_bio_PrivateKey(bio.get(), key.get(), nullptr, nullptr, 0, nullptr, nullptr) != 1)
    return Status::internal("OpenSSL could not write the RSA key");
  char* data = nullptr;
  const long size = BIO_get_mem_data(bio.get(), &data);
  return load_key_pair(std::string_view(data, static_cast<std::size_t>(size)));
}

Result<KeyPair> load_key_pair(std::string_view private_pem) {
  const Owned<EVP_PKEY> key = private_key(private_pem);
  if (!key) return Status::invalid_argument("the stored tool key is not a PEM private key");
  REPERE_ASSIGN_OR_RETURN(const auto ne, rsa_numbers(key.get()));
  REPERE_ASSIGN_OR_RETURN(std::string kid, jwk_thumbprint(ne.first, ne.second));
  return KeyPair{std::move(kid), std::string(private_pem)};
}

Result<std::string> public_jwk(const KeyPair& pair) {
  const Owned<EVP_PKEY> key = private_key(pair.private_pem);
  if (!key) return Status::invalid_argument("the stored tool key is not a PEM private key");
  REPERE_ASSIGN_OR_RETURN(const auto ne, rsa_numbers(key.get()));
  return json{{"kty", "RSA"},    {"alg", "RS256"}, {"use", "sig"},
              {"kid", pair.kid}, {"n", ne.first},  {"e", ne.second}}
      .dump();
}

Result<std::string> sign_jwt(std::string_view claims_json, const KeyPair& pair) {
  const json claims = json::parse(claims_json, nullptr, false);
  if (!claims.is_object()) return Status::invalid_argument("the claims are not a JSON object");
  const Owned<EVP_PKEY> key = private_key(pair.private_pem);
  if (!key) return Status::invalid_argument("the stored tool key is not a PEM private key");
  const json header = {{"alg", "RS256"}, {"typ", "JWT"}, {"kid", pair.kid}};
  const std::string input = base64url(header.dump()) + "." + base64url(claims.dump());
  Owned<EVP_MD_CTX> md(EVP_MD_CTX_new());
  std::size_t size = 0;
  if (!md || EVP_DigestSignInit(md.get(), nullptr, EVP_sha256(), nullptr, key.get()) != 1 ||
      EVP_DigestSign(md.get(), nullptr, &size, reinterpret_cast<const unsigned char*>(input.data()),
                     input.size()) != 1)
    return Status::internal("OpenSSL could not sign the token");
  std::string signature(size, '\0');
  if (EVP_DigestSign(md.get(), reinterpret_cast<unsigned char*>(signature.data()), &size,
                     reinterpret_cast<const unsigned char*>(input.data()), input.size()) != 1)
    return Status::internal("OpenSSL could not sign the token");
  signature.resize(size);
  return input + "." + base64url(signature);
}

Result<JwtHeader> read_jwt_header(std::string_view token) {
  REPERE_ASSIGN_OR_RETURN(const auto parts, split(token));
  REPERE_ASSIGN_OR_RETURN(const json header, json_part(parts[0], "header"));
  JwtHeader out;
  if (header.contains("alg") && header["alg"].is_string()) out.alg = header["alg"];
  if (header.contains("kid") && header["kid"].is_string()) out.kid = header["kid"];
  return out;
}

Result<std::string> verify_jwt(std::string_view token, std::string_view jwks_json,
                               bool* key_missing) {
  if (key_missing) *key_missing = false;
  REPERE_ASSIGN_OR_RETURN(const auto parts, split(token));
  REPERE_ASSIGN_OR_RETURN(const JwtHeader header, read_jwt_header(token));
  const EVP_MD* md_type = digest_of(header.alg);
  if (!md_type) {
    return Status::unauthenticated("the token's algorithm \"" + header.alg.substr(0, 20) +
                                   "\" is refused: only RS256, RS384 and RS512 are accepted");
  }
  const json set = json::parse(jwks_json, nullptr, false);
  if (!set.is_object() || !set.contains("keys") || !set["keys"].is_array())
    return Status::unauthenticated("the key set is not a JWK Set ({\"keys\": [...]})");
  const json* chosen = nullptr;
  int rsa_keys = 0;
  for (const json& k : set["keys"]) {
    if (!k.is_object() || k.value("kty", "") != "RSA" || !k.contains("n") || !k.contains("e") ||
        !k["n"].is_string() || !k["e"].is_string())
      continue;
    if (k.value("use", "sig") != "sig") continue;
    ++rsa_keys;
    if (!header.kid.empty() && k.value("kid", "") == header.kid) chosen = &k;
    if (header.kid.empty() && rsa_keys == 1) chosen = &k;
  }
  if (header.kid.empty() && rsa_keys != 1) chosen = nullptr;
  if (!chosen) {
    if (key_missing) *key_missing = true;
    return Status::unauthenticated("no signing key \"" + header.kid.substr(0, 80) +
                                   "\" in the issuer's key set");
  }
  REPERE_ASSIGN_OR_RETURN(const auto key, rsa_public((*chosen)["n"], (*chosen)["e"]));
  const auto signature = unbase64url(parts[2]);
  if (!signature) return Status::unauthenticated("the token's signature is not base64url");
  const std::string input = std::string(parts[0]) + "." + std::string(parts[1]);
  Owned<EVP_MD_CTX> md(EVP_MD_CTX_new());
  if (!md || EVP_DigestVerifyInit(md.get(), nullptr, md_type, nullptr, key.get()) != 1)
    return Status::internal("OpenSSL could not check the signature");
  if (EVP_DigestVerify(md.get(), reinterpret_cast<const unsigned char*>(signature->data()),
                       signature->size(), reinterpret_cast<const unsigned char*>(input.data()),
                       input.size()) != 1)
    return Status::unauthenticated("the token's signature does not match the platform's key");
  REPERE_ASSIGN_OR_RETURN(const json claims, json_part(parts[1], "claims"));
  return claims.dump();
}

Status check_token_audience(std::string_view claims_json, const std::string& client_id) {
  const json claims = json::parse(claims_json, nullptr, false);
  if (!claims.is_object()) return Status::unauthenticated("the token's claims are not an object");
  std::vector<std::string> audiences;
  if (const auto aud = claims.find("aud"); aud != claims.end()) {
    if (aud->is_string()) audiences.push_back(*aud);
    if (aud->is_array()) {
      for (const json& a : *aud) {
        if (a.is_string()) audiences.push_back(a);
      }
    }
  }
  if (std::find(audiences.begin(), audiences.end(), client_id) == audiences.end())
    return Status::unauthenticated("wrong audience: aud does not hold the client id \"" +
                                   client_id + "\"");
  const auto azp = claims.find("azp");
  const bool has_azp = azp != claims.end();
  if ((audiences.size() > 1 || has_azp) && (!has_azp || !azp->is_string() || *azp != client_id))
    return Status::unauthenticated("wrong authorised party: azp is not the client id");
  return Status::ok();
}

Status check_token_times(std::string_view claims_json, std::int64_t now, std::int64_t leeway) {
  const json claims = json::parse(claims_json, nullptr, false);
  if (!claims.is_object()) return Status::unauthenticated("the token's claims are not an object");
  const auto exp = claims.find("exp");
  const auto iat = claims.find("iat");
  if (exp == claims.end() || !exp->is_number() || iat == claims.end() || !iat->is_number())
    return Status::unauthenticated("the token has no exp or iat");
  if (exp->get<double>() < static_cast<double>(now - leeway))
    return Status::unauthenticated("the token has expired");
  if (iat->get<double>() > static_cast<double>(now + leeway))
    return Status::unauthenticated("the token was issued in the future (iat)");
  return Status::ok();
}

}  // namespace repere::lti
