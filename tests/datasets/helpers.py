"""Helpers to read back what an import wrote."""

from __future__ import annotations

from django.db import connection

TABLES = ["registry_enterprise", "registry_orgunit", "registry_person", "registry_employment",
          "places_place", "places_membership", "places_presence", "registry_zone",
          "registry_adminunit"]


def counts() -> dict[str, int]:
    with connection.cursor() as cur:
        result = {}
        for table in TABLES:
            cur.execute(f"SELECT count(*) FROM {table}")
            result[table] = cur.fetchone()[0]
    return result


def snapshot() -> dict[str, list[tuple]]:
    """Every row of every table the importer writes, in a stable order."""
    with connection.cursor() as cur:
        result = {}
        for table in TABLES:
            cur.execute(f"SELECT * FROM {table} ORDER BY 1, 2, 3")
            result[table] = cur.fetchall()
    return result


def empty_database() -> None:
    with connection.cursor() as cur:
        cur.execute("TRUNCATE " + ", ".join(TABLES) + " CASCADE")


def rejection(folder) -> list[str]:
    """The problems listed when importing `folder` (fails the test if it was accepted)."""
    import pytest

    from truyvet.datasets.importer import DatasetRejected, import_dataset

    with pytest.raises(DatasetRejected) as info:
        import_dataset(folder)
    return [str(p) for p in info.value.problems]
