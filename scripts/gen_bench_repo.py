"""Generate a deterministic synthetic repository of joint inspection reports for the benchmark.

    python scripts/gen_bench_repo.py DEST [--reports 200] [--seed 2026]

Each report copies the example report's metadata and chapter structure and pads its chapters
with generated paragraphs (built from the example's own vocabulary, so they spell correctly),
tables, figures and footnotes, to a size between 5,000 and 40,000 words. Same seed, same bytes.
"""

from __future__ import annotations

import argparse
import random
import re
import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "reports" / "2026-victim-updates"
AUTHOR_IMAGE = ROOT / "tests" / "fixtures" / "build" / "2027-all-constructs" / "images" / "chart.png"
AREAS = ["Northshire", "Westvale", "Eastmere"]


def sentences(body: str) -> list[str]:
    """The example's own plain sentences: generated text then passes spelling and style like it."""
    found = set()
    for line in body.splitlines():
        if not line[:1].isalpha():
            continue  # headings, tables, divs, figures, quotes, footnote definitions
        for sentence in re.split(r"(?<=[.!?])\s+", line):
            if sentence[:1].isupper() and sentence.endswith(".") and not re.search(r"[\[\]{}()*_`]", sentence):
                found.add(sentence)
    return sorted(found)


def paragraph(rng: random.Random, pool: list[str]) -> str:
    return " ".join(rng.sample(pool, rng.randint(3, 5)))


def padding(rng: random.Random, pool: list[str], target: int, tag: str) -> tuple[str, int]:
    """Generated chapter material of about `target` words, with a table, a figure and footnotes."""
    parts, count, n = [], 0, 0
    while count < target:
        n += 1
        text = paragraph(rng, pool)
        if n % 7 == 0:
            text += f"[^{tag}-{n}]\n\n[^{tag}-{n}]: {rng.choice(pool)}"
        parts.append(text)
        count += len(text.split())
        if n % 25 == 0:
            rows = "\n".join(f"| {rng.choice(AREAS)} | {rng.randint(10, 99)} | {rng.randint(10, 99)} |"
                             for _ in range(8))
            parts.append(f"| Area | Cases | On time |\n| --- | ---: | ---: |\n{rows}\n\nTable: Cases by area")
        if n % 40 == 0:
            parts.append(f'![{rng.choice(pool)}](images/updates.png "Figure: days taken to tell victims, by area")')
    return "\n\n".join(parts), count


def generate(dest: Path, reports: int, seed: int) -> list[Path]:
    for name in ("checks", "schemas", "templates"):
        if (dest / name).exists():
            shutil.rmtree(dest / name)
        shutil.copytree(ROOT / name, dest / name)
    if (dest / "reports").exists():
        shutil.rmtree(dest / "reports")
    source = (EXAMPLE / "report.md").read_text(encoding="utf-8")
    _, front, body = source.split("---\n", 2)
    pool = sentences(body)
    chapters = re.split(r"(?m)^(?=# )", body)
    folders = []
    for i in range(reports):
        rng = random.Random(seed * 1000 + i)
        report_id = f"{2006 + i % 20}-bench-{i:03d}"
        target = rng.randint(5_000, 40_000)
        per_chapter = max(0, target - len(body.split())) // max(1, len(chapters) - 1)
        padded = [chapters[0]]
        for c, chapter in enumerate(chapters[1:], start=1):
            extra, _ = padding(rng, pool, per_chapter, f"c{c}")
            padded.append(chapter.rstrip() + "\n\n" + extra + "\n\n")
        folder = dest / "reports" / report_id
        shutil.copytree(EXAMPLE, folder, ignore=shutil.ignore_patterns("signoffs"))
        (folder / "images").mkdir(exist_ok=True)  # the padding's author figures (the example draws its chart)
        shutil.copy(AUTHOR_IMAGE, folder / "images" / "updates.png")
        meta = re.sub(r"(?m)^id: .*$", f"id: {report_id}", front)
        (folder / "report.md").write_text(f"---\n{meta}---\n{''.join(padded)}", encoding="utf-8")
        folders.append(folder)
    return folders


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("dest", type=Path)
    parser.add_argument("--reports", type=int, default=200)
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()
    folders = generate(args.dest, args.reports, args.seed)
    words = sum(len((f / "report.md").read_text(encoding="utf-8").split()) for f in folders)
    print(f"generated {len(folders)} reports, {words:,} words, in {args.dest}")


if __name__ == "__main__":
    main()
