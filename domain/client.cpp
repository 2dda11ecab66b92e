#include "domain/client.hpp"

#include <algorithm>

namespace callboard::domain {

namespace {

using Events = std::vector<Event>;

bool contains(const std::vector<std::string>& v, const std::string& x) {
  return std::find(v.begin(), v.end(), x) != v.end();
}

void add_unique(std::vector<std::string>& v, const std::string& x) {
  if (!contains(v, x)) v.push_back(x);
}

void erase_value(std::vector<std::string>& v, const std::string& x) {
  v.erase(std::remove(v.begin(), v.end(), x), v.end());
}

std::string id_text(std::uint64_t id) { return std::to_string(id); }

Status check_live(const ClientState& s, ClientId asked) {
  if (s.merged_into != 0)
    return Status::not_found("client " + id_text(asked) + " was merged into client " +
                             id_text(s.merged_into));
  if (!s.exists) return Status::not_found("client " + id_text(asked) + " does not exist");
  return Status::ok();
}

const DealState* find_deal(const ClientState& s, DealId id) {
  for (const auto& d : s.deals) {
    if (d.id == id) return &d;
  }
  return nullptr;
}

Status check_stage(const std::string& stage, const Config& config) {
  if (contains(config.deal_stages, stage)) return Status::ok();
  std::string known;
  for (const auto& st : config.deal_stages) known += (known.empty() ? "" : ", ") + st;
  return Status::invalid_argument("stage: '" + stage + "' is not a stage of the pipeline (" + known + ")");
}

Status check_agent(const char* field, const AgentId& agent, const Config& config) {
  if (agent.empty() || config.find_agent(agent)) return Status::ok();
  return Status::invalid_argument(std::string(field) + ": unknown agent '" + agent + "'");
}

// The stage a deal opens at: the one asked for, or the pipeline's first.
Result<std::string> opening_stage(const std::string& asked, const Config& config) {
  if (asked.empty()) {
    if (config.deal_stages.empty()) return Status::invalid_argument("stage: the pipeline has no stages");
    return config.deal_stages.front();
  }
  if (Status s = check_stage(asked, config); !s) return s;
  return asked;
}

Result<Events> create(const ClientState& s, const CreateClient& c, const Config& config) {
  if (s.exists || s.merged_into)
    return Status::conflict("client " + id_text(c.id) + " exists already");
  const NewClient& n = c.client;
  const std::string name = trimmed(n.name);
  const std::string company = trimmed(n.company);
  const std::string email = trimmed(n.email);
  if (Status st = check_text("name", name, 1, kMaxNameBytes); !st) return st;
  if (Status st = check_text("company", company, 0, kMaxNameBytes); !st) return st;
  if (Status st = check_email(email); !st) return st;
  if (n.phones.size() > kMaxPhonesPerClient)
    return Status::invalid_argument("phones: at most " + id_text(kMaxPhonesPerClient) + " per client");
  for (const auto& p : n.phones) {
    if (Status st = check_e164("phones", p); !st) return st;
  }
  if (Status st = check_agent("responsible", n.responsible, config); !st) return st;
  if (n.tags.size() > kMaxTagsPerClient)
    return Status::invalid_argument("tags: at most " + id_text(kMaxTagsPerClient) + " per client");
  for (const auto& t : n.tags) {
    if (Status st = check_tag(trimmed(t)); !st) return st;
  }
  Events out;
  out.emplace_back(ClientCreated{c.id, name, company, email});
  std::vector<std::string> seen;
  for (const auto& p : n.phones) {
    if (contains(seen, p)) continue;
    seen.push_back(p);
    out.emplace_back(PhoneLinked{c.id, p});
  }
  if (!n.responsible.empty()) out.emplace_back(ResponsibleAssigned{c.id, n.responsible});
  seen.clear();
  for (const auto& raw : n.tags) {
    std::string t = trimmed(raw);
    if (contains(seen, t)) continue;
    seen.push_back(t);
    out.emplace_back(TagAdded{c.id, t});
  }
  const std::string title = trimmed(n.deal_title);
  if (!title.empty()) {
    if (Status st = check_text("deal.title", title, 1, kMaxNameBytes); !st) return st;
    auto stage = opening_stage(n.deal_stage, config);
    if (!stage) return Status::invalid_argument("deal." + stage.status().message());
    if (n.deal_amount < 0) return Status::invalid_argument("deal.amount: must not be negative");
    if (Status st = check_currency(n.deal_currency, n.deal_amount); !st)
      return Status::invalid_argument("deal." + st.message());
    out.emplace_back(DealOpened{c.id, c.deal, title, *stage, n.deal_amount, n.deal_currency});
  } else if (!n.deal_stage.empty()) {
    return Status::invalid_argument("deal.title: a deal needs a title");
  }
  return out;
}

Result<Events> update(const ClientState& s, const UpdateClient& c) {
  ClientUpdated e{c.client, s.name, s.company, s.email};
  if (c.name) {
    e.name = trimmed(*c.name);
    if (Status st = check_text("name", e.name, 1, kMaxNameBytes); !st) return st;
  }
  if (c.company) {
    e.company = trimmed(*c.company);
    if (Status st = check_text("company", e.company, 0, kMaxNameBytes); !st) return st;
  }
  if (c.email) {
    e.email = trimmed(*c.email);
    if (Status st = check_email(e.email); !st) return st;
  }
  if (e.name == s.name && e.company == s.company && e.email == s.email) return Events{};
  return Events{e};
}

Result<Events> link(const ClientState& s, const LinkPhone& c) {
  if (Status st = check_e164("phone", c.phone); !st) return st;
  if (contains(s.phones, c.phone)) return Events{};
  if (s.phones.size() >= kMaxPhonesPerClient)
    return Status::invalid_argument("phone: the client has " + id_text(kMaxPhonesPerClient) + " phones already");
  return Events{PhoneLinked{c.client, c.phone}};
}

Result<Events> unlink(const ClientState& s, const UnlinkPhone& c) {
  if (!contains(s.phones, c.phone))
    return Status::not_found("phone: " + c.phone + " is not a phone of client " + id_text(c.client));
  return Events{PhoneUnlinked{c.client, c.phone}};
}

Result<Events> assign(const ClientState& s, const AssignResponsible& c, const Config& config) {
  if (Status st = check_agent("responsible", c.agent, config); !st) return st;
  if (s.responsible == c.agent) return Events{};
  return Events{ResponsibleAssigned{c.client, c.agent}};
}

Result<Events> add_tag(const ClientState& s, const AddTag& c) {
  const std::string tag = trimmed(c.tag);
  if (Status st = check_tag(tag); !st) return st;
  if (contains(s.tags, tag)) return Events{};
  if (s.tags.size() >= kMaxTagsPerClient)
    return Status::invalid_argument("tag: the client has " + id_text(kMaxTagsPerClient) + " tags already");
  return Events{TagAdded{c.client, tag}};
}

Result<Events> remove_tag(const ClientState& s, const RemoveTag& c) {
  const std::string tag = trimmed(c.tag);
  if (!contains(s.tags, tag))
    return Status::not_found("tag: client " + id_text(c.client) + " has no tag '" + tag + "'");
  return Events{TagRemoved{c.client, tag}};
}

Result<Events> open_deal(const OpenDeal& c, const Config& config) {
  const std::string title = trimmed(c.title);
  if (Status st = check_text("title", title, 1, kMaxNameBytes); !st) return st;
  auto stage = opening_stage(c.stage, config);
  if (!stage) return stage.status();
  if (c.amount < 0) return Status::invalid_argument("amount: must not be negative");
  if (Status st = check_currency(c.currency, c.amount); !st) return st;
  return Events{DealOpened{c.client, c.deal, title, *stage, c.amount, c.currency}};
}

// The deal, open, or the error that says why it cannot change.
Result<const DealState*> open_deal_of(const ClientState& s, DealId id) {
  const DealState* d = find_deal(s, id);
  if (!d) return Status::not_found("deal " + id_text(id) + " is not a deal of client " + id_text(s.id));
  if (d->closed) return Status::conflict("deal " + id_text(id) + " is closed");
  return d;
}

Result<Events> change_stage(const ClientState& s, const ChangeDealStage& c, const AgentId& by,
                            const Config& config) {
  auto d = open_deal_of(s, c.deal);
  if (!d) return d.status();
  if (Status st = check_stage(c.stage, config); !st) return st;
  if ((*d)->stage == c.stage) return Events{};
  return Events{DealStageChanged{c.client, c.deal, c.stage, by}};
}

Result<Events> change_amount(const ClientState& s, const ChangeDealAmount& c) {
  auto d = open_deal_of(s, c.deal);
  if (!d) return d.status();
  if (c.amount < 0) return Status::invalid_argument("amount: must not be negative");
  if (Status st = check_currency(c.currency, c.amount); !st) return st;
  if ((*d)->amount == c.amount && (*d)->currency == c.currency) return Events{};
  return Events{DealAmountChanged{c.client, c.deal, c.amount, c.currency}};
}

Result<Events> update_deal(const ClientState& s, const UpdateDeal& c, const AgentId& by, const Config& config) {
  Events out;
  ClientState next = s;
  if (c.amount) {
    auto e = change_amount(next, ChangeDealAmount{c.client, c.deal, *c.amount, c.currency});
    if (!e) return e.status();
    for (auto& ev : *e) {
      next = evolve(std::move(next), ev);
      out.push_back(std::move(ev));
    }
  }
  if (c.stage) {
    auto e = change_stage(next, ChangeDealStage{c.client, c.deal, *c.stage}, by, config);
    if (!e) return e.status();
    for (auto& ev : *e) out.push_back(std::move(ev));
  }
  if (!c.amount && !c.stage) {
    auto d = open_deal_of(s, c.deal);
    if (!d) return d.status();
  }
  return out;
}

Result<Events> close_deal(const ClientState& s, const CloseDeal& c) {
  auto d = open_deal_of(s, c.deal);
  if (!d) return d.status();
  const std::string reason = trimmed(c.reason);
  if (Status st = check_text("reason", reason, 0, kMaxReasonBytes, true); !st) return st;
  return Events{DealClosed{c.client, c.deal, c.won, reason}};
}

Result<Events> add_note(const AddNote& c, const AgentId& by) {
  if (Status st = check_text("text", c.text, 1, kMaxNoteBytes, true); !st) return st;
  if (trimmed(c.text).empty()) return Status::invalid_argument("text: must not be blank");
  return Events{NoteAdded{c.client, c.note, by, c.text, c.call}};
}

Result<Events> record_call_result(const RecordCallResult& c, const AgentId& by) {
  if (Status st = check_text("call", c.call, 1, 128); !st) return st;
  for (const char* known : kCallResults) {
    if (c.result == known) return Events{CallResultRecorded{c.client, c.call, c.result, by}};
  }
  return Status::invalid_argument("result: '" + c.result +
                                  "' is not one of interested, call_back, not_interested, wrong_number");
}

}  // namespace

// Shared by the client decider and the registry's tasks of no client.
Result<Events> decide_task(const ClientState* s, const CreateTask& c, const AgentId& by,
                           const Config& config) {
  TaskCreated e{c.client, c.task, c.kind, c.assignee, c.department, c.due, c.phone, c.text, c.call};
  if (e.kind != TaskKind::call_back && e.kind != TaskKind::other)
    return Status::invalid_argument("kind: unknown task kind");
  if (Status st = check_text("text", e.text, 0, kMaxTaskTextBytes, true); !st) return st;
  if (e.due <= 0) return Status::invalid_argument("due: a task needs a due time");
  if (Status st = check_agent("assignee", e.assignee, config); !st) return st;
  if (!e.department.empty() && !config.find_department(e.department))
    return Status::invalid_argument("department: unknown department '" + e.department + "'");
  if (e.assignee.empty() && e.department.empty()) {
    if (by.empty()) return Status::invalid_argument("assignee: give an assignee or a department");
    e.assignee = by;
  }
  if (!e.assignee.empty() && e.department.empty()) {
    if (const AgentConfig* a = config.find_agent(e.assignee)) e.department = a->department;
  }
  if (e.kind == TaskKind::call_back && e.phone.empty() && s && !s->phones.empty())
    e.phone = s->phones.front();
  if (!e.phone.empty()) {
    if (Status st = check_e164("phone", e.phone); !st) return st;
  } else if (e.kind == TaskKind::call_back) {
    return Status::invalid_argument("phone: a call-back task needs a number");
  }
  return Events{e};
}

Result<std::vector<Event>> decide(const ClientState& s, const ClientCommand& command,
                                  const AgentId& by, const Config& config) {
  if (const auto* c = std::get_if<CreateClient>(&command)) return create(s, *c, config);
  if (Status st = check_live(s, target_of(command)); !st) return st;
  return std::visit(
      [&](const auto& c) -> Result<Events> {
        using C = std::decay_t<decltype(c)>;
        if constexpr (std::is_same_v<C, CreateClient>) {
          return create(s, c, config);
        } else if constexpr (std::is_same_v<C, UpdateClient>) {
          return update(s, c);
        } else if constexpr (std::is_same_v<C, LinkPhone>) {
          return link(s, c);
        } else if constexpr (std::is_same_v<C, UnlinkPhone>) {
          return unlink(s, c);
        } else if constexpr (std::is_same_v<C, AssignResponsible>) {
          return assign(s, c, config);
        } else if constexpr (std::is_same_v<C, AddTag>) {
          return add_tag(s, c);
        } else if constexpr (std::is_same_v<C, RemoveTag>) {
          return remove_tag(s, c);
        } else if constexpr (std::is_same_v<C, MergeClients>) {
          return Status::invalid_argument("merge: needs both clients (decide_merge)");
        } else if constexpr (std::is_same_v<C, OpenDeal>) {
          return open_deal(c, config);
        } else if constexpr (std::is_same_v<C, ChangeDealStage>) {
          return change_stage(s, c, by, config);
        } else if constexpr (std::is_same_v<C, ChangeDealAmount>) {
          return change_amount(s, c);
        } else if constexpr (std::is_same_v<C, UpdateDeal>) {
          return update_deal(s, c, by, config);
        } else if constexpr (std::is_same_v<C, CloseDeal>) {
          return close_deal(s, c);
        } else if constexpr (std::is_same_v<C, AddNote>) {
          return add_note(c, by);
        } else if constexpr (std::is_same_v<C, CreateTask>) {
          return decide_task(&s, c, by, config);
        } else if constexpr (std::is_same_v<C, RecordCallResult>) {
          return record_call_result(c, by);
        } else {
          static_assert(std::is_same_v<C, CompleteTask>);
          for (const auto& t : s.tasks) {
            if (t.id != c.task) continue;
            if (t.done) return Status::conflict("task " + id_text(c.task) + " is done already");
            return Events{TaskCompleted{c.client, c.task, by}};
          }
          return Status::not_found("task " + id_text(c.task) + " is not a task of client " +
                                   id_text(c.client));
        }
      },
      command);
}

Result<std::vector<Event>> decide_merge(const ClientState& survivor, const ClientState& absorbed) {
  if (survivor.id == absorbed.id)
    return Status::invalid_argument("merged: a client cannot be merged into itself");
  if (Status st = check_live(survivor, survivor.id); !st) return st;
  if (Status st = check_live(absorbed, absorbed.id); !st) return st;
  std::vector<std::string> phones = survivor.phones;
  for (const auto& p : absorbed.phones) add_unique(phones, p);
  if (phones.size() > kMaxPhonesPerClient)
    return Status::invalid_argument("merged: together the clients have more than " +
                                    id_text(kMaxPhonesPerClient) + " phones");
  return Events{ClientMergedInto{absorbed.id, survivor.id}, ClientsMerged{survivor.id, absorbed.id}};
}

ClientState evolve(ClientState s, const Event& e) {
  ++s.version;
  std::visit(
      [&](const auto& ev) {
        using E = std::decay_t<decltype(ev)>;
        if constexpr (std::is_same_v<E, ClientCreated>) {
          s.id = ev.client;
          s.exists = true;
          s.name = ev.name;
          s.company = ev.company;
          s.email = ev.email;
        } else if constexpr (std::is_same_v<E, ClientUpdated>) {
          s.name = ev.name;
          s.company = ev.company;
          s.email = ev.email;
        } else if constexpr (std::is_same_v<E, PhoneLinked>) {
          add_unique(s.phones, ev.phone);
        } else if constexpr (std::is_same_v<E, PhoneUnlinked>) {
          erase_value(s.phones, ev.phone);
        } else if constexpr (std::is_same_v<E, ResponsibleAssigned>) {
          s.responsible = ev.agent;
        } else if constexpr (std::is_same_v<E, TagAdded>) {
          add_unique(s.tags, ev.tag);
        } else if constexpr (std::is_same_v<E, TagRemoved>) {
          erase_value(s.tags, ev.tag);
        } else if constexpr (std::is_same_v<E, ClientMergedInto>) {
          s.merged_into = ev.into;
        } else if constexpr (std::is_same_v<E, DealOpened>) {
          s.deals.push_back(DealState{ev.deal, ev.stage, false, ev.amount, ev.currency});
        } else if constexpr (std::is_same_v<E, DealAmountChanged>) {
          for (auto& d : s.deals) {
            if (d.id == ev.deal) {
              d.amount = ev.amount;
              d.currency = ev.currency;
            }
          }
        } else if constexpr (std::is_same_v<E, DealStageChanged>) {
          for (auto& d : s.deals) {
            if (d.id == ev.deal) d.stage = ev.stage;
          }
        } else if constexpr (std::is_same_v<E, DealClosed>) {
          for (auto& d : s.deals) {
            if (d.id == ev.deal) d.closed = true;
          }
        } else if constexpr (std::is_same_v<E, TaskCreated>) {
          s.tasks.push_back(TaskState{ev.task, false});
        } else if constexpr (std::is_same_v<E, TaskCompleted>) {
          for (auto& t : s.tasks) {
            if (t.id == ev.task) t.done = true;
          }
        }
      },
      e);
  return s;
}

ClientState absorb(ClientState survivor, const ClientState& absorbed) {
  for (const auto& p : absorbed.phones) add_unique(survivor.phones, p);
  for (const auto& t : absorbed.tags) add_unique(survivor.tags, t);
  survivor.deals.insert(survivor.deals.end(), absorbed.deals.begin(), absorbed.deals.end());
  survivor.tasks.insert(survivor.tasks.end(), absorbed.tasks.begin(), absorbed.tasks.end());
  return survivor;
}

}  // namespace callboard::domain
