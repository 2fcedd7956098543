#pragma once
// One Slack follow-up on its way: resolve, connect, TLS handshake (SNI, peer certificate and host
// name verified), POST the JSON, read the response, close_notify. Everything runs on the delivery's
// own strand; a single deadline covers the whole delivery, the one retry included.
//
// Retried once: failures before anything was sent (resolve, connect). Not retried: TLS failures
// (an untrusted certificate does not become trusted a second later) and anything after the request
// was written, because Slack could then post the answer twice.

#include <functional>
#include <memory>
#include <optional>
#include <string>

#include <boost/asio/ssl.hpp>
#include <boost/beast/ssl.hpp>

#include "server/follow_up_options.hpp"
#include "server/url.hpp"
#include "server/net.hpp"

namespace qabot::server {

class FollowUpDelivery : public std::enable_shared_from_this<FollowUpDelivery> {
 public:
  using Done = std::function<void(FollowUpResult)>;

  // `ssl` and `options` must outlive the delivery; `done` is called exactly once, on the strand.
  FollowUpDelivery(net::any_io_executor strand, net::ssl::context& ssl, const FollowUpOptions& options, Url url,
                   std::string json, Done done);

  void start();
  // From any thread: abandon the delivery now (reported as Failed, "cancelled").
  void cancel();

 private:
  void attempt();
  void on_resolve(beast::error_code ec, tcp::resolver::results_type results);
  void on_connect(beast::error_code ec, const tcp::endpoint&);
  void on_handshake(beast::error_code ec);
  void on_write(beast::error_code ec, std::size_t);
  void on_read(beast::error_code ec, std::size_t);
  void on_shutdown(beast::error_code ec);
  void on_deadline(beast::error_code ec);
  void connection_failed(beast::error_code ec, const char* what);
  void fail(beast::error_code ec, const char* what);
  void finish(FollowUpResult result);
  void close_socket();

  net::any_io_executor strand_;
  net::ssl::context& ssl_;
  const FollowUpOptions& options_;
  Url url_;
  std::string json_;
  Done done_;

  tcp::resolver resolver_;
  net::steady_timer deadline_;
  net::steady_timer retry_timer_;
  std::optional<beast::ssl_stream<beast::tcp_stream>> stream_;  // fresh per attempt
  std::optional<http::request<http::string_body>> request_;
  std::optional<http::response_parser<http::string_body>> parser_;
  beast::flat_buffer buffer_;
  FollowUpResult result_;
  bool timed_out_ = false;
  bool cancelled_ = false;
  bool finished_ = false;
};

}  // namespace qabot::server
