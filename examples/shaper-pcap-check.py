#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""Run shaper-two-flows with a pcap on the shaper, read the pcap with tshark and check that
 * tshark reads it without error (exit status 0, no malformed packet, no error-level expert
   info), as a Linux cooked capture carrying IPv4, UDP and ARP;
 * the shaped flow's packets leave the shaper at the shaped spacing: consecutive outgoing
   packets are (length of the earlier one) x 8 / speed apart, within the microsecond
   resolution of pcap timestamps.

The example's three links are checked: point-to-point (IPv4 only), CSMA and Wi-Fi (where ARP
also goes through the shaper, and ARP replies come up through it).

Usage: shaper-pcap-check.py <shaper-two-flows binary> <work dir> [speed bit/s]
Exit 77 (skip) when tshark is not installed."""
import os
import shutil
import subprocess
import sys


def check(example, tshark, work, speed, link):
    """Run the example on one link type and check its pcap; return a list of errors."""
    os.makedirs(work, exist_ok=True)
    pcap = os.path.join(work, "shaper-%s.pcap" % link)
    csv = os.path.join(work, "flows-%s.csv" % link)
    args = [example, "--duration=4", "--speed=%dbps" % speed, "--checksum=1",
            "--pcap=" + pcap, "--csv=" + csv]
    if link != "p2p":
        args.append("--%s=1" % link)
    subprocess.run(args, check=True)

    fields = ["frame.number", "frame.time_epoch", "frame.len", "sll.pkttype", "sll.etype",
              "ip.dst", "udp.dstport", "arp.opcode", "_ws.malformed", "_ws.expert.severity",
              "frame.protocols"]
    cmd = [tshark, "-r", pcap, "-n", "-o", "ip.check_checksum:TRUE",
           "-o", "udp.check_checksum:TRUE", "-T", "fields", "-E", "separator=|",
           "-E", "occurrence=a"]
    for f in fields:
        cmd += ["-e", f]
    res = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                         universal_newlines=True)
    errors = []
    if res.returncode != 0:
        errors.append("tshark exit status %d: %s" % (res.returncode, res.stderr.strip()))
    rows = [dict(zip(fields, line.split("|"))) for line in res.stdout.splitlines() if line]
    if not rows:
        errors.append("no packets in %s" % pcap)

    # Wireshark's expert severities: error is 0x00800000.
    for r in rows:
        if r["_ws.malformed"]:
            errors.append("frame %s is malformed" % r["frame.number"])
        for sev in filter(None, r["_ws.expert.severity"].split(",")):
            if int(sev, 0) >= 0x00800000:
                errors.append("frame %s has an error-level expert info" % r["frame.number"])

    out = [r for r in rows if r["sll.pkttype"] == "4"]
    shaped = [r for r in out if r["ip.dst"] == "10.9.0.5" and "udp" in r["frame.protocols"]]
    arp = [r for r in rows if "arp" in r["frame.protocols"]]
    arp_in = [r for r in arp if r["sll.pkttype"] != "4"]
    if len(shaped) < 100:
        errors.append("only %d shaped UDP packets" % len(shaped))
    if link != "p2p" and (not arp or not arp_in):
        errors.append("expected ARP out through the shaper and ARP replies coming up")
    if len(out) != len(shaped) + len(arp) - len(arp_in):
        errors.append("unexpected outgoing frames")

    # Spacing: the shaped flow offers twice the speed, so the shaper is backlogged once the
    # first packets are out; from then on each packet leaves len(previous) x 8 / speed after
    # the previous one (the 16-byte SLL header is not part of the packet).
    worst = 0.0
    checked = 0
    for a, b in zip(shaped[20:], shaped[21:]):
        gap = float(b["frame.time_epoch"]) - float(a["frame.time_epoch"])
        expected = (int(a["frame.len"]) - 16) * 8.0 / speed
        worst = max(worst, abs(gap - expected))
        checked += 1
    if checked < 100:
        errors.append("only %d gaps checked" % checked)
    if worst > 2e-6:
        errors.append("spacing off by %.3g s (more than pcap's 1 us resolution allows)" % worst)

    print("shaper-pcap-check [%s]: %s: %d frames (%d outgoing, %d shaped UDP, %d ARP, %d ARP "
          "in); %d gaps at %d bit/s, worst deviation from len x 8 / speed: %.3g s"
          % (link, pcap, len(rows), len(out), len(shaped), len(arp), len(arp_in), checked,
             speed, worst))
    if shaped:
        print("  shaped packet: %s bytes in the capture, tshark decodes %s"
              % (shaped[0]["frame.len"], shaped[0]["frame.protocols"]))
    return ["%s: %s" % (link, e) for e in errors]


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    example, work = sys.argv[1], sys.argv[2]
    speed = int(sys.argv[3]) if len(sys.argv) > 3 else 1000000
    tshark = shutil.which("tshark")
    if not tshark:
        print("shaper-pcap-check: tshark not found, skipping (scripts/setup installs it)")
        return 77
    errors = []
    for link in ("p2p", "csma", "wifi"):
        errors += check(example, tshark, work, speed, link)
    if errors:
        print("shaper-pcap-check: FAILED")
        for e in errors[:20]:
            print("  -", e)
        return 1
    print("shaper-pcap-check: OK")
    return 0


if __name__ == "__main__":
    sys.exit(main())
