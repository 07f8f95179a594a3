"""Vietnamese is the default language: every catalogue is complete and compiles."""

from __future__ import annotations

from pathlib import Path

import polib
import pytest

ROOT = Path(__file__).resolve().parents[2]
CATALOGUES = sorted(ROOT.glob("truyvet/*/locale/vi/LC_MESSAGES/django.po"))


def test_every_area_has_a_vietnamese_catalogue():
    apps = {p.parts[-5] for p in CATALOGUES}
    assert {"web", "registry", "places", "accounts", "cases", "checkins", "health",
            "worklists"} <= apps


@pytest.mark.parametrize("path", CATALOGUES, ids=lambda p: p.parts[-5])
def test_catalogue_is_fully_translated(path):
    po = polib.pofile(str(path))
    missing = [e.msgid for e in po.untranslated_entries()] + [e.msgid for e in po.fuzzy_entries()]
    assert not missing, f"{path}: no Vietnamese for {missing[:10]}"
    for entry in po.translated_entries():  # placeholders survive translation
        for placeholder in ("%(", "{"):
            if placeholder in entry.msgid and not entry.msgid_plural:
                assert entry.msgid.count(placeholder) == entry.msgstr.count(placeholder), entry.msgid
