#pragma once
// Who is calling: the caller's number normalised and looked up in the client
// directory (classify), and placed on the map (locate). Pure, given the views
// and the phone library.

#include <string>

#include "domain/phone.hpp"
#include "domain/routing.hpp"
#include "domain/views/crm_views.hpp"

namespace callboard::domain {

// Fills caller, region, client, client_name, responsible; location stays
// empty (locate).
Classification classify(const std::string& caller_raw, const PhoneNumbers& phones,
                        const CrmViews& views);

// Fills location from the caller's E.164 number with the geocoder (a
// second parse and a table lookup: ~10 us warm, over 100 us cold), so
// callers do it only where a rule or a screen pop needs it. No-op when the
// number did not parse or is located already.
void locate(Classification& who, const PhoneNumbers& phones);
// What locate() would set, leaving `who` as it is.
std::string location_of(const Classification& who, const PhoneNumbers& phones);

// Whether routing a call through this entry point reads the location.
bool needs_location(const Classification& who, const EntryPointConfig& entry);

}  // namespace callboard::domain
