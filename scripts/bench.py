"""`make bench`: cjji's speed and memory beside the bare tools, measured in the same run.

Part 0, start-up: `cjji --version` and a warm `cjji check` of one report (whole process, the best
of several runs), beside the bare interpreter and `pandoc --version` measured the same way (issue 15
targets: under 0.1 s and 0.25 s).
Part 1, a repository of 200 generated reports (scripts/gen_bench_repo.py): cold check, warm check,
one report changed, cold build of all. Part 2, one 30,000-word report: each step of cjji beside
the bare tool doing the same work (pandoc parse, pandoc to docx/html/typst, typst compile), and the
outputs gate's reader checks: the wall and CPU time they add to a build as `cjji build` runs them
(pipelined: each file read as soon as it is written), warm, the median of --runs rounds.
Every step runs in its own process so its peak memory (max RSS) is its own.
Prints one table and writes bench/results.json.

    python scripts/bench.py [--reports 200] [--skip-build-all] [--startup-only] [--runs 5]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BENCH = ROOT / "bench"
PY = sys.executable
CJJI = str(Path(PY).parent / "cjji")
sys.path.insert(0, str(ROOT / "scripts"))

from gen_bench_repo import generate  # noqa: E402

MEASURE = """
import json, resource, subprocess, sys, time
t = time.perf_counter()
done = subprocess.run(sys.argv[2:], cwd=sys.argv[1], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
print(json.dumps({"seconds": time.perf_counter() - t, "rc": done.returncode,
                  "rss_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024,
                  "stderr": done.stderr.decode(errors="replace")[-400:]}))
"""

# Runs inside a fresh interpreter: times cjji's own steps on one report, in-process.
STEPS = """
import json, resource, sys, time
from pathlib import Path
from cjji.policy import load_policy
from cjji.report import load
from cjji import gates, run
from cjji.gates.base import Context
RUN = run.scope()  # one run, as every cjji command is (its memo tables live until exit)
RUN.__enter__()  # kept in RUN: a discarded scope() would be collected and close the run at once
folder, mode = Path(sys.argv[1]), sys.argv[2]
policy = load_policy(folder.parents[1])
out = {}
t = time.perf_counter(); report = load(folder); out["load"] = time.perf_counter() - t
if mode == "check":
    context = Context(policy)
    for gate in gates.ALL:
        t = time.perf_counter(); gate.run(report, context); out["gate:" + gate.id] = time.perf_counter() - t
else:
    # Warm (the builders' and the gate's imports, fonts, reference.docx, the run's memo filled by
    # one build and one gate first), then RUNS rounds, each: the 3 formats at once alone; the same
    # build with the reader checks pipelined in, as `cjji build` runs it (cjji.building.
    # build_checked); the reader checks alone on the files already built; each format alone.
    # Wall time and CPU time (this process's threads plus the pandoc/Typst children it waited for)
    # of every run; the rows give medians, and the cost of the reader checks in a build is the
    # median of each round's (build with checks) - (build alone).
    import statistics
    from cjji.build import build_report
    from cjji.building import build_checked
    from cjji.gates import outputs
    formats, runs, scratch = tuple(mode.split(",")), int(sys.argv[4]), Path(sys.argv[3])

    def cpu():
        mine, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
        return mine.ru_utime + mine.ru_stime + kids.ru_utime + kids.ru_stime

    def timed(work):
        c, t = cpu(), time.perf_counter()
        result = work()
        return {"wall": time.perf_counter() - t, "cpu": cpu() - c, "result": result}

    files = build_report(report, policy, scratch / "warm-up", formats)  # reference.docx, fonts, imports
    outputs.run(report, files, policy)
    rounds = []
    for n in range(runs):
        pair = {"together": lambda: build_report(report, policy, scratch / "together", formats),
                "checked": lambda: build_checked(report, policy, scratch / "checked", formats, report.display)}
        order = list(pair) if n % 2 == 0 else list(reversed(pair))  # neither always goes first
        one = {key: timed(pair[key]) for key in order}
        files = one["together"].pop("result")
        one["checks alone"] = timed(lambda: outputs.run(report, files, policy))
        for fmt in formats:
            one["build:" + fmt] = timed(lambda: build_report(report, policy, scratch / "alone", (fmt,)))
        failed = one["checked"].pop("result")[1] + [f for f in one["checks alone"].pop("result")
                                                  if f.severity == "error"]
        if failed:
            raise SystemExit("the reader checks failed on the bench report: " + failed[0].message)
        for measure in one.values():
            measure.pop("result", None)
        rounds.append(one)
    med = lambda key, what: statistics.median(r[key][what] for r in rounds)  # noqa: E731
    for key in rounds[0]:
        out[key] = med(key, "wall")
        out[key + " cpu"] = med(key, "cpu")
    out["output checks"] = out["checks alone"]  # the old name
    out["added wall"] = statistics.median(r["checked"]["wall"] - r["together"]["wall"] for r in rounds)
    out["added cpu"] = statistics.median(r["checked"]["cpu"] - r["together"]["cpu"] for r in rounds)
    out["rounds"] = [{key: {k: round(v, 3) for k, v in m.items()} for key, m in r.items()} for r in rounds]
out["rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps(out))
"""

TYPST = """
import json, resource, sys, time, typst
t = time.perf_counter(); typst.compile(sys.argv[1], output=sys.argv[2])
rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"seconds": time.perf_counter() - t, "rss_mb": rss}))
"""


# A review copy of one report comes back with 200 comments and 200 tracked changes written as Word
# writes them (tests/review_support.py); times the `cjji review import` command, start-up included.
REVIEW = """
import json, resource, shutil, subprocess, sys, time
from pathlib import Path
folder, root = Path(sys.argv[1]), Path(sys.argv[2])
sys.path.insert(0, str(root / "tests"))
from review_support import Returned, _text_of, w
from cjji.policy import load_policy
from cjji.report import load
from cjji.review.export import export
out = folder.parents[1] / "out" / "review-bench"
copy = export(load(folder), load_policy(folder.parents[1]), "bench", out / "copy.docx")
doc = Returned(copy.path.read_bytes())
texts = ["".join(_text_of(r) for r in p.iter(w("r"))).split("\t")[-1] for p in doc.document.iter(w("p"))]
unique = [t for t in texts if len(t) > 80 and texts.count(t) == 1]
done = 0
for k, text in enumerate(unique):
    word = next((x for x in text.split() if x.isalpha() and len(x) > 4 and text.count(x) == 1), None)
    if word is None or done == 400:
        continue
    (doc.comment(word, "Please check this.", within=text) if done % 2 else doc.replace(word, word.upper(), within=text))
    done += 1
doc.rsid_noise()
(out / "returned.docx").write_bytes(doc.data())
before = resource.getrusage(resource.RUSAGE_CHILDREN)
command = [str(Path(sys.executable).parent / "cjji"), "review", "import", "--root", str(folder.parents[1]),
           str(folder), str(out / "returned.docx"), "--from", "bench"]
run = subprocess.run([sys.executable, "-c", sys.argv[3], str(folder), *command], capture_output=True, text=True)
after = resource.getrusage(resource.RUSAGE_CHILDREN)
shutil.rmtree(folder / "reviews", ignore_errors=True)
measured = json.loads(run.stdout.strip().splitlines()[-1])
if measured["rc"] != 0 or done != 400:
    raise SystemExit(f"review import failed ({done} items): {measured['stderr']}")
cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
print(json.dumps({**measured, "cpu": cpu}))
"""


def run_json(args: list[str], cwd: Path) -> dict:
    done = subprocess.run(args, cwd=cwd, capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(args[:4])}... failed: {done.stderr[-600:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def measure(cmd: list[str], cwd: Path) -> dict:
    return run_json([PY, "-c", MEASURE, str(cwd), *cmd], cwd)


def best_of(cmd: list[str], cwd: Path, runs: int = 15) -> dict:
    """The fastest of RUNS runs (start-up times are noisy on a shared machine; the best is the
    cost of the work itself), with the median beside it."""
    done = sorted((measure(cmd, cwd) for _ in range(runs)), key=lambda m: m["seconds"])
    if done[0]["rc"] not in (0, 1):
        raise RuntimeError(f"{' '.join(cmd[:3])}... failed: {done[0]['stderr']}")
    return {**done[0], "median": done[len(done) // 2]["seconds"]}


def startup_rows(repo: Path, folder: Path, row: Callable[..., None]) -> None:
    """cjji --version and a warm one-report check, beside the bare interpreter and pandoc."""
    python = best_of([PY, "-c", "pass"], repo)
    bare_pandoc = best_of([pandoc(), "--version"], repo)
    version = best_of([CJJI, "--version"], repo)
    row("cjji --version", version, python, f"< 0.1 s (median {version['median']:.3f} s)")
    row("  bare: python -c pass", python, None, "")
    row("  bare: pandoc --version", bare_pandoc, None, "")
    subprocess.run([CJJI, "check", "-j", "1", str(folder)], cwd=repo, capture_output=True)  # fills the cache
    warm = best_of([CJJI, "check", "-j", "1", str(folder)], repo)
    row("cjji check, one report, warm (whole process)", warm, python, f"< 0.25 s (median {warm['median']:.3f} s)")


def pandoc() -> str:
    import pypandoc

    return pypandoc.get_pandoc_path()


def one_report(repo: Path, words: int) -> Path:
    """The generated report closest to `words` words."""
    sizes = {f: len((f / "report.md").read_text(encoding="utf-8").split()) for f in (repo / "reports").iterdir()}
    return min(sizes, key=lambda f: abs(sizes[f] - words))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--reports", type=int, default=200)
    parser.add_argument("--skip-build-all", action="store_true", help="skip the (slow) cold build of every report")
    parser.add_argument("--runs", type=int, default=5,
                        help="rounds of the one-report build measures (medians reported; 5 or more for the record)")
    parser.add_argument("--startup-only", action="store_true",
                        help="only part 0: cjji --version and a warm one-report check beside the bare tools")
    args = parser.parse_args()
    repo = BENCH / "repo"
    repo.mkdir(parents=True, exist_ok=True)
    print(f"generating {args.reports} reports in {repo} ...", file=sys.stderr)
    folders = generate(repo, args.reports, seed=2026)
    total_words = sum(len((f / "report.md").read_text(encoding="utf-8").split()) for f in folders)
    rows: list[dict] = []

    def row(step: str, ours: dict, bare: dict | None = None, target: str = "") -> None:
        entry = {"step": step, "seconds": round(ours["seconds"], 3), "rss_mb": round(ours.get("rss_mb", 0), 1),
                 "target": target}
        if bare:
            entry |= {"bare_seconds": round(bare["seconds"], 3), "ratio": round(ours["seconds"] / bare["seconds"], 2)}
        rows.append(entry)
        print(f"  {step}: {entry}", file=sys.stderr)

    startup_rows(repo, one_report(repo, 30_000), row)
    if args.startup_only:
        print(json.dumps(rows, indent=2))
        return
    shutil.rmtree(repo / ".cache", ignore_errors=True)
    row(f"check {len(folders)} reports, cold", measure([CJJI, "check", "-j", "2"], repo), target="< 60 s, < 1 GiB")
    row(f"check {len(folders)} reports, warm", measure([CJJI, "check", "-j", "2"], repo), target="< 1 s")
    changed = folders[len(folders) // 2] / "report.md"
    changed.write_text(changed.read_text(encoding="utf-8") + "\nOne more paragraph for the benchmark.\n")
    row("check, one report changed", measure([CJJI, "check", "-j", "2"], repo), target="< 2 s")
    if not args.skip_build_all:
        shutil.rmtree(repo / "out", ignore_errors=True)
        shutil.rmtree(repo / ".cache" / "build", ignore_errors=True)
        row(f"build {len(folders)} reports, cold", measure([CJJI, "build", "-j", "2", "-o", "out"], repo))

    folder = one_report(repo, 30_000)
    words = len((folder / "report.md").read_text(encoding="utf-8").split())
    scratch = BENCH / "one"
    shutil.rmtree(scratch, ignore_errors=True)
    scratch.mkdir()
    for sub in folder.iterdir():  # images/, data/: the bare typst compile finds them beside bare.typ
        if sub.is_dir():
            shutil.copytree(sub, scratch / sub.name)
    md = str(folder / "report.md")
    reader = "commonmark_x+yaml_metadata_block"
    parse = measure([pandoc(), "-f", reader, "-t", "json", "-o", str(scratch / "p.json"), md], folder)
    check = measure([CJJI, "check", "--no-cache", "-j", "1", str(folder)], repo)
    row(f"cjji check command, one report ({words:,} words)", check, parse, "(start-up + all 14 gates)")
    steps = run_json([PY, "-c", STEPS, str(folder), "check"], repo)
    schema_load = {"seconds": steps["load"] + steps.get("gate:schema", 0), "rss_mb": steps["rss_mb"]}
    row("  load + schema (in-process)", schema_load, parse, "< 1.5x")
    framework = [g for g in ("joint", "criteria", "principles", "cross-cutting", "impact", "recommendations")
                 if f"gate:{g}" in steps]
    fw = sum(steps[f"gate:{g}"] for g in framework)
    row("  framework gates (in-process)", {"seconds": fw, "rss_mb": steps["rss_mb"]}, parse,
        f"< 20% of check ({fw / max(1e-9, sum(v for k, v in steps.items() if k != 'rss_mb')):.0%})")
    language = sum(steps.get(f"gate:{g}", 0) for g in ("spelling", "style"))
    row("  spelling + style (in-process)", {"seconds": language, "rss_mb": steps["rss_mb"]}, parse, "< 1.5 s")
    for key, value in sorted(steps.items()):
        if key.startswith("gate:"):
            rows.append({"step": f"    {key}", "seconds": round(value, 4), "rss_mb": "", "target": ""})

    bare_total = 0.0
    for fmt, writer in (("docx", "docx"), ("html", "html"), ("typst", "typst")):
        out = scratch / f"bare.{fmt if fmt != 'typst' else 'typ'}"
        bare = measure([pandoc(), "-f", reader, "-t", writer, "-s", "-o", str(out), md], folder)
        bare_total += bare["seconds"]
        rows.append({"step": f"bare pandoc -> {fmt}", "seconds": round(bare["seconds"], 3),
                     "rss_mb": round(bare["rss_mb"], 1), "target": ""})
    # A chart's data (a CSV) is no image to bare Typst: one of the report's own images stands in for
    # it (cjji draws the chart; the bare tools have no such step)
    stand_in = next(iter(sorted((scratch / "images").glob("*.png"))), None)
    bare_typ = scratch / "bare.typ"
    if stand_in is not None:
        bare_typ.write_text(re.sub(r'image\("[^"]+\.csv"\)', f'image("images/{stand_in.name}")',
                                   bare_typ.read_text(encoding="utf-8")), encoding="utf-8")
    compile_ = run_json([PY, "-c", TYPST, str(bare_typ), str(scratch / "bare.pdf")], folder)
    bare_total += compile_["seconds"]
    rows.append({"step": "bare typst compile", "seconds": round(compile_["seconds"], 3),
                 "rss_mb": round(compile_["rss_mb"], 1), "target": ""})
    built: dict = {}
    try:
        built = run_json([PY, "-c", STEPS, str(folder), "docx,pdf,html", str(scratch / "ours"), str(args.runs)], repo)
        ours_total = sum(built[f"build:{fmt}"] for fmt in ("docx", "pdf", "html"))
        for key in ("build:docx", "build:pdf", "build:html"):
            rows.append({"step": f"cjji {key} (median of {args.runs})", "seconds": round(built[key], 3), "rss_mb": "",
                         "target": f"cpu {built[key + ' cpu']:.2f} s"})
        row(f"cjji build, 3 formats, sequential (sum of medians of {args.runs})",
            {"seconds": ours_total, "rss_mb": built["rss_mb"]}, {"seconds": bare_total}, "< 1.3x bare sum")
        row(f"cjji build, 3 formats at once (wall, 2 cores, median of {args.runs})",
            {"seconds": built["together"], "rss_mb": built["rss_mb"]}, {"seconds": bare_total},
            f"< 1.0x bare sum (cpu {built['together cpu']:.2f} s)")
        added, together = built["added wall"], built["together"]
        row(f"  build + reader checks, as `cjji build` runs them (median of {args.runs})",
            {"seconds": built["checked"], "rss_mb": built["rss_mb"]}, None,
            f"cpu {built['checked cpu']:.2f} s")
        row("  reader checks: wall added to the build (median of paired differences)",
            {"seconds": added, "rss_mb": built["rss_mb"]}, None,
            f"<= 25% of the build: {added / together:.0%} of the 3 formats at once, "
            f"{added / ours_total:.0%} of the sequential build; cpu added {built['added cpu']:.2f} s")
        share = built["checks alone"] / together
        row(f"  reader checks alone, after the build (warm, in-process, median of {args.runs})",
            {"seconds": built["checks alone"], "rss_mb": built["rss_mb"]}, None,
            f"cpu {built['checks alone cpu']:.2f} s; {share:.0%} of the 3 formats at once if not pipelined")
        cli = measure([CJJI, "build", "--no-cache", "-o", str(scratch / "cli"), str(folder)], repo)
        row("  `cjji build` command (+ start-up, gates, output checks)", cli, {"seconds": bare_total})
    except (RuntimeError, KeyError) as exc:
        rows.append({"step": "cjji build", "seconds": "n/a", "rss_mb": "",
                     "target": "not measured: " + str(exc)[-300:]})  # the end of its stderr says why

    review = run_json([PY, "-c", REVIEW, str(folder), str(ROOT), MEASURE], repo)
    row("cjji review import: 200 comments + 200 tracked changes", review, target=f"< 2 s (cpu {review['cpu']:.2f} s)")

    result = {"reports": len(folders), "words": total_words, "one_report_words": words, "cpus": os.cpu_count(),
              "python": sys.version.split()[0], "rows": rows,
              "one_report_build_rounds": built.get("rounds", [])}
    BENCH.mkdir(exist_ok=True)
    (BENCH / "results.json").write_text(json.dumps(result, indent=2))
    print(f"\n{len(folders)} reports, {total_words:,} words; one report: {words:,} words\n")
    print(f"{'step':52} {'seconds':>9} {'bare s':>8} {'ratio':>6} {'peak MB':>8}  target")
    for r in rows:
        print(f"{r['step']:52} {r['seconds']!s:>9} {r.get('bare_seconds', '')!s:>8} {r.get('ratio', '')!s:>6} "
              f"{r['rss_mb']!s:>8}  {r['target']}")
    print(f"\nwritten to {(BENCH / 'results.json').relative_to(ROOT)}")
    print()  # the language gates' precision and recall on the project's corpus (make lint-quality)
    subprocess.run([PY, str(ROOT / "scripts" / "language_quality.py"), "--json", str(BENCH / "language-quality.json")],
                   cwd=ROOT, check=False)


if __name__ == "__main__":
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    main()
