// PhoneNumbers reads back the E.164 numbers it wrote without the full
// parser (domain/phone.cpp, read_e164); what it finds must be what the
// parser finds. The reference here is libphonenumber's own Parse and
// geocoder, called directly.
#include <boost/test/unit_test.hpp>

#include <phonenumbers/geocoding/phonenumber_offline_geocoder.h>
#include <phonenumbers/phonenumberutil.h>
#include <unicode/locid.h>

#include <string>

#include "domain/phone.hpp"

namespace {

namespace pn = i18n::phonenumbers;

struct Reference {
  std::string country;
  std::string location;
};

Reference parsed(const std::string& e164, const char* language) {
  static pn::PhoneNumberOfflineGeocoder geocoder;
  const auto& util = *pn::PhoneNumberUtil::GetInstance();
  pn::PhoneNumber number;
  Reference out;
  if (util.Parse(e164, "BY", &number) != pn::PhoneNumberUtil::NO_PARSING_ERROR) return out;
  util.GetRegionCodeForNumber(number, &out.country);
  if (out.country == "ZZ") out.country.clear();
  out.location = geocoder.GetDescriptionForNumber(number, icu::Locale(language));
  return out;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(phone_numbers)

BOOST_AUTO_TEST_CASE(an_e164_number_read_back_is_the_number_the_parser_reads) {
  callboard::domain::PhoneNumbers phones("BY");
  const char* numbers[] = {
      "+375172001234",  // Minsk, fixed
      "+375291234567",  // Belarus, mobile
      "+74951234567",   // Moscow (a 1-digit code)
      "+78122345678",   // St Petersburg
      "+12025550123",   // Washington (code 1)
      "+390612345678",  // Rome: a leading zero in the national number
      "+3900612345",    // two leading zeros
      "+442071234567",  // London
      "+8612345678901",  // China, mobile-like
      "+80012345678",   // a non-geographic code (800)
      "+35312345678",   // Ireland (a 3-digit code)
      "+9991234567",    // no such code: the parser decides
      "+3",             // too short
      "+375 29 123 45 67",  // not E.164 text: the parser reads it
  };
  for (const char* e164 : numbers) {
    for (const char* language : {"ru", "en"}) {
      const Reference want = parsed(e164, language);
      const auto got = phones.region(e164, language);
      BOOST_TEST_CONTEXT(e164 << " " << language) {
        BOOST_TEST(got.country == want.country);
        BOOST_TEST(got.location == want.location);
        BOOST_TEST(phones.location(e164, language) == want.location);
      }
    }
  }
  // The leading-zero case is the one a field-by-field reading can get
  // wrong; the geocoder must have found Rome there.
  BOOST_TEST(phones.location("+390612345678", "en") == "Rome");
}

// A caller's number already in E.164 is identified as the parser would.
BOOST_AUTO_TEST_CASE(a_caller_number_in_e164_is_identified_as_the_parser_reads_it) {
  callboard::domain::PhoneNumbers phones("BY");
  const auto& util = *pn::PhoneNumberUtil::GetInstance();
  for (const char* raw : {"+375291234567", "+375172001234", "+74951234567", "+78001234567",
                          "+12025550123", "+390612345678", "+442071234567", "+80012345678"}) {
    pn::PhoneNumber number;
    BOOST_TEST_CONTEXT(raw) {
      BOOST_REQUIRE(util.Parse(raw, "BY", &number) == pn::PhoneNumberUtil::NO_PARSING_ERROR);
      BOOST_REQUIRE(util.IsValidNumber(number));
      std::string e164, country;
      util.Format(number, pn::PhoneNumberUtil::E164, &e164);
      util.GetRegionCodeForNumber(number, &country);
      if (country == "ZZ") country.clear();
      const auto got = phones.identify(raw);
      BOOST_REQUIRE(got.has_value());
      BOOST_TEST(got->e164 == e164);
      BOOST_TEST(got->country == country);
    }
  }
  // Not valid as written: the parser's readings still apply.
  BOOST_TEST(phones.identify("+375 29 123 45 67")->e164 == "+375291234567");
  BOOST_TEST(!phones.identify("+3").has_value());
}

BOOST_AUTO_TEST_SUITE_END()
