#pragma once
// --watch: inotify on the notes (directories recursively, single files through their directory so
// that editors that save by rename are seen), debounced, on the io_context. Calls `on_change` once a
// burst of events has been quiet for `debounce`.

#include <chrono>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "server/net.hpp"

namespace qabot::server {

class IndexWatcher : public std::enable_shared_from_this<IndexWatcher> {
 public:
  // Throws std::runtime_error when inotify is unavailable or a path cannot be watched. `ignore` lists
  // files whose changes are not note changes (the index itself, its temporary file).
  IndexWatcher(net::io_context& ioc, const std::vector<std::filesystem::path>& paths,
               std::vector<std::filesystem::path> ignore, std::chrono::milliseconds debounce,
               std::function<void()> on_change);
  ~IndexWatcher();

  void run();
  void stop();  // thread-safe

 private:
  struct Watch {
    std::filesystem::path dir;
    bool recursive = false;
    bool all = false;                      // every entry matters, else only those in `only`
    std::unordered_set<std::string> only;  // single files given on the command line
  };

  void add_directory(const std::filesystem::path& dir, bool recursive, const std::string& only_file);
  void do_wait();
  void on_readable(beast::error_code ec);
  bool interesting(const Watch& w, const std::string& name) const;

  int fd_ = -1;
  net::posix::stream_descriptor descriptor_;
  net::steady_timer debounce_timer_;
  std::chrono::milliseconds debounce_;
  std::function<void()> on_change_;
  std::vector<std::filesystem::path> ignore_;
  std::unordered_map<int, Watch> watches_;
};

}  // namespace qabot::server
