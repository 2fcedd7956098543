// qabot: a chat assistant over your own interview notes. This file only wires subcommands together.

#include <CLI/CLI.hpp>
#include <csignal>
#include <exception>
#include <iostream>

#include "app/ask_command.hpp"
#include "app/chat_command.hpp"
#include "app/gaps_command.hpp"
#include "app/index_command.hpp"
#include "app/serve_command.hpp"
#include "qabot/version.hpp"

int main(int argc, char** argv) {
  // Over a file size limit (ulimit -f) the kernel kills a writer with SIGXFSZ by default. Ignored,
  // the write fails with EFBIG instead, and indexing reports "disk full" and keeps the old index.
  std::signal(SIGXFSZ, SIG_IGN);
  CLI::App app{"qabot — ask your interview notes"};
  app.require_subcommand(1);
  app.set_version_flag("--version", std::string("qabot ") + qabot::kVersion);
  qabot::app::add_index_command(app);
  qabot::app::add_ask_command(app);
  qabot::app::add_serve_command(app);
  qabot::app::add_chat_command(app);
  qabot::app::add_gaps_command(app);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  } catch (const std::exception& e) {
    std::cerr << "qabot: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
