#pragma once
// A stand-in for hooks.slack.com: an HTTPS server on 127.0.0.1:0 with a test certificate, on its own
// thread, that records each request and answers a fixed status. In Hold mode it accepts TCP
// connections and never speaks (for timeouts and the in-flight cap). Stops in its destructor.

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>

#include "support/test_certificate.hpp"

namespace qabot::test_support {

class TlsTestServer {
 public:
  enum class Mode { Answer, Hold };
  struct Received {
    std::string method;
    std::string target;
    std::string host;
    std::string content_type;
    std::string body;
  };

  explicit TlsTestServer(const TestCertificate& certificate, int status = 200, Mode mode = Mode::Answer);
  ~TlsTestServer();
  TlsTestServer(const TlsTestServer&) = delete;
  TlsTestServer& operator=(const TlsTestServer&) = delete;

  unsigned short port() const { return port_; }

  // Waits until `count` requests arrived or `timeout` passed; returns what arrived.
  std::vector<Received> wait_for_requests(std::size_t count, std::chrono::milliseconds timeout);
  // Waits until `count` TCP connections were accepted or `timeout` passed; returns the count.
  std::size_t wait_for_connections(std::size_t count, std::chrono::milliseconds timeout);
  std::size_t failed_handshakes() const;

 private:
  struct Connection;
  void accept();
  void serve(std::shared_ptr<Connection> connection);

  boost::asio::io_context ioc_;
  boost::asio::ssl::context ssl_;
  boost::asio::ip::tcp::acceptor acceptor_;
  unsigned short port_ = 0;
  int status_;
  Mode mode_;
  std::vector<std::shared_ptr<boost::asio::ip::tcp::socket>> held_;  // Hold mode, io thread only

  mutable std::mutex mutex_;
  std::condition_variable changed_;
  std::vector<Received> received_;
  std::size_t connections_ = 0;
  std::size_t failed_handshakes_ = 0;
  std::thread thread_;
};

}  // namespace qabot::test_support
