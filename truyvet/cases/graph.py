"""The transmission graph F0 -> F1 -> F2, clustered so a few hundred people stay
readable: one node per (level, via context, via code), e.g. one bus, one room,
one team, with a head count; an edge from the cluster of the upstream persons.
Counted in one SQL aggregation; laid out here and drawn as SVG by a template."""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field

from django.db import connection
from django.utils.translation import gettext as _

from truyvet.cases.models import Trace
from truyvet.cases.reasons import cluster_label
from truyvet.places.models import Place
from truyvet.registry.models import OrgUnit

MAX_NODES = 24  # per level; the rest are merged into one "other" node

CLUSTER_SQL = """
SELECT c.level, c.via_context, c.via_code, up.via_context, up.via_code, count(*)
FROM cases_tracecontact c
LEFT JOIN cases_tracecontact up ON up.trace_id = c.trace_id AND up.person_id = c.via_person_id
WHERE c.trace_id = %s
GROUP BY 1, 2, 3, 4, 5
"""

COL_W, ROW_H, TOP, LEFT = 260, 46, 30, 70


@dataclass
class Node:
    id: str
    level: int
    context: str
    code: str
    label: str = ""
    count: int = 0
    x: float = 0
    y: float = 0
    r: float = 8

    @property
    def via(self) -> str:
        return f"{self.context}:{self.code}" if self.context else ""


@dataclass
class Edge:
    source: str
    target: str
    count: int
    path: str = ""
    width: float = 1


@dataclass
class Graph:
    nodes: list[Node] = field(default_factory=list)
    edges: list[Edge] = field(default_factory=list)
    width: int = 0
    height: int = 0

    def as_json(self) -> dict:
        return {
            "nodes": [{"id": n.id, "level": n.level, "context": n.context, "code": n.code,
                       "label": n.label, "count": n.count} for n in self.nodes],
            "edges": [{"source": e.source, "target": e.target, "count": e.count}
                      for e in self.edges],
        }


def _node_id(level: int, ctx: str | None, code: str | None) -> str:
    return "F0" if level == 0 else f"{level}|{ctx or ''}|{code or ''}"


def _labels(nodes: list[Node]) -> None:
    codes = {n.code for n in nodes if n.code}
    places = {p.code: p for p in Place.objects.filter(code__in=codes).select_related("boarding_house")}
    units = {u.code: u for u in OrgUnit.objects.filter(code__in=codes)}
    for n in nodes:
        if n.level and n.context:
            place = places.get(n.code) if n.context != "team" else None
            n.label = cluster_label(n.context, n.code, place, units.get(n.code))


def build_graph(trace: Trace) -> Graph:
    with connection.cursor() as cur:
        cur.execute(CLUSTER_SQL, [trace.pk])
        rows = cur.fetchall()
    totals: dict[str, int] = defaultdict(int)
    keys: dict[str, tuple[int, str, str]] = {}
    for level, ctx, code, _uctx, _ucode, n in rows:
        nid = _node_id(level, ctx, code)
        totals[nid] += n
        keys[nid] = (level, ctx, code)
    # Keep the biggest clusters per level; merge the others.
    kept: dict[str, str] = {}
    for level in sorted({k[0] for k in keys.values()}):
        ids = sorted((i for i, k in keys.items() if k[0] == level), key=lambda i: (-totals[i], i))
        for i in ids[:MAX_NODES]:
            kept[i] = i
        for i in ids[MAX_NODES:]:
            kept[i] = f"{level}|other|"
    nodes: dict[str, Node] = {"F0": Node("F0", 0, "", "", trace.person.full_name, 1)}
    edges: dict[tuple[str, str], int] = defaultdict(int)
    for level, ctx, code, uctx, ucode, n in rows:
        target = kept[_node_id(level, ctx, code)]
        if target not in nodes:
            other = target.endswith("|other|")
            nodes[target] = Node(target, level, "" if other else ctx, "" if other else code,
                                 _("other groups") if other else "")
        nodes[target].count += n
        source = kept.get(_node_id(level - 1, uctx, ucode), "F0") if level > 1 else "F0"
        edges[(source, target)] += n
    graph = Graph(list(nodes.values()), [Edge(s, t, n) for (s, t), n in edges.items()])
    _labels(graph.nodes)
    _layout(graph)
    return graph


def _layout(g: Graph) -> None:
    by_level: dict[int, list[Node]] = defaultdict(list)
    for n in g.nodes:
        by_level[n.level].append(n)
    tallest = max(len(v) for v in by_level.values())
    g.height = TOP * 2 + max(tallest, 1) * ROW_H
    g.width = LEFT + COL_W * max(by_level) + 240
    for level, col in by_level.items():
        col.sort(key=lambda n: (-n.count, n.label))
        offset = (tallest - len(col)) * ROW_H / 2
        for i, n in enumerate(col):
            n.x = LEFT + level * COL_W
            n.y = TOP + offset + i * ROW_H + ROW_H / 2
            n.r = 6 + min(14, 3 * math.log2(n.count + 1))
    pos = {n.id: n for n in g.nodes}
    for e in g.edges:
        a, b = pos[e.source], pos[e.target]
        mid = (a.x + b.x) / 2
        e.path = f"M{a.x:.0f},{a.y:.0f} C{mid:.0f},{a.y:.0f} {mid:.0f},{b.y:.0f} {b.x:.0f},{b.y:.0f}"
        e.width = 1 + min(8, math.log2(e.count + 1))
