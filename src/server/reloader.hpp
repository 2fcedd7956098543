#pragma once
// Re-indexes in a background thread and swaps the index atomically: the new index is written next
// to the old one, opened once to prove it works, renamed over the old file, and only then are the
// workers told to reopen. A failed re-index leaves the old index serving and says why in the log.
//
// It also adopts an index file that someone else put in place (a replica being handed a new index:
// `mv new.db qabot.db`): request_reopen() checks whether the file at db() is a different file than
// the one served (device, inode, size, modification time), opens it once to prove it works and only
// then tells the workers to reopen. Workers keep their open connections to the old file until then,
// so a half-copied or corrupt replacement is refused and the old index keeps serving.

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

  // `rebuild` may be empty: then only request_reopen() does anything.
  Reloader(AnswerPool& pool, Metrics& metrics, Rebuild rebuild);
  ~Reloader();
  Reloader(const Reloader&) = delete;
  Reloader& operator=(const Reloader&) = delete;

  // Thread-safe; requests that arrive while a rebuild runs are folded into one more rebuild.
  void request();
  // Thread-safe: adopt the file now at db() if it is not the one being served.
  void request_reopen();
  void stop();

  std::uint64_t succeeded() const { return succeeded_.load(); }
  std::uint64_t failed() const { return failed_.load(); }
  std::filesystem::path temporary_path() const;

 private:
  void loop();
  void reload_once();
  void reopen_once();

  // What identifies the file at a path: a rename over it or a rewrite changes one of these.
  struct FileIdentity {
    std::uintmax_t device = 0, inode = 0, size = 0;
    std::int64_t mtime_ns = 0;
    bool operator==(const FileIdentity&) const = default;
  };
  static FileIdentity identify(const std::filesystem::path& file);

  AnswerPool& pool_;
  Metrics& metrics_;
  Rebuild rebuild_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool pending_ = false;
  bool pending_reopen_ = false;
  FileIdentity serving_;  // of the file the workers were last told to open; loop thread only
  bool stopping_ = false;
  std::atomic<std::uint64_t> succeeded_{0};
  std::atomic<std::uint64_t> failed_{0};
  std::thread thread_;
};

}  // namespace qabot::server
