/*
 * SPDX-License-Identifier: GPL-2.0-only
 *
 * A routing class looked up by each algorithm: the worked examples of RFC 1812 5.2.4.3, the
 * Linux kernel's behaviour, RFC 1812 E.3.2 and E.3.1, side by side.
 *
 *   route-class-lookup [--dst=10.1.2.3] [--tos=16]
 */

#include "ns3/command-line.h"
#include "ns3/ipv4-address.h"
#include "ns3/route-class.h"

#include <iomanip>
#include <iostream>

using namespace ns3;

namespace
{

RouteEntry
Via(const char* prefix, uint8_t len, const char* gw, uint8_t tos, uint32_t metric = 0)
{
    RouteEntry e;
    e.prefix = Ipv4Address(prefix).Get();
    e.length = len;
    e.tos = tos;
    e.metric = metric;
    e.info.gateway = Ipv4Address(gw).Get();
    e.info.interface = 1;
    return e;
}

void
Show(const std::string& title, const RouteClass& c, Ipv4Address dst, uint8_t tos)
{
    std::cout << title << "\n";
    for (const RouteEntry& e : c.Entries())
    {
        std::cout << "    " << e << "\n";
    }
    std::cout << "  lookup " << dst << " tos 0x" << std::hex << unsigned(tos) << std::dec << ":\n";
    for (LookupAlgorithm alg : {LookupAlgorithm::LINUX,
                                LookupAlgorithm::RFC1812,
                                LookupAlgorithm::RFC1812_VARIANT,
                                LookupAlgorithm::RFC1812_CLASSIC})
    {
        ClassLookup r = c.Lookup(dst.Get(), tos, alg);
        std::cout << "    " << std::setw(16) << std::left << LookupAlgorithmName(alg);
        if (r.IsMatch())
        {
            std::cout << "-> " << r.Entry() << "\n";
        }
        else if (r.status == ClassLookup::NO_MATCH_TOS)
        {
            std::cout << "-> unreachable for TOS (ICMP 3/11 in RFC mode)\n";
        }
        else
        {
            std::cout << "-> network unreachable (ICMP 3/0)\n";
        }
    }
    std::cout << "\n";
}

} // namespace

int
main(int argc, char* argv[])
{
    std::string dst = "10.1.2.3";
    uint32_t tos = 0x10;
    CommandLine cmd(__FILE__);
    cmd.AddValue("dst", "destination address", dst);
    cmd.AddValue("tos", "packet TOS octet", tos);
    cmd.Parse(argc, argv);
    const Ipv4Address d(dst.c_str());
    const auto t = static_cast<uint8_t>(tos);

    RouteClass c1;
    c1.Insert(Via("10.0.0.0", 8, "192.0.2.1", 0x10));
    c1.Insert(Via("10.1.0.0", 16, "192.0.2.2", 0x08));
    c1.Insert(Via("0.0.0.0", 0, "192.0.2.3", 0));
    Show("Class 1: a foreign-TOS route at the longest prefix", c1, d, t);

    RouteClass c2;
    c2.Insert(Via("10.1.0.0", 16, "192.0.2.2", 0));
    c2.Insert(Via("0.0.0.0", 0, "192.0.2.3", 0x10));
    Show("Class 2: TOS 0 network route vs an exact-TOS default", c2, d, t);

    RouteClass c3;
    c3.Insert(Via("10.1.0.0", 16, "192.0.2.2", 0, 5));
    c3.Insert(Via("10.1.0.0", 16, "192.0.2.4", 0x10, 9));
    Show("Class 3: same prefix, TOS 0 metric 5 vs exact TOS metric 9", c3, d, t);
    return 0;
}
