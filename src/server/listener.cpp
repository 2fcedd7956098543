#include "server/listener.hpp"

#include <stdexcept>

#include <spdlog/spdlog.h>

#include "server/http_session.hpp"

namespace qabot::server {
namespace {

[[noreturn]] void bind_failed(const tcp::endpoint& endpoint, const char* what, const beast::error_code& ec) {
  throw std::runtime_error("cannot listen on " + endpoint.address().to_string() + ":" +
                           std::to_string(endpoint.port()) + ": " + what + ": " + ec.message());
}

}  // namespace

Listener::Listener(net::io_context& ioc, const tcp::endpoint& endpoint, std::shared_ptr<SharedState> state)
    : ioc_(ioc), acceptor_(net::make_strand(ioc)), state_(std::move(state)), backoff_(acceptor_.get_executor()) {
  beast::error_code ec;
  acceptor_.open(endpoint.protocol(), ec);
  if (ec) bind_failed(endpoint, "open", ec);
  acceptor_.set_option(net::socket_base::reuse_address(true), ec);
  if (ec) bind_failed(endpoint, "set_option", ec);
  acceptor_.bind(endpoint, ec);
  if (ec) bind_failed(endpoint, "bind", ec);
  acceptor_.listen(net::socket_base::max_listen_connections, ec);
  if (ec) bind_failed(endpoint, "listen", ec);
  local_ = acceptor_.local_endpoint();
}

void Listener::run() {
  net::dispatch(acceptor_.get_executor(), beast::bind_front_handler(&Listener::do_accept, shared_from_this()));
}

void Listener::stop() {
  net::post(acceptor_.get_executor(), [self = shared_from_this()] {
    beast::error_code ec;
    self->acceptor_.close(ec);
    self->backoff_.cancel();
  });
}

void Listener::do_accept() {
  if (!acceptor_.is_open()) return;
  acceptor_.async_accept(net::make_strand(ioc_), beast::bind_front_handler(&Listener::on_accept, shared_from_this()));
}

void Listener::on_accept(beast::error_code ec, tcp::socket socket) {
  if (ec == net::error::operation_aborted || !acceptor_.is_open()) return;
  if (ec) {
    // Typically EMFILE: wait a little instead of spinning on a full file table.
    spdlog::warn("accept: {}", ec.message());
    backoff_.expires_after(std::chrono::milliseconds(100));
    backoff_.async_wait([self = shared_from_this()](beast::error_code wait_ec) {
      if (!wait_ec) self->do_accept();
    });
    return;
  }
  // Deltas are small writes that must leave at once: Nagle plus delayed ACKs would hold each ~40 ms.
  beast::error_code opt_ec;
  socket.set_option(tcp::no_delay(true), opt_ec);
  std::make_shared<HttpSession>(std::move(socket), state_, state_->try_open_connection())->run();
  do_accept();
}

}  // namespace qabot::server
