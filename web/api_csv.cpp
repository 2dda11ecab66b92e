// CSV import and export of clients (ApiRouter): what a team moving from a
// spreadsheet or another CRM needs. Columns (docs/api.md): name, company,
// email, phones, responsible, tags, deal_title, deal_stage, deal_amount,
// deal_currency; the export adds id and created, which the import ignores,
// so an export imports again as it is.
#include <map>

#include "domain/client.hpp"
#include "web/api_json.hpp"
#include "web/api_router.hpp"
#include "web/crm_json.hpp"
#include "web/csv.hpp"
#include "web/json_util.hpp"

namespace callboard::web {

namespace {

using nlohmann::json;

constexpr std::size_t kMaxImportRows = 100000;
constexpr const char* kColumns[] = {"id",          "name",       "company",    "email",
                                    "phones",      "responsible", "tags",      "deal_title",
                                    "deal_stage",  "deal_amount", "deal_currency", "created"};

const char* error_code(Status::Code c) {
  switch (c) {
    case Status::Code::invalid_argument: return "bad_request";
    case Status::Code::not_found: return "not_found";
    case Status::Code::conflict: return "conflict";
    case Status::Code::unavailable: return "unavailable";
    default: return "internal";
  }
}

std::string field_of(const std::string& message) {
  const std::size_t colon = message.find(": ");
  return colon == std::string::npos || colon > 40 ? std::string() : message.substr(0, colon);
}

// "1250.5" / "1250,50" / "1250" -> minor units; nullopt when not a plain amount.
std::optional<std::int64_t> parse_amount(const std::string& text) {
  std::string t = domain::trimmed(text);
  if (t.empty()) return 0;
  std::int64_t whole = 0;
  std::int64_t cents = 0;
  std::size_t i = 0;
  for (; i < t.size() && t[i] >= '0' && t[i] <= '9'; ++i) {
    if (whole > 90'000'000'000'000LL) return std::nullopt;
    whole = whole * 10 + (t[i] - '0');
  }
  if (i == 0) return std::nullopt;
  if (i < t.size()) {
    if (t[i] != '.' && t[i] != ',') return std::nullopt;
    std::size_t digits = 0;
    for (++i; i < t.size() && t[i] >= '0' && t[i] <= '9' && digits < 2; ++i, ++digits) cents = cents * 10 + (t[i] - '0');
    if (i != t.size() || digits == 0) return std::nullopt;
    if (digits == 1) cents *= 10;
  }
  return whole * 100 + cents;
}

std::string format_amount(std::int64_t minor) {
  std::string cents = std::to_string(minor % 100);
  if (cents.size() < 2) cents.insert(0, "0");
  return std::to_string(minor / 100) + "." + cents;
}

std::string join(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : "; ") + s;
  return out;
}

// The deal an export row shows: the newest open one, else the newest.
const domain::Deal* shown_deal(const domain::Client& c) {
  const domain::Deal* pick = nullptr;
  for (const auto& d : c.deals) {
    if (!d.closed) pick = &d;
  }
  if (!pick && !c.deals.empty()) pick = &c.deals.back();
  return pick;
}

}  // namespace

void ApiRouter::post_clients_import(const Context& ctx, Responder respond) {
  run_crm(std::move(respond), [this, body = ctx.request.body, by = ctx.agent->login] {
    auto rows = parse_csv(body, kMaxImportRows + 1);
    if (!rows) return bad_request({"csv", rows.status().message()});
    if (rows->empty()) return bad_request({"csv", "the CSV is empty: it needs a header row"});
    std::map<std::string, std::size_t> col;
    const CsvRow& header = rows->front();
    for (std::size_t i = 0; i < header.fields.size(); ++i) {
      std::string name = domain::trimmed(header.fields[i]);
      for (auto& ch : name) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
      bool known = false;
      for (const char* k : kColumns) known = known || name == k;
      if (!known) return bad_request({"csv", "line 1: unknown column '" + name + "'"});
      if (!col.emplace(name, i).second) return bad_request({"csv", "line 1: column '" + name + "' appears twice"});
    }
    if (!col.count("name")) return bad_request({"csv", "line 1: the header needs a 'name' column"});

    json results = json::array();
    std::vector<domain::CommandEnvelope> commands;
    std::vector<std::size_t> command_row;  // results index of each command
    for (std::size_t r = 1; r < rows->size(); ++r) {
      const CsvRow& row = (*rows)[r];
      auto fail = [&](const std::string& field, const std::string& message) {
        results.push_back({{"line", row.line}, {"error", "bad_request"}, {"field", field}, {"message", message}});
      };
      bool empty = true;  // spreadsheets write trailing ",,,," rows
      for (const auto& f : row.fields) empty = empty && domain::trimmed(f).empty();
      if (empty) continue;
      if (row.fields.size() != header.fields.size()) {
        fail("", "the row has " + std::to_string(row.fields.size()) + " fields, the header " +
                     std::to_string(header.fields.size()));
        continue;
      }
      auto cell = [&](const char* name) -> std::string {
        auto it = col.find(name);
        return it == col.end() ? std::string() : domain::trimmed(unescape_cell(row.fields[it->second]));
      };
      domain::NewClient c;
      c.name = cell("name");
      c.company = cell("company");
      c.email = cell("email");
      c.responsible = cell("responsible");
      c.tags = split_list(cell("tags"));
      c.deal_title = cell("deal_title");
      c.deal_stage = cell("deal_stage");
      c.deal_currency = cell("deal_currency");
      auto amount = parse_amount(cell("deal_amount"));
      if (!amount) {
        fail("deal_amount", "'" + cell("deal_amount") + "' is not an amount (1250.00)");
        continue;
      }
      c.deal_amount = *amount;
      bool phones_ok = true;
      for (const auto& raw : split_list(cell("phones"))) {
        auto e164 = raw.size() <= 64 ? deps_.phones->normalize(raw) : std::nullopt;
        if (!e164) {
          fail("phones", "'" + raw + "' is not a phone number");
          phones_ok = false;
          break;
        }
        c.phones.push_back(*e164);
      }
      if (!phones_ok) continue;
      command_row.push_back(results.size());
      results.push_back({{"line", row.line}});
      commands.push_back({domain::CreateClient{std::move(c), 0, 0}, by, std::nullopt});
    }

    // Each row is one command, one append: a row is imported whole or not
    // at all; the rows go together so their appends share group commits.
    auto outcomes = deps_.crm->execute_all(commands);
    std::size_t imported = 0;
    for (std::size_t i = 0; i < outcomes.size(); ++i) {
      json& out = results[command_row[i]];
      if (outcomes[i]) {
        out["client"] = outcomes[i]->client;
        ++imported;
      } else {
        const Status& s = outcomes[i].status();
        out["error"] = error_code(s.code());
        out["field"] = field_of(s.message());
        out["message"] = s.message();
      }
    }
    return json_response({{"imported", imported}, {"failed", results.size() - imported}, {"rows", results}});
  });
}

void ApiRouter::get_clients_export(const Context&, Responder respond) {
  run_crm(std::move(respond), [this] {
    std::string out = "\xEF\xBB\xBF";  // lets spreadsheets read the file as UTF-8
    for (std::size_t i = 0; i < std::size(kColumns); ++i) out += (i ? "," : "") + std::string(kColumns[i]);
    out += "\r\n";
    // In pages under separate read locks, so a large directory does not
    // hold back the log's writer for the whole export.
    domain::ClientId after = 0;
    for (bool more = true; more;) {
      more = deps_.views->read([&](const domain::CrmViews& v) {
        auto ids = v.client_ids(after, 1000);
        for (domain::ClientId id : ids) {
          const domain::Client* c = v.client(id);
          if (!c) continue;
          const domain::Deal* d = shown_deal(*c);
          const std::vector<std::string> cells = {
              std::to_string(c->id), c->name, c->company, c->email, join(c->phones), c->responsible, join(c->tags),
              d ? d->title : "", d ? d->stage : "", d ? format_amount(d->amount) : "", d ? d->currency : "",
              c->created ? iso8601(c->created) : ""};
          for (std::size_t i = 0; i < cells.size(); ++i) out += (i ? "," : "") + csv_cell(cells[i]);
          out += "\r\n";
        }
        if (!ids.empty()) after = ids.back();
        return ids.size() == 1000;
      });
    }
    HttpResponse r;
    r.content_type = "text/csv; charset=utf-8";
    r.body = std::move(out);
    r.header("Content-Disposition", "attachment; filename=\"clients.csv\"");
    return r;
  });
}

}  // namespace callboard::web
