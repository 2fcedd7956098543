// qabot: a chat assistant over your own interview notes. This file only wires subcommands together.

#include <CLI/CLI.hpp>
#include <exception>
#include <iostream>

#include "app/ask_command.hpp"
#include "app/chat_command.hpp"
#include "app/index_command.hpp"
#include "app/serve_command.hpp"

int main(int argc, char** argv) {
  CLI::App app{"qabot — ask your interview notes"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "qabot 0.1.0");
  qabot::app::add_index_command(app);
  qabot::app::add_ask_command(app);
  qabot::app::add_serve_command(app);
  qabot::app::add_chat_command(app);
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
