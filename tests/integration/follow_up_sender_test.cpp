// FollowUpSender against a local HTTPS server (127.0.0.1:0) with certificates made in the test:
// what is POSTed, which certificates are refused, retries, the deadline and the in-flight cap.

#include <gtest/gtest.h>

#include <chrono>
#include <future>
#include <optional>
#include <thread>

#include <nlohmann/json.hpp>

#include "server/follow_up_sender.hpp"
#include "support/test_certificate.hpp"
#include "support/tls_test_server.hpp"

namespace qabot::server::testing {
namespace {

using namespace std::chrono_literals;
using Outcome = FollowUpResult::Outcome;
using test_support::TestCertificate;
using test_support::TlsTestServer;

constexpr auto kWait = 15s;  // every wait is bounded; the sender's own deadlines are far shorter

class FollowUpSenderTest : public ::testing::Test {
 protected:
  FollowUpSenderTest() : guard_(net::make_work_guard(ioc_)), thread_([this] { ioc_.run(); }) {}

  ~FollowUpSenderTest() override {
    if (sender_) sender_->stop(0ms);
    guard_.reset();
    thread_.join();  // returns once every delivery has ended
    sender_.reset();
  }

  // Options that trust `cert` and allow https://localhost:PORT/.
  static FollowUpOptions local_options(const TestCertificate& cert, unsigned short port) {
    FollowUpOptions o;
    o.allowed_hosts = {"localhost"};
    o.allowed_ports = {port};
    o.trusted_ca_pem = cert.certificate_pem();
    o.retry_delay = 50ms;
    return o;
  }

  FollowUpSender& make_sender(FollowUpOptions options) {
    sender_ = std::make_shared<FollowUpSender>(ioc_, std::move(options));
    return *sender_;
  }

  // Sends and waits for the outcome.
  FollowUpResult deliver(const std::string& url, const std::string& json = R"({"text":"hi"})") {
    std::promise<FollowUpResult> promise;
    auto future = promise.get_future();
    sender_->send({url, json}, [this, &promise](const FollowUpResult& r) {
      in_flight_when_told_ = sender_->in_flight();
      promise.set_value(r);
    });
    if (future.wait_for(kWait) != std::future_status::ready) {
      ADD_FAILURE() << "no outcome within the wait";
      return {};
    }
    return future.get();
  }

  // Slots are freed just after the caller is told, so "idle" is waited for, within a bound.
  bool idle_within(std::chrono::milliseconds limit) const {
    const auto deadline = std::chrono::steady_clock::now() + limit;
    while (sender_->in_flight() != 0 && std::chrono::steady_clock::now() < deadline) std::this_thread::sleep_for(5ms);
    return sender_->in_flight() == 0;
  }

  static std::string local_url(unsigned short port, const std::string& path = "/actions/T0/1/secret-token") {
    return "https://localhost:" + std::to_string(port) + path;
  }

  net::io_context ioc_;
  net::executor_work_guard<net::io_context::executor_type> guard_;
  std::thread thread_;
  std::shared_ptr<FollowUpSender> sender_;
  std::size_t in_flight_when_told_ = 0;  // in_flight() as the last deliver()'s callback saw it
};

TEST_F(FollowUpSenderTest, PostsTheJsonToTheUrl) {
  const TestCertificate cert({"localhost"}, {"127.0.0.1"});
  TlsTestServer slack(cert);
  make_sender(local_options(cert, slack.port()));
  const std::string json = R"({"replace_original":false,"text":"BN 加速收敛"})";

  const auto result = deliver(local_url(slack.port()), json);
  EXPECT_EQ(result.outcome, Outcome::Delivered) << result.error;
  EXPECT_EQ(result.status, 200);
  EXPECT_EQ(result.attempts, 1);

  const auto got = slack.wait_for_requests(1, kWait);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].method, "POST");
  EXPECT_EQ(got[0].target, "/actions/T0/1/secret-token");
  EXPECT_EQ(got[0].host, "localhost:" + std::to_string(slack.port()));
  EXPECT_EQ(got[0].content_type, "application/json");
  EXPECT_EQ(got[0].body, json);
  // The slot is held until the caller has been told, then freed: in_flight() == 0 means every
  // outcome has been reported, which is what shutdown and a caller counting results rely on.
  EXPECT_EQ(in_flight_when_told_, 1u);
  EXPECT_TRUE(idle_within(kWait));
}

TEST_F(FollowUpSenderTest, RefusesACertificateItDoesNotTrust) {
  const TestCertificate served({"localhost"}, {"127.0.0.1"});
  const TestCertificate trusted({"localhost"}, {"127.0.0.1"});
  TlsTestServer impostor(served);
  make_sender(local_options(trusted, impostor.port()));

  const auto result = deliver(local_url(impostor.port()));
  EXPECT_EQ(result.outcome, Outcome::Failed);
  EXPECT_NE(result.error.find("TLS handshake"), std::string::npos) << result.error;
  EXPECT_EQ(result.attempts, 1);  // a certificate problem is not retried
  EXPECT_TRUE(impostor.wait_for_requests(1, 300ms).empty());
}

TEST_F(FollowUpSenderTest, SystemStoreRefusesASelfSignedCertificate) {
  const TestCertificate cert({"localhost"}, {"127.0.0.1"});
  TlsTestServer impostor(cert);
  auto options = local_options(cert, impostor.port());
  options.trusted_ca_pem.clear();  // the production default: the system store only
  make_sender(options);

  const auto result = deliver(local_url(impostor.port()));
  EXPECT_EQ(result.outcome, Outcome::Failed);
  EXPECT_TRUE(impostor.wait_for_requests(1, 300ms).empty());
}

TEST_F(FollowUpSenderTest, RefusesACertificateForAnotherHost) {
  const TestCertificate cert({"other.example"}, {});
  TlsTestServer impostor(cert);
  make_sender(local_options(cert, impostor.port()));  // trusted, but not issued for localhost

  const auto result = deliver(local_url(impostor.port()));
  EXPECT_EQ(result.outcome, Outcome::Failed);
  EXPECT_NE(result.error.find("TLS handshake"), std::string::npos) << result.error;
  EXPECT_TRUE(impostor.wait_for_requests(1, 300ms).empty());
}

TEST_F(FollowUpSenderTest, ConnectOverrideStillChecksTheUrlsHost) {
  const TestCertificate cert({"hooks.slack.com"}, {});
  TlsTestServer slack(cert);
  FollowUpOptions options;  // production hosts and ports
  options.trusted_ca_pem = cert.certificate_pem();
  options.connect_host = "127.0.0.1";
  options.connect_port = slack.port();
  make_sender(options);

  const auto result = deliver("https://hooks.slack.com/actions/T0/1/x");
  EXPECT_EQ(result.outcome, Outcome::Delivered) << result.error;
  const auto got = slack.wait_for_requests(1, kWait);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].host, "hooks.slack.com");
}

TEST_F(FollowUpSenderTest, RefusesUrlsOutsideTheAllowList) {
  const TestCertificate cert({"hooks.slack.com", "evil.example"}, {});
  TlsTestServer slack(cert, 200, TlsTestServer::Mode::Hold);
  FollowUpOptions options;
  options.trusted_ca_pem = cert.certificate_pem();
  options.connect_host = "127.0.0.1";
  options.connect_port = slack.port();
  make_sender(options);

  for (const char* url :
       {"https://evil.example/actions/x", "http://hooks.slack.com/actions/x", "https://hooks.slack.com:8443/actions/x",
        "https://user@hooks.slack.com/x", "https://hooks.slack.com/a b", "not a url"}) {
    const auto result = deliver(url);
    EXPECT_EQ(result.outcome, Outcome::Refused) << url;
    EXPECT_EQ(result.attempts, 0) << url;
  }
  EXPECT_EQ(slack.wait_for_connections(1, 300ms), 0u);
}

TEST_F(FollowUpSenderTest, RetriesAConnectionFailureOnce) {
  const TestCertificate cert({"localhost"}, {});
  unsigned short closed_port = 0;
  {
    tcp::acceptor probe(ioc_, tcp::endpoint(net::ip::make_address("127.0.0.1"), 0));
    closed_port = probe.local_endpoint().port();
  }  // nothing listens there any more: connections are refused
  auto options = local_options(cert, 443);
  options.connect_host = "127.0.0.1";
  options.connect_port = closed_port;
  make_sender(options);

  const auto result = deliver("https://localhost/actions/x");
  EXPECT_EQ(result.outcome, Outcome::Failed);
  EXPECT_EQ(result.attempts, 2);
  EXPECT_NE(result.error.find("connect"), std::string::npos) << result.error;
}

TEST_F(FollowUpSenderTest, DoesNotRetryARefusal) {
  const TestCertificate cert({"localhost"}, {});
  TlsTestServer slack(cert, 404);
  make_sender(local_options(cert, slack.port()));

  const auto result = deliver(local_url(slack.port()));
  EXPECT_EQ(result.outcome, Outcome::Rejected);
  EXPECT_EQ(result.status, 404);
  EXPECT_EQ(result.error, "expired_url");
  EXPECT_EQ(result.attempts, 1);
  EXPECT_EQ(slack.wait_for_requests(2, 300ms).size(), 1u);
}

TEST_F(FollowUpSenderTest, GivesUpAtTheDeadline) {
  const TestCertificate cert({"localhost"}, {});
  TlsTestServer silent(cert, 200, TlsTestServer::Mode::Hold);  // accepts, never answers the handshake
  auto options = local_options(cert, silent.port());
  options.timeout = 300ms;
  make_sender(options);

  const auto started = std::chrono::steady_clock::now();
  const auto result = deliver(local_url(silent.port()));
  const auto elapsed = std::chrono::steady_clock::now() - started;
  EXPECT_EQ(result.outcome, Outcome::Failed);
  EXPECT_NE(result.error.find("timed out"), std::string::npos) << result.error;
  EXPECT_GE(elapsed, 250ms);
  EXPECT_LT(elapsed, 3s);
}

TEST_F(FollowUpSenderTest, DropsWhatExceedsTheInFlightCap) {
  const TestCertificate cert({"localhost"}, {});
  TlsTestServer silent(cert, 200, TlsTestServer::Mode::Hold);
  auto options = local_options(cert, silent.port());
  options.max_in_flight = 2;
  make_sender(options);

  std::mutex mutex;
  std::vector<FollowUpResult> results;
  const auto collect = [&](const FollowUpResult& r) {
    std::lock_guard lock(mutex);
    results.push_back(r);
  };
  for (int i = 0; i < 6; ++i) sender_->send({local_url(silent.port()), "{}"}, collect);

  // The excess is answered at once, without a connection; the two others hang in the handshake.
  {
    std::lock_guard lock(mutex);
    ASSERT_EQ(results.size(), 4u);
    for (const auto& r : results) EXPECT_EQ(r.outcome, Outcome::Dropped);
  }
  EXPECT_EQ(sender_->in_flight(), 2u);
  EXPECT_EQ(silent.wait_for_connections(2, kWait), 2u);
  EXPECT_EQ(silent.wait_for_connections(3, 300ms), 2u);

  // stop() cancels what is left once the grace has passed, and frees the slots.
  sender_->stop(50ms);
  EXPECT_TRUE(idle_within(kWait));
  {
    std::lock_guard lock(mutex);
    ASSERT_EQ(results.size(), 6u);
    EXPECT_EQ(results[4].outcome, Outcome::Failed);
    EXPECT_EQ(results[4].error, "cancelled");
  }

  // Once stopped, nothing new starts. The drop is reported synchronously, inside send(), so the
  // mutex must not be held across it.
  sender_->send({local_url(silent.port()), "{}"}, collect);
  std::lock_guard lock(mutex);
  ASSERT_EQ(results.size(), 7u);
  EXPECT_EQ(results.back().outcome, Outcome::Dropped);
}

}  // namespace
}  // namespace qabot::server::testing
