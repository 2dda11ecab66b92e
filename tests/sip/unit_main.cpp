#define BOOST_TEST_MODULE sip_unit
#include <boost/test/unit_test.hpp>
