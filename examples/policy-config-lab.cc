/*
 * SPDX-License-Identifier: GPL-2.0-only
 *
 * A lab for router configurations: a router R with two uplinks, two client networks and a
 * server address reachable over both uplinks. R is configured by a text file in the
 * configuration language (doc/configuration-language.md): the seed's 2.1 `iproute`,
 * net-tools, or a pasted iproute2 configuration. Three traffic classes are sent; the lab
 * prints which uplink each used, the ICMP errors, and what the file's show/get commands
 * printed.
 *
 *   hostA 10.1.0.2 --+ eth0                 eth2 +-- 192.0.2.2     up1 -- 203.0.113.10
 *                    |--------- R ------------|
 *   hostB 10.2.0.2 --+ eth1                 eth3 +-- 198.51.100.2  up2 -- 203.0.113.10
 *
 * R's devices have no addresses until the file gives them some. Without --config, a built-in
 * configuration in the seed's syntax is used.
 *
 *   ./policy-config-lab
 *   ./policy-config-lab --config=examples/policy-config-lab.cfg --ruleStyle=Modern
 *   ./policy-config-lab --config=my-router.cfg --check
 */

#include "ns3/core-module.h"
#include "ns3/internet-module.h"
#include "ns3/ipv4-policy-routing-helper.h"
#include "ns3/network-module.h"
#include "ns3/policy-config-helper.h"
#include "ns3/simple-channel.h"
#include "ns3/simple-net-device.h"

#include <fstream>
#include <iostream>
#include <map>
#include <sstream>
#include <vector>

using namespace ns3;

namespace
{

/// The built-in router configuration (the seed's syntax).
const char* const DEFAULT_ROUTER = R"(# R in the seed's Linux 2.1 syntax
ifconfig eth0 10.1.0.1 netmask 255.255.255.0 up
ifconfig eth1 10.2.0.1 netmask 255.255.255.0 up
ifconfig eth2 192.0.2.1 netmask 255.255.255.252 up
ifconfig eth3 198.51.100.1 netmask 255.255.255.252 up
echo 1 > /proc/sys/net/ipv4/ip_forward
route add default gw 192.0.2.2 dev eth2
iproute add default gw 198.51.100.2 dev eth3 class 101
iproute addrule from 10.2.0.0/24 class 101
iproute addrule tos 0x10 class 101
iproute -r
)";

/// Packets received per (uplink, source, TOS class).
std::map<std::string, uint32_t> g_received;

void
Receive(std::string uplink, Ptr<Socket> s)
{
    Address from;
    while (Ptr<Packet> p = s->RecvFrom(from))
    {
        // The payload size tells the traffic class (see the senders below).
        std::ostringstream key;
        key << uplink << " <- " << InetSocketAddress::ConvertFrom(from).GetIpv4() << " ("
            << p->GetSize() << " bytes)";
        g_received[key.str()]++;
    }
}

void
Icmp(std::string who, Ipv4Address source, uint8_t ttl, uint8_t type, uint8_t code, uint32_t info)
{
    std::cout << Simulator::Now().As(Time::S) << " " << who << ": ICMP type " << unsigned(type)
              << " code " << unsigned(code) << " from " << source << "\n";
}

void
Send(Ptr<Socket> s, Ipv4Address dst, uint32_t size)
{
    const uint8_t tos = s->GetIpTos();
    s->Connect(InetSocketAddress(dst, 9));
    s->SetIpTos(tos);
    s->Send(Create<Packet>(size));
}

/// A host with an address on \p channel and a default route, configured by text.
Ptr<Node>
Host(InternetStackHelper& stack,
     PolicyConfigHelper& config,
     Ptr<SimpleChannel> channel,
     const std::string& text)
{
    Ptr<Node> n = CreateObject<Node>();
    stack.Install(n);
    Ptr<SimpleNetDevice> dev = CreateObject<SimpleNetDevice>();
    dev->SetAddress(Mac48Address::Allocate());
    dev->SetChannel(channel);
    n->AddDevice(dev);
    config.NameDevices(n);
    config.ApplyText(n, text, "host.cfg");
    return n;
}

} // namespace

int
main(int argc, char* argv[])
{
    std::string configFile;
    std::string ruleStyle = "Linux21";
    bool check = false;
    uint32_t count = 5;
    CommandLine cmd(__FILE__);
    cmd.AddValue("config", "router configuration file (default: a built-in one)", configFile);
    cmd.AddValue("ruleStyle", "Ipv4PolicyRouting RuleStyle of R (Linux21 or Modern)", ruleStyle);
    cmd.AddValue("check", "only parse and check the configuration", check);
    cmd.AddValue("count", "packets per traffic class", count);
    cmd.Parse(argc, argv);

    Ipv4PolicyRoutingHelper policy;
    policy.Set("RuleStyle", StringValue(ruleStyle));
    InternetStackHelper stack;
    stack.SetIpv6StackInstall(false);
    stack.SetRoutingHelper(policy);
    PolicyConfigHelper config;

    // R with four bare devices.
    Ptr<Node> router = CreateObject<Node>();
    stack.Install(router);
    std::vector<Ptr<SimpleChannel>> links;
    for (int k = 0; k < 4; ++k)
    {
        links.push_back(CreateObject<SimpleChannel>());
        Ptr<SimpleNetDevice> dev = CreateObject<SimpleNetDevice>();
        dev->SetAddress(Mac48Address::Allocate());
        dev->SetChannel(links.back());
        router->AddDevice(dev);
    }
    config.NameDevices(router); // eth0 .. eth3

    Ptr<Node> hostA = Host(stack,
                           config,
                           links[0],
                           "ip addr add 10.1.0.2/24 dev eth0\nip link set eth0 up\n"
                           "ip route add default via 10.1.0.1");
    Ptr<Node> hostB = Host(stack,
                           config,
                           links[1],
                           "ip addr add 10.2.0.2/24 dev eth0\nip link set eth0 up\n"
                           "ip route add default via 10.2.0.1");
    Ptr<Node> up1 = Host(stack,
                         config,
                         links[2],
                         "ip addr add 192.0.2.2/30 dev eth0\nip link set eth0 up\n"
                         "ip route add 10.0.0.0/8 via 192.0.2.1");
    Ptr<Node> up2 = Host(stack,
                         config,
                         links[3],
                         "ip addr add 198.51.100.2/30 dev eth0\nip link set eth0 up\n"
                         "ip route add 10.0.0.0/8 via 198.51.100.1");
    // The server address behind each uplink.
    for (Ptr<Node> up : {up1, up2})
    {
        Ptr<SimpleNetDevice> dev = CreateObject<SimpleNetDevice>();
        dev->SetAddress(Mac48Address::Allocate());
        dev->SetChannel(CreateObject<SimpleChannel>());
        up->AddDevice(dev);
        config.NameDevices(up);
        config.ApplyText(up, "ip addr add 203.0.113.10/24 dev eth1\nip link set eth1 up", "up");
    }

    // R's configuration.
    std::string text = DEFAULT_ROUTER;
    std::string name = "built-in";
    if (!configFile.empty())
    {
        std::ifstream in(configFile);
        if (!in)
        {
            std::cerr << configFile << ": cannot read the file\n";
            return 1;
        }
        std::ostringstream ss;
        ss << in.rdbuf();
        text = ss.str();
        name = configFile;
    }
    std::cout << "=== configuring R from " << name << "\n";
    config.SetAbortOnError(false);
    const PolicyConfigResult result =
        check ? config.Check(router, text, name) : config.ApplyText(router, text, name);
    for (const ConfigNote& n : result.notes)
    {
        std::cout << "note: " << n.ToString() << "\n";
    }
    if (!result.errors.empty())
    {
        std::cerr << result.ErrorText();
        return 1;
    }
    if (check)
    {
        std::cout << "=== " << name << " passes the checks\n";
        return 0;
    }

    // Traffic: hostA TOS 0 (100 bytes), hostA TOS 0x10 (200 bytes), hostB TOS 0 (300 bytes).
    for (auto [up, name] : {std::make_pair(up1, "up1"), std::make_pair(up2, "up2")})
    {
        Ptr<Socket> sink = Socket::CreateSocket(up, UdpSocketFactory::GetTypeId());
        sink->Bind(InetSocketAddress(Ipv4Address::GetAny(), 9));
        sink->SetRecvCallback(MakeBoundCallback(&Receive, std::string(name)));
    }

    struct Flow
    {
        Ptr<Node> node;
        std::string name;
        uint8_t tos;
        uint32_t size;
    };

    std::vector<Flow> flows = {{hostA, "hostA tos 0x00", 0x00, 100},
                               {hostA, "hostA tos 0x10", 0x10, 200},
                               {hostB, "hostB tos 0x00", 0x00, 300}};
    std::vector<Ptr<Socket>> senders;
    for (std::size_t f = 0; f < flows.size(); ++f)
    {
        Ptr<Socket> s = Socket::CreateSocket(flows[f].node, UdpSocketFactory::GetTypeId());
        s->SetAttribute("IcmpCallback", CallbackValue(MakeBoundCallback(&Icmp, flows[f].name)));
        s->Bind();
        s->SetIpTos(flows[f].tos);
        for (uint32_t k = 0; k < count; ++k)
        {
            Simulator::Schedule(Seconds(1 + f) + MilliSeconds(20 * k),
                                &Send,
                                s,
                                Ipv4Address("203.0.113.10"),
                                flows[f].size);
        }
        senders.push_back(s);
    }
    Simulator::Stop(Seconds(10));
    Simulator::Run();
    Simulator::Destroy();

    std::cout << "=== where the packets went\n";
    for (const auto& [key, n] : g_received)
    {
        std::cout << key << ": " << n << "\n";
    }
    return 0;
}
