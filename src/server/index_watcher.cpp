#include "server/index_watcher.hpp"

#include <sys/inotify.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <system_error>

#include <spdlog/spdlog.h>

namespace qabot::server {
namespace fs = std::filesystem;
namespace {

constexpr std::uint32_t kDirMask = IN_CREATE | IN_CLOSE_WRITE | IN_MODIFY | IN_DELETE | IN_MOVED_FROM | IN_MOVED_TO |
                                   IN_DELETE_SELF | IN_MOVE_SELF | IN_ATTRIB;

bool editor_noise(const std::string& name) {
  auto ends_with = [&name](std::string_view s) { return name.size() >= s.size() && name.ends_with(s); };
  return name.empty() || name.front() == '.' || name.front() == '#' || ends_with("~") || ends_with(".swp") ||
         ends_with(".swx") || ends_with(".tmp") || name == "4913" || ends_with("-journal") || ends_with("-wal") ||
         ends_with("-shm");
}

}  // namespace

IndexWatcher::IndexWatcher(net::io_context& ioc, const std::vector<fs::path>& paths, std::vector<fs::path> ignore,
                           std::chrono::milliseconds debounce, std::function<void()> on_change)
    : descriptor_(net::make_strand(ioc)),
      debounce_timer_(descriptor_.get_executor()),
      debounce_(debounce),
      on_change_(std::move(on_change)) {
  for (auto& p : ignore) ignore_.push_back(fs::weakly_canonical(p));
  fd_ = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
  if (fd_ < 0) throw std::runtime_error(std::string("inotify_init1: ") + std::strerror(errno));
  descriptor_.assign(fd_);
  for (const auto& p : paths) {
    std::error_code ec;
    if (fs::is_directory(p, ec)) {
      add_directory(p, true, "");
    } else if (fs::exists(p, ec)) {
      const fs::path parent = p.has_parent_path() ? p.parent_path() : fs::path(".");
      add_directory(parent, false, p.filename().string());
    } else {
      throw std::runtime_error("--watch: no such file or directory: " + p.string());
    }
  }
}

IndexWatcher::~IndexWatcher() = default;  // the descriptor closes the inotify fd

void IndexWatcher::add_directory(const fs::path& dir, bool recursive, const std::string& only_file) {
  const int wd = inotify_add_watch(fd_, dir.c_str(), kDirMask);
  if (wd < 0) {
    // A directory that vanished between listing and watching is not an error.
    if (errno == ENOENT) return;
    throw std::runtime_error("--watch: cannot watch " + dir.string() + ": " + std::strerror(errno));
  }
  Watch& w = watches_[wd];
  w.dir = dir;
  w.recursive = w.recursive || recursive;
  if (only_file.empty()) {
    w.all = true;
  } else {
    w.only.insert(only_file);
  }
  if (!recursive) return;
  std::error_code ec;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    if (it->is_directory(ec) && !it->is_symlink(ec) && !editor_noise(it->path().filename().string())) {
      add_directory(it->path(), true, "");
    }
  }
}

void IndexWatcher::run() {
  net::dispatch(descriptor_.get_executor(), [self = shared_from_this()] { self->do_wait(); });
}

void IndexWatcher::stop() {
  net::post(descriptor_.get_executor(), [self = shared_from_this()] {
    beast::error_code ec;
    self->debounce_timer_.cancel();
    self->descriptor_.close(ec);
  });
}

void IndexWatcher::do_wait() {
  if (!descriptor_.is_open()) return;
  descriptor_.async_wait(net::posix::stream_descriptor::wait_read,
                         beast::bind_front_handler(&IndexWatcher::on_readable, shared_from_this()));
}

bool IndexWatcher::interesting(const Watch& w, const std::string& name) const {
  if (!w.all && !w.only.contains(name)) return false;
  if (editor_noise(name)) return false;
  const fs::path full = fs::weakly_canonical(w.dir / name);
  for (const auto& ig : ignore_) {
    if (full == ig) return false;
  }
  const std::string n = full.filename().string();
  for (const auto& ig : ignore_) {
    if (n.starts_with(ig.filename().string())) return false;  // the index's own side files
  }
  return true;
}

void IndexWatcher::on_readable(beast::error_code ec) {
  if (ec) return;  // closed by stop()
  alignas(inotify_event) char buf[16 * 1024];
  bool changed = false;
  for (;;) {
    const ssize_t n = ::read(fd_, buf, sizeof buf);
    if (n <= 0) break;
    for (char* p = buf; p < buf + n;) {
      const auto* ev = reinterpret_cast<const inotify_event*>(p);
      p += sizeof(inotify_event) + ev->len;
      if (ev->mask & IN_Q_OVERFLOW) {
        changed = true;
        continue;
      }
      const auto it = watches_.find(ev->wd);
      if (it == watches_.end()) continue;
      if (ev->mask & IN_IGNORED) {
        watches_.erase(it);
        continue;
      }
      const std::string name = ev->len ? std::string(ev->name) : std::string();
      if (name.empty()) {
        changed = changed || (ev->mask & (IN_DELETE_SELF | IN_MOVE_SELF));
        continue;
      }
      if (!interesting(it->second, name)) continue;
      if ((ev->mask & IN_ISDIR) && (ev->mask & (IN_CREATE | IN_MOVED_TO)) && it->second.recursive) {
        const fs::path sub = it->second.dir / name;
        try {
          add_directory(sub, true, "");
        } catch (const std::exception& e) {
          spdlog::warn("{}", e.what());
        }
      }
      spdlog::debug("watch: {} changed", (it->second.dir / name).string());
      changed = true;
    }
  }
  if (changed) {
    debounce_timer_.expires_after(debounce_);
    debounce_timer_.async_wait([self = shared_from_this()](beast::error_code wait_ec) {
      if (!wait_ec && self->on_change_) self->on_change_();
    });
  }
  do_wait();
}

}  // namespace qabot::server
