#pragma once
// What every connection shares: configuration, the worker pool, the router, metrics, the registry
// of live sessions (for draining) and the connection count (for --max-connections).

#include <atomic>
#include <cstddef>
#include <functional>
#include <memory>
#include <mutex>
#include <unordered_map>

#include "server/answer_pool.hpp"
#include "server/ask_service.hpp"
#include "server/http_router.hpp"
#include "server/metrics.hpp"
#include "server/origin_policy.hpp"
#include "server/server_config.hpp"
#include "server/session.hpp"

namespace qabot::server {

class SharedState;

// One open socket counted against --max-connections; moves from the HTTP session to the WebSocket
// session on upgrade and gives the place back when destroyed.
class ConnectionSlot {
 public:
  ConnectionSlot() = default;
  explicit ConnectionSlot(std::shared_ptr<SharedState> state) : state_(std::move(state)) {}
  ConnectionSlot(ConnectionSlot&&) noexcept = default;
  ConnectionSlot& operator=(ConnectionSlot&& other) noexcept;
  ConnectionSlot(const ConnectionSlot&) = delete;
  ConnectionSlot& operator=(const ConnectionSlot&) = delete;
  ~ConnectionSlot();
  explicit operator bool() const { return state_ != nullptr; }

 private:
  std::shared_ptr<SharedState> state_;
};

class SharedState : public std::enable_shared_from_this<SharedState> {
 public:
  SharedState(ServerConfig config, AnswerPool& pool);

  const ServerConfig& config() const { return config_; }
  AnswerPool& pool() { return pool_; }
  Metrics& metrics() { return metrics_; }
  const GapRecorder& gaps() const { return *gaps_; }
  const QuizService& quiz() const { return *quiz_; }
  const AskService& asks() const { return *asks_; }
  const HttpRouter& router() const { return router_; }
  const OriginPolicy& origins() const { return origins_; }
  std::int64_t question_count() const { return pool_.question_count(); }

  // An empty slot when the server is full.
  ConnectionSlot try_open_connection();
  std::size_t open_connections() const { return open_.load(); }

  void join(Session* key, std::weak_ptr<Session> session);
  void leave(Session* key);
  std::size_t session_count() const;

  bool draining() const { return draining_.load(); }
  // Marks the server as draining and asks every session to finish; `on_empty` runs (on the thread of
  // the last leave, or at once) when no session is left.
  void begin_drain(std::function<void()> on_empty);
  void force_close_all();

 private:
  friend class ConnectionSlot;
  void release_connection() { open_.fetch_sub(1); }
  std::vector<std::shared_ptr<Session>> live_sessions();

  ServerConfig config_;
  AnswerPool& pool_;
  std::shared_ptr<const GapRecorder> gaps_;  // before router_, which shares them
  std::shared_ptr<const QuizService> quiz_;
  Metrics metrics_;
  std::shared_ptr<const AskService> asks_;  // over gaps_, quiz_, metrics_ and the pool; before router_
  HttpRouter router_;
  OriginPolicy origins_;
  std::atomic<std::size_t> open_{0};
  std::atomic<bool> draining_{false};

  mutable std::mutex mutex_;
  std::unordered_map<Session*, std::weak_ptr<Session>> sessions_;
  std::function<void()> on_empty_;
};

}  // namespace qabot::server
