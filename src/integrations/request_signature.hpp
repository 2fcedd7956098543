#pragma once
// Verifying that a webhook request comes from the platform: Slack's HMAC-SHA256 signature with the
// app's signing secret, Discord's Ed25519 signature with the application's public key (OpenSSL 3).
// Both cover a timestamp, checked against a window so that a captured request cannot be replayed.

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace qabot::integrations {

enum class SignatureCheck { Valid, Missing, BadTimestamp, Stale, Mismatch };

std::string_view to_string(SignatureCheck check);

inline constexpr std::int64_t kMaxClockSkewSeconds = 300;

// Lower-case hex of HMAC-SHA256(key, message).
std::string hmac_sha256_hex(std::string_view key, std::string_view message);

// X-Slack-Signature must be "v0=" + hex HMAC-SHA256(secret, "v0:" + timestamp + ":" + body), and
// X-Slack-Request-Timestamp (Unix seconds) within kMaxClockSkewSeconds of `now`. The comparison
// takes the same time wherever the signatures differ (CRYPTO_memcmp).
SignatureCheck check_slack_signature(std::string_view signing_secret, std::string_view timestamp,
                                     std::string_view signature, std::string_view body, std::int64_t now);

// Checks Ed25519 signatures made with one public key. Immutable after construction, so one
// instance serves every thread.
class Ed25519Verifier {
 public:
  // `public_key_hex`: 64 hex digits (Discord's "Public Key"). Throws std::invalid_argument otherwise.
  explicit Ed25519Verifier(std::string_view public_key_hex);
  ~Ed25519Verifier();
  Ed25519Verifier(const Ed25519Verifier&) = delete;
  Ed25519Verifier& operator=(const Ed25519Verifier&) = delete;

  // True when `signature_hex` (128 hex digits) is a valid signature of `message`.
  bool verify(std::string_view message, std::string_view signature_hex) const;

 private:
  struct Key;
  std::unique_ptr<Key> key_;
};

// Discord: X-Signature-Ed25519 over X-Signature-Timestamp + body; the timestamp must be within
// kMaxClockSkewSeconds of `now` too (Discord does not require that, but it stops replays).
SignatureCheck check_discord_signature(const Ed25519Verifier& verifier, std::string_view timestamp,
                                       std::string_view signature, std::string_view body, std::int64_t now);

// Hex ↔ bytes; from_hex returns false on odd length or a non-hex digit.
std::string to_hex(std::string_view bytes);
bool from_hex(std::string_view hex, std::string& out);

}  // namespace qabot::integrations
