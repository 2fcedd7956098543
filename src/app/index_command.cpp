#include "app/index_command.hpp"

#include <cstdio>
#include <filesystem>
#include <iostream>

#include "store/index_builder.hpp"

namespace qabot::app {

namespace {
struct IndexOptions {
  std::vector<std::filesystem::path> paths{"data"};
  std::filesystem::path db = "qabot.db";
  bool quiet = false;
};
}  // namespace

void add_index_command(CLI::App& app) {
  auto options = std::make_shared<IndexOptions>();
  auto* cmd = app.add_subcommand("index", "Build the question bank from markdown notes");
  cmd->add_option("paths", options->paths, "Note files or directories (recursive; .md/.markdown)")
      ->capture_default_str();
  cmd->add_option("--db", options->db, "Index file to write")->capture_default_str();
  cmd->add_flag("-q,--quiet", options->quiet, "Print only errors");
  cmd->callback([options] {
    for (const auto& p : options->paths)
      if (!std::filesystem::exists(p)) throw CLI::ValidationError("index", "no such file or directory: " + p.string());
    auto report = store::IndexBuilder(options->db).build(options->paths);
    for (const auto& e : report.errors) std::cerr << "error: " << e.path << ": " << e.message << "\n";
    for (const auto& w : report.warnings) std::cerr << "warning: " << w.path << ": " << w.message << "\n";
    if (!options->quiet) {
      const double mb = static_cast<double>(report.bytes) / 1e6;
      std::printf("indexed %zu questions (%zu unanswered) from %zu files into %s: %zu parsed, %zu unchanged, %zu removed, "
                  "%zu failed; %.2f MB in %.2f s\n",
                  report.questions, report.unanswered, report.files, options->db.c_str(), report.parsed, report.reused,
                  report.removed, report.errors.size(), mb, report.seconds);
    }
    // Partial success is still success for the files that parsed, but the caller must know.
    if (!report.errors.empty()) throw CLI::RuntimeError(2);
  });
}

}  // namespace qabot::app
