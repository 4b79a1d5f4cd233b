/*
 * SPDX-License-Identifier: GPL-2.0-only
 *
 * The multi-area OSPF domain of examples/ospf-classes.cc, as data: routers, links with areas
 * and costs, hosts, area ranges, an external router E and the AS-external routes two AS
 * boundary routers inject. From it, PureTopology() makes the OspfTopology without ns-3 (the
 * GoogleTests), and OspfDemoNetwork builds the ns-3 nodes (the example and the
 * policy-routing-ospf-classes suite, each with its own kind of link).
 *
 *   area 1: 10.1.0.0/16,            backbone (area 0):             area 2: 10.2.0.0/16
 *           10.11.0.0/16            10.0.0.0/16
 *            H1                         H0
 *            |1                         |1
 *   A1 --10-- A2 --30-- B3 --10------- C ------10-- B2 --10-- D1 --1-- H2
 *    |                   |5           / \           |25        |30
 *    +--------10-------- B1 ----10---+   E -------- X ---------+
 *
 * B1 and B3 are the area border routers of area 1, B2 that of area 2; C (backbone) and X
 * (area 2) are AS boundary routers. Numbers are OSPF costs (the same in both directions).
 * C and X reach the external router E over links
 * that do not run OSPF (172.16.0.4/30, 172.16.0.0/30); E owns the external destinations.
 */

#ifndef OSPF_CLASSES_NETWORK_H
#define OSPF_CLASSES_NETWORK_H

#include "ns3/internet-stack-helper.h"
#include "ns3/ipv4-policy-routing-helper.h"
#include "ns3/ipv4.h"
#include "ns3/net-device-container.h"
#include "ns3/node.h"
#include "ns3/ospf-classes-helper.h"

#include <functional>
#include <map>
#include <string>
#include <vector>

namespace ospfdemo
{

using namespace ns3;

/// A link: a gets the subnet's first address, b the second.
struct LinkDef
{
    const char* a;      //!< first node
    const char* b;      //!< second node
    const char* subnet; //!< "a.b.c.d/len"
    int area;           //!< OSPF area, -1: the link does not run OSPF
    uint32_t cost;      //!< OSPF cost (both OSPF ends)
};

/// An AS-external route an ASBR injects (its next hop is E, or on-link for the E link).
struct ExternalDef
{
    const char* asbr;   //!< the router
    const char* prefix; //!< destination
    uint8_t type;       //!< 1 or 2
    uint32_t metric;    //!< external cost
    bool onLink;        //!< the E link's own subnet (no gateway)
};

/// \return the OSPF routers, in router-index order
inline const std::vector<std::string>&
Routers()
{
    static const std::vector<std::string> r{"C", "B1", "B2", "B3", "A1", "A2", "D1", "X"};
    return r;
}

/// \return the hosts (each on a stub network of one router)
inline const std::vector<std::string>&
Hosts()
{
    static const std::vector<std::string> h{"H0", "H1", "H2"};
    return h;
}

/// The external router.
constexpr const char* EXTERNAL = "E";

/// \return the links, in the order they are created (which fixes interface indices)
inline const std::vector<LinkDef>&
Links()
{
    static const std::vector<LinkDef> l{
        // backbone
        {"C", "B1", "10.0.0.0/30", 0, 10},
        {"C", "B2", "10.0.0.4/30", 0, 10},
        {"C", "B3", "10.0.0.8/30", 0, 10},
        {"B1", "B3", "10.0.0.12/30", 0, 5},
        // area 1
        {"B1", "A1", "10.11.0.0/30", 1, 10},
        {"A1", "A2", "10.11.0.4/30", 1, 10},
        {"B3", "A2", "10.11.0.8/30", 1, 30},
        // area 2
        {"B2", "D1", "10.2.0.0/30", 2, 10},
        {"D1", "X", "10.2.0.4/30", 2, 30},
        {"B2", "X", "10.2.0.8/30", 2, 25},
        // stub networks with a host
        {"C", "H0", "10.0.100.0/24", 0, 1},
        {"A2", "H1", "10.1.0.0/16", 1, 1},
        {"D1", "H2", "10.2.100.0/24", 2, 1},
        // to the external router (no OSPF)
        {"X", "E", "172.16.0.0/30", -1, 0},
        {"C", "E", "172.16.0.4/30", -1, 0},
    };
    return l;
}

/// \return the configured address ranges per area
inline const std::map<uint32_t, std::vector<std::string>>&
AreaRanges()
{
    static const std::map<uint32_t, std::vector<std::string>> a{
        {0, {"10.0.0.0/16"}},
        {1, {"10.1.0.0/16", "10.11.0.0/16"}},
        {2, {"10.2.0.0/16"}},
    };
    return a;
}

/// \return the AS-external routes
inline const std::vector<ExternalDef>&
Externals()
{
    static const std::vector<ExternalDef> e{
        // type 1: total cost decides (X is nearer for area 2, C for area 1 and the backbone)
        {"X", "192.0.2.0/24", 1, 10, false},
        {"C", "192.0.2.0/24", 1, 25, false},
        // type 2, equal external cost: the nearer ASBR
        {"X", "198.51.100.0/24", 2, 20, false},
        {"C", "198.51.100.0/24", 2, 20, false},
        // type 2: the smaller external cost, however far
        {"X", "203.0.113.0/24", 2, 5, false},
        {"C", "203.0.113.0/24", 2, 50, false},
        // type 1 is preferred to type 2, whatever the costs
        {"X", "100.64.0.0/10", 1, 50, false},
        {"C", "100.64.0.0/10", 2, 1, false},
        // a /24 inside area 1's /16: route class beats longest match (RFC 1812 E.3.3)
        {"X", "10.1.77.0/24", 2, 1, false},
        // a default route
        {"C", "0.0.0.0/0", 2, 100, false},
        // the ASBRs' links to E, redistributed
        {"X", "172.16.0.0/30", 2, 1, true},
        {"C", "172.16.0.4/30", 2, 1, true},
    };
    return e;
}

/// \return E's addresses behind the external routes (added to its link to X as /32)
inline const std::vector<std::string>&
ExternalAddresses()
{
    static const std::vector<std::string> a{"192.0.2.1",
                                            "198.51.100.1",
                                            "203.0.113.1",
                                            "100.64.0.1",
                                            "10.1.77.5"};
    return a;
}

/// \return the address number \p host (1 or 2) of \p subnet
inline uint32_t
HostAddress(const std::string& subnet, uint32_t host)
{
    return OspfPrefix::Parse(subnet).address + host;
}

/// \return true if \p name is an OSPF router
inline bool
IsRouter(const std::string& name)
{
    for (const std::string& r : Routers())
    {
        if (r == name)
        {
            return true;
        }
    }
    return false;
}

/// \return the router index of \p name
inline int32_t
RouterIndex(const std::string& name)
{
    for (std::size_t i = 0; i < Routers().size(); ++i)
    {
        if (Routers()[i] == name)
        {
            return static_cast<int32_t>(i);
        }
    }
    return -1;
}

/**
 * The topology without ns-3: interface indices as ns-3 gives them when the links are created
 * in Links() order (the loopback is interface 0).
 */
inline OspfTopology
PureTopology()
{
    OspfTopology t;
    for (const auto& [id, ranges] : AreaRanges())
    {
        OspfAreaSpec a;
        a.id = id;
        for (const std::string& r : ranges)
        {
            a.ranges.push_back(OspfPrefix::Parse(r));
        }
        t.areas.push_back(a);
    }
    t.routers.resize(Routers().size());
    std::map<std::string, uint32_t> next; // next interface index per node
    std::map<std::string, uint32_t> toE;  // interface of a router's link to E
    std::map<std::string, uint32_t> eAddress;
    for (std::size_t r = 0; r < Routers().size(); ++r)
    {
        t.routers[r].name = Routers()[r];
    }
    for (const LinkDef& l : Links())
    {
        const OspfPrefix net = OspfPrefix::Parse(l.subnet);
        const uint32_t ia = ++next[l.a];
        const uint32_t ib = ++next[l.b];
        const std::string ends[2] = {l.a, l.b};
        const uint32_t index[2] = {ia, ib};
        for (int k = 0; k < 2; ++k)
        {
            if (!IsRouter(ends[k]))
            {
                continue;
            }
            OspfInterfaceSpec f;
            f.interface = index[k];
            f.address = net.address + 1 + k;
            f.length = net.length;
            f.ospf = l.area >= 0;
            f.area = l.area >= 0 ? l.area : 0;
            f.cost = l.cost;
            const std::string& other = ends[1 - k];
            if (f.ospf && IsRouter(other))
            {
                f.neighbor = RouterIndex(other);
                f.neighborAddress = net.address + 2 - k;
            }
            if (other == EXTERNAL)
            {
                toE[ends[k]] = f.interface;
                eAddress[ends[k]] = net.address + 2 - k;
            }
            t.routers[RouterIndex(ends[k])].interfaces.push_back(f);
        }
    }
    for (const ExternalDef& e : Externals())
    {
        OspfExternalSpec x;
        x.prefix = OspfPrefix::Parse(e.prefix);
        x.type = e.type;
        x.metric = e.metric;
        x.gateway = e.onLink ? 0 : eAddress.at(e.asbr);
        x.interface = toE.at(e.asbr);
        t.routers[RouterIndex(e.asbr)].externals.push_back(x);
    }
    return t;
}

/// Creates the devices of a link between two nodes (point-to-point, simple channel, ...).
using LinkFactory = std::function<NetDeviceContainer(Ptr<Node>, Ptr<Node>)>;

/**
 * The network in ns-3: every node runs Ipv4PolicyRouting (LookupAlgorithm Rfc1812, rule style
 * Linux21); routers forward, hosts do not; hosts and E have static routes in MAIN; the OSPF
 * helper knows the routers, interfaces, ranges and externals (call ospf.Install()).
 */
struct OspfDemoNetwork
{
    std::map<std::string, Ptr<Node>> nodes; //!< every node by name
    NodeContainer routers;                  //!< the OSPF routers, in router order
    NodeContainer all;                      //!< every node
    std::vector<NetDeviceContainer> links;  //!< devices of Links(), in order
    OspfClassesHelper ospf;                 //!< the OSPF helper, configured

    /// \return the node called \p name
    Ptr<Node> Get(const std::string& name) const
    {
        return nodes.at(name);
    }

    /// \return the name of \p node ("" if not in the network)
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

    /// \return the node that owns \p address, or null
    Ptr<Node> Owner(Ipv4Address address) const
    {
        for (const auto& [name, n] : nodes)
        {
            Ptr<Ipv4> ipv4 = n->GetObject<Ipv4>();
            for (uint32_t i = 0; i < ipv4->GetNInterfaces(); ++i)
            {
                for (uint32_t k = 0; k < ipv4->GetNAddresses(i); ++k)
                {
                    if (ipv4->GetAddress(i, k).GetLocal() == address)
                    {
                        return n;
                    }
                }
            }
        }
        return nullptr;
    }

    /**
     * Build the nodes and links.
     * \param link creates the devices of a link
     * \param policy the routing helper every node gets (attributes already set)
     */
    void Build(const LinkFactory& link, const Ipv4PolicyRoutingHelper& policy)
    {
        std::vector<std::string> names = Routers();
        names.insert(names.end(), Hosts().begin(), Hosts().end());
        names.emplace_back(EXTERNAL);
        InternetStackHelper stack;
        stack.SetIpv6StackInstall(false);
        stack.SetRoutingHelper(policy);
        for (const std::string& name : names)
        {
            Ptr<Node> n = CreateObject<Node>();
            stack.Install(n);
            nodes[name] = n;
            all.Add(n);
            if (IsRouter(name))
            {
                routers.Add(n);
            }
        }
        std::map<std::string, uint32_t> toE;
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
                ipv4->SetForwarding(i, IsRouter(ends[k]) || ends[k] == EXTERNAL);
                ipv4->SetUp(i);
            }
        }

        // The OSPF domain.
        for (const std::string& r : Routers())
        {
            ospf.AddRouter(Get(r), r);
        }
        for (std::size_t k = 0; k < Links().size(); ++k)
        {
            const LinkDef& l = Links()[k];
            if (l.area < 0)
            {
                continue;
            }
            for (int e = 0; e < 2; ++e)
            {
                const char* end = e == 0 ? l.a : l.b;
                if (IsRouter(end))
                {
                    ospf.SetInterface(Get(end), links[k].Get(e), l.area, l.cost);
                }
            }
        }
        for (const auto& [id, ranges] : AreaRanges())
        {
            for (const std::string& r : ranges)
            {
                ospf.AddAreaRange(id, r);
            }
        }
        for (const ExternalDef& x : Externals())
        {
            for (std::size_t k = 0; k < Links().size(); ++k)
            {
                const LinkDef& l = Links()[k];
                if (std::string(l.a) == x.asbr && std::string(l.b) == EXTERNAL)
                {
                    ospf.AddExternal(Get(x.asbr),
                                     x.prefix,
                                     x.type,
                                     x.metric,
                                     x.onLink ? Ipv4Address::GetAny()
                                              : Ipv4Address(HostAddress(l.subnet, 2)),
                                     links[k].Get(0));
                }
            }
        }

        // Hosts: a default route to their router. E: its external addresses, and the OSPF
        // domain (10.0.0.0/8) through X.
        Ipv4PolicyRoutingHelper routes;
        for (const LinkDef& l : Links())
        {
            for (const std::string& h : Hosts())
            {
                if (l.b == h)
                {
                    routes.AddRoute(
                        Get(h),
                        PolicyRouteSpec("default").Via(Ipv4Address(HostAddress(l.subnet, 1))));
                }
            }
            if (std::string(l.a) == "X" && std::string(l.b) == EXTERNAL)
            {
                Ptr<Ipv4> e = Get(EXTERNAL)->GetObject<Ipv4>();
                const uint32_t i = e->GetInterfaceForDevice(links[&l - &Links()[0]].Get(1));
                for (const std::string& a : ExternalAddresses())
                {
                    e->AddAddress(i, Ipv4InterfaceAddress(Ipv4Address(a.c_str()), Ipv4Mask("/32")));
                }
                routes.AddRoute(
                    Get(EXTERNAL),
                    PolicyRouteSpec("10.0.0.0/8").Via(Ipv4Address(HostAddress(l.subnet, 1))));
            }
        }
    }
};

} // namespace ospfdemo

#endif /* OSPF_CLASSES_NETWORK_H */
