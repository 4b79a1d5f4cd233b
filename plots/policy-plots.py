#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""Draw the CSV files the policy-routing examples write; each PNG goes next to its CSV (or
into --out).

  policy-plots.py PATH... [--out DIR]
      PATH: a CSV file or a directory (every CSV in it that this script knows)
  policy-plots.py --run BUILD/examples --out DIR
      runs the examples (policy-ignore-classes, policy-rule-routes, policy-nat-masquerade,
      policy-shaper-tables in Exact and Linux mode) into DIR/<name>/, then draws everything
  policy-plots.py --compare FLOW LABEL=CSV LABEL=CSV ... --png OUT.png
      one flow's throughput from several runs on one plot (e.g. Exact vs Linux shaper)

Known CSV files (by the columns they have):
  time_s,flow,...,throughput_bps[,shaper_speed_bps][,class]    throughput per flow over time
      (policy-shaper-tables-throughput.csv, shaper-two-flows.csv and any CSV of this shape)
  time_s,tos,path,bytes,throughput_bps                         path taken per TOS over time
  time_s,kind,protocol,src_before,...                          translations over time (NAT)
  flow,protocol,from,to,sent,received,replies,seen_as,icmp      flows through a NAT router
  host,source,preference,expected_uplink,observed_uplink,...   uplink per host (rules with
                                                                their own route)
  fib_model,flow,destination,sent,echoed,...                   echoes per FibModel
  fib_model,class,route                                        routes per class per FibModel

Needs matplotlib (Debian's python3-matplotlib: run with /usr/bin/python3). Exits 77 (skip)
when matplotlib is missing."""
import argparse
import csv
import os
import subprocess
import sys

plt = None  # matplotlib.pyplot, imported in main()


def read_rows(path):
    with open(path, newline="") as f:
        return list(csv.DictReader(f))


def png_path(csv_path, out_dir, suffix=""):
    base = os.path.splitext(os.path.basename(csv_path))[0] + suffix + ".png"
    return os.path.join(out_dir or os.path.dirname(os.path.abspath(csv_path)), base)


def save(fig, png):
    fig.tight_layout()
    fig.savefig(png, dpi=110)
    plt.close(fig)
    print("wrote", png)
    return png


def tos_label(tos):
    names = {"0x00": "TOS 0x00 (normal)", "0x10": "TOS 0x10 (low delay)",
             "0x08": "TOS 0x08 (throughput)", "0x04": "TOS 0x04 (reliability)",
             "0x02": "TOS 0x02 (min. cost)"}
    return names.get(tos, "TOS " + tos)


# ----- throughput per flow over time -----

def plot_throughput(path, out_dir, title=None):
    """Per flow over time; below, the sum per class (shaped/unshaped) or per TOS when the CSV
    has such a column."""
    rows = read_rows(path)
    series = {}
    klass = {}
    speed = None
    group_col = "class" if rows and "class" in rows[0] else (
        "tos" if rows and "tos" in rows[0] else None)
    groups = {}
    for r in rows:
        t, y = float(r["time_s"]), float(r["throughput_bps"]) / 1e6
        s = series.setdefault(r["flow"], ([], []))
        s[0].append(t)
        s[1].append(y)
        if r.get("class"):
            klass[r["flow"]] = r["class"]
        if r.get("shaper_speed_bps"):
            speed = float(r["shaper_speed_bps"]) / 1e6
        if group_col:
            key = r[group_col] if group_col == "class" else tos_label(r[group_col])
            g = groups.setdefault(key, {})
            g[t] = g.get(t, 0.0) + y
    if group_col:
        fig, (ax, ax2) = plt.subplots(2, 1, figsize=(8, 7), sharex=True,
                                      gridspec_kw={"height_ratios": [3, 2]})
    else:
        fig, ax = plt.subplots(figsize=(8, 4.5))
    for flow in sorted(series, key=lambda f: (klass.get(f, ""), f)):
        t, y = series[flow]
        label = flow + (" (%s)" % klass[flow] if flow in klass else "")
        style = "--" if klass.get(flow) == "shaped" else "-"
        ax.step(t, y, where="post", linestyle=style, label=label)
    if speed is not None:
        ax.axhline(speed, color="grey", linestyle=":", linewidth=1.2,
                   label="shaper speed (%.3g Mbit/s)" % speed)
    ax.set_ylabel("throughput at the receiver (Mbit/s)")
    ax.set_title(title or os.path.basename(path))
    ax.grid(True, alpha=0.3)
    ax.legend(loc="upper right", fontsize="small")
    if group_col:
        for key in sorted(groups):
            pts = sorted(groups[key].items())
            ax2.step([p[0] for p in pts], [p[1] for p in pts], where="post", label=key)
        if speed is not None and group_col == "class":
            ax2.axhline(speed, color="grey", linestyle=":", linewidth=1.2)
        ax2.set_ylabel("sum per %s (Mbit/s)" % ("class" if group_col == "class" else "TOS"))
        ax2.grid(True, alpha=0.3)
        ax2.legend(loc="upper right", fontsize="small")
        ax2.set_xlabel("time (s)")
    else:
        ax.set_xlabel("time (s)")
    return save(fig, png_path(path, out_dir))


def plot_compare(flow, runs, png, title=None):
    fig, ax = plt.subplots(figsize=(8, 4.5))
    speed = None
    for label, path in runs:
        t, y = [], []
        for r in read_rows(path):
            if r["flow"] == flow:
                t.append(float(r["time_s"]))
                y.append(float(r["throughput_bps"]) / 1e6)
                if r.get("shaper_speed_bps"):
                    speed = float(r["shaper_speed_bps"]) / 1e6
        if not t:
            sys.exit("policy-plots: no flow %r in %s" % (flow, path))
        # later runs thinner, so that equal curves stay visible
        ax.step(t, y, where="post", label=label, linewidth=max(1.0, 3.2 - 0.7 * len(ax.lines)))
    if speed is not None:
        ax.axhline(speed, color="grey", linestyle=":", linewidth=1.2,
                   label="shaper speed (%.3g Mbit/s)" % speed)
    ax.set_xlabel("time (s)")
    ax.set_ylabel("throughput of %s (Mbit/s)" % flow)
    ax.set_title(title or "%s: %s" % (flow, " vs ".join(l for l, _ in runs)))
    ax.grid(True, alpha=0.3)
    ax.legend(loc="best", fontsize="small")
    return save(fig, png)


# ----- path taken per TOS -----

def plot_paths(path, out_dir, title=None):
    rows = read_rows(path)
    by_tos = {}
    for r in rows:
        d = by_tos.setdefault(r["tos"], {})
        s = d.setdefault(r["path"], ([], []))
        s[0].append(float(r["time_s"]))
        s[1].append(float(r["throughput_bps"]) / 1e6)
    toses = sorted(by_tos)
    paths = sorted({p for d in by_tos.values() for p in d})
    colours = {p: "C%d" % i for i, p in enumerate(paths)}
    fig, axes = plt.subplots(len(toses), 1, figsize=(8, 1.9 * len(toses) + 1), sharex=True,
                             squeeze=False)
    for ax, tos in zip(axes[:, 0], toses):
        d = by_tos[tos]
        names = sorted(d)
        t = d[names[0]][0]
        ax.stackplot(t, *[d[n][1] for n in names], labels=["via " + n for n in names],
                     colors=[colours[n] for n in names], step="post")
        ax.set_ylabel("Mbit/s")
        ax.set_title(tos_label(tos), fontsize="medium", loc="left")
        ax.grid(True, alpha=0.3)
        ax.legend(loc="upper right", fontsize="small")
    axes[-1, 0].set_xlabel("time (s)")
    fig.suptitle(title or "path taken per TOS (the router's output, per device)")
    return save(fig, png_path(path, out_dir))


# ----- NAT -----

def plot_translations(path, out_dir, title=None):
    rows = read_rows(path)
    kinds = ["snat", "dnat", "masquerade", "demasquerade"]
    fig, ax = plt.subplots(figsize=(8, 4.5))
    for k in kinds:
        t = [float(r["time_s"]) for r in rows if r["kind"] == k]
        if t:
            ax.step(t, range(1, len(t) + 1), where="post", label="%s (%d)" % (k, len(t)))
    ax.set_xlabel("time (s)")
    ax.set_ylabel("translations so far")
    ax.set_title(title or "R's Translate trace")
    ax.grid(True, alpha=0.3)
    ax.legend(loc="upper left", fontsize="small")
    return save(fig, png_path(path, out_dir))


def plot_nat_flows(path, out_dir, title=None):
    rows = read_rows(path)
    fig, ax = plt.subplots(figsize=(9, 4.8))
    names = [r["flow"] for r in rows]
    y = range(len(rows))
    for i, r in enumerate(rows):
        sent = float(r["sent"])
        got = float(r["received"]) / sent * 100 if sent else 0
        rep = float(r["replies"]) / sent * 100 if sent else 0
        ax.barh(i - 0.2, got, height=0.4, color="C0",
                label="reached the destination" if i == 0 else None)
        ax.barh(i + 0.2, rep, height=0.4, color="C2",
                label="echo replies back" if i == 0 else None)
        note = r["seen_as"] and "seen as " + r["seen_as"] or ""
        if r["icmp"]:
            note = "ICMP " + r["icmp"]
        ax.text(101, i, note, va="center", fontsize="x-small")
    ax.set_yticks(list(y))
    ax.set_yticklabels(names, fontsize="small")
    ax.invert_yaxis()
    ax.set_xlim(0, 170)
    ax.set_xticks([0, 25, 50, 75, 100])
    ax.set_xlabel("% of what was sent")
    ax.set_title(title or "flows through the NAT/masquerade router")
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.13), ncol=2, fontsize="small")
    return save(fig, png_path(path, out_dir))


# ----- rules with their own route -----

def plot_rule_routes(path, out_dir, title=None):
    rows = read_rows(path)
    uplinks = sorted({int(r["expected_uplink"]) for r in rows})
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(10, 4.2),
                                   gridspec_kw={"width_ratios": [3, 1]})
    hosts = [int(r["host"]) for r in rows]
    observed = []
    for r in rows:
        obs = r["observed_uplink"].split(";") if r["observed_uplink"] else ["-1"]
        observed.append(int(obs[0]))
    ax1.scatter(hosts, observed, s=4, marker="|")
    wrong = sum(1 for r in rows if r["observed_uplink"] != r["expected_uplink"])
    lost = sum(int(r["sent"]) - int(r["received"]) for r in rows)
    ax1.set_yticks(uplinks)
    ax1.set_xlabel("customer (rule preference 1000 + customer)")
    ax1.set_ylabel("uplink its datagrams arrived on")
    ax1.set_title("%d rules with their own route: %d hosts on a wrong uplink, %d lost"
                  % (len(rows) - 1, wrong, lost), fontsize="medium")
    ax1.grid(True, alpha=0.3)
    counts = [sum(1 for o in observed if o == u) for u in uplinks]
    ax2.bar([str(u) for u in uplinks], counts)
    ax2.set_xlabel("uplink")
    ax2.set_ylabel("customers")
    fig.suptitle(title or "rules with their own route (the seed's application 2)")
    return save(fig, png_path(path, out_dir))


# ----- ignore classes (FibModel) -----

def plot_fib_flows(path, out_dir, title=None):
    rows = read_rows(path)
    models = sorted({r["fib_model"] for r in rows})
    flows = []
    for r in rows:
        if r["flow"] not in flows:
            flows.append(r["flow"])
    fig, ax = plt.subplots(figsize=(8.5, 4.2))
    w = 0.8 / len(models)
    names = {"0": "FibModel 0 Standard", "1": "FibModel 1 DefaultRoutes",
             "2": "FibModel 2 Rfc1812"}
    for k, m in enumerate(models):
        vals = []
        for f in flows:
            r = next(r for r in rows if r["fib_model"] == m and r["flow"] == f)
            vals.append(100.0 * int(r["echoed"]) / max(1, int(r["sent"])))
        ax.bar([i + (k - (len(models) - 1) / 2) * w for i in range(len(flows))], vals, width=w,
               label=names.get(m, m))
    ax.set_xticks(range(len(flows)))
    ax.set_xticklabels([f.replace(" (", "\n(") for f in flows], fontsize="small")
    ax.set_ylabel("% of echo requests answered")
    ax.set_ylim(0, 119)
    ax.set_title(title or "the same gated-style routes under each ip_fib_model")
    ax.legend(loc="upper right", fontsize="small", ncol=3)
    return save(fig, png_path(path, out_dir))


def plot_fib_routes(path, out_dir, title=None):
    rows = read_rows(path)
    models = sorted({r["fib_model"] for r in rows})
    classes = {"254": "MAIN (254)", "253": "DEFAULT (253)"}
    fig, ax = plt.subplots(figsize=(8.5, 3.6))
    for i, m in enumerate(models):
        left = 0
        for c, colour in (("254", "C0"), ("253", "C1")):
            routes = [r["route"] for r in rows if r["fib_model"] == m and r["class"] == c]
            for route in routes:
                ax.barh(i, 1, left=left, color=colour, edgecolor="white")
                ax.text(left + 0.5, i, route.replace(" src ", "\nsrc ").split(" dev ")[0],
                        ha="center", va="center", fontsize="x-small", color="white")
                left += 1
    ax.set_yticks(range(len(models)))
    ax.set_yticklabels(["ip_fib_model " + m for m in models])
    ax.invert_yaxis()
    ax.set_xticks([])
    from matplotlib.patches import Patch
    ax.legend(handles=[Patch(color="C0", label=classes["254"]),
                       Patch(color="C1", label=classes["253"])],
              loc="lower right", fontsize="small")
    ax.set_title(title or "where R's routes go (LOCAL not shown)")
    return save(fig, png_path(path, out_dir))


# ----- dispatch -----

def kind_of(path):
    try:
        with open(path, newline="") as f:
            header = next(csv.reader(f))
    except (OSError, StopIteration):
        return None
    h = set(header)
    if {"time_s", "tos", "path", "throughput_bps"} <= h:
        return plot_paths
    if {"time_s", "flow", "throughput_bps"} <= h:
        return plot_throughput
    if {"time_s", "kind", "src_before", "src_after"} <= h:
        return plot_translations
    if {"flow", "sent", "received", "replies", "seen_as"} <= h:
        return plot_nat_flows
    if {"host", "expected_uplink", "observed_uplink"} <= h:
        return plot_rule_routes
    if {"fib_model", "flow", "echoed"} <= h:
        return plot_fib_flows
    if {"fib_model", "class", "route"} <= h:
        return plot_fib_routes
    return None


def plot_paths_given(paths, out_dir, titles=None):
    """Draw every known CSV of \p paths; titles: {path: title prefix}."""
    written = []
    for p in paths:
        files = [p]
        if os.path.isdir(p):
            files = sorted(os.path.join(p, f) for f in os.listdir(p) if f.endswith(".csv"))
        for f in files:
            fn = kind_of(f)
            if fn is None:
                if not os.path.isdir(p):
                    print("policy-plots: %s: unknown CSV, skipped" % f)
                continue
            title = None
            if titles and p in titles and fn in (plot_throughput, plot_paths):
                what = "throughput at the server" if fn is plot_throughput else "path per TOS"
                title = "%s: %s" % (titles[p], what)
            written.append(fn(f, out_dir, title))
    return written


RUNS = [
    ("policy-ignore-classes", []),
    ("policy-rule-routes", []),
    ("policy-nat-masquerade", []),
    ("policy-shaper-tables", []),
    ("policy-shaper-tables-linux-256k", ["--mode=Linux", "--speed=256kbps"]),
    ("policy-shaper-tables-exact-256k", ["--speed=256kbps"]),
]


def run_examples(bin_dir, out_dir, extra):
    """Run the examples of RUNS; return their output directories and a title for each."""
    dirs = []
    titles = {}
    for name, args in RUNS:
        example = name.split("-linux")[0].split("-exact")[0]
        binary = os.path.join(bin_dir, example)
        d = os.path.join(out_dir, name)
        os.makedirs(d, exist_ok=True)
        cmd = [binary, "--outDir=" + d] + args + extra
        print("+", " ".join(cmd))
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
        dirs.append(d)
        titles[d] = " ".join([example] + args) if args else example + " (defaults)"
    return dirs, titles


def main():
    global plt
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("paths", nargs="*", help="CSV files or directories")
    ap.add_argument("--out", help="output directory (default: next to each CSV)")
    ap.add_argument("--run", metavar="BIN_DIR",
                    help="run the examples found in BIN_DIR into --out first")
    ap.add_argument("--compare", nargs="+", metavar="ARG",
                    help="FLOW LABEL=CSV LABEL=CSV ...: one flow from several runs")
    ap.add_argument("--png", help="output file of --compare")
    ap.add_argument("--title", help="plot title")
    args = ap.parse_args()
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as pyplot
        plt = pyplot
    except ImportError:
        print("policy-plots: matplotlib missing (use /usr/bin/python3), skipping")
        return 77
    if args.out:
        os.makedirs(args.out, exist_ok=True)
    if args.compare:
        if len(args.compare) < 2 or not args.png:
            ap.error("--compare FLOW LABEL=CSV ... needs at least one run and --png")
        runs = [tuple(a.split("=", 1)) for a in args.compare[1:]]
        plot_compare(args.compare[0], runs, args.png, args.title)
        return 0
    paths = list(args.paths)
    titles = {p: args.title for p in paths} if args.title else {}
    if args.run:
        if not args.out:
            ap.error("--run needs --out")
        dirs, run_titles = run_examples(args.run, args.out, [])
        paths += dirs
        titles.update(run_titles)
    if not paths:
        ap.error("no CSV or directory given")
    written = plot_paths_given(paths, None if args.run else args.out, titles)
    if not written:
        print("policy-plots: nothing to draw")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
