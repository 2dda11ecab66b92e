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
};

PhoneNumbers::PhoneNumbers(std::string default_region) : impl_(std::make_unique<Impl>()) {
  impl_->default_region = std::move(default_region);
}

PhoneNumbers::~PhoneNumbers() = default;

std::optional<std::string> PhoneNumbers::normalize(std::string_view raw) const {
  const auto& util = *pn::PhoneNumberUtil::GetInstance();
  std::string text(raw);
  // "375291234567" (international digits without '+') is common in SIP From
  // headers; try it as international first when it does not parse locally.
  pn::PhoneNumber number;
  auto parsed = util.Parse(text, impl_->default_region, &number);
  if (parsed != pn::PhoneNumberUtil::NO_PARSING_ERROR || !util.IsPossibleNumber(number)) {
    if (text.empty() || text[0] == '+') return std::nullopt;
    parsed = util.Parse("+" + text, impl_->default_region, &number);
    if (parsed != pn::PhoneNumberUtil::NO_PARSING_ERROR || !util.IsPossibleNumber(number))
      return std::nullopt;
  }
  std::string e164;
  util.Format(number, pn::PhoneNumberUtil::E164, &e164);
  return e164;
}

PhoneRegion PhoneNumbers::region(const std::string& e164, const std::string& language) const {
  const auto& util = *pn::PhoneNumberUtil::GetInstance();
  pn::PhoneNumber number;
  PhoneRegion out;
  if (util.Parse(e164, impl_->default_region, &number) != pn::PhoneNumberUtil::NO_PARSING_ERROR)
    return out;
  util.GetRegionCodeForNumber(number, &out.country);
  if (out.country == "ZZ") out.country.clear();
  std::lock_guard<std::mutex> lock(impl_->geocoder_mutex);
  if (!impl_->geocoder) impl_->geocoder = std::make_unique<pn::PhoneNumberOfflineGeocoder>();
  out.location = impl_->geocoder->GetDescriptionForNumber(number, icu::Locale(language.c_str()));
  return out;
}

}  // namespace callboard::domain
