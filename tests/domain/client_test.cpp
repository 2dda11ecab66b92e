// The client aggregate, given/when/then: given the events a client's stream
// holds, when a command is decided, then these events (or this error).
#include <boost/test/unit_test.hpp>

#include "domain/client.hpp"

using namespace callboard;
using namespace callboard::domain;

namespace {

Config config() {
  Config c;
  c.departments = {{"sales", "Продажи"}, {"support", "Поддержка"}};
  AgentConfig anna;
  anna.login = "anna";
  anna.name = "Анна";
  anna.department = "sales";
  AgentConfig boris = anna;
  boris.login = "boris";
  c.agents = {anna, boris};
  return c;
}

ClientState given(const std::vector<Event>& events) {
  ClientState s;
  for (const auto& e : events) s = evolve(std::move(s), e);
  return s;
}

// Ivan, client 7: one phone, anna responsible, a deal at "new" (deal 3).
std::vector<Event> ivan() {
  return {ClientCreated{7, "Иван Петров", "ООО Ромашка", "ivan@romashka.by"}, PhoneLinked{7, "+375291111111"},
          ResponsibleAssigned{7, "anna"}, DealOpened{7, 3, "Поставка", "new", 0, ""}};
}

Result<std::vector<Event>> when(const ClientState& s, const ClientCommand& c, const AgentId& by = "anna") {
  return decide(s, c, by, config());
}

void then_events(const Result<std::vector<Event>>& r, const std::vector<Event>& expected) {
  BOOST_REQUIRE_MESSAGE(r.is_ok(), r.status().to_string());
  BOOST_TEST(r->size() == expected.size());
  for (std::size_t i = 0; i < std::min(r->size(), expected.size()); ++i) {
    BOOST_TEST(((*r)[i] == expected[i]), "event " << i << ": " << name_of((*r)[i]) << " vs " << name_of(expected[i]));
  }
}

void then_error(const Result<std::vector<Event>>& r, Status::Code code, const std::string& starts_with) {
  BOOST_REQUIRE(!r.is_ok());
  BOOST_TEST(to_string(r.status().code()) == to_string(code));
  BOOST_TEST(r.status().message().rfind(starts_with, 0) == 0, r.status().message());
}

NewClient draft(const std::string& name) {
  NewClient n;
  n.name = name;
  return n;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(client_aggregate)

BOOST_AUTO_TEST_CASE(create_writes_the_card_phones_responsible_tags_and_deal) {
  NewClient n = draft("  Мария Сидоренко ");
  n.company = "ИП Сидоренко";
  n.email = "maria@example.by";
  n.phones = {"+74951234567", "+375442222222", "+74951234567"};
  n.responsible = "boris";
  n.tags = {"vip", " vip ", "опт"};
  n.deal_title = "Годовой контракт";
  n.deal_amount = 125000;
  n.deal_currency = "BYN";
  then_events(when(ClientState{}, CreateClient{n, 9, 4}),
              {ClientCreated{9, "Мария Сидоренко", "ИП Сидоренко", "maria@example.by"},
               PhoneLinked{9, "+74951234567"}, PhoneLinked{9, "+375442222222"}, ResponsibleAssigned{9, "boris"},
               TagAdded{9, "vip"}, TagAdded{9, "опт"}, DealOpened{9, 4, "Годовой контракт", "new", 125000, "BYN"}});
}

BOOST_AUTO_TEST_CASE(create_refuses_what_breaks_a_rule) {
  then_error(when(ClientState{}, CreateClient{draft(" "), 9, 0}), Status::Code::invalid_argument, "name:");
  NewClient bad_email = draft("X");
  bad_email.email = "not-an-address";
  then_error(when(ClientState{}, CreateClient{bad_email, 9, 0}), Status::Code::invalid_argument, "email:");
  NewClient bad_phone = draft("X");
  bad_phone.phones = {"8029 111"};
  then_error(when(ClientState{}, CreateClient{bad_phone, 9, 0}), Status::Code::invalid_argument, "phones:");
  NewClient stranger = draft("X");
  stranger.responsible = "nobody";
  then_error(when(ClientState{}, CreateClient{stranger, 9, 0}), Status::Code::invalid_argument, "responsible:");
  NewClient stage = draft("X");
  stage.deal_title = "D";
  stage.deal_stage = "dreaming";
  then_error(when(ClientState{}, CreateClient{stage, 9, 1}), Status::Code::invalid_argument, "deal.stage:");
  NewClient untitled = draft("X");
  untitled.deal_stage = "new";
  then_error(when(ClientState{}, CreateClient{untitled, 9, 1}), Status::Code::invalid_argument, "deal.title:");
  NewClient comma = draft("X");
  comma.tags = {"a,b"};
  then_error(when(ClientState{}, CreateClient{comma, 9, 0}), Status::Code::invalid_argument, "tag:");
  NewClient control = draft("X\x01Y");
  then_error(when(ClientState{}, CreateClient{control, 9, 0}), Status::Code::invalid_argument, "name:");
  NewClient not_utf8 = draft("\xC3\x28");
  then_error(when(ClientState{}, CreateClient{not_utf8, 9, 0}), Status::Code::invalid_argument, "name:");
  then_error(when(given(ivan()), CreateClient{draft("Again"), 7, 0}), Status::Code::conflict, "client 7 exists");
}

BOOST_AUTO_TEST_CASE(update_writes_only_a_change) {
  UpdateClient u{7, std::string("Иван Петрович"), std::nullopt, std::string("")};
  then_events(when(given(ivan()), u), {ClientUpdated{7, "Иван Петрович", "ООО Ромашка", ""}});
  then_events(when(given(ivan()), UpdateClient{7, std::string("Иван Петров"), std::nullopt, std::nullopt}), {});
  then_error(when(given(ivan()), UpdateClient{7, std::string(""), std::nullopt, std::nullopt}),
             Status::Code::invalid_argument, "name:");
  then_error(when(ClientState{}, UpdateClient{5, std::string("X"), std::nullopt, std::nullopt}),
             Status::Code::not_found, "client 5 does not exist");
}

BOOST_AUTO_TEST_CASE(phones_link_once_and_unlink_only_when_there) {
  ClientState s = given(ivan());
  then_events(when(s, LinkPhone{7, "+375292222222"}), {PhoneLinked{7, "+375292222222"}});
  then_events(when(s, LinkPhone{7, "+375291111111"}), {});
  then_error(when(s, LinkPhone{7, "375291111111"}), Status::Code::invalid_argument, "phone:");
  then_events(when(s, UnlinkPhone{7, "+375291111111"}), {PhoneUnlinked{7, "+375291111111"}});
  then_error(when(s, UnlinkPhone{7, "+375299999999"}), Status::Code::not_found, "phone:");
  std::vector<Event> many = ivan();
  for (int i = 0; i < 19; ++i) many.push_back(PhoneLinked{7, "+3752900000" + std::to_string(10 + i)});
  then_error(when(given(many), LinkPhone{7, "+375297777777"}), Status::Code::invalid_argument, "phone:");
}

BOOST_AUTO_TEST_CASE(responsible_and_tags) {
  ClientState s = given(ivan());
  then_events(when(s, AssignResponsible{7, "boris"}), {ResponsibleAssigned{7, "boris"}});
  then_events(when(s, AssignResponsible{7, "anna"}), {});
  then_events(when(s, AssignResponsible{7, ""}), {ResponsibleAssigned{7, ""}});
  then_error(when(s, AssignResponsible{7, "ghost"}), Status::Code::invalid_argument, "responsible:");
  then_events(when(s, AddTag{7, " vip "}), {TagAdded{7, "vip"}});
  ClientState tagged = evolve(s, TagAdded{7, "vip"});
  then_events(when(tagged, AddTag{7, "vip"}), {});
  then_events(when(tagged, RemoveTag{7, "vip"}), {TagRemoved{7, "vip"}});
  then_error(when(s, RemoveTag{7, "vip"}), Status::Code::not_found, "tag:");
  then_error(when(s, AddTag{7, "a;b"}), Status::Code::invalid_argument, "tag:");
}

BOOST_AUTO_TEST_CASE(deals_follow_the_pipeline_and_close_once) {
  ClientState s = given(ivan());
  then_events(when(s, OpenDeal{7, 5, "Сервис", "", 0, ""}), {DealOpened{7, 5, "Сервис", "new", 0, ""}});
  then_error(when(s, OpenDeal{7, 5, "Сервис", "", 100, ""}), Status::Code::invalid_argument, "currency:");
  then_error(when(s, OpenDeal{7, 5, "Сервис", "", 100, "byn"}), Status::Code::invalid_argument, "currency:");
  then_events(when(s, ChangeDealStage{7, 3, "proposal"}, "boris"), {DealStageChanged{7, 3, "proposal", "boris"}});
  then_events(when(s, ChangeDealStage{7, 3, "new"}), {});
  then_error(when(s, ChangeDealStage{7, 3, "dreaming"}), Status::Code::invalid_argument, "stage:");
  then_error(when(s, ChangeDealStage{7, 99, "won"}), Status::Code::not_found, "deal 99");
  then_events(when(s, ChangeDealAmount{7, 3, 990000, "BYN"}), {DealAmountChanged{7, 3, 990000, "BYN"}});
  then_error(when(s, ChangeDealAmount{7, 3, -1, "BYN"}), Status::Code::invalid_argument, "amount:");
  then_events(when(evolve(s, DealAmountChanged{7, 3, 990000, "BYN"}), ChangeDealAmount{7, 3, 990000, "BYN"}), {});
  then_events(when(s, UpdateDeal{7, 3, std::string("proposal"), 5000, "USD"}),
              {DealAmountChanged{7, 3, 5000, "USD"}, DealStageChanged{7, 3, "proposal", "anna"}});
  then_error(when(s, UpdateDeal{7, 3, std::string("nope"), 5000, "USD"}), Status::Code::invalid_argument, "stage:");
  then_events(when(s, CloseDeal{7, 3, false, " дорого "}), {DealClosed{7, 3, false, "дорого"}});

  ClientState closed = evolve(s, DealClosed{7, 3, true, ""});
  then_error(when(closed, CloseDeal{7, 3, true, ""}), Status::Code::conflict, "deal 3 is closed");
  then_error(when(closed, ChangeDealStage{7, 3, "proposal"}), Status::Code::conflict, "deal 3 is closed");
  then_error(when(closed, ChangeDealAmount{7, 3, 1, "BYN"}), Status::Code::conflict, "deal 3 is closed");
}

BOOST_AUTO_TEST_CASE(notes_carry_their_author) {
  ClientState s = given(ivan());
  then_events(when(s, AddNote{7, 11, "Просит КП\nдо пятницы", "c1"}, "boris"),
              {NoteAdded{7, 11, "boris", "Просит КП\nдо пятницы", "c1"}});
  then_error(when(s, AddNote{7, 11, "  \n ", ""}), Status::Code::invalid_argument, "text:");
}

BOOST_AUTO_TEST_CASE(tasks_default_to_the_author_and_the_clients_number) {
  ClientState s = given(ivan());
  CreateTask t;
  t.client = 7;
  t.task = 4;
  t.due = 1'800'000'000'000'000;
  t.text = "перезвонить";
  then_events(when(s, t, "boris"),
              {TaskCreated{7, 4, TaskKind::call_back, "boris", "sales", t.due, "+375291111111", "перезвонить", ""}});
  CreateTask dept = t;
  dept.department = "support";
  dept.kind = TaskKind::other;
  then_events(when(s, dept), {TaskCreated{7, 4, TaskKind::other, "", "support", t.due, "", "перезвонить", ""}});
  CreateTask undated = t;
  undated.due = 0;
  then_error(when(s, undated), Status::Code::invalid_argument, "due:");
  CreateTask nowhere = t;
  nowhere.department = "marketing";
  then_error(when(s, nowhere), Status::Code::invalid_argument, "department:");

  // A number of no client: no phone, no call-back.
  CreateTask orphan = t;
  orphan.client = 0;
  then_error(decide_task(nullptr, orphan, "anna", config()), Status::Code::invalid_argument, "phone:");
  orphan.phone = "+375297777777";
  then_events(decide_task(nullptr, orphan, "anna", config()),
              {TaskCreated{0, 4, TaskKind::call_back, "anna", "sales", t.due, "+375297777777", "перезвонить", ""}});

  ClientState with_task = evolve(s, TaskCreated{7, 4, TaskKind::call_back, "anna", "sales", t.due, "", "", ""});
  then_events(when(with_task, CompleteTask{7, 4}, "boris"), {TaskCompleted{7, 4, "boris"}});
  then_error(when(evolve(with_task, TaskCompleted{7, 4, "boris"}), CompleteTask{7, 4}), Status::Code::conflict,
             "task 4 is done");
  then_error(when(with_task, CompleteTask{7, 8}), Status::Code::not_found, "task 8");
}

BOOST_AUTO_TEST_CASE(merge_closes_the_absorbed_stream_and_moves_its_facts) {
  ClientState survivor = given(ivan());
  ClientState absorbed = given({ClientCreated{8, "И. Петров", "", ""}, PhoneLinked{8, "+375293333333"},
                                TagAdded{8, "опт"}, DealOpened{8, 6, "Запчасти", "proposal", 0, ""},
                                TaskCreated{8, 2, TaskKind::other, "anna", "sales", 1, "", "x", ""}});
  then_events(decide_merge(survivor, absorbed), {ClientMergedInto{8, 7}, ClientsMerged{7, 8}});
  then_error(decide_merge(survivor, survivor), Status::Code::invalid_argument, "merged:");
  then_error(decide_merge(survivor, ClientState{}), Status::Code::not_found, "client 0 does not exist");

  ClientState merged = absorb(evolve(survivor, ClientsMerged{7, 8}), absorbed);
  BOOST_TEST(merged.phones == (std::vector<std::string>{"+375291111111", "+375293333333"}));
  BOOST_TEST(merged.tags == std::vector<std::string>{"опт"});
  // The absorbed deal and task are the survivor's to change now.
  then_events(when(merged, ChangeDealStage{7, 6, "won"}), {DealStageChanged{7, 6, "won", "anna"}});
  then_events(when(merged, CompleteTask{7, 2}), {TaskCompleted{7, 2, "anna"}});

  ClientState gone = evolve(absorbed, ClientMergedInto{8, 7});
  then_error(when(gone, AddNote{8, 1, "x", ""}), Status::Code::not_found, "client 8 was merged into client 7");
  then_error(decide_merge(survivor, gone), Status::Code::not_found, "client 8 was merged");
}

BOOST_AUTO_TEST_CASE(every_event_moves_the_version) {
  ClientState s = given(ivan());
  BOOST_TEST(s.version == 4u);
  BOOST_TEST(evolve(s, NoteAdded{7, 1, "a", "t", ""}).version == 5u);
  BOOST_TEST(s.exists);
  BOOST_TEST(s.name == "Иван Петров");
}

BOOST_AUTO_TEST_CASE(field_checks) {
  BOOST_TEST(valid_utf8("Ёлка €"));
  BOOST_TEST(!valid_utf8("\xE0\x80\xAF"));   // overlong
  BOOST_TEST(!valid_utf8("\xED\xA0\x80"));   // surrogate
  BOOST_TEST(!valid_utf8("\xF4\x90\x80\x80"));  // past U+10FFFF
  BOOST_TEST(check_email("a.b@c.by").is_ok());
  BOOST_TEST(!check_email("a@@c.by").is_ok());
  BOOST_TEST(!check_email("a@c").is_ok());
  BOOST_TEST(check_e164("phone", "+375291234567").is_ok());
  BOOST_TEST(!check_e164("phone", "+0123456789").is_ok());
  BOOST_TEST(check_currency("", 0).is_ok());
  BOOST_TEST(!check_currency("", 1).is_ok());
  BOOST_TEST(trimmed("\t x y \n") == "x y");
  BOOST_TEST(std::string(name_of(ClientCommand{CompleteTask{}})) == "complete_task");
  BOOST_TEST(target_of(ClientCommand{AddNote{42, 0, "", ""}}) == 42u);
}

BOOST_AUTO_TEST_SUITE_END()
