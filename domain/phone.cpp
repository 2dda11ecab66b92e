#include "domain/phone.hpp"

#include <phonenumbers/geocoding/phonenumber_offline_geocoder.h>
#include <phonenumbers/phonenumberutil.h>
#include <unicode/locid.h>

#include <mutex>

namespace callboard::domain {

namespace pn = i18n::phonenumbers;

namespace {

// An E.164 number as Format(E164) writes it ('+', the country calling
// code, the national significant number) read back field by field, as the
// parser would read it; false for any other text.
bool read_e164(const std::string& text, pn::PhoneNumber& number) {
  // '+' and 2 to 15 digits (E.164 allows 15).
  if (text.size() < 3 || text.size() > 16 || text[0] != '+') return false;
  for (std::size_t i = 1; i < text.size(); ++i)
    if (text[i] < '0' || text[i] > '9') return false;
  const auto& util = *pn::PhoneNumberUtil::GetInstance();
  // Country calling codes are prefix-free: the first of 1-3 digits that
  // names a code the metadata knows is the code.
  for (std::size_t len = 1; len <= 3 && 1 + len < text.size(); ++len) {
    const int code = std::stoi(text.substr(1, len));
    std::string region;
    util.GetRegionCodeForCountryCode(code, &region);
    if (region == "ZZ") continue;
    const std::string national = text.substr(1 + len);
    pn::PhoneNumber n;
    n.set_country_code(code);
    n.set_national_number(std::stoull(national));
    // Leading zeros of the national number (Italy's fixed lines) are kept
    // as the parser keeps them: a flag and, beyond one, their count (a
    // national number of zeros alone keeps its last one as the number).
    std::size_t zeros = 0;
    while (zeros + 1 < national.size() && national[zeros] == '0') ++zeros;
    if (zeros > 0) {
      n.set_italian_leading_zero(true);
      if (zeros > 1) n.set_number_of_leading_zeros(static_cast<int>(zeros));
    }
    number = std::move(n);
    return true;
  }
  return false;
}

}  // namespace

struct PhoneNumbers::Impl {
  std::string default_region;
  // The geocoder loads its tables lazily and is not documented as
  // thread-safe; calls to it are serialised.
  std::mutex geocoder_mutex;
  std::unique_ptr<pn::PhoneNumberOfflineGeocoder> geocoder;

  std::string describe(const pn::PhoneNumber& number, const std::string& language) {
    std::lock_guard<std::mutex> lock(geocoder_mutex);
    if (!geocoder) geocoder = std::make_unique<pn::PhoneNumberOfflineGeocoder>();
    return geocoder->GetDescriptionForNumber(number, icu::Locale(language.c_str()));
  }

  // E.164 text (as identify() formats it) is read back field by field;
  // any other text goes through the full parser, which costs tens of
  // microseconds of regular expressions per number, paid a second time for
  // every call's screen pop (docs/BENCHMARKS.md, routing, sixth pass).
  bool parse_e164(const std::string& e164, pn::PhoneNumber& number) const {
    return read_e164(e164, number) ||
           pn::PhoneNumberUtil::GetInstance()->Parse(e164, default_region, &number) ==
               pn::PhoneNumberUtil::NO_PARSING_ERROR;
  }
};

PhoneNumbers::PhoneNumbers(std::string default_region) : impl_(std::make_unique<Impl>()) {
  impl_->default_region = std::move(default_region);
}

PhoneNumbers::~PhoneNumbers() = default;

namespace {

// The number a caller most likely meant, or nullopt.
std::optional<pn::PhoneNumber> best_reading(std::string_view raw, const std::string& default_region) {
  const auto& util = *pn::PhoneNumberUtil::GetInstance();
  std::string text(raw);
  // Already E.164 (SIP trunks and phones mostly send that): read it as
  // written when that is a valid number, without the parser.
  pn::PhoneNumber literal;
  if (read_e164(text, literal) && util.IsValidNumber(literal)) return literal;
  auto parse = [&](const std::string& t, pn::PhoneNumber& n) {
    return util.Parse(t, default_region, &n) == pn::PhoneNumberUtil::NO_PARSING_ERROR;
  };
  pn::PhoneNumber local;
  bool local_ok = parse(text, local);
  if (local_ok && util.IsValidNumber(local)) return local;
  if (!text.empty() && text[0] != '+') {
    // "74951234567": international digits without '+', common in SIP From
    // headers of trunks.
    pn::PhoneNumber intl;
    if (parse("+" + text, intl) && util.IsValidNumber(intl)) return intl;
  }
  if (local_ok && util.IsPossibleNumber(local)) return local;
  return std::nullopt;
}

std::string region_code(const pn::PhoneNumber& number) {
  std::string code;
  pn::PhoneNumberUtil::GetInstance()->GetRegionCodeForNumber(number, &code);
  if (code == "ZZ") code.clear();
  return code;
}

}  // namespace

std::optional<std::string> PhoneNumbers::normalize(std::string_view raw) const {
  auto number = best_reading(raw, impl_->default_region);
  if (!number) return std::nullopt;
  std::string e164;
  pn::PhoneNumberUtil::GetInstance()->Format(*number, pn::PhoneNumberUtil::E164, &e164);
  return e164;
}

std::optional<PhoneNumbers::Identified> PhoneNumbers::identify(std::string_view raw) const {
  auto number = best_reading(raw, impl_->default_region);
  if (!number) return std::nullopt;
  Identified out;
  pn::PhoneNumberUtil::GetInstance()->Format(*number, pn::PhoneNumberUtil::E164, &out.e164);
  out.country = region_code(*number);
  return out;
}

PhoneRegion PhoneNumbers::region(const std::string& e164, const std::string& language) const {
  pn::PhoneNumber number;
  PhoneRegion out;
  if (!impl_->parse_e164(e164, number)) return out;
  out.country = region_code(number);
  out.location = impl_->describe(number, language);
  return out;
}

std::string PhoneNumbers::location(const std::string& e164, const std::string& language) const {
  pn::PhoneNumber number;
  return impl_->parse_e164(e164, number) ? impl_->describe(number, language) : std::string();
}

}  // namespace callboard::domain
