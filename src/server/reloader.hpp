#pragma once
// Re-indexes in a background thread and swaps the index atomically: the new index is written next
// to the old one, opened once to prove it works, renamed over the old file, and only then are the
// workers told to reopen. A failed re-index leaves the old index serving and says why in the log.

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <mutex>
#include <thread>

#include "server/answer_pool.hpp"
#include "server/metrics.hpp"

namespace qabot::server {

class Reloader {
 public:
  using Rebuild = std::function<void(const std::filesystem::path& out)>;

  Reloader(AnswerPool& pool, Metrics& metrics, Rebuild rebuild);
  ~Reloader();
  Reloader(const Reloader&) = delete;
  Reloader& operator=(const Reloader&) = delete;

  // Thread-safe; requests that arrive while a rebuild runs are folded into one more rebuild.
  void request();
  void stop();

  std::uint64_t succeeded() const { return succeeded_.load(); }
  std::uint64_t failed() const { return failed_.load(); }
  std::filesystem::path temporary_path() const;

 private:
  void loop();
  void reload_once();

  AnswerPool& pool_;
  Metrics& metrics_;
  Rebuild rebuild_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool pending_ = false;
  bool stopping_ = false;
  std::atomic<std::uint64_t> succeeded_{0};
  std::atomic<std::uint64_t> failed_{0};
  std::thread thread_;
};

}  // namespace qabot::server
