#include "sip/sofia_prelude.hpp"  // must come before any Sofia header

#include <boost/test/unit_test.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <sofia-sip/su.h>
#include <sofia-sip/su_wait.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <string>
#include <vector>

#include "sip/signal_batch.hpp"
#include "sofia_root.hpp"

// SignalBatch holds the signals of one stretch of input and flushes them
// together (sip/signal_batch.hpp). Here the "input" is a UDP socket on
// 127.0.0.1 that the loop reads one datagram per turn, as Sofia's UDP
// transport does, each datagram becoming one signal.
namespace {

using callboard::sip::SignalBatch;
using callboard::sip::SignalBatchLimits;

// The actors' side: records the signals, and the number held at each flush.
struct Recorder final : callboard::actors::CallSignals {
  void incoming(callboard::actors::IncomingCall c) override { seen.push_back("incoming " + c.call); }
  void leg_ringing(const std::string& call, callboard::domain::LegId leg) override {
    seen.push_back("ringing " + call + "/" + std::to_string(leg));
  }
  void leg_answered(const std::string& call, callboard::domain::LegId) override { seen.push_back("answered " + call); }
  void leg_failed(const std::string& call, callboard::domain::LegId, int s) override {
    seen.push_back("failed " + call + " " + std::to_string(s));
  }
  void leg_hung_up(const std::string& call, callboard::domain::LegId) override { seen.push_back("leg bye " + call); }
  void caller_cancelled(const std::string& call) override { seen.push_back("cancelled " + call); }
  void caller_hung_up(const std::string& call) override { seen.push_back("caller bye " + call); }
  void agent_registered(const std::string& a, const std::string&) override { seen.push_back("reg " + a); }
  void agent_unregistered(const std::string& a, const std::string&) override { seen.push_back("unreg " + a); }
  void flush() override {
    flushes.push_back(seen.size() - flushed);
    flushed = seen.size();
    if (root && flushed >= stop_after) su_root_break(root);
  }
  std::vector<std::string> seen;
  std::vector<std::size_t> flushes;  // signals handed on by each flush
  std::size_t flushed = 0;
  su_root_t* root = nullptr;
  std::size_t stop_after = 0;  // break the loop once this many were flushed
};

// A UDP socket on 127.0.0.1 and a sender to it.
struct Udp {
  Udp() {
    fd = socket(AF_INET, SOCK_DGRAM, 0);
    BOOST_REQUIRE(fd >= 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    BOOST_REQUIRE(bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof(a)) == 0);
    socklen_t len = sizeof(addr);
    BOOST_REQUIRE(getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0);
    sender = socket(AF_INET, SOCK_DGRAM, 0);
    BOOST_REQUIRE(sender >= 0);
  }
  ~Udp() {
    close(fd);
    close(sender);
  }
  void send(int n) {
    for (int i = 0; i < n; ++i)
      BOOST_REQUIRE(sendto(sender, "x", 1, 0, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 1);
  }
  unsigned short port() const { return ntohs(addr.sin_port); }
  int fd = -1;
  int sender = -1;
  sockaddr_in addr{};
};

// Reads one datagram per loop turn and reports it as a ringing leg, or,
// the `incoming_at`th, as a new call.
struct Reader {
  SignalBatch* batch = nullptr;
  int fd = -1;
  int incoming_at = 0;
  int read = 0;
};

int on_readable(callboard::sip::Engine*, su_wait_t* w, su_wakeup_arg_t* arg) {
  auto* r = static_cast<Reader*>(arg);
  char buf[16];
  if (!(su_wait_events(w, r->fd) & SU_WAIT_IN) || recv(r->fd, buf, sizeof buf, MSG_DONTWAIT) <= 0) return 0;
  if (++r->read == r->incoming_at)
    r->batch->incoming({"c", "+375291234567", "", "100"});
  else
    r->batch->leg_ringing("c", r->read);
  return 0;
}

void give_up(callboard::sip::Engine*, su_timer_t*, void* arg) {
  su_root_break(static_cast<su_root_t*>(arg));
}

// Runs the loop until the recorder breaks it, or 5 s.
void run(su_root_t* root) {
  su_timer_t* guard = su_timer_create(su_root_task(root), 5000);
  BOOST_REQUIRE(guard);
  su_timer_set(guard, &give_up, root);
  su_root_run(root);
  su_timer_destroy(guard);
}

// The loop reads `udp` through `batch`, `datagrams` of them waiting before
// it starts; returns the recorder's flush sizes.
std::vector<std::size_t> read_through(SignalBatchLimits limits, int datagrams, int incoming_at = 0) {
  SofiaRoot sofia;
  Udp udp;
  Recorder rec;
  rec.root = sofia.root;
  rec.stop_after = static_cast<std::size_t>(datagrams);
  SignalBatch batch(rec, limits);
  BOOST_REQUIRE(batch.attach(sofia.root, {udp.fd}));
  Reader reader{&batch, udp.fd, incoming_at};
  su_wait_t wait[1];
  BOOST_REQUIRE(su_wait_create(wait, udp.fd, SU_WAIT_IN) == 0);
  const int index = su_root_register(sofia.root, wait, &on_readable, &reader, 0);
  BOOST_REQUIRE(index > 0);
  udp.send(datagrams);
  run(sofia.root);
  su_root_deregister(sofia.root, index);
  batch.detach();
  BOOST_TEST(reader.read == datagrams);
  BOOST_TEST(rec.seen.size() == static_cast<std::size_t>(datagrams));
  if (!rec.seen.empty()) BOOST_TEST(rec.seen.back() == "ringing c/" + std::to_string(datagrams));
  return rec.flushes;
}

const SignalBatchLimits kLoose{64, std::chrono::seconds(10)};

}  // namespace

BOOST_AUTO_TEST_SUITE(signal_batch)

// Five datagrams waiting: five signals, one flush once the socket is empty.
BOOST_AUTO_TEST_CASE(signals_of_one_stretch_of_input_go_together) {
  const auto flushes = read_through(kLoose, 5);
  BOOST_TEST(flushes == std::vector<std::size_t>({5}), boost::test_tools::per_element());
}

// A new call is routed at once: its signal goes with those held before it,
// without waiting for the input behind it.
BOOST_AUTO_TEST_CASE(an_incoming_call_is_handed_on_at_once) {
  const auto flushes = read_through(kLoose, 5, 3);
  BOOST_TEST(flushes == std::vector<std::size_t>({3, 2}), boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(a_batch_is_cut_at_its_size_limit) {
  const auto flushes = read_through({3, std::chrono::seconds(10)}, 7);
  BOOST_TEST(flushes == std::vector<std::size_t>({3, 3, 1}), boost::test_tools::per_element());
}

// With no time to hold, each turn's signal goes on its own.
BOOST_AUTO_TEST_CASE(a_batch_is_cut_when_its_first_signal_is_held_too_long) {
  const auto flushes = read_through({64, std::chrono::microseconds(0)}, 4);
  BOOST_TEST(flushes == std::vector<std::size_t>({1, 1, 1, 1}), boost::test_tools::per_element());
}

namespace {

// One signal, made by a timer 1 ms after the loop starts (as nua's
// timeouts make them), with `pending` datagrams waiting on a socket the loop
// does not read. Returns the flushes and the milliseconds until the loop
// stopped (at the first flush, or the 5 s guard).
struct LoneSignal {
  std::vector<std::size_t> flushes;
  long long ms = 0;
};

LoneSignal lone_signal(SignalBatchLimits limits, int pending) {
  SofiaRoot sofia;
  Udp udp;
  udp.send(pending);
  Recorder rec;
  rec.root = sofia.root;
  rec.stop_after = 1;
  SignalBatch batch(rec, limits);
  BOOST_REQUIRE(batch.attach(sofia.root, {udp.fd}));
  su_timer_t* soon = su_timer_create(su_root_task(sofia.root), 1);
  BOOST_REQUIRE(soon);
  su_timer_set(soon, [](callboard::sip::Engine*, su_timer_t*, void* arg) {
    static_cast<SignalBatch*>(arg)->caller_hung_up("late");
  }, &batch);
  const auto start = std::chrono::steady_clock::now();
  run(sofia.root);
  const auto took = std::chrono::steady_clock::now() - start;
  su_timer_destroy(soon);
  batch.detach();
  return {rec.flushes, std::chrono::duration_cast<std::chrono::milliseconds>(took).count()};
}

}  // namespace

// Nothing more to read: the signal is flushed before the loop goes to
// sleep (it would otherwise sleep until the 5 s guard).
BOOST_AUTO_TEST_CASE(a_held_signal_does_not_wait_for_more_input) {
  const LoneSignal r = lone_signal(kLoose, 0);
  BOOST_TEST(r.flushes == std::vector<std::size_t>({1}), boost::test_tools::per_element());
  BOOST_TEST(r.ms < 1000);
}

// Input the loop does not read keeps the batch only until its age limit:
// the loop sleeps, the batch still goes.
BOOST_AUTO_TEST_CASE(input_nobody_reads_holds_a_batch_no_longer_than_its_age_limit) {
  const LoneSignal r = lone_signal({64, std::chrono::milliseconds(5)}, 1);
  BOOST_TEST(r.flushes == std::vector<std::size_t>({1}), boost::test_tools::per_element());
  BOOST_TEST(r.ms >= 5);    // held while the input was pending
  BOOST_TEST(r.ms < 1000);  // not until the 5 s guard
}

BOOST_AUTO_TEST_CASE(unattached_every_signal_goes_at_once_in_order) {
  Recorder rec;
  SignalBatch batch(rec);
  batch.incoming({"c1", "+375291234567", "", "100"});
  batch.leg_answered("c1", 1);
  batch.agent_registered("anna", "sip:anna@127.0.0.1");
  BOOST_TEST(rec.flushes == std::vector<std::size_t>({1, 1, 1}), boost::test_tools::per_element());
  BOOST_TEST(rec.seen == std::vector<std::string>({"incoming c1", "answered c1", "reg anna"}),
             boost::test_tools::per_element());
  BOOST_TEST(batch.batches() == 3u);
}

BOOST_AUTO_TEST_CASE(the_servers_udp_socket_is_found_by_its_port) {
  // A TCP socket on the same port is not an input to watch. The UDP port
  // is the kernel's pick, and the same TCP port may be taken by another
  // program: then another pick.
  for (int attempt = 0;; ++attempt) {
    Udp udp;
    const int tcp = socket(AF_INET, SOCK_STREAM, 0);
    BOOST_REQUIRE(tcp >= 0);
    sockaddr_in a = udp.addr;
    if (bind(tcp, reinterpret_cast<sockaddr*>(&a), sizeof(a)) != 0) {
      const int err = errno;
      close(tcp);
      BOOST_REQUIRE_MESSAGE(err == EADDRINUSE && attempt < 50, "bind: " << std::strerror(err));
      continue;
    }
    const auto fds = SignalBatch::udp_sockets_on({udp.port()});
    close(tcp);
    BOOST_TEST(fds == std::vector<int>({udp.fd}), boost::test_tools::per_element());
    return;
  }
}

BOOST_AUTO_TEST_SUITE_END()
