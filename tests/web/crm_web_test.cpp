// The pure parts of the CRM routes: CSV in and out, JSON field readers,
// ISO-8601 times and days, and how a command's Status becomes HTTP.
#define BOOST_TEST_MODULE web_crm
#include <boost/test/unit_test.hpp>

#include "web/crm_json.hpp"
#include "web/csv.hpp"

using namespace callboard;
using namespace callboard::web;
using nlohmann::json;

BOOST_AUTO_TEST_CASE(csv_reads_what_spreadsheets_write) {
  auto rows = parse_csv("\xEF\xBB\xBFname,phones\r\n\"Петров, Иван\",\"+375 29 111-11-11; 8029 2222222\"\r\n\r\n"
                        "\"say \"\"hi\"\"\",\n\"two\nlines\",x\n",
                        10);
  BOOST_REQUIRE_MESSAGE(rows.is_ok(), rows.status().to_string());
  BOOST_REQUIRE(rows->size() == 4u);
  BOOST_TEST((*rows)[0].fields == (std::vector<std::string>{"name", "phones"}));
  BOOST_TEST((*rows)[1].fields[0] == "Петров, Иван");
  BOOST_TEST((*rows)[1].line == 2u);
  BOOST_TEST((*rows)[2].fields == (std::vector<std::string>{"say \"hi\"", ""}));
  BOOST_TEST((*rows)[2].line == 4u);
  BOOST_TEST((*rows)[3].fields[0] == "two\nlines");
  BOOST_TEST((*rows)[3].line == 5u);

  auto semicolons = parse_csv("name;company\nИван;ООО, Ромашка\n", 10);
  BOOST_REQUIRE(semicolons.is_ok());
  BOOST_TEST((*semicolons)[1].fields == (std::vector<std::string>{"Иван", "ООО, Ромашка"}));

  BOOST_TEST(!parse_csv("a\n\"open", 10).is_ok());
  BOOST_TEST(parse_csv("a\n\"open", 10).status().message() == "line 2: a quote is not closed");
  BOOST_TEST(!parse_csv("\"a\"b\n", 10).is_ok());
  BOOST_TEST(!parse_csv("a\nb\nc\n", 2).is_ok());
  BOOST_TEST(parse_csv("", 10)->empty());
  BOOST_TEST(parse_csv("last,row", 10)->size() == 1u);
}

BOOST_AUTO_TEST_CASE(csv_cells_quote_and_defuse_formulas_and_come_back) {
  BOOST_TEST(csv_cell("plain") == "plain");
  BOOST_TEST(csv_cell("a,b") == "\"a,b\"");
  BOOST_TEST(csv_cell("say \"hi\"") == "\"say \"\"hi\"\"\"");
  BOOST_TEST(csv_cell("=HYPERLINK(\"x\")") == "\"'=HYPERLINK(\"\"x\"\")\"");
  BOOST_TEST(csv_cell("@SUM(A1)") == "'@SUM(A1)");
  BOOST_TEST(csv_cell("+375 29 111-11-11") == "+375 29 111-11-11");  // a number stays as it is
  BOOST_TEST(csv_cell("-12.50") == "-12.50");
  BOOST_TEST(csv_cell("+cmd|' /C calc'!A0") == "'+cmd|' /C calc'!A0");
  for (const std::string v : {"=1+2", "@x", "+a", "-b", "'quoted", "+375291111111; +74951234567", "обычный"}) {
    auto rows = parse_csv(csv_cell(v) + "\n", 2);
    BOOST_REQUIRE(rows.is_ok());
    BOOST_TEST(unescape_cell((*rows)[0].fields[0]) == v);
  }
  BOOST_TEST(split_list(" +375291111111; 8029 222,, vip ;") ==
             (std::vector<std::string>{"+375291111111", "8029 222", "vip"}));
}

BOOST_AUTO_TEST_CASE(times_and_days) {
  BOOST_TEST(parse_iso8601("2026-11-28T10:00:00Z").value() == 1'795'860'000'000'000);
  BOOST_TEST(parse_iso8601("2026-11-28T13:00:00+03:00").value() == 1'795'860'000'000'000);
  BOOST_TEST(parse_iso8601("2026-11-28T10:00Z").value() == 1'795'860'000'000'000);
  BOOST_TEST(parse_iso8601("2026-11-28T10:00:00.5Z").value() == 1'795'860'000'500'000);
  BOOST_TEST(!parse_iso8601("2026-11-28T10:00:00").has_value());  // no zone: ambiguous
  BOOST_TEST(!parse_iso8601("2026-02-30T10:00:00Z").has_value());
  BOOST_TEST(!parse_iso8601("tomorrow").has_value());
  BOOST_TEST(!parse_iso8601("2026-11-28T10:00:00Zjunk").has_value());
  const auto day = parse_day("2026-11-28");
  BOOST_REQUIRE(day.has_value());
  BOOST_TEST(day_string(*day) == "2026-11-28");
  BOOST_TEST(!parse_day("2026-13-01").has_value());
  BOOST_TEST(!parse_day("28.11.2026").has_value());
}

BOOST_AUTO_TEST_CASE(fields_are_read_with_their_types_checked) {
  json body = json::parse(R"({"s":"x","n":5,"f":1.5,"b":true,"a":["x","y"],"bad":[1],"due":"2026-11-28T10:00:00Z"})");
  FieldError e;
  std::optional<std::string> s;
  BOOST_TEST(opt_string(body, "s", 10, s, e));
  BOOST_TEST(*s == "x");
  BOOST_TEST(!opt_string(body, "n", 10, s, e));
  BOOST_TEST(e.field == "n");
  BOOST_TEST(e.message == "'n' must be a string, not a number");
  std::optional<std::int64_t> n;
  BOOST_TEST(opt_int(body, "n", 0, 10, n, e));
  BOOST_TEST(!opt_int(body, "n", 0, 4, n, e));
  BOOST_TEST(!opt_int(body, "f", 0, 10, n, e));
  BOOST_TEST(e.message == "'f' must be a whole number, not a fraction");
  BOOST_TEST(!opt_int(body, "s", 0, 10, n, e));
  std::optional<bool> b;
  BOOST_TEST(opt_bool(body, "b", b, e));
  BOOST_TEST(!opt_bool(body, "n", b, e));
  std::vector<std::string> list;
  BOOST_TEST(opt_strings(body, "a", 5, 10, list, e));
  BOOST_TEST(list.size() == 2u);
  BOOST_TEST(!opt_strings(body, "bad", 5, 10, list, e));
  BOOST_TEST(!opt_strings(body, "a", 1, 10, list, e));
  std::optional<domain::Timestamp> due;
  BOOST_TEST(opt_time(body, "due", due, e));
  BOOST_TEST(*due == 1'795'860'000'000'000);
  json both = json::parse(R"({"due":"2026-11-28T10:00:00Z","due_us":5})");
  BOOST_TEST(!opt_time(both, "due", due, e));
  BOOST_TEST(!only_fields(body, {"s", "n"}, e));
  BOOST_TEST(only_fields(json::parse(R"({"s":1})"), {"s", "n"}, e));
  std::optional<std::string> absent;
  BOOST_TEST(opt_string(body, "missing", 10, absent, e));
  BOOST_TEST(!absent.has_value());
}

BOOST_AUTO_TEST_CASE(command_failures_map_to_http) {
  auto r = status_response(Status::invalid_argument("name: must not be empty"));
  BOOST_TEST(r.status == 400);
  auto j = json::parse(r.body);
  BOOST_TEST(j["error"] == "bad_request");
  BOOST_TEST(j["field"] == "name");
  r = status_response(Status::conflict("phone: +375291111111 belongs to client 3"));
  BOOST_TEST(r.status == 409);
  BOOST_TEST(json::parse(r.body)["field"] == "phone");
  r = status_response(Status::not_found("client 5 does not exist"));
  BOOST_TEST(r.status == 404);
  BOOST_TEST(!json::parse(r.body).contains("field"));
  r = status_response(Status::unavailable("shutting down"));
  BOOST_TEST(r.status == 503);
  BOOST_TEST(status_response(Status::io_error("disk")).status == 500);
}
