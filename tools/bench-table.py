#!/usr/bin/env python3
"""Joins `striate bench --json` and `torch_reference_bench.py --json` lines by (model, precision) into a Markdown
table: the images/s of each, the ratio striate/torch, Striate's TFLOP/s, both step times and peak memories. A record
with an "error" key (a case that did not run; gpu-bench.sh writes one for a run that failed or timed out) shows
"not run" in the table and its reason below it. Lines that are not JSON objects (a library's warnings) are skipped.

  python3 tools/bench-table.py STRIATE_JSONL TORCH_JSONL > bench-table.md
"""
import json
import sys

MISSING = "—"


def read(path):
    """The records of a file of JSON lines, in order."""
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.lstrip().startswith("{")]


def measured(record):
    return record is not None and "error" not in record


def cell(record, key, digits):
    """A record's number; for a case not run, "not run" in the images/s column and a dash elsewhere."""
    if record is None:
        return MISSING
    if "error" in record:
        return "not run" if key == "images_per_s" else MISSING
    value = record.get(key)
    return MISSING if value is None else f"{value:.{digits}f}"


def distinct(records, key):
    values = []
    for record in records:
        value = record.get(key)
        if value is not None and value not in values:
            values.append(value)
    return ", ".join(str(v) for v in values) or MISSING


def table(striate_records, torch_records):
    striate = {(r["model"], r["precision"]): r for r in striate_records}
    torch = {(r["model"], r["precision"]): r for r in torch_records}
    cases = list(dict.fromkeys([*striate, *torch]))
    ran_striate = [r for r in striate_records if measured(r)]
    ran_torch = [r for r in torch_records if measured(r)]
    lines = [
        "# Striate against PyTorch: training images/s on one GPU, side by side",
        "",
        f"- Striate: {distinct(ran_striate, 'framework')} on {distinct(ran_striate, 'gpu')}",
        f"- PyTorch: {distinct(ran_torch, 'framework')} on {distinct(ran_torch, 'gpu')}",
        f"- batch {distinct(ran_striate + ran_torch, 'batch')},"
        f" images of {distinct(ran_striate + ran_torch, 'size')} pixels a side",
        "",
        "| model | precision | Striate images/s | PyTorch images/s | striate/torch | Striate TFLOP/s"
        " | Striate step ms | PyTorch step ms | Striate peak GiB | PyTorch peak GiB |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    at_least_equal = 0
    both = 0
    for key in cases:
        s, t = striate.get(key), torch.get(key)
        ratio = MISSING
        if measured(s) and measured(t):
            both += 1
            value = s["images_per_s"] / t["images_per_s"]
            at_least_equal += value >= 1.0
            ratio = f"{value:.2f}"
        lines.append(f"| {key[0]} | {key[1]} | {cell(s, 'images_per_s', 1)} | {cell(t, 'images_per_s', 1)} | {ratio}"
                     f" | {cell(s, 'tflops', 1)} | {cell(s, 'step_ms', 1)} | {cell(t, 'step_ms', 1)}"
                     f" | {cell(s, 'peak_mem_gib', 2)} | {cell(t, 'peak_mem_gib', 2)} |")
    lines += ["", f"Striate at least as fast as PyTorch (ratio >= 1.00) in {at_least_equal} of the {both} cases"
                  f" measured on both sides ({len(cases)} cases in all)."]
    not_run = [(key, name, record["error"]) for key in cases
               for name, record in (("Striate", striate.get(key)), ("PyTorch", torch.get(key)))
               if record is not None and "error" in record]
    if not_run:
        lines += ["", "Not run:"]
        lines += [f"- {model} {precision}, {name}: {error}" for (model, precision), name, error in not_run]
    return "\n".join(lines) + "\n"


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    sys.stdout.write(table(read(sys.argv[1]), read(sys.argv[2])))


if __name__ == "__main__":
    main()
