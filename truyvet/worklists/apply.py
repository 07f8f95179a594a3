"""Applying a previewed worker list: all or nothing, set-based, with progress.

`apply_import(job_id)` runs as background work (see `tasks.apply_import_task`).
Inside one transaction it locks the enterprise row (one import at a time per
enterprise), computes the plan again from the stored rows (the file is never
read twice) and refuses when something changed since the preview: another
list applied meanwhile, or a worker now registered elsewhere. Then it writes
with bulk_create / bulk_update / set-wise UPDATEs in batches. Progress is
written through a second database connection, so that the page polling it
sees it before the transaction commits.
"""

from __future__ import annotations

import logging
import uuid
from datetime import date, timedelta

from django.db import connections, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from truyvet.accounts import audit
from truyvet.accounts.models import User
from truyvet.places.kinds import GroupKind
from truyvet.places.models import Membership, Place
from truyvet.registry.models import Employment, Enterprise, OrgUnit, Person
from truyvet.worklists.models import ImportJob, ImportStatus
from truyvet.worklists.plan import Plan, Target, _Units, plan_import
from truyvet.worklists.reading import fold

log = logging.getLogger(__name__)
BATCH = 2000


class ImportConflict(Exception):
    """The preview no longer holds; the message says why, for the user."""


class _Progress:
    """Writes `done` of an import job outside the running transaction."""

    def __init__(self, job_id: int):
        self.job_id = job_id
        self.conn = None

    def __call__(self, done: int) -> None:
        try:
            if self.conn is None:
                self.conn = connections.create_connection("default")
            with self.conn.cursor() as cur:
                cur.execute("UPDATE worklists_importjob SET done = %s WHERE id = %s",
                            [done, self.job_id])
        except Exception:  # progress is a courtesy; never fail an import over it
            log.warning("could not write progress of import %s", self.job_id, exc_info=True)

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()


def end_open(qs: QuerySet, today: date) -> int:
    """End the open date ranges of `qs` the day before `today`; ranges that
    start today (a same-day correction) are removed instead."""
    qs = qs.filter(valid_to__isnull=True)
    removed, _by_model = qs.filter(valid_from__gte=today).delete()
    return removed + qs.filter(valid_from__lt=today).update(valid_to=today - timedelta(days=1))


def _create_units(enterprise: Enterprise, plan: Plan) -> dict[tuple, int]:
    """Create the missing workshops, then teams; return key -> org unit id."""
    units = _Units(enterprise.pk)
    ws = dict(units.workshops)
    new_ws = [OrgUnit(code=f"{enterprise.code}-W-{uuid.uuid4().hex[:12]}", enterprise=enterprise,
                      kind=OrgUnit.Kind.WORKSHOP, name=u["name"])
              for u in plan.units_to_create if u["kind"] == "workshop" and fold(u["name"]) not in ws]
    OrgUnit.objects.bulk_create(new_ws)
    ws.update({fold(o.name): o.pk for o in new_ws})
    teams = dict(units.teams)
    new_teams = []
    for u in plan.units_to_create:
        if u["kind"] != "team":
            continue
        parent = ws.get(fold(u["parent"])) if u["parent"] else None
        if (parent, fold(u["name"])) not in teams:
            o = OrgUnit(code=f"{enterprise.code}-T-{uuid.uuid4().hex[:12]}", enterprise=enterprise,
                        kind=OrgUnit.Kind.TEAM, name=u["name"], parent_id=parent)
            teams[(parent, fold(u["name"]))] = o
            new_teams.append(o)
    OrgUnit.objects.bulk_create(new_teams)
    out: dict[tuple, int] = {("workshop", k): v for k, v in ws.items()}
    for (parent, name), o in teams.items():
        out[("team", parent, name)] = o if isinstance(o, int) else o.pk
    return out


def _unit_of(target: Target, units: dict[tuple, int]) -> int | None:
    key = target.unit_key
    if key is None:
        return None
    if key[0] == "id":
        return key[1]
    if key[0] == "workshop":
        return units[("workshop", fold(key[1]))]
    parent = units.get(("workshop", fold(key[1]))) if key[1] else None
    return units[("team", parent, fold(key[2]))]


def _write_people(enterprise: Enterprise, plan: Plan, units: dict, progress: _Progress) -> dict:
    """Create and update Person rows; return {row number: (person id, new unit id or None)}."""
    now = timezone.now()
    placed: dict[int, tuple[int, int | None]] = {}
    new = [t for t in plan.targets if t.person_id is None]
    for i in range(0, len(new), BATCH):
        chunk = new[i:i + BATCH]
        objs = [Person(national_id=t.nid, enterprise=enterprise, org_unit_id=_unit_of(t, units),
                       **{k: v or ("" if k != "date_of_birth" else None) for k, v in t.fields.items()})
                for t in chunk]
        Person.objects.bulk_create(objs, batch_size=BATCH)
        for t, o in zip(chunk, objs, strict=True):
            placed[t.row] = (o.pk, o.org_unit_id)
        progress(len(placed))
    old = [t for t in plan.targets if t.person_id is not None]
    touched = [t for t in old if t.fields or t.unit_key or t.joins]
    people = Person.objects.in_bulk([t.person_id for t in touched])
    for t in old:
        placed[t.row] = (t.person_id, None)
    updates = []
    for t in touched:
        p = people[t.person_id]
        for k, v in t.fields.items():
            setattr(p, k, date.fromisoformat(v) if k == "date_of_birth" else v)
        unit = _unit_of(t, units)
        if unit is not None:
            p.org_unit_id = unit
            placed[t.row] = (p.pk, unit)
        p.enterprise = enterprise
        p.updated_at = now
        updates.append(p)
    for i in range(0, len(updates), BATCH):
        Person.objects.bulk_update(updates[i:i + BATCH], ["full_name", "date_of_birth", "sex", "phone",
                                                          "hometown", "enterprise", "org_unit",
                                                          "updated_at"])
        progress(len(new) + i + len(updates[i:i + BATCH]))
    return placed


def _write_history(enterprise: Enterprise, plan: Plan, placed: dict, today: date) -> None:
    """Employment and group memberships from today; the previous ones end yesterday."""
    joins = {placed[t.row][0] for t in plan.targets if t.joins}
    moved = {placed[t.row][0]: placed[t.row][1] for t in plan.targets
             if placed[t.row][1] is not None and not t.joins}
    end_open(Employment.objects.filter(person_id__in=list(moved), enterprise=enterprise), today)
    unit_of = {placed[t.row][0]: placed[t.row][1] for t in plan.targets if placed[t.row][0] in joins}
    Employment.objects.bulk_create(
        [Employment(person_id=pid, enterprise=enterprise, org_unit_id=unit_of.get(pid),
                    valid_from=today) for pid in joins]
        + [Employment(person_id=pid, enterprise=enterprise, org_unit_id=unit, valid_from=today)
           for pid, unit in moved.items()], batch_size=BATCH)
    # Teams: everyone placed in a unit leaves their old team; team units get a new membership.
    placed_units = {pid: unit for pid, unit in (placed[t.row] for t in plan.targets) if unit is not None}
    teams = dict(OrgUnit.objects.filter(pk__in=set(placed_units.values()), kind=OrgUnit.Kind.TEAM)
                 .values_list("pk", "code"))
    end_open(Membership.objects.filter(person_id__in=list(placed_units), group_kind=GroupKind.TEAM), today)
    new_members = [Membership(person_id=pid, group_kind=GroupKind.TEAM, group_code=teams[unit],
                              org_unit_id=unit, valid_from=today)
                   for pid, unit in placed_units.items() if unit in teams]
    for kind, attr in ((GroupKind.ROOM, "room_id"), (GroupKind.BUS_ROUTE, "bus_id")):
        chosen = {placed[t.row][0]: getattr(t, attr) for t in plan.targets if getattr(t, attr)}
        codes = dict(Place.objects.filter(pk__in=set(chosen.values())).values_list("pk", "code"))
        end_open(Membership.objects.filter(person_id__in=list(chosen), group_kind=kind), today)
        new_members += [Membership(person_id=pid, group_kind=kind, group_code=codes[place],
                                   place_id=place, valid_from=today) for pid, place in chosen.items()]
    Membership.objects.bulk_create(new_members, batch_size=BATCH)


def end_employment(enterprise: Enterprise, person_ids: list[int], today: date) -> int:
    """Workers who left: enterprise and unit cleared, employment, team and bus route ended.
    Their room stays: where someone lives does not depend on their employer."""
    people = Person.objects.filter(pk__in=person_ids, enterprise=enterprise)
    ids = list(people.values_list("pk", flat=True))
    end_open(Employment.objects.filter(person_id__in=ids, enterprise=enterprise), today)
    end_open(Membership.objects.filter(person_id__in=ids).filter(
        Q(group_kind=GroupKind.TEAM) | Q(group_kind=GroupKind.BUS_ROUTE)), today)
    return people.update(enterprise=None, org_unit=None, updated_at=timezone.now())


def _check_still_valid(job: ImportJob, plan: Plan) -> None:
    later = ImportJob.objects.filter(enterprise_id=job.enterprise_id, status=ImportStatus.APPLIED,
                                     applied_at__gt=job.created_at).exclude(pk=job.pk)
    if later.exists():
        raise ImportConflict(_("Another worker list was applied after this preview was made. "
                               "Upload the file again to see a fresh preview."))
    if plan.conflicts:
        raise ImportConflict(_("%(n)s worker(s) are now registered at another enterprise; "
                               "upload the file again to see them.") % {"n": len(plan.conflicts)})
    if job.preview.get("errors"):
        raise ImportConflict(_("The file has errors; fix them and upload it again."))


def _audit_apply(job: ImportJob, plan: Plan, placed: dict, ended_ids: list[int], counts: dict,
                 confirmed_by_id: int | None) -> None:
    """One audit entry (more past audit.MAX_PERSON_IDS) for the applied list, in its
    transaction: who confirmed it (else who uploaded it), the file and job, the
    counts, and the ids of the people created, changed, moved or ended."""
    ids = {placed[t.row][0] for t in plan.targets
           if t.person_id is None or t.fields or t.unit_key or t.joins or t.room_id or t.bus_id}
    ids.update(ended_ids)
    user = User.objects.filter(pk=confirmed_by_id or job.created_by_id).first()
    shown = ", ".join(f"{k} {counts[k]}" for k in ("new", "changed", "joining", "ended")
                      if k in counts)
    audit.record_bulk_change(user, f"worker list {job.file_name!r} (import {job.pk}): {shown}",
                             sorted(ids), actor="worklist-import")


def apply_import(job_id: int, today: date | None = None,
                 confirmed_by_id: int | None = None) -> dict:
    """Apply a queued import job; return its counts. Never raises for bad data:
    the job ends FAILED with a message instead. `confirmed_by_id`: who confirmed
    it, for the audit entry written with the change (default: who uploaded it)."""
    # Committed before the transaction: the progress connection must never wait
    # on a lock this transaction holds on the job row.
    claimed = ImportJob.objects.filter(pk=job_id, status=ImportStatus.QUEUED).update(
        status=ImportStatus.APPLYING, done=0)
    if not claimed:
        return {}
    job = ImportJob.objects.select_related("enterprise").get(pk=job_id)
    ImportJob.objects.filter(pk=job.pk).update(total=len(job.preview.get("rows", [])))
    today = today or timezone.localdate()
    progress = _Progress(job.pk)
    try:
        with transaction.atomic():
            enterprise = Enterprise.objects.select_for_update().get(pk=job.enterprise_id)
            rows = job.preview.get("rows", [])
            plan = plan_import(enterprise.pk, enterprise.code, rows, today)
            _check_still_valid(job, plan)
            units = _create_units(enterprise, plan)
            placed = _write_people(enterprise, plan, units, progress)
            _write_history(enterprise, plan, placed, today)
            ended = 0
            if job.end_missing and plan.missing:
                ended = end_employment(enterprise, [m["id"] for m in plan.missing], today)
            from truyvet.health.services import record_from_worklist

            health = record_from_worklist(enterprise.pk, rows, {r: p for r, (p, _u) in placed.items()},
                                          job.created_by_id)
            counts = {**plan.counts(), "ended": ended, **health}
            _audit_apply(job, plan, placed, [m["id"] for m in plan.missing] if ended else [],
                         counts, confirmed_by_id)
            ImportJob.objects.filter(pk=job.pk).update(
                status=ImportStatus.APPLIED, applied_at=timezone.now(), counts=counts,
                done=len(plan.targets), error="",
                preview={k: v for k, v in job.preview.items() if k != "rows"})
        return counts
    except ImportConflict as exc:
        ImportJob.objects.filter(pk=job.pk).update(status=ImportStatus.FAILED, error=str(exc))
    except Exception:
        log.exception("import %s failed", job.pk)
        ImportJob.objects.filter(pk=job.pk).update(
            status=ImportStatus.FAILED, error=_("The import failed; nothing was written. "
                                                "Try again, or ask the administrator."))
    finally:
        progress.close()
    return {}
