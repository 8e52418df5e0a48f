"""X-6: the Polish catalogue is complete: no empty and no fuzzy translation of any msgid."""
import ast
from pathlib import Path

from django.conf import settings

CATALOGUE = Path(settings.BASE_DIR) / "locale" / "pl" / "LC_MESSAGES" / "django.po"


def _entries(path: Path) -> list[dict]:
    """Read a .po file into entries: msgid, msgid_plural, msgstr[n] and flags."""
    entries, entry, key = [], None, None
    for raw in path.read_text(encoding="utf-8").splitlines() + [""]:
        line = raw.strip()
        if not line:
            if entry and "msgid" in entry:
                entries.append(entry)
            entry, key = None, None
            continue
        entry = entry if entry is not None else {"flags": set(), "msgstr": {}}
        if line.startswith("#,"):
            entry["flags"] |= {flag.strip() for flag in line[2:].split(",")}
        elif line.startswith("#"):
            continue
        elif line.startswith('"'):
            _append(entry, key, ast.literal_eval(line))
        else:
            keyword, _space, value = line.partition(" ")
            key = keyword
            _append(entry, key, ast.literal_eval(value), start=True)
    return entries


def _append(entry, key, text, start=False):
    if key.startswith("msgstr"):
        index = key[7:-1] if "[" in key else "0"
        entry["msgstr"][index] = ("" if start else entry["msgstr"].get(index, "")) + text
    else:
        entry[key] = ("" if start else entry.get(key, "")) + text


def test_the_parser_sees_the_whole_catalogue():
    entries = _entries(CATALOGUE)
    assert len(entries) > 500
    assert any(e["msgid"] == "Thank you" for e in entries)


def test_every_msgid_has_a_polish_translation_that_is_not_fuzzy():
    problems = []
    for entry in _entries(CATALOGUE):
        if entry["msgid"] == "":  # the header
            continue
        if "fuzzy" in entry["flags"]:
            problems.append(f"fuzzy: {entry['msgid']!r}")
        elif not entry["msgstr"] or any(not text.strip() for text in entry["msgstr"].values()):
            problems.append(f"untranslated: {entry['msgid']!r}")
    assert not problems, "\n".join(problems)


def test_each_msgid_appears_once():
    seen, repeated = set(), []
    for entry in _entries(CATALOGUE):
        key = (entry.get("msgctxt"), entry["msgid"])
        if key in seen:
            repeated.append(entry["msgid"])
        seen.add(key)
    assert not repeated, repeated
