#pragma once
#include <CLI/CLI.hpp>

namespace qabot::app {
void add_index_command(CLI::App& app);
}
