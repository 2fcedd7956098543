#include "server/process_stats.hpp"

#include <unistd.h>

#include <exception>
#include <filesystem>
#include <limits>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <fmt/format.h>

namespace qabot::server {
namespace {

// The fields of /proc/self/stat after the command name, which may itself hold spaces and parentheses
// (proc(5)): everything after the last ')'. Index 0 is field 3 (state).
std::vector<std::string> stat_fields() {
  std::ifstream in("/proc/self/stat");
  std::string line;
  if (!std::getline(in, line)) return {};
  const auto close = line.rfind(')');
  if (close == std::string::npos) return {};
  std::istringstream rest(line.substr(close + 1));
  std::vector<std::string> fields;
  for (std::string f; rest >> f;) fields.push_back(f);
  return fields;
}

// Field N of proc(5) (1-based, as the manual numbers them) from stat_fields().
std::optional<double> stat_field(const std::vector<std::string>& fields, std::size_t n) {
  if (n < 3 || n - 3 >= fields.size()) return std::nullopt;
  try {
    return std::stod(fields[n - 3]);
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

std::optional<double> boot_time() {
  std::ifstream in("/proc/stat");
  for (std::string key; in >> key;) {
    if (key == "btime") {
      double t = 0;
      if (in >> t) return t;
      return std::nullopt;
    }
    in.ignore(std::numeric_limits<std::streamsize>::max(), '\n');
  }
  return std::nullopt;
}

std::optional<double> count_open_fds() {
  std::error_code ec;
  double n = 0;
  for (std::filesystem::directory_iterator it("/proc/self/fd", ec), end; !ec && it != end; it.increment(ec)) ++n;
  if (ec) return std::nullopt;
  return n > 0 ? n - 1 : n;  // the iterator's own descriptor
}

}  // namespace

ProcessStats ProcessStats::read() {
  ProcessStats s;
  const double ticks = static_cast<double>(sysconf(_SC_CLK_TCK));
  const double page = static_cast<double>(sysconf(_SC_PAGESIZE));
  const auto fields = stat_fields();
  // proc(5): 14 utime, 15 stime, 22 starttime (clock ticks since boot), 24 rss (pages).
  const auto utime = stat_field(fields, 14);
  const auto stime = stat_field(fields, 15);
  if (utime && stime && ticks > 0) s.cpu_seconds = (*utime + *stime) / ticks;
  if (const auto rss = stat_field(fields, 24); rss && page > 0) s.resident_bytes = *rss * page;
  const auto start = stat_field(fields, 22);
  const auto boot = boot_time();
  if (start && boot && ticks > 0) s.start_time_unix = *boot + *start / ticks;
  s.open_fds = count_open_fds();
  return s;
}

std::string ProcessStats::prometheus_text() const {
  std::string out;
  const auto write = [&out](const char* name, const char* type, const char* help, const std::optional<double>& v) {
    if (!v) return;
    out += fmt::format("# HELP {} {}\n# TYPE {} {}\n{} {}\n", name, help, name, type, name, *v);
  };
  write("process_resident_memory_bytes", "gauge", "Resident memory size in bytes.", resident_bytes);
  write("process_cpu_seconds_total", "counter", "Total user and system CPU time spent in seconds.", cpu_seconds);
  write("process_open_fds", "gauge", "Number of open file descriptors.", open_fds);
  write("process_start_time_seconds", "gauge", "Start time of the process since unix epoch in seconds.",
        start_time_unix);
  return out;
}

}  // namespace qabot::server
