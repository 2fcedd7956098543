#pragma once
#include <CLI/CLI.hpp>

namespace qabot::app {
void add_ask_command(CLI::App& app);
}
