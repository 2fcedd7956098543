#include "server/reloader.hpp"

#include <chrono>
#include <exception>
#include <system_error>

#include <spdlog/spdlog.h>

namespace qabot::server {
namespace fs = std::filesystem;

Reloader::Reloader(AnswerPool& pool, Metrics& metrics, Rebuild rebuild)
    : pool_(pool), metrics_(metrics), rebuild_(std::move(rebuild)), thread_([this] { loop(); }) {}

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
    {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [this] { return stopping_ || pending_; });
      if (stopping_) return;
      pending_ = false;
    }
    reload_once();
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
    fs::copy_file(pool_.db(), tmp, fs::copy_options::overwrite_existing, ec);
    rebuild_(tmp);
    std::int64_t count = 0;
    {
      // Prove the new index opens before anyone depends on it.
      auto engine = pool_.factory()(tmp);
      count = engine->question_count();
    }
    fs::rename(tmp, pool_.db());  // atomic on one file system; open connections keep the old file
    pool_.reload(count);
    succeeded_.fetch_add(1);
    metrics_.reload(true);
    const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start);
    spdlog::info("re-indexed: {} questions in {} ms", count, ms.count());
  } catch (const std::exception& e) {
    fs::remove(tmp, ec);
    failed_.fetch_add(1);
    metrics_.reload(false);
    spdlog::error("re-index failed, still serving the previous index: {}", e.what());
  }
}

}  // namespace qabot::server
