#include <boost/test/unit_test.hpp>

#include "sip/registrar.hpp"

#include <ostream>

namespace callboard::sip {
std::ostream& operator<<(std::ostream& os, RegisterOutcome::Change c) {
  switch (c) {
    case RegisterOutcome::Change::none: return os << "none";
    case RegisterOutcome::Change::first_binding: return os << "first_binding";
    case RegisterOutcome::Change::last_binding_gone: return os << "last_binding_gone";
  }
  return os;
}
}  // namespace callboard::sip

using namespace callboard::sip;

namespace {

const ExpiryPolicy kPolicy{60, 3600, 600};

RegisterRequest reg(const std::string& user, std::uint32_t cseq,
                    std::vector<ContactSpec> contacts, std::optional<std::uint32_t> expires = {},
                    const std::string& call_id = "cid-1") {
  RegisterRequest r;
  r.user = user;
  r.call_id = call_id;
  r.cseq = cseq;
  r.contacts = std::move(contacts);
  r.expires = expires;
  return r;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(registrar)

BOOST_AUTO_TEST_CASE(first_binding_uses_default_expiry_and_is_reported) {
  Registrar r(kPolicy);
  auto out = r.apply(reg("sip1", 1, {{"sip:sip1@127.0.0.1:25081", {}}}), 1000);
  BOOST_TEST(out.status == 200);
  BOOST_TEST(out.change == RegisterOutcome::Change::first_binding);
  BOOST_REQUIRE_EQUAL(out.bindings.size(), 1u);
  BOOST_TEST(out.bindings[0].uri == "sip:sip1@127.0.0.1:25081");
  BOOST_TEST(out.bindings[0].expires_in == 600u);
  BOOST_TEST(r.contacts("sip1", 1000) == std::vector<std::string>{"sip:sip1@127.0.0.1:25081"});
}

BOOST_AUTO_TEST_CASE(refresh_and_second_contact_are_not_a_change) {
  Registrar r(kPolicy);
  r.apply(reg("sip1", 1, {{"sip:a@h:1", {}}}), 1000);
  auto out = r.apply(reg("sip1", 2, {{"sip:a@h:1", 120u}}), 1010);
  BOOST_TEST(out.change == RegisterOutcome::Change::none);
  BOOST_TEST(out.bindings.at(0).expires_in == 120u);
  out = r.apply(reg("sip1", 1, {{"sip:b@h:2", {}}}, 300u, "cid-2"), 1020);
  BOOST_TEST(out.status == 200);
  BOOST_TEST(out.change == RegisterOutcome::Change::none);
  BOOST_REQUIRE_EQUAL(out.bindings.size(), 2u);
  BOOST_TEST(r.contacts("sip1", 1020) == (std::vector<std::string>{"sip:a@h:1", "sip:b@h:2"}));
  BOOST_TEST(r.binding_count() == 2u);
}

BOOST_AUTO_TEST_CASE(expiry_is_clamped_to_max_and_refused_below_min) {
  Registrar r(kPolicy);
  auto out = r.apply(reg("sip1", 1, {{"sip:a@h:1", {}}}, 99999u), 0);
  BOOST_TEST(out.bindings.at(0).expires_in == 3600u);

  out = r.apply(reg("sip2", 1, {{"sip:b@h:1", 30u}}), 0);
  BOOST_TEST(out.status == 423);
  BOOST_TEST(out.min_expires == 60u);
  BOOST_TEST(r.contacts("sip2", 0).empty());
}

BOOST_AUTO_TEST_CASE(a_failing_contact_leaves_everything_unchanged) {
  Registrar r(kPolicy);
  r.apply(reg("sip1", 1, {{"sip:a@h:1", {}}}), 0);
  auto out = r.apply(reg("sip1", 2, {{"sip:a@h:1", 0u}, {"sip:b@h:2", 5u}}), 10);
  BOOST_TEST(out.status == 423);
  BOOST_TEST(r.contacts("sip1", 10) == std::vector<std::string>{"sip:a@h:1"});
}

BOOST_AUTO_TEST_CASE(expires_zero_removes_one_binding_and_last_one_is_reported) {
  Registrar r(kPolicy);
  r.apply(reg("sip1", 1, {{"sip:a@h:1", {}}, {"sip:b@h:2", {}}}), 0);
  auto out = r.apply(reg("sip1", 2, {{"sip:a@h:1", 0u}}), 5);
  BOOST_TEST(out.change == RegisterOutcome::Change::none);
  BOOST_TEST(r.contacts("sip1", 5) == std::vector<std::string>{"sip:b@h:2"});
  out = r.apply(reg("sip1", 3, {{"sip:b@h:2", {}}}, 0u), 6);
  BOOST_TEST(out.status == 200);
  BOOST_TEST(out.change == RegisterOutcome::Change::last_binding_gone);
  BOOST_TEST(out.bindings.empty());
  BOOST_TEST(r.user_count() == 0u);
}

BOOST_AUTO_TEST_CASE(wildcard_removes_all_only_with_expires_zero) {
  Registrar r(kPolicy);
  r.apply(reg("sip1", 1, {{"sip:a@h:1", {}}, {"sip:b@h:2", {}}}), 0);
  RegisterRequest star = reg("sip1", 2, {}, 3600u);
  star.wildcard = true;
  BOOST_TEST(r.apply(star, 1).status == 400);
  star.expires = 0u;
  star.contacts = {{"sip:a@h:1", {}}};
  BOOST_TEST(r.apply(star, 1).status == 400);
  star.contacts.clear();
  auto out = r.apply(star, 1);
  BOOST_TEST(out.status == 200);
  BOOST_TEST(out.change == RegisterOutcome::Change::last_binding_gone);
  BOOST_TEST(r.binding_count() == 0u);
}

BOOST_AUTO_TEST_CASE(query_without_contacts_lists_bindings) {
  Registrar r(kPolicy);
  r.apply(reg("sip1", 1, {{"sip:a@h:1", 100u}}), 0);
  auto out = r.apply(reg("sip1", 2, {}), 40);
  BOOST_TEST(out.status == 200);
  BOOST_TEST(out.change == RegisterOutcome::Change::none);
  BOOST_REQUIRE_EQUAL(out.bindings.size(), 1u);
  BOOST_TEST(out.bindings[0].expires_in == 60u);
}

BOOST_AUTO_TEST_CASE(out_of_order_cseq_from_same_call_id_is_refused) {
  Registrar r(kPolicy);
  r.apply(reg("sip1", 5, {{"sip:a@h:1", {}}}), 0);
  auto out = r.apply(reg("sip1", 5, {{"sip:a@h:1", 0u}}), 1);
  BOOST_TEST(out.status == 500);
  BOOST_TEST(r.binding_count() == 1u);
  // Another Call-ID (a rebooted phone) may use any CSeq.
  out = r.apply(reg("sip1", 1, {{"sip:a@h:1", 0u}}, {}, "cid-other"), 1);
  BOOST_TEST(out.status == 200);
  BOOST_TEST(r.binding_count() == 0u);
}

BOOST_AUTO_TEST_CASE(expire_drops_due_bindings_and_names_users_left_without) {
  Registrar r(kPolicy);
  r.apply(reg("sip1", 1, {{"sip:a@h:1", 60u}}), 0);
  r.apply(reg("sip2", 1, {{"sip:b@h:1", 60u}, {"sip:c@h:1", 120u}}), 0);
  BOOST_TEST(r.next_expiry().value() == 60);
  BOOST_TEST(r.expire(59).empty());
  auto gone = r.expire(60);
  BOOST_TEST(gone == std::vector<std::string>{"sip1"});
  BOOST_TEST(r.contacts("sip2", 60) == std::vector<std::string>{"sip:c@h:1"});
  BOOST_TEST(r.expire(120) == std::vector<std::string>{"sip2"});
  BOOST_TEST(!r.next_expiry().has_value());
}

BOOST_AUTO_TEST_CASE(contacts_past_their_time_are_not_returned_before_the_sweep) {
  Registrar r(kPolicy);
  r.apply(reg("sip1", 1, {{"sip:a@h:1", 60u}}), 0);
  BOOST_TEST(r.contacts("sip1", 60).empty());
  BOOST_TEST(r.contacts("nobody", 0).empty());
}

BOOST_AUTO_TEST_CASE(broadcast_multicast_and_unspecified_contacts_are_refused) {
  BOOST_TEST(contact_host_allowed("sip:201@127.0.0.1:5070;transport=udp"));
  BOOST_TEST(contact_host_allowed("sip:201@phone.example.com"));
  BOOST_TEST(contact_host_allowed("sip:[2001:db8::1]:5060"));
  BOOST_TEST(!contact_host_allowed("sip:201@255.255.255.255:5060"));
  BOOST_TEST(!contact_host_allowed("sip:201@224.0.0.1"));
  BOOST_TEST(!contact_host_allowed("sip:201@239.1.2.3;transport=udp"));
  BOOST_TEST(!contact_host_allowed("sip:201@0.0.0.0:5060"));
  BOOST_TEST(!contact_host_allowed("sip:[ff02::1]:5060"));
  BOOST_TEST(!contact_host_allowed("sip:"));
  Registrar r(kPolicy);
  auto out = r.apply(reg("sip1", 1, {{"sip:a@127.0.0.1:1", 60u}, {"sip:a@255.255.255.255", 60u}}), 0);
  BOOST_TEST(out.status == 400);
  BOOST_TEST(r.binding_count() == 0u);  // nothing half-applied
  // Removing such a binding (expires 0) is harmless and allowed.
  BOOST_TEST(r.apply(reg("sip1", 2, {{"sip:a@255.255.255.255", 0u}}), 0).status == 200);
}

BOOST_AUTO_TEST_SUITE_END()
