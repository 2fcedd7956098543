// The transport's ceiling: a minimal Beast WebSocket echo server built the way `qabot serve` is built
// (src/server): io threads = cores on one io_context, a strand per accepted socket, the upgrade
// request read by an HTTP parser first, TCP_NODELAY, the server's suggested timeouts, a continuous
// read loop that copies each message out, and one write in flight with a queue behind it. It sends a
// `hello` on accept like qabot does, then echoes every text frame. Whatever qabot measures below this
// is the cost of parsing, retrieval, JSON and the worker hop.
//
//   echo_server --port 8081 [--threads N]

#include <CLI/CLI.hpp>
#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>

#include <sys/resource.h>

#include <algorithm>
#include <csignal>
#include <deque>
#include <iostream>
#include <memory>
#include <string>
#include <thread>
#include <vector>

namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
namespace net = boost::asio;
using tcp = net::ip::tcp;

namespace {

class EchoSession : public std::enable_shared_from_this<EchoSession> {
 public:
  explicit EchoSession(tcp::socket&& socket) : ws_(std::move(socket)) {}

  void run(http::request<http::string_body> req) {
    ws_.set_option(websocket::stream_base::timeout::suggested(beast::role_type::server));
    ws_.read_message_max(64 * 1024);
    ws_.text(true);
    ws_.async_accept(req, beast::bind_front_handler(&EchoSession::on_accept, shared_from_this()));
  }

 private:
  void on_accept(beast::error_code ec) {
    if (ec) return;
    send(R"({"type":"hello","protocol":1,"questions":0})");
    do_read();
  }

  void do_read() { ws_.async_read(buffer_, beast::bind_front_handler(&EchoSession::on_read, shared_from_this())); }

  void on_read(beast::error_code ec, std::size_t) {
    if (ec) return;
    send(beast::buffers_to_string(buffer_.data()));
    buffer_.consume(buffer_.size());
    do_read();
  }

  void send(std::string text) {
    if (queue_.size() >= 1024) {  // a client that stops reading: drop it, as qabot does
      beast::error_code ec;
      beast::get_lowest_layer(ws_).socket().close(ec);
      return;
    }
    queue_.push_back(std::move(text));
    if (!writing_) do_write();
  }

  void do_write() {
    writing_ = true;
    ws_.async_write(net::buffer(queue_.front()), beast::bind_front_handler(&EchoSession::on_write, shared_from_this()));
  }

  void on_write(beast::error_code ec, std::size_t) {
    writing_ = false;
    if (ec) return;
    queue_.pop_front();
    if (!queue_.empty()) do_write();
  }

  websocket::stream<beast::tcp_stream> ws_;
  beast::flat_buffer buffer_;
  std::deque<std::string> queue_;
  bool writing_ = false;
};

class HttpSession : public std::enable_shared_from_this<HttpSession> {
 public:
  explicit HttpSession(tcp::socket&& socket) : stream_(std::move(socket)) {}

  void run() {
    net::dispatch(stream_.get_executor(), [self = shared_from_this()] {
      self->stream_.expires_after(std::chrono::seconds(30));
      http::async_read(self->stream_, self->buffer_, self->req_,
                       beast::bind_front_handler(&HttpSession::on_read, self));
    });
  }

 private:
  void on_read(beast::error_code ec, std::size_t) {
    if (ec) return;
    if (!websocket::is_upgrade(req_)) {
      auto res = std::make_shared<http::response<http::string_body>>(http::status::ok, req_.version());
      res->set(http::field::content_type, "application/json");
      res->body() = R"({"status":"ok"})";
      res->prepare_payload();
      http::async_write(stream_, *res, [self = shared_from_this(), res](beast::error_code, std::size_t) {
        beast::error_code ignored;
        self->stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
      });
      return;
    }
    stream_.expires_never();
    std::make_shared<EchoSession>(stream_.release_socket())->run(std::move(req_));
  }

  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  http::request<http::string_body> req_;
};

class Listener : public std::enable_shared_from_this<Listener> {
 public:
  Listener(net::io_context& ioc, const tcp::endpoint& endpoint) : ioc_(ioc), acceptor_(net::make_strand(ioc)) {
    acceptor_.open(endpoint.protocol());
    acceptor_.set_option(net::socket_base::reuse_address(true));
    acceptor_.bind(endpoint);
    acceptor_.listen(net::socket_base::max_listen_connections);
  }

  void run() { do_accept(); }

 private:
  void do_accept() {
    acceptor_.async_accept(net::make_strand(ioc_), beast::bind_front_handler(&Listener::on_accept, shared_from_this()));
  }

  void on_accept(beast::error_code ec, tcp::socket socket) {
    if (!ec) {
      beast::error_code opt_ec;
      socket.set_option(tcp::no_delay(true), opt_ec);
      std::make_shared<HttpSession>(std::move(socket))->run();
    }
    do_accept();
  }

  net::io_context& ioc_;
  tcp::acceptor acceptor_;
};

}  // namespace

int main(int argc, char** argv) {
  std::string host = "127.0.0.1";
  unsigned short port = 8081;
  std::size_t threads = 0;
  CLI::App app{"WebSocket echo server with qabot's threading model (the transport's ceiling)"};
  app.add_option("--host", host, "Address to bind")->capture_default_str();
  app.add_option("--port", port, "Port")->capture_default_str();
  app.add_option("--threads", threads, "io threads (default: one per core)");
  CLI11_PARSE(app, argc, argv);
  if (threads == 0) threads = std::max(1u, std::thread::hardware_concurrency());

  rlimit rl{};
  if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
    rl.rlim_cur = rl.rlim_max;
    setrlimit(RLIMIT_NOFILE, &rl);
  }
  try {
    net::io_context ioc(static_cast<int>(threads));
    std::make_shared<Listener>(ioc, tcp::endpoint(net::ip::make_address(host), port))->run();
    net::signal_set signals(ioc, SIGINT, SIGTERM);
    signals.async_wait([&ioc](beast::error_code, int) { ioc.stop(); });
    std::cout << "echo on ws://" << host << ":" << port << "/ (" << threads << " io threads)" << std::endl;
    std::vector<std::thread> pool;
    for (std::size_t i = 1; i < threads; ++i) pool.emplace_back([&ioc] { ioc.run(); });
    ioc.run();
    for (auto& t : pool) t.join();
  } catch (const std::exception& e) {
    std::cerr << "echo_server: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
