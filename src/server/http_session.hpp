#pragma once
// One HTTP/1.1 connection: reads a request at a time (header and body limits, a deadline for slow
// clients and idle keep-alive), answers it through HttpRouter — on a worker when it needs
// retrieval — or hands the socket to a WebSocketSession on a valid upgrade of /ws.

#include <memory>
#include <optional>
#include <string>

#include "server/net.hpp"
#include "server/rate_limiter.hpp"
#include "server/session.hpp"
#include "server/shared_state.hpp"

namespace qabot::server {

class HttpSession : public Session, public std::enable_shared_from_this<HttpSession> {
 public:
  // An empty `slot` means the server is full: the session reads one request, answers 503 and closes.
  HttpSession(tcp::socket&& socket, std::shared_ptr<SharedState> state, ConnectionSlot slot);
  ~HttpSession() override;

  void run();
  void begin_shutdown() override;
  void force_close() override;

 private:
  void do_read();
  void on_header(beast::error_code ec, std::size_t bytes);
  void on_read(beast::error_code ec, std::size_t bytes);
  void handle(Request req);
  void upgrade(Request req);
  void send(Response res);
  void on_write(bool keep_alive, beast::error_code ec, std::size_t bytes);
  void do_close();
  void fail(beast::error_code ec, const char* what);

  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  std::string_view route_ = "other";  // the request's route label for /metrics (Metrics::kRoutes)
  std::shared_ptr<SharedState> state_;
  ConnectionSlot slot_;
  RateLimiter limiter_;
  std::optional<http::request_parser<http::string_body>> parser_;
  std::shared_ptr<Response> response_;  // kept alive while it is written
  bool reading_ = false;
  bool draining_ = false;
  bool upgraded_ = false;
};

}  // namespace qabot::server
