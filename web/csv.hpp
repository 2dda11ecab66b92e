#pragma once
// CSV as spreadsheets write it (RFC 4180): fields separated by ',' (or ';',
// as Excel writes in locales whose decimal mark is a comma: detected from
// the header line), double quotes around fields that need them ("" for a
// quote inside), rows ended by CRLF or LF; a UTF-8 byte order mark at the
// start is skipped. Pure functions; any thread.

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "domain/status.hpp"

namespace callboard::web {

struct CsvRow {
  std::size_t line = 0;  // 1-based line of the row's start in the text
  std::vector<std::string> fields;
};

// Errors: invalid_argument "line N: ..." (a quote left open, text after a
// closing quote, more than max_rows rows, a line longer than the input
// allows). Blank lines are skipped.
Result<std::vector<CsvRow>> parse_csv(std::string_view text, std::size_t max_rows);

// One field, quoted when it must be. A value a spreadsheet would run as a
// formula (starting with '=', '@', a tab or a CR, or '+'/'-' followed by
// something other than a number) is written with a leading apostrophe;
// unescape_cell() takes it off again on import.
std::string csv_cell(const std::string& value);
std::string unescape_cell(const std::string& value);

// Splits "a; b,c" into {"a", "b", "c"} (trimmed, empties dropped).
std::vector<std::string> split_list(const std::string& value);

}  // namespace callboard::web
