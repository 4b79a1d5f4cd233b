#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""Draw the path each TOS value took from the CSV that tos-classes writes
(tos,tos_name,host,destination,path,hops,p_router,e32_choice,rfc1812_choice,sent,received):
one panel per destination, the 16 TOS values across, the P router up ("none": not forwarded);
filled markers for the path taken, hollow ones where RFC 1812 5.2.4.3 would have chosen
otherwise (its longest match can leave only routes of other TOS values: none).

  tos-classes-plot.py tos-classes.csv [more.csv ...] [--out DIR]
      one PNG per CSV (next to it, or in DIR)
  tos-classes-plot.py --run <tos-classes binary> --out DIR
      runs the example (--arrangement=classes and rfc1812) into DIR, then draws each CSV

Needs matplotlib (Debian's python3-matplotlib: run with /usr/bin/python3). Exit 77 (skip)
when matplotlib is missing."""
import argparse
import csv
import os
import subprocess
import sys

PATHS = ["P1", "P2", "P3", "P4"]
ROWS = ["none"] + PATHS  # "none": not forwarded (no route left)


def row(choice):
    return ROWS.index(choice) if choice in PATHS else 0


def read(path):
    rows = []
    with open(path) as f:
        for row in csv.DictReader(f):
            rows.append(row)
    return rows


def plot(plt, path, out_dir, title):
    rows = read(path)
    hosts = []
    for r in rows:
        label = "%s %s" % (r["host"], r["destination"])
        if label not in hosts:
            hosts.append(label)
    tos_values = sorted({int(r["tos"], 16) for r in rows})
    fig, axes = plt.subplots(len(hosts), 1, figsize=(9, 2.2 * len(hosts) + 0.6), sharex=True)
    if len(hosts) == 1:
        axes = [axes]
    for ax, label in zip(axes, hosts):
        mine = [r for r in rows if "%s %s" % (r["host"], r["destination"]) == label]
        xs, ys = [], []
        ox, oy = [], []
        for r in mine:
            x = int(r["tos"], 16)
            xs.append(x)
            ys.append(row(r["p_router"]))
            if row(r["rfc1812_choice"]) != row(r["p_router"]):
                ox.append(x)
                oy.append(row(r["rfc1812_choice"]))
        ax.scatter(xs, ys, s=60, color="tab:blue", label="path taken", zorder=3)
        if ox:
            ax.scatter(ox, oy, s=90, facecolors="none", edgecolors="tab:red",
                       label="RFC 1812 5.2.4.3 would take", zorder=2)
        ax.set_yticks(range(len(ROWS)))
        ax.set_yticklabels(ROWS)
        ax.set_ylim(-0.5, len(ROWS) - 0.5)
        ax.set_ylabel(label, fontsize=9)
        ax.grid(True, alpha=0.3)
    axes[-1].set_xticks(tos_values)
    axes[-1].set_xticklabels(["0x%02x" % t for t in tos_values], rotation=60, fontsize=8)
    axes[-1].set_xlabel("TOS octet of the flow")
    handles, labels = axes[0].get_legend_handles_labels()
    for ax in axes[1:]:
        h, l = ax.get_legend_handles_labels()
        for hh, ll in zip(h, l):
            if ll not in labels:
                handles.append(hh)
                labels.append(ll)
    fig.legend(handles, labels, loc="upper right", fontsize=8)
    fig.suptitle(title or os.path.basename(path), fontsize=10, x=0.02, ha="left")
    fig.tight_layout(rect=(0, 0, 1, 0.95))
    base = os.path.splitext(os.path.basename(path))[0] + ".png"
    png = os.path.join(out_dir or os.path.dirname(os.path.abspath(path)), base)
    fig.savefig(png, dpi=120)
    plt.close(fig)
    print("wrote", png)
    return png


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("csv", nargs="*", help="CSV files written by tos-classes")
    ap.add_argument("--run", help="run this tos-classes binary first")
    ap.add_argument("--out", help="output directory")
    args = ap.parse_args()
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print("tos-classes-plot: matplotlib missing (use /usr/bin/python3), skipping")
        return 77
    if args.out:
        os.makedirs(args.out, exist_ok=True)
    jobs = [(c, None) for c in args.csv]
    if args.run:
        runs = [("classes", "16 TOS classes (RFC 1812 E.3.2): the path taken per TOS"),
                ("rfc1812", "one class, RFC 1812 5.2.4.3: longest match before weak TOS")]
        for name, title in runs:
            d = os.path.join(args.out or ".", name)
            os.makedirs(d, exist_ok=True)
            subprocess.run([args.run, "--arrangement=" + name, "--pcap=0", "--outDir=" + d],
                           check=True, stdout=subprocess.DEVNULL)
            jobs.append((os.path.join(d, "tos-classes.csv"), title))
    if not jobs:
        ap.error("give CSV files or --run")
    for path, title in jobs:
        png = plot(plt, path, args.out if not args.run else os.path.dirname(path), title)
        if not os.path.getsize(png):
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
