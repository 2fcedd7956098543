#pragma once
// `qabot chat [ws://HOST:PORT/ws | wss://HOST[:PORT]/ws] [--cafile FILE]`: a terminal client of
// protocol v1 (docs/protocol.md), over TCP or TLS.

#include <string>

#include <CLI/CLI.hpp>

namespace qabot::app {

struct ChatOptions {
  std::string url = "ws://127.0.0.1:8080/ws";
  std::string cafile;  // wss:// only: trust these PEM certificates instead of the system store
};

// Reads questions from stdin, one a line, and prints each answer as it streams, then the matched
// question, its category and confidence, and related questions. Returns the exit code.
int run_chat(const ChatOptions& options);
void add_chat_command(CLI::App& app);

}  // namespace qabot::app
