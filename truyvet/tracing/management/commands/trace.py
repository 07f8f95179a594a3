"""`truyvet trace PERSON_ID --onset DATE|DATETIME ...`: F1/F2 lists from the shell."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from truyvet.tracing.engine import format_instant, result_to_json, run_trace
from truyvet.tracing.inputs import parse_trace_input
from truyvet.tracing.types import TraceInputError, TraceResult


class Command(BaseCommand):
    help = "Trace the contacts of an index person (F0) per spec/tracing.md."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("person_id", help="the index person's ID number")
        parser.add_argument("--onset", required=True,
                            help="YYYY-MM-DD (00:00 local) or an ISO 8601 instant")
        parser.add_argument("--isolated-at", help="ISO 8601 instant; ends the index's window")
        parser.add_argument("--as-of", help="ISO 8601 instant (default: now)")
        parser.add_argument("--depth", help="levels to trace, 1..5 (default 2)")
        parser.add_argument("--lookback-hours", help="hours before onset (default: policy, 48)")
        parser.add_argument("--json", action="store_true", help="print the spec's JSON only")

    def handle(self, *args: Any, **options: Any) -> None:
        raw = {key: options.get(key) for key in
               ("person_id", "onset", "isolated_at", "as_of", "depth", "lookback_hours")}
        try:
            trace = parse_trace_input(raw)
        except TraceInputError as exc:
            raise CommandError(f"{exc.field}: {exc.message}", returncode=2) from None
        result = run_trace(trace)
        if options["json"]:
            self.stdout.write(json.dumps(result_to_json(result), ensure_ascii=False, indent=2))
        else:
            self.stdout.write(render_table(result))


def _local(value: Any) -> str:
    return format_instant(value)[:16].replace("T", " ")


def render_table(result: TraceResult) -> str:
    """A readable listing: one line per contact, with the reason."""
    lines = [
        f"F0 {result.person_id} {result.full_name}",
        f"window {_local(result.window_start)} .. {_local(result.window_end)}"
        f"  as of {_local(result.as_of)}  depth {result.depth}",
        f"{len(result.contacts)} contact(s)",
        "",
        f"{'lvl':<4}{'person':<16}{'name':<28}{'exposed at':<18}via",
    ]
    for c in result.contacts:
        via = c.via
        lines.append(
            f"F{c.level:<3}{c.person_id:<16}{c.full_name[:27]:<28}{_local(c.exposed_at):<18}"
            f"{via.person_id} {via.context} {via.code} "
            f"[{_local(via.start)} .. {_local(via.end)})"
        )
    return "\n".join(lines)
