#include "support/tls_test_server.hpp"

#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

namespace qabot::test_support {

namespace beast = boost::beast;
namespace http = boost::beast::http;
namespace net = boost::asio;
using tcp = boost::asio::ip::tcp;

struct TlsTestServer::Connection {
  Connection(tcp::socket&& socket, net::ssl::context& ssl) : stream(std::move(socket), ssl) {}
  beast::ssl_stream<beast::tcp_stream> stream;
  beast::flat_buffer buffer;
  http::request<http::string_body> request;
  http::response<http::string_body> response;
};

TlsTestServer::TlsTestServer(const TestCertificate& certificate, int status, Mode mode)
    : ssl_(net::ssl::context::tls_server),
      acceptor_(ioc_, tcp::endpoint(net::ip::make_address("127.0.0.1"), 0)),
      status_(status),
      mode_(mode) {
  ssl_.use_certificate_chain(net::buffer(certificate.certificate_pem()));
  ssl_.use_private_key(net::buffer(certificate.private_key_pem()), net::ssl::context::pem);
  port_ = acceptor_.local_endpoint().port();
  accept();
  thread_ = std::thread([this] { ioc_.run(); });
}

TlsTestServer::~TlsTestServer() {
  ioc_.stop();
  thread_.join();
}

void TlsTestServer::accept() {
  acceptor_.async_accept([this](beast::error_code ec, tcp::socket socket) {
    if (ec) return;
    {
      std::lock_guard lock(mutex_);
      ++connections_;
    }
    changed_.notify_all();
    if (mode_ == Mode::Hold) held_.push_back(std::make_shared<tcp::socket>(std::move(socket)));
    else serve(std::make_shared<Connection>(std::move(socket), ssl_));
    accept();
  });
}

void TlsTestServer::serve(std::shared_ptr<Connection> c) {
  beast::get_lowest_layer(c->stream).expires_after(std::chrono::seconds(10));
  c->stream.async_handshake(net::ssl::stream_base::server, [this, c](beast::error_code ec) {
    if (ec) {
      {
        std::lock_guard lock(mutex_);
        ++failed_handshakes_;
      }
      changed_.notify_all();
      return;
    }
    http::async_read(c->stream, c->buffer, c->request, [this, c](beast::error_code ec, std::size_t) {
      if (ec) return;
      {
        std::lock_guard lock(mutex_);
        received_.push_back({std::string(c->request.method_string()), std::string(c->request.target()),
                             std::string(c->request[http::field::host]),
                             std::string(c->request[http::field::content_type]), c->request.body()});
      }
      changed_.notify_all();
      c->response = http::response<http::string_body>(static_cast<http::status>(status_), 11);
      c->response.set(http::field::content_type, "text/plain");
      c->response.body() = status_ == 200 ? "ok" : "expired_url";
      c->response.prepare_payload();
      http::async_write(c->stream, c->response, [c](beast::error_code ec, std::size_t) {
        if (ec) return;
        c->stream.async_shutdown([c](beast::error_code) {});
      });
    });
  });
}

std::vector<TlsTestServer::Received> TlsTestServer::wait_for_requests(std::size_t count,
                                                                      std::chrono::milliseconds timeout) {
  std::unique_lock lock(mutex_);
  changed_.wait_for(lock, timeout, [&] { return received_.size() >= count; });
  return received_;
}

std::size_t TlsTestServer::wait_for_connections(std::size_t count, std::chrono::milliseconds timeout) {
  std::unique_lock lock(mutex_);
  changed_.wait_for(lock, timeout, [&] { return connections_ >= count; });
  return connections_;
}

std::size_t TlsTestServer::failed_handshakes() const {
  std::lock_guard lock(mutex_);
  return failed_handshakes_;
}

}  // namespace qabot::test_support
