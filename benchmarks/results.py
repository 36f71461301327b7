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
