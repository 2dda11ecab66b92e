#include "domain/classify.hpp"

namespace callboard::domain {

Classification classify(const std::string& caller_raw, const PhoneNumbers& phones,
                        const CrmViews& views) {
  Classification who;
  auto e164 = phones.normalize(caller_raw);
  who.caller = e164 ? *e164 : caller_raw;
  if (!e164) return who;
  PhoneRegion region = phones.region(*e164);
  who.region = region.country;
  who.location = region.location;
  if (auto id = views.client_by_phone(*e164)) {
    if (const Client* c = views.client(*id)) {
      who.client = c->id;
      who.client_name = c->name;
      who.responsible = c->responsible;
    }
  }
  return who;
}

}  // namespace callboard::domain
