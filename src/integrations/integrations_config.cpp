#include "integrations/integrations_config.hpp"

#include <sys/stat.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace qabot::integrations {
namespace {

std::string trimmed(std::string_view s) {
  const auto first = s.find_first_not_of(" \t\r");
  if (first == std::string_view::npos) return {};
  return std::string(s.substr(first, s.find_last_not_of(" \t\r") - first + 1));
}

void read_file(const std::filesystem::path& file, IntegrationsConfig& config) {
  const std::string name = file.string();
  struct stat info {};
  if (::stat(name.c_str(), &info) != 0) throw std::runtime_error("--integrations-config: cannot read " + name);
  if (!S_ISREG(info.st_mode)) throw std::runtime_error("--integrations-config: " + name + " is not a regular file");
  if ((info.st_mode & (S_IRWXG | S_IRWXO)) != 0) {
    throw std::runtime_error("--integrations-config: " + name +
                             " holds secrets but group or others may access it; run: chmod 600 " + name);
  }
  std::ifstream in(file, std::ios::binary);
  if (!in) throw std::runtime_error("--integrations-config: cannot open " + name);
  std::string line;
  for (int number = 1; std::getline(in, line); ++number) {
    const std::string text = trimmed(line);
    if (text.empty() || text.front() == '#') continue;
    const auto eq = text.find('=');
    if (eq == std::string::npos) {
      throw std::runtime_error(name + ":" + std::to_string(number) + ": expected NAME=value");
    }
    const std::string key = trimmed(std::string_view(text).substr(0, eq));
    std::string value = trimmed(std::string_view(text).substr(eq + 1));
    if (value.size() >= 2 && (value.front() == '"' || value.front() == '\'') && value.back() == value.front()) {
      value = value.substr(1, value.size() - 2);
    }
    if (key == kSlackSecretVariable) config.slack_signing_secret = value;
    else if (key == kDiscordKeyVariable) config.discord_public_key = value;
    else {
      throw std::runtime_error(name + ":" + std::to_string(number) + ": unknown setting '" + key + "' (expected " +
                               kSlackSecretVariable + " or " + kDiscordKeyVariable + ")");
    }
  }
}

}  // namespace

std::optional<std::string> parse_public_url(std::string_view url) {
  std::string lower(url);
  std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
  const std::size_t scheme = lower.starts_with("https://") ? 8 : lower.starts_with("http://") ? 7 : 0;
  if (scheme == 0) return std::nullopt;
  for (unsigned char c : url)
    if (c <= ' ' || c >= 0x7F || c == '?' || c == '#' || c == '@' || c == '\\' || c == '"' || c == '<' || c == '>')
      return std::nullopt;
  const std::size_t host_end = std::min(url.find('/', scheme), url.size());
  if (host_end == scheme || url[scheme] == ':') return std::nullopt;  // no host
  while (url.size() > host_end && url.back() == '/') url.remove_suffix(1);
  return std::string(url);
}

std::optional<std::string> process_environment(const char* name) {
  const char* value = std::getenv(name);
  if (!value) return std::nullopt;
  return std::string(value);
}

IntegrationsConfig load_integrations_config(const std::optional<std::filesystem::path>& file,
                                            const Environment& environment) {
  IntegrationsConfig config;
  if (environment) {
    if (auto v = environment(kSlackSecretVariable)) config.slack_signing_secret = trimmed(*v);
    if (auto v = environment(kDiscordKeyVariable)) config.discord_public_key = trimmed(*v);
  }
  if (file) read_file(*file, config);
  return config;
}

}  // namespace qabot::integrations
