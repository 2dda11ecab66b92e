#pragma once
// Demo agents, two clients with deals and calls in their history: the data
// the router tests and the web harness (and through it the API and browser
// tests) run against. Test code only.

#include <string>
#include <vector>

#include "domain/config.hpp"
#include "storage/event_log.hpp"

namespace callboard::web::testing {

// Agents (login / password / role):
//   ivanov  / ivanov-pass  / agent       Иван Иванов, sales
//   petrova / petrova-pass / agent       Мария Петрова, sales
//   sidorov / sidorov-pass / supervisor  Пётр Сидоров, sales
//   admin   / admin-pass   / admin       Администратор
// Entry point 100 "Отдел продаж" -> sales. Default region BY.
domain::Config demo_config();

// Client 1: Алексей Смирнов, ООО «Ромашка», +375291234567, responsible
//   ivanov, deal "Поставка оборудования" at stage "proposal"; two past calls
//   (hist-1 answered by ivanov, hist-2 abandoned) and a note.
// Client 2: Ольга Козлова, ИП Козлова, +375447654321, responsible petrova,
//   deal "Годовой контракт" at "negotiation"; one past call (hist-3).
// ivanov is registered and available; the others are offline.
// Times are spread over the day before `now`.
std::vector<storage::NewEvent> demo_events(domain::Timestamp now);

inline constexpr const char* kKnownNumber = "+375291234567";
inline constexpr const char* kSecondNumber = "+375447654321";

}  // namespace callboard::web::testing
