#pragma once
// Phone numbers, through libphonenumber (a pure library, allowed in domain/).
// Thread-safe: the underlying PhoneNumberUtil is immutable after start.

#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace callboard::domain {

struct PhoneRegion {
  std::string country;   // ISO 3166 region code: "BY", "RU"; empty when unknown
  std::string location;  // geocoder description in the requested language: "Минск"
};

class PhoneNumbers {
 public:
  // default_region: how to read numbers written without "+country" ("BY").
  explicit PhoneNumbers(std::string default_region);
  ~PhoneNumbers();
  PhoneNumbers(const PhoneNumbers&) = delete;
  PhoneNumbers& operator=(const PhoneNumbers&) = delete;

  // E.164 ("+375291234567") for a number in any common notation
  // ("8 029 123-45-67", "+375 (29) 123 45 67", "375291234567");
  // nullopt when it is not a possible phone number.
  std::optional<std::string> normalize(std::string_view raw) const;

  // normalize() and the number's ISO 3166 region code ("BY"; empty when
  // the number belongs to none), from one parse.
  struct Identified {
    std::string e164;
    std::string country;
  };
  std::optional<Identified> identify(std::string_view raw) const;

  // Region of an E.164 number; language "ru" or "en" for the location.
  PhoneRegion region(const std::string& e164, const std::string& language = "ru") const;
  // region(e164, language).location alone.
  std::string location(const std::string& e164, const std::string& language = "ru") const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace callboard::domain
