/*
 * SPDX-License-Identifier: GPL-2.0-only
 *
 * GoogleTests of the scenario parser of policy-sim (model/policy-scenario.h): directives,
 * values, defaults, configuration blocks at their own lines and columns, and the messages
 * of errors with their positions.
 */

#include "ns3/policy-scenario.h"

#include <cstdio>
#include <fstream>
#include <gtest/gtest.h>
#include <string>

using namespace ns3;

namespace
{

ParsedScenario
Parse(const std::string& text, const std::string& dir = "")
{
    return ScenarioParser().Parse(text, "t.scn", dir);
}

/// The first error as "file:line:col: message", or "" when none.
std::string
FirstError(const ParsedScenario& p)
{
    return p.errors.empty() ? "" : p.errors.front().ToString();
}

const char* const BASE = "duration 20s\n"
                         "node a b r\n"
                         "link p2p a 10.0.1.1/24 r:eth0 10.0.1.2/24 rate 2Mbps delay 5ms\n"
                         "link csma r b:lan0 10.0.2.2/24 rate 100Mbps delay 10us queue 50p\n";

} // namespace

TEST(PolicyScenario, NodesLinksAndDefaults)
{
    const ParsedScenario p = Parse(BASE);
    ASSERT_TRUE(p.Ok()) << p.ErrorText();
    const Scenario& s = p.scenario;
    EXPECT_EQ(s.name, "t");
    EXPECT_EQ(s.duration, 20 * SCENARIO_SECOND);
    EXPECT_EQ(s.seed, 1u);
    ASSERT_EQ(s.nodes.size(), 3u);
    EXPECT_EQ(s.nodes[2].name, "r");
    ASSERT_EQ(s.links.size(), 2u);
    const ScenarioLink& l0 = s.links[0];
    EXPECT_EQ(l0.type, ScenarioLinkType::POINT_TO_POINT);
    EXPECT_EQ(l0.rate, 2000000u);
    EXPECT_EQ(l0.delay, 5000000);
    EXPECT_EQ(l0.queue, 100u);
    ASSERT_EQ(l0.endpoints.size(), 2u);
    EXPECT_EQ(l0.endpoints[0].device, "eth0"); // chosen
    EXPECT_TRUE(l0.endpoints[0].hasAddress);
    EXPECT_EQ(l0.endpoints[0].address, 0x0a000101u);
    EXPECT_EQ(l0.endpoints[0].length, 24);
    EXPECT_EQ(l0.endpoints[1].device, "eth0"); // given
    const ScenarioLink& l1 = s.links[1];
    EXPECT_EQ(l1.type, ScenarioLinkType::CSMA);
    EXPECT_EQ(l1.queue, 50u);
    EXPECT_EQ(l1.delay, 10000);
    EXPECT_EQ(l1.endpoints[0].device, "eth1"); // the next free ethN of r
    EXPECT_FALSE(l1.endpoints[0].hasAddress);
    EXPECT_EQ(l1.endpoints[1].device, "lan0");
    EXPECT_EQ(s.csv, ScenarioParser::CsvNames());
}

TEST(PolicyScenario, GlobalDirectives)
{
    const ParsedScenario p = Parse("scenario lab-1\nduration 1.5min\nseed 7\nrun 3\n"
                                   "output out/dir\nbin 250ms\nprogress 2s\nchecksum on\n"
                                   "rule-style Modern\ntable 101 lowdelay\n"
                                   "default ns3::TcpSocket::SegmentSize 1448\nnode n\n");
    ASSERT_TRUE(p.Ok()) << p.ErrorText();
    const Scenario& s = p.scenario;
    EXPECT_EQ(s.name, "lab-1");
    EXPECT_EQ(s.duration, 90 * SCENARIO_SECOND);
    EXPECT_EQ(s.seed, 7u);
    EXPECT_EQ(s.run, 3u);
    EXPECT_EQ(s.output, "out/dir");
    EXPECT_EQ(s.bin, 250000000);
    EXPECT_EQ(s.progress, 2 * SCENARIO_SECOND);
    EXPECT_TRUE(s.checksum);
    EXPECT_EQ(s.ruleStyle, "Modern");
    ASSERT_EQ(s.tables.size(), 1u);
    EXPECT_EQ(s.tables[0].first, 101u);
    ASSERT_EQ(s.defaults.size(), 1u);
    EXPECT_EQ(s.defaults[0].name, "ns3::TcpSocket::SegmentSize");
    EXPECT_EQ(s.defaults[0].value, "1448");
}

TEST(PolicyScenario, NodeOptions)
{
    const ParsedScenario p =
        Parse("node r1 r2 rule-style Modern local-route-policy on attr IcmpErrorInterval 1s\n");
    ASSERT_TRUE(p.Ok()) << p.ErrorText();
    ASSERT_EQ(p.scenario.nodes.size(), 2u);
    const auto& a = p.scenario.nodes[1].attributes;
    ASSERT_EQ(a.size(), 3u);
    EXPECT_EQ(a[0].name, "RuleStyle");
    EXPECT_EQ(a[0].value, "Modern");
    EXPECT_EQ(a[1].name, "LocalRoutePolicy");
    EXPECT_EQ(a[1].value, "true");
    EXPECT_EQ(a[2].name, "IcmpErrorInterval");
    EXPECT_EQ(FirstError(Parse("node r rule-style Linux22\n")),
              "t.scn:1:19: expected Linux21, Modern after \"rule-style\", found \"Linux22\"");
    EXPECT_EQ(FirstError(Parse("node r\nnode r\n")), "t.scn:2:6: node \"r\" is declared twice");
    EXPECT_EQ(FirstError(Parse("node rate\n")),
              "t.scn:1:6: \"rate\" is a keyword of the scenario format and cannot name a node");
}

TEST(PolicyScenario, Flows)
{
    const std::string text = std::string(BASE) +
                             "ping p1 from a to 10.0.2.2 tos lowdelay interval 200ms count 5\n"
                             "udp u1 from a to 10.0.2.2 rate 64kbps size 160 tos 10 start 2s\n"
                             "udp u2 from a to 10.0.2.2:9000 pattern poisson stop 10s\n"
                             "udp u3 from a to 10.0.2.2 sink b\n"
                             "tcp t1 from b to 10.0.1.1 tos throughput max-bytes 2MB\n";
    const ParsedScenario p = Parse(text);
    ASSERT_TRUE(p.Ok()) << p.ErrorText();
    const auto& f = p.scenario.flows;
    ASSERT_EQ(f.size(), 5u);
    EXPECT_EQ(f[0].kind, ScenarioFlowKind::PING);
    EXPECT_EQ(f[0].tos, 0x10);
    EXPECT_EQ(f[0].interval, 200000000);
    EXPECT_EQ(f[0].count, 5u);
    EXPECT_EQ(f[0].size, 56u);
    EXPECT_EQ(f[0].start, SCENARIO_SECOND);
    EXPECT_FALSE(f[0].stop.has_value());
    EXPECT_EQ(f[1].tos, 0x10); // hexadecimal, as iproute2
    EXPECT_EQ(f[1].rate, 64000u);
    EXPECT_EQ(f[1].size, 160u);
    EXPECT_EQ(f[1].port, 5001); // chosen, 9000 is taken
    EXPECT_EQ(f[2].port, 9000);
    EXPECT_TRUE(f[2].poisson);
    EXPECT_EQ(*f[2].stop, 10 * SCENARIO_SECOND);
    EXPECT_EQ(f[3].port, 5002);
    EXPECT_EQ(f[3].sink, "b");
    EXPECT_EQ(f[4].kind, ScenarioFlowKind::TCP);
    EXPECT_EQ(f[4].port, 5001); // TCP ports are counted apart
    EXPECT_EQ(f[4].tos, 0x08);
    EXPECT_EQ(f[4].maxBytes, 2000000u);
    EXPECT_EQ(p.scenario.FindFlow("u2"), 2);
}

TEST(PolicyScenario, FlowErrors)
{
    const std::string base = BASE;
    EXPECT_EQ(FirstError(Parse(base + "udp u from a to 10.0.2.2:9 \nudp v from a to 10.0.2.2:9\n")),
              "t.scn:6:26: udp port 9 is used by flow \"u\" already (policy-sim tells flows "
              "apart by their port)");
    EXPECT_EQ(FirstError(Parse(base + "udp u from a to 10.0.2.2 start 5s stop 2s\n")),
              "t.scn:5:40: the flow stops (2s) before it starts (5s)");
    EXPECT_EQ(FirstError(Parse(base + "udp u from a to 10.0.2.2 stop 25s\n")),
              "t.scn:5:31: 25s is after the end of the run (duration 20s)");
    EXPECT_EQ(FirstError(Parse(base + "udp u from x to 10.0.2.2\n")),
              "t.scn:5:12: unknown node \"x\" (declare it with \"node x\"; known: a, b, r)");
    EXPECT_EQ(FirstError(Parse(base + "udp u from a to 10.0.2\n")),
              "t.scn:5:17: expected an address (a.b.c.d) after \"to\", found \"10.0.2\"");
    EXPECT_EQ(FirstError(Parse(base + "udp u from a\n")),
              "t.scn:5:13: a udp flow needs \"to ADDRESS\"");
    EXPECT_EQ(FirstError(Parse(base + "ping p from a to 10.0.2.2 rate 1Mbps\n")),
              "t.scn:5:27: \"rate\" is an option of udp flows, not of ping");
    EXPECT_EQ(FirstError(Parse(base + "udp u from a to 10.0.2.2 tos 0x11\n")),
              "t.scn:5:30: TOS \"0x11\" sets the two low (ECN) bits; give the TOS octet without "
              "them");
    EXPECT_EQ(FirstError(Parse(base + "udp u from a to 10.0.2.2 rate fast\n")),
              "t.scn:5:31: expected a rate (e.g. 64kbps, 2Mbps) after \"rate\", found \"fast\"");
    EXPECT_EQ(FirstError(Parse(base + "udp u from a to 10.0.2.2:50000\n")),
              "t.scn:5:26: expected a port (1..49151; 49152 and above are ns-3's ephemeral "
              "ports) after \":\", found \"50000\"");
}

TEST(PolicyScenario, ValuesAndLinkErrors)
{
    EXPECT_EQ(FirstError(Parse("node a b\nlink p2p a b delay 1.0000000001s\n")),
              "t.scn:2:20: expected a time (e.g. 20s, 250ms) after \"delay\", found "
              "\"1.0000000001s\"");
    ParsedScenario p = Parse("node a b\nlink p2p a b delay 0.5us rate 1.5Mbit/s\n");
    ASSERT_TRUE(p.Ok()) << p.ErrorText();
    EXPECT_EQ(p.scenario.links[0].delay, 500);
    EXPECT_EQ(p.scenario.links[0].rate, 1500000u);
    EXPECT_EQ(FirstError(Parse("node a b c\nlink p2p a b c\n")),
              "t.scn:2:15: a p2p link has two endpoints (NODE[:DEVICE] [ADDRESS/LEN]), found 3");
    EXPECT_EQ(FirstError(Parse("node a b\nlink p2p a:eth0 b\nlink p2p a:eth0 b\n")),
              "t.scn:3:10: device a:eth0 is used already (at t.scn:2:10)");
    EXPECT_EQ(FirstError(Parse("node a b\nlink p2p 10.0.0.1/24 a b\n")),
              "t.scn:2:10: an address must follow a NODE[:DEVICE] endpoint");
    EXPECT_EQ(FirstError(Parse("node a b\nlink wifi a b\n")),
              "t.scn:2:6: expected p2p or csma after \"link\", found \"wifi\"");
    EXPECT_EQ(FirstError(Parse("node a\nfrobnicate\n")).substr(0, 41),
              "t.scn:2:1: unknown directive \"frobnicate\"");
    EXPECT_EQ(FirstError(Parse("")), "t.scn: the scenario declares no node");
    // continuation lines
    p = Parse("node a b\nlink p2p a \\\n   b rate 1Mbps # the uplink\n");
    ASSERT_TRUE(p.Ok()) << p.ErrorText();
    EXPECT_EQ(p.scenario.links[0].endpoints[1].where.line, 3u);
    EXPECT_EQ(p.scenario.links[0].endpoints[1].where.column, 4u);
}

TEST(PolicyScenario, ConfigBlocksKeepTheirPositions)
{
    const std::string text = std::string(BASE) + // 4 lines
                             "table 101 lowdelay\n"
                             "config r\n"
                             "  ip route add default via 10.0.1.1 table lowdelay\n"
                             "  ip rule add tos lowdelay lookup lowdelay\n"
                             "end\n"
                             "config a ip route add default via 10.0.1.2\n"
                             "config r at 5s ip route get 10.0.1.1 tos 10\n";
    ParsedScenario p = Parse(text);
    ASSERT_TRUE(p.Ok()) << p.ErrorText();
    const auto& c = p.scenario.configs;
    ASSERT_EQ(c.size(), 3u);
    EXPECT_EQ(c[0].node, "r");
    EXPECT_FALSE(c[0].at.has_value());
    ASSERT_EQ(c[0].parsed.commands.size(), 2u);
    EXPECT_EQ(c[0].parsed.commands[0].where.ToString(), "t.scn:7:3");
    EXPECT_EQ(c[1].parsed.commands.size(), 1u);
    EXPECT_EQ(c[1].parsed.commands[0].where.ToString(), "t.scn:10:10");
    EXPECT_EQ(*c[2].at, 5 * SCENARIO_SECOND);
    EXPECT_EQ(c[2].parsed.commands[0].where.ToString(), "t.scn:11:16");

    // errors inside a block and on a one-line config name the scenario's line and column
    p = Parse(std::string(BASE) + "config r\n  ip route add 10.1.2.3/24 dev eth0\nend\n"
                                  "config a ip rule add tos 0x28 lookup 100\n");
    ASSERT_EQ(p.errors.size(), 2u);
    EXPECT_EQ(p.errors[0].ToString(),
              "t.scn:6:16: \"10.1.2.3/24\" has host bits set (did you mean 10.1.2.0/24?)");
    EXPECT_EQ(p.errors[1].line, 8u);
    EXPECT_EQ(p.errors[1].column, 26u);
    EXPECT_EQ(FirstError(Parse("node r\nconfig r\n  ip rule show\n")),
              "t.scn:2:1: this config block has no \"end\" line");
    EXPECT_EQ(FirstError(Parse("node r\nconfig q ip rule show\n")),
              "t.scn:2:8: unknown node \"q\" (declare it with \"node q\"; known: r)");
    EXPECT_EQ(FirstError(Parse("node r\nend\n")), "t.scn:2:1: \"end\" without a \"config\" block");
}

TEST(PolicyScenario, ConfigInclude)
{
    const std::string dir = ::testing::TempDir();
    const std::string path = dir + "/policy-scenario-test-include.cfg";
    {
        std::ofstream out(path);
        out << "# router\nip route add default via 10.0.1.1\nip rule add fwmark 1 lookup 100\n";
    }
    const ParsedScenario p =
        Parse("node r\nconfig r include policy-scenario-test-include.cfg\nduration 5\nfoo\n", dir);
    ASSERT_EQ(p.errors.size(), 2u) << p.ErrorText();
    // the included file's error names that file, and stands where the include is
    EXPECT_EQ(p.errors[0].file, path);
    EXPECT_EQ(p.errors[0].line, 3u);
    EXPECT_EQ(p.errors[0].column, 13u);
    EXPECT_EQ(p.errors[1].line, 4u);
    const std::string e = FirstError(Parse("node r\nconfig r include nowhere.cfg\n", dir));
    EXPECT_EQ(e.substr(0, 60), "t.scn:2:18: cannot read the configuration file \"nowhere.cfg\"");
    EXPECT_NE(e.find(dir), std::string::npos) << e; // and where it was looked for
    std::remove(path.c_str());
}

TEST(PolicyScenario, Recording)
{
    ParsedScenario p = Parse(std::string(BASE) + "record pcap r:eth0 r:shaper0 snaplen 128\n"
                                                 "record paths r\n"
                                                 "record csv flows throughput\n"
                                                 "dump r a at 1s 19.5s style seed\n");
    ASSERT_TRUE(p.Ok()) << p.ErrorText();
    const Scenario& s = p.scenario;
    EXPECT_FALSE(s.pcapAll);
    ASSERT_EQ(s.pcap.size(), 2u);
    EXPECT_EQ(s.pcap[1].device, "shaper0");
    EXPECT_EQ(s.snaplen, 128u);
    EXPECT_EQ(s.pathNodes, std::vector<std::string>{"r"});
    EXPECT_TRUE(s.WritesCsv("flows"));
    EXPECT_FALSE(s.WritesCsv("devices"));
    ASSERT_EQ(s.dumps.size(), 1u);
    EXPECT_EQ(s.dumps[0].nodes.size(), 2u);
    EXPECT_EQ(s.dumps[0].times.size(), 2u);
    EXPECT_EQ(s.dumps[0].times[1], 19500000000);
    EXPECT_EQ(s.dumps[0].style, "Seed");
    EXPECT_EQ(FirstError(Parse(std::string(BASE) + "record csv flowz\n")),
              "t.scn:5:12: unknown CSV \"flowz\" (expected all, none, flows, throughput, "
              "devices, paths, events, rtt)");
    EXPECT_EQ(FirstError(Parse(std::string(BASE) + "dump r at 30s\n")),
              "t.scn:5:11: 30s is after the end of the run (duration 20s)");
    p = Parse(std::string(BASE) + "record pcap all\n");
    EXPECT_TRUE(p.scenario.pcapAll);
}

TEST(PolicyScenario, Shapers)
{
    ParsedScenario p = Parse(std::string(BASE) +
                             "shaper r:shaper0 master eth0 speed 256kbps mode Linux queue 20p\n");
    ASSERT_TRUE(p.Ok()) << p.ErrorText();
    ASSERT_EQ(p.scenario.shapers.size(), 1u);
    const ScenarioShaper& sh = p.scenario.shapers[0];
    EXPECT_EQ(sh.node, "r");
    EXPECT_EQ(sh.name, "shaper0");
    EXPECT_EQ(sh.master, "eth0");
    EXPECT_EQ(sh.rate, 256000u);
    EXPECT_EQ(sh.mode, "Linux");
    EXPECT_EQ(sh.queue, 20u);
    EXPECT_EQ(FirstError(Parse(std::string(BASE) + "shaper r:shaper0 master eth0\n")),
              "t.scn:5:29: a shaper needs \"speed RATE\"");
    EXPECT_EQ(FirstError(Parse(std::string(BASE) + "shaper r:eth1 master eth0 speed 1Mbps\n")),
              "t.scn:5:8: device r:eth1 is used already (at t.scn:4:11)");
}

TEST(PolicyScenario, Robustness)
{
    // a block whose time is wrong is skipped whole: its lines are not read as directives
    ParsedScenario p = Parse("node r\nconfig r at soon\n  ip rule show\nend\nduration 5s\n");
    ASSERT_EQ(p.errors.size(), 1u) << p.ErrorText();
    EXPECT_EQ(p.errors[0].ToString(),
              "t.scn:2:13: expected a time (e.g. 20s, 250ms) after \"at\", found \"soon\"");
    EXPECT_EQ(p.scenario.duration, 5 * SCENARIO_SECOND);
    // "end" may carry a comment; quotes group words
    p = Parse("node r\nconfig r\n  ip rule show\nend # of r\noutput \"my results\"\n");
    ASSERT_TRUE(p.Ok()) << p.ErrorText();
    EXPECT_EQ(p.scenario.output, "my results");
    EXPECT_EQ(FirstError(Parse("node r\noutput \"my results\n")), "t.scn:2:8: unterminated quote");
    // a table named by the scenario is known to every block after it, not before
    p = Parse("node r\nconfig r ip rule add tos 10 lookup fast\ntable 100 fast\n"
              "config r ip rule add tos 08 lookup fast\n");
    ASSERT_EQ(p.errors.size(), 1u) << p.ErrorText();
    EXPECT_EQ(p.errors[0].line, 2u);
    EXPECT_EQ(FirstError(Parse("node r\ntable 100 main\n")),
              "t.scn:2:11: \"main\" cannot name table 100 (a number, a predefined name, or a name "
              "given to another table)");
    // record pcap none, and every error of a file is reported in order
    p = Parse("node r\nrecord pcap none\n");
    ASSERT_TRUE(p.Ok()) << p.ErrorText();
    EXPECT_FALSE(p.scenario.pcapAll);
    EXPECT_TRUE(p.scenario.pcap.empty());
    p = Parse("node r\nseed 0\nbin 0s\nchecksum maybe\n");
    ASSERT_EQ(p.errors.size(), 3u) << p.ErrorText();
    EXPECT_EQ(p.errors[0].line, 2u);
    EXPECT_EQ(p.errors[1].line, 3u);
    EXPECT_EQ(p.errors[2].ToString(),
              "t.scn:4:10: expected on or off after \"checksum\", found \"maybe\"");
}
