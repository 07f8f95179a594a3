"""accounts.scoping, privacy and audit: the rules themselves, per role."""

from __future__ import annotations

import pytest
from django.http import Http404

from tests.conftest import SCOPES, UNMASKED
from truyvet.accounts import audit, scoping
from truyvet.accounts.models import AuditEntry, Role, User
from truyvet.accounts.privacy import people_views, person_view
from truyvet.registry.models import Person


@pytest.mark.parametrize("key", sorted(SCOPES))
def test_visible_people_per_role(world, key):
    user = world.user(key)
    inside, outside, *_ = SCOPES[key]
    visible = scoping.visible_people(user)
    assert visible.filter(pk=getattr(world, inside).pk).exists()
    if outside:
        assert not visible.filter(pk=getattr(world, outside).pk).exists()
        with pytest.raises(Http404):
            scoping.get_visible_or_404(visible, pk=getattr(world, outside).pk)


@pytest.mark.parametrize("key", sorted(SCOPES))
def test_visible_enterprises_and_places_per_role(world, key):
    user = world.user(key)
    _, _, e_in, e_out, pl_in, pl_out = SCOPES[key]
    ents = scoping.visible_enterprises(user)
    places = scoping.visible_places(user)
    if e_in:
        assert ents.filter(pk=getattr(world, e_in).pk).exists()
    if e_out:
        assert not ents.filter(pk=getattr(world, e_out).pk).exists()
    if pl_in:
        assert places.filter(pk=getattr(world, pl_in).pk).exists()
    if pl_out:
        assert not places.filter(pk=getattr(world, pl_out).pk).exists()


def test_exact_sets(world):
    names = lambda qs: sorted(p.full_name for p in qs)  # noqa: E731
    assert names(scoping.visible_people(world.user("kcn"))) == names(
        Person.objects.filter(enterprise=world.e1))
    assert list(scoping.visible_people(world.user("congthuong"))) == [world.y1]
    assert list(scoping.visible_people(world.user("nhatro"))) == [world.w1]
    assert list(scoping.visible_people(world.user("worker"))) == [world.w1]
    assert set(scoping.visible_enterprises(world.user("huyen"))) == {world.e1, world.e3}
    assert set(scoping.visible_places(world.user("nhatro"))) == {world.r1}
    assert set(scoping.visible_org_units(world.user("outsider"))) == {world.team2}
    assert scoping.visible_people(world.user("cdc")).count() == 4


def test_inactive_and_anonymous_see_nothing(world):
    from django.contrib.auth.models import AnonymousUser

    u = world.user("admin")
    u.is_active = False
    assert scoping.visible_people(u).count() == 0
    assert scoping.visible_enterprises(AnonymousUser()).count() == 0
    assert scoping.visible_places(AnonymousUser()).count() == 0


def test_superuser_counts_as_province_admin(world):
    su = User.objects.create_superuser("root", "r@example.org", "x")
    assert scoping.role_of(su) == Role.PROVINCE_ADMIN
    assert scoping.visible_people(su).count() == 4


def test_unscoped_roles_see_nothing(world):
    lonely = User.objects.create_user("lonely", role=Role.ENTERPRISE_ADMIN)
    committee = User.objects.create_user("c", role=Role.DISTRICT_COMMITTEE)
    for u in (lonely, committee):
        assert scoping.visible_enterprises(u).count() == 0
        assert scoping.visible_people(u).count() == 0


def test_get_visible_or_404_bad_lookup_is_404(world):
    with pytest.raises(Http404):
        scoping.get_visible_or_404(scoping.visible_people(world.user("admin")), uuid="nope")


@pytest.mark.parametrize("key", sorted(SCOPES))
def test_masking_per_role(world, key):
    user = world.user(key)
    inside = getattr(world, SCOPES[key][0])
    view = person_view(user, inside)
    if key in UNMASKED or inside.pk == user.person_id:
        assert view.national_id == inside.national_id
        assert view.phone == inside.phone
        assert not view.masked
    else:
        assert view.national_id.endswith(inside.national_id[-3:])
        assert inside.national_id not in view.national_id
        assert inside.phone not in view.phone
        assert view.date_of_birth is None
        assert view.masked


def test_gate_operator_sees_the_minimum(world):
    view = person_view(world.user("baove"), world.w1)
    assert view.phone == "" and view.birth_year is None and view.hometown == ""
    assert view.full_name == world.w1.full_name and view.org_unit_name == "Tổ 1"
    assert scoping.person_access(world.user("baove"), world.w1).sections == frozenset()


def test_lists_show_own_record_in_full(world):
    world.w1.refresh_from_db()
    kcn = world.user("kcn")
    kcn.person = world.w2
    rows = {r.id: r for r in people_views(kcn, Person.objects.filter(enterprise=world.e1))}
    assert rows[world.w2.pk].national_id == world.w2.national_id
    assert rows[world.w1.pk].masked


def test_record_access_writes_one_entry(world, rf):
    request = rf.get("/people/", REMOTE_ADDR="10.0.0.7")
    entry = audit.record_access(world.user("cdc"), audit.LIST_PEOPLE, "/people/",
                                person_ids=[world.w1.pk, world.w2.pk], request=request)
    assert entry.count == 2 and entry.person_ids == [world.w1.pk, world.w2.pk]
    assert entry.ip == "10.0.0.7" and entry.role == "health_authority"
    single = audit.record_access(world.user("cdc"), audit.VIEW_PERSON, "/p/", person_ids=[world.w1.pk])
    assert single.person_id == world.w1.pk and single.count == 1
    assert AuditEntry.objects.filter(person_ids__contains=[world.w2.pk]).count() == 1


def test_record_access_skips_self_and_empty(world):
    assert audit.record_access(world.user("worker"), audit.VIEW_PERSON, "/me",
                               person_ids=[world.w1.pk]) is None
    assert audit.record_access(world.user("cdc"), audit.LIST_PEOPLE, "/x", person_ids=[]) is None
    assert AuditEntry.objects.count() == 0
