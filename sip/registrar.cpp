#include "sip/registrar.hpp"

#include <algorithm>
#include <cctype>

namespace callboard::sip {

namespace {
// The host of a SIP URI: "sip:201@10.0.0.5:5070;transport=udp" -> "10.0.0.5".
std::string uri_host(const std::string& uri) {
  std::size_t start = uri.find(':');
  if (start == std::string::npos) return {};
  ++start;
  std::size_t at = uri.find('@', start);
  std::size_t params = uri.find_first_of(";?>", start);
  if (at != std::string::npos && (params == std::string::npos || at < params)) start = at + 1;
  if (start < uri.size() && uri[start] == '[') {
    std::size_t close = uri.find(']', start);
    return close == std::string::npos ? std::string() : uri.substr(start, close - start + 1);
  }
  std::size_t end = uri.find_first_of(":;?>", start);
  return uri.substr(start, end == std::string::npos ? std::string::npos : end - start);
}

bool parse_ipv4(const std::string& host, unsigned (&octets)[4]) {
  int n = 0;
  std::size_t pos = 0;
  while (n < 4) {
    std::size_t end = host.find('.', pos);
    std::string part = host.substr(pos, end == std::string::npos ? std::string::npos : end - pos);
    if (part.empty() || part.size() > 3 || part.find_first_not_of("0123456789") != std::string::npos)
      return false;
    octets[n++] = static_cast<unsigned>(std::stoul(part));
    if (octets[n - 1] > 255) return false;
    if (end == std::string::npos) break;
    pos = end + 1;
  }
  return n == 4 && host.find('.', pos) == std::string::npos;
}
}  // namespace

bool contact_host_allowed(const std::string& uri) {
  std::string host = uri_host(uri);
  if (host.empty()) return false;
  unsigned o[4];
  if (parse_ipv4(host, o)) {
    if (o[0] == 0) return false;               // 0.0.0.0/8: "this network"
    if (o[0] >= 224) return false;             // multicast, reserved, 255.255.255.255
    return true;
  }
  if (host.front() == '[') {
    std::string v6 = host.substr(1, host.size() - 2);
    for (auto& ch : v6) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    if (v6.rfind("ff", 0) == 0) return false;  // ff00::/8 multicast
    if (v6 == "::") return false;              // unspecified
  }
  return true;
}

RegisterOutcome Registrar::apply(const RegisterRequest& request, std::int64_t now_s) {
  RegisterOutcome out;
  auto it = users_.find(request.user);
  const bool had_bindings = it != users_.end() && !it->second.empty();
  std::vector<Binding> bindings = had_bindings ? it->second : std::vector<Binding>{};

  if (request.wildcard) {
    // RFC 3261 §10.3 step 6: "*" only alone and only with Expires: 0.
    if (!request.contacts.empty() || !request.expires || *request.expires != 0) {
      out.status = 400;
      out.reason = "Wildcard Contact Requires Expires: 0";
      return out;
    }
    for (const auto& b : bindings) {
      if (b.call_id == request.call_id && b.cseq >= request.cseq) {
        out.status = 500;
        out.reason = "Out of Order Request";
        return out;
      }
    }
    bindings.clear();
  } else {
    // First pass: validate everything so that a failure changes nothing.
    std::vector<std::uint32_t> expiries;
    expiries.reserve(request.contacts.size());
    for (const auto& c : request.contacts) {
      std::uint32_t e = c.expires ? *c.expires
                                  : request.expires ? *request.expires : policy_.default_expires;
      if (e != 0 && !contact_host_allowed(c.uri)) {
        out.status = 400;
        out.reason = "Contact Address Not Allowed";
        return out;
      }
      if (e != 0 && e < policy_.min_expires) {
        out.status = 423;
        out.reason = "Interval Too Brief";
        out.min_expires = policy_.min_expires;
        return out;
      }
      expiries.push_back(std::min(e, policy_.max_expires));
    }
    for (const auto& c : request.contacts) {
      for (const auto& b : bindings) {
        if (b.uri == c.uri && b.call_id == request.call_id && b.cseq >= request.cseq) {
          out.status = 500;
          out.reason = "Out of Order Request";
          return out;
        }
      }
    }
    for (std::size_t i = 0; i < request.contacts.size(); ++i) {
      const auto& c = request.contacts[i];
      auto b = std::find_if(bindings.begin(), bindings.end(),
                            [&](const Binding& x) { return x.uri == c.uri; });
      if (expiries[i] == 0) {
        if (b != bindings.end()) bindings.erase(b);
        continue;
      }
      if (b == bindings.end()) {
        bindings.push_back(Binding{c.uri, 0, {}, 0, next_order_++});
        b = bindings.end() - 1;
      }
      b->expires_at = now_s + expiries[i];
      b->call_id = request.call_id;
      b->cseq = request.cseq;
    }
  }

  // Bindings already past their time do not count as live ones.
  bindings.erase(std::remove_if(bindings.begin(), bindings.end(),
                                [&](const Binding& b) { return b.expires_at <= now_s; }),
                 bindings.end());
  const bool has_bindings = !bindings.empty();
  if (has_bindings) {
    users_[request.user] = bindings;
  } else if (it != users_.end()) {
    users_.erase(it);
  }
  out.bindings = view(bindings, now_s);
  if (!had_bindings && has_bindings) out.change = RegisterOutcome::Change::first_binding;
  if (had_bindings && !has_bindings) out.change = RegisterOutcome::Change::last_binding_gone;
  return out;
}

std::vector<std::string> Registrar::expire(std::int64_t now_s) {
  std::vector<std::string> gone;
  for (auto it = users_.begin(); it != users_.end();) {
    auto& list = it->second;
    list.erase(std::remove_if(list.begin(), list.end(),
                              [&](const Binding& b) { return b.expires_at <= now_s; }),
               list.end());
    if (list.empty()) {
      gone.push_back(it->first);
      it = users_.erase(it);
    } else {
      ++it;
    }
  }
  return gone;
}

std::vector<std::string> Registrar::contacts(const std::string& user, std::int64_t now_s) const {
  std::vector<std::string> out;
  auto it = users_.find(user);
  if (it == users_.end()) return out;
  std::vector<const Binding*> live;
  for (const auto& b : it->second)
    if (b.expires_at > now_s) live.push_back(&b);
  std::sort(live.begin(), live.end(),
            [](const Binding* a, const Binding* b) { return a->order < b->order; });
  for (const auto* b : live) out.push_back(b->uri);
  return out;
}

std::size_t Registrar::binding_count() const {
  std::size_t n = 0;
  for (const auto& [user, list] : users_) n += list.size();
  return n;
}

std::optional<std::int64_t> Registrar::next_expiry() const {
  std::optional<std::int64_t> next;
  for (const auto& [user, list] : users_)
    for (const auto& b : list)
      if (!next || b.expires_at < *next) next = b.expires_at;
  return next;
}

std::vector<BindingView> Registrar::view(const std::vector<Binding>& bindings,
                                         std::int64_t now_s) const {
  std::vector<BindingView> out;
  for (const auto& b : bindings)
    out.push_back(BindingView{b.uri, static_cast<std::uint32_t>(b.expires_at - now_s)});
  return out;
}

}  // namespace callboard::sip
