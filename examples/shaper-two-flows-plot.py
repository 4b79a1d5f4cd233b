#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""Draw the throughput of the shaped and the unshaped flow over time from the CSV that
shaper-two-flows writes (time_s,flow,bytes,throughput_bps,shaper_speed_bps).

  shaper-two-flows-plot.py flows.csv [more.csv ...] [--out DIR]
      one PNG per CSV (next to it, or in DIR)
  shaper-two-flows-plot.py --run <shaper-two-flows binary> --out DIR
      runs the example (exact and Linux mode, UDP and TCP) into DIR, then draws each CSV

Needs matplotlib (Debian's python3-matplotlib: run with /usr/bin/python3). Exit 77 (skip)
when matplotlib is missing."""
import argparse
import csv
import os
import subprocess
import sys


def read(path):
    series = {}
    speed = None
    with open(path) as f:
        for row in csv.DictReader(f):
            t, tput = float(row["time_s"]), float(row["throughput_bps"]) / 1e6
            series.setdefault(row["flow"], ([], []))
            series[row["flow"]][0].append(t)
            series[row["flow"]][1].append(tput)
            speed = float(row["shaper_speed_bps"]) / 1e6
    return series, speed


def plot(plt, path, out_dir, title):
    series, speed = read(path)
    fig, ax = plt.subplots(figsize=(8, 4.5))
    for flow, (t, y) in sorted(series.items()):
        ax.step(t, y, where="post", label="%s flow" % flow)
    if speed is not None:
        ax.axhline(speed, color="grey", linestyle="--", linewidth=1,
                   label="shaper speed (%.3g Mbit/s)" % speed)
    ax.set_xlabel("time (s)")
    ax.set_ylabel("throughput at the receiver (Mbit/s)")
    ax.set_title(title or os.path.basename(path))
    ax.grid(True, alpha=0.3)
    ax.legend(loc="upper right")
    fig.tight_layout()
    base = os.path.splitext(os.path.basename(path))[0] + ".png"
    png = os.path.join(out_dir or os.path.dirname(os.path.abspath(path)), base)
    fig.savefig(png, dpi=120)
    plt.close(fig)
    print("wrote", png)
    return png


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("csv", nargs="*", help="CSV files written by shaper-two-flows")
    ap.add_argument("--run", help="run this shaper-two-flows binary first")
    ap.add_argument("--out", help="output directory")
    args = ap.parse_args()
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print("shaper-two-flows-plot: matplotlib missing (use /usr/bin/python3), skipping")
        return 77
    if args.out:
        os.makedirs(args.out, exist_ok=True)
    jobs = [(c, None) for c in args.csv]
    if args.run:
        runs = [("exact-udp", [], "exact mode, 1 Mbit/s, UDP: the shaped flow is held at the speed"),
                ("exact-tcp-256k", ["--tcp=1", "--speed=256kbps"],
                 "exact mode, 256 kbit/s, TCP"),
                ("linux-tcp-256k", ["--tcp=1", "--speed=256kbps", "--mode=Linux"],
                 "Linux mode, 256 kbit/s, TCP: 576-byte segments cost 1 tick (320 bytes)")]
        for name, extra, title in runs:
            path = os.path.join(args.out or ".", "shaper-two-flows-%s.csv" % name)
            subprocess.run([args.run, "--csv=" + path] + extra, check=True)
            jobs.append((path, title))
    if not jobs:
        ap.error("no CSV given and no --run")
    for path, title in jobs:
        plot(plt, path, args.out, title)
    return 0


if __name__ == "__main__":
    sys.exit(main())
