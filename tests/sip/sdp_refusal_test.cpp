#include <boost/test/unit_test.hpp>

#include "sip/sdp_refusal.hpp"

using callboard::sip::refusing_answer;

// The answer that ACKs an agent's late offer we will not use (click-to-call,
// sip/engine_originate.cpp): RFC 3264 §6, one m= line per offered one, port 0.
BOOST_AUTO_TEST_SUITE(sdp_refusal)

BOOST_AUTO_TEST_CASE(every_offered_stream_is_refused_in_order) {
  const std::string offer =
      "v=0\r\no=agent 1 1 IN IP4 10.0.0.5\r\ns=agent\r\nc=IN IP4 10.0.0.5\r\nt=0 0\r\n"
      "m=audio 6000 RTP/AVP 0 8 101\r\na=rtpmap:0 PCMU/8000\r\n"
      "m=video 6002/2 RTP/SAVP 96\r\na=rtpmap:96 H264/90000\r\n";
  BOOST_TEST(refusing_answer(offer, "127.0.0.1") ==
             "v=0\r\no=callboard 0 0 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
             "m=audio 0 RTP/AVP 0\r\n"
             "m=video 0 RTP/SAVP 96\r\n");
}

BOOST_AUTO_TEST_CASE(bare_line_feeds_and_ipv6_hosts) {
  const std::string offer = "v=0\nc=IN IP6 ::1\nm=audio 4000 RTP/AVP 8\n";
  BOOST_TEST(refusing_answer(offer, "::1") ==
             "v=0\r\no=callboard 0 0 IN IP6 ::1\r\ns=-\r\nc=IN IP6 ::1\r\nt=0 0\r\nm=audio 0 RTP/AVP 8\r\n");
}

BOOST_AUTO_TEST_CASE(malformed_media_lines_and_empty_offers_give_no_streams) {
  const std::string session = "v=0\r\no=callboard 0 0 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n";
  BOOST_TEST(refusing_answer("", "127.0.0.1") == session);
  BOOST_TEST(refusing_answer("m=audio\r\nm=audio 5\r\nxm=audio 1 RTP/AVP 0\r\n", "127.0.0.1") == session);
  // A media line without formats still gets one (an m= line must list one).
  BOOST_TEST(refusing_answer("m=audio 5 RTP/AVP", "127.0.0.1") == session + "m=audio 0 RTP/AVP 0\r\n");
}

BOOST_AUTO_TEST_SUITE_END()
