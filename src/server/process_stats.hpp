#pragma once
// The process's own figures in Prometheus' standard names (process_resident_memory_bytes,
// process_cpu_seconds_total, process_open_fds, process_start_time_seconds), read from /proc when
// /metrics is scraped. Linux only; a figure that cannot be read is left out, never made up.

#include <optional>
#include <string>

namespace qabot::server {

struct ProcessStats {
  std::optional<double> resident_bytes;
  std::optional<double> cpu_seconds;  // user + system
  std::optional<double> open_fds;
  std::optional<double> start_time_unix;  // seconds since the epoch

  static ProcessStats read();
  // The Prometheus text of the figures that were read (HELP and TYPE included).
  std::string prometheus_text() const;
};

}  // namespace qabot::server
