#include "server/http_session.hpp"

#include <algorithm>
#include <chrono>
#include <utility>

#include <spdlog/spdlog.h>

#include "server/websocket_session.hpp"

namespace qabot::server {

HttpSession::HttpSession(tcp::socket&& socket, std::shared_ptr<SharedState> state, ConnectionSlot slot)
    : stream_(std::move(socket)),
      state_(std::move(state)),
      slot_(std::move(slot)),
      limiter_(state_->config().rate_per_second, state_->config().rate_burst) {
  state_->metrics().connection_opened(Metrics::Connection::Http);
}

HttpSession::~HttpSession() {
  state_->leave(this);
  state_->metrics().connection_closed(Metrics::Connection::Http);
}

void HttpSession::fail(beast::error_code ec, const char* what) {
  if (ec == net::error::operation_aborted) return;
  spdlog::debug("http {}: {}", what, ec.message());
}

void HttpSession::run() {
  state_->join(this, weak_from_this());
  // Enter the strand before touching the stream: the constructor ran on the listener's thread.
  net::dispatch(stream_.get_executor(), beast::bind_front_handler(&HttpSession::do_read, shared_from_this()));
}

void HttpSession::do_read() {
  if (draining_ || state_->draining()) {
    // A request may already be on its way; the client retries on a fresh connection.
    return do_close();
  }
  parser_.emplace();
  route_ = "other";  // until a request line names one
  parser_->header_limit(static_cast<std::uint32_t>(state_->config().max_header_bytes));
  parser_->body_limit(state_->config().max_body_bytes);
  // A connection over the limit gets a short deadline: it only waits for one request to refuse.
  stream_.expires_after(
      slot_ ? state_->config().header_timeout
            : std::min<std::chrono::milliseconds>(state_->config().header_timeout, std::chrono::seconds(5)));
  reading_ = true;
  // The header first: the body limit depends on the route (chat integrations get a larger one).
  http::async_read_header(stream_, buffer_, *parser_,
                          beast::bind_front_handler(&HttpSession::on_header, shared_from_this()));
}

void HttpSession::on_header(beast::error_code ec, std::size_t bytes) {
  if (ec) return on_read(ec, bytes);
  route_ = Metrics::route_of(target_path(parser_->get().target()));
  stream_.expires_after(state_->config().http_timeout);  // the header made it in time: now the body
  if (has_ambiguous_length(parser_->get())) {
    state_->metrics().error(ErrorCode::BadRequest);
    return send(HttpRouter::error_response(http::status::bad_request, ErrorCode::BadRequest,
                                           "more than one Content-Length", parser_->get().version(), false));
  }
  if (is_integration_path(target_path(parser_->get().target()))) {
    parser_->body_limit(
        std::max<std::uint64_t>(state_->config().max_body_bytes, state_->config().max_integration_body_bytes));
  }
  http::async_read(stream_, buffer_, *parser_, beast::bind_front_handler(&HttpSession::on_read, shared_from_this()));
}

void HttpSession::on_read(beast::error_code ec, std::size_t) {
  reading_ = false;
  if (ec == http::error::end_of_stream) return do_close();
  const unsigned version = parser_->get().version() ? parser_->get().version() : 11;
  if (ec == http::error::body_limit) {
    state_->metrics().error(ErrorCode::TooLarge);
    return send(HttpRouter::error_response(http::status::payload_too_large, ErrorCode::TooLarge,
                                           "request body is too large", version, false));
  }
  if (ec == http::error::header_limit) {
    state_->metrics().error(ErrorCode::TooLarge);
    return send(HttpRouter::error_response(http::status::request_header_fields_too_large, ErrorCode::TooLarge,
                                           "request header is too large", version, false));
  }
  if (ec == beast::error::timeout || ec == net::error::operation_aborted || ec == net::error::eof ||
      ec == net::error::connection_reset) {
    return fail(ec, "read");
  }
  if (ec) {
    // Anything else is a malformed request: say so once and hang up.
    spdlog::debug("http read: {}", ec.message());
    return send(
        HttpRouter::error_response(http::status::bad_request, ErrorCode::BadRequest, "malformed request", 11, false));
  }
  handle(parser_->release());
}

void HttpSession::handle(Request req) {
  if (!slot_) {
    state_->metrics().connection_rejected();
    auto res = HttpRouter::error_response(http::status::service_unavailable, ErrorCode::Overloaded,
                                          "too many connections", req.version(), false);
    res.set(http::field::retry_after, "1");
    return send(std::move(res));
  }
  if (websocket::is_upgrade(req)) return upgrade(std::move(req));

  const HttpRouter& router = state_->router();
  if (!router.needs_engine(req)) return send(router.handle(req, nullptr));

  if (target_path(req.target()) == "/api/ask" && !limiter_.try_acquire()) {
    state_->metrics().error(ErrorCode::RateLimited);
    return send(HttpRouter::error_response(http::status::too_many_requests, ErrorCode::RateLimited,
                                           "too many requests: slow down", req.version(), req.keep_alive()));
  }
  auto self = shared_from_this();
  auto shared_req = std::make_shared<Request>(std::move(req));
  // Asks may be answered right here (AnswerPool); other routes that need the engine (quizzes, chat
  // integrations) may wait on the state store or the network, so they always go to a worker.
  const bool is_ask = shared_req->method() == http::verb::post && target_path(shared_req->target()) == "/api/ask";
  auto job = [self, shared_req, &router](AnswerEngine* engine) {
    Response res = router.handle(*shared_req, engine);  // asks are timed and counted by the AskService
    // Answered on this connection's strand (see AnswerPool), the response is written now.
    net::dispatch(self->stream_.get_executor(), [self, res = std::move(res)]() mutable { self->send(std::move(res)); });
  };
  const bool queued =
      is_ask ? state_->pool().run_here_or_submit(std::move(job)) : state_->pool().submit(std::move(job));
  if (!queued) {
    state_->metrics().error(ErrorCode::Overloaded);
    send(HttpRouter::error_response(http::status::service_unavailable, ErrorCode::Overloaded,
                                    "the server is busy: try again", shared_req->version(), shared_req->keep_alive()));
  }
}

void HttpSession::upgrade(Request req) {
  auto error = [&](http::status status, ErrorCode code, std::string_view message) {
    state_->metrics().error(code);
    send(HttpRouter::error_response(status, code, message, req.version(), false));
  };
  if (target_path(req.target()) != "/ws") return error(http::status::not_found, ErrorCode::BadRequest, "not found");
  const auto origin_it = req.find(http::field::origin);
  const std::string_view origin = origin_it == req.end() ? std::string_view() : std::string_view(origin_it->value());
  if (!state_->origins().allows(origin_it == req.end() ? nullptr : &origin, req[http::field::host])) {
    state_->metrics().origin_refused();
    spdlog::info("websocket upgrade refused for origin {}", origin);
    return error(http::status::forbidden, ErrorCode::BadRequest, "origin not allowed");
  }
  // Checked here rather than left to Beast, which answers a bad version with a body-less 400 and
  // takes any short key: RFC 6455 §4.2.1 wants 426 plus the version we speak, and a 16-byte key.
  if (req[http::field::sec_websocket_version] != "13") {
    state_->metrics().error(ErrorCode::BadRequest);
    auto res = HttpRouter::error_response(http::status::upgrade_required, ErrorCode::BadRequest,
                                          "unsupported WebSocket version: this server speaks 13", req.version(), false);
    res.set(http::field::sec_websocket_version, "13");
    return send(std::move(res));
  }
  if (!is_valid_websocket_key(req[http::field::sec_websocket_key])) {
    return error(http::status::bad_request, ErrorCode::BadRequest, "Sec-WebSocket-Key must be 16 bytes in base64");
  }
  if (state_->draining()) {
    return error(http::status::service_unavailable, ErrorCode::Overloaded, "the server is shutting down");
  }
  upgraded_ = true;
  // What the parser read past the request is the client's first frames: the WebSocket reads them first.
  std::make_shared<WebSocketSession>(stream_.release_socket(), std::move(buffer_), state_, std::move(slot_))
      ->run(std::move(req));
}

void HttpSession::send(Response res) {
  state_->metrics().http_response(route_, res.result_int());
  if (draining_ || state_->draining()) res.keep_alive(false);
  const bool keep_alive = res.keep_alive();
  response_ = std::make_shared<Response>(std::move(res));
  stream_.expires_after(state_->config().http_timeout);
  http::async_write(stream_, *response_,
                    beast::bind_front_handler(&HttpSession::on_write, shared_from_this(), keep_alive));
}

void HttpSession::on_write(bool keep_alive, beast::error_code ec, std::size_t) {
  response_.reset();
  if (ec) return fail(ec, "write");
  if (!keep_alive) return do_close();
  do_read();
}

void HttpSession::do_close() {
  beast::error_code ec;
  stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
  // The destructor closes the socket once the last handler lets go.
}

void HttpSession::begin_shutdown() {
  net::post(stream_.get_executor(), [self = shared_from_this()] {
    self->draining_ = true;
    // An idle keep-alive connection is closed now; one being answered closes after its response.
    if (self->reading_ && !self->upgraded_ && self->buffer_.size() == 0 && !self->parser_->got_some()) {
      self->stream_.cancel();
    }
  });
}

void HttpSession::force_close() {
  net::post(stream_.get_executor(), [self = shared_from_this()] {
    if (self->upgraded_) return;
    beast::error_code ec;
    self->stream_.socket().close(ec);
  });
}

}  // namespace qabot::server
