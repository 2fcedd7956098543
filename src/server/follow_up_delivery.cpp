#include "server/follow_up_delivery.hpp"

#include <algorithm>
#include <utility>

#include "server/tls_client.hpp"

namespace qabot::server {
namespace {

constexpr int kMaxAttempts = 2;  // the first try and one retry

}  // namespace

FollowUpDelivery::FollowUpDelivery(net::any_io_executor strand, net::ssl::context& ssl, const FollowUpOptions& options,
                                   Url url, std::string json, Done done)
    : strand_(std::move(strand)),
      ssl_(ssl),
      options_(options),
      url_(std::move(url)),
      json_(std::move(json)),
      done_(std::move(done)),
      resolver_(strand_),
      deadline_(strand_),
      retry_timer_(strand_) {}

void FollowUpDelivery::start() {
  net::post(strand_, [self = shared_from_this()] {
    self->deadline_.expires_after(self->options_.timeout);
    self->deadline_.async_wait(beast::bind_front_handler(&FollowUpDelivery::on_deadline, self));
    self->attempt();
  });
}

void FollowUpDelivery::cancel() {
  net::post(strand_, [self = shared_from_this()] {
    if (self->finished_) return;
    self->cancelled_ = true;
    self->resolver_.cancel();
    self->retry_timer_.cancel();
    self->close_socket();
  });
}

void FollowUpDelivery::on_deadline(beast::error_code ec) {
  // The timer is re-armed for the close_notify exchange; a wait it replaced may already have been
  // queued as expired, hence the expiry check.
  if (ec || finished_ || deadline_.expiry() > net::steady_timer::clock_type::now()) return;
  timed_out_ = true;
  resolver_.cancel();
  retry_timer_.cancel();
  close_socket();
}

void FollowUpDelivery::attempt() {
  ++result_.attempts;
  stream_.emplace(strand_, ssl_);
  if (const auto ec = expect_peer(*stream_, url_.host)) return fail(ec, "SNI");
  const bool redirected = !options_.connect_host.empty();
  const std::string host = redirected ? options_.connect_host : url_.host;
  const unsigned short port = redirected && options_.connect_port != 0 ? options_.connect_port : url_.port;
  resolver_.async_resolve(host, std::to_string(port),
                          beast::bind_front_handler(&FollowUpDelivery::on_resolve, shared_from_this()));
}

void FollowUpDelivery::on_resolve(beast::error_code ec, tcp::resolver::results_type results) {
  if (ec) return connection_failed(ec, "resolve");
  if (timed_out_ || cancelled_) return fail(net::error::operation_aborted, "resolve");
  beast::get_lowest_layer(*stream_).async_connect(
      results, beast::bind_front_handler(&FollowUpDelivery::on_connect, shared_from_this()));
}

void FollowUpDelivery::on_connect(beast::error_code ec, const tcp::endpoint&) {
  if (ec) return connection_failed(ec, "connect");
  stream_->async_handshake(net::ssl::stream_base::client,
                           beast::bind_front_handler(&FollowUpDelivery::on_handshake, shared_from_this()));
}

void FollowUpDelivery::on_handshake(beast::error_code ec) {
  if (ec) return fail(ec, "TLS handshake");
  auto& req = request_.emplace(http::verb::post, url_.target, 11);
  req.set(http::field::host, url_.authority());
  req.set(http::field::user_agent, "qabot");
  req.set(http::field::content_type, "application/json");
  req.body() = json_;
  req.prepare_payload();
  http::async_write(*stream_, req, beast::bind_front_handler(&FollowUpDelivery::on_write, shared_from_this()));
}

void FollowUpDelivery::on_write(beast::error_code ec, std::size_t) {
  if (ec) return fail(ec, "write");
  parser_.emplace();
  parser_->body_limit(options_.max_response_bytes);
  http::async_read(*stream_, buffer_, *parser_,
                   beast::bind_front_handler(&FollowUpDelivery::on_read, shared_from_this()));
}

void FollowUpDelivery::on_read(beast::error_code ec, std::size_t) {
  if (ec) return fail(ec, "read");
  const auto& res = parser_->get();
  result_.status = res.result_int();
  if (res.result_int() >= 200 && res.result_int() < 300) {
    result_.outcome = FollowUpResult::Outcome::Delivered;
  } else {
    result_.outcome = FollowUpResult::Outcome::Rejected;
    // Slack explains a refusal in a short body ("expired_url", "used_url", "invalid_blocks").
    result_.error = res.body().substr(0, 200);
  }
  // The answer is in; a peer that never sends close_notify must not hold the slot for long.
  const auto grace_end = net::steady_timer::clock_type::now() + options_.shutdown_grace;
  if (grace_end < deadline_.expiry()) {
    deadline_.expires_at(grace_end);
    deadline_.async_wait(beast::bind_front_handler(&FollowUpDelivery::on_deadline, shared_from_this()));
  }
  stream_->async_shutdown(beast::bind_front_handler(&FollowUpDelivery::on_shutdown, shared_from_this()));
}

void FollowUpDelivery::on_shutdown(beast::error_code) {
  // eof / stream_truncated / a timeout here change nothing: the response was already read.
  finish(std::move(result_));
}

void FollowUpDelivery::connection_failed(beast::error_code ec, const char* what) {
  if (timed_out_ || cancelled_ || result_.attempts >= kMaxAttempts) return fail(ec, what);
  close_socket();
  retry_timer_.expires_after(options_.retry_delay);
  retry_timer_.async_wait([self = shared_from_this(), ec, what](beast::error_code wait_ec) {
    if (wait_ec || self->timed_out_ || self->cancelled_) return self->fail(ec, what);
    self->attempt();
  });
}

void FollowUpDelivery::fail(beast::error_code ec, const char* what) {
  result_.outcome = FollowUpResult::Outcome::Failed;
  if (timed_out_) result_.error = "timed out after " + std::to_string(options_.timeout.count()) + " ms";
  else if (cancelled_) result_.error = "cancelled";
  else result_.error = std::string(what) + ": " + ec.message();
  finish(std::move(result_));
}

void FollowUpDelivery::finish(FollowUpResult result) {
  if (finished_) return;
  finished_ = true;
  deadline_.cancel();
  retry_timer_.cancel();
  resolver_.cancel();
  close_socket();
  if (done_) std::exchange(done_, nullptr)(std::move(result));
}

void FollowUpDelivery::close_socket() {
  if (!stream_) return;
  beast::error_code ignored;
  beast::get_lowest_layer(*stream_).socket().close(ignored);
}

}  // namespace qabot::server
