#include "domain/classify.hpp"

namespace callboard::domain {

Classification classify(const std::string& caller_raw, const PhoneNumbers& phones,
                        const CrmViews& views) {
  Classification who;
  auto number = phones.identify(caller_raw);
  if (!number) {
    who.caller = caller_raw;
    return who;
  }
  who.caller = std::move(number->e164);
  who.region = std::move(number->country);
  if (auto id = views.client_by_phone(who.caller)) {
    if (const Client* c = views.client(*id)) {
      who.client = c->id;
      who.client_name = c->name;
      who.responsible = c->responsible;
    }
  }
  return who;
}

std::string location_of(const Classification& who, const PhoneNumbers& phones) {
  if (who.caller.empty() || who.caller[0] != '+' || !who.location.empty()) return who.location;
  return phones.location(who.caller);
}

void locate(Classification& who, const PhoneNumbers& phones) { who.location = location_of(who, phones); }

bool needs_location(const Classification& who, const EntryPointConfig& entry) {
  return who.client == 0 && entry.unknown == UnknownRule::regional;
}

}  // namespace callboard::domain
