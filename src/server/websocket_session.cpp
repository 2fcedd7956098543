#include "server/websocket_session.hpp"

#include <cstdio>
#include <mutex>
#include <random>
#include <string>
#include <exception>
#include <utility>

#include <spdlog/spdlog.h>

#include "server/utf8_chunker.hpp"

namespace qabot::server {
namespace {

// The quiz user of a connection whose quiz messages name none. Random (128 bits), not a counter: a
// client naming this id as its "user" would otherwise read and answer another connection's quiz.
std::string next_connection_user() {
  static std::mutex mutex;
  static std::random_device device;
  std::lock_guard lock(mutex);
  char hex[33];
  std::snprintf(hex, sizeof hex, "%08x%08x%08x%08x", device(), device(), device(), device());
  return std::string("connection:") + hex;
}

}  // namespace

struct WebSocketSession::Ask {
  explicit Ask(const net::any_io_executor& ex) : timer(ex) {}
  std::uint64_t seq = 0;
  std::optional<std::string> id;
  bool stream = true;
  bool cancelled = false;
  bool answered = false;  // the worker's outcome arrived and "result" was sent
  std::vector<std::string> chunks;
  std::size_t next_chunk = 0;
  std::string answer;
  std::string html;
  net::steady_timer timer;
};

WebSocketSession::WebSocketSession(tcp::socket&& socket, beast::flat_buffer read_ahead,
                                   std::shared_ptr<SharedState> state, ConnectionSlot slot)
    : ws_(std::move(socket)),
      state_(std::move(state)),
      slot_(std::move(slot)),
      limiter_(state_->config().rate_per_second, state_->config().rate_burst) {
  auto& ahead = ws_.next_layer().buffer();
  ahead.commit(net::buffer_copy(ahead.prepare(read_ahead.size()), read_ahead.data()));
  beast::error_code ec;
  const auto ep = beast::get_lowest_layer(ws_).socket().remote_endpoint(ec);
  if (!ec) remote_ = ep.address().to_string() + ":" + std::to_string(ep.port());
  connection_user_ = next_connection_user();
  state_->metrics().connection_opened(Metrics::Connection::WebSocket);
}

WebSocketSession::~WebSocketSession() {
  state_->leave(this);
  state_->metrics().connection_closed(Metrics::Connection::WebSocket);
}

void WebSocketSession::fail(beast::error_code ec, const char* what) {
  dead_ = true;
  for (auto& [seq, ask] : asks_) ask->timer.cancel();
  if (ec == net::error::operation_aborted || ec == websocket::error::closed) return;
  spdlog::debug("websocket {} {}: {}", remote_, what, ec.message());
}

void WebSocketSession::run(http::request<http::string_body> req) {
  state_->join(this, weak_from_this());
  // The HTTP timeout no longer applies: the websocket stream keeps its own.
  beast::get_lowest_layer(ws_).expires_never();
  ws_.set_option(websocket::stream_base::timeout::suggested(beast::role_type::server));
  ws_.set_option(
      websocket::stream_base::decorator([](websocket::response_type& res) { res.set(http::field::server, "qabot"); }));
  ws_.read_message_max(state_->config().max_message_bytes);
  ws_.text(true);
  ws_.async_accept(req, beast::bind_front_handler(&WebSocketSession::on_accept, shared_from_this()));
}

void WebSocketSession::on_accept(beast::error_code ec) {
  if (ec) return fail(ec, "accept");
  accepted_ = true;
  send(make_hello(state_->question_count()));
  if (state_->draining()) draining_ = true;
  maybe_close_when_drained();
  do_read();
}

void WebSocketSession::do_read() {
  ws_.async_read(buffer_, beast::bind_front_handler(&WebSocketSession::on_read, shared_from_this()));
}

void WebSocketSession::on_read(beast::error_code ec, std::size_t) {
  // Oversized messages (1009) and invalid UTF-8 in text (1007) fail here: Beast has already sent the
  // close frame with that code.
  if (ec) return fail(ec, "read");
  if (dead_) return;
  const bool text = ws_.got_text();
  const std::string frame = beast::buffers_to_string(buffer_.data());
  buffer_.consume(buffer_.size());
  if (!text) {
    if (!limiter_.try_acquire()) {
      send_error(std::nullopt, ErrorCode::RateLimited, "too many messages: slow down");
    } else {
      send_error(std::nullopt, ErrorCode::BadRequest, "binary frames are not supported: send JSON as text");
    }
  } else {
    on_message(frame);
  }
  if (!dead_) do_read();
}

void WebSocketSession::on_message(std::string_view frame) {
  ClientMessage msg = parse_client_message(frame, state_->config().limits);
  // Every frame costs a token, malformed ones too: errors are replies and can be flooded as well.
  if (!limiter_.try_acquire()) {
    return send_error(message_id(msg), ErrorCode::RateLimited, "too many messages: slow down");
  }
  if (auto* err = std::get_if<ProtocolError>(&msg)) return send_error(err->id, err->code, err->message);
  if (std::holds_alternative<PingRequest>(msg)) return send(make_pong());
  if (auto* c = std::get_if<CancelRequest>(&msg)) return cancel(c->id);
  const QuizService& quiz = state_->quiz();
  if (auto* q = std::get_if<QuizRequest>(&msg)) {
    return start_quiz(q->id, [&quiz, user = q->user.value_or(connection_user_), category = q->category](
                                 AnswerEngine* engine) { return quiz.start(engine, user, category); });
  }
  if (auto* q = std::get_if<QuizAnswerRequest>(&msg)) {
    return start_quiz(q->id, [&quiz, user = q->user.value_or(connection_user_), text = q->text, question = q->question](
                                 AnswerEngine* engine) { return quiz.answer(engine, user, text, question); });
  }
  if (auto* p = std::get_if<ProgressRequest>(&msg)) {
    return start_quiz(p->id, [&quiz, user = p->user.value_or(connection_user_)](AnswerEngine* engine) {
      return quiz.progress(engine, user);
    });
  }
  start_ask(std::get<AskRequest>(std::move(msg)));
}

void WebSocketSession::send_error(const std::optional<std::string>& id, ErrorCode code, std::string_view message) {
  state_->metrics().error(code);
  send(make_error(id, code, message));
}

void WebSocketSession::start_ask(AskRequest req) {
  if (draining_) return send_error(req.id, ErrorCode::Overloaded, "the server is shutting down");
  if (asks_.size() + quizzes_in_flight_ >= state_->config().max_asks_in_flight) {
    return send_error(req.id, ErrorCode::Overloaded, "too many asks in flight on this connection");
  }
  auto ask = std::make_shared<Ask>(ws_.get_executor());
  ask->seq = next_ask_++;
  ask->id = req.id;
  ask->stream = req.stream;
  // Follow-ups: the connection's own conversation ("") or its relay's session; "考考我" starts the
  // quiz of the named user or of this connection.
  AskCall call;
  call.channel = Channel::WebSocket;
  call.text = std::move(req.text);
  call.top_k = req.top_k;
  call.conversations = &conversations_;
  call.conversation_key = req.session.value_or(std::string());
  call.quiz_user = req.user.value_or(connection_user_);
  const AskService* service = &state_->asks();
  const bool may_block = service->may_block(call);
  auto job = [self = shared_from_this(), ask, ex = ws_.get_executor(), service,
              call = std::move(call)](AnswerEngine* engine) mutable {
    AskReply reply = service->ask(*engine, call);
    // dispatch: answered on this connection's strand (AnswerPool ran it here), the reply is written
    // now rather than handed to whichever io thread picks up a post; from a worker it is a post.
    net::dispatch(ex, [self = std::move(self), ask = std::move(ask), reply = std::move(reply)]() mutable {
      self->on_reply(ask, std::move(reply));
    });
  };
  // In the table before the job can run: answered on this thread, it completes (and leaves the
  // table) before run_here_or_submit returns. A quiz request may wait on the state store: never here.
  asks_.emplace(ask->seq, ask);
  const bool queued =
      may_block ? state_->pool().submit(std::move(job)) : state_->pool().run_here_or_submit(std::move(job));
  if (!queued) {
    asks_.erase(ask->seq);
    return send_error(req.id, ErrorCode::Overloaded, "the server is busy: try again");
  }
}

void WebSocketSession::send_quiz_reply(const std::optional<std::string>& id, const QuizOutcome& outcome) {
  if (const auto* e = std::get_if<ProtocolError>(&outcome)) return send_error(id, e->code, e->message);
  send(QuizService::frame(id, outcome));
}

void WebSocketSession::start_quiz(std::optional<std::string> id, std::function<QuizOutcome(AnswerEngine*)> call) {
  if (draining_) return send_error(id, ErrorCode::Overloaded, "the server is shutting down");
  if (asks_.size() + quizzes_in_flight_ >= state_->config().max_asks_in_flight) {
    return send_error(id, ErrorCode::Overloaded, "too many requests in flight on this connection");
  }
  auto self = shared_from_this();
  auto ex = ws_.get_executor();
  const bool queued = state_->pool().submit([self, ex, id, call = std::move(call)](AnswerEngine* engine) {
    QuizOutcome outcome = call(engine);
    net::post(ex, [self, id, outcome = std::move(outcome)] {
      --self->quizzes_in_flight_;
      if (self->dead_) return;
      self->send_quiz_reply(id, outcome);
      self->maybe_close_when_drained();
    });
  });
  if (!queued) return send_error(id, ErrorCode::Overloaded, "the server is busy: try again");
  ++quizzes_in_flight_;
}

void WebSocketSession::cancel(const std::string& id) {
  // Unknown ids are ignored: the ask may have finished while the cancel was on its way.
  for (auto& [seq, ask] : asks_) {
    if (ask->id == id && !ask->cancelled) {
      ask->cancelled = true;
      ask->timer.cancel();  // a paced stream wakes up and finishes with "cancelled"
    }
  }
}

void WebSocketSession::on_reply(const std::shared_ptr<Ask>& ask, AskReply reply) {
  if (dead_) return void(asks_.erase(ask->seq));
  if (auto* failed = std::get_if<AskFailed>(&reply)) {
    asks_.erase(ask->seq);
    send_error(ask->id, ErrorCode::Internal, failed->message);
    return maybe_close_when_drained();
  }
  if (auto* quiz = std::get_if<QuizOutcome>(&reply)) {
    asks_.erase(ask->seq);
    send_quiz_reply(ask->id, *quiz);
    return maybe_close_when_drained();
  }
  answer::Answer& answer = std::get<AskOutcome>(reply).answer;
  ask->answered = true;
  send(make_result(ask->id, answer.result));
  ask->answer = std::move(answer.markdown);
  ask->html = std::move(answer.html);
  // Only an answer from the notes is streamed; a "did you mean" or no-match message comes whole in "done".
  if (answer.result.matched && !answer.result.clarify && ask->stream && !ask->cancelled) {
    ask->chunks = utf8_chunks(ask->answer, state_->config().delta_chunks);
  }
  stream_next(ask);
}

void WebSocketSession::stream_next(const std::shared_ptr<Ask>& ask) {
  const auto pace = state_->config().pace;
  while (!dead_ && !ask->cancelled && ask->next_chunk < ask->chunks.size()) {
    send(make_delta(ask->id, ask->chunks[ask->next_chunk++]));
    if (pace.count() > 0 && ask->next_chunk < ask->chunks.size()) {
      ask->timer.expires_after(pace);
      ask->timer.async_wait([self = shared_from_this(), ask](beast::error_code) {
        // Woken by the pace, a cancel or a dead connection: the flags say which.
        if (self->dead_) return void(self->asks_.erase(ask->seq));
        self->stream_next(ask);
      });
      return;
    }
  }
  if (dead_) return void(asks_.erase(ask->seq));
  finish(ask);
}

void WebSocketSession::finish(const std::shared_ptr<Ask>& ask) {
  send(make_done(ask->id, ask->answer, ask->html, ask->cancelled));
  asks_.erase(ask->seq);
  maybe_close_when_drained();
}

void WebSocketSession::send(std::string text) {
  if (dead_ || close_queued_) return;
  const auto& cfg = state_->config();
  // One message larger than the byte limit still goes out when nothing waits before it.
  if (queue_.size() >= cfg.max_queue_messages ||
      (!queue_.empty() && queued_bytes_ + text.size() > cfg.max_queue_bytes)) {
    return abort_connection("outgoing queue over its limit (client not reading)");
  }
  queued_bytes_ += text.size();
  queue_.push_back({std::move(text), false});
  if (!writing_) do_write();
}

void WebSocketSession::send_close() {
  if (dead_ || close_queued_) return;
  close_queued_ = true;
  queue_.push_back({{}, true});
  if (!writing_) do_write();
}

void WebSocketSession::do_write() {
  writing_ = true;
  Outgoing& front = queue_.front();
  if (front.close) {
    ws_.async_close(websocket::close_code::going_away,
                    [self = shared_from_this()](beast::error_code ec) { self->on_write(ec, 0); });
    return;
  }
  ws_.async_write(net::buffer(front.text), beast::bind_front_handler(&WebSocketSession::on_write, shared_from_this()));
}

void WebSocketSession::on_write(beast::error_code ec, std::size_t) {
  writing_ = false;
  if (ec) return fail(ec, "write");
  queued_bytes_ -= queue_.front().text.size();
  const bool was_close = queue_.front().close;
  queue_.pop_front();
  if (was_close) return;  // the pending read finishes when the client answers the close
  if (!queue_.empty()) do_write();
}

void WebSocketSession::maybe_close_when_drained() {
  if (draining_ && asks_.empty() && quizzes_in_flight_ == 0) send_close();
}

void WebSocketSession::abort_connection(std::string_view why) {
  spdlog::warn("websocket {}: closing: {}", remote_, why);
  dead_ = true;
  for (auto& [seq, ask] : asks_) ask->timer.cancel();
  beast::error_code ec;
  beast::get_lowest_layer(ws_).socket().shutdown(tcp::socket::shutdown_both, ec);
  beast::get_lowest_layer(ws_).socket().close(ec);
}

void WebSocketSession::begin_shutdown() {
  net::post(ws_.get_executor(), [self = shared_from_this()] {
    if (self->draining_) return;
    self->draining_ = true;
    if (self->accepted_) self->maybe_close_when_drained();  // else on_accept does it
  });
}

void WebSocketSession::force_close() {
  net::post(ws_.get_executor(), [self = shared_from_this()] {
    if (!self->dead_) self->abort_connection("shutdown deadline passed");
  });
}

}  // namespace qabot::server
