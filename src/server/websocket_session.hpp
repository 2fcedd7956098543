#pragma once
// One WebSocket connection speaking protocol v1 (docs/protocol.md). Everything runs on the
// connection's strand; workers reach it only through net::post. One write in flight, a bounded queue
// behind it: a client that stops reading is disconnected when the queue passes its limit.

#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "server/ask_service.hpp"
#include "server/conversation_store.hpp"
#include "server/net.hpp"
#include "server/protocol.hpp"
#include "server/quiz_service.hpp"
#include "server/rate_limiter.hpp"
#include "server/session.hpp"
#include "server/shared_state.hpp"
#include "server/websocket_transport.hpp"

namespace qabot::server {

class WebSocketSession : public Session, public std::enable_shared_from_this<WebSocketSession> {
 public:
  // `read_ahead`: the bytes the HTTP session read past the upgrade request (the client's first frames,
  // when it did not wait for the 101); they are read before anything from the socket.
  WebSocketSession(tcp::socket&& socket, beast::flat_buffer read_ahead, std::shared_ptr<SharedState> state,
                   ConnectionSlot slot);
  ~WebSocketSession() override;

  // Takes the upgrade request that http_session read.
  void run(http::request<http::string_body> req);

  void begin_shutdown() override;
  void force_close() override;

 private:
  struct Ask;
  struct Outgoing {
    std::string text;
    bool close = false;  // send a close frame (1001) instead of a message
  };

  void on_accept(beast::error_code ec);
  void do_read();
  void on_read(beast::error_code ec, std::size_t bytes);
  void on_message(std::string_view text);
  void start_ask(AskRequest req);
  // Runs a quiz call on a worker and sends its one reply frame.
  void start_quiz(std::optional<std::string> id, std::function<QuizOutcome(AnswerEngine*)> call);
  void cancel(const std::string& id);
  void on_reply(const std::shared_ptr<Ask>& ask, AskReply reply);
  void send_quiz_reply(const std::optional<std::string>& id, const QuizOutcome& outcome);
  void stream_next(const std::shared_ptr<Ask>& ask);
  void finish(const std::shared_ptr<Ask>& ask);
  void send_error(const std::optional<std::string>& id, ErrorCode code, std::string_view message);

  void send(std::string text);
  void send_close();
  void do_write();
  void on_write(beast::error_code ec, std::size_t bytes);
  void maybe_close_when_drained();
  void abort_connection(std::string_view why);
  void fail(beast::error_code ec, const char* what);

  websocket::stream<WebSocketTransport> ws_;
  std::shared_ptr<SharedState> state_;
  ConnectionSlot slot_;
  beast::flat_buffer buffer_;
  RateLimiter limiter_;
  std::string remote_;

  std::deque<Outgoing> queue_;
  std::size_t queued_bytes_ = 0;
  bool writing_ = false;
  bool close_queued_ = false;  // nothing is sent after the close frame
  bool dead_ = false;          // the socket failed or was closed: drop everything
  bool draining_ = false;
  bool accepted_ = false;

  std::map<std::uint64_t, std::shared_ptr<Ask>> asks_;  // in flight, by arrival
  // Follow-up context: the connection's own ("") and one per relay "session", bounded so that a
  // relay multiplexing many users cannot grow it without limit.
  // The connection's own conversation and its relay's sessions: 256 at most (~12 MiB at worst).
  ConversationStore conversations_{256, std::chrono::minutes(30), "websocket_conversations"};
  std::uint64_t next_ask_ = 0;
  std::size_t quizzes_in_flight_ = 0;
  std::string connection_user_;  // the quiz user of asks like "考考我" that name none
};

}  // namespace qabot::server
