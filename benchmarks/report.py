#!/usr/bin/env python3
"""Turns JMH's JSON results and end-to-end BENCH lines into docs/benchmarks.md.

usage: report.py --jmh results/jmh.json --targets targets.txt --e2e results/e2e.txt
                 --command "..." --out ../docs/benchmarks.md
The BENCH line format is described in benchmarks/README.md.
"""
import argparse, json, os, platform, re, shlex, subprocess, sys

def check(target, figure, baseline):
    m = re.fullmatch(r"(ratio|figure)(<=|>=)([0-9.eE+-]+)", target)
    if not m:
        raise SystemExit(f"report.py: bad target {target!r}; use ratio<=N, ratio>=N, figure<=N or figure>=N")
    kind, op, limit = m.group(1), m.group(2), float(m.group(3))
    value = figure if kind == "figure" else (figure / baseline if baseline else float("inf"))
    return value <= limit if op == "<=" else value >= limit

def target_text(target, unit):
    kind, op, limit = re.fullmatch(r"(ratio|figure)(<=|>=)(.+)", target).groups()
    sign = "≤" if op == "<=" else "≥"
    return f"{sign} {limit}x baseline" if kind == "ratio" else f"{sign} {limit} {unit}"

def num(x):
    if x is None:
        return "–"
    if abs(x) < 0.01:
        return "≈0"
    return f"{x:.3g}" if abs(x) < 10 else f"{x:,.1f}"

def jmh_rows(path, targets_path):
    with open(path) as f:
        results = json.load(f)
    scores = {}
    for r in results:
        name = ".".join(r["benchmark"].split(".")[-2:])
        scores[(name, "time")] = (r["primaryMetric"]["score"], r["primaryMetric"]["scoreUnit"])
        for metric, v in r.get("secondaryMetrics", {}).items():
            scores[(name, metric)] = (v["score"], v["scoreUnit"])
    rows = []
    for line in open(targets_path):
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        bench, base, metric, target = line.split()
        if (bench, metric) not in scores:
            rows.append((f"{bench} ({metric})", "not run", "–", "–", target, "MISSING"))
            continue
        figure, unit = scores[(bench, metric)]
        baseline = scores.get((base, metric), (None, unit))[0] if base != "-" else None
        ok = check(target, figure, baseline)
        ratio = f"{figure / baseline:.2f}x" if baseline and target.startswith("ratio") else "–"
        rows.append((f"{bench} ({metric})", f"{num(figure)} {unit}",
                     f"{num(baseline)} {unit}" if baseline is not None else "–", ratio,
                     target_text(target, unit), "pass" if ok else "FAIL"))
    return rows

def e2e_rows(path):
    rows = []
    if not path or not os.path.exists(path):
        return rows
    for line in open(path):
        if not line.startswith("BENCH "):
            continue
        fields = dict(tok.split("=", 1) for tok in shlex.split(line[6:]))
        missing = {"name", "figure", "unit", "target"} - fields.keys()
        if missing:
            raise SystemExit(f"report.py: BENCH line lacks {sorted(missing)}: {line.strip()}")
        figure = float(fields["figure"])
        baseline = float(fields["baseline"]) if "baseline" in fields else None
        unit = fields["unit"]
        target = fields["target"]
        ratio = f"{figure / baseline:.2f}x" if baseline else "–"
        if target == "none":  # reported for comparison, with no target of its own
            rows.append((fields["name"], f"{num(figure)} {unit}",
                         f"{num(baseline)} {unit}" if baseline is not None else "–", ratio, "none", "reported"))
            continue
        ok = check(target, figure, baseline)
        rows.append((fields["name"], f"{num(figure)} {unit}",
                     f"{num(baseline)} {unit}" if baseline is not None else "–",
                     ratio if target.startswith("ratio") else "–",
                     target_text(target, unit), "pass" if ok else "FAIL"))
    return rows

def curves(path):
    """CURVE lines grouped by curve: {curve: {"xlabel": str, "rows": [(x, series, {metric: value})]}}."""
    found = {}
    if not path or not os.path.exists(path):
        return found
    for line in open(path):
        if not line.startswith("CURVE "):
            continue
        fields = dict(tok.split("=", 1) for tok in shlex.split(line[6:]))
        missing = {"curve", "x", "series"} - fields.keys()
        if missing:
            raise SystemExit(f"report.py: CURVE line lacks {sorted(missing)}: {line.strip()}")
        curve = found.setdefault(fields.pop("curve"), {"xlabel": fields.get("xlabel", "x"), "rows": []})
        fields.pop("xlabel", None)
        fields.pop("unit", None)
        x, series = float(fields.pop("x")), fields.pop("series")
        curve["rows"].append((x, series, {k: float(v) for k, v in fields.items()}))
    return found

def plot(name, curve, image):
    """One PNG per curve: a line per series and metric. Returns False when matplotlib is missing."""
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return False
    metrics = []
    for _, _, values in curve["rows"]:
        metrics += [m for m in values if m not in metrics]
    units = {}
    for m in metrics:  # metrics in the same unit share a panel: p50/p99 in ms, add-p99-ms in ms, heap-MiB in MiB
        if m == "rate":
            continue  # the rate a latency was measured at: in the table, not plotted
        unit = "ms" if re.fullmatch(r"p[0-9.]+", m) else m.split("-")[-1]
        units.setdefault(unit, []).append(m)
    cols = min(3, len(units))
    rows = (len(units) + cols - 1) // cols
    fig, axes = plt.subplots(rows, cols, figsize=(4.4 * cols, 3.3 * rows), squeeze=False)
    for ax in axes.flat[len(units):]:
        ax.set_visible(False)
    for ax, (unit, group) in zip(axes.flat, units.items()):
        ax.set_title(", ".join(group), fontsize=9)
        for series in dict.fromkeys(s for _, s, _ in curve["rows"]):
            for m in group:
                points = sorted((x, v[m]) for x, s, v in curve["rows"] if s == series and m in v)
                if points:
                    ax.plot([p[0] for p in points], [p[1] for p in points], marker="o",
                            label=f"{series} {m}" if len(group) > 1 else series)
        xs = [x for x, _, _ in curve["rows"]]
        if min(xs) > 0 and max(xs) / min(xs) >= 50:
            ax.set_xscale("log")
        ax.set_xlabel(curve["xlabel"])
        ax.set_ylabel(unit)
        ax.set_ylim(bottom=0)
        ax.grid(True, alpha=0.3)
        ax.legend(fontsize=7)
    fig.suptitle(name)
    fig.tight_layout()
    fig.savefig(image, dpi=90)
    plt.close(fig)
    return True

def curve_sections(found, out_path):
    lines = []
    images = os.path.join(os.path.dirname(out_path) or ".", "benchmarks")
    for name, curve in found.items():
        metrics = []
        for _, _, values in curve["rows"]:
            metrics += [m for m in values if m not in metrics]
        lines += [f"### {name}", "", f"| {curve['xlabel']} | series | " + " | ".join(metrics) + " |",
                  "|---|---|" + "---|" * len(metrics)]
        for x, series, values in curve["rows"]:
            lines.append(f"| {num(x)} | {series} | " + " | ".join(num(values.get(m)) for m in metrics) + " |")
        os.makedirs(images, exist_ok=True)
        if plot(name, curve, os.path.join(images, f"{name}.png")):
            lines += ["", f"![{name}](benchmarks/{name}.png)"]
        else:
            lines += ["", "(no plot: matplotlib is not installed for this python3)"]
        lines.append("")
    return lines

def machine():
    java = subprocess.run(["java", "-version"], capture_output=True, text=True).stderr.strip().splitlines()
    mem = "unknown"
    try:
        for line in open("/proc/meminfo"):
            if line.startswith("MemTotal:"):
                mem = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
    except OSError:
        pass
    nproc = subprocess.run(["nproc"], capture_output=True, text=True).stdout.strip() or str(os.cpu_count())
    return [f"- CPUs (nproc): {nproc}", f"- memory: {mem}",
            f"- OS: {platform.system()} {platform.release()} ({platform.machine()})",
            "- java -version:", "", "  ```", *[f"  {l}" for l in java], "  ```"]

def main():
    p = argparse.ArgumentParser()
    p.add_argument("--jmh"); p.add_argument("--targets"); p.add_argument("--e2e")
    p.add_argument("--notes", help="a Markdown file appended after the table and curves, as it is")
    p.add_argument("--command", required=True); p.add_argument("--out", required=True)
    a = p.parse_args()
    rows = (jmh_rows(a.jmh, a.targets) if a.jmh else []) + e2e_rows(a.e2e)
    out = ["# Benchmark results", "",
           "Written by `benchmarks/run`; do not edit by hand. Each figure is compared with a hand-written",
           "baseline measured in the same run, so the ratio matters more than the absolute numbers. What each",
           "benchmark measures is in `benchmarks/README.md`.", "",
           "| benchmark | figure | baseline | ratio | target | result |", "|---|---|---|---|---|---|"]
    out += ["| " + " | ".join(r) + " |" for r in rows]
    found = curves(a.e2e)
    if found:
        out += ["", "## Curves", "",
                "How cost grows with the work (issue 20); what each curve measures is in `benchmarks/README.md`.", ""]
        out += curve_sections(found, a.out)
    if a.notes and os.path.exists(a.notes):
        out += ["", open(a.notes).read().rstrip()]
    out += ["", "## Machine", "", *machine(), "", "## Command", "", "```", a.command, "```", ""]
    os.makedirs(os.path.dirname(a.out) or ".", exist_ok=True)
    with open(a.out, "w") as f:
        f.write("\n".join(out))
    failed = [r[0] for r in rows if r[5] not in ("pass", "reported")]
    print("\n".join(out[6:6 + len(rows) + 2]))
    if failed:
        print("report.py: targets missed: " + ", ".join(failed), file=sys.stderr)
        return 1
    return 0

if __name__ == "__main__":
    sys.exit(main())
