#pragma once
// Which chat integrations are on, and their secrets. Both are off unless configured. Secrets come
// only from the environment or from a file that no one but its owner can read; this struct is
// never logged or echoed, and error messages name keys and line numbers, never values.

#include <filesystem>
#include <functional>
#include <optional>
#include <string>

namespace qabot::integrations {

inline constexpr const char* kSlackSecretVariable = "QABOT_SLACK_SIGNING_SECRET";
inline constexpr const char* kDiscordKeyVariable = "QABOT_DISCORD_PUBLIC_KEY";

struct IntegrationsConfig {
  std::string slack_signing_secret;  // empty: Slack is off
  std::string discord_public_key;    // hex; empty: Discord is off
  // Not a secret: where chat clients reach this server (serve --public-url, parse_public_url), so
  // that a note's relative images become links to its GET /notes/… route; empty: alt text instead.
  std::string public_url;

  bool slack_enabled() const { return !slack_signing_secret.empty(); }
  bool discord_enabled() const { return !discord_public_key.empty(); }
};

// An http(s) URL with a host and nothing a base URL cannot have (user info, query, fragment,
// spaces, control characters), without its trailing slash; nullopt when `url` is not one.
std::optional<std::string> parse_public_url(std::string_view url);

using Environment = std::function<std::optional<std::string>(const char* name)>;
std::optional<std::string> process_environment(const char* name);

// The environment variables first; then `file` when given: lines `NAME=value` with the two names
// above (blank lines and `#` comments allowed), a value set there overriding the environment.
// Throws std::runtime_error with a clear message when the file is missing, unreadable, readable or
// writable by group or others (chmod 600 fixes it), or has a line it does not understand.
IntegrationsConfig load_integrations_config(const std::optional<std::filesystem::path>& file,
                                            const Environment& environment = &process_environment);

}  // namespace qabot::integrations
