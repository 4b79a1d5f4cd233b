#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""Tests of policy-sim on the scenarios (registered with CTest by scenarios/CMakeLists.txt).

Run from the repository root, so that the scenario is named as the demo names it
(scenarios/flagship.scn): its name is part of what policy-sim writes.

  check-scenario.py --sim BIN --scenario scenarios/X.scn --work DIR
                    [--hashes scenarios/X.sha256] [--twice] [--ns3-version 3.37]
      runs the scenario into DIR/run1; with --twice again into DIR/run2 and compares every
      output byte for byte; with --hashes compares the sha256 of the pcaps and CSVs with the
      stored ones (skipped, exit 77, when they were stored for another ns-3 version)

  check-scenario.py --sim BIN --scenario S --work DIR --hashes H --update-hashes
      runs the scenario and (re)writes the stored hashes

  check-scenario.py --sim BIN --scenario S --work DIR --plot scenarios/plot-scenario.py
      runs the scenario and draws its plots (exit 77 when matplotlib is missing)

  check-scenario.py --sim BIN --scenario scenarios/tests/error-X.scn --expect-errors
      runs a scenario with deliberate errors: policy-sim must exit with the status given by
      its "# exit: N" line (default 1) and print exactly its "# expect: " lines to stderr

The stored hashes depend on the ns-3 version (random streams, TCP, queue and device models
change between releases): a .sha256 file starts with "# ns-3 <version>"."""
import argparse
import hashlib
import os
import subprocess
import sys

HASHED = (".pcap", ".csv")


def run(sim, scenario, out, extra=()):
    cmd = [sim, scenario, "--out=" + out, "--quiet", "--progress=off"] + list(extra)
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if p.returncode != 0:
        sys.stdout.write(p.stdout)
        sys.stderr.write(p.stderr)
        sys.exit("check-scenario: %s exited with %d" % (" ".join(cmd), p.returncode))
    return p


def outputs(directory):
    return sorted(f for f in os.listdir(directory) if not f.endswith(".png"))


def sha256(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def read_hashes(path):
    version, hashes = None, {}
    with open(path) as f:
        for line in f:
            line = line.strip()
            if line.startswith("# ns-3 "):
                version = line.split()[2]
            elif line and not line.startswith("#"):
                digest, name = line.split(None, 1)
                hashes[name.strip()] = digest
    return version, hashes


def write_hashes(path, directory, version, scenario):
    with open(path, "w") as f:
        f.write("# ns-3 %s\n" % version)
        f.write("# sha256 of the pcaps and CSVs policy-sim writes for %s, run from the\n"
                "# repository root. They depend on the ns-3 version. After a deliberate change,\n"
                "# or for another ns-3 version, regenerate them with\n"
                "#   scenarios/check-scenario.py --sim build/examples/policy-sim \\\n"
                "#     --scenario %s --work /tmp/%s \\\n"
                "#     --hashes scenarios/%s --update-hashes\n"
                % (scenario, scenario, os.path.splitext(os.path.basename(path))[0],
                   os.path.basename(path)))
        for name in outputs(directory):
            if name.endswith(HASHED):
                f.write("%s  %s\n" % (sha256(os.path.join(directory, name)), name))
    print("check-scenario: wrote", path)


def expect_errors(args):
    expected, status = [], 1
    with open(args.scenario) as f:
        for line in f:
            if line.startswith("# expect: "):
                expected.append(line[len("# expect: "):].rstrip("\n"))
            elif line.startswith("# exit: "):
                status = int(line.split()[2])
    if not expected:
        sys.exit("check-scenario: %s has no '# expect: ' line" % args.scenario)
    out = os.path.join(args.work or "/tmp", "error-run")
    p = subprocess.run([args.sim, args.scenario, "--out=" + out, "--quiet", "--progress=off"],
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    got = p.stderr.splitlines()
    ok = True
    if p.returncode != status:
        print("exit status %d, expected %d" % (p.returncode, status))
        ok = False
    if got != expected:
        print("stderr differs from the expected lines:")
        for line in expected:
            print("  expected: " + line)
        for line in got:
            print("  got:      " + line)
        ok = False
    if ok:
        print("check-scenario: %s: exit %d and the %d expected messages"
              % (args.scenario, status, len(expected)))
    return 0 if ok else 1


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sim", required=True, help="the policy-sim binary")
    ap.add_argument("--scenario", required=True)
    ap.add_argument("--work", help="a directory for the outputs")
    ap.add_argument("--hashes", help="the stored sha256 file")
    ap.add_argument("--update-hashes", action="store_true", help="(re)write the hashes")
    ap.add_argument("--twice", action="store_true", help="run twice and compare")
    ap.add_argument("--ns3-version", default="3.37", help="the ns-3 version built against")
    ap.add_argument("--plot", help="then draw the plots with this plot-scenario.py")
    ap.add_argument("--expect-errors", action="store_true",
                    help="the scenario has deliberate errors (see its '# expect: ' lines)")
    args = ap.parse_args()
    if args.expect_errors:
        return expect_errors(args)
    if not args.work:
        ap.error("--work is needed")
    first = os.path.join(args.work, "run1")
    run(args.sim, args.scenario, first)
    names = outputs(first)
    print("check-scenario: %s wrote %d files (%d pcaps)"
          % (args.scenario, len(names), sum(n.endswith(".pcap") for n in names)))
    failed = False
    if args.plot:
        p = subprocess.run([sys.executable, args.plot, first])
        if p.returncode == 77:
            return 77
        pngs = [n for n in os.listdir(first) if n.endswith(".png")]
        if p.returncode != 0 or not pngs:
            print("check-scenario: the plot script failed (exit %d, %d PNGs)"
                  % (p.returncode, len(pngs)))
            return 1
        print("check-scenario: drew %s" % ", ".join(sorted(pngs)))
    if args.twice:
        second = os.path.join(args.work, "run2")
        run(args.sim, args.scenario, second)
        if outputs(second) != names:
            print("the second run wrote other files:", outputs(second))
            failed = True
        for name in names:
            if os.path.exists(os.path.join(second, name)) and \
                    sha256(os.path.join(first, name)) != sha256(os.path.join(second, name)):
                print("not deterministic: %s differs between two runs" % name)
                failed = True
        if not failed:
            print("check-scenario: two runs wrote byte-identical outputs")
    if args.hashes and args.update_hashes:
        write_hashes(args.hashes, first, args.ns3_version, args.scenario)
        return 1 if failed else 0
    if args.hashes:
        version, stored = read_hashes(args.hashes)
        if version != args.ns3_version:
            print("check-scenario: the hashes in %s are for ns-3 %s, this is %s: not compared "
                  "(regenerate them with --update-hashes)" % (args.hashes, version,
                                                             args.ns3_version))
            return 1 if failed else 77
        written = {n for n in names if n.endswith(HASHED)}
        for name in sorted(set(stored) | written):
            if name not in written:
                print("missing: %s (stored hash, not written)" % name)
                failed = True
            elif name not in stored:
                print("new: %s (written, no stored hash)" % name)
                failed = True
            elif sha256(os.path.join(first, name)) != stored[name]:
                print("changed: %s (sha256 differs from %s)" % (name, args.hashes))
                failed = True
        if not failed:
            print("check-scenario: the %d pcaps and CSVs match %s" % (len(stored), args.hashes))
        else:
            print("(if the change is deliberate, regenerate the hashes with --update-hashes)")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
