#include "app/chat_command.hpp"

#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <exception>
#include <fstream>
#include <iostream>
#include <iterator>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>

#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>
#include <nlohmann/json.hpp>

#include "answer/math_finder.hpp"
#include "server/tls_client.hpp"
#include "server/url.hpp"

namespace qabot::app {
namespace {

namespace beast = boost::beast;
namespace websocket = beast::websocket;
namespace net = boost::asio;
using tcp = net::ip::tcp;
using nlohmann::json;
using PlainSocket = websocket::stream<beast::tcp_stream>;
using TlsSocket = websocket::stream<server::TlsStream>;

// Prints a streamed answer with its math as code (answer::math_as_code). A formula is only known
// once its paragraph is complete, so text goes out a paragraph at a time; no math or fence state
// crosses a blank line in a way that changes what came before it, so each print extends the last.
class AnswerPrinter {
 public:
  void add(std::string_view delta) {
    text_ += delta;
    const std::size_t cut = text_.rfind("\n\n");
    if (cut != std::string::npos) print_up_to(cut + 2);
  }
  void finish() { print_up_to(text_.size()); }

 private:
  void print_up_to(std::size_t end) {
    const std::string shown = answer::math_as_code(std::string_view(text_).substr(0, end));
    if (shown.size() > printed_) std::fputs(shown.c_str() + printed_, stdout);
    std::fflush(stdout);
    printed_ = std::max(printed_, shown.size());
  }

  std::string text_;
  std::size_t printed_ = 0;  // bytes of the converted text already printed
};

void print_sources(const json& result) {
  const auto& hits = result.value("hits", json::array());
  if (hits.empty()) return;
  const auto& best = hits[0];
  if (result.value("matched", false)) {
    std::printf("\n— %s  [%s]  confidence %.2f\n", best.value("question", "").c_str(),
                best.value("category", "").c_str(), best.value("confidence", 0.0));
  }
  const std::size_t first_related = result.value("matched", false) ? 1 : 0;
  if (hits.size() > first_related) {
    std::printf("%s\n", result.value("matched", false) ? "related:" : "closest questions:");
    for (std::size_t i = first_related; i < hits.size(); ++i) {
      std::printf("  · %s  [%s]  %.2f\n", hits[i].value("question", "").c_str(), hits[i].value("category", "").c_str(),
                  hits[i].value("confidence", 0.0));
    }
  }
}

void print_quiz_question(const json& msg) {
  const json q = msg.value("question", json::object());
  std::printf("Quiz [%s]: %s\n  (type your answer; /skip to pass)\n", q.value("category", "").c_str(),
              q.value("question", "").c_str());
}

void print_quiz_result(const json& msg) {
  std::printf("%s: score %.0f%%\n", msg.value("passed", false) ? "Passed" : "Not yet", 100 * msg.value("score", 0.0));
  auto print_points = [&](const char* field, const char* mark) {
    for (const auto& p : msg.value(field, json::array())) {
      if (p.is_string()) std::printf("  %s %s\n", mark, p.get_ref<const std::string&>().c_str());
    }
  };
  print_points("hit", "+");
  print_points("missed", "-");
  std::printf("\nThe note's answer:\n%s\n",
              answer::math_as_code(msg.value("answer", json::object()).value("markdown", "")).c_str());
}

// A stream under the WebSocket: TCP to the URL's host and port, no_delay since every message is a
// small frame someone waits for.
void connect_tcp(beast::tcp_stream& stream, const server::Url& url) {
  tcp::resolver resolver(stream.get_executor());
  beast::error_code ec;
  const auto endpoints = resolver.resolve(url.host, std::to_string(url.port), ec);
  if (ec) throw std::runtime_error("cannot resolve " + url.host + ": " + ec.message());
  stream.connect(endpoints, ec);
  if (ec) throw std::runtime_error("cannot connect to " + url.authority() + ": " + ec.message());
  stream.socket().set_option(tcp::no_delay(true));
}

void open(PlainSocket& ws, const server::Url& url) {
  connect_tcp(ws.next_layer(), url);
  ws.handshake(url.authority(), url.target);
}

void open(TlsSocket& ws, const server::Url& url) {
  connect_tcp(beast::get_lowest_layer(ws), url);
  server::TlsStream& tls = ws.next_layer();
  if (const auto ec = server::expect_peer(tls, url.host)) throw std::runtime_error("TLS setup: " + ec.message());
  beast::error_code ec;
  tls.handshake(net::ssl::stream_base::client, ec);
  if (ec) {
    const char* hint =
        server::certificate_refused(tls) ? " (--cafile FILE trusts the CA that signed the server's certificate)" : "";
    throw std::runtime_error("TLS handshake with " + url.authority() +
                             " failed: " + server::describe_handshake_error(tls, ec) + hint);
  }
  ws.handshake(url.authority(), url.target);
}

// The system store, or only the certificates in `cafile` (PEM), as curl's --cacert.
net::ssl::context make_tls_context(const std::string& cafile) {
  if (cafile.empty()) return server::make_tls_client_context("");
  std::ifstream in(cafile, std::ios::binary);
  const std::string pem((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (pem.empty()) throw std::runtime_error("--cafile " + cafile + ": unreadable or empty");
  try {
    return server::make_tls_client_context(pem);
  } catch (const std::runtime_error& e) {
    throw std::runtime_error("--cafile " + cafile + ": " + e.what());
  }
}

// One message from the server as JSON (null when it is not JSON).
template <class Socket>
json read_json(Socket& ws, beast::flat_buffer& buffer) {
  buffer.clear();
  ws.read(buffer);
  return json::parse(beast::buffers_to_string(buffer.data()), nullptr, false);
}

// Prints the server's replies to ask `id` until its answer, quiz question, quiz result or error is
// complete. Returns true when a quiz question came: the next line answers it.
template <class Socket>
bool print_replies(Socket& ws, beast::flat_buffer& buffer, const std::string& id) {
  json result;
  bool streamed = false;
  AnswerPrinter printer;
  for (;;) {
    const json msg = read_json(ws, buffer);
    if (!msg.is_object()) continue;
    const std::string type = msg.value("type", "");
    const json msg_id = msg.value("id", json());
    if (type == "error" && (msg_id == id || msg_id.is_null())) {
      std::fprintf(stderr, "error (%s): %s\n", msg.value("code", "").c_str(), msg.value("message", "").c_str());
      return false;
    }
    if (msg_id != id) continue;
    if (type == "result") {
      result = msg;
    } else if (type == "delta") {
      printer.add(msg.value("text", ""));
      streamed = true;
    } else if (type == "done") {
      if (!streamed) printer.add(msg.value("answer", ""));
      printer.finish();
      std::fputs("\n", stdout);
      if (result.is_object()) print_sources(result);
      return false;
    } else if (type == "quiz_question") {
      print_quiz_question(msg);
      return true;
    } else if (type == "quiz_result") {
      print_quiz_result(msg);
      return false;
    }
  }
}

// The server's hello, then one ask per line of stdin until end of input or /quit.
template <class Socket>
void converse(Socket& ws, const std::string& url) {
  ws.text(true);
  beast::flat_buffer buffer;
  const json hello = read_json(ws, buffer);
  if (hello.value("type", "") != "hello") throw std::runtime_error("unexpected first message from the server");
  const bool interactive = ::isatty(STDIN_FILENO) != 0;
  if (interactive) {
    std::printf("connected to %s: %lld questions. Ask away (\"quiz me\" starts a quiz); Ctrl-D quits.\n", url.c_str(),
                static_cast<long long>(hello.value("questions", 0)));
  }
  std::string line;
  int n = 0;
  // After a quiz question the next line is the answer to it (graded by the server), unless it is
  // /skip. The quiz belongs to this connection: no user is named.
  bool answering = false;
  for (;;) {
    if (interactive) {
      std::printf("\n> ");
      std::fflush(stdout);
    }
    if (!std::getline(std::cin, line)) break;
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    if (line == "/quit" || line == "/exit") break;
    const std::string id = "q" + std::to_string(++n);
    if (answering && line == "/skip") {
      answering = false;
      continue;
    }
    const char* type = answering ? "quiz_answer" : "ask";
    ws.write(net::buffer(json({{"type", type}, {"id", id}, {"text", line}}).dump()));
    answering = print_replies(ws, buffer, id);
    std::fflush(stdout);
  }
  beast::error_code ec;
  ws.close(websocket::close_code::normal, ec);
}

}  // namespace

int run_chat(const ChatOptions& options) {
  try {
    const auto parsed = server::parse_url(options.url, {"ws", "wss"}, "/ws");
    if (!parsed.url) throw std::runtime_error(parsed.error);
    const server::Url& url = *parsed.url;
    net::io_context ioc;
    if (url.scheme == "ws") {
      PlainSocket ws(ioc);
      open(ws, url);
      converse(ws, options.url);
    } else {
      net::ssl::context ssl = make_tls_context(options.cafile);
      TlsSocket ws(ioc, ssl);
      open(ws, url);
      converse(ws, options.url);
    }
    return 0;
  } catch (const beast::system_error& e) {
    if (e.code() == websocket::error::closed) {
      std::fprintf(stderr, "qabot chat: the server closed the connection\n");
    } else {
      std::fprintf(stderr, "qabot chat: %s\n", e.code().message().c_str());
    }
    return 1;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "qabot chat: %s\n", e.what());
    return 1;
  }
}

void add_chat_command(CLI::App& app) {
  auto options = std::make_shared<ChatOptions>();
  auto* cmd = app.add_subcommand("chat", "Chat with a running `qabot serve` in the terminal");
  cmd->add_option("url", options->url, "Server WebSocket URL: ws://HOST[:PORT][/PATH], or wss://… over TLS")
      ->capture_default_str();
  cmd->add_option("--cafile", options->cafile,
                  "wss:// only: trust the CA certificates in this PEM file instead of the system store")
      ->check(CLI::ExistingFile);
  cmd->callback([options] {
    if (const int rc = run_chat(*options); rc != 0) throw CLI::RuntimeError(rc);
  });
}

}  // namespace qabot::app
