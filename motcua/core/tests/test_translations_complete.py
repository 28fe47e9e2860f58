"""Vietnamese is complete (issue 10 item 9): every string the templates and the code pass
through gettext has a Vietnamese translation in one of our catalogues, so no English msgid
reaches a Vietnamese page. The English side is checked page by page in test_english_pages.py."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import polib

PACKAGE = Path(__file__).resolve().parents[2]
CATALOGUES = [PACKAGE / "locale", PACKAGE / "catalog" / "locale", PACKAGE / "identity" / "locale"]
GETTEXT = {"_", "gettext", "gettext_lazy", "ngettext", "ngettext_lazy", "pgettext", "pgettext_lazy"}
TRANSLATE_TAG = re.compile(r'{%\s*translate\s+"((?:[^"\\]|\\.)*)"(?:\s+context\s+"([^"]*)")?')
BLOCK_TAG = re.compile(r"{%\s*blocktranslate\b([^%]*)%}(.*?){%\s*endblocktranslate\s*%}", re.DOTALL)


def translated() -> set[tuple[str | None, str]]:
    found: set[tuple[str | None, str]] = set()
    for folder in CATALOGUES:
        for entry in polib.pofile(str(folder / "vi" / "LC_MESSAGES" / "django.po")):
            if entry.translated() and "fuzzy" not in entry.flags and not entry.obsolete:
                found.add((entry.msgctxt, entry.msgid))
    return found


def template_msgids() -> set[tuple[str | None, str, str]]:
    """(context, msgid, file) of every translate and blocktranslate tag."""
    found: set[tuple[str | None, str, str]] = set()
    for path in PACKAGE.rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        name = str(path.relative_to(PACKAGE))
        # Django looks a template message up with every literal "%" doubled (TranslateNode and
        # BlockTranslateNode escape it; makemessages writes it so): the catalogue holds "95%% CI".
        for match in TRANSLATE_TAG.finditer(text):
            found.add((match.group(2), match.group(1).replace("%", "%%"), name))
        for match in BLOCK_TAG.finditer(text):
            options, body = match.groups()
            singular = body.split("{% plural %}")[0]
            msgid = re.sub(r"{{\s*(\w+)\s*}}", r"%(\1)s", singular.replace("%", "%%"))
            if "trimmed" in options:
                msgid = " ".join(line.strip() for line in msgid.strip().splitlines() if line.strip())
            context = re.search(r'context\s+"([^"]*)"', options)
            found.add((context.group(1) if context else None, msgid, name))
    return found


def code_msgids() -> set[tuple[str | None, str, str]]:
    """(context, msgid, file:line) of every gettext call with literal arguments."""
    found: set[tuple[str | None, str, str]] = set()
    for path in PACKAGE.rglob("*.py"):
        if "tests" in path.parts or "migrations" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call) or not node.args:
                continue
            func = node.func
            name = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""
            if name not in GETTEXT:
                continue
            literals = [a.value if isinstance(a, ast.Constant) and isinstance(a.value, str) else None for a in node.args]
            where = f"{path.relative_to(PACKAGE)}:{node.lineno}"
            if name.startswith("p") and len(literals) > 1 and literals[0] is not None and literals[1] is not None:
                found.add((literals[0], literals[1], where))
            elif not name.startswith("p") and literals[0] is not None:
                found.add((None, literals[0], where))
    return found


def test_every_template_string_has_a_vietnamese_translation() -> None:
    have = translated()

    assert sorted((where, msgid) for context, msgid, where in template_msgids() if (context, msgid) not in have) == []


def test_every_gettext_string_in_the_code_has_a_vietnamese_translation() -> None:
    have = translated()

    assert sorted((where, msgid) for context, msgid, where in code_msgids() if (context, msgid) not in have) == []


def test_the_check_reads_translate_and_blocktranslate_tags() -> None:
    names = {msgid for _context, msgid, _where in template_msgids()}

    assert "Assigned to me" not in names  # a Python label (views.QUEUES), not a template's
    assert "Change" in names  # {% translate "Change" %} in base.html
