"""CSV and xAPI exports: Excel-ready, formula-safe, streamed, scoped, and free of private words."""

from __future__ import annotations

import csv
import io
import json
import re
import uuid
from datetime import datetime

import pytest

from tests.helpers import (
    PRIVATE_MARKER,
    build_program,
    cohort_pair,
    count_queries,
    enrol,
    person,
)

EXPORTS = ["people.csv", "pairs.csv", "sessions.csv", "funnel.csv", "xapi.json"]


@pytest.fixture
def program(app):
    return build_program(app)


def download(client, name: str, **params) -> tuple[int, str, dict]:
    response = client.get(f"/reports/{name}", query_string=params)
    return response.status_code, response.get_data(as_text=True), response.headers


def read_csv(body: str) -> list[dict[str, str]]:
    assert body.startswith("\ufeff"), "Excel needs the byte order mark to read UTF-8"
    return list(csv.DictReader(io.StringIO(body.removeprefix("\ufeff"))))


def test_people_csv_has_everyone_in_the_cohort_and_their_progress(app, program):
    status, body, headers = download(program["lead"].client, "people.csv", cohort=program["a"])
    assert status == 200 and headers["Content-Type"].startswith("text/csv")
    streamed = program["lead"].client.get("/reports/people.csv")
    assert streamed.is_streamed and "Content-Length" not in streamed.headers
    disposition = headers["Content-Disposition"]
    assert re.search(r'filename="upward-people-alpha-cohort-\d{4}-\d{2}-\d{2}\.csv"', disposition)
    rows = {row["name"]: row for row in read_csv(body)}
    assert set(rows) == {"Mo Mentor", "Eve Exec", "Max Mentor", "Ed Exec"}
    assert rows["Mo Mentor"]["track steps done"] == "3" and rows["Mo Mentor"]["track %"] == "100"
    assert rows["Max Mentor"]["track %"] == "33"
    assert rows["Eve Exec"]["sessions held"] == "2" and rows["Eve Exec"]["department"] == "Finance"
    assert rows["Eve Exec"]["role"] == "Executive mentee"


def test_pairs_and_sessions_csv(app, program):
    _, body, _ = download(program["lead"].client, "pairs.csv", cohort=program["a"])
    pairs = {row["mentor"]: row for row in read_csv(body)}
    assert pairs["Mo Mentor"]["health"] == "On track"
    assert pairs["Mo Mentor"]["sessions held"] == "2"
    assert pairs["Mo Mentor"]["sessions cancelled"] == "1"
    assert pairs["Mo Mentor"]["sessions moved"] == "1"
    assert pairs["Mo Mentor"]["check-ins written"] == "1"
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", pairs["Mo Mentor"]["first session held on"])
    assert pairs["Max Mentor"]["health"] == "At risk"
    assert "No first session held" in pairs["Max Mentor"]["why"]
    _, body, _ = download(program["lead"].client, "sessions.csv", cohort=program["a"])
    sessions = read_csv(body)
    assert len(sessions) == 4
    assert [s["marked by"] for s in sessions if s["status"] == "cancelled"] == ["executive"]


def test_funnel_csv(app, program):
    _, body, _ = download(program["lead"].client, "funnel.csv", cohort=program["a"])
    rows = read_csv(body)
    first = rows[0]
    assert (first["pathway"], first["step id"], first["reached"], first["completed"]) == (
        "Mentoring basics",
        "why-upward",
        "2",
        "2",
    )
    assert (first["check answers counted"], first["right first time %"]) == ("1", "0")
    assert {r["pathway"] for r in rows} == {"Mentoring basics", "Learning as a leader"}


def test_cells_never_run_as_formulas(app, program):
    evil = person(app, "evil@example.com", '=HYPERLINK("http://evil","x")', "mentor")
    assert evil
    enrol(app, program["a"], "evil@example.com", "mentor", "+SUM(A1)")
    cohort_pair(app, program["a"], "evil@example.com", "ed@example.com", status="ended")
    for name in ("people.csv", "pairs.csv"):
        _, body, _ = download(program["lead"].client, name, cohort=program["a"])
        cells = [c for row in csv.reader(io.StringIO(body.removeprefix("\ufeff"))) for c in row]
        assert '\'=HYPERLINK("http://evil","x")' in cells, name
        assert not any(c[:1] in "=+-@" for c in cells if c), name


def test_exports_follow_the_lead_s_cohorts(app, client, program):
    lead, other = program["lead"], program["other_lead"]
    for name in EXPORTS:
        assert download(lead.client, name, cohort=program["b"])[0] == 404, name
        assert download(other.client, name, cohort=program["a"])[0] == 404, name
        assert download(program["mo"].client, name)[0] == 403, name
        assert download(client, name)[0] == 302, name
        _, everything, _ = download(lead.client, name)
        assert "Bo Beta" not in everything and "Bea Beta" not in everything, name
        if name != "funnel.csv":
            assert "Mo Mentor" in everything or name == "xapi.json", name


def test_no_export_holds_anyones_private_words(app, program):
    lead = program["lead"]
    for name in EXPORTS:
        for params in ({}, {"cohort": program["a"]}, {"role": "executive"}):
            _, body, _ = download(lead.client, name, **params)
            assert PRIVATE_MARKER not in body, (name, params)


def test_the_old_csv_address_leads_to_the_pairs_export(app, program):
    response = program["lead"].client.get("/program/report.csv")
    assert response.status_code == 301
    assert response.headers["Location"].endswith("/reports/pairs.csv")


def test_exports_send_the_same_statements_for_more_people(app, program):
    lead = program["lead"]

    def statements(name: str) -> int:
        with count_queries(app) as sent:
            assert download(lead.client, name, cohort=program["a"])[0] == 200
        return len(sent)

    before = {name: statements(name) for name in EXPORTS}
    for n in range(4):
        person(app, f"m{n}@example.com", f"Mentor {n}", "mentor")
        person(app, f"e{n}@example.com", f"Exec {n}", "executive")
        enrol(app, program["a"], f"m{n}@example.com", "mentor")
        enrol(app, program["a"], f"e{n}@example.com", "executive")
        cohort_pair(app, program["a"], f"m{n}@example.com", f"e{n}@example.com")
    assert {name: statements(name) for name in EXPORTS} == before


# xAPI 1.0.3: the specification's required properties and value formats -----------------------

UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[1-5][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")
IRI = re.compile(r"^[a-z][a-z0-9+.-]*://[^\s]+$")
ISO_8601 = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")
DURATION = re.compile(r"^P(\d+Y)?(\d+M)?(\d+D)?(T(\d+H)?(\d+M)?(\d+(\.\d+)?S)?)?$")
ADL = {
    "http://adlnet.gov/expapi/verbs/completed",
    "http://adlnet.gov/expapi/verbs/answered",
    "http://adlnet.gov/expapi/verbs/experienced",
}


def check_language_map(value: object) -> None:
    assert isinstance(value, dict) and value
    for tag, text in value.items():
        assert re.fullmatch(r"[a-zA-Z]{2,3}(-[a-zA-Z0-9]{2,8})*", tag) and isinstance(text, str)


def check_statement(s: dict) -> None:
    """Hold a statement to xAPI 1.0.3 (part two, section 2.4) for what it contains."""
    assert set(s) <= {"id", "actor", "verb", "object", "result", "context", "timestamp"}
    assert {"actor", "verb", "object"} <= set(s)
    assert UUID.match(s["id"])
    actor = s["actor"]
    # Exactly one inverse functional identifier: here the account, never an email address.
    ifis = {"mbox", "mbox_sha1sum", "openid", "account"} & set(actor)
    assert ifis == {"account"} and actor.get("objectType", "Agent") == "Agent"
    account = actor["account"]
    assert set(account) == {"homePage", "name"}
    assert IRI.match(account["homePage"]) and account["name"] and "@" not in account["name"]
    assert IRI.match(s["verb"]["id"]) and s["verb"]["id"] in ADL
    check_language_map(s["verb"]["display"])
    obj = s["object"]
    assert obj["objectType"] == "Activity" and IRI.match(obj["id"])
    assert IRI.match(obj["definition"]["type"])
    check_language_map(obj["definition"]["name"])
    result = s["result"]
    assert set(result) <= {"score", "success", "completion", "response", "duration", "extensions"}
    assert {"success", "completion"} & set(result)
    for key in ("success", "completion"):
        assert isinstance(result.get(key, True), bool)
    if "duration" in result:
        assert DURATION.match(result["duration"])
    assert ISO_8601.match(s["timestamp"])
    datetime.fromisoformat(s["timestamp"].replace("Z", "+00:00"))
    context = s.get("context", {})
    if "registration" in context:
        assert UUID.match(context["registration"])
    for parents in context.get("contextActivities", {}).values():
        assert all(IRI.match(a["id"]) for a in parents)


def test_xapi_statements_meet_the_specification(app, program):
    status, body, headers = download(program["lead"].client, "xapi.json", cohort=program["a"])
    assert status == 200 and headers["X-Experience-API-Version"] == "1.0.3"
    statements = json.loads(body)["statements"]
    for s in statements:
        check_statement(s)
    verbs = [s["verb"]["id"].rsplit("/", 1)[1] for s in statements]
    # Mo's 3 steps and Max's 1; two answers; two held sessions, each for both partners.
    assert verbs.count("completed") == 4
    assert verbs.count("answered") == 2
    assert verbs.count("experienced") == 4
    assert len({s["id"] for s in statements}) == len(statements)
    steps = {s["object"]["id"] for s in statements if s["verb"]["id"].endswith("completed")}
    assert len(steps) == 3 and all("/xapi/activities/steps/" in iri for iri in steps)
    answered = [s for s in statements if s["verb"]["id"].endswith("answered")]
    assert all(s["result"]["success"] is True for s in answered)
    assert all("response" not in s["result"] for s in answered)


def test_a_pair_has_one_registration_and_exports_repeat_their_ids(app, program):
    client = program["lead"].client
    first = json.loads(download(client, "xapi.json", cohort=program["a"])[1])["statements"]
    again = json.loads(download(client, "xapi.json", cohort=program["a"])[1])["statements"]
    assert [s["id"] for s in first] == [s["id"] for s in again]
    sessions = [s for s in first if s["verb"]["id"].endswith("experienced")]
    registrations = {s["context"]["registration"] for s in sessions}
    assert len(registrations) == 1  # both of Mo and Eve's sessions belong to one pair
    uuid.UUID(registrations.pop())
    names = {s["actor"]["account"]["name"] for s in first}
    assert all(name.isdigit() for name in names)
