#pragma once
// A Sofia root on the test's thread, for the test's duration. Include after
// sip/sofia_prelude.hpp and Sofia's su_wait.h.

#include <boost/test/unit_test.hpp>

struct SofiaRoot {
  SofiaRoot() {
    su_init();
    root = su_root_create(nullptr);
    BOOST_REQUIRE(root);
  }
  ~SofiaRoot() {
    su_root_destroy(root);
    su_deinit();
  }
  SofiaRoot(const SofiaRoot&) = delete;
  SofiaRoot& operator=(const SofiaRoot&) = delete;
  su_root_t* root = nullptr;
};
