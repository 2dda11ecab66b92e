"""The CRM API over real HTTP against the real server (issue 3).

One server for the module on the demo configuration (real RocksDB log in a
temporary directory): clients, phones, responsible, tags, merges, deals,
notes, tasks, search, history, CSV import and export (round trip into a
second server), statistics and the views' digest; and everything a client
may get wrong: bad JSON, wrong types, unknown fields, oversize bodies, wrong
content types, missing CSRF tokens, unknown ids (404), conflicting writes
(409) and roles (403).
"""
import json
import os
import re
import socket
import subprocess
import unittest
import urllib.parse

from harness import IVAN, MARIA, Server, new_workdir, remove_workdir

NEW = "+375 29 555-00-01"
NEW_E164 = "+375295550001"


def raw_http(port, data, timeout=5):
    """Sends raw bytes, returns (status, body bytes); tolerates the server
    closing the connection while we still send."""
    s = socket.create_connection(("127.0.0.1", port), timeout=timeout)
    try:
        try:
            s.sendall(data)
        except OSError:
            pass
        chunks = []
        while True:
            try:
                b = s.recv(65536)
            except OSError:
                break
            if not b:
                break
            chunks.append(b)
    finally:
        s.close()
    raw = b"".join(chunks)
    head, _, body = raw.partition(b"\r\n\r\n")
    status = int(head.split(b" ")[1]) if head.startswith(b"HTTP/") else 0
    return status, body


def q(text):
    return urllib.parse.quote(text, safe="")


class CrmApiTest(unittest.TestCase):
    server = None

    @classmethod
    def setUpClass(cls):
        cls.workdir = new_workdir("crm-api")
        cls.server = Server(cls.workdir)
        cls.server.start()
        cls.olga = cls.server.session("olga")    # supervisor
        cls.anna = cls.server.session("anna")    # agent, responsible for Ivan (client 1)
        cls.boris = cls.server.session("boris")  # agent, responsible for Maria (client 2)

    @classmethod
    def tearDownClass(cls):
        if cls.server:
            cls.server.stop()
        remove_workdir(cls.workdir)

    # ---- helpers ----------------------------------------------------------------
    def ok(self, expected, reply):
        status, body = reply
        self.assertEqual(status, expected, f"{body}\n--- server:\n{self.server.log()}")
        return body

    def bad(self, reply, status, error, field=None):
        got, body = reply
        self.assertEqual(got, status, body)
        self.assertEqual(body["error"], error, body)
        if field is not None:
            self.assertEqual(body.get("field"), field, body)
        return body

    def create(self, session=None, **fields):
        fields.setdefault("name", "Клиент")
        return self.ok(201, (session or self.olga).post("/api/clients", fields))

    def events(self, stream):
        body = self.ok(200, self.olga.get("/api/events?stream=" + q(stream)))
        return body["events"]

    # ---- clients ----------------------------------------------------------------
    def test_create_read_update_with_versions(self):
        body = self.create(name="  Пётр Ёлкин ", company="ООО «Лес»", email="petr@les.by",
                           phones=[NEW, "8 029 555-00-02"], tags=["vip", "опт"],
                           deal={"title": "Поставка леса", "amount": 125000, "currency": "BYN"})
        card = body["card"]
        cid = body["client"]
        self.assertEqual(card["name"], "Пётр Ёлкин")
        self.assertEqual(card["phones"], [NEW_E164, "+375295550002"])
        self.assertEqual(card["tags"], ["vip", "опт"])
        self.assertEqual(card["deals"][0]["stage"], "new")  # the pipeline's first
        self.assertEqual(card["deals"][0]["amount"], 125000)
        self.assertEqual(body["version"], 6)  # created, 2 phones, 2 tags, deal
        self.assertEqual(body["events"], 6)
        self.assertGreater(body["sequence"], 0)
        # Durable and applied before the answer: the log and the views have it.
        self.assertEqual([e["type"] for e in self.events(f"client/{cid}")],
                         ["ClientCreated", "PhoneLinked", "PhoneLinked", "TagAdded", "TagAdded", "DealOpened"])
        self.assertEqual(self.events(f"client/{cid}")[-1]["sequence"], body["sequence"])
        got = self.ok(200, self.olga.get(f"/api/clients/{cid}"))
        self.assertEqual(got["version"], 6)

        upd = self.ok(200, self.olga.request("PATCH", f"/api/clients/{cid}",
                                             {"company": "ООО «Лес и Ко»", "version": 6}))
        self.assertEqual(upd["version"], 7)
        self.assertEqual(upd["card"]["company"], "ООО «Лес и Ко»")
        self.assertEqual(upd["card"]["name"], "Пётр Ёлкин")
        stale = self.bad(self.olga.request("PATCH", f"/api/clients/{cid}", {"email": "x@y.by", "version": 6}),
                         409, "conflict", "version")
        self.assertIn("version 7", stale["message"])
        same = self.ok(200, self.olga.request("PATCH", f"/api/clients/{cid}", {"company": "ООО «Лес и Ко»"}))
        self.assertEqual((same["events"], same["version"]), (0, 7))  # nothing to change, nothing written

    def test_bad_input_is_refused_with_the_field(self):
        s = self.olga
        self.bad(s.request("POST", "/api/clients", b"{not json"), 400, "bad_request", "")
        self.bad(s.request("POST", "/api/clients", b"[1,2]"), 400, "bad_request", "")
        self.bad(s.post("/api/clients", {}), 400, "bad_request", "name")
        self.bad(s.post("/api/clients", {"name": 42}), 400, "bad_request", "name")
        self.bad(s.post("/api/clients", {"name": ""}), 400, "bad_request", "name")
        self.bad(s.post("/api/clients", {"name": "   "}), 400, "bad_request", "name")
        self.bad(s.post("/api/clients", {"name": "X", "phones": "+375291234567"}), 400, "bad_request", "phones")
        self.bad(s.post("/api/clients", {"name": "X", "phones": [375291234567]}), 400, "bad_request", "phones")
        self.bad(s.post("/api/clients", {"name": "X", "phones": ["hello"]}), 400, "invalid_phone", "phones")
        self.bad(s.post("/api/clients", {"name": "X", "email": "nope"}), 400, "bad_request", "email")
        self.bad(s.post("/api/clients", {"name": "X", "nmae": "typo"}), 400, "bad_request", "nmae")
        self.bad(s.post("/api/clients", {"name": "X", "tags": "vip"}), 400, "bad_request", "tags")
        self.bad(s.post("/api/clients", {"name": "X", "responsible": "nobody"}), 400, "bad_request", "responsible")
        self.bad(s.post("/api/clients", {"name": "X", "deal": {"title": "D", "stage": "dreaming"}}),
                 400, "bad_request", "deal.stage")
        self.bad(s.post("/api/clients", {"name": "X", "deal": {"title": "D", "amount": "100"}}),
                 400, "bad_request", "deal.amount")
        self.bad(s.post("/api/clients", {"name": "X", "deal": {"title": "D", "amount": 1.5}}),
                 400, "bad_request", "deal.amount")
        self.bad(s.post("/api/clients", {"name": "X", "deal": {"title": "D", "amount": 100}}),
                 400, "bad_request", "deal.currency")
        self.bad(s.post("/api/clients", {"name": "X", "deal": "D"}), 400, "bad_request", "deal")
        self.bad(s.post("/api/clients", {"name": "X" * 201}), 400, "bad_request", "name")
        self.bad(s.request("PATCH", "/api/clients/1", {"version": "3"}), 400, "bad_request", "version")
        self.bad(s.request("POST", "/api/clients", b'{"name":"X"}', {"Content-Type": "text/plain"}),
                 415, "unsupported_media_type")
        # No CSRF token: refused before anything is decided.
        self.bad(s.request("POST", "/api/clients", {"name": "X"}, {"X-CSRF-Token": "0" * 64}), 403, "csrf")
        # Ids: malformed 400, unknown 404.
        self.bad(s.request("PATCH", "/api/clients/abc", {"name": "X"}), 400, "bad_request", "id")
        self.bad(s.request("PATCH", "/api/clients/999999", {"name": "X"}), 404, "not_found")
        self.bad(s.post("/api/clients/999999/notes", {"text": "x"}), 404, "not_found")
        self.bad(s.request("PATCH", "/api/clients/1/deals/999999", {"stage": "won"}), 404, "not_found")
        self.bad(s.post("/api/tasks/999999/done"), 404, "not_found")
        # Nothing of the refused requests reached the log.
        named_x = [c for c in self.ok(200, s.get("/api/clients?q=X&limit=100"))["clients"] if c["name"] == "X"]
        self.assertEqual(named_x, [])
        self.bad(s.get("/api/clients?q=" + q("X" * 201)), 400, "bad_request", "q")

    def test_oversize_and_malformed_http(self):
        port = self.server.http_port
        body = b'{"name":"' + b"x" * 70000 + b'"}'
        status, reply = raw_http(port, b"POST /api/clients HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                                       b"Content-Type: application/json\r\nContent-Length: "
                                 + str(len(body)).encode() + b"\r\n\r\n" + body)
        self.assertEqual(status, 413)
        self.assertEqual(json.loads(reply)["error"], "too_large")
        status, _ = raw_http(port, b"POST /api/clients HTTP/1.1\r\nContent-Length: nope\r\n\r\n")
        self.assertEqual(status, 400)
        # The server is still serving.
        self.assertEqual(self.olga.get("/api/clients/1")[0], 200)

    def test_a_phone_belongs_to_one_client(self):
        other = self.create(name="Дубль")["client"]
        body = self.bad(self.olga.post(f"/api/clients/{other}/phones", {"phone": "8 029 111-11-11"}),
                        409, "conflict", "phone")
        self.assertIn("belongs to client 1", body["message"])
        self.bad(self.olga.post("/api/clients", {"name": "Дубль 2", "phones": [IVAN]}), 409, "conflict", "phones")
        self.bad(self.olga.post(f"/api/clients/{other}/phones", {"phone": "garbage"}), 400, "invalid_phone", "phone")
        # Moved: unlinked from one, linked to the other.
        c = self.create(name="Владелец", phones=["+375 29 555-00-77"])["client"]
        self.bad(self.olga.request("DELETE", f"/api/clients/{other}/phones/{q('+375295550077')}"), 404, "not_found")
        self.ok(200, self.olga.request("DELETE", f"/api/clients/{c}/phones/{q('+375295550077')}"))
        linked = self.ok(200, self.olga.post(f"/api/clients/{other}/phones", {"phone": "+375295550077"}))
        self.assertIn("+375295550077", linked["card"]["phones"])
        found = self.ok(200, self.olga.get("/api/clients?phone=" + q("+375295550077")))
        self.assertEqual([x["id"] for x in found["clients"]], [other])
        again = self.ok(200, self.olga.post(f"/api/clients/{other}/phones", {"phone": "80295550077"}))
        self.assertEqual(again["events"], 0)

    def test_who_may_make_whom_responsible(self):
        c = self.create(name="Ничей")["client"]
        self.bad(self.anna.request("PUT", f"/api/clients/{c}/responsible", {"agent": "boris"}), 403, "forbidden")
        took = self.ok(200, self.anna.request("PUT", f"/api/clients/{c}/responsible", {"agent": "anna"}))
        self.assertEqual(took["card"]["responsible"]["login"], "anna")
        self.bad(self.boris.request("PUT", f"/api/clients/{c}/responsible", {"agent": None}), 403, "forbidden")
        self.ok(200, self.anna.request("PUT", f"/api/clients/{c}/responsible", {"agent": None}))
        moved = self.ok(200, self.olga.request("PUT", f"/api/clients/{c}/responsible", {"agent": "vera"}))
        self.assertEqual(moved["card"]["responsible"]["name"], "Вера Соколова")
        self.bad(self.olga.request("PUT", f"/api/clients/{c}/responsible", {"agent": "ghost"}),
                 400, "bad_request", "responsible")
        self.bad(self.olga.request("PUT", f"/api/clients/{c}/responsible", {}), 400, "bad_request", "agent")
        self.bad(self.anna.post("/api/clients", {"name": "X", "responsible": "boris"}), 403, "forbidden")
        mine = self.create(self.anna, name="Мой клиент", responsible="anna")
        self.assertEqual(mine["card"]["responsible"]["login"], "anna")

    def test_tags(self):
        c = self.create(name="С тегами")["client"]
        self.assertEqual(self.ok(200, self.anna.post(f"/api/clients/{c}/tags", {"tag": " vip "}))["card"]["tags"], ["vip"])
        self.assertEqual(self.ok(200, self.anna.post(f"/api/clients/{c}/tags", {"tag": "vip"}))["events"], 0)
        self.bad(self.anna.post(f"/api/clients/{c}/tags", {"tag": "a,b"}), 400, "bad_request", "tag")
        self.bad(self.anna.post(f"/api/clients/{c}/tags", {"tag": 5}), 400, "bad_request", "tag")
        self.assertEqual(self.ok(200, self.anna.request("DELETE", f"/api/clients/{c}/tags/vip"))["card"]["tags"], [])
        self.bad(self.anna.request("DELETE", f"/api/clients/{c}/tags/{q('опт')}"), 404, "not_found", "tag")

    # ---- deals, notes, tasks ----------------------------------------------------
    def test_deals_move_through_the_pipeline(self):
        c = self.create(name="Покупатель")["client"]
        opened = self.ok(201, self.anna.post(f"/api/clients/{c}/deals", {"title": "Станок"}))
        deal = opened["deal"]["id"]
        self.assertEqual(opened["deal"]["stage"], "new")
        self.bad(self.anna.post(f"/api/clients/{c}/deals", {}), 400, "bad_request", "title")
        moved = self.ok(200, self.anna.request("PATCH", f"/api/clients/{c}/deals/{deal}",
                                               {"stage": "proposal", "amount": 990000, "currency": "BYN"}))
        self.assertEqual((moved["deal"]["stage"], moved["deal"]["amount"]), ("proposal", 990000))
        self.assertEqual(moved["events"], 2)
        # A bad stage refuses the whole change: the amount stays as it was.
        self.bad(self.anna.request("PATCH", f"/api/clients/{c}/deals/{deal}", {"stage": "dreaming", "amount": 1,
                                                                                "currency": "BYN"}),
                 400, "bad_request", "stage")
        self.assertEqual(self.ok(200, self.olga.get(f"/api/clients/{c}"))["deals"][0]["amount"], 990000)
        self.bad(self.anna.request("PATCH", f"/api/clients/{c}/deals/{deal}", {}), 400, "bad_request")
        self.bad(self.anna.post(f"/api/clients/{c}/deals/{deal}/close", {}), 400, "bad_request", "won")
        self.ok(200, self.anna.post(f"/api/clients/{c}/deals/{deal}/close", {"won": True}))
        self.bad(self.anna.post(f"/api/clients/{c}/deals/{deal}/close", {"won": False}), 409, "conflict")
        self.bad(self.anna.request("PATCH", f"/api/clients/{c}/deals/{deal}", {"stage": "new"}), 409, "conflict")

        pipeline = self.ok(200, self.anna.get("/api/deals?per_stage=500"))
        self.assertEqual([s["stage"] for s in pipeline["stages"]],
                         ["new", "qualified", "proposal", "negotiation", "won", "lost"])
        self.assertIn(deal, [d["id"] for d in pipeline["won"]["deals"]])
        self.assertGreaterEqual(pipeline["won"]["amounts"]["BYN"], 990000)
        negotiation = pipeline["stages"][3]
        self.assertIn("Годовой контракт", [d["title"] for d in negotiation["deals"]])  # Maria's, from the demo
        self.bad(self.anna.get("/api/deals?per_stage=x"), 400, "bad_request", "per_stage")

        history = self.ok(200, self.anna.get(f"/api/clients/{c}/history"))["entries"]
        deal_entries = [(e["action"], e["deal"]) for e in history if e["kind"] == "deal"]
        self.assertEqual(deal_entries, [("won", deal), ("stage", deal), ("amount", deal), ("opened", deal)])

    def test_notes_and_tasks(self):
        c = self.create(name="Звонивший", phones=["+375 29 555-00-31"])["client"]
        note = self.ok(201, self.anna.post(f"/api/clients/{c}/notes", {"text": "Просит КП\nдо пятницы"}))
        self.assertGreater(note["note"], 0)
        self.bad(self.anna.post(f"/api/clients/{c}/notes", {"text": "  "}), 400, "bad_request", "text")
        self.bad(self.anna.post(f"/api/clients/{c}/notes", {"text": ["x"]}), 400, "bad_request", "text")

        task = self.ok(201, self.anna.post(f"/api/clients/{c}/tasks",
                                           {"due": "2020-01-01T10:00:00+03:00", "text": "перезвонить"}))["task"]
        self.assertEqual(task["assignee"]["login"], "anna")  # the author, by default
        self.assertEqual(task["department"], "sales")
        self.assertEqual(task["phone"], "+375295550031")       # the client's number
        self.assertEqual(task["due"], "2020-01-01T07:00:00.000000Z")
        self.bad(self.anna.post(f"/api/clients/{c}/tasks", {"text": "x"}), 400, "bad_request", "due")
        self.bad(self.anna.post(f"/api/clients/{c}/tasks", {"due": "tomorrow"}), 400, "bad_request", "due")
        self.bad(self.anna.post(f"/api/clients/{c}/tasks", {"due_us": "1"}), 400, "bad_request", "due_us")
        self.bad(self.anna.post(f"/api/clients/{c}/tasks", {"due_us": 1, "kind": "x"}), 400, "bad_request", "kind")
        self.bad(self.anna.post(f"/api/clients/{c}/tasks", {"due_us": 1, "assignee": "ghost"}),
                 400, "bad_request", "assignee")

        mine = self.ok(200, self.anna.get("/api/tasks?assignee=me"))["tasks"]
        self.assertIn(task["id"], [t["id"] for t in mine])
        overdue = self.ok(200, self.anna.get("/api/tasks?assignee=me&overdue=true"))["tasks"]
        self.assertIn(task["id"], [t["id"] for t in overdue])
        self.bad(self.anna.get("/api/tasks?state=maybe"), 400, "bad_request", "state")
        done = self.ok(200, self.boris.post(f"/api/tasks/{task['id']}/done"))["task"]
        self.assertEqual((done["done"], done["done_by"]["login"]), (True, "boris"))
        self.bad(self.boris.post(f"/api/tasks/{task['id']}/done"), 409, "conflict")
        self.assertNotIn(task["id"], [t["id"] for t in self.ok(200, self.anna.get("/api/tasks?assignee=me"))["tasks"]])

        entries = self.ok(200, self.anna.get(f"/api/clients/{c}/history"))["entries"]
        self.assertEqual([(e["kind"], e.get("action")) for e in entries],
                         [("task", "done"), ("task", "created"), ("note", None)])

        # A number of no client: its own task.
        orphan = self.ok(201, self.anna.post("/api/tasks", {"phone": "8 029 777-77-77", "due_us": 1800000000000000,
                                                            "department": "sales", "text": "перезвонить"}))["task"]
        self.assertIsNone(orphan["client"])
        self.assertEqual(orphan["phone"], "+375297777777")
        dept = self.ok(200, self.anna.get("/api/tasks?department=sales"))["tasks"]
        self.assertIn(orphan["id"], [t["id"] for t in dept])
        self.ok(200, self.anna.post(f"/api/tasks/{orphan['id']}/done"))
        self.bad(self.anna.post(f"/api/tasks/{orphan['id']}/done"), 409, "conflict")
        self.bad(self.anna.post("/api/tasks", {"due_us": 1, "text": "без номера"}), 400, "bad_request", "phone")

    # ---- search, merge --------------------------------------------------------------
    def test_search_and_the_directory(self):
        self.create(name="Ёлочкин Семён", company="ЗАО «Хвоя»")
        found = self.ok(200, self.anna.get("/api/clients?q=" + q("ЕЛОЧ")))["clients"]
        self.assertEqual([c["name"] for c in found], ["Ёлочкин Семён"])
        self.assertEqual([c["name"] for c in self.ok(200, self.anna.get("/api/clients?q=" + q("хвоя")))["clients"]],
                         ["Ёлочкин Семён"])
        ivan = self.ok(200, self.anna.get("/api/clients?q=" + q("петров")))["clients"]
        self.assertIn(1, [c["id"] for c in ivan])
        self.bad(self.anna.get("/api/clients?q=a&limit=0"), 400, "bad_request", "limit")
        page = self.ok(200, self.anna.get("/api/clients?after=0&limit=1"))
        self.assertEqual([c["id"] for c in page["clients"]], [1])
        self.assertEqual(page["next_after"], 1)
        rest = self.ok(200, self.anna.get("/api/clients?after=1&limit=500"))
        self.assertNotIn(1, [c["id"] for c in rest["clients"]])

    def test_merge_is_for_supervisors_and_moves_everything(self):
        a = self.create(name="Сергей Дубов", phones=["+375 29 555-00-41"])["client"]
        b = self.create(name="С. Дубов", phones=["+375 29 555-00-42"],
                        deal={"title": "Дубль-сделка", "stage": "qualified"})["client"]
        self.bad(self.anna.post("/api/clients/merge", {"client": a, "merged": b}), 403, "forbidden")
        self.bad(self.olga.post("/api/clients/merge", {"client": a}), 400, "bad_request", "merged")
        self.bad(self.olga.post("/api/clients/merge", {"client": a, "merged": a}), 400, "bad_request", "merged")
        self.bad(self.olga.post("/api/clients/merge", {"client": a, "merged": 999999}), 404, "not_found")
        merged = self.ok(200, self.olga.post("/api/clients/merge", {"client": a, "merged": b}))
        self.assertEqual(merged["card"]["phones"], ["+375295550041", "+375295550042"])
        self.assertEqual([d["title"] for d in merged["card"]["deals"]], ["Дубль-сделка"])
        self.assertEqual(self.ok(200, self.olga.get(f"/api/clients/{b}"))["id"], a)
        note = self.ok(201, self.anna.post(f"/api/clients/{b}/notes", {"text": "на старый номер"}))
        self.assertEqual(note["client"], a)
        self.bad(self.olga.post("/api/clients/merge", {"client": a, "merged": b}), 409, "conflict", "merged")
        self.assertEqual(self.events(f"client/{b}")[-1]["type"], "ClientMergedInto")

    # ---- CSV ----------------------------------------------------------------------
    def test_csv_import_reports_each_row_and_exports_for_a_round_trip(self):
        csv_text = ("name,company,email,phones,responsible,tags,deal_title,deal_stage,deal_amount,deal_currency\r\n"
                    "Импорт Один,\"ООО \"\"Первый\"\"\",one@imp.by,\"+375 29 600-00-01; 8 029 600-00-02\",anna,"
                    "\"vip; опт\",Сделка 1,proposal,1250.50,BYN\r\n"
                    "Импорт Два,,,+375296000003,,,,,,\r\n"
                    "Плохой номер,,,not-a-phone,,,,,,\r\n"
                    "Занятый номер,,,+375296000001,,,,,,\r\n"
                    "Неизвестный,,,,ghost,,,,,\r\n"
                    "Короткая строка,,\r\n"
                    ",,,,,,,,,\r\n"
                    "Плохая сумма,,,,,,Сделка,,12.345,BYN\r\n")
        body = self.ok(200, self.olga.request("POST", "/api/clients/import", csv_text.encode(),
                                              {"Content-Type": "text/csv; charset=utf-8"}))
        rows = {r["line"]: r for r in body["rows"]}
        self.assertEqual((body["imported"], body["failed"]), (2, 5))
        self.assertIn("client", rows[2])
        self.assertIn("client", rows[3])
        self.assertEqual((rows[4]["error"], rows[4]["field"]), ("bad_request", "phones"))
        self.assertEqual((rows[5]["error"], rows[5]["field"]), ("conflict", "phones"))  # taken by row 2
        self.assertEqual((rows[6]["error"], rows[6]["field"]), ("bad_request", "responsible"))
        self.assertEqual(rows[7]["error"], "bad_request")
        self.assertNotIn(8, rows)  # a blank line
        self.assertEqual(rows[9]["field"], "deal_amount")
        one = self.ok(200, self.olga.get(f"/api/clients/{rows[2]['client']}"))
        self.assertEqual(one["company"], 'ООО "Первый"')
        self.assertEqual(one["phones"], ["+375296000001", "+375296000002"])
        self.assertEqual(one["tags"], ["vip", "опт"])
        self.assertEqual((one["deals"][0]["stage"], one["deals"][0]["amount"]), ("proposal", 125050))
        # A refused row left nothing behind (no half client).
        self.assertEqual(self.ok(200, self.olga.get("/api/clients?q=" + q("Плохой")))["clients"], [])

        self.bad(self.olga.request("POST", "/api/clients/import", b"nom,phones\r\nX,\r\n", {"Content-Type": "text/csv"}),
                 400, "bad_request", "csv")
        self.bad(self.olga.request("POST", "/api/clients/import", b"name\r\n\"open", {"Content-Type": "text/csv"}),
                 400, "bad_request", "csv")
        self.bad(self.olga.request("POST", "/api/clients/import", {"csv": "name"}), 415, "unsupported_media_type")
        self.bad(self.anna.request("POST", "/api/clients/import", b"name\r\nX\r\n", {"Content-Type": "text/csv"}),
                 403, "forbidden")
        self.bad(self.anna.get("/api/clients/export"), 403, "forbidden")

        status, exported = self.olga.get("/api/clients/export")
        self.assertEqual(status, 200)
        self.assertTrue(exported.startswith("\ufeffid,name,company,email,phones"), exported[:80])
        self.assertIn("Импорт Один", exported)
        self.assertIn("+375296000001; +375296000002", exported)
        self._import_into_a_fresh_server(exported)

    def test_a_large_csv_file_imports_in_one_request(self):
        # 5,000 clients, about 250 KiB: more than the 64 KiB of other routes.
        rows = ["name,company,phones,tags"]
        rows += [f"Клиент большой базы {i},ООО «Партия {i // 100}»,+37533{7000000 + i},опт" for i in range(5000)]
        text = ("\r\n".join(rows) + "\r\n").encode()
        self.assertGreater(len(text), 200 * 1024)
        body = self.ok(200, self.olga.request("POST", "/api/clients/import", text, {"Content-Type": "text/csv"}))
        self.assertEqual((body["imported"], body["failed"]), (5000, 0))
        found = self.ok(200, self.olga.get("/api/clients?phone=" + q("+375337004999")))["clients"]
        self.assertEqual(found[0]["name"], "Клиент большой базы 4999")
        # Other routes keep the small limit.
        big_json = b'{"name": "' + b"x" * (70 * 1024) + b'"}'
        self.bad(self.olga.request("POST", "/api/clients", big_json), 413, "too_large")

    def _import_into_a_fresh_server(self, exported):
        """The export imports as it is into an empty CRM: same clients."""
        workdir = new_workdir("crm-roundtrip")
        other = Server(workdir)
        try:
            other.start()
            olga = other.session("olga")
            # The fresh server has the two demo clients: drop them from the file.
            lines = exported.lstrip("\ufeff").split("\r\n")
            kept = [lines[0]] + [l for l in lines[1:] if l and not (l.startswith("1,") or l.startswith("2,"))]
            body = self.ok(200, olga.request("POST", "/api/clients/import", "\r\n".join(kept).encode(),
                                             {"Content-Type": "text/csv"}))
            self.assertEqual(body["failed"], 0, body)

            def directory(session):
                out = {}
                for c in session.get("/api/clients?after=0&limit=500")[1]["clients"]:
                    card = session.get(f"/api/clients/{c['id']}")[1]
                    deal = card["deals"][-1] if card["deals"] else None
                    out[c["name"]] = (c["company"], c["email"], tuple(c["phones"]),
                                      (c["responsible"] or {}).get("login"), tuple(c["tags"]),
                                      deal and (deal["title"], deal["amount"], deal["currency"]))
                return out
            mine = directory(self.olga)
            theirs = directory(olga)
            for name, row in theirs.items():
                self.assertEqual(row, mine.get(name), name)
            self.assertEqual(len(theirs), len(mine))
        finally:
            other.stop()
            remove_workdir(workdir)

    # ---- reports ------------------------------------------------------------------
    def test_statistics_and_the_views_digest(self):
        stats = self.ok(200, self.olga.get("/api/stats/calls?from=2020-01-01&to=2020-01-31&by=agent&per_day=false"))
        self.assertEqual((stats["from"], stats["to"], stats["by"]), ("2020-01-01", "2020-01-31", "agent"))
        self.assertEqual(stats["rows"], [])
        self.assertEqual(self.ok(200, self.olga.get("/api/stats/calls"))["service_level_s"], 20)
        self.bad(self.olga.get("/api/stats/calls?from=yesterday"), 400, "bad_request", "from")
        self.bad(self.olga.get("/api/stats/calls?from=2020-02-01&to=2020-01-01"), 400, "bad_request", "to")
        self.bad(self.olga.get("/api/stats/calls?by=moon"), 400, "bad_request", "by")
        self.bad(self.anna.get("/api/stats/calls"), 403, "forbidden")
        views = self.ok(200, self.olga.get("/api/admin/views"))
        self.assertRegex(views["digest"], r"^[0-9a-f]{32}$")
        self.assertGreaterEqual(views["clients"], 2)
        self.bad(self.anna.get("/api/admin/views"), 403, "forbidden")


class CrmRestartTest(unittest.TestCase):
    """A write survives a restart; the views come back from the snapshot the
    clean shutdown wrote, and equal a full replay of the log by the CLI."""

    def replay_digest(self, server, until):
        out = subprocess.run(server.command("replay", "-c", server.config_path, "--data-dir", server.data_dir,
                                            "--until", str(until)),
                             capture_output=True, text=True, timeout=60)
        self.assertEqual(out.returncode, 0, out.stderr)
        return re.search(r"^digest\s+(\w+)$", out.stdout, re.M).group(1)

    def test_restart_keeps_writes_and_the_digest(self):
        workdir = new_workdir("crm-restart")
        server = Server(workdir)
        try:
            server.start()
            olga = server.session("olga")
            status, note = olga.post("/api/clients/1/notes", {"text": "до перезапуска"})
            self.assertEqual(status, 201, note)
            before = olga.get("/api/admin/views")[1]
            self.assertEqual(server.stop(), 0)
            snapshots = os.listdir(os.path.join(server.data_dir, "snapshots"))
            self.assertEqual(len(snapshots), 1, snapshots)
            at = int(re.match(r"snap-(\d{20})\.cbsnap$", snapshots[0]).group(1))
            self.assertGreaterEqual(at, before["sequence"])
            server.start()
            olga = server.session("olga")
            self.assertIn(f"loaded the snapshot at sequence {at}", server.log())
            after = olga.get("/api/admin/views")[1]
            history = olga.get("/api/clients/1/history")[1]["entries"]
            self.assertIn("до перезапуска", [e.get("text") for e in history])
            self.assertEqual(server.stop(), 0)
            self.assertEqual(self.replay_digest(server, before["sequence"]), before["digest"])
            self.assertEqual(self.replay_digest(server, after["sequence"]), after["digest"])
        finally:
            server.stop()
            remove_workdir(workdir)


if __name__ == "__main__":
    unittest.main()
