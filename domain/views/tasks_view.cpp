#include "domain/views/tasks_view.hpp"

#include <algorithm>

namespace callboard::domain {

void TaskBoard::index(const Task& t) {
  by_client_[t.client].push_back(t.id);
  if (t.done) return;
  ++open_;
  if (!t.assignee.empty()) open_by_assignee_[t.assignee].emplace(t.due, t.id);
  if (!t.department.empty()) open_by_department_[t.department].emplace(t.due, t.id);
}

void TaskBoard::unindex(const Task& t) {
  if (t.done) return;
  --open_;
  if (auto it = open_by_assignee_.find(t.assignee); it != open_by_assignee_.end()) {
    it->second.erase({t.due, t.id});
    if (it->second.empty()) open_by_assignee_.erase(it);
  }
  if (auto it = open_by_department_.find(t.department); it != open_by_department_.end()) {
    it->second.erase({t.due, t.id});
    if (it->second.empty()) open_by_department_.erase(it);
  }
}

void TaskBoard::created(Task task) {
  // A task id is handed out once; a second TaskCreated for it (a bug
  // elsewhere) replaces the first rather than leaving stale indexes.
  if (auto it = tasks_.find(task.id); it != tasks_.end()) {
    unindex(it->second);
    auto& ids = by_client_[it->second.client];
    ids.erase(std::remove(ids.begin(), ids.end(), task.id), ids.end());
  }
  index(task);
  tasks_[task.id] = std::move(task);
}

void TaskBoard::completed(TaskId id, Timestamp at, const AgentId& by) {
  auto it = tasks_.find(id);
  if (it == tasks_.end() || it->second.done) return;
  unindex(it->second);
  it->second.done = true;
  it->second.done_at = at;
  it->second.done_by = by;
}

void TaskBoard::moved(ClientId from, ClientId to) {
  auto it = by_client_.find(from);
  if (it == by_client_.end() || from == to) return;
  std::vector<TaskId> ids = std::move(it->second);
  by_client_.erase(it);
  auto& into = by_client_[to];
  for (TaskId id : ids) {
    if (auto t = tasks_.find(id); t != tasks_.end()) t->second.client = to;
    into.push_back(id);
  }
}

const Task* TaskBoard::find(TaskId id) const {
  auto it = tasks_.find(id);
  return it == tasks_.end() ? nullptr : &it->second;
}

bool TaskBoard::passes(const Task& t, const TaskFilter& f) {
  if (f.state == TaskFilter::State::open && t.done) return false;
  if (f.state == TaskFilter::State::done && !t.done) return false;
  if (f.assignee && t.assignee != *f.assignee) return false;
  if (f.department && t.department != *f.department) return false;
  if (f.client && t.client != *f.client) return false;
  if (f.due_before != 0 && t.due >= f.due_before) return false;
  return true;
}

std::vector<Task> TaskBoard::list(const TaskFilter& f, std::size_t limit) const {
  std::vector<Task> out;
  // Open tasks come in due order, so the scans below must see them all
  // before cutting at `limit`; the others are cut as they come.
  const bool sort_by_due = f.state == TaskFilter::State::open;
  auto take = [&](TaskId id) {
    const Task* t = find(id);
    if (t && passes(*t, f)) out.push_back(*t);
    return sort_by_due || out.size() < limit;
  };
  if (limit == 0) return out;
  if (f.state == TaskFilter::State::open && (f.assignee || f.department)) {
    const DueIndex* index = nullptr;
    if (f.assignee) {
      auto it = open_by_assignee_.find(*f.assignee);
      if (it != open_by_assignee_.end()) index = &it->second;
    } else {
      auto it = open_by_department_.find(*f.department);
      if (it != open_by_department_.end()) index = &it->second;
    }
    if (!index) return out;
    for (const auto& [due, id] : *index) {
      if (f.due_before != 0 && due >= f.due_before) break;
      const Task* t = find(id);
      if (t && passes(*t, f)) out.push_back(*t);
      if (out.size() >= limit) break;
    }
    return out;
  }
  if (f.client) {
    auto it = by_client_.find(*f.client);
    if (it == by_client_.end()) return out;
    std::vector<TaskId> ids = it->second;
    std::sort(ids.begin(), ids.end());
    for (auto id = ids.rbegin(); id != ids.rend() && take(*id);) ++id;
  } else {
    for (auto it = tasks_.rbegin(); it != tasks_.rend() && take(it->first);) ++it;
  }
  if (sort_by_due) {
    std::sort(out.begin(), out.end(), [](const Task& a, const Task& b) {
      return a.due != b.due ? a.due < b.due : a.id < b.id;
    });
    if (out.size() > limit) out.resize(limit);
  }
  return out;
}

void TaskBoard::restore(std::map<TaskId, Task> tasks) {
  tasks_ = std::move(tasks);
  open_by_assignee_.clear();
  open_by_department_.clear();
  by_client_.clear();
  open_ = 0;
  for (const auto& [id, t] : tasks_) index(t);
}

}  // namespace callboard::domain
