/*
 * SPDX-License-Identifier: GPL-2.0-only
 *
 * PolicyConfigHelper on simulated networks: configurations in the seed's 2.1 syntax and in
 * pasted iproute2 syntax set up a router's interfaces, routes and rules, and real UDP packets
 * follow them; `ip route get`, `ip rule show` and `iproute -r` print what the router does;
 * shapecfg creates and attaches a shaper that then limits what the router sends; a file
 * that fails (at parse time, in the checks, or on its last command) changes nothing; a
 * scheduled configuration takes effect at its time.
 *
 * Topology of the router tests (as test/ipv4-policy-routing-test-suite.cc):
 *
 *   hostA 10.1.0.2 --+ eth0                eth2 +-- 192.0.2.2      up1 [203.0.113.10 sink]
 *                    |-- R (configured by text) -|
 *   hostB 10.2.0.2 --+ eth1                eth3 +-- 198.51.100.2   up2 [203.0.113.10 sink]
 *
 * R's devices have no IPv4 interface until the configuration's ifconfig/ip addr gives them
 * one. The server address 203.0.113.10 exists on both uplinks, so the sink that receives a
 * packet tells which way R sent it.
 */

#include "policy-routing-test-network.h"

#include "ns3/boolean.h"
#include "ns3/ipv4-policy-routing-helper.h"
#include "ns3/policy-config-helper.h"
#include "ns3/shaper-net-device.h"
#include "ns3/string.h"
#include "ns3/test.h"

#include <cstdio>
#include <fstream>
#include <sstream>

using namespace ns3;
using namespace policyroutingtest;

namespace
{

/// The dual-uplink topology with a bare router.
struct Lab
{
    TestNetwork net;
    Ptr<Node> hostA;
    Ptr<Node> hostB;
    Ptr<Node> router;
    Ptr<Node> up1;
    Ptr<Node> up2;
    std::vector<Received> atUp1;
    std::vector<Received> atUp2;
    PolicyConfigHelper config;
    std::ostringstream output;

    explicit Lab(const std::string& ruleStyle = "Linux21")
    {
        net.Set("RuleStyle", StringValue(ruleStyle));
        hostA = net.AddNode();
        hostB = net.AddNode();
        router = net.AddNode();
        up1 = net.AddNode();
        up2 = net.AddNode();
        BareLink(hostA, "10.1.0.2/24");
        BareLink(hostB, "10.2.0.2/24");
        BareLink(up1, "192.0.2.2/30");
        BareLink(up2, "198.51.100.2/30");
        net.Attach(up1, "203.0.113.10/24", CreateObject<SimpleChannel>());
        net.Attach(up2, "203.0.113.10/24", CreateObject<SimpleChannel>());
        net.Sink(up1, 9, &atUp1);
        net.Sink(up2, 9, &atUp2);

        config.SetOutputStream(&output);
        config.SetAbortOnError(false);
        for (Ptr<Node> n : {hostA, hostB, router, up1, up2})
        {
            config.NameDevices(n);
        }
        // The other nodes are configured through the language too.
        Expect(config.ApplyText(hostA, "route add default gw 10.1.0.1", "hostA.cfg"));
        Expect(config.ApplyText(hostB, "ip route add default via 10.2.0.1 dev eth0", "hostB.cfg"));
        Expect(config.ApplyText(up1, "ip route add 10.0.0.0/8 via 192.0.2.1", "up1.cfg"));
        Expect(config.ApplyText(up2, "ip route add 10.0.0.0/8 via 198.51.100.1", "up2.cfg"));
    }

    /// Link \p host (with an address) to a router device without an IPv4 interface.
    void BareLink(Ptr<Node> host, const std::string& address)
    {
        Ptr<SimpleChannel> channel = CreateObject<SimpleChannel>();
        net.Attach(host, address, channel);
        Ptr<SimpleNetDevice> dev = CreateObject<SimpleNetDevice>();
        dev->SetAddress(Mac48Address::Allocate());
        dev->SetChannel(channel);
        router->AddDevice(dev);
    }

    static void Expect(const PolicyConfigResult& r)
    {
        NS_ABORT_MSG_UNLESS(r.Ok(), "lab setup: " << r.ErrorText());
    }

    Ptr<Ipv4PolicyRouting> R() const
    {
        return TestNetwork::Routing(router);
    }

    /// Everything a configuration can change on the router, as text.
    std::string State() const
    {
        std::ostringstream os;
        R()->Print(os, Ipv4PolicyRouting::LISTING_MODERN);
        Ptr<Ipv4> ipv4 = router->GetObject<Ipv4>();
        BooleanValue forward;
        ipv4->GetAttribute("IpForward", forward);
        StringValue model;
        R()->GetAttribute("FibModel", model);
        os << "IpForward " << forward.Get() << " FibModel " << model.Get() << "\n";
        for (uint32_t i = 0; i < ipv4->GetNInterfaces(); ++i)
        {
            os << "if" << i << (ipv4->IsUp(i) ? " up" : " down")
               << (ipv4->IsForwarding(i) ? " fwd" : " nofwd");
            for (uint32_t k = 0; k < ipv4->GetNAddresses(i); ++k)
            {
                os << " " << ipv4->GetAddress(i, k).GetLocal() << "/"
                   << ipv4->GetAddress(i, k).GetMask().GetPrefixLength() << " brd "
                   << ipv4->GetAddress(i, k).GetBroadcast();
            }
            os << "\n";
        }
        os << "devices " << router->GetNDevices() << "\n";
        for (uint32_t k = 0; k < router->GetNDevices(); ++k)
        {
            Ptr<ShaperNetDevice> s = DynamicCast<ShaperNetDevice>(router->GetDevice(k));
            if (s)
            {
                os << "shaper " << k << " master "
                   << (s->GetMaster() ? int(s->GetMaster()->GetIfIndex()) : -1) << " rate "
                   << s->GetDataRate().GetBitRate() << "\n";
            }
        }
        return os.str();
    }

    /// Count what arrived from \p from on each uplink, by size.
    static uint32_t Count(const std::vector<Received>& v, const std::string& from, uint32_t size)
    {
        uint32_t n = 0;
        for (const Received& r : v)
        {
            n += (r.from == Ipv4Address(from.c_str()) && r.size == size) ? 1 : 0;
        }
        return n;
    }
};

/// The router in the seed's own words (2.1 syntax, net-tools, /proc).
const char* const SEED_ROUTER = R"(# R, Linux 2.1 style
ifconfig eth0 10.1.0.1 netmask 255.255.255.0 up
ifconfig eth1 10.2.0.1 netmask 255.255.255.0 up
ifconfig eth2 192.0.2.1 netmask 255.255.255.252 up
ifconfig eth3 198.51.100.1 netmask 255.255.255.252 up
echo 1 > /proc/sys/net/ipv4/ip_forward
route add default gw 192.0.2.2 dev eth2
iproute add default gw 198.51.100.2 dev eth3 class 101
iproute addrule from 10.2.0.0/24 class 101
iproute addrule tos 0x10 class 101
iproute addrule to 203.0.113.99 prohibit
iproute -r
)";

} // namespace

/**
 * \ingroup policy-routing-tests
 * The seed's syntax configures a bare router; packets follow the rules.
 */
class SeedSyntaxTestCase : public TestCase
{
  public:
    SeedSyntaxTestCase()
        : TestCase("2.1 iproute, route and ifconfig text sets up a router; packets follow it")
    {
    }

  private:
    void DoRun() override
    {
        Lab lab;
        const PolicyConfigResult r = lab.config.ApplyText(lab.router, SEED_ROUTER, "seed.cfg");
        NS_TEST_ASSERT_MSG_EQ(r.Ok(), true, r.ErrorText());
        NS_TEST_EXPECT_MSG_EQ(r.commands, 11, "11 commands");
        NS_TEST_EXPECT_MSG_EQ(r.output,
                              "Kernel routing policy rules\n"
                              "Pref Source Destination TOS Iface Cl\n"
                              "0 default default 00 * 255\n"
                              "251 default 203.0.113.99 00 * prohibit\n"
                              "252 default default 10 * 101\n"
                              "253 10.2.0.0/24 default 00 * 101\n"
                              "254 default default 00 * 254\n"
                              "255 default default 00 * 253\n",
                              "iproute -r");
        NS_TEST_EXPECT_MSG_EQ(lab.output.str(), r.output, "printed to the output stream");
        // ifconfig gave each device an interface (lo is 0) and brought it up.
        Ptr<Ipv4> ipv4 = lab.router->GetObject<Ipv4>();
        NS_TEST_ASSERT_MSG_EQ(ipv4->GetNInterfaces(), 5, "lo and four interfaces");
        NS_TEST_EXPECT_MSG_EQ(ipv4->GetAddress(3, 0).GetLocal(), Ipv4Address("192.0.2.1"), "eth2");
        NS_TEST_EXPECT_MSG_EQ(ipv4->IsUp(4), true, "eth3 up");

        std::vector<IcmpReport> icmp;
        Ptr<Socket> a = lab.net.Sender(lab.hostA, 0x00, &icmp);
        Ptr<Socket> aLowDelay = lab.net.Sender(lab.hostA, 0x10, &icmp);
        Ptr<Socket> b = lab.net.Sender(lab.hostB, 0x00, &icmp);
        std::vector<IcmpReport> prohibited;
        Ptr<Socket> aProhibited = lab.net.Sender(lab.hostA, 0x00, &prohibited);
        TestNetwork::SendAt(Seconds(1), a, "203.0.113.10", 9, 100, 3);
        TestNetwork::SendAt(Seconds(2), aLowDelay, "203.0.113.10", 9, 200, 2);
        TestNetwork::SendAt(Seconds(3), b, "203.0.113.10", 9, 300, 4);
        TestNetwork::SendAt(Seconds(4), aProhibited, "203.0.113.99", 9, 400, 1);
        TestNetwork::Run();

        NS_TEST_EXPECT_MSG_EQ(Lab::Count(lab.atUp1, "10.1.0.2", 100), 3, "hostA TOS 0 via up1");
        NS_TEST_EXPECT_MSG_EQ(Lab::Count(lab.atUp2, "10.1.0.2", 200), 2, "TOS 0x10 via up2");
        NS_TEST_EXPECT_MSG_EQ(Lab::Count(lab.atUp2, "10.2.0.2", 300), 4, "hostB via up2");
        NS_TEST_EXPECT_MSG_EQ(lab.atUp1.size() + lab.atUp2.size(), 9, "nothing else");
        NS_TEST_EXPECT_MSG_EQ(icmp.size(), 0, "no errors");
        NS_TEST_ASSERT_MSG_EQ(prohibited.size(), 1, "the prohibit rule answered");
        NS_TEST_EXPECT_MSG_EQ(unsigned(prohibited[0].code), 13, "administratively prohibited");
        NS_TEST_EXPECT_MSG_EQ(prohibited[0].from, Ipv4Address("10.1.0.1"), "from the router");
    }
};

/**
 * \ingroup policy-routing-tests
 * A modern router configuration pasted as is; ip route get and ip rule show print.
 */
class PastedIproute2TestCase : public TestCase
{
  public:
    PastedIproute2TestCase()
        : TestCase("a pasted iproute2 configuration with rt_tables names; ip route get")
    {
    }

  private:
    void DoRun() override
    {
        Lab lab("Modern");
        const std::string text = R"(#!/bin/sh
echo "200 isp2" >> /etc/iproute2/rt_tables
sysctl -w net.ipv4.ip_forward=1 net.ipv4.conf.all.rp_filter=0
ip addr add 10.1.0.1/24 brd + dev eth0
ip addr add 10.2.0.1/24 dev eth1
ip addr add 192.0.2.1/30 dev eth2
ip addr add 198.51.100.1/30 dev eth3
for_lint=0; ip link set eth0 up; ip link set eth1 up
)";
        // A shell variable assignment is not a command of the language.
        const PolicyConfigResult bad = lab.config.ApplyText(lab.router, text, "gw.sh");
        NS_TEST_EXPECT_MSG_EQ(bad.Ok(), false, "not a command");
        NS_TEST_EXPECT_MSG_EQ(bad.ErrorText(),
                              "gw.sh:8:1: unknown command \"for_lint=0\" (expected ip, iproute, "
                              "route, ifconfig, shapecfg, sysctl or echo)\n",
                              "error position");

        const std::string paste = R"(#!/bin/sh
echo "200 isp2" >> /etc/iproute2/rt_tables
sysctl -w net.ipv4.ip_forward=1 net.ipv4.conf.all.rp_filter=0
ip addr add 10.1.0.1/24 brd + dev eth0
ip addr add 10.2.0.1/24 dev eth1
ip addr add 192.0.2.1/30 dev eth2
ip addr add 198.51.100.1/30 dev eth3
ip link set eth0 up; ip link set eth1 up
ip link set eth2 up; ip link set eth3 up
# from "ip route show table main" on the real box
ip route add 10.1.0.0/24 dev eth0 proto kernel scope link src 10.1.0.1
ip route add default via 192.0.2.2 dev eth2 proto static
# table isp2
ip route add 10.1.0.0/24 dev eth0 proto kernel scope link src 10.1.0.1 table isp2
ip route add default via 198.51.100.2 dev eth3 table isp2
# from "ip rule show"
ip rule add from 10.2.0.0/24 lookup isp2 pref 1000
ip rule add iif eth0 tos lowdelay lookup isp2 pref 1001
ip rule add to 203.0.113.99 unreachable pref 2000
ip route get 203.0.113.10 from 10.2.0.2 iif eth1
ip route get 203.0.113.10 from 10.1.0.2 iif eth0
ip route get 203.0.113.10 from 10.1.0.2 iif eth0 tos 0x10
ip route get 203.0.113.99 from 10.1.0.2 iif eth0
ip route get 203.0.113.10
ip route get 10.2.0.1
ip rule show
ip route show table isp2
)";
        const PolicyConfigResult r = lab.config.ApplyText(lab.router, paste, "gw.sh");
        NS_TEST_ASSERT_MSG_EQ(r.Ok(), true, r.ErrorText());
        NS_TEST_EXPECT_MSG_EQ(r.output,
                              "203.0.113.10 via 198.51.100.2 dev eth3 src 10.2.0.2 table 200\n"
                              "203.0.113.10 via 192.0.2.2 dev eth2 src 10.1.0.2 table main\n"
                              "203.0.113.10 via 198.51.100.2 dev eth3 src 10.1.0.2 table 200\n"
                              "network-unreachable rule 2000\n"
                              "203.0.113.10 via 192.0.2.2 dev eth2 src 192.0.2.1 table main\n"
                              "local 10.2.0.1 dev lo src 10.2.0.1 table local\n"
                              "0:\tfrom all lookup local\n"
                              "1000:\tfrom 10.2.0.0/24 lookup 200\n"
                              "1001:\tfrom all tos 0x10 iif eth0 lookup 200\n"
                              "2000:\tfrom all to 203.0.113.99 unreachable\n"
                              "32766:\tfrom all lookup main\n"
                              "32767:\tfrom all lookup default\n"
                              "default via 198.51.100.2 dev eth3\n"
                              "10.1.0.0/24 dev eth0 src 10.1.0.1\n",
                              "ip route get, ip rule show, ip route show table isp2");
        // The kernel route pasted into main was already there: a note, not an error.
        bool kernelNote = false;
        for (const ConfigNote& n : r.notes)
        {
            kernelNote = kernelNote || (n.line == 11 && n.message.find("already in table main") !=
                                                            std::string::npos);
        }
        NS_TEST_EXPECT_MSG_EQ(kernelNote, true, "note for the pasted kernel route");

        std::vector<IcmpReport> icmp;
        std::vector<IcmpReport> unreachable;
        TestNetwork::SendAt(Seconds(1),
                            lab.net.Sender(lab.hostA, 0x00, &icmp),
                            "203.0.113.10",
                            9,
                            100,
                            2);
        TestNetwork::SendAt(Seconds(2),
                            lab.net.Sender(lab.hostA, 0x10, &icmp),
                            "203.0.113.10",
                            9,
                            200,
                            3);
        TestNetwork::SendAt(Seconds(3),
                            lab.net.Sender(lab.hostB, 0x10, &icmp),
                            "203.0.113.10",
                            9,
                            300,
                            1);
        TestNetwork::SendAt(Seconds(4),
                            lab.net.Sender(lab.hostA, 0x00, &unreachable),
                            "203.0.113.99",
                            9,
                            400,
                            1);
        TestNetwork::Run();
        NS_TEST_EXPECT_MSG_EQ(Lab::Count(lab.atUp1, "10.1.0.2", 100), 2, "main: up1");
        NS_TEST_EXPECT_MSG_EQ(Lab::Count(lab.atUp2, "10.1.0.2", 200), 3, "low delay: up2");
        NS_TEST_EXPECT_MSG_EQ(Lab::Count(lab.atUp2, "10.2.0.2", 300), 1, "hostB: up2");
        NS_TEST_EXPECT_MSG_EQ(lab.atUp1.size() + lab.atUp2.size(), 6, "nothing else");
        NS_TEST_EXPECT_MSG_EQ(icmp.size(), 0, "no errors");
        NS_TEST_ASSERT_MSG_EQ(unreachable.size(), 1, "the unreachable rule answered");
        NS_TEST_EXPECT_MSG_EQ(unsigned(unreachable[0].code), 0, "rule: network unreachable");
    }
};

/**
 * \ingroup policy-routing-tests
 * A file that fails applies nothing: not at parse time, not in the checks, not on its last
 * command after many others were carried out.
 */
class AllOrNothingTestCase : public TestCase
{
  public:
    AllOrNothingTestCase()
        : TestCase("a failing file changes nothing and prints nothing; packets still follow "
                   "the old configuration")
    {
    }

  private:
    void DoRun() override
    {
        Lab lab;
        // An unattached shaper, as "insmod shaper" leaves it, named shaper0.
        Ptr<ShaperNetDevice> shaper = CreateObject<ShaperNetDevice>();
        lab.router->AddDevice(shaper);
        lab.config.SetDeviceName(lab.router, "shaper0", shaper);
        const PolicyConfigResult base = lab.config.ApplyText(lab.router, SEED_ROUTER, "seed.cfg");
        NS_TEST_ASSERT_MSG_EQ(base.Ok(), true, base.ErrorText());
        lab.output.str("");
        const std::string before = lab.State();

        // Fails on its last line, after changing addresses, links, forwarding, the FIB
        // model, rules, routes, a shaper, and printing.
        const std::string lastLineFails = R"(ifconfig eth0 10.1.0.254 netmask 255.255.255.0 up
ip addr add 10.77.0.1/24 dev eth1
ip addr del 10.2.0.1/24 dev eth1
ip link set eth3 down
sysctl -w net.ipv4.ip_forward=0
echo 0 > /proc/sys/net/ipv4/conf/eth2/forwarding
echo 2 > /proc/sys/net/ipv4/ip_fib_model
iproute addrule from 10.1.0.0/24 class 101 pref 10
iproute delrule from 10.2.0.0/24 class 101
ip route add 10.50.0.0/16 via 10.2.0.2 table 101
route add -net 10.60.0.0 netmask 255.255.0.0 gw 192.0.2.2
ip route flush table main
shapecfg attach shaper0 eth1
shapecfg speed shaper0 9600
ip route get 203.0.113.10
iproute -r
ip rule del pref 77
)";
        const PolicyConfigResult r = lab.config.ApplyText(lab.router, lastLineFails, "fail.cfg");
        NS_TEST_EXPECT_MSG_EQ(r.Ok(), false, "the last command fails");
        NS_TEST_EXPECT_MSG_EQ(r.ErrorText(),
                              "fail.cfg:17:1: no rule matches (RTNETLINK answers: No such file "
                              "or directory)\n",
                              "the error names the line");
        NS_TEST_EXPECT_MSG_EQ(r.output, "", "no output");
        NS_TEST_EXPECT_MSG_EQ(lab.output.str(), "", "nothing printed");
        NS_TEST_EXPECT_MSG_EQ(lab.State(), before, "nothing changed");
        NS_TEST_EXPECT_MSG_EQ(shaper->IsAttached(), false, "shaper0 detached again");

        // Fails in the checks (an unknown device on line 3): nothing is even tried.
        const PolicyConfigResult unknown = lab.config.ApplyText(lab.router,
                                                                "ip link set eth0 down\n"
                                                                "ip rule flush\n"
                                                                "ip route add 10.9.0.0/16 dev "
                                                                "eth7\n",
                                                                "unknown.cfg");
        NS_TEST_EXPECT_MSG_EQ(unknown.ErrorText(),
                              "unknown.cfg:3:30: unknown device \"eth7\" on node 2 (known: eth0, "
                              "eth1, eth2, eth3, shaper0, lo, if0, if1, if2, if3, if4; name "
                              "devices with PolicyConfigHelper::SetDeviceName)\n",
                              "unknown device");
        NS_TEST_EXPECT_MSG_EQ(lab.State(), before, "nothing changed");

        // A parse error anywhere: nothing.
        const PolicyConfigResult parse = lab.config.ApplyText(lab.router,
                                                              "ip rule flush\n"
                                                              "ip rule add to 10.1.2 lookup 5\n",
                                                              "parse.cfg");
        NS_TEST_EXPECT_MSG_EQ(parse.ErrorText(),
                              "parse.cfg:2:16: expected a prefix (a.b.c.d/len or default) after "
                              "\"to\", found \"10.1.2\"\n",
                              "parse error");
        NS_TEST_EXPECT_MSG_EQ(lab.State(), before, "nothing changed");

        // Check() finds the same without touching anything.
        const PolicyConfigResult check =
            lab.config.Check(lab.router,
                             "shapecfg attach shaper1 eth1\nshapecfg attach shaper2 "
                             "eth1\n",
                             "check.cfg");
        NS_TEST_EXPECT_MSG_EQ(check.ErrorText(),
                              "check.cfg:2:25: device \"eth1\" already has a shaper attached\n",
                              "Check");
        NS_TEST_EXPECT_MSG_EQ(lab.State(), before, "nothing changed");

        // A rule preference beyond 2.1's 255.
        const PolicyConfigResult pref =
            lab.config.ApplyText(lab.router,
                                 "ip rule add from 10.0.0.0/8 lookup 5 pref 1000",
                                 "pref.cfg");
        NS_TEST_EXPECT_MSG_EQ(pref.ErrorText(),
                              "pref.cfg:1:1: preference 1000 is above 255: node 2 numbers its "
                              "rules as Linux 2.1 did (Ipv4PolicyRouting RuleStyle Linux21, "
                              "preferences 0..255); set RuleStyle to Modern for iproute2 "
                              "preferences\n",
                              "2.1 preferences");

        // ns-3 cannot remove devices: a shaper created by a failing file stays, detached and
        // unnamed.
        const PolicyConfigResult created =
            lab.config.ApplyText(lab.router,
                                 "shapecfg attach shaper9 eth2\nip rule del pref 77\n",
                                 "created.cfg");
        NS_TEST_EXPECT_MSG_EQ(created.Ok(), false, "fails");
        NS_TEST_EXPECT_MSG_EQ(lab.config.FindDevice(lab.router, "shaper9"),
                              Ptr<NetDevice>(nullptr),
                              "not named");
        Ptr<ShaperNetDevice> leftover =
            DynamicCast<ShaperNetDevice>(lab.router->GetDevice(lab.router->GetNDevices() - 1));
        NS_TEST_ASSERT_MSG_NE(leftover, nullptr, "the created shaper is the last device");
        NS_TEST_EXPECT_MSG_EQ(leftover->IsAttached(), false, "detached");

        // The old configuration still carries packets.
        std::vector<IcmpReport> icmp;
        TestNetwork::SendAt(Seconds(1),
                            lab.net.Sender(lab.hostA, 0x00, &icmp),
                            "203.0.113.10",
                            9,
                            100,
                            2);
        TestNetwork::SendAt(Seconds(2),
                            lab.net.Sender(lab.hostB, 0x00, &icmp),
                            "203.0.113.10",
                            9,
                            300,
                            2);
        TestNetwork::Run();
        NS_TEST_EXPECT_MSG_EQ(Lab::Count(lab.atUp1, "10.1.0.2", 100), 2, "hostA via up1");
        NS_TEST_EXPECT_MSG_EQ(Lab::Count(lab.atUp2, "10.2.0.2", 300), 2, "hostB via up2");
        NS_TEST_EXPECT_MSG_EQ(icmp.size(), 0, "no errors");
    }
};

/**
 * \ingroup policy-routing-tests
 * shaper.txt's setup as text: shapecfg creates and attaches shaper0, sets its speed; ifconfig
 * and route put traffic through it; what the router sends is paced at the speed.
 */
class ShapecfgTestCase : public TestCase
{
  public:
    ShapecfgTestCase()
        : TestCase("shapecfg attach and speed, ifconfig shaper0, route via shaper0: 64 kbit per s")
    {
    }

  private:
    static void Send(Ptr<Socket> s, uint32_t size)
    {
        s->SendTo(Create<Packet>(size), 0, InetSocketAddress("10.9.0.2", 9));
    }

    static void Arrival(std::vector<Time>* times, Ptr<Socket> s)
    {
        Address from;
        while (s->RecvFrom(from))
        {
            times->push_back(Simulator::Now());
        }
    }

    void DoRun() override
    {
        TestNetwork net;
        Ptr<Node> router = net.AddNode();
        Ptr<Node> remote = net.AddNode();
        Ptr<SimpleChannel> channel = CreateObject<SimpleChannel>();
        Ptr<SimpleNetDevice> eth0 = CreateObject<SimpleNetDevice>();
        eth0->SetAddress(Mac48Address::Allocate());
        eth0->SetChannel(channel);
        router->AddDevice(eth0);
        net.Attach(remote, "10.9.0.2/24", channel);

        PolicyConfigHelper config;
        std::ostringstream out;
        config.SetOutputStream(&out);
        config.SetAbortOnError(false);
        config.NameDevices(router);
        config.NameDevices(remote);
        const std::string path = CreateTempDirFilename("shaper.cfg");
        {
            std::ofstream f(path);
            f << "# Documentation/networking/shaper.txt\n"
                 "insmod shaper\n"
                 "shapecfg attach shaper0 eth0\n"
                 "shapecfg speed shaper0 64000\n"
                 "ifconfig shaper0 10.9.0.1 netmask 255.255.255.0 up\n"
                 "route add -net 10.9.0.0 netmask 255.255.0.0 dev shaper0\n";
        }
        const PolicyConfigResult r = config.ApplyFile(router, path);
        std::remove(path.c_str());
        NS_TEST_ASSERT_MSG_EQ(r.Ok(), true, r.ErrorText());
        Ptr<ShaperNetDevice> shaper =
            DynamicCast<ShaperNetDevice>(config.FindDevice(router, "shaper0"));
        NS_TEST_ASSERT_MSG_NE(shaper, nullptr, "shaper0 created");
        NS_TEST_EXPECT_MSG_EQ(shaper->GetMaster(), Ptr<NetDevice>(eth0), "attached to eth0");
        NS_TEST_EXPECT_MSG_EQ(shaper->GetDataRate().GetBitRate(), 64000, "64 kbit/s");
        Ptr<Ipv4> ipv4 = router->GetObject<Ipv4>();
        NS_TEST_EXPECT_MSG_EQ(ipv4->GetInterfaceForDevice(eth0), -1, "eth0 has no interface");
        const int32_t i = ipv4->GetInterfaceForDevice(shaper);
        NS_TEST_ASSERT_MSG_GT(i, 0, "shaper0 has an interface");
        NS_TEST_EXPECT_MSG_EQ(ipv4->GetAddress(i, 0).GetLocal(), Ipv4Address("10.9.0.1"), "addr");
        NS_TEST_EXPECT_MSG_EQ(config.GetInterfaceName(router, i), "shaper0", "interface name");
        // A second shaper on the same master is refused; the speed of a non-shaper too.
        const PolicyConfigResult again =
            config.ApplyText(router, "shapecfg attach shaper1 eth0", "again.cfg");
        NS_TEST_EXPECT_MSG_EQ(again.ErrorText(),
                              "again.cfg:1:25: device \"eth0\" already has a shaper attached\n",
                              "one shaper per device");
        const PolicyConfigResult speed =
            config.ApplyText(router, "shapecfg speed eth0 9600", "speed.cfg");
        NS_TEST_EXPECT_MSG_EQ(speed.ErrorText(),
                              "speed.cfg:1:16: \"eth0\" is a device of another kind, not a "
                              "shaper\n",
                              "not a shaper");
        const PolicyConfigResult show =
            config.ApplyText(router, "ip route get 10.9.5.5\nip route show", "show.cfg");
        NS_TEST_EXPECT_MSG_EQ(show.output,
                              "10.9.5.5 dev shaper0 src 10.9.0.1 table main\n"
                              "10.9.0.0/16 dev shaper0\n"
                              "10.9.0.0/24 dev shaper0 src 10.9.0.1\n",
                              "routes through shaper0");

        std::vector<Time> arrivals;
        Ptr<Socket> sink = Socket::CreateSocket(remote, UdpSocketFactory::GetTypeId());
        sink->Bind(InetSocketAddress(Ipv4Address::GetAny(), 9));
        sink->SetRecvCallback(MakeBoundCallback(&ShapecfgTestCase::Arrival, &arrivals));
        std::vector<IcmpReport> icmp;
        Ptr<Socket> sender = net.Sender(router, 0, &icmp);
        // A small packet first (ARP resolves), then 5 packets of 972 bytes of payload (1000
        // bytes of IPv4) sent 1 ms apart: at 64 kbit/s each takes 125 ms.
        Simulator::Schedule(MilliSeconds(500), &ShapecfgTestCase::Send, sender, 72);
        for (uint32_t k = 0; k < 5; ++k)
        {
            Simulator::Schedule(Seconds(1) + MilliSeconds(k), &ShapecfgTestCase::Send, sender, 972);
        }
        Simulator::Stop(Seconds(10));
        Simulator::Run();
        Simulator::Destroy();
        NS_TEST_ASSERT_MSG_EQ(arrivals.size(), 6, "all arrive");
        for (std::size_t k = 2; k < arrivals.size(); ++k)
        {
            const Time gap = arrivals[k] - arrivals[k - 1];
            NS_TEST_EXPECT_MSG_GT_OR_EQ(gap, MilliSeconds(120), "paced at about 64 kbit/s");
            NS_TEST_EXPECT_MSG_LT(gap, MilliSeconds(140), "paced at about 64 kbit/s");
        }
    }
};

/**
 * \ingroup policy-routing-tests
 * A configuration scheduled for t = 3 s switches the default route then.
 */
class ScheduledTestCase : public TestCase
{
  public:
    ScheduledTestCase()
        : TestCase("ScheduleText: a route change at 3 s")
    {
    }

  private:
    void DoRun() override
    {
        Lab lab;
        NS_TEST_ASSERT_MSG_EQ(lab.config.ApplyText(lab.router, SEED_ROUTER, "seed.cfg").Ok(),
                              true,
                              "base");
        lab.config.ScheduleText(Seconds(3),
                                lab.router,
                                "ip route replace default via 198.51.100.2 dev eth3\n",
                                "switch.cfg");
        std::vector<IcmpReport> icmp;
        Ptr<Socket> a = lab.net.Sender(lab.hostA, 0x00, &icmp);
        TestNetwork::SendAt(Seconds(1), a, "203.0.113.10", 9, 100, 2);
        TestNetwork::SendAt(Seconds(4), a, "203.0.113.10", 9, 200, 3);
        TestNetwork::Run();
        NS_TEST_EXPECT_MSG_EQ(Lab::Count(lab.atUp1, "10.1.0.2", 100), 2, "before: up1");
        NS_TEST_EXPECT_MSG_EQ(Lab::Count(lab.atUp2, "10.1.0.2", 200), 3, "after: up2");
        NS_TEST_EXPECT_MSG_EQ(icmp.size(), 0, "no errors");
    }
};

/**
 * \ingroup policy-routing-tests
 * The configuration language suite.
 */
class PolicyConfigTestSuite : public TestSuite
{
  public:
    PolicyConfigTestSuite()
        : TestSuite("policy-config", TestSuite::Type::UNIT)
    {
        AddTestCase(new SeedSyntaxTestCase);
        AddTestCase(new PastedIproute2TestCase);
        AddTestCase(new AllOrNothingTestCase);
        AddTestCase(new ShapecfgTestCase);
        AddTestCase(new ScheduledTestCase);
    }
};

/// Static instance registering the suite.
static PolicyConfigTestSuite g_policyConfigTestSuite;
