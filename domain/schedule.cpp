#include "domain/schedule.hpp"

#include <unicode/timezone.h>
#include <unicode/unistr.h>

#include <algorithm>
#include <cstdio>
#include <map>
#include <memory>
#include <mutex>

namespace callboard::domain {

namespace {
constexpr std::int64_t kMsPerDay = 86'400'000;

// ICU builds zones from its data files; keep one per name.
class ZoneCache {
 public:
  const icu::TimeZone* get(const std::string& name) {
    std::lock_guard<std::mutex> lock(mutex_);
    auto it = zones_.find(name);
    if (it != zones_.end()) return it->second.get();
    std::unique_ptr<icu::TimeZone> tz(icu::TimeZone::createTimeZone(icu::UnicodeString::fromUTF8(name)));
    icu::UnicodeString id;
    tz->getID(id);
    if (id == icu::UnicodeString(UCAL_UNKNOWN_ZONE_ID)) tz.reset();
    return zones_.emplace(name, std::move(tz)).first->second.get();
  }
  std::mutex& mutex() { return mutex_; }

 private:
  std::mutex mutex_;
  std::map<std::string, std::unique_ptr<icu::TimeZone>> zones_;
};

ZoneCache& zones() {
  static ZoneCache cache;
  return cache;
}

// Days since 1970-01-01 to a civil date (Howard Hinnant's public-domain algorithm).
void civil_from_days(std::int64_t z, int& y, unsigned& m, unsigned& d) {
  z += 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  d = doy - (153 * mp + 2) / 5 + 1;
  m = mp < 10 ? mp + 3 : mp - 9;
  y = static_cast<int>(yoe + era * 400 + (m <= 2));
}

std::int64_t floor_div(std::int64_t a, std::int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }
}  // namespace

bool known_timezone(const std::string& timezone) { return zones().get(timezone) != nullptr; }

LocalTime local_time(const std::string& timezone, Timestamp utc) {
  std::int64_t ms = utc / 1000;
  std::int32_t raw = 0, dst = 0;
  const icu::TimeZone* tz = zones().get(timezone);
  if (tz) {
    UErrorCode status = U_ZERO_ERROR;
    std::lock_guard<std::mutex> lock(zones().mutex());
    tz->getOffset(static_cast<UDate>(ms), false, raw, dst, status);
    if (U_FAILURE(status)) raw = dst = 0;
  }
  std::int64_t local = ms + raw + dst;
  std::int64_t days = floor_div(local, kMsPerDay);
  LocalTime out;
  out.weekday = static_cast<int>(((days % 7) + 7 + 3) % 7);  // 1970-01-01 was a Thursday
  out.minute_of_day = static_cast<int>((local - days * kMsPerDay) / 60000);
  int y;
  unsigned m, d;
  civil_from_days(days, y, m, d);
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", y, m, d);
  out.date = buf;
  return out;
}

bool is_open(const HoursConfig& hours, Timestamp utc) {
  if (hours.always_open()) return true;
  LocalTime t = local_time(hours.timezone, utc);
  if (std::find(hours.holidays.begin(), hours.holidays.end(), t.date) != hours.holidays.end())
    return false;
  for (const auto& [open, close] : hours.weekly[t.weekday]) {
    if (t.minute_of_day >= open && t.minute_of_day < close) return true;
  }
  return false;
}

}  // namespace callboard::domain
