#pragma once
// `qabot chat [ws://HOST:PORT/ws]`: a terminal client of protocol v1 (docs/protocol.md).

#include <string>

#include <CLI/CLI.hpp>

namespace qabot::app {

// Reads questions from stdin, one a line, and prints each answer as it streams, then the matched
// question, its category and confidence, and related questions. Returns the exit code.
int run_chat(const std::string& url);
void add_chat_command(CLI::App& app);

}  // namespace qabot::app
