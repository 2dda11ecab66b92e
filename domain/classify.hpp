#pragma once
// Who is calling: the caller's number normalised, looked up in the client
// directory, and placed on the map. Pure, given the views and the phone
// library.

#include <string>

#include "domain/phone.hpp"
#include "domain/routing.hpp"
#include "domain/views/crm_views.hpp"

namespace callboard::domain {

Classification classify(const std::string& caller_raw, const PhoneNumbers& phones,
                        const CrmViews& views);

}  // namespace callboard::domain
