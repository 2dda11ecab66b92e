#include "sip/fork_policy.hpp"

namespace callboard::sip {

int best_final_response(const std::vector<int>& statuses) {
  if (statuses.empty()) return 480;
  std::vector<int> s;
  s.reserve(statuses.size());
  for (int v : statuses) s.push_back(v >= 300 && v <= 699 ? v : 500);

  for (int v : s)
    if (v >= 600) return v;
  for (int v : s)
    if (v == 486) return v;
  int lowest_class = 9;
  for (int v : s)
    if (v / 100 < lowest_class) lowest_class = v / 100;
  int first_in_class = 0;
  for (int v : s) {
    if (v / 100 != lowest_class) continue;
    if (first_in_class == 0) first_in_class = v;
    if (v != 408) return v;
  }
  return first_in_class;
}

}  // namespace callboard::sip
