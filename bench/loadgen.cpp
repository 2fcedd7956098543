// WebSocket load generator for `qabot serve` (protocol v1) and for bench/echo_server, the transport's
// ceiling. Loopback only: it is a benchmark, not a tool to point at other people's servers.
//
//   loadgen --port 8080 --queries q.txt --connections 16 --concurrency 1 --duration 5 [--stream] [--json]
//   loadgen --port 8081 --echo --queries q.txt --connections 16 --duration 5        (same frames, echoed)
//   loadgen --port 8080 --rate 2000 --connections 16 --duration 5                  (open loop)
//   loadgen --port 8080 --idle --connections 10000 --duration 5 --server-pid PID   (idle connections, RSS)
//   loadgen --port 8080 --connections 500 --reconnect-after 20 --duration 600      (churn: reconnect every 20 asks)
//   loadgen --port 8080 --startup -- build/qabot serve --db big.db --port 8080     (exec → /healthz answers)
//
// Closed loop (--concurrency C): every connection keeps C asks outstanding and sends the next one when
// an ask completes. Open loop (--rate R): asks leave at R/s in total, spread evenly over the
// connections, and latency is measured from the moment an ask was *scheduled*, so a stalled server is
// not hidden by a client that waits for it (coordinated omission).
//
// First byte = the first reply frame for an ask (`result`, or the echo); complete = `done` (or the
// echo). Replies are matched by scanning for the top-level `"type":"` and `"id":"` keys rather than by
// parsing the JSON: inside a JSON string a quote is always escaped, so `"id":"` can only be a key, and
// the hits' own ids are numbers. The client stays cheap next to the server it shares the cores with.

#include <CLI/CLI.hpp>
#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>
#include <nlohmann/json.hpp>

#include <fcntl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <spawn.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <deque>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
namespace net = boost::asio;
using tcp = net::ip::tcp;
using Clock = std::chrono::steady_clock;

extern char** environ;

namespace {

struct Options {
  std::string host = "127.0.0.1";
  unsigned short port = 8080;
  std::string path = "/ws";
  std::string queries_file;
  std::size_t connections = 16;
  std::size_t concurrency = 1;
  double rate = 0;  // asks/s in total; 0: closed loop
  bool stream = false;
  int top_k = 3;
  double duration = 5;
  std::uint64_t count = 0;
  double warmup = 0.5;
  std::size_t threads = 1;
  std::size_t connect_parallel = 256;
  double connect_timeout = 60;
  std::size_t pad = 0;
  bool echo = false;
  bool idle = false;
  std::uint64_t reconnect_after = 0;  // closed loop: reconnect after this many asks (0: never)
  bool startup = false;
  bool json = false;
  int server_pid = 0;
  std::vector<std::string> command;  // --startup
};

std::int64_t ns_since(Clock::time_point origin, Clock::time_point t) {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(t - origin).count();
}

std::string json_escape(std::string_view s) {
  std::string out;
  out.reserve(s.size() + 8);
  for (unsigned char c : s) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c < 0x20) {
      char b[8];
      std::snprintf(b, sizeof b, "\\u%04x", c);
      out += b;
    } else {
      out += static_cast<char>(c);
    }
  }
  return out;
}

// The value of a top-level string key (`"key":"value"`), or empty.
std::string_view string_field(std::string_view frame, std::string_view key_with_quotes) {
  const auto p = frame.find(key_with_quotes);
  if (p == std::string_view::npos) return {};
  const auto start = p + key_with_quotes.size();
  const auto end = frame.find('"', start);
  if (end == std::string_view::npos) return {};
  return frame.substr(start, end - start);
}

struct ProcSample {
  double cpu_s = 0;  // user + system
  long rss_kb = 0;
};

std::optional<ProcSample> sample_process(int pid) {
  if (pid <= 0) return std::nullopt;
  ProcSample s;
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string line;
  if (!std::getline(stat, line)) return std::nullopt;
  // Fields after the command name, which is in parentheses and may hold spaces.
  std::istringstream rest(line.substr(line.rfind(')') + 2));
  std::string field;
  unsigned long utime = 0, stime = 0;
  for (int i = 3; i <= 15 && rest >> field; ++i) {
    if (i == 14) utime = std::stoul(field);
    if (i == 15) stime = std::stoul(field);
  }
  s.cpu_s = static_cast<double>(utime + stime) / static_cast<double>(sysconf(_SC_CLK_TCK));
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  while (std::getline(status, line)) {
    if (line.rfind("VmRSS:", 0) == 0) s.rss_kb = std::stol(line.substr(6));
  }
  return s;
}

double self_cpu_s() {
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  return static_cast<double>(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
         static_cast<double>(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

long self_rss_kb() { return sample_process(static_cast<int>(getpid())).value_or(ProcSample{}).rss_kb; }

void raise_fd_limit(std::size_t needed) {
  rlimit rl{};
  if (getrlimit(RLIMIT_NOFILE, &rl) != 0) return;
  const rlim_t want = std::min<rlim_t>(rl.rlim_max, std::max<rlim_t>(rl.rlim_cur, needed + 64));
  if (want > rl.rlim_cur) {
    rl.rlim_cur = want;
    setrlimit(RLIMIT_NOFILE, &rl);
  }
  getrlimit(RLIMIT_NOFILE, &rl);
  if (rl.rlim_cur < needed + 16) {
    std::cerr << "warning: RLIMIT_NOFILE is " << rl.rlim_cur << " (hard " << rl.rlim_max << "), below the " << needed
              << " connections asked for\n";
  }
}

// Everything the connections share; written before the io threads start or through atomics.
struct Run {
  Options opt;
  tcp::endpoint endpoint;
  std::vector<std::string> frames;  // one ask frame per query, without the id (see Connection::make_ask)
  Clock::time_point origin = Clock::now();
  std::int64_t warm_ns = 0;                                                     // samples count from here
  std::atomic<std::int64_t> stop_ns{std::numeric_limits<std::int64_t>::max()};  // completions count until here
  std::atomic<bool> stop_sending{false};
  std::atomic<std::uint64_t> sent{0};
  std::atomic<std::int64_t> outstanding{0};
  std::atomic<std::size_t> ready{0};
  std::atomic<std::size_t> failed{0};
  std::atomic<std::size_t> next_to_connect{0};
  std::atomic<std::size_t> connecting{0};

  // Claims one ask against --count; false when sending must stop.
  bool claim() {
    if (stop_sending.load(std::memory_order_relaxed)) return false;
    if (opt.count == 0) return true;
    if (sent.fetch_add(1) < opt.count) return true;
    stop_sending = true;
    return false;
  }
};

struct Stats {
  std::vector<std::uint32_t> first_us;
  std::vector<std::uint32_t> done_us;
  std::uint64_t completed_in_window = 0;
  std::uint64_t frames_in = 0;
  std::uint64_t bytes_in = 0;  // reply payload bytes of asks completed, all frames
  std::uint64_t replies = 0;   // asks completed (any time)
  std::uint64_t backlog_skips = 0;
  std::uint64_t reconnects = 0;
  std::int64_t last_completion_ns = 0;
  std::map<std::string, std::uint64_t> errors;
};

class Connection : public std::enable_shared_from_this<Connection> {
 public:
  Connection(net::io_context& ioc, Run& run, std::size_t index)
      : run_(run),
        index_(index),
        strand_(net::make_strand(ioc)),
        ws_(std::make_unique<Stream>(strand_)),
        timer_(strand_) {
    // Connections start evenly spread over the queries, so a file of N distinct queries is asked N
    // times before any repeats (bench/soak.sh's never-repeating stream), whatever the connection count.
    const std::size_t n = std::max<std::size_t>(1, run_.frames.size());
    const std::size_t c = std::max<std::size_t>(1, static_cast<std::size_t>(run_.opt.connections));
    next_query_ = static_cast<std::size_t>((static_cast<unsigned __int128>(n) * (index % c)) / c);
  }

  Stats& stats() { return stats_; }

  void connect() {
    beast::get_lowest_layer(*ws_).expires_after(std::chrono::seconds(30));
    beast::get_lowest_layer(*ws_).async_connect(
        run_.endpoint, beast::bind_front_handler(&Connection::on_connect, shared_from_this(), generation_));
  }

  // Starts the load on this connection (posted onto its strand).
  void start() {
    net::post(strand_, [self = shared_from_this()] {
      if (self->dead_ || self->run_.opt.idle) return;
      if (self->run_.opt.rate > 0) return self->schedule_rate(0);
      for (std::size_t i = 0; i < self->run_.opt.concurrency; ++i) self->send_ask(Clock::now());
    });
  }

  void close() {
    net::post(strand_, [self = shared_from_this()] {
      self->timer_.cancel();
      beast::error_code ec;
      beast::get_lowest_layer(*self->ws_).socket().close(ec);
    });
  }

 private:
  struct Pending {
    std::int64_t sent_ns = 0;
    bool got_first = false;
    std::uint64_t bytes = 0;
  };

  using Stream = websocket::stream<beast::tcp_stream>;

  void on_connect(std::uint64_t generation, beast::error_code ec) {
    if (generation != generation_) return;
    if (ec) return fail("connect", ec);
    beast::error_code opt_ec;
    beast::get_lowest_layer(*ws_).socket().set_option(tcp::no_delay(true), opt_ec);
    beast::get_lowest_layer(*ws_).expires_never();
    ws_->set_option(websocket::stream_base::timeout::suggested(beast::role_type::client));
    ws_->set_option(websocket::stream_base::decorator(
        [](websocket::request_type& req) { req.set(http::field::user_agent, "qabot-loadgen"); }));
    ws_->text(true);
    response_ = {};
    ws_->async_handshake(response_, run_.endpoint.address().to_string() + ":" + std::to_string(run_.endpoint.port()),
                         run_.opt.path,
                         beast::bind_front_handler(&Connection::on_handshake, shared_from_this(), generation_));
  }

  // Churn (--reconnect-after): hang up — abruptly, as a closed tab or a dropped phone does — and open a
  // fresh connection; sending resumes when its hello arrives. Handlers of the old socket carry an older
  // generation and are ignored.
  void reconnect() {
    ++generation_;
    ++stats_.reconnects;
    asks_on_socket_ = 0;
    reconnecting_ = true;
    beast::error_code ec;
    beast::get_lowest_layer(*ws_).socket().close(ec);
    old_streams_.push_back(std::move(ws_));  // its aborted handlers may still hold references into it
    if (old_streams_.size() > 4) old_streams_.pop_front();
    buffer_.consume(buffer_.size());
    ws_ = std::make_unique<Stream>(strand_);
    connect();
  }

  void on_handshake(std::uint64_t generation, beast::error_code ec) {
    if (generation != generation_) return;
    if (ec) {
      if (response_.result_int() != 0 && response_.result_int() != 101) {
        return fail("http_" + std::to_string(response_.result_int()), {});
      }
      return fail("handshake", ec);
    }
    do_read();
  }

  void do_read() {
    ws_->async_read(buffer_, beast::bind_front_handler(&Connection::on_read, shared_from_this(), generation_));
  }

  void on_read(std::uint64_t generation, beast::error_code ec, std::size_t bytes) {
    if (generation != generation_) return;
    if (ec) return fail("read", ec);
    const auto now_ns = ns_since(run_.origin, Clock::now());
    const auto data = buffer_.cdata();
    const std::string_view frame(static_cast<const char*>(data.data()), data.size());
    on_frame(frame, bytes, now_ns);
    if (generation != generation_) return;  // on_frame reconnected: the new socket reads for itself
    buffer_.consume(buffer_.size());
    do_read();
  }

  void on_frame(std::string_view frame, std::size_t bytes, std::int64_t now_ns) {
    ++stats_.frames_in;
    const auto type = string_field(frame, R"("type":")");
    if (!hello_seen_) {
      hello_seen_ = true;
      if (type == "hello") {
        ++run_.ready;
        connection_done();
        return;
      }
    }
    if (reconnecting_ && type == "hello") {
      reconnecting_ = false;
      for (std::size_t i = 0; i < run_.opt.concurrency; ++i) send_ask(Clock::now());
      return;
    }
    if (type == "hello" || type == "pong") return;
    const auto id_text = string_field(frame, R"("id":")");
    std::uint64_t id = 0;
    for (char c : id_text) id = id * 10 + static_cast<std::uint64_t>(c - '0');
    const auto it = pending_.find(id);
    if (id_text.empty() || it == pending_.end()) {
      ++stats_.errors[type == "error" ? std::string(string_field(frame, R"("code":")")) : "unmatched_reply"];
      return;
    }
    Pending& p = it->second;
    p.bytes += bytes;
    const bool sample = p.sent_ns >= run_.warm_ns;
    const auto us = static_cast<std::uint32_t>(std::max<std::int64_t>(0, now_ns - p.sent_ns) / 1000);
    if (!p.got_first) {
      p.got_first = true;
      if (sample && type != "error") stats_.first_us.push_back(us);
    }
    const bool complete = type == "done" || type == "error" || (run_.opt.echo && type == "ask");
    if (!complete) return;
    if (type == "error") {
      ++stats_.errors[std::string(string_field(frame, R"("code":")"))];
    } else {
      if (sample) stats_.done_us.push_back(us);
      if (now_ns >= run_.warm_ns && now_ns <= run_.stop_ns.load(std::memory_order_relaxed)) {
        ++stats_.completed_in_window;
      }
      stats_.bytes_in += p.bytes;
      ++stats_.replies;
    }
    stats_.last_completion_ns = now_ns;
    pending_.erase(it);
    --run_.outstanding;
    if (run_.opt.rate != 0) return;
    if (run_.opt.reconnect_after > 0 && ++asks_on_socket_ >= run_.opt.reconnect_after) {
      // Stop asking on this socket; hang up once its last ask is answered.
      if (pending_.empty() && !run_.stop_sending) reconnect();
      return;
    }
    send_ask(Clock::now());
  }

  void schedule_rate(std::uint64_t k) {
    // Connection i sends at origin + (k + i/N) * N/R: the connections interleave evenly.
    const double interval = static_cast<double>(run_.opt.connections) / run_.opt.rate;
    const double offset = interval * static_cast<double>(index_) / static_cast<double>(run_.opt.connections);
    const auto at = start_ + std::chrono::nanoseconds(static_cast<std::int64_t>((offset + interval * k) * 1e9));
    timer_.expires_at(at);
    timer_.async_wait([self = shared_from_this(), k, at](beast::error_code ec) {
      if (ec || self->dead_ || self->run_.stop_sending) return;
      if (self->pending_.size() >= 64) {
        ++self->stats_.backlog_skips;  // the server's per-connection limit: an ask would be refused
      } else {
        self->send_ask(at);
      }
      self->schedule_rate(k + 1);
    });
  }

  void send_ask(Clock::time_point scheduled) {
    if (dead_ || !run_.claim()) return;
    const std::uint64_t id = next_id_++;
    const std::string& body = run_.frames[next_query_];
    next_query_ = (next_query_ + 1) % run_.frames.size();
    std::string frame;
    frame.reserve(body.size() + 32);
    frame += R"({"type":"ask","id":")";
    frame += std::to_string(id);
    frame += '"';
    frame += body;
    pending_.emplace(id, Pending{ns_since(run_.origin, scheduled), false, 0});
    ++run_.outstanding;
    queue_.push_back(std::move(frame));
    if (!writing_) do_write();
  }

  void do_write() {
    writing_ = true;
    ws_->async_write(net::buffer(queue_.front()),
                     beast::bind_front_handler(&Connection::on_write, shared_from_this(), generation_));
  }

  void on_write(std::uint64_t generation, beast::error_code ec, std::size_t) {
    if (generation != generation_) return;
    writing_ = false;
    if (ec) return fail("write", ec);
    queue_.pop_front();
    if (!queue_.empty()) do_write();
  }

  void fail(const std::string& what, beast::error_code ec) {
    if (dead_) return;
    dead_ = true;
    timer_.cancel();
    run_.outstanding -= static_cast<std::int64_t>(pending_.size());
    pending_.clear();
    const bool expected =
        run_.stop_sending && (ec == net::error::operation_aborted || ec == net::error::bad_descriptor);
    if (!expected) {
      ++stats_.errors[ec ? what + ": " + ec.message() : what];
      if (!hello_seen_) {
        ++run_.failed;
        connection_done();
      }
    }
  }

  // One handshake finished (or failed): the next connection may start.
  void connection_done();

  Run& run_;
  std::size_t index_;
  net::strand<net::io_context::executor_type> strand_;
  std::unique_ptr<Stream> ws_;
  std::deque<std::unique_ptr<Stream>> old_streams_;
  std::uint64_t generation_ = 0;
  std::uint64_t asks_on_socket_ = 0;
  bool reconnecting_ = false;
  net::steady_timer timer_;
  websocket::response_type response_;
  beast::flat_buffer buffer_;
  std::deque<std::string> queue_;
  bool writing_ = false;
  bool hello_seen_ = false;
  bool dead_ = false;
  std::unordered_map<std::uint64_t, Pending> pending_;
  std::uint64_t next_id_ = 0;
  std::size_t next_query_ = 0;
  Stats stats_;

 public:
  Clock::time_point start_;
  std::vector<std::shared_ptr<Connection>>* all_ = nullptr;
};

void Connection::connection_done() {
  --run_.connecting;
  const std::size_t next = run_.next_to_connect.fetch_add(1);
  if (next < all_->size()) {
    ++run_.connecting;
    (*all_)[next]->connect();
  }
}

struct Summary {
  std::uint32_t p50 = 0, p90 = 0, p99 = 0, max = 0;
  double mean = 0;
  std::size_t n = 0;
};

Summary summarize(std::vector<std::uint32_t>& v) {
  Summary s;
  s.n = v.size();
  if (v.empty()) return s;
  std::sort(v.begin(), v.end());
  auto at = [&](double q) {
    return v[std::min(v.size() - 1, static_cast<std::size_t>(q * static_cast<double>(v.size())))];
  };
  s.p50 = at(0.50);
  s.p90 = at(0.90);
  s.p99 = at(0.99);
  s.max = v.back();
  double sum = 0;
  for (auto x : v) sum += x;
  s.mean = sum / static_cast<double>(v.size());
  return s;
}

nlohmann::json to_json(const Summary& s) {
  return {{"p50_us", s.p50}, {"p90_us", s.p90}, {"p99_us", s.p99}, {"max_us", s.max}, {"mean_us", s.mean}, {"n", s.n}};
}

std::vector<std::string> load_frames(const Options& opt) {
  std::vector<std::string> queries;
  if (!opt.queries_file.empty()) {
    std::ifstream in(opt.queries_file);
    if (!in) throw std::runtime_error("cannot read " + opt.queries_file);
    for (std::string line; std::getline(in, line);) {
      if (!line.empty() && line.back() == '\r') line.pop_back();
      if (!line.empty()) queries.push_back(line);
    }
  }
  if (queries.empty()) queries = {"BN有什么作用", "过拟合怎么办", "what does batchnorm do"};
  std::vector<std::string> frames;
  frames.reserve(queries.size());
  const std::string pad = opt.pad ? R"(,"pad":")" + std::string(opt.pad, 'x') + '"' : "";
  for (const auto& q : queries) {
    frames.push_back(R"(,"text":")" + json_escape(q) + R"(","top_k":)" + std::to_string(opt.top_k) + R"(,"stream":)" +
                     (opt.stream ? "true" : "false") + pad + "}");
  }
  return frames;
}

// Exec the command, then poll GET /healthz every millisecond until it answers 200.
int run_startup(const Options& opt, const tcp::endpoint& endpoint) {
  if (opt.command.empty()) throw std::runtime_error("--startup needs a command after --");
  std::vector<char*> argv;
  for (const auto& a : opt.command) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  const auto t0 = Clock::now();
  pid_t pid = 0;
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);  // keep --json clean
  const int spawn_rc = posix_spawnp(&pid, argv[0], &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (spawn_rc != 0) throw std::runtime_error("cannot run " + opt.command[0]);
  double ready_ms = -1;
  std::string body;
  net::io_context ioc;
  while (std::chrono::duration<double>(Clock::now() - t0).count() < opt.connect_timeout) {
    int status = 0;
    if (waitpid(pid, &status, WNOHANG) == pid) throw std::runtime_error("the server exited before answering");
    beast::tcp_stream stream(ioc);
    beast::error_code ec;
    stream.socket().connect(endpoint, ec);
    if (!ec) {
      http::request<http::empty_body> req(http::verb::get, "/healthz", 11);
      req.set(http::field::host, "127.0.0.1");
      http::write(stream, req, ec);
      beast::flat_buffer buf;
      http::response<http::string_body> res;
      if (!ec) http::read(stream, buf, res, ec);
      if (!ec && res.result() == http::status::ok) {
        ready_ms = std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
        body = res.body();
        break;
      }
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  const auto sample = sample_process(pid);
  kill(pid, SIGTERM);
  int status = 0;
  waitpid(pid, &status, 0);
  if (ready_ms < 0) throw std::runtime_error("the server did not answer /healthz in time");
  if (opt.json) {
    std::cout << nlohmann::json{{"mode", "startup"},
                                {"ready_ms", ready_ms},
                                {"healthz", body},
                                {"server_rss_kb", sample ? sample->rss_kb : 0}}
                     .dump()
              << "\n";
  } else {
    std::printf("start-up to /healthz 200: %.1f ms (server RSS %ld KB)  %s\n", ready_ms, sample ? sample->rss_kb : 0,
                body.c_str());
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  Options opt;
  CLI::App app{"WebSocket load generator for qabot serve and bench/echo_server (loopback only)"};
  app.add_option("--host", opt.host, "Server address (loopback only)")->capture_default_str();
  app.add_option("--port", opt.port, "Server port")->capture_default_str();
  app.add_option("--path", opt.path, "WebSocket path")->capture_default_str();
  app.add_option("--queries", opt.queries_file, "Query file, one per line (build/bench/generate_bank --queries ...)");
  app.add_option("-c,--connections", opt.connections, "Connections (up to 10,000 and more)")->capture_default_str();
  app.add_option("--concurrency", opt.concurrency, "Outstanding asks per connection (closed loop)")
      ->capture_default_str();
  app.add_option("--rate", opt.rate, "Asks per second in total (open loop; 0: closed loop)")->capture_default_str();
  app.add_flag("--stream", opt.stream, "Ask with stream:true (start the server with --pace-ms 0)");
  app.add_option("--top-k", opt.top_k, "top_k of every ask")->capture_default_str();
  app.add_option("-d,--duration", opt.duration, "Seconds of load after warm-up (0: until --count)")
      ->capture_default_str();
  app.add_option("-n,--count", opt.count, "Stop after this many asks (0: no limit)")->capture_default_str();
  app.add_option("--warmup", opt.warmup, "Seconds at the start left out of the figures")->capture_default_str();
  app.add_option("-t,--threads", opt.threads, "Client io threads")->capture_default_str();
  app.add_option("--connect-parallel", opt.connect_parallel, "Handshakes in progress at once")->capture_default_str();
  app.add_option("--connect-timeout", opt.connect_timeout, "Seconds to open every connection")->capture_default_str();
  app.add_option("--pad", opt.pad, "Add a \"pad\" field of this many bytes to every ask")->capture_default_str();
  app.add_flag("--echo", opt.echo, "The server echoes frames (bench/echo_server): an echoed ask completes it");
  app.add_option("--reconnect-after", opt.reconnect_after,
                 "Churn: each connection hangs up and reconnects after this many asks (closed loop; 0: never)")
      ->capture_default_str();
  app.add_flag("--idle", opt.idle, "Open the connections, read hello, hold them for --duration");
  app.add_flag("--startup", opt.startup, "Run the command after --, time until GET /healthz answers 200");
  app.add_option("--server-pid", opt.server_pid, "Report this process's CPU time and RSS (/proc/PID)");
  app.add_flag("--json", opt.json, "One JSON object on stdout instead of text");
  app.add_option("command", opt.command, "Server command line for --startup");
  CLI11_PARSE(app, argc, argv);

  try {
    net::io_context resolver_ctx;
    tcp::resolver resolver(resolver_ctx);
    const auto results = resolver.resolve(opt.host, std::to_string(opt.port));
    if (results.empty()) throw std::runtime_error("cannot resolve " + opt.host);
    const tcp::endpoint endpoint = results.begin()->endpoint();
    if (!endpoint.address().is_loopback()) {
      throw std::runtime_error("refusing " + endpoint.address().to_string() + ": loadgen only targets loopback");
    }
    if (opt.startup) return run_startup(opt, endpoint);
    if (opt.duration <= 0 && opt.count == 0 && !opt.idle) throw std::runtime_error("give --duration or --count");
    if (opt.connections == 0 || opt.concurrency == 0)
      throw std::runtime_error("connections and concurrency must be > 0");
    raise_fd_limit(opt.connections);
    std::signal(SIGPIPE, SIG_IGN);

    Run run;
    run.opt = opt;
    run.endpoint = endpoint;
    run.frames = load_frames(opt);

    net::io_context ioc(static_cast<int>(opt.threads));
    auto guard = net::make_work_guard(ioc);
    std::vector<std::shared_ptr<Connection>> conns;
    conns.reserve(opt.connections);
    for (std::size_t i = 0; i < opt.connections; ++i) {
      conns.push_back(std::make_shared<Connection>(ioc, run, i));
      conns.back()->all_ = &conns;
    }
    const auto server_base = sample_process(opt.server_pid);
    std::vector<std::thread> threads;
    for (std::size_t i = 0; i < opt.threads; ++i) threads.emplace_back([&ioc] { ioc.run(); });

    // Open the connections, at most --connect-parallel handshakes at once.
    const auto t_connect = Clock::now();
    const std::size_t first = std::min(opt.connect_parallel, conns.size());
    run.next_to_connect = first;
    run.connecting = first;
    for (std::size_t i = 0; i < first; ++i) conns[i]->connect();
    while (run.ready + run.failed < conns.size() &&
           std::chrono::duration<double>(Clock::now() - t_connect).count() < opt.connect_timeout) {
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    const double connect_s = std::chrono::duration<double>(Clock::now() - t_connect).count();

    nlohmann::json out;
    std::optional<ProcSample> server_start, server_end;
    double self_start = 0, self_end = 0, window_s = 0;
    if (opt.idle) {
      std::this_thread::sleep_for(std::chrono::milliseconds(500));  // let the server settle
      const auto loaded = sample_process(opt.server_pid);
      std::this_thread::sleep_for(std::chrono::duration<double>(std::max(0.0, opt.duration)));
      out = {{"mode", "idle"},
             {"connections", opt.connections},
             {"connected", run.ready.load()},
             {"failed", run.failed.load()},
             {"connect_s", connect_s},
             {"loadgen_rss_kb", self_rss_kb()}};
      if (server_base && loaded) {
        out["server_rss_base_kb"] = server_base->rss_kb;
        out["server_rss_loaded_kb"] = loaded->rss_kb;
        out["server_kb_per_connection"] =
            run.ready ? static_cast<double>(loaded->rss_kb - server_base->rss_kb) / static_cast<double>(run.ready)
                      : 0.0;
      }
    } else {
      // Load: start every connection together; the window opens after the warm-up.
      run.stop_sending = false;
      const auto t_start = Clock::now();
      run.warm_ns = ns_since(run.origin, t_start) + static_cast<std::int64_t>(opt.warmup * 1e9);
      for (auto& c : conns) {
        c->start_ = t_start;
        c->start();
      }
      const auto t_warm = t_start + std::chrono::nanoseconds(static_cast<std::int64_t>(opt.warmup * 1e9));
      std::this_thread::sleep_until(t_warm);
      server_start = sample_process(opt.server_pid);
      self_start = self_cpu_s();
      const auto deadline = t_warm + std::chrono::nanoseconds(static_cast<std::int64_t>(opt.duration * 1e9));
      for (;;) {
        const auto now = Clock::now();
        if (opt.duration > 0 && now >= deadline) break;
        if (opt.count > 0 && run.stop_sending && run.outstanding <= 0) break;
        std::this_thread::sleep_for(std::chrono::milliseconds(2));
      }
      const auto t_end = Clock::now();
      if (opt.duration > 0) run.stop_ns = ns_since(run.origin, t_end);
      run.stop_sending = true;
      server_end = sample_process(opt.server_pid);
      self_end = self_cpu_s();
      // Let asks in flight finish (they are in the latency figures), for at most 2 s.
      const auto grace = Clock::now() + std::chrono::seconds(2);
      while (run.outstanding > 0 && Clock::now() < grace) std::this_thread::sleep_for(std::chrono::milliseconds(2));
      window_s = std::chrono::duration<double>(t_end - t_warm).count();
    }
    for (auto& c : conns) c->close();
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    guard.reset();
    ioc.stop();
    for (auto& t : threads) t.join();

    if (!opt.idle) {
      std::vector<std::uint32_t> first_us, done_us;
      std::map<std::string, std::uint64_t> errors;
      std::uint64_t completed = 0, frames_in = 0, bytes_in = 0, replies = 0, skips = 0, reconnects = 0;
      std::int64_t last_ns = 0;
      for (auto& c : conns) {
        auto& s = c->stats();
        first_us.insert(first_us.end(), s.first_us.begin(), s.first_us.end());
        done_us.insert(done_us.end(), s.done_us.begin(), s.done_us.end());
        for (auto& [k, v] : s.errors) errors[k] += v;
        completed += s.completed_in_window;
        frames_in += s.frames_in;
        bytes_in += s.bytes_in;
        replies += s.replies;
        skips += s.backlog_skips;
        reconnects += s.reconnects;
        last_ns = std::max(last_ns, s.last_completion_ns);
      }
      if (opt.duration <= 0) window_s = std::max(1e-9, static_cast<double>(last_ns - run.warm_ns) / 1e9);
      auto first = summarize(first_us);
      auto done = summarize(done_us);
      out = {{"mode", opt.echo ? "echo" : "ask"},
             {"connections", opt.connections},
             {"connected", run.ready.load()},
             {"concurrency", opt.concurrency},
             {"rate_target", opt.rate},
             {"stream", opt.stream},
             {"window_s", window_s},
             {"asks", completed},
             {"asks_per_s", static_cast<double>(completed) / window_s},
             {"first_byte", to_json(first)},
             {"complete", to_json(done)},
             {"errors", errors},
             {"frames_in", frames_in},
             {"reply_bytes_per_ask", replies ? static_cast<double>(bytes_in) / static_cast<double>(replies) : 0.0},
             {"request_bytes", run.frames.empty() ? 0 : run.frames[0].size() + 25},  // + {"type":"ask","id":"NNNN"
             {"backlog_skips", skips},
             {"reconnects", reconnects},
             {"loadgen_cpu_s", self_end - self_start}};
      if (server_start && server_end) out["server_cpu_s"] = server_end->cpu_s - server_start->cpu_s;
      if (server_end) out["server_rss_kb"] = server_end->rss_kb;
    }
    if (opt.json) {
      std::cout << out.dump() << "\n";
    } else if (opt.idle) {
      std::printf("idle: %zu/%zu connections open (%zu failed) in %.2f s; loadgen RSS %ld KB\n", run.ready.load(),
                  opt.connections, run.failed.load(), connect_s, self_rss_kb());
      if (out.contains("server_rss_base_kb")) {
        std::printf("server RSS: base %ld KB, loaded %ld KB, %.1f KB per connection\n",
                    out["server_rss_base_kb"].get<long>(), out["server_rss_loaded_kb"].get<long>(),
                    out["server_kb_per_connection"].get<double>());
      }
    } else {
      const auto& f = out["first_byte"];
      const auto& d = out["complete"];
      std::printf("%s: %zu connections x %zu outstanding%s, stream:%s, %.2f s window\n", opt.echo ? "echo" : "ask",
                  opt.connections, opt.concurrency,
                  opt.rate > 0 ? (" at " + std::to_string(static_cast<long>(opt.rate)) + "/s").c_str() : "",
                  opt.stream ? "true" : "false", window_s);
      std::printf("  %.0f asks/s (%llu asks), %.0f reply bytes/ask\n", out["asks_per_s"].get<double>(),
                  static_cast<unsigned long long>(out["asks"].get<std::uint64_t>()),
                  out["reply_bytes_per_ask"].get<double>());
      std::printf("  first byte µs: p50 %u p90 %u p99 %u max %u\n", f["p50_us"].get<unsigned>(),
                  f["p90_us"].get<unsigned>(), f["p99_us"].get<unsigned>(), f["max_us"].get<unsigned>());
      std::printf("  complete   µs: p50 %u p90 %u p99 %u max %u\n", d["p50_us"].get<unsigned>(),
                  d["p90_us"].get<unsigned>(), d["p99_us"].get<unsigned>(), d["max_us"].get<unsigned>());
      if (out.contains("server_cpu_s")) {
        std::printf("  cpu: server %.2f s, loadgen %.2f s over the window\n", out["server_cpu_s"].get<double>(),
                    out["loadgen_cpu_s"].get<double>());
      }
      for (auto& [k, v] : out["errors"].items())
        std::printf("  error %s: %llu\n", k.c_str(), static_cast<unsigned long long>(v.get<std::uint64_t>()));
    }
    return run.ready == 0 ? 1 : 0;
  } catch (const std::exception& e) {
    std::cerr << "loadgen: " << e.what() << "\n";
    return 1;
  }
}
