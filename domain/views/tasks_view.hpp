#pragma once
// Tasks (call back the client, anything else with a due time): every task
// by id, and the open ones by assignee and by department in due order, for
// "my tasks", "the department's tasks" and "overdue".
//
// Single-threaded, as CrmViews (whose part it is).

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "domain/types.hpp"

namespace callboard::domain {

struct Task {
  TaskId id = 0;
  ClientId client = 0;  // 0: a number not in the CRM
  TaskKind kind = TaskKind::call_back;
  AgentId assignee;        // empty: the department's
  std::string department;
  Timestamp due = 0;
  Timestamp created = 0;
  std::string phone;
  std::string text;
  CallId call;
  bool done = false;
  Timestamp done_at = 0;
  AgentId done_by;
};

struct TaskFilter {
  enum class State { open, done, any };
  State state = State::open;
  std::optional<AgentId> assignee;
  std::optional<std::string> department;
  std::optional<ClientId> client;
  Timestamp due_before = 0;  // 0: any due time; else due < due_before
};

class TaskBoard {
 public:
  void created(Task task);
  void completed(TaskId id, Timestamp at, const AgentId& by);
  // The absorbed client's tasks become the survivor's.
  void moved(ClientId from, ClientId to);

  const Task* find(TaskId id) const;
  // Open tasks by due time (then id); done or any: newest id first.
  std::vector<Task> list(const TaskFilter& filter, std::size_t limit) const;
  std::size_t size() const { return tasks_.size(); }
  std::size_t open_count() const { return open_; }
  TaskId max_id() const { return tasks_.empty() ? 0 : tasks_.rbegin()->first; }

  // The open tasks' indexes (CrmViews::digest() covers them).
  const std::map<AgentId, std::set<std::pair<Timestamp, TaskId>>>& open_by_assignee() const { return open_by_assignee_; }
  const std::map<std::string, std::set<std::pair<Timestamp, TaskId>>>& open_by_department() const {
    return open_by_department_;
  }

  // Every task in id order (the snapshot); restore() rebuilds the indexes.
  const std::map<TaskId, Task>& all() const { return tasks_; }
  void restore(std::map<TaskId, Task> tasks);

 private:
  using DueIndex = std::set<std::pair<Timestamp, TaskId>>;
  void index(const Task& t);
  void unindex(const Task& t);
  static bool passes(const Task& t, const TaskFilter& f);

  std::map<TaskId, Task> tasks_;
  std::map<AgentId, DueIndex> open_by_assignee_;
  std::map<std::string, DueIndex> open_by_department_;
  std::unordered_map<ClientId, std::vector<TaskId>> by_client_;
  std::size_t open_ = 0;
};

}  // namespace callboard::domain
