#pragma once
// What a forked leg reports when every contact of the agent failed: the
// "best" final response, in the spirit of RFC 3261 §16.7 step 6. Pure.

#include <vector>

namespace callboard::sip {

// `statuses` are the final responses (300-699) of the contacts, in the
// order they arrived. Rules, first match wins:
//   - no status at all: 480 (nobody to ring);
//   - a 6xx: the first 6xx (a global refusal such as 603 Decline or 600 Busy Everywhere);
//   - 486 Busy Here from any contact;
//   - otherwise the lowest class (3xx before 4xx before 5xx); inside that
//     class the first response that is not 408 (a timeout says the least),
//     else the first one.
// A status outside 300-699 (a local error code) is read as 500.
int best_final_response(const std::vector<int>& statuses);

}  // namespace callboard::sip
