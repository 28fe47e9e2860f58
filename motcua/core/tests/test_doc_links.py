"""The README and docs/ link only what a clone has (issue 10 item 10): every relative link,
and every path written as `../x` or `./x`, names a file or folder inside the repository."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
DOCUMENTS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]

# [text](target), [label]: target, and `../path` or `./path` in code spans.
LINK = re.compile(r"\[[^\]]*\]\(([^)\s]+)[^)]*\)|^\[[^\]]+\]:\s*(\S+)|`(\.\.?/[^`\s]*)`", re.MULTILINE)


def relative_targets(document: Path) -> list[str]:
    targets = []
    for match in LINK.finditer(document.read_text(encoding="utf-8")):
        target = next(group for group in match.groups() if group)
        if re.match(r"[a-zA-Z][a-zA-Z0-9+.-]*:|#", target):  # https:, mailto:, an anchor on the page
            continue
        targets.append(target)
    return targets


def missing_targets(document: Path, root: Path = ROOT) -> list[str]:
    missing = []
    for target in relative_targets(document):
        path = (document.parent / target.split("#")[0]).resolve()
        if not path.is_relative_to(root) or not path.exists():
            missing.append(target)
    return missing


@pytest.mark.parametrize("document", DOCUMENTS, ids=lambda path: str(path.relative_to(ROOT)))
def test_every_relative_link_points_into_the_repository(document: Path) -> None:
    assert missing_targets(document) == []


def test_the_check_reads_links_reference_links_and_relative_code_paths(tmp_path: Path) -> None:
    document = tmp_path / "x.md"
    document.write_text(
        "See [rules](../shared/RULES.md), `../shared/data/`, [site](https://x.vn) and [it](x.md#top).\n[ref]: ./y.md\n",
        encoding="utf-8",
    )

    assert relative_targets(document) == ["../shared/RULES.md", "../shared/data/", "x.md#top", "./y.md"]


def test_a_path_outside_the_repository_counts_as_missing_even_when_it_exists(tmp_path: Path) -> None:
    """A worktree may sit beside the project's shared notes; a clone has no such neighbour."""
    (tmp_path / "shared").mkdir()
    (tmp_path / "shared" / "RULES.md").write_text("rules", encoding="utf-8")
    repo = tmp_path / "repo"
    repo.mkdir()
    (repo / "here.md").write_text("here", encoding="utf-8")
    readme = repo / "README.md"
    readme.write_text("[rules](../shared/RULES.md) [here](here.md) [gone](gone.md)", encoding="utf-8")

    assert missing_targets(readme, root=repo) == ["../shared/RULES.md", "gone.md"]
