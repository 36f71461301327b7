"""benchmarks/RESULTS.md is made of the parts each benchmark writes in benchmarks/results/."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
ORDER = ("ui.md", "sync.md")


def write_part(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    combine()


def part(title: str, note: str, columns: list[str], align: str, rows: list[list[object]]) -> str:
    """A results part: a heading, how it was measured, a table (`align`: "l" or "r" a column)."""
    rule = "|".join("---:" if a == "r" else "---" for a in align)
    lines = [f"| {' | '.join(columns)} |", f"|{rule}|", *(f"| {' | '.join(str(c) for c in row)} |" for row in rows)]
    return f"## {title}\n\n{note}\n\n" + "\n".join(lines) + "\n"


def combine() -> Path:
    parts = HERE / "results"
    names = [n for n in ORDER if (parts / n).exists()]
    names += sorted(p.name for p in parts.glob("*.md") if p.name not in ORDER)
    body = "\n".join((parts / n).read_text(encoding="utf-8") for n in names)
    out = HERE / "RESULTS.md"
    out.write_text(
        f"# Benchmark results\n\nAssembled {datetime.now():%Y-%m-%d %H:%M} from benchmarks/results/ "
        f"({', '.join(names)}); each part says when and how it was measured.\n\n{body}",
        encoding="utf-8",
    )
    return out
