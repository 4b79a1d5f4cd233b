#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""Draw the plots of a policy-sim run from the CSVs it wrote, into the same directory:

  throughput.png           throughput per flow and per TOS over time    (throughput.csv)
  shaped-vs-unshaped.png   what each uplink of a node with a shaper sent, against the
                           shaper's speed and the link rates              (devices.csv,
                                                                           paths.csv, run.csv)
  paths.png                the path taken per TOS and per flow: which device of the
                           recorded nodes carried their packets           (paths.csv)
  rtt.png                  round-trip time of each ping over time         (rtt.csv)

  plot-scenario.py RESULTS_DIR [RESULTS_DIR ...]

Every number drawn comes from the CSVs. Needs matplotlib (Debian's python3-matplotlib: run
with /usr/bin/python3); exits 77 (skip) when it is missing."""
import argparse
import csv
import os
import sys


def read_csv(directory, name):
    path = os.path.join(directory, name)
    if not os.path.exists(path):
        return None
    with open(path) as f:
        return list(csv.DictReader(f))


def read_run(directory):
    run = {"path_node": [], "shaper": []}
    for row in read_csv(directory, "run.csv") or []:
        if row["key"] in ("path_node", "shaper"):
            run[row["key"]].append(row["value"])
        else:
            run[row["key"]] = row["value"]
    return run


def title(run, what):
    return "%s: %s (seed %s, run %s)" % (run.get("scenario", "?"), what,
                                        run.get("seed", "?"), run.get("run", "?"))


def tos_label(tos):
    names = {"0x00": "0x00 normal", "0x10": "0x10 lowdelay", "0x08": "0x08 throughput",
             "0x04": "0x04 reliability", "0x02": "0x02 mincost"}
    return names.get(tos, tos)


def save(plt, fig, directory, name):
    fig.tight_layout()
    png = os.path.join(directory, name)
    fig.savefig(png, dpi=110)
    plt.close(fig)
    print("wrote", png)


def plot_throughput(plt, directory, run):
    rows = read_csv(directory, "throughput.csv")
    if not rows:
        return
    flows, per_tos = {}, {}
    for r in rows:
        t, bps = float(r["time_s"]), float(r["throughput_bps"]) / 1e6
        key = (r["flow"], r["kind"], r["tos"])
        flows.setdefault(key, ([], []))
        flows[key][0].append(t)
        flows[key][1].append(bps)
        per_tos.setdefault(r["tos"], {})
        per_tos[r["tos"]][t] = per_tos[r["tos"]].get(t, 0.0) + bps
    fig, (ax1, ax2) = plt.subplots(2, 1, figsize=(9, 7.5), sharex=True)
    for (flow, kind, tos), (t, y) in flows.items():
        if max(y) == 0:
            continue  # nothing delivered (e.g. refused by a rule)
        ax1.step(t, y, where="post", label="%s (%s, tos %s)" % (flow, kind, tos))
    ax1.set_ylabel("throughput (Mbit/s)")
    ax1.set_title(title(run, "throughput per flow at the receiver"))
    ax1.grid(True, alpha=0.3)
    ax1.legend(loc="upper left", fontsize="small", ncol=2)
    for tos in sorted(per_tos):
        series = sorted(per_tos[tos].items())
        ax2.step([a for a, _ in series], [b for _, b in series], where="post",
                 label="TOS " + tos_label(tos))
    ax2.set_xlabel("time (s)")
    ax2.set_ylabel("throughput (Mbit/s)")
    ax2.set_title("throughput per TOS (sum of the flows)")
    ax2.grid(True, alpha=0.3)
    ax2.legend(loc="upper left", fontsize="small")
    save(plt, fig, directory, "throughput.png")


def plot_shaped(plt, directory, run):
    rows = read_csv(directory, "devices.csv")
    if not rows or not run["shaper"]:
        return
    paths = read_csv(directory, "paths.csv") or []
    shapers = [s.split(":") for s in run["shaper"]]  # node, shaper, master
    nodes = sorted({node for node, _, _ in shapers})
    fig, axes = plt.subplots(len(nodes), 1, figsize=(9, 4.5 * len(nodes)), squeeze=False)
    for ax, node in zip(axes[:, 0], nodes):
        masters = {m for n, _, m in shapers if n == node}
        shaper_names = {s for n, s, _ in shapers if n == node}
        # the node's uplinks: the devices its flows left by (forward), else every device
        used = sorted({p["device"] for p in paths
                       if p["node"] == node and p["direction"] == "forward"})
        devices = used or sorted({r["device"] for r in rows if r["node"] == node})
        devices = [d for d in devices if d not in masters]
        for dev in sorted(devices, key=lambda d: (d not in shaper_names, d)):
            series, rate = {}, {}
            for r in rows:
                if r["node"] == node and r["device"] == dev:
                    t = float(r["time_s"])
                    series[t] = series.get(t, 0.0) + float(r["throughput_bps"]) / 1e6
                    rate[t] = float(r["rate_bps"]) / 1e6
            if not series:
                continue
            t = sorted(series)
            shaped = dev in shaper_names
            line = ax.step(t, [series[x] for x in t], where="post", linewidth=1.6,
                           label="%s:%s (%s)" % (node, dev, "shaped" if shaped else "unshaped"))
            ax.step(t, [rate[x] for x in t], where="post", linestyle="--", linewidth=1,
                    color=line[0].get_color(),
                    label="%s %s" % (dev, "shaper speed" if shaped else "link rate"))
        ax.set_xlabel("time (s)")
        ax.set_ylabel("IPv4 throughput sent (Mbit/s)")
        ax.set_title(title(run, "shaped vs unshaped uplinks of " + node))
        ax.grid(True, alpha=0.3)
        ax.legend(loc="upper left", fontsize="small")
    save(plt, fig, directory, "shaped-vs-unshaped.png")


def plot_paths(plt, directory, run):
    rows = [r for r in read_csv(directory, "paths.csv") or [] if r["direction"] == "forward"]
    if not rows:
        return
    # the nodes that chose between devices (run.csv path_node, else any with a choice)
    nodes = run["path_node"] or sorted({r["node"] for r in rows})
    devices = sorted({(r["node"], r["device"]) for r in rows if r["node"] in nodes})
    per_tos, per_flow, flow_tos = {}, {}, {}
    for r in rows:
        if r["node"] not in nodes:
            continue
        dev = (r["node"], r["device"])
        per_tos.setdefault(r["tos"], {}).setdefault(dev, 0)
        per_tos[r["tos"]][dev] += int(r["packets"])
        per_flow.setdefault(r["flow"], {}).setdefault(dev, 0)
        per_flow[r["flow"]][dev] += int(r["packets"])
        flow_tos[r["flow"]] = r["tos"]
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(12, 0.9 + 0.45 * max(len(per_flow), 4)),
                                   gridspec_kw={"width_ratios": [1, 1.3]})
    colors = plt.rcParams["axes.prop_cycle"].by_key()["color"]

    def bars(ax, groups, labels):
        left = [0.0] * len(groups)
        for k, dev in enumerate(devices):
            share = []
            for g in groups:
                total = sum(g.values())
                share.append(100.0 * g.get(dev, 0) / total if total else 0.0)
            ax.barh(range(len(groups)), share, left=left, color=colors[k % len(colors)],
                    label="%s:%s" % dev)
            for i, (s, l) in enumerate(zip(share, left)):
                if s >= 8:
                    ax.text(l + s / 2, i, "%.0f%%" % s, ha="center", va="center",
                            fontsize="small", color="white")
            left = [a + b for a, b in zip(left, share)]
        ax.set_yticks(range(len(groups)))
        ax.set_yticklabels(labels)
        ax.set_xlim(0, 100)
        ax.invert_yaxis()
        ax.set_xlabel("forward packets (%)")

    tos_keys = sorted(per_tos)
    bars(ax1, [per_tos[t] for t in tos_keys], ["TOS " + tos_label(t) for t in tos_keys])
    ax1.set_title("path taken per TOS at " + ", ".join(nodes))
    flow_keys = sorted(per_flow, key=lambda f: (flow_tos[f], f))
    bars(ax2, [per_flow[f] for f in flow_keys],
         ["%s (tos %s)" % (f, flow_tos[f]) for f in flow_keys])
    ax2.set_title("... and per flow")
    ax2.legend(loc="lower right", fontsize="small")
    fig.suptitle(title(run, "which device carried each class"))
    save(plt, fig, directory, "paths.png")


def plot_rtt(plt, directory, run):
    rows = read_csv(directory, "rtt.csv")
    if not rows:
        return
    flows = {}
    for r in rows:
        flows.setdefault(r["flow"], ([], []))
        flows[r["flow"]][0].append(float(r["time_s"]))
        flows[r["flow"]][1].append(float(r["rtt_ms"]))
    tos = {r["flow"]: r["tos"] for r in read_csv(directory, "flows.csv") or []}
    fig, ax = plt.subplots(figsize=(9, 4.5))
    for flow, (t, y) in sorted(flows.items()):
        ax.plot(t, y, marker=".", linestyle="-", linewidth=0.8,
                label="%s (tos %s)" % (flow, tos.get(flow, "?")))
    ax.set_xlabel("time of the reply (s)")
    ax.set_ylabel("round-trip time (ms)")
    ax.set_title(title(run, "ping round-trip times"))
    ax.grid(True, alpha=0.3)
    ax.legend(loc="upper left", fontsize="small")
    save(plt, fig, directory, "rtt.png")


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("results", nargs="+", help="output directories of policy-sim runs")
    args = ap.parse_args()
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print("plot-scenario: matplotlib missing (Debian's python3-matplotlib: use "
              "/usr/bin/python3), skipping")
        return 77
    for directory in args.results:
        if not os.path.exists(os.path.join(directory, "run.csv")):
            print("plot-scenario: %s has no run.csv (not a policy-sim output directory)"
                  % directory, file=sys.stderr)
            return 2
        run = read_run(directory)
        plot_throughput(plt, directory, run)
        plot_shaped(plt, directory, run)
        plot_paths(plt, directory, run)
        plot_rtt(plt, directory, run)
    return 0


if __name__ == "__main__":
    sys.exit(main())
