#include "app/index_command.hpp"

#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <filesystem>
#include <iostream>

#include "store/index_builder.hpp"

namespace qabot::app {

namespace {
struct IndexOptions {
  std::vector<std::filesystem::path> paths{"data"};
  std::filesystem::path db = "qabot.db";
  bool quiet = false;
  std::filesystem::path report;  // --report FILE
};
}  // namespace

namespace {

// A progress bar on a terminal, once a build has taken longer than kProgressAfter: small banks
// index in well under that and print nothing but the summary.
class ProgressBar {
 public:
  static constexpr auto kProgressAfter = std::chrono::seconds(2);
  ProgressBar() : on_(::isatty(STDERR_FILENO) == 1) {}
  void operator()(std::size_t done, std::size_t total) {
    if (!on_ || total == 0 || std::chrono::steady_clock::now() - started_ < kProgressAfter) return;
    constexpr int kWidth = 30;
    const int filled = static_cast<int>(kWidth * done / total);
    std::fprintf(stderr, "\r[%s%s] %zu/%zu files", std::string(static_cast<std::size_t>(filled), '#').c_str(),
                 std::string(static_cast<std::size_t>(kWidth - filled), ' ').c_str(), done, total);
    drawn_ = true;
  }
  ~ProgressBar() {
    if (drawn_) std::fputs("\n", stderr);
  }

 private:
  bool on_;
  bool drawn_ = false;
  std::chrono::steady_clock::time_point started_ = std::chrono::steady_clock::now();
};

void print_coverage(const store::IndexReport& report) {
  std::size_t skipped = 0;
  for (const auto& f : report.coverage) {
    if (f.status == "failed") std::cerr << "failed:  " << f.path << ": " << f.reason << "\n";
    if (f.status == "skipped") {
      ++skipped;
      std::cerr << "skipped: " << f.path << ": " << f.reason << "\n";
    }
  }
  std::printf(
      "files: %zu parsed, %zu unchanged, %zu skipped, %zu failed; %zu questions shown with their parent heading\n",
      report.parsed - skipped, report.reused, skipped, report.errors.size(), report.headings_with_context);
}

}  // namespace

void add_index_command(CLI::App& app) {
  auto options = std::make_shared<IndexOptions>();
  auto* cmd = app.add_subcommand("index", "Build the question bank from markdown notes");
  cmd->add_option("paths", options->paths, "Note files or directories (recursive; .md/.markdown)")
      ->capture_default_str();
  cmd->add_option("--db", options->db, "Index file to write")->capture_default_str();
  cmd->add_option("--report", options->report,
                  "Also write the coverage report as JSON: {\"files\": [{\"path\", \"status\", \"questions\", "
                  "\"reason\"?}], \"totals\": {…}}");
  cmd->add_flag("-q,--quiet", options->quiet, "Print only errors");
  cmd->callback([options] {
    for (const auto& p : options->paths)
      if (!std::filesystem::exists(p)) throw CLI::ValidationError("index", "no such file or directory: " + p.string());
    store::IndexReport report;
    {
      ProgressBar bar;
      report = store::IndexBuilder(options->db).build(options->paths, [&](std::size_t done, std::size_t total) {
        if (!options->quiet) bar(done, total);
      });
    }
    for (const auto& w : report.warnings) std::cerr << "warning: " << w.path << ": " << w.message << "\n";
    if (!options->quiet) {
      print_coverage(report);
      const double mb = static_cast<double>(report.bytes) / 1e6;
      std::printf(
          "indexed %zu questions (%zu unanswered) from %zu files into %s: %zu parsed, %zu unchanged, %zu removed, "
          "%zu failed; %.2f MB in %.2f s\n",
          report.questions, report.unanswered, report.files, options->db.c_str(), report.parsed, report.reused,
          report.removed, report.errors.size(), mb, report.seconds);
    } else {
      for (const auto& e : report.errors) std::cerr << "error: " << e.path << ": " << e.message << "\n";
    }
    if (!options->report.empty()) {
      std::ofstream out(options->report);
      out << store::coverage_json(report) << "\n";
      if (!out) throw std::runtime_error("cannot write the report to " + options->report.string());
    }
    // Partial success is still success for the files that parsed, but the caller must know.
    if (!report.errors.empty()) throw CLI::RuntimeError(2);
  });
}

}  // namespace qabot::app
