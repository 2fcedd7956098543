#pragma once
// Accepts TCP connections; each gets its own strand and an HttpSession (which upgrades to a
// WebSocketSession on /ws). Connections over --max-connections still get a session that answers 503.

#include <memory>

#include "server/net.hpp"
#include "server/shared_state.hpp"

namespace qabot::server {

class Listener : public std::enable_shared_from_this<Listener> {
 public:
  // Binds and listens; throws std::runtime_error naming the address when that fails.
  Listener(net::io_context& ioc, const tcp::endpoint& endpoint, std::shared_ptr<SharedState> state);

  void run();
  void stop();  // thread-safe: no more connections are accepted
  tcp::endpoint local_endpoint() const { return local_; }

 private:
  void do_accept();
  void on_accept(beast::error_code ec, tcp::socket socket);

  net::io_context& ioc_;
  tcp::acceptor acceptor_;
  std::shared_ptr<SharedState> state_;
  tcp::endpoint local_;
  net::steady_timer backoff_;
};

}  // namespace qabot::server
