/*
 * SPDX-License-Identifier: GPL-2.0-only
 *
 * The network of examples/tos-classes.cc, as data: a router R with four paths (P1..P4) to a
 * router M that serves three destination networks, and R's routes, each with a TOS. From it,
 * RouterRoutes() gives R's routes without ns-3 (the GoogleTests), and TosDemoNetwork builds the
 * ns-3 nodes (the example and the policy-routing-tos-classes suite, each with its own links).
 *
 *                     +-- P1 --+
 *                     +-- P2 --+       +-- D1 10.9.1.0/24
 *   S --- 10.0.0.0/24 R        M ------+-- D2 10.9.2.0/24
 *                     +-- P3 --+       +-- D3 192.0.2.0/24
 *                     +-- P4 --+
 *
 * R's routes (TOS octet, RFC 1349 names):
 *
 *   TOS 0x00            default via P1; 10.9.2.0/24 via P2 metric 10 and via P4 metric 20
 *   0x02 (mincost)      10.9.0.0/16 via P3; 10.9.1.0/24 via P4
 *   0x04 (reliability)  10.9.1.0/24 via P2
 *   0x08 (throughput)   10.9.0.0/16 via P4
 *   0x10 (lowdelay)     default via P3
 *   the other 11 values one route each: value v (octet 2v) to {10.9.1.0/24, 10.9.2.0/24,
 *                       192.0.2.0/24}[v mod 3] via P(v mod 4 + 1)
 */

#ifndef TOS_CLASSES_NETWORK_H
#define TOS_CLASSES_NETWORK_H

#include "ns3/enum.h"
#include "ns3/internet-stack-helper.h"
#include "ns3/ipv4-policy-routing-helper.h"
#include "ns3/ipv4.h"
#include "ns3/net-device-container.h"
#include "ns3/node.h"
#include "ns3/ospf-classes-helper.h"
#include "ns3/tos-classes-helper.h"

#include <functional>
#include <map>
#include <string>
#include <vector>

namespace tosdemo
{

using namespace ns3;

/// A link: a gets the subnet's first address, b the second.
struct LinkDef
{
    const char* a;      //!< first node
    const char* b;      //!< second node
    const char* subnet; //!< "a.b.c.d/len"
};

/// A route of R.
struct RouteDef
{
    std::string prefix; //!< destination
    uint8_t tos;        //!< TOS octet
    uint32_t path;      //!< 1..4: via P1..P4
    uint32_t metric;    //!< metric
};

/// \return the nodes: routers first, then hosts
inline const std::vector<std::string>&
Nodes()
{
    static const std::vector<std::string>
        n{"R", "P1", "P2", "P3", "P4", "M", "S", "D1", "D2", "D3"};
    return n;
}

/// \return true for the hosts (they do not forward)
inline bool
IsHost(const std::string& name)
{
    return name == "S" || name[0] == 'D';
}

/// \return the links, in creation order (R's interfaces: S 1, P1 2, P2 3, P3 4, P4 5)
inline const std::vector<LinkDef>&
Links()
{
    static const std::vector<LinkDef> l{
        {"R", "S", "10.0.0.0/24"},
        {"R", "P1", "10.10.1.0/30"},
        {"R", "P2", "10.10.2.0/30"},
        {"R", "P3", "10.10.3.0/30"},
        {"R", "P4", "10.10.4.0/30"},
        {"P1", "M", "10.20.1.0/30"},
        {"P2", "M", "10.20.2.0/30"},
        {"P3", "M", "10.20.3.0/30"},
        {"P4", "M", "10.20.4.0/30"},
        {"M", "D1", "10.9.1.0/24"},
        {"M", "D2", "10.9.2.0/24"},
        {"M", "D3", "192.0.2.0/24"},
    };
    return l;
}

/// \return the destinations: (host, address)
inline const std::vector<std::pair<std::string, std::string>>&
Destinations()
{
    static const std::vector<std::pair<std::string, std::string>> d{{"D1", "10.9.1.2"},
                                                                    {"D2", "10.9.2.2"},
                                                                    {"D3", "192.0.2.2"}};
    return d;
}

/// \return R's routes
inline std::vector<RouteDef>
Routes()
{
    std::vector<RouteDef> r{
        {"default", 0x00, 1, 0},
        {"10.9.2.0/24", 0x00, 2, 10},
        {"10.9.2.0/24", 0x00, 4, 20},
        {"10.9.0.0/16", 0x02, 3, 0},
        {"10.9.1.0/24", 0x02, 4, 0},
        {"10.9.1.0/24", 0x04, 2, 0},
        {"10.9.0.0/16", 0x08, 4, 0},
        {"default", 0x10, 3, 0},
    };
    const char* prefixes[3] = {"10.9.1.0/24", "10.9.2.0/24", "192.0.2.0/24"};
    for (uint8_t v = 3; v < 16; ++v)
    {
        if (v == 4 || v == 8)
        {
            continue;
        }
        r.push_back({prefixes[v % 3], static_cast<uint8_t>(v << 1), v % 4u + 1, 0});
    }
    return r;
}

/// \return R's interface towards P\p path
inline uint32_t
PathInterface(uint32_t path)
{
    return 1 + path;
}

/// \return P\p path's address on its link to R (R's next hop)
inline uint32_t
PathGateway(uint32_t path)
{
    return OspfPrefix::Parse(Links()[path].subnet).address + 2;
}

/// \return R's routes as nodes (gateway and interface resolved)
inline std::vector<RouteEntry>
RouterRoutes()
{
    std::vector<RouteEntry> out;
    for (const RouteDef& d : Routes())
    {
        const OspfPrefix p = OspfPrefix::Parse(d.prefix);
        RouteEntry e;
        e.prefix = p.address;
        e.length = p.length;
        e.tos = d.tos;
        e.metric = d.metric;
        e.info.gateway = PathGateway(d.path);
        e.info.interface = PathInterface(d.path);
        out.push_back(e);
    }
    return out;
}

/// How R's routes are arranged.
enum class Arrangement
{
    CLASSES, //!< the seed: 16 classes, one per TOS (E.3.2 by rules and classes)
    VARIANT, //!< one class looked up by the engine's RFC 1812 E.3.2 algorithm
    RFC1812, //!< one class looked up by RFC 1812 5.2.4.3 (longest match before weak TOS)
};

/// The class that holds every route in the single-class arrangements.
constexpr uint32_t SINGLE_CLASS = 100;

/**
 * \return R's layout for \p a: the seed's TosClassLayout, or one class behind the interface
 * routes (rules: class 254 pref 10, class 100 pref 100)
 */
inline PolicyLayout
RouterLayout(Arrangement a)
{
    if (a == Arrangement::CLASSES)
    {
        return TosClassLayout(RouterRoutes());
    }
    PolicyLayout layout;
    for (const RouteEntry& e : RouterRoutes())
    {
        layout.routes.push_back({SINGLE_CLASS, e, ""});
    }
    PolicyLayoutRule interfaces;
    interfaces.rule.classId = CLASS_MAIN;
    interfaces.preference = TOS_RULE_INTERFACES_PREF;
    layout.rules.push_back(interfaces);
    PolicyLayoutRule all;
    all.rule.classId = SINGLE_CLASS;
    all.preference = TOS_RULE_PREF_BASE;
    layout.rules.push_back(all);
    return layout;
}

/// \return the lookup algorithm R uses in arrangement \p a
inline Ipv4PolicyRouting::Algorithm
RouterAlgorithm(Arrangement a)
{
    return a == Arrangement::VARIANT ? Ipv4PolicyRouting::ALGORITHM_RFC1812_VARIANT
                                     : Ipv4PolicyRouting::ALGORITHM_RFC1812;
}

/// Creates the devices of a link between two nodes.
using LinkFactory = std::function<NetDeviceContainer(Ptr<Node>, Ptr<Node>)>;

/**
 * The network in ns-3: every node runs Ipv4PolicyRouting (rule style Linux21). R gets its
 * layout with Install(); P1..P4 route 10.9.0.0/16 and 192.0.2.0/24 to M and 10.0.0.0/24 to R;
 * M routes 10.0.0.0/24 back through P1; hosts have default routes.
 */
struct TosDemoNetwork
{
    std::map<std::string, Ptr<Node>> nodes; //!< by name
    NodeContainer all;                      //!< every node
    std::vector<NetDeviceContainer> links;  //!< devices of Links(), in order

    /// \return the node called \p name
    Ptr<Node> Get(const std::string& name) const
    {
        return nodes.at(name);
    }

    /// \return the name of \p node
    std::string NameOf(Ptr<Node> node) const
    {
        for (const auto& [name, n] : nodes)
        {
            if (n == node)
            {
                return name;
            }
        }
        return "";
    }

    /// Build nodes, links and the static routes of every node but R.
    void Build(const LinkFactory& link)
    {
        Ipv4PolicyRoutingHelper policy;
        InternetStackHelper stack;
        stack.SetIpv6StackInstall(false);
        stack.SetRoutingHelper(policy);
        for (const std::string& name : Nodes())
        {
            Ptr<Node> n = CreateObject<Node>();
            stack.Install(n);
            nodes[name] = n;
            all.Add(n);
        }
        for (const LinkDef& l : Links())
        {
            NetDeviceContainer d = link(Get(l.a), Get(l.b));
            links.push_back(d);
            const OspfPrefix net = OspfPrefix::Parse(l.subnet);
            const std::string ends[2] = {l.a, l.b};
            for (int k = 0; k < 2; ++k)
            {
                Ptr<Ipv4> ipv4 = Get(ends[k])->GetObject<Ipv4>();
                const uint32_t i = ipv4->AddInterface(d.Get(k));
                ipv4->AddAddress(
                    i,
                    Ipv4InterfaceAddress(Ipv4Address(net.address + 1 + k), Ipv4Mask(net.Mask())));
                ipv4->SetForwarding(i, !IsHost(ends[k]));
                ipv4->SetUp(i);
            }
        }
        auto address = [](const char* subnet, uint32_t host) {
            return Ipv4Address(OspfPrefix::Parse(subnet).address + host);
        };
        for (uint32_t p = 1; p <= 4; ++p)
        {
            Ptr<Node> node = Get("P" + std::to_string(p));
            const LinkDef& toR = Links()[p];
            const LinkDef& toM = Links()[4 + p];
            policy.AddRoute(node, PolicyRouteSpec("10.9.0.0/16").Via(address(toM.subnet, 2)));
            policy.AddRoute(node, PolicyRouteSpec("192.0.2.0/24").Via(address(toM.subnet, 2)));
            policy.AddRoute(node, PolicyRouteSpec("10.0.0.0/24").Via(address(toR.subnet, 1)));
        }
        policy.AddRoute(Get("M"),
                        PolicyRouteSpec("10.0.0.0/24").Via(address(Links()[5].subnet, 1)));
        for (const LinkDef& l : Links())
        {
            if (IsHost(l.b))
            {
                policy.AddRoute(Get(l.b), PolicyRouteSpec("default").Via(address(l.subnet, 1)));
            }
        }
    }

    /// Install R's routes arranged as \p a.
    void Install(Arrangement a)
    {
        Ptr<Ipv4PolicyRouting> r = Ipv4PolicyRoutingHelper::GetPolicyRouting(Get("R"));
        r->SetAttribute("LookupAlgorithm", EnumValue(RouterAlgorithm(a)));
        InstallPolicyLayout(r, RouterLayout(a));
    }
};

} // namespace tosdemo

#endif /* TOS_CLASSES_NETWORK_H */
