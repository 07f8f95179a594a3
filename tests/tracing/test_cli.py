"""`truyvet trace`: exact JSON on stdout, exit code 2 with a message on bad input."""

from __future__ import annotations

import json

import pytest
from django.core.management import ManagementUtility, call_command

from tests.tracing.helpers import member, person, place, stay
from truyvet.tracing.inputs import parse_trace_input
from truyvet.tracing.types import TraceInputError

pytestmark = pytest.mark.django_db

AS_OF = "2021-06-12T09:30:00+07:00"


@pytest.fixture
def scene():
    f0, a, b = person("079201001234", "Nguyễn Văn A"), person("079201005678"), person("B-2")
    bus = place("BUS-98B-12345", "bus")
    stay(f0, bus, "2021-06-08 07:05", "2021-06-08 07:40")
    stay(a, bus, "2021-06-08 06:50", "2021-06-08 07:40")
    member(a, "household", "HH-1", "2021-06-01")
    member(b, "household", "HH-1", "2021-06-10", "2021-06-10")
    return f0


def run_cli(*argv: str) -> int:
    try:
        ManagementUtility(["truyvet", "trace", *argv]).execute()
    except SystemExit as exc:
        return int(exc.code or 0)
    return 0


def test_json_output_exact(scene, capsys):
    call_command("trace", "079201001234", "--onset", "2021-06-10", "--as-of", AS_OF, "--json")
    out = capsys.readouterr().out
    assert json.loads(out) == {
        "index": {"person_id": "079201001234", "window_start": "2021-06-08T00:00:00+07:00",
                  "window_end": "2021-06-12T09:30:00+07:00"},
        "as_of": "2021-06-12T09:30:00+07:00",
        "depth": 2,
        "contacts": [
            {"person_id": "079201005678", "level": 1,
             "exposed_at": "2021-06-08T07:05:00+07:00",
             "via": {"person_id": "079201001234", "context": "place", "code": "BUS-98B-12345",
                     "start": "2021-06-08T07:05:00+07:00", "end": "2021-06-08T07:40:00+07:00"}},
            {"person_id": "B-2", "level": 2,
             "exposed_at": "2021-06-10T00:00:00+07:00",
             "via": {"person_id": "079201005678", "context": "household", "code": "HH-1",
                     "start": "2021-06-10T00:00:00+07:00", "end": "2021-06-11T00:00:00+07:00"}},
        ],
    }


def test_json_instants_in_deployment_offset(scene, capsys):
    call_command("trace", "079201001234", "--onset", "2021-06-10T03:00:00Z",
                 "--as-of", "2021-06-12T02:30:00+00:00", "--depth", "1", "--lookback-hours", "24",
                 "--isolated-at", "2021-06-11T12:00:00", "--json")
    doc = json.loads(capsys.readouterr().out)
    assert doc["index"] == {"person_id": "079201001234",
                            "window_start": "2021-06-09T10:00:00+07:00",
                            "window_end": "2021-06-11T12:00:00+07:00"}
    assert doc["as_of"] == AS_OF
    assert doc["contacts"] == []


def test_table_output(scene, capsys):
    assert run_cli("079201001234", "--onset", "2021-06-10", "--as-of", AS_OF) == 0
    out = capsys.readouterr().out
    assert "F1  079201005678" in out
    assert "BUS-98B-12345 [2021-06-08 07:05 .. 2021-06-08 07:40)" in out


@pytest.mark.parametrize("argv, field", [
    (["NOBODY", "--onset", "2021-06-10"], "person_id"),
    (["079201001234", "--onset", "2021-06-13", "--as-of", AS_OF], "onset"),
    (["079201001234", "--onset", "2021-06-10", "--as-of", AS_OF,
      "--isolated-at", "2021-06-07T23:59:00+07:00"], "isolated_at"),
    (["079201001234", "--onset", "2021-06-10", "--as-of", AS_OF,
      "--isolated-at", "2021-06-12T09:31:00+07:00"], "isolated_at"),
    (["079201001234", "--onset", "2021-06-10", "--depth", "0"], "depth"),
    (["079201001234", "--onset", "2021-06-10", "--depth", "6"], "depth"),
    (["079201001234", "--onset", "2021-06-10", "--depth", "two"], "depth"),
    (["079201001234", "--onset", "2021-13-10"], "onset"),
    (["079201001234", "--onset", "10/06/2021"], "onset"),
    (["079201001234", "--onset", "2021-06-10", "--as-of", "yesterday"], "as_of"),
    (["079201001234", "--onset", "2021-06-10", "--lookback-hours", "-1"], "lookback_hours"),
])
def test_bad_input_exits_2_with_message(scene, capsys, argv, field):
    assert run_cli(*argv, "--json") == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert f"{field}:" in captured.err


def test_missing_onset_exits_2(scene, capsys):
    assert run_cli("079201001234") == 2
    assert "--onset" in capsys.readouterr().err


def test_boundaries_of_validation_are_allowed(scene):
    parse_trace_input({"person_id": "079201001234", "onset": AS_OF, "as_of": AS_OF,
                       "isolated_at": AS_OF})
    ok = parse_trace_input({"person_id": "079201001234", "onset": "2021-06-10", "as_of": AS_OF,
                            "isolated_at": "2021-06-08T00:00:00+07:00", "depth": 5})
    assert ok.window_start == ok.window_end
    with pytest.raises(TraceInputError) as err:
        parse_trace_input({"onset": "2021-06-10"})
    assert err.value.field == "person_id"
