#include "integrations/request_signature.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <charconv>
#include <stdexcept>

namespace qabot::integrations {
namespace {

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Unix seconds, digits only (no sign, no spaces): anything else is not a timestamp.
bool parse_timestamp(std::string_view text, std::int64_t& out) {
  if (text.empty() || text.size() > 12) return false;
  for (char c : text) {
    if (c < '0' || c > '9') return false;
  }
  return std::from_chars(text.data(), text.data() + text.size(), out).ec == std::errc();
}

SignatureCheck check_timestamp(std::string_view timestamp, std::int64_t now) {
  std::int64_t t = 0;
  if (!parse_timestamp(timestamp, t)) return SignatureCheck::BadTimestamp;
  if (t > now + kMaxClockSkewSeconds || t < now - kMaxClockSkewSeconds) return SignatureCheck::Stale;
  return SignatureCheck::Valid;
}

}  // namespace

std::string_view to_string(SignatureCheck check) {
  switch (check) {
    case SignatureCheck::Valid: return "valid";
    case SignatureCheck::Missing: return "signature or timestamp header missing";
    case SignatureCheck::BadTimestamp: return "timestamp is not a number of seconds";
    case SignatureCheck::Stale: return "timestamp more than 5 minutes off";
    case SignatureCheck::Mismatch: return "signature does not match";
  }
  return "unknown";
}

std::string to_hex(std::string_view bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (unsigned char b : bytes) {
    out += kDigits[b >> 4];
    out += kDigits[b & 0x0F];
  }
  return out;
}

bool from_hex(std::string_view hex, std::string& out) {
  if (hex.size() % 2 != 0) return false;
  out.clear();
  out.reserve(hex.size() / 2);
  for (std::size_t i = 0; i < hex.size(); i += 2) {
    const int hi = hex_digit(hex[i]), lo = hex_digit(hex[i + 1]);
    if (hi < 0 || lo < 0) return false;
    out += static_cast<char>((hi << 4) | lo);
  }
  return true;
}

std::string hmac_sha256_hex(std::string_view key, std::string_view message) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  if (!HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
            reinterpret_cast<const unsigned char*>(message.data()), message.size(), digest, &length)) {
    throw std::runtime_error("HMAC-SHA256 failed");
  }
  return to_hex(std::string_view(reinterpret_cast<const char*>(digest), length));
}

SignatureCheck check_slack_signature(std::string_view signing_secret, std::string_view timestamp,
                                     std::string_view signature, std::string_view body, std::int64_t now) {
  if (timestamp.empty() || signature.empty()) return SignatureCheck::Missing;
  if (const auto t = check_timestamp(timestamp, now); t != SignatureCheck::Valid) return t;
  std::string base;
  base.reserve(body.size() + timestamp.size() + 4);
  base.append("v0:").append(timestamp).append(":").append(body);
  const std::string expected = "v0=" + hmac_sha256_hex(signing_secret, base);
  // Slack sends lower-case hex; the length is public, only the content is compared in constant time.
  if (signature.size() != expected.size()) return SignatureCheck::Mismatch;
  return CRYPTO_memcmp(signature.data(), expected.data(), expected.size()) == 0 ? SignatureCheck::Valid
                                                                                : SignatureCheck::Mismatch;
}

struct Ed25519Verifier::Key {
  EVP_PKEY* pkey = nullptr;
  ~Key() { EVP_PKEY_free(pkey); }
};

Ed25519Verifier::Ed25519Verifier(std::string_view public_key_hex) : key_(std::make_unique<Key>()) {
  std::string raw;
  if (public_key_hex.size() != 64 || !from_hex(public_key_hex, raw)) {
    throw std::invalid_argument("the Discord public key must be 64 hex digits (an Ed25519 public key)");
  }
  key_->pkey = EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, nullptr,
                                           reinterpret_cast<const unsigned char*>(raw.data()), raw.size());
  if (!key_->pkey) throw std::invalid_argument("the Discord public key is not a valid Ed25519 public key");
}

Ed25519Verifier::~Ed25519Verifier() = default;

bool Ed25519Verifier::verify(std::string_view message, std::string_view signature_hex) const {
  std::string signature;
  if (signature_hex.size() != 128 || !from_hex(signature_hex, signature)) return false;
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  if (!ctx) return false;
  // Ed25519 hashes internally: no digest is given, and the message goes in whole (one-shot).
  bool ok = EVP_DigestVerifyInit(ctx, nullptr, nullptr, nullptr, key_->pkey) == 1 &&
            EVP_DigestVerify(ctx, reinterpret_cast<const unsigned char*>(signature.data()), signature.size(),
                             reinterpret_cast<const unsigned char*>(message.data()), message.size()) == 1;
  EVP_MD_CTX_free(ctx);
  return ok;
}

SignatureCheck check_discord_signature(const Ed25519Verifier& verifier, std::string_view timestamp,
                                       std::string_view signature, std::string_view body, std::int64_t now) {
  if (timestamp.empty() || signature.empty()) return SignatureCheck::Missing;
  if (const auto t = check_timestamp(timestamp, now); t != SignatureCheck::Valid) return t;
  std::string message;
  message.reserve(timestamp.size() + body.size());
  message.append(timestamp).append(body);
  return verifier.verify(message, signature) ? SignatureCheck::Valid : SignatureCheck::Mismatch;
}

}  // namespace qabot::integrations
