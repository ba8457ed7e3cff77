#!/usr/bin/python3
"""Striate's loader and torchvision's DataLoader side by side on one folder: alternating runs, medians, ratio.

Each round runs `striate dataset bench DIR --workers N --json` and then torchvision's equivalent pipeline
(shared/bench/torch_loader_bench.py, which needs Debian's python3-torchvision), so both see the same load on a
noisy machine; each run reports the median images/s of its epochs after the first. The table lists every run,
then the median of each side and their ratio.

  /usr/bin/python3 tools/compare-loaders.py DIR [--workers 2] [--rounds 5] [--torch-bench PATH]
"""
import argparse, json, os, statistics, subprocess, sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def run(command):
    result = subprocess.run(command, capture_output=True, text=True)
    if result.returncode != 0:
        sys.exit("failed: %s\n%s" % (" ".join(command), result.stderr))
    return json.loads(result.stdout.strip().splitlines()[-1])


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("data")
    p.add_argument("--workers", type=int, default=2)
    p.add_argument("--rounds", type=int, default=5)
    p.add_argument("--torch-bench", default=os.path.join(os.path.dirname(ROOT), "shared", "bench",
                                                          "torch_loader_bench.py"))
    a = p.parse_args()
    striate = [os.path.join(ROOT, "striate"), "dataset", "bench", a.data, "--workers", str(a.workers), "--json"]
    torch = ["/usr/bin/python3", a.torch_bench, a.data, "--workers", str(a.workers), "--json"]
    rates = {"striate": [], "torchvision": []}
    print("round  striate img/s  torchvision img/s  load average")
    for round_ in range(1, a.rounds + 1):
        ours = run(striate)
        theirs = run(torch)
        rates["striate"].append(ours["images_per_s"])
        rates["torchvision"].append(theirs["images_per_s"])
        print("%5d  %13.1f  %17.1f  %s" % (round_, ours["images_per_s"], theirs["images_per_s"],
                                            " ".join("%.1f" % x for x in os.getloadavg())), flush=True)
        stages = ours["ms_per_image"]
    ours, theirs = statistics.median(rates["striate"]), statistics.median(rates["torchvision"])
    print("median %13.1f  %17.1f  ratio %.2f" % (ours, theirs, ours / theirs))
    print("striate worker ms per image (last run): " + "  ".join("%s %.3f" % kv for kv in stages.items()))


if __name__ == "__main__":
    main()
