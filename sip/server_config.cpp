#include "sip/sip_server.hpp"

namespace callboard::sip {

SipServerConfig server_config_from(const domain::Config& config) {
  SipServerConfig out;
  out.listen = config.listen.sip;
  out.realm = config.sip.realm;
  out.domain = config.sip.domain;
  out.min_expires = config.sip.min_expires;
  out.max_expires = config.sip.max_expires;
  out.default_expires = config.sip.default_expires;
  out.dialog_port = config.sip.dialog_port;
  for (const auto& agent : config.agents) {
    if (agent.sip_user.empty()) continue;
    out.accounts.push_back(SipAccount{agent.sip_user, agent.sip_password, agent.login});
  }
  return out;
}

}  // namespace callboard::sip
