/*
 * SPDX-License-Identifier: GPL-2.0-only
 *
 * OSPF classes (the seed's application 3) without a simulator: the routing tables
 * ComputeOspfRoutes() makes, installed by OspfClassLayout() into a PolicyDatabase (rules over
 * classes 250.., 251, 252, 253 with reject terminators, plus the LOCAL and MAIN routes
 * Ipv4PolicyRouting makes from the addresses), must choose for every (router, destination)
 * the same next hop as the independent RFC 1812 E.3.3 reference
 * (test/reference/ospf-e33-reference.h) over the same routes, or both none. Checked on the
 * example's domain (examples/ospf-classes-network.h), with hand-computed expectations, and on
 * random multi-area domains; packets followed hop by hop never loop, and reach every router
 * address.
 *
 * Environment: POLICY_ROUTING_OSPF_DOMAINS=N random domains (default 1000).
 */

#include "../../examples/ospf-classes-network.h"
#include "reference/ospf-e33-reference.h"

#include "ns3/ospf-classes-helper.h"
#include "ns3/policy-database.h"

#include <cstdlib>
#include <gtest/gtest.h>
#include <iostream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

using namespace ns3;

namespace
{

/// splitmix64: the same sequence on every platform.
class Rng
{
  public:
    explicit Rng(uint64_t seed)
        : m_state(seed)
    {
    }

    uint64_t Next()
    {
        uint64_t z = (m_state += 0x9e3779b97f4a7c15ULL);
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
        return z ^ (z >> 31);
    }

    /// \return a number in [lo, hi]
    uint32_t Uniform(uint32_t lo, uint32_t hi)
    {
        return lo + static_cast<uint32_t>(Next() % (uint64_t(hi) - lo + 1));
    }

  private:
    uint64_t m_state;
};

uint32_t
A(uint32_t a, uint32_t b, uint32_t c, uint32_t d)
{
    return (a << 24) | (b << 16) | (c << 8) | d;
}

/// The routes Ipv4PolicyRouting makes from a router's addresses: LOCAL and BROADCAST nodes in
/// class 255, the connected network in class 254.
void
AddKernelRoutes(PolicyDatabase& db, const OspfRouterSpec& r)
{
    for (const OspfInterfaceSpec& f : r.interfaces)
    {
        const OspfPrefix net = OspfPrefix::Of(f.address, f.length);
        RouteEntry e;
        e.info.interface = f.interface;
        e.info.prefSrc = f.address;
        e.info.type = RouteNodeType::LOCAL;
        e.prefix = f.address;
        e.length = 32;
        db.GetClass(CLASS_LOCAL).Insert(e, InsertMode::APPEND);
        if (f.length < 31)
        {
            e.info.type = RouteNodeType::BROADCAST;
            e.prefix = net.address | ~net.Mask();
            db.GetClass(CLASS_LOCAL).Insert(e, InsertMode::APPEND);
        }
        if (f.length < 32)
        {
            e.info.type = RouteNodeType::UNICAST;
            e.prefix = net.address;
            e.length = f.length;
            db.GetClass(CLASS_MAIN).Insert(e, InsertMode::APPEND);
        }
    }
}

/// What the reference is told about a router: its OSPF routes with their classes, its
/// interface routes (no OSPF class), the ranges of its areas, its addresses.
e33ref::Router
ReferenceRouter(const OspfTopology& t, const OspfRouterTable& table)
{
    e33ref::Router r;
    for (const OspfRoute& route : table.routes)
    {
        e33ref::Route x;
        x.dest = route.prefix.address;
        x.length = route.prefix.length;
        x.cls = static_cast<e33ref::OspfClass>(static_cast<int>(route.type));
        x.metric = route.cost;
        x.externalMetric = route.type2Cost;
        x.gateway = route.gateway;
        x.interface = route.interface;
        r.fib.push_back(x);
    }
    for (const OspfInterfaceSpec& f : t.routers[table.router].interfaces)
    {
        const OspfPrefix net = OspfPrefix::Of(f.address, f.length);
        r.local.push_back(f.address);
        if (f.length < 31)
        {
            r.broadcast.push_back(net.address | ~net.Mask());
        }
        e33ref::Route c;
        c.dest = net.address;
        c.length = net.length;
        c.cls = e33ref::OspfClass::OTHER;
        c.interface = f.interface;
        r.fib.push_back(c);
    }
    for (uint32_t id : table.areas)
    {
        for (const OspfPrefix& p : t.FindArea(id)->ranges)
        {
            r.ranges.push_back({p.address, p.length});
        }
    }
    return r;
}

/// A decision reduced to what is compared.
struct Verdict
{
    e33ref::Decision::Kind kind{e33ref::Decision::UNREACHABLE};
    uint32_t gateway{0};
    uint32_t interface {
        0
    };

    bool operator==(const Verdict& o) const
    {
        return kind == o.kind && gateway == o.gateway && interface == o.interface;
    }
};

std::ostream&
operator<<(std::ostream& os, const Verdict& v)
{
    static const char* names[] = {"local", "broadcast", "forward", "unreachable", "ambiguous"};
    os << names[v.kind];
    if (v.kind == e33ref::Decision::FORWARD)
    {
        os << " via " << FormatAddress(v.gateway) << " if" << v.interface;
    }
    return os;
}

Verdict
Of(const PolicyDecision& d)
{
    Verdict v;
    switch (d.kind)
    {
    case PolicyDecision::FORWARD:
        v.kind = e33ref::Decision::FORWARD;
        v.gateway = d.node.info.gateway;
        v.interface = d.node.info.interface;
        break;
    case PolicyDecision::LOCAL:
        v.kind = e33ref::Decision::LOCAL;
        break;
    case PolicyDecision::BROADCAST:
        v.kind = e33ref::Decision::BROADCAST;
        break;
    case PolicyDecision::ERROR:
        v.kind = e33ref::Decision::UNREACHABLE;
        break;
    }
    return v;
}

Verdict
Of(const e33ref::Decision& d)
{
    Verdict v;
    v.kind = d.kind;
    v.gateway = d.gateway;
    v.interface = d.interface;
    return v;
}

/// A domain installed: per router its database and its reference.
struct Installed
{
    OspfTopology topology;
    std::vector<OspfRouterTable> tables;
    std::vector<PolicyDatabase> dbs;
    std::vector<e33ref::Router> refs;
    std::map<uint32_t, uint32_t> owner;     //!< router address -> router
    std::map<uint32_t, uint32_t> ospfOwner; //!< address of an OSPF interface -> router

    explicit Installed(const OspfTopology& t)
        : topology(t),
          tables(ComputeOspfRoutes(t))
    {
        for (std::size_t r = 0; r < t.routers.size(); ++r)
        {
            dbs.emplace_back(RuleStyle::LINUX_2_1);
            AddKernelRoutes(dbs.back(), t.routers[r]);
            const std::string error = ApplyPolicyLayout(dbs.back(), OspfClassLayout(t, tables[r]));
            EXPECT_EQ(error, "") << t.routers[r].name;
            refs.push_back(ReferenceRouter(t, tables[r]));
            for (const OspfInterfaceSpec& f : t.routers[r].interfaces)
            {
                owner[f.address] = r;
                if (f.ospf)
                {
                    ospfOwner[f.address] = r;
                }
            }
        }
    }

    Verdict Policy(uint32_t r, uint32_t dst, uint8_t tos = 0) const
    {
        FlowKey key;
        key.dst = dst;
        key.tos = tos;
        return Of(dbs[r].Lookup(key, LookupAlgorithm::RFC1812));
    }

    Verdict Reference(uint32_t r, uint32_t dst, uint8_t tos = 0) const
    {
        const e33ref::Decision d = e33ref::Lookup(refs[r], dst, tos);
        EXPECT_NE(d.kind, e33ref::Decision::AMBIGUOUS)
            << topology.routers[r].name << " " << FormatAddress(dst) << ": the route set has a tie";
        return Of(d);
    }

    /// \return the router a forwarded packet goes to next (-1: it leaves the domain)
    int32_t NextRouter(uint32_t r, const Verdict& v, uint32_t dst) const
    {
        const uint32_t to = v.gateway != 0 ? v.gateway : dst;
        for (const OspfInterfaceSpec& f : topology.routers[r].interfaces)
        {
            if (f.interface == v.interface && f.neighbor >= 0 &&
                OspfPrefix::Of(f.address, f.length).Contains(to))
            {
                return to == f.neighborAddress ? f.neighbor : -1;
            }
        }
        return -1;
    }

    /// Follow a packet from router \p r. \return the routers visited and how it ended
    std::pair<std::vector<uint32_t>, Verdict> Walk(uint32_t r, uint32_t dst) const
    {
        std::vector<uint32_t> path{r};
        for (std::size_t hop = 0; hop <= topology.routers.size() + 1; ++hop)
        {
            const Verdict v = Policy(path.back(), dst);
            if (v.kind != e33ref::Decision::FORWARD)
            {
                return {path, v};
            }
            const int32_t next = NextRouter(path.back(), v, dst);
            if (next < 0)
            {
                return {path, v};
            }
            path.push_back(next);
        }
        Verdict loop;
        loop.kind = e33ref::Decision::AMBIGUOUS;
        return {path, loop};
    }
};

/// \return the path and every router's routes matching \p dst, for failure messages
std::string
Describe(const Installed& d, const std::vector<uint32_t>& path, uint32_t dst)
{
    std::ostringstream os;
    os << "path:";
    for (uint32_t r : path)
    {
        os << " " << d.topology.routers[r].name;
    }
    os << "\n";
    std::set<uint32_t> seen(path.begin(), path.end());
    for (uint32_t r : seen)
    {
        os << d.topology.routers[r].name << " (areas";
        for (uint32_t a : d.tables[r].areas)
        {
            os << " " << a;
        }
        os << "):\n";
        for (const OspfRoute& route : d.tables[r].routes)
        {
            if (route.prefix.Contains(dst))
            {
                os << "  " << route.prefix.ToString() << " " << OspfPathTypeName(route.type)
                   << " cost " << route.cost << " type2 " << route.type2Cost << " via "
                   << FormatAddress(route.gateway) << " next " << route.nextRouter << " adv "
                   << route.advertiser << (route.own ? " own" : "") << "\n";
            }
        }
    }
    return os.str();
}

/// Destinations worth asking about in \p t: every address, network and broadcast address,
/// inside and at the edges of every range and external prefix, a few others.
std::vector<uint32_t>
Probes(const OspfTopology& t, Rng& rng)
{
    std::set<uint32_t> p{A(8, 8, 8, 8), A(1, 2, 3, 4), A(10, 250, 0, 1), A(172, 31, 255, 254)};
    auto around = [&p, &rng](const OspfPrefix& x) {
        const uint32_t last = x.address | ~x.Mask();
        p.insert(x.address);
        p.insert(last);
        if (x.length < 31)
        {
            p.insert(x.address + 1);
            p.insert(last - 1);
        }
        if (x.length < 32)
        {
            p.insert(x.address + static_cast<uint32_t>(rng.Next() & ~x.Mask()));
        }
    };
    for (const OspfRouterSpec& r : t.routers)
    {
        for (const OspfInterfaceSpec& f : r.interfaces)
        {
            p.insert(f.address);
            around(OspfPrefix::Of(f.address, f.length));
        }
        for (const OspfExternalSpec& e : r.externals)
        {
            around(e.prefix);
        }
    }
    for (const OspfAreaSpec& a : t.areas)
    {
        for (const OspfPrefix& range : a.ranges)
        {
            around(range);
        }
    }
    return {p.begin(), p.end()};
}

/// Compare policy and reference for every router and probe. \return pairs checked
std::size_t
CompareAll(const Installed& d, const std::vector<uint32_t>& probes, const std::string& what)
{
    std::size_t pairs = 0;
    for (uint32_t r = 0; r < d.topology.routers.size(); ++r)
    {
        for (uint32_t dst : probes)
        {
            for (uint8_t tos : {uint8_t(0), uint8_t(0x10)})
            {
                const Verdict policy = d.Policy(r, dst, tos);
                const Verdict reference = d.Reference(r, dst, tos);
                ++pairs;
                if (!(policy == reference))
                {
                    std::ostringstream listing;
                    d.dbs[r].PrintRulesSeed(listing);
                    for (uint32_t c : d.dbs[r].GetClassIds())
                    {
                        listing << "class " << c << ":\n";
                        d.dbs[r].PrintClass(listing, c);
                    }
                    ADD_FAILURE() << what << ": router " << d.topology.routers[r].name << " to "
                                  << FormatAddress(dst) << " tos " << int(tos) << ": policy "
                                  << policy << ", E.3.3 reference " << reference << " ("
                                  << e33ref::Lookup(d.refs[r], dst, tos).why << ")\n"
                                  << listing.str();
                    return pairs;
                }
            }
        }
    }
    return pairs;
}

// ----- the example's domain -----

class OspfDemo : public ::testing::Test
{
  protected:
    OspfDemo()
        : d(ospfdemo::PureTopology())
    {
    }

    uint32_t R(const std::string& name) const
    {
        return static_cast<uint32_t>(ospfdemo::RouterIndex(name));
    }

    static uint32_t Ip(const char* a)
    {
        return OspfPrefix::Parse(a).address;
    }

    const OspfRoute& Route(const std::string& router, const char* prefix) const
    {
        const OspfRoute* r = d.tables[R(router)].Find(OspfPrefix::Parse(prefix));
        EXPECT_NE(r, nullptr) << router << " has no route to " << prefix;
        static OspfRoute none;
        return r ? *r : none;
    }

    std::string NextName(const OspfRoute& r) const
    {
        return r.nextRouter >= 0 ? ospfdemo::Routers()[r.nextRouter] : "-";
    }

    std::string Advertiser(const OspfRoute& r) const
    {
        return r.advertiser >= 0 ? ospfdemo::Routers()[r.advertiser] : "-";
    }

    /// \return the names of the routers a packet from \p from to \p dst visits
    std::string Path(const std::string& from, const char* dst) const
    {
        const auto [path, end] = d.Walk(R(from), Ip(dst));
        std::string out;
        for (uint32_t r : path)
        {
            out += (out.empty() ? "" : " ") + ospfdemo::Routers()[r];
        }
        if (end.kind == e33ref::Decision::UNREACHABLE)
        {
            out += " unreachable";
        }
        return out;
    }

    Installed d;
};

TEST_F(OspfDemo, TopologyIsValid)
{
    EXPECT_TRUE(d.topology.Validate().empty());
    EXPECT_EQ(d.tables[R("B1")].areas, (std::vector<uint32_t>{0, 1}));
    EXPECT_EQ(d.tables[R("X")].areas, (std::vector<uint32_t>{2}));
}

TEST_F(OspfDemo, IntraAndInterAreaRoutes)
{
    // Intra-area: A2's H1 network from A1, one hop.
    const OspfRoute& h1 = Route("A1", "10.1.0.0/16");
    EXPECT_EQ(h1.type, OspfPathType::INTRA_AREA);
    EXPECT_EQ(h1.cost, 11u);
    EXPECT_EQ(NextName(h1), "A2");
    // Inter-area: area 2 from A1 through B1 (B1 10 + B1's summary: C 10 + B2 10 + D1 10 + 1).
    const OspfRoute& a2 = Route("A1", "10.2.0.0/16");
    EXPECT_EQ(a2.type, OspfPathType::INTER_AREA);
    EXPECT_EQ(Advertiser(a2), "B1");
    // A1 to B1 10, B1 to B2 20, B2's range summary 40 (see RangeSummaryCost).
    EXPECT_EQ(a2.cost, 10u + 20u + 40u);
}

TEST_F(OspfDemo, RangeSummaryCost)
{
    // B2's component costs in area 2: 10.2.0.0/30 10 (on-link), 10.2.0.8/30 25 (on-link),
    // 10.2.0.4/30 min(10+30, 25+30) = 40, 10.2.100.0/24 10+1 = 11. The range costs 40
    // (RFC 2328: the largest).
    const OspfRoute& c = Route("C", "10.2.0.0/16");
    EXPECT_EQ(c.type, OspfPathType::INTER_AREA);
    EXPECT_EQ(c.cost, 10u + 40u);
    EXPECT_EQ(Advertiser(c), "B2");
}

TEST_F(OspfDemo, ExternalRoutes)
{
    // Type 1, total cost: D1 to X 30 + 10 = 40 beats C 20 + 25 = 45.
    const OspfRoute& d1 = Route("D1", "192.0.2.0/24");
    EXPECT_EQ(d1.type, OspfPathType::TYPE1_EXTERNAL);
    EXPECT_EQ(Advertiser(d1), "X");
    EXPECT_EQ(d1.cost, 40u);
    // ... and A1 to C 20 + 25 = 45 beats X (10 + 20 + 25) + 10 = 65.
    const OspfRoute& a1 = Route("A1", "192.0.2.0/24");
    EXPECT_EQ(Advertiser(a1), "C");
    EXPECT_EQ(a1.cost, 45u);
    EXPECT_EQ(NextName(a1), "B1");
    // Type 2, equal external costs: the nearer ASBR (D1: C at 20, X at 30).
    const OspfRoute& tie = Route("D1", "198.51.100.0/24");
    EXPECT_EQ(tie.type, OspfPathType::TYPE2_EXTERNAL);
    EXPECT_EQ(Advertiser(tie), "C");
    EXPECT_EQ(tie.type2Cost, 20u);
    EXPECT_EQ(tie.cost, 20u);
    // Type 2, different external costs: X's 5 beats C's 50 although C is nearer.
    EXPECT_EQ(Advertiser(Route("D1", "203.0.113.0/24")), "X");
    EXPECT_EQ(Advertiser(Route("B1", "203.0.113.0/24")), "X");
    // Type 1 beats type 2 whatever the costs.
    const OspfRoute& t1 = Route("B2", "100.64.0.0/10");
    EXPECT_EQ(t1.type, OspfPathType::TYPE1_EXTERNAL);
    EXPECT_EQ(Advertiser(t1), "X");
    // An ASBR's own route replaces the others' advertisements; it is a type 1 route at the
    // ASBR (advertised as type 2).
    const OspfRoute& own = Route("C", "100.64.0.0/10");
    EXPECT_TRUE(own.own);
    EXPECT_EQ(own.type, OspfPathType::TYPE1_EXTERNAL);
    EXPECT_EQ(own.cost, 1u);
    EXPECT_EQ(own.gateway, Ip("172.16.0.6"));
}

TEST_F(OspfDemo, ClassLayoutOfAnAreaBorderRouter)
{
    std::ostringstream os;
    d.dbs[R("B1")].PrintRulesSeed(os);
    EXPECT_EQ(os.str(),
              "Kernel routing policy rules\n"
              "Pref Source Destination TOS Iface Cl\n"
              "0 default default 00 * 255\n"
              "248 default 10.11.0.0/16 00 * 249\n"
              "249 default 10.1.0.0/16 00 * 249\n"
              "250 default 10.0.0.0/16 00 * 250\n"
              "251 default default 00 * 251\n"
              "252 default default 00 * 252\n"
              "253 default default 00 * 253\n"
              "254 default default 00 * 254\n"
              "255 default default 00 * 253\n");
    const RouteClass* area1 = d.dbs[R("B1")].FindClass(249);
    ASSERT_NE(area1, nullptr);
    const std::vector<RouteEntry> m = area1->Matches(Ip("10.11.99.1"));
    ASSERT_EQ(m.size(), 1u);
    EXPECT_EQ(m[0].info.type, RouteNodeType::REJECT) << "area classes end with a reject record";
}

TEST_F(OspfDemo, RouteClassBeatsLongestMatch)
{
    // 10.1.77.5: X's type 2 /24 inside area 1's /16. E.3.3 keeps the OSPF-internal route.
    EXPECT_EQ(Path("D1", "10.1.77.5"), "D1 B2 C B1 A1 A2");
    EXPECT_EQ(d.Policy(R("A2"), Ip("10.1.77.5")).gateway, 0u) << "on-link to H1's network";
    EXPECT_EQ(Route("X", "10.1.0.0/16").type, OspfPathType::INTER_AREA);
    EXPECT_EQ(d.Reference(R("X"), Ip("10.1.77.5")), d.Policy(R("X"), Ip("10.1.77.5")));
    // ... while RFC 2328's best match (longest prefix over every entry) would send it to X.
    EXPECT_EQ(Route("B2", "10.1.77.0/24").type, OspfPathType::TYPE2_EXTERNAL);
}

TEST_F(OspfDemo, AreaRangeWithoutRouteIsUnreachable)
{
    // 10.2.99.1 lies in area 2's range but on no network: area 2's routers refuse it, the
    // others send it to B2, which refuses it (its area class ends with reject).
    EXPECT_EQ(Path("X", "10.2.99.1"), "X unreachable");
    EXPECT_EQ(Path("A1", "10.2.99.1"), "A1 B1 C B2 unreachable");
    // The default route (C's type 2 0/0) is not used for it.
    EXPECT_EQ(Path("A1", "8.8.8.8"), "A1 B1 C");
}

TEST_F(OspfDemo, EveryPairAgreesWithTheReference)
{
    Rng rng(1);
    const std::vector<uint32_t> probes = Probes(d.topology, rng);
    const std::size_t pairs = CompareAll(d, probes, "demo");
    EXPECT_GT(pairs, 1000u);
    std::cout << "[ospf-classes] demo domain: " << pairs
              << " (router, destination, TOS) lookups equal to the E.3.3 reference" << std::endl;
}

TEST_F(OspfDemo, EveryRouterAddressIsReachedWithoutLoops)
{
    for (uint32_t r = 0; r < d.topology.routers.size(); ++r)
    {
        for (const auto& [address, owner] : d.ospfOwner)
        {
            const auto [path, end] = d.Walk(r, address);
            EXPECT_EQ(end.kind, e33ref::Decision::LOCAL) << FormatAddress(address);
            EXPECT_EQ(path.back(), owner) << FormatAddress(address);
        }
    }
}

// ----- random domains -----

/// A random valid domain: 1..4 areas around a backbone, 1..4 routers per area, 1..2 area
/// border routers per area, random asymmetric costs and parallel links, stub networks, split,
/// second and inactive ranges, 0..3 ASBRs with overlapping type 1 and type 2 externals
/// (defaults, prefixes inside area ranges, prefixes equal to intra-area networks).
OspfTopology
RandomDomain(Rng& rng)
{
    OspfTopology t;
    const uint32_t nAreas = rng.Uniform(1, 4);
    std::vector<std::vector<uint32_t>> members(nAreas);
    auto newRouter = [&t]() {
        t.routers.emplace_back();
        t.routers.back().name = "R" + std::to_string(t.routers.size() - 1);
        return static_cast<uint32_t>(t.routers.size() - 1);
    };
    for (uint32_t k = 0; k < nAreas; ++k)
    {
        const uint32_t n = rng.Uniform(k == 0 ? 1 : 1, 4);
        for (uint32_t i = 0; i < n; ++i)
        {
            members[k].push_back(newRouter());
        }
    }
    for (uint32_t k = 1; k < nAreas; ++k)
    {
        const uint32_t abrs = rng.Uniform(1, 2);
        for (uint32_t i = 0; i < abrs; ++i)
        {
            const uint32_t b = members[0][rng.Uniform(0, members[0].size() - 1)];
            if (std::find(members[k].begin(), members[k].end(), b) == members[k].end())
            {
                members[k].push_back(b);
            }
        }
    }
    std::vector<uint32_t> nextIf(t.routers.size(), 0);
    auto addIf = [&](uint32_t r, uint32_t address, uint8_t length, bool ospf, uint32_t area) {
        OspfInterfaceSpec f;
        f.interface = ++nextIf[r];
        f.address = address;
        f.length = length;
        f.ospf = ospf;
        f.area = area;
        f.cost = rng.Uniform(1, 20);
        t.routers[r].interfaces.push_back(f);
        return t.routers[r].interfaces.size() - 1;
    };
    std::vector<OspfPrefix> stubs;
    for (uint32_t k = 0; k < nAreas; ++k)
    {
        OspfAreaSpec area;
        area.id = k;
        const bool split = rng.Uniform(0, 2) == 0;
        if (split)
        {
            area.ranges.push_back(OspfPrefix{A(10, k, 0, 0), 17});
            area.ranges.push_back(OspfPrefix{A(10, k, 128, 0), 17});
        }
        else
        {
            area.ranges.push_back(OspfPrefix{A(10, k, 0, 0), 16});
        }
        uint32_t links = 0;
        auto link = [&](uint32_t a, uint32_t b) {
            const uint32_t net = A(10, k, 0, 0) + links++ * 4;
            const std::size_t ia = addIf(a, net + 1, 30, true, k);
            const std::size_t ib = addIf(b, net + 2, 30, true, k);
            t.routers[a].interfaces[ia].neighbor = b;
            t.routers[a].interfaces[ia].neighborAddress = net + 2;
            t.routers[b].interfaces[ib].neighbor = a;
            t.routers[b].interfaces[ib].neighborAddress = net + 1;
        };
        std::vector<uint32_t>& m = members[k];
        for (std::size_t i = 1; i < m.size(); ++i)
        {
            link(m[i], m[rng.Uniform(0, i - 1)]);
        }
        const uint32_t extra = m.size() > 1 ? rng.Uniform(0, m.size()) : 0;
        for (uint32_t i = 0; i < extra; ++i)
        {
            const uint32_t a = m[rng.Uniform(0, m.size() - 1)];
            const uint32_t b = m[rng.Uniform(0, m.size() - 1)];
            if (a != b)
            {
                link(a, b);
            }
        }
        uint32_t s = 0;
        for (uint32_t r : m)
        {
            // Every backbone router has a stub network (so that it is in the backbone).
            if (k == 0 || rng.Uniform(0, 1) == 0)
            {
                const uint32_t net = A(10, k, 128 + s++, 0);
                addIf(r, net + 1, 24, true, k);
                stubs.push_back(OspfPrefix{net, 24});
            }
        }
        if (rng.Uniform(0, 1) == 0)
        {
            // A second range with a stub network.
            area.ranges.push_back(OspfPrefix{A(172, 16 + k, 0, 0), 16});
            const uint32_t r = m[rng.Uniform(0, m.size() - 1)];
            addIf(r, A(172, 16 + k, 5, 1), 24, true, k);
            stubs.push_back(OspfPrefix{A(172, 16 + k, 5, 0), 24});
        }
        if (rng.Uniform(0, 3) == 0)
        {
            area.ranges.push_back(OspfPrefix{A(10, 100 + k, 0, 0), 16}); // inactive
        }
        t.areas.push_back(area);
    }
    const uint32_t asbrs = rng.Uniform(0, 3);
    for (uint32_t i = 0; i < asbrs; ++i)
    {
        const uint32_t z = rng.Uniform(0, t.routers.size() - 1);
        if (!t.routers[z].externals.empty())
        {
            continue;
        }
        const uint32_t net = A(100, 64, i, 0);
        const std::size_t f = addIf(z, net + 1, 30, false, 0);
        const uint32_t interface = t.routers[z].interfaces[f].interface;
        std::vector<OspfPrefix> pool{
            OspfPrefix{0, 0},
            OspfPrefix{A(192, 0, 2, 0), 24},
            OspfPrefix{A(198, 51, 100, 0), 24},
            OspfPrefix{A(203, 0, 113, 0), 24},
            OspfPrefix{A(203, 0, 113, 128), 25},
            OspfPrefix{A(198, 18, 0, 0), 15},
            OspfPrefix{A(10, rng.Uniform(0, nAreas - 1), 77, 0), 24},
            stubs.empty() ? OspfPrefix{A(198, 19, 0, 0), 16}
                          : stubs[rng.Uniform(0, stubs.size() - 1)],
        };
        std::set<OspfPrefix> chosen;
        const uint32_t count = rng.Uniform(1, 5);
        for (uint32_t c = 0; c < count; ++c)
        {
            const OspfPrefix p = pool[rng.Uniform(0, pool.size() - 1)];
            if (!chosen.insert(p).second)
            {
                continue;
            }
            OspfExternalSpec e;
            e.prefix = p;
            e.type = static_cast<uint8_t>(rng.Uniform(1, 2));
            e.metric = rng.Uniform(1, 30);
            e.gateway = net + 2;
            e.interface = interface;
            t.routers[z].externals.push_back(e);
        }
        OspfExternalSpec own;
        own.prefix = OspfPrefix{net, 30};
        own.type = 2;
        own.metric = 1;
        own.interface = interface;
        t.routers[z].externals.push_back(own);
    }
    if (rng.Uniform(0, 1) == 0)
    {
        t.rangeCost = OspfRangeCost::MINIMUM;
    }
    return t;
}

TEST(OspfClassesRandom, EveryPairAgreesWithTheReference)
{
    const char* env = std::getenv("POLICY_ROUTING_OSPF_DOMAINS");
    const uint32_t domains = env ? std::strtoul(env, nullptr, 10) : 1000;
    std::size_t pairs = 0;
    std::size_t routers = 0;
    std::size_t walks = 0;
    for (uint32_t seed = 1; seed <= domains; ++seed)
    {
        Rng rng(seed * 7919);
        const OspfTopology t = RandomDomain(rng);
        const std::vector<std::string> errors = t.Validate();
        ASSERT_TRUE(errors.empty()) << "domain " << seed << ": " << errors[0];
        const Installed d(t);
        const std::vector<uint32_t> probes = Probes(t, rng);
        pairs += CompareAll(d, probes, "domain " + std::to_string(seed));
        routers += t.routers.size();
        if (::testing::Test::HasFailure())
        {
            return;
        }
        // Hop by hop: no loops, every router address reached.
        for (uint32_t r = 0; r < t.routers.size(); ++r)
        {
            for (uint32_t dst : probes)
            {
                const auto [path, end] = d.Walk(r, dst);
                ++walks;
                ASSERT_NE(end.kind, e33ref::Decision::AMBIGUOUS)
                    << "domain " << seed << ": a loop from " << t.routers[r].name << " to "
                    << FormatAddress(dst) << "\n"
                    << Describe(d, path, dst);
                // Addresses of OSPF interfaces are reached. (Not always those of an ASBR's
                // external link, even redistributed: a type 1 default of another ASBR beats
                // a type 2 /30, class before longest match.)
                if (d.ospfOwner.count(dst))
                {
                    ASSERT_EQ(end.kind, e33ref::Decision::LOCAL)
                        << "domain " << seed << ": " << t.routers[r].name << " does not reach "
                        << FormatAddress(dst);
                    ASSERT_EQ(path.back(), d.ospfOwner.at(dst));
                }
            }
        }
    }
    std::cout << "[ospf-classes] " << domains << " random domains, " << routers << " routers, "
              << pairs << " (router, destination, TOS) lookups equal to the E.3.3 reference, "
              << walks << " hop-by-hop walks" << std::endl;
}

TEST(OspfClassesValidate, RefusesWhatTheLayoutCannotExpress)
{
    OspfTopology t = ospfdemo::PureTopology();
    t.areas[1].ranges = {OspfPrefix::Parse("10.1.0.0/16")}; // 10.11.0.x/30 uncovered
    EXPECT_FALSE(t.Validate().empty());
    t = ospfdemo::PureTopology();
    t.areas[2].ranges.push_back(OspfPrefix::Parse("10.0.0.0/8")); // overlaps
    EXPECT_FALSE(t.Validate().empty());
    t = ospfdemo::PureTopology();
    t.routers[0].interfaces[0].cost = 0;
    EXPECT_FALSE(t.Validate().empty());
    t = ospfdemo::PureTopology();
    t.routers[ospfdemo::RouterIndex("X")].externals[0].type = 3;
    EXPECT_FALSE(t.Validate().empty());
}

TEST(OspfClassesLayout, SeedCommands)
{
    const OspfTopology t = ospfdemo::PureTopology();
    const std::vector<OspfRouterTable> tables = ComputeOspfRoutes(t);
    const std::string text =
        PolicyLayoutCommands(OspfClassLayout(t, tables[ospfdemo::RouterIndex("A1")]));
    EXPECT_NE(text.find("iproute add default reject class 250\n"), std::string::npos) << text;
    EXPECT_NE(text.find("iproute addrule class 253\n"
                        "# ASE routes with internal metric (type 1)\n"
                        "iproute addrule class 252\n"),
              std::string::npos)
        << text;
    EXPECT_NE(text.find("iproute addrule to 10.1.0.0/16 class 250\n"
                        "iproute addrule to 10.11.0.0/16 class 250\n"),
              std::string::npos)
        << text;
    EXPECT_NE(text.find("iproute add 10.1.0.0/16 gw 10.11.0.6 dev if2 metric 11 class 250\n"),
              std::string::npos)
        << text;
}

} // namespace
