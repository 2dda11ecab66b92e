// Opening hours in a time zone.
#include <boost/test/unit_test.hpp>

#include "domain/schedule.hpp"

using namespace callboard::domain;

namespace {
constexpr Timestamp kHour = 3600LL * kMicrosPerSecond;
const Timestamp kWed11Utc = 1'795'604'400'000'000;  // Wednesday 2026-11-25 11:00 UTC

HoursConfig office() {
  HoursConfig h;
  h.timezone = "Europe/Minsk";
  for (int d = 0; d < 5; ++d) h.weekly[d] = {{9 * 60, 13 * 60}, {14 * 60, 18 * 60}};
  h.weekly[5] = {{10 * 60, 14 * 60}};
  return h;
}
}  // namespace

BOOST_AUTO_TEST_SUITE(schedule)

BOOST_AUTO_TEST_CASE(local_time_follows_the_zone) {
  auto t = local_time("Europe/Minsk", kWed11Utc);
  BOOST_TEST(t.weekday == 2);  // Wednesday
  BOOST_TEST(t.minute_of_day == 14 * 60);
  BOOST_TEST(t.date == "2026-11-25");
  t = local_time("Asia/Vladivostok", kWed11Utc + 3 * kHour);  // UTC+10: past midnight
  BOOST_TEST(t.weekday == 3);
  BOOST_TEST(t.date == "2026-11-26");
  BOOST_TEST(t.minute_of_day == 0);
  // Berlin is UTC+1 in November and UTC+2 in July (daylight saving).
  BOOST_TEST(local_time("Europe/Berlin", kWed11Utc).minute_of_day == 12 * 60);
  BOOST_TEST(local_time("Europe/Berlin", 1'784'026'800'000'000).minute_of_day == 13 * 60);  // 2026-07-14 11:00 UTC
}

BOOST_AUTO_TEST_CASE(open_within_intervals_closed_at_lunch_at_night_and_on_sunday) {
  HoursConfig h = office();
  BOOST_TEST(is_open(h, kWed11Utc));                 // 14:00 Minsk
  BOOST_TEST(!is_open(h, kWed11Utc - kHour));        // 13:00: lunch
  BOOST_TEST(is_open(h, kWed11Utc - 2 * kHour));     // 12:00
  BOOST_TEST(!is_open(h, kWed11Utc + 4 * kHour));    // 18:00: closing time is exclusive
  BOOST_TEST(!is_open(h, kWed11Utc + 13 * kHour));   // 03:00 Thursday
  BOOST_TEST(is_open(h, kWed11Utc + 3 * 24 * kHour - 2 * kHour));   // Saturday 12:00
  BOOST_TEST(!is_open(h, kWed11Utc + 4 * 24 * kHour - 2 * kHour));  // Sunday 12:00
}

BOOST_AUTO_TEST_CASE(a_holiday_closes_the_whole_day) {
  HoursConfig h = office();
  h.holidays = {"2026-11-25"};
  BOOST_TEST(!is_open(h, kWed11Utc));
  BOOST_TEST(is_open(h, kWed11Utc + 24 * kHour));
}

BOOST_AUTO_TEST_CASE(no_zone_means_always_open_and_unknown_zones_are_known_as_such) {
  BOOST_TEST(is_open(HoursConfig{}, kWed11Utc));
  BOOST_TEST(known_timezone("Europe/Minsk"));
  BOOST_TEST(known_timezone("Europe/Moscow"));
  BOOST_TEST(!known_timezone("Mars/Olympus_Mons"));
}

BOOST_AUTO_TEST_SUITE_END()
