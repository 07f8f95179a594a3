"""Fill empty msgstr in our Vietnamese .po files from `vi_catalog.VI`.

Usage: python -m truyvet.web.i18n.fill_po  (after `makemessages`); prints the
msgids still without a translation and exits 1 if any.
"""

from __future__ import annotations

import sys
from pathlib import Path

import polib

from truyvet.web.i18n.vi_catalog import VI

ROOT = Path(__file__).resolve().parents[2]
APPS = ["web", "accounts", "registry", "places", "core"]


def fill(path: Path) -> list[str]:
    po = polib.pofile(str(path))
    missing = []
    for entry in po:
        if entry.obsolete:
            continue
        if "fuzzy" in entry.flags:
            entry.flags.remove("fuzzy")
        text = VI.get(entry.msgid)
        if entry.msgid_plural:
            if text and not entry.msgstr_plural.get(0):
                entry.msgstr_plural = {0: text}
            if not entry.msgstr_plural.get(0):
                missing.append(entry.msgid)
        else:
            if text and not entry.msgstr:
                entry.msgstr = text
            if not entry.msgstr:
                missing.append(entry.msgid)
    po.metadata_is_fuzzy = False
    po.header = "Vietnamese translations of TruyVết."
    po.metadata["Project-Id-Version"] = "TruyVết"
    po.metadata["Language-Team"] = "Vietnamese"
    po.metadata["Language"] = "vi"
    po.metadata["Plural-Forms"] = "nplurals=1; plural=0;"
    po.metadata["Content-Type"] = "text/plain; charset=UTF-8"
    po.save()
    return missing


def main() -> int:
    missing = []
    for app in APPS:
        path = ROOT / app / "locale" / "vi" / "LC_MESSAGES" / "django.po"
        if path.exists():
            missing += [f"{app}: {m}" for m in fill(path)]
    for m in missing:
        print("untranslated:", m)
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main())
