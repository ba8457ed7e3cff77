#!/usr/bin/env python3
"""The Markdown tables of tools/host-step-bench.sh, from its records (JSON lines, one per run of `striate bench`):

  {"jar": 1, "path": JAR, "kind": "timed" or "count", "model": M, "precision": P, "args": BENCH_ARGS,
   "bench": the run's `bench --json` object, or null, "error": why the run failed, or null,
   "stats": the null libraries' NULL_STATS lines}

The first table: per model and precision, each jar's median over its timed runs of the step milliseconds (each run's
own figure the median of its timed steps), and with two jars or more the ratio of the first to the second. The second:
the device calls of one step after the first, per jar: a "count" run takes one step more than a timed run, so the
difference of their null libraries' counts is one step's. A run that failed, or that ran on another device than the
null one, has no figure (a dash), and its reason is listed below the tables; the exit status is then 1.

  python3 tools/host-step-table.py RECORDS.jsonl > host-step-table.md
"""
import json
import re
import statistics
import sys

MISSING = "—"
NULL_DEVICE = "Null device"
# What each null library prints at exit with NULL_STATS=1 (tools/null-device/*.c), and the counts taken from it.
STATS = {
    "null device": re.compile(r"null device: (?P<kernels>\d+) launches, (?P<copies_in>\d+) copies in \(\d+ bytes\), "
                              r"(?P<copies_out>\d+) out \(\d+ bytes\), (?P<memsets>\d+) memsets, \d+ allocations, "
                              r"\d+ frees, (?P<waits>\d+) waits"),
    "null cudnn": re.compile(r"null cudnn: (?P<cudnn>\d+) calls"),
    "null cublas": re.compile(r"null cublas: (?P<cublas>\d+) calls"),
}
COUNT_COLUMNS = [("kernels", "kernels"), ("memsets", "memsets"), ("cudnn", "cuDNN calls"),
                 ("cublas", "cuBLAS calls"), ("copies", "copies"), ("waits", "host waits")]


def read(path):
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def failure(record):
    """Why a run has no figure, or None when it has one."""
    if record["error"]:
        return record["error"]
    bench = record["bench"]
    if bench is None:
        return "printed no JSON"
    if "error" in bench:
        return bench["error"]
    if NULL_DEVICE not in bench.get("gpu", ""):
        return f"ran on {bench.get('gpu')}, not on the null device"
    return None


def counts(record):
    """The null libraries' counts of a run, or None when one of them printed none."""
    found = {}
    for pattern in STATS.values():
        match = next((m for m in map(pattern.fullmatch, record["stats"]) if m), None)
        if match is None:
            return None
        found.update({key: int(value) for key, value in match.groupdict().items()})
    found["copies"] = found.pop("copies_in") + found.pop("copies_out")
    return found


def distinct(values):
    return ", ".join(str(v) for v in dict.fromkeys(v for v in values if v is not None)) or MISSING


def step_table(cases, jars, timed):
    header = "| model | precision | " + " | ".join(f"jar {jar} ms" for jar in jars)
    rule = "| --- | --- | " + " | ".join("---:" for _ in jars)
    if len(jars) > 1:
        header += f" | jar {jars[0]} / jar {jars[1]}"
        rule += " | ---:"
    lines = [header + " |", rule + " |"]
    for case in cases:
        medians = []
        for jar in jars:
            millis = [r["bench"]["step_ms"] for r in timed.get((case, jar), []) if failure(r) is None]
            medians.append(statistics.median(millis) if millis else None)
        cells = [MISSING if m is None else f"{m:.2f}" for m in medians]
        if len(jars) > 1:
            both = medians[0] is not None and medians[1] is not None
            cells.append(f"{medians[0] / medians[1]:.2f}" if both else MISSING)
        lines.append(f"| {case[0]} | {case[1]} | " + " | ".join(cells) + " |")
    return lines


def count_table(cases, jars, timed, counted):
    lines = ["| model | precision | jar | " + " | ".join(title for _, title in COUNT_COLUMNS) + " |",
             "| --- | --- | --- | " + " | ".join("---:" for _ in COUNT_COLUMNS) + " |"]
    for case in cases:
        for jar in jars:
            base = next((counts(r) for r in timed.get((case, jar), []) if failure(r) is None), None)
            more = next((counts(r) for r in counted.get((case, jar), []) if failure(r) is None), None)
            if base is None or more is None:
                cells = [MISSING] * len(COUNT_COLUMNS)
            else:
                cells = [str(more[key] - base[key]) for key, _ in COUNT_COLUMNS]
            lines.append(f"| {case[0]} | {case[1]} | {jar} | " + " | ".join(cells) + " |")
    return lines


def tables(records):
    cases = list(dict.fromkeys((r["model"], r["precision"]) for r in records))
    jars = sorted({r["jar"] for r in records})
    paths = {r["jar"]: r["path"] for r in records}
    timed, counted = {}, {}
    for record in records:
        same_kind = timed if record["kind"] == "timed" else counted
        same_kind.setdefault(((record["model"], record["precision"]), record["jar"]), []).append(record)
    measured = [r["bench"] for r in records if failure(r) is None]
    timed_runs = {jar: max((len(v) for (_, j), v in timed.items() if j == jar), default=0) for jar in jars}
    lines = ["# Host time per training step on a null device", "",
             "Every CUDA, cuDNN, cuBLAS and NVRTC call returns at once (tools/null-device), so a step takes the host's"
             " time alone: the floor under a GPU's step, not a GPU figure.", ""]
    for jar in jars:
        version = distinct(r["bench"]["framework"] for r in records if r["jar"] == jar and failure(r) is None)
        lines.append(f"- jar {jar}: {paths[jar]} ({version}), timed runs a case: {timed_runs[jar]}")
    arguments = distinct(r["args"] for r in records if r["kind"] == "timed")
    lines += [f"- `striate bench MODEL --device cuda --precision P --json {arguments}`: batch"
              f" {distinct(b.get('batch') for b in measured)}, images of {distinct(b.get('size') for b in measured)}"
              " pixels a side",
              "- ms: the median over a jar's runs of each run's median step time"
              + ("; jar 1 / jar 2 above 1 means jar 2 is faster" if len(jars) > 1 else ""), ""]
    lines += step_table(cases, jars, timed)
    lines += ["", "Device calls of one step (a step after the first: the null libraries' counts of a run with one more"
                  " warm-up step, less a timed run's):", ""]
    lines += count_table(cases, jars, timed, counted)
    not_run = [r for r in records if failure(r) is not None]
    if not_run:
        lines += ["", "Not run:"]
        lines += [f"- {r['model']} {r['precision']}, jar {r['jar']} ({r['kind']} run): {failure(r)}" for r in not_run]
    return "\n".join(lines) + "\n", len(not_run)


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    text, not_run = tables(read(sys.argv[1]))
    sys.stdout.write(text)
    sys.exit(1 if not_run else 0)


if __name__ == "__main__":
    main()
