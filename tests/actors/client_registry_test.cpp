// The client registry and client actors on CAF's real scheduler, over the
// group-commit writer and the in-memory log: replies only once durable,
// cross-client rules (phones, merges), expected versions, passivation and
// reloading from the log, tasks of no client, recovery from a failed append.
#define BOOST_TEST_MODULE crm_actors
#include <boost/test/unit_test.hpp>

#include <caf/all.hpp>

#include <atomic>
#include <chrono>
#include <thread>

#include "actors/client_actor.hpp"
#include "actors/messages.hpp"

using namespace callboard;
using namespace callboard::actors;
using namespace std::chrono_literals;

namespace {

class CountingMetrics final : public ActorMetrics {
 public:
  void append_failed() override { ++failed; }
  void call_actor_failed() override {}
  std::atomic<int> failed{0};
};

// The server's sink, which can be told to fail the next appends (a full
// disk) without writing them.
class FlakySink final : public EventSink {
 public:
  explicit FlakySink(storage::GroupCommitLog& log) : log_(log) {}
  void submit(std::vector<storage::NewEvent> events, storage::AppendCallback done) override {
    if (fail_next > 0) {
      --fail_next;
      done(Status::io_error("disk full"));
      return;
    }
    log_.submit(std::move(events), std::move(done));
  }
  std::atomic<int> fail_next{0};

 private:
  storage::GroupCommitLog& log_;
};

domain::Config crm_config() {
  domain::Config c;
  c.departments = {{"sales", "Продажи"}};
  domain::AgentConfig anna;
  anna.login = "anna";
  anna.name = "Анна";
  anna.department = "sales";
  domain::AgentConfig boris = anna;
  boris.login = "boris";
  c.agents = {anna, boris};
  return c;
}

caf::actor_system_config& system_config() {
  static caf::actor_system_config cfg = [] {
    caf::actor_system_config c;
    c.set("scheduler.max-threads", 2);
    c.set("logger.verbosity", caf::atom("quiet"));
    return c;
  }();
  return cfg;
}

struct World {
  explicit World(std::chrono::milliseconds idle = 60s) {
    views.attach(group);
    Services s;
    s.config = std::make_shared<const domain::Config>(crm_config());
    s.events = &sink;
    s.views = &views;
    s.log = log.get();
    s.clock = &clock;
    s.phones = &phones;
    s.metrics = &metrics;
    registry = system.spawn(client_registry, s, ClientActorOptions{idle});
  }
  ~World() {
    caf::anon_send_exit(registry, caf::exit_reason::user_shutdown);
    system.await_all_actors_done();
    group.stop();
  }

  std::vector<Result<domain::CommandOutcome>> run_all(const std::vector<domain::CommandEnvelope>& commands) {
    caf::scoped_actor self{system};
    std::vector<caf::response_handle<caf::blocking_actor, caf::message, true>> handles;
    for (const auto& c : commands) handles.push_back(self->request(registry, 10s, crm_atom::value, c));
    std::vector<Result<domain::CommandOutcome>> out;
    for (auto& h : handles) {
      Result<domain::CommandOutcome> r = Status::unavailable("no reply");
      h.receive([&](CrmReply& reply) { r = reply.status ? Result<domain::CommandOutcome>(reply.outcome) : reply.status; },
                [&](caf::error& e) { r = Status::unavailable(caf::to_string(e)); });
      out.push_back(std::move(r));
    }
    return out;
  }
  Result<domain::CommandOutcome> run(domain::ClientCommand c, std::optional<std::uint64_t> version = std::nullopt) {
    return run_all({{std::move(c), "anna", version}}).front();
  }
  std::size_t live() {
    caf::scoped_actor self{system};
    std::size_t n = 0;
    self->request(registry, 5s, live_atom::value).receive([&](std::size_t x) { n = x; }, [](caf::error&) {});
    return n;
  }
  std::vector<domain::RecordedEvent> stream(const std::string& id) {
    std::vector<domain::RecordedEvent> out;
    log->read_stream(id, 1, [&](const domain::RecordedEvent& e) {
      out.push_back(e);
      return true;
    });
    return out;
  }
  template <class F>
  auto read(F&& f) {
    return views.read(std::forward<F>(f));
  }

  std::unique_ptr<storage::EventLog> log = storage::make_memory_log();
  storage::ViewHost views;
  storage::GroupCommitLog group{*log};
  FlakySink sink{group};
  domain::ManualClock clock;
  domain::PhoneNumbers phones{"BY"};
  CountingMetrics metrics;
  caf::actor_system system{system_config()};
  caf::actor registry;
};

domain::CreateClient new_client(const std::string& name, std::vector<std::string> phones, const std::string& deal = "") {
  domain::NewClient n;
  n.name = name;
  n.phones = std::move(phones);
  n.deal_title = deal;
  return domain::CreateClient{n, 0, 0};
}

bool eventually(const std::function<bool()>& f, std::chrono::milliseconds limit = 5s) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (!f()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(5ms);
  }
  return true;
}

std::string code(const Result<domain::CommandOutcome>& r) {
  if (r) return "ok";
  switch (r.status().code()) {
    case Status::Code::not_found: return "not_found";
    case Status::Code::conflict: return "conflict";
    case Status::Code::invalid_argument: return "invalid_argument";
    case Status::Code::io_error: return "io_error";
    case Status::Code::unavailable: return "unavailable";
    default: return r.status().to_string();
  }
}

}  // namespace

BOOST_AUTO_TEST_CASE(a_created_client_is_durable_and_visible_when_the_reply_comes) {
  World w;
  auto r = w.run(new_client("Иван", {"+375291111111"}, "Поставка"));
  BOOST_REQUIRE_MESSAGE(r.is_ok(), r.status().to_string());
  BOOST_TEST(r->client == 1u);
  BOOST_TEST(r->id == 1u);  // the deal
  BOOST_TEST(r->version == 3u);
  BOOST_TEST(r->events == 3u);
  BOOST_TEST(r->sequence == w.log->last_sequence());
  BOOST_TEST(w.stream("client/1").size() == 3u);
  // Read-your-write: the views hold it before the reply.
  BOOST_TEST(w.read([](const domain::CrmViews& v) { return v.client_by_phone("+375291111111").value_or(0); }) == 1u);
  auto second = w.run(new_client("Мария", {}));
  BOOST_TEST(second->client == 2u);
}

BOOST_AUTO_TEST_CASE(a_phone_belongs_to_one_client_even_when_two_race_for_it) {
  World w;
  BOOST_REQUIRE(w.run(new_client("A", {"+375291111111"})).is_ok());
  auto taken = w.run(new_client("B", {"+375291111111"}));
  BOOST_TEST(code(taken) == "conflict");
  BOOST_TEST(taken.status().message() == "phones: +375291111111 belongs to client 1");
  auto b = w.run(new_client("B", {}));
  BOOST_REQUIRE(b.is_ok());
  auto link = w.run(domain::LinkPhone{b->client, "+375291111111"});
  BOOST_TEST(code(link) == "conflict");
  BOOST_TEST(link.status().message().rfind("phone: ", 0) == 0);
  // Two creations with one new number, in flight together: one wins.
  auto both = w.run_all({{new_client("X", {"+375292222222"}), "anna", std::nullopt},
                         {new_client("Y", {"+375292222222"}), "anna", std::nullopt},
                         {domain::LinkPhone{b->client, "+375292222222"}, "anna", std::nullopt}});
  int ok = 0;
  for (const auto& r : both) ok += r.is_ok() ? 1 : 0;
  BOOST_TEST(ok == 1);
  BOOST_TEST(code(both[1]) == "conflict");
  BOOST_TEST(code(both[2]) == "conflict");
  // Unlinked, the number is free again.
  BOOST_REQUIRE(w.run(domain::UnlinkPhone{1, "+375291111111"}).is_ok());
  BOOST_TEST(w.run(domain::LinkPhone{b->client, "+375291111111"}).is_ok());
}

BOOST_AUTO_TEST_CASE(a_stale_expected_version_is_a_conflict) {
  World w;
  auto c = w.run(new_client("A", {}));
  BOOST_REQUIRE(c.is_ok());
  auto note = w.run(domain::AddNote{1, 0, "first", ""}, c->version);
  BOOST_REQUIRE(note.is_ok());
  BOOST_TEST(note->version == c->version + 1);
  BOOST_TEST(note->id == 1u);
  auto stale = w.run(domain::AddNote{1, 0, "second", ""}, c->version);
  BOOST_TEST(code(stale) == "conflict");
  BOOST_TEST(stale.status().message().rfind("version: client 1 is at version 2, not 1", 0) == 0);
  BOOST_TEST(w.stream("client/1").size() == 2u);
  BOOST_TEST(code(w.run(domain::AddNote{99, 0, "x", ""})) == "not_found");
}

BOOST_AUTO_TEST_CASE(a_merge_closes_one_stream_and_later_writes_go_to_the_survivor) {
  World w;
  BOOST_REQUIRE(w.run(new_client("Иван Петров", {"+375291111111"}, "Поставка")).is_ok());
  BOOST_REQUIRE(w.run(new_client("И. Петров", {"+375293333333"}, "Запчасти")).is_ok());
  domain::CreateTask t;
  t.client = 2;
  t.due = 1;
  t.kind = domain::TaskKind::other;
  auto task = w.run(t);
  BOOST_REQUIRE(task.is_ok());
  auto m = w.run(domain::MergeClients{1, 2});
  BOOST_REQUIRE_MESSAGE(m.is_ok(), m.status().to_string());
  BOOST_TEST(m->client == 1u);
  BOOST_TEST(m->events == 2u);
  auto absorbed = w.stream("client/2");
  BOOST_TEST(domain::name_of(absorbed.back().event) == std::string("ClientMergedInto"));
  BOOST_TEST(domain::name_of(w.stream("client/1").back().event) == std::string("ClientsMerged"));
  BOOST_TEST(w.read([](const domain::CrmViews& v) { return v.client_by_phone("+375293333333").value_or(0); }) == 1u);

  // Written to the merged-away id: lands on the survivor's stream.
  auto note = w.run(domain::AddNote{2, 0, "после слияния", ""});
  BOOST_REQUIRE(note.is_ok());
  BOOST_TEST(note->client == 1u);
  const auto survivor = w.stream("client/1");
  const auto* added = std::get_if<domain::NoteAdded>(&survivor.back().event);
  BOOST_REQUIRE(added);
  BOOST_TEST(added->client == 1u);
  // The absorbed deal and task are the survivor's now.
  BOOST_TEST(w.run(domain::ChangeDealStage{1, 2, "won"}).is_ok());
  BOOST_TEST(w.run(domain::CompleteTask{1, task->id}).is_ok());
  BOOST_TEST(code(w.run(domain::MergeClients{1, 2})) == "conflict");
  BOOST_TEST(code(w.run(domain::MergeClients{1, 1})) == "invalid_argument");
  BOOST_TEST(code(w.run(domain::MergeClients{1, 77})) == "not_found");
}

BOOST_AUTO_TEST_CASE(idle_client_actors_are_passivated_and_reloaded_from_the_log) {
  World w(100ms);
  BOOST_REQUIRE(w.run(new_client("A", {"+375291111111"}, "d1")).is_ok());
  BOOST_REQUIRE(w.run(new_client("B", {"+375292222222"}, "d2")).is_ok());
  BOOST_REQUIRE(w.run(domain::MergeClients{1, 2}).is_ok());
  BOOST_TEST(w.live() >= 1u);
  BOOST_REQUIRE(eventually([&] { return w.live() == 0; }));
  // Reloaded from client/1 and client/2 (through the merge): it knows the
  // absorbed phone and deal, and its version.
  auto same = w.run(domain::LinkPhone{1, "+375292222222"});
  BOOST_REQUIRE(same.is_ok());
  BOOST_TEST(same->events == 0u);
  BOOST_TEST(same->version == 4u);  // created, phone, deal, merged
  BOOST_TEST(w.run(domain::ChangeDealStage{1, 2, "proposal"}).is_ok());
  BOOST_TEST(w.live() == 1u);
  BOOST_REQUIRE(eventually([&] { return w.live() == 0; }));
}

BOOST_AUTO_TEST_CASE(tasks_of_no_client_have_their_own_stream) {
  World w;
  domain::CreateTask t;
  t.due = 1'800'000'000'000'000;
  t.phone = "+375297777777";
  t.text = "перезвонить";
  auto created = w.run(t);
  BOOST_REQUIRE_MESSAGE(created.is_ok(), created.status().to_string());
  BOOST_TEST(created->client == 0u);
  const std::string stream = "task/" + std::to_string(created->id);
  BOOST_TEST(w.stream(stream).size() == 1u);
  BOOST_TEST(w.read([&](const domain::CrmViews& v) { return v.tasks().find(created->id)->assignee; }) == "anna");
  BOOST_TEST(w.run(domain::CompleteTask{0, created->id}).is_ok());
  BOOST_TEST(code(w.run(domain::CompleteTask{0, created->id})) == "conflict");
  BOOST_TEST(code(w.run(domain::CompleteTask{0, 999})) == "not_found");
  BOOST_TEST(w.stream(stream).size() == 2u);
  domain::CreateTask no_phone = t;
  no_phone.phone.clear();
  BOOST_TEST(code(w.run(no_phone)) == "invalid_argument");
}

BOOST_AUTO_TEST_CASE(a_failed_append_is_reported_and_the_actor_reloads) {
  World w;
  BOOST_REQUIRE(w.run(new_client("A", {})).is_ok());
  w.sink.fail_next = 1;
  auto failed = w.run(domain::AddNote{1, 0, "lost", ""});
  BOOST_TEST(code(failed) == "io_error");
  BOOST_TEST(w.metrics.failed == 1);
  // The next command is decided on the log's state, not the failed one.
  auto next = w.run(domain::AddNote{1, 0, "kept", ""});
  BOOST_REQUIRE_MESSAGE(next.is_ok(), next.status().to_string());
  BOOST_TEST(next->version == 2u);
  BOOST_TEST(w.stream("client/1").size() == 2u);
}

BOOST_AUTO_TEST_CASE(the_older_create_message_still_works) {
  World w;
  caf::scoped_actor self{w.system};
  domain::ClientId id = 0;
  std::string error = "none";
  self->request(w.registry, 10s, create_atom::value, std::string("Авто"), std::string(), std::string(),
                std::vector<std::string>{"+375295555555"}, std::string("boris"), std::string(), std::string())
      .receive(
          [&](domain::ClientId i, const std::string& e) {
            id = i;
            error = e;
          },
          [&](caf::error& e) { error = caf::to_string(e); });
  BOOST_TEST(id == 1u);
  BOOST_TEST(error.empty());
  BOOST_TEST(w.read([](const domain::CrmViews& v) { return v.client(1)->responsible; }) == "boris");
}
