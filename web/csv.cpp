#include "web/csv.hpp"

#include "domain/client.hpp"

namespace callboard::web {

namespace {

// The separator of the header line: ';' when it has semicolons outside
// quotes and no commas, else ','.
char detect_separator(std::string_view text) {
  bool quoted = false;
  std::size_t commas = 0;
  std::size_t semicolons = 0;
  for (char c : text) {
    if (c == '"') quoted = !quoted;
    if (quoted) continue;
    if (c == '\n') break;
    if (c == ',') ++commas;
    if (c == ';') ++semicolons;
  }
  return semicolons > 0 && commas == 0 ? ';' : ',';
}

bool is_number_like(const std::string& s, std::size_t from) {
  // "+375 29 111-11-11", "-12.50": phone numbers and amounts are data.
  if (from >= s.size()) return false;
  for (std::size_t i = from; i < s.size(); ++i) {
    const char c = s[i];
    if (!((c >= '0' && c <= '9') || c == ' ' || c == '-' || c == '(' || c == ')' || c == '.' || c == ','))
      return false;
  }
  return true;
}

bool formula_like(const std::string& v) {
  if (v.empty()) return false;
  const char c = v[0];
  if (c == '=' || c == '@' || c == '\t' || c == '\r') return true;
  if (c == '+' || c == '-') return !is_number_like(v, 1);
  return false;
}

}  // namespace

Result<std::vector<CsvRow>> parse_csv(std::string_view text, std::size_t max_rows) {
  if (text.size() >= 3 && text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);
  const char sep = detect_separator(text);
  std::vector<CsvRow> rows;
  CsvRow row;
  std::string field;
  std::size_t line = 1;
  row.line = 1;
  bool in_quotes = false;
  bool after_quote = false;  // a quoted field just closed: only a separator or the end may follow
  bool row_has_content = false;
  auto end_field = [&] {
    row.fields.push_back(std::move(field));
    field.clear();
    after_quote = false;
  };
  auto end_row = [&]() -> Status {
    end_field();
    const bool blank = !row_has_content && row.fields.size() == 1 && row.fields[0].empty();
    if (!blank) {
      if (rows.size() >= max_rows)
        return Status::invalid_argument("line " + std::to_string(row.line) + ": more than " +
                                        std::to_string(max_rows) + " rows");
      rows.push_back(std::move(row));
    }
    row = CsvRow{};
    row.line = line;
    row_has_content = false;
    return Status::ok();
  };
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (in_quotes) {
      if (c == '"') {
        if (i + 1 < text.size() && text[i + 1] == '"') {
          field.push_back('"');
          ++i;
        } else {
          in_quotes = false;
          after_quote = true;
        }
      } else {
        if (c == '\n') ++line;
        field.push_back(c);
      }
      continue;
    }
    if (c == sep) {
      end_field();
      row_has_content = true;
    } else if (c == '\n' || c == '\r') {
      if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') ++i;
      ++line;
      if (Status s = end_row(); !s) return s;
    } else if (after_quote) {
      return Status::invalid_argument("line " + std::to_string(line) + ": text after a closing quote");
    } else if (c == '"' && field.empty()) {
      in_quotes = true;
      row_has_content = true;
    } else {
      field.push_back(c);
      row_has_content = true;
    }
  }
  if (in_quotes) return Status::invalid_argument("line " + std::to_string(row.line) + ": a quote is not closed");
  if (row_has_content || !field.empty()) {
    if (Status s = end_row(); !s) return s;
  }
  return rows;
}

std::string csv_cell(const std::string& value) {
  std::string v = formula_like(value) ? "'" + value : value;
  if (v.find_first_of(",;\"\r\n") == std::string::npos && (v.empty() || (v.front() != ' ' && v.back() != ' ')))
    return v;
  std::string out = "\"";
  for (char c : v) {
    if (c == '"') out += "\"\"";
    else out.push_back(c);
  }
  out.push_back('"');
  return out;
}

std::string unescape_cell(const std::string& value) {
  if (value.size() >= 2 && value[0] == '\'' && formula_like(value.substr(1))) return value.substr(1);
  return value;
}

std::vector<std::string> split_list(const std::string& value) {
  std::vector<std::string> out;
  std::string cur;
  auto flush = [&] {
    std::string t = domain::trimmed(cur);
    if (!t.empty()) out.push_back(std::move(t));
    cur.clear();
  };
  for (char c : value) {
    if (c == ';' || c == ',') flush();
    else cur.push_back(c);
  }
  flush();
  return out;
}

}  // namespace callboard::web
