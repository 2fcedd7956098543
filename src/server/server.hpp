#pragma once
// `qabot serve`: owns the io_context and its threads, the worker pool, the shared state, the
// listener, the --watch machinery and graceful shutdown (SIGINT/SIGTERM: stop accepting, let asks
// in flight finish within drain_timeout, close WebSockets with 1001).

#include <atomic>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "server/answer_pool.hpp"
#include "server/net.hpp"
#include "server/server_config.hpp"

namespace qabot::server {

class FollowUpSender;
class IndexWatcher;
class Listener;
class Metrics;
class Reloader;
class SharedState;

class Server {
 public:
  // Opens the index and binds; throws std::runtime_error with a clear message when either fails.
  explicit Server(ServerConfig config);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  void start();     // io threads, listener, watcher, signals
  void shutdown();  // graceful; thread-safe, idempotent, returns at once
  void wait();      // until every thread has stopped
  int run();        // start(), then wait() for a signal-triggered shutdown

  unsigned short port() const;
  std::string url() const;  // "http://127.0.0.1:PORT/"
  void reload();            // re-index now, as --watch does on a change
  Metrics& metrics();
  // The built-in Slack follow-up delivery; null when Slack is off or slack_follow_up was given.
  FollowUpSender* follow_up_sender() const { return follow_ups_.get(); }
  const Reloader* reloader() const { return reloader_.get(); }

 private:
  void finish_drain();

  ServerConfig config_;
  net::io_context ioc_;
  // After ioc_: destroyed before it (its timers belong to ioc_).
  std::shared_ptr<FollowUpSender> follow_ups_;
  std::unique_ptr<AnswerPool> pool_;
  std::shared_ptr<SharedState> state_;
  std::shared_ptr<Listener> listener_;
  std::unique_ptr<Reloader> reloader_;
  std::shared_ptr<IndexWatcher> watcher_;        // the notes (--watch with --notes)
  std::shared_ptr<IndexWatcher> index_watcher_;  // the index file (--watch)
  net::strand<net::io_context::executor_type> control_;
  net::signal_set signals_;
  net::steady_timer drain_timer_;
  std::vector<std::thread> threads_;
  std::atomic<bool> started_{false};
  std::atomic<bool> shutting_down_{false};
  std::mutex wait_mutex_;
};

}  // namespace qabot::server
