#pragma once
// Where an ask came from and how it ended: the labels of qabot_asks_total, of the ask latency
// histogram and of the gaps log (docs/protocol.md, "Metrics").

#include <array>
#include <string_view>

namespace qabot::server {

enum class Channel { WebSocket, Http, Slack, Discord, Cli };

// The channels a server counts (the CLI asks through the same service but serves no metrics).
inline constexpr std::array<Channel, 4> kServerChannels = {Channel::WebSocket, Channel::Http, Channel::Slack,
                                                           Channel::Discord};

// "ws", "http", "slack", "discord", "cli".
constexpr std::string_view to_string(Channel channel) {
  switch (channel) {
    case Channel::WebSocket: return "ws";
    case Channel::Http: return "http";
    case Channel::Slack: return "slack";
    case Channel::Discord: return "discord";
    case Channel::Cli: return "cli";
  }
  return "unknown";
}

// How an ask ended: an answer from the notes, no confident answer, a near-tie that asks the user to
// choose, or a failure (the engine threw).
enum class AskEnd { Matched, Unmatched, Clarify, Error };

inline constexpr std::array<AskEnd, 4> kAskEnds = {AskEnd::Matched, AskEnd::Unmatched, AskEnd::Clarify, AskEnd::Error};

constexpr std::string_view to_string(AskEnd end) {
  switch (end) {
    case AskEnd::Matched: return "matched";
    case AskEnd::Unmatched: return "unmatched";
    case AskEnd::Clarify: return "clarify";
    case AskEnd::Error: return "error";
  }
  return "unknown";
}

}  // namespace qabot::server
