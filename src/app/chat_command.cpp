#include "app/chat_command.hpp"

#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <exception>
#include <iostream>
#include <memory>
#include <optional>
#include <regex>
#include <stdexcept>
#include <string>
#include <string_view>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>
#include <nlohmann/json.hpp>

#include "answer/math_finder.hpp"

namespace qabot::app {
namespace {

namespace beast = boost::beast;
namespace websocket = beast::websocket;
namespace net = boost::asio;
using tcp = net::ip::tcp;
using nlohmann::json;

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

struct WsUrl {
  std::string host;
  std::string port;
  std::string target;
};

WsUrl parse_url(const std::string& url) {
  // ws://host[:port][/path]; IPv6 hosts in brackets.
  static const std::regex re(R"(^ws://(\[[^\]]+\]|[^/:]+)(?::(\d+))?(/.*)?$)", std::regex::icase);
  std::smatch m;
  if (!std::regex_match(url, m, re)) throw std::runtime_error("not a ws:// URL: " + url);
  WsUrl u;
  u.host = m[1].str();
  if (u.host.front() == '[') u.host = u.host.substr(1, u.host.size() - 2);
  u.port = m[2].matched ? m[2].str() : "80";
  u.target = m[3].matched ? m[3].str() : "/ws";
  return u;
}

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
  std::printf("%s: score %.0f%%\n", msg.value("passed", false) ? "Passed" : "Not yet",
              100 * msg.value("score", 0.0));
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

}  // namespace

int run_chat(const std::string& url) {
  try {
    const WsUrl u = parse_url(url);
    net::io_context ioc;
    tcp::resolver resolver(ioc);
    websocket::stream<tcp::socket> ws(ioc);
    const auto endpoint = net::connect(ws.next_layer(), resolver.resolve(u.host, u.port));
    ws.next_layer().set_option(tcp::no_delay(true));
    ws.handshake(u.host + ":" + std::to_string(endpoint.port()), u.target);
    ws.text(true);

    beast::flat_buffer buffer;
    auto read_json = [&]() {
      buffer.clear();
      ws.read(buffer);
      return json::parse(beast::buffers_to_string(buffer.data()), nullptr, false);
    };

    const json hello = read_json();
    if (hello.value("type", "") != "hello") throw std::runtime_error("unexpected first message from the server");
    const bool interactive = ::isatty(STDIN_FILENO) != 0;
    if (interactive) {
      std::printf("connected to %s: %lld questions. Ask away (\"quiz me\" starts a quiz); Ctrl-D quits.\n",
                  url.c_str(),
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
      answering = false;
      ws.write(net::buffer(json({{"type", type}, {"id", id}, {"text", line}}).dump()));

      json result;
      bool streamed = false;
      AnswerPrinter printer;
      for (;;) {
        const json msg = read_json();
        if (!msg.is_object()) continue;
        const std::string type = msg.value("type", "");
        const json msg_id = msg.value("id", json());
        if (type == "error" && (msg_id == id || msg_id.is_null())) {
          std::fprintf(stderr, "error (%s): %s\n", msg.value("code", "").c_str(), msg.value("message", "").c_str());
          break;
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
          break;
        } else if (type == "quiz_question") {
          print_quiz_question(msg);
          answering = true;
          break;
        } else if (type == "quiz_result") {
          print_quiz_result(msg);
          break;
        }
      }
      std::fflush(stdout);
    }
    beast::error_code ec;
    ws.close(websocket::close_code::normal, ec);
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
  auto url = std::make_shared<std::string>("ws://127.0.0.1:8080/ws");
  auto* cmd = app.add_subcommand("chat", "Chat with a running `qabot serve` in the terminal");
  cmd->add_option("url", *url, "Server WebSocket URL")->capture_default_str();
  cmd->callback([url] {
    if (const int rc = run_chat(*url); rc != 0) throw CLI::RuntimeError(rc);
  });
}

}  // namespace qabot::app
