#include "domain/phone.hpp"

#include <phonenumbers/geocoding/phonenumber_offline_geocoder.h>
#include <phonenumbers/phonenumberutil.h>
#include <unicode/locid.h>

#include <mutex>

namespace callboard::domain {

namespace pn = i18n::phonenumbers;

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

  bool parse_e164(const std::string& e164, pn::PhoneNumber& number) const {
    return pn::PhoneNumberUtil::GetInstance()->Parse(e164, default_region, &number) ==
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
