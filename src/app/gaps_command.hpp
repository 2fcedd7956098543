#pragma once
// `qabot gaps`: what people asked that the notes do not answer, from the local
// gaps log, grouped.
#include <CLI/CLI.hpp>

namespace qabot::app {
void add_gaps_command(CLI::App& app);
}
