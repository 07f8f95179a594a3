"""List pages do a bounded number of queries, whatever the number of rows."""

from __future__ import annotations

from datetime import date

import pytest

from truyvet.registry.models import OrgUnit, Person


@pytest.fixture
def crowd(world):
    units = [OrgUnit.objects.create(code=f"DN1-T{i}", enterprise=world.e1, kind="team",
                                    name=f"Tổ {i + 10}", parent=world.workshop1) for i in range(8)]
    Person.objects.bulk_create([
        Person(national_id=f"0241950{i:05d}", full_name=f"Công nhân {i}", enterprise=world.e1,
               org_unit=units[i % 8], phone=f"09{i:08d}", date_of_birth=date(1990, 1, 1))
        for i in range(10, 130)
    ])
    return world


@pytest.mark.parametrize("key", ["dn", "kcn", "cdc"])
def test_workers_list_is_not_n_plus_1(crowd, client, django_assert_max_num_queries, key):
    client.force_login(crowd.user(key))
    with django_assert_max_num_queries(9):
        resp = client.get(f"/enterprises/{crowd.e1.pk}/workers/")
    assert len(resp.context["rows"]) == 50


def test_people_list_is_not_n_plus_1(crowd, client, django_assert_max_num_queries):
    client.force_login(crowd.user("cdc"))
    with django_assert_max_num_queries(6):
        resp = client.get("/people/", {"page": 2})
    assert len(resp.context["rows"]) == 50


def test_enterprise_detail_tree_in_few_queries(crowd, client, django_assert_max_num_queries):
    client.force_login(crowd.user("dn"))
    with django_assert_max_num_queries(6):
        resp = client.get(f"/enterprises/{crowd.e1.pk}/")
    assert len(resp.context["tree"]) == 11


def test_enterprise_and_place_lists_bounded(crowd, client, django_assert_max_num_queries):
    client.force_login(crowd.user("admin"))
    with django_assert_max_num_queries(6):
        client.get("/enterprises/")
    with django_assert_max_num_queries(6):
        client.get("/places/")


def test_person_page_bounded(crowd, client, django_assert_max_num_queries):
    client.force_login(crowd.user("ytedn"))
    with django_assert_max_num_queries(8):
        client.get(f"/people/{crowd.w1.uuid}/")
