#include "server/reloader.hpp"

#include <chrono>
#include <exception>
#include <utility>
#include <system_error>

#include <sys/stat.h>

#include <spdlog/spdlog.h>

namespace qabot::server {
namespace fs = std::filesystem;

Reloader::Reloader(AnswerPool& pool, Metrics& metrics, Rebuild rebuild)
    : pool_(pool), metrics_(metrics), rebuild_(std::move(rebuild)), serving_(identify(pool_.db())), thread_([this] {
        loop();
      }) {}

Reloader::~Reloader() { stop(); }

fs::path Reloader::temporary_path() const {
  fs::path tmp = pool_.db();
  tmp += ".reload-tmp";
  return tmp;
}

void Reloader::request() {
  {
    std::lock_guard lock(mutex_);
    pending_ = true;
  }
  wake_.notify_one();
}

void Reloader::request_reopen() {
  {
    std::lock_guard lock(mutex_);
    pending_reopen_ = true;
  }
  wake_.notify_one();
}

Reloader::FileIdentity Reloader::identify(const fs::path& file) {
  struct stat st {};
  if (::stat(file.c_str(), &st) != 0) return {};
  return {static_cast<std::uintmax_t>(st.st_dev), static_cast<std::uintmax_t>(st.st_ino),
          static_cast<std::uintmax_t>(st.st_size),
          static_cast<std::int64_t>(st.st_mtim.tv_sec) * 1'000'000'000 + st.st_mtim.tv_nsec};
}

void Reloader::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_one();
  if (thread_.joinable()) thread_.join();
}

void Reloader::loop() {
  for (;;) {
    bool rebuild = false, reopen = false;
    {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [this] { return stopping_ || pending_ || pending_reopen_; });
      if (stopping_) return;
      rebuild = std::exchange(pending_, false);
      reopen = std::exchange(pending_reopen_, false);
    }
    if (rebuild) reload_once();
    if (reopen) reopen_once();
  }
}

void Reloader::reload_once() {
  const fs::path tmp = temporary_path();
  const auto start = std::chrono::steady_clock::now();
  std::error_code ec;
  try {
    fs::remove(tmp, ec);
    if (!rebuild_) throw std::runtime_error("no index builder configured");
    // Start from a copy of the current index so an incremental builder can reuse unchanged notes.
    // A failed copy (disk full) leaves a partial file the builder would refuse; build from scratch.
    if (!fs::copy_file(pool_.db(), tmp, fs::copy_options::overwrite_existing, ec) || ec) fs::remove(tmp, ec);
    rebuild_(tmp);
    std::int64_t count = 0;
    {
      // Prove the new index opens before anyone depends on it.
      auto engine = pool_.factory()(tmp);
      count = engine->question_count();
    }
    fs::rename(tmp, pool_.db());  // atomic on one file system; open connections keep the old file
    serving_ = identify(pool_.db());
    pool_.reload(count);
    // Log before counting: whoever sees the count in /metrics can then find the reason in the log.
    const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start);
    spdlog::info("re-indexed: {} questions in {} ms", count, ms.count());
    succeeded_.fetch_add(1);
    metrics_.reload(true);
  } catch (const std::exception& e) {
    fs::remove(tmp, ec);
    spdlog::error("re-index failed, still serving the previous index: {}", e.what());
    failed_.fetch_add(1);
    metrics_.reload(false);
  }
}

void Reloader::reopen_once() {
  const FileIdentity now = identify(pool_.db());
  if (now == serving_) return;  // our own rename, or a change already adopted
  if (now == FileIdentity{}) {
    spdlog::warn("index file {} is gone: still serving the open index", pool_.db().string());
    return;
  }
  try {
    std::int64_t count = 0;
    {
      auto engine = pool_.factory()(pool_.db());
      count = engine->question_count();
    }
    serving_ = now;
    pool_.reload(count);
    spdlog::info("index file replaced: now serving {} questions from {}", count, pool_.db().string());
    succeeded_.fetch_add(1);
    metrics_.reload(true);
  } catch (const std::exception& e) {
    // Not adopted: the next change (a good file moved into place) is checked again.
    spdlog::error("index file {} was replaced by one that does not open, still serving the previous index: {}",
                  pool_.db().string(), e.what());
    failed_.fetch_add(1);
    metrics_.reload(false);
  }
}

}  // namespace qabot::server
