#pragma once
// Signing requests the way Slack and Discord do, for tests: an HMAC test secret, and an Ed25519 key
// pair generated per test run with OpenSSL.

#include <openssl/evp.h>

#include <chrono>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>

#include "integrations/request_signature.hpp"

namespace qabot::integrations::testing {

inline std::int64_t now_seconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

inline std::string slack_signature(std::string_view secret, std::string_view timestamp, std::string_view body) {
  return "v0=" + hmac_sha256_hex(secret, "v0:" + std::string(timestamp) + ":" + std::string(body));
}

class Ed25519KeyPair {
 public:
  Ed25519KeyPair() {
    EVP_PKEY_CTX* ctx = EVP_PKEY_CTX_new_id(EVP_PKEY_ED25519, nullptr);
    if (!ctx || EVP_PKEY_keygen_init(ctx) != 1 || EVP_PKEY_keygen(ctx, &key_) != 1) {
      EVP_PKEY_CTX_free(ctx);
      throw std::runtime_error("Ed25519 key generation failed");
    }
    EVP_PKEY_CTX_free(ctx);
  }
  ~Ed25519KeyPair() { EVP_PKEY_free(key_); }
  Ed25519KeyPair(const Ed25519KeyPair&) = delete;
  Ed25519KeyPair& operator=(const Ed25519KeyPair&) = delete;

  std::string public_key_hex() const {
    unsigned char raw[32];
    std::size_t length = sizeof raw;
    if (EVP_PKEY_get_raw_public_key(key_, raw, &length) != 1) throw std::runtime_error("no raw public key");
    return to_hex(std::string_view(reinterpret_cast<const char*>(raw), length));
  }

  std::string sign_hex(std::string_view message) const {
    EVP_MD_CTX* ctx = EVP_MD_CTX_new();
    unsigned char signature[64];
    std::size_t length = sizeof signature;
    const bool ok = ctx && EVP_DigestSignInit(ctx, nullptr, nullptr, nullptr, key_) == 1 &&
                    EVP_DigestSign(ctx, signature, &length, reinterpret_cast<const unsigned char*>(message.data()),
                                   message.size()) == 1;
    EVP_MD_CTX_free(ctx);
    if (!ok) throw std::runtime_error("Ed25519 signing failed");
    return to_hex(std::string_view(reinterpret_cast<const char*>(signature), length));
  }

  // X-Signature-Ed25519 for a Discord request.
  std::string discord_signature(std::string_view timestamp, std::string_view body) const {
    return sign_hex(std::string(timestamp) + std::string(body));
  }

 private:
  EVP_PKEY* key_ = nullptr;
};

}  // namespace qabot::integrations::testing
