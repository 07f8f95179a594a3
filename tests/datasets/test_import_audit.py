"""A dataset import is audited in its transaction: one entry by the CLI actor
(no user) with the folder and counts, and the people it created or changed."""

from __future__ import annotations

import pytest

from tests.datasets.conftest import write
from truyvet.accounts import audit
from truyvet.accounts.models import AuditEntry
from truyvet.datasets.importer import AUDIT_ACTOR, DatasetRejected, import_dataset
from truyvet.registry.models import Person

pytestmark = pytest.mark.django_db(transaction=True)


def _entries():
    return list(AuditEntry.objects.filter(action=audit.CHANGE_PEOPLE).order_by("pk"))


def test_import_writes_one_entry_by_the_cli_actor(base_folder):
    import_dataset(base_folder)
    [entry] = _entries()
    assert entry.user is None and entry.username == AUDIT_ACTOR == "cli:import-dataset"
    assert entry.what.startswith("dataset 'base': ") and "people.csv" in entry.what
    everyone = sorted(Person.objects.values_list("pk", flat=True))
    assert entry.person_ids == everyone and entry.count == len(everyone)


def test_reimport_names_only_the_people_changed(base_folder):
    import_dataset(base_folder)
    people = (base_folder / "people.csv").read_text(encoding="utf-8")
    (base_folder / "memberships.csv").unlink()  # memberships would name their people again
    write(base_folder, "people.csv", people.replace("0912345678", "0912345000"))
    import_dataset(base_folder)
    second = _entries()[-1]
    changed = Person.objects.get(phone="0912345000")
    assert second.person_id == changed.pk and second.count == 1 and second.person_ids == []


def test_rejected_import_writes_no_entry(base_folder):
    write(base_folder, "people.csv", "person_id,full_name\n,Nobody\n")
    with pytest.raises(DatasetRejected):
        import_dataset(base_folder)
    assert _entries() == [] and not Person.objects.exists()


def test_failure_after_the_audit_rolls_it_back(base_folder, monkeypatch):
    from truyvet.datasets import importer

    real = audit.record_bulk_change

    def written_then_fail(*args, **kwargs):
        assert real(*args, **kwargs)
        raise RuntimeError("a later step fails")

    monkeypatch.setattr(importer.audit, "record_bulk_change", written_then_fail)
    with pytest.raises(RuntimeError):
        import_dataset(base_folder)
    assert _entries() == [] and not Person.objects.exists()
