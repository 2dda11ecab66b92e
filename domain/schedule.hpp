#pragma once
// Opening hours: is an entry point open at a given UTC instant, in its own
// time zone (ICU's time zone data: a pure library, like libphonenumber).
// Thread-safe.

#include <string>

#include "domain/config.hpp"
#include "domain/types.hpp"

namespace callboard::domain {

// True when `timezone` names a zone ICU knows ("Europe/Minsk").
bool known_timezone(const std::string& timezone);

// Local calendar facts of an instant in a zone.
struct LocalTime {
  int weekday = 0;          // 0 = Monday ... 6 = Sunday
  int minute_of_day = 0;    // 0..1439
  std::string date;         // "YYYY-MM-DD"
};
LocalTime local_time(const std::string& timezone, Timestamp utc);

// Always true for hours without a time zone. A holiday closes the whole day.
bool is_open(const HoursConfig& hours, Timestamp utc);

}  // namespace callboard::domain
