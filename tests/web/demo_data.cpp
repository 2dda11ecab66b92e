#include "demo_data.hpp"

#include <utility>

namespace callboard::web::testing {

using namespace callboard::domain;

namespace {

AgentConfig agent(const char* login, const char* name, Role role, const char* password) {
  AgentConfig a;
  a.login = login;
  a.name = name;
  a.department = "sales";
  a.role = role;
  a.sip_user = login;
  a.sip_password = std::string(login) + "-sip";
  a.password = password;
  return a;
}

class Builder {
 public:
  template <class E>
  void add(std::string stream, Timestamp time, E event) {
    storage::NewEvent e;
    e.stream = std::move(stream);
    e.time = time;
    e.event = std::move(event);
    events_.push_back(std::move(e));
  }

  void past_call(const CallId& id, ClientId client, const std::string& caller, const AgentId& agent,
                 Timestamp received, Duration wait, Duration talk) {
    const std::string s = call_stream(id);
    add(s, received, CallReceived{id, caller, "100", ""});
    add(s, received + 1000, CallClassified{id, client, agent, "BY"});
    add(s, received + 2000, AgentOffered{id, agent});
    if (talk > 0) {
      add(s, received + wait, CallAnswered{id, agent});
      add(s, received + wait + talk, CallEnded{id, CallOutcome::answered, EndedBy::caller, 0});
    } else {
      add(s, received + wait, CallEnded{id, CallOutcome::abandoned, EndedBy::caller, 487});
    }
  }

  std::vector<storage::NewEvent> take() { return std::move(events_); }

 private:
  std::vector<storage::NewEvent> events_;
};

}  // namespace

Config demo_config() {
  Config c;
  c.source = "demo";
  c.listen.http = {"127.0.0.1", 0};
  c.default_region = "BY";
  c.departments = {{"sales", "Отдел продаж"}};
  c.agents = {agent("ivanov", "Иван Иванов", Role::agent, "ivanov-pass"),
              agent("petrova", "Мария Петрова", Role::agent, "petrova-pass"),
              agent("sidorov", "Пётр Сидоров", Role::supervisor, "sidorov-pass"),
              agent("admin", "Администратор", Role::admin, "admin-pass")};
  c.entry_points = {{"100", "Отдел продаж", "sales"}};
  return c;
}

std::vector<storage::NewEvent> demo_events(Timestamp now) {
  const Duration hour = 3600 * kMicrosPerSecond;
  const Duration sec = kMicrosPerSecond;
  const Timestamp t0 = now - 24 * hour;
  Builder b;
  for (const auto& a : demo_config().agents) {
    b.add(agent_stream(a.login), t0, AgentCreated{a.login, a.name, a.department});
  }

  b.add(client_stream(1), t0 + 1 * sec, ClientCreated{1, "Алексей Смирнов", "ООО «Ромашка»", "smirnov@romashka.by"});
  b.add(client_stream(1), t0 + 2 * sec, PhoneLinked{1, kKnownNumber});
  b.add(client_stream(1), t0 + 3 * sec, ResponsibleAssigned{1, "ivanov"});
  b.add(client_stream(1), t0 + 4 * sec,
        DealOpened{1, 1, "Поставка оборудования", "proposal", 1250000, "BYN"});

  b.add(client_stream(2), t0 + 5 * sec, ClientCreated{2, "Ольга Козлова", "ИП Козлова", ""});
  b.add(client_stream(2), t0 + 6 * sec, PhoneLinked{2, kSecondNumber});
  b.add(client_stream(2), t0 + 7 * sec, ResponsibleAssigned{2, "petrova"});
  b.add(client_stream(2), t0 + 8 * sec, DealOpened{2, 2, "Годовой контракт", "negotiation", 480000, "BYN"});

  b.past_call("hist-1", 1, kKnownNumber, "ivanov", t0 + 2 * hour, 8 * sec, 185 * sec);
  b.add(client_stream(1), t0 + 2 * hour + 200 * sec,
        NoteAdded{1, 1, "ivanov", "Просит КП до пятницы", "hist-1"});
  b.past_call("hist-2", 1, kKnownNumber, "ivanov", t0 + 20 * hour, 25 * sec, 0);
  b.past_call("hist-3", 2, kSecondNumber, "petrova", t0 + 21 * hour, 4 * sec, 62 * sec);

  b.add(agent_stream("ivanov"), now - hour, AgentRegistered{"ivanov", "sip:ivanov@127.0.0.1:5070"});
  b.add(agent_stream("ivanov"), now - hour + sec, AgentStateChanged{"ivanov", AgentState::available, "", ""});
  return b.take();
}

}  // namespace callboard::web::testing
