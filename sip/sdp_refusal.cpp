#include "sip/sdp_refusal.hpp"

#include <sstream>
#include <vector>

namespace callboard::sip {

namespace {
std::vector<std::string> words(const std::string& line) {
  std::istringstream in(line);
  std::vector<std::string> out;
  for (std::string w; in >> w;) out.push_back(std::move(w));
  return out;
}
}  // namespace

std::string refusing_answer(const std::string& offer, const std::string& host) {
  const char* family = host.find(':') == std::string::npos ? "IP4" : "IP6";
  std::string out = "v=0\r\n";
  out += std::string("o=callboard 0 0 IN ") + family + " " + host + "\r\n";
  out += "s=-\r\n";
  out += std::string("c=IN ") + family + " " + host + "\r\n";
  out += "t=0 0\r\n";
  std::size_t start = 0;
  while (start < offer.size()) {
    std::size_t end = offer.find('\n', start);
    if (end == std::string::npos) end = offer.size();
    std::string line = offer.substr(start, end - start);
    start = end + 1;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.rfind("m=", 0) != 0) continue;
    // m=<media> <port>[/<count>] <proto> <fmt> ...
    auto w = words(line.substr(2));
    if (w.size() < 3) continue;  // malformed: nothing to refuse
    out += "m=" + w[0] + " 0 " + w[2] + " " + (w.size() > 3 ? w[3] : std::string("0")) + "\r\n";
  }
  return out;
}

}  // namespace callboard::sip
