/*
 * SPDX-License-Identifier: GPL-2.0-only
 *
 * TOS classes (the seed's application 4) without a simulator: routes arranged by
 * TosClassLayout() (16 classes, one per TOS value, rules `tos T class C`, interface routes
 * first) in a PolicyDatabase must decide every (destination, TOS) as the independent RFC 1812
 * E.3.2 reference (test/reference/tos-e32-reference.h) over the same routes. Checked on the
 * example's router (examples/tos-classes-network.h) and on random route sets, with the class
 * lookups done by every algorithm the engine has (the arrangement does not depend on it), and
 * against the engine's own E.3.2 class algorithm as a third opinion.
 *
 * Environment: POLICY_ROUTING_TOS_SETS=N random route sets (default 500).
 */

#include "../../examples/tos-classes-network.h"
#include "reference/tos-e32-reference.h"

#include "ns3/policy-database.h"
#include "ns3/tos-classes-helper.h"

#include <cstdlib>
#include <gtest/gtest.h>
#include <iostream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <tuple>
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

    uint32_t Uniform(uint32_t lo, uint32_t hi)
    {
        return lo + static_cast<uint32_t>(Next() % (uint64_t(hi) - lo + 1));
    }

  private:
    uint64_t m_state;
};

uint32_t
Ip(const char* a)
{
    return OspfPrefix::Parse(a).address;
}

/// A router's interfaces: (address, length, interface index).
struct Interface
{
    uint32_t address;
    uint8_t length;
    uint32_t index;
};

/// R's interfaces in the example (and in the random sets).
std::vector<Interface>
RouterInterfaces()
{
    std::vector<Interface> out;
    for (std::size_t k = 0; k < 5; ++k)
    {
        const OspfPrefix p = OspfPrefix::Parse(tosdemo::Links()[k].subnet);
        out.push_back({p.address + 1, p.length, static_cast<uint32_t>(k + 1)});
    }
    return out;
}

/// LOCAL/BROADCAST in 255, connected in 254, as Ipv4PolicyRouting makes them.
void
AddKernelRoutes(PolicyDatabase& db, const std::vector<Interface>& ifs)
{
    for (const Interface& f : ifs)
    {
        const OspfPrefix net = OspfPrefix::Of(f.address, f.length);
        RouteEntry e;
        e.info.interface = f.index;
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
        e.info.type = RouteNodeType::UNICAST;
        e.prefix = net.address;
        e.length = f.length;
        db.GetClass(CLASS_MAIN).Insert(e, InsertMode::APPEND);
    }
}

e32ref::Router
Reference(const std::vector<Interface>& ifs, const std::vector<RouteEntry>& routes)
{
    e32ref::Router r;
    for (const Interface& f : ifs)
    {
        const OspfPrefix net = OspfPrefix::Of(f.address, f.length);
        r.local.push_back(f.address);
        if (f.length < 31)
        {
            r.broadcast.push_back(net.address | ~net.Mask());
        }
        r.connected.push_back({net.address, net.length, f.index});
    }
    for (const RouteEntry& e : routes)
    {
        r.fib.push_back({e.prefix, e.length, e.tos, e.metric, e.info.gateway, e.info.interface});
    }
    return r;
}

/// A decision reduced to what is compared: kind, gateway, interface.
struct Verdict
{
    int kind{e32ref::Decision::UNREACHABLE};
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
    if (v.kind == e32ref::Decision::FORWARD)
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
        v.kind = e32ref::Decision::FORWARD;
        v.gateway = d.node.info.gateway;
        v.interface = d.node.info.interface;
        break;
    case PolicyDecision::LOCAL:
        v.kind = e32ref::Decision::LOCAL;
        break;
    case PolicyDecision::BROADCAST:
        v.kind = e32ref::Decision::BROADCAST;
        break;
    case PolicyDecision::ERROR:
        v.kind = e32ref::Decision::UNREACHABLE;
        break;
    }
    return v;
}

Verdict
Of(const e32ref::Decision& d)
{
    Verdict v;
    v.kind = d.kind;
    v.gateway = d.gateway;
    v.interface = d.interface;
    return v;
}

/// A router's database with \p layout over the kernel routes.
PolicyDatabase
Database(const std::vector<Interface>& ifs, const PolicyLayout& layout)
{
    PolicyDatabase db(RuleStyle::LINUX_2_1);
    AddKernelRoutes(db, ifs);
    EXPECT_EQ(ApplyPolicyLayout(db, layout), "");
    return db;
}

Verdict
Lookup(const PolicyDatabase& db, uint32_t dst, uint8_t tos, LookupAlgorithm a)
{
    FlowKey key;
    key.dst = dst;
    key.tos = tos & ROUTE_TOS_MASK;
    return Of(db.Lookup(key, a));
}

/// Every TOS value, and a few octets with precedence or the low bit set.
std::vector<uint8_t>
TosOctets()
{
    std::vector<uint8_t> t = AllTosValues();
    t.push_back(0xb8); // DSCP EF: TOS bits 0x18
    t.push_back(0x11); // lowdelay with the MBZ bit
    t.push_back(0xe2); // network control precedence, mincost
    return t;
}

// ----- the example's router -----

class TosDemo : public ::testing::Test
{
  protected:
    TosDemo()
        : ifs(RouterInterfaces()),
          routes(tosdemo::RouterRoutes()),
          classes(Database(ifs, TosClassLayout(routes))),
          reference(Reference(ifs, routes))
    {
    }

    /// \return the path (1..4) the classes choose, 0 if not forwarded through a P router
    uint32_t Path(const char* dst, uint8_t tos) const
    {
        const Verdict v = Lookup(classes, Ip(dst), tos, LookupAlgorithm::RFC1812);
        return v.kind == e32ref::Decision::FORWARD && v.interface >= 2 ? v.interface - 1 : 0;
    }

    static uint32_t RefPath(const e32ref::Decision& d)
    {
        return d.kind == e32ref::Decision::FORWARD && d.interface >= 2 ? d.interface - 1 : 0;
    }

    std::vector<Interface> ifs;
    std::vector<RouteEntry> routes;
    PolicyDatabase classes;
    e32ref::Router reference;
};

TEST_F(TosDemo, SixteenClassesAndTheirRules)
{
    for (uint8_t tos : AllTosValues())
    {
        EXPECT_NE(classes.FindClass(TosClassOf(tos)), nullptr) << int(tos);
    }
    std::ostringstream os;
    classes.PrintRulesSeed(os);
    const std::string listing = os.str();
    EXPECT_NE(listing.find("10 default default 00 * 254\n"
                           "101 default default 02 * 201\n"
                           "102 default default 04 * 202\n"),
              std::string::npos)
        << listing;
    EXPECT_NE(listing.find("115 default default 1e * 215\n"
                           "200 default default 00 * 200\n"),
              std::string::npos)
        << listing;
}

TEST_F(TosDemo, WeakTosBeforeLongestMatch)
{
    // RFC 1812 E.3.2's own example: a default route with the packet's TOS beats a network
    // route of the default TOS; 5.2.4.3 makes the opposite choice.
    EXPECT_EQ(Path("10.9.2.2", 0x10), 3u);
    EXPECT_EQ(RefPath(e32ref::Lookup(reference, Ip("10.9.2.2"), 0x10)), 3u);
    EXPECT_EQ(RefPath(e32ref::LookupRfc1812(reference, Ip("10.9.2.2"), 0x10)), 2u);
    // Longest match inside the TOS: mincost to 10.9.1.x takes the /24, to 10.9.2.x the /16.
    EXPECT_EQ(Path("10.9.1.2", 0x02), 4u);
    EXPECT_EQ(Path("10.9.2.2", 0x02), 3u);
    // No route of the TOS for the destination: the TOS-0 routes (best metric: P2, not P4).
    EXPECT_EQ(Path("10.9.2.2", 0x04), 2u);
    EXPECT_EQ(Path("192.0.2.2", 0x04), 1u);
    // Precedence bits do not matter.
    EXPECT_EQ(Path("10.9.2.2", 0xb0), 3u);
    // Directly connected destinations are not routed by TOS (5.2.4.2).
    EXPECT_EQ(Lookup(classes, Ip("10.0.0.2"), 0x10, LookupAlgorithm::RFC1812).gateway, 0u);
}

TEST_F(TosDemo, DifferentTosDifferentPaths)
{
    for (const auto& [host, address] : tosdemo::Destinations())
    {
        std::set<uint32_t> paths;
        for (uint8_t tos : AllTosValues())
        {
            paths.insert(Path(address.c_str(), tos));
        }
        EXPECT_GE(paths.size(), 3u) << host;
        EXPECT_EQ(paths.count(0), 0u) << host << ": always forwarded";
    }
}

TEST_F(TosDemo, EveryDecisionAgreesWithTheReference)
{
    std::size_t checked = 0;
    std::size_t differFrom5243 = 0;
    std::set<uint32_t> probes;
    for (const RouteEntry& e : routes)
    {
        const uint32_t last = e.prefix | ~OspfPrefix{e.prefix, e.length}.Mask();
        probes.insert({e.prefix, e.prefix + 1, last, last - 1});
    }
    for (const Interface& f : ifs)
    {
        const OspfPrefix net = OspfPrefix::Of(f.address, f.length);
        probes.insert({f.address, f.address + 1, net.address, net.address | ~net.Mask()});
    }
    for (const auto& [host, address] : tosdemo::Destinations())
    {
        probes.insert(Ip(address.c_str()));
    }
    for (uint32_t dst : probes)
    {
        for (uint8_t tos : TosOctets())
        {
            const e32ref::Decision ref = e32ref::Lookup(reference, dst, tos);
            ASSERT_NE(ref.kind, e32ref::Decision::AMBIGUOUS);
            for (LookupAlgorithm a : {LookupAlgorithm::LINUX,
                                      LookupAlgorithm::RFC1812,
                                      LookupAlgorithm::RFC1812_VARIANT})
            {
                EXPECT_EQ(Lookup(classes, dst, tos, a), Of(ref))
                    << FormatAddress(dst) << " tos " << int(tos) << " algorithm "
                    << LookupAlgorithmName(a) << ": " << ref.why;
                ++checked;
            }
            differFrom5243 += !(Of(e32ref::LookupRfc1812(reference, dst, tos)) == Of(ref));
        }
    }
    EXPECT_GT(differFrom5243, 10u) << "the example shows where E.3.2 and 5.2.4.3 differ";
    std::cout << "[tos-classes] example router: " << checked
              << " (destination, TOS, class algorithm) decisions equal to E.3.2; " << differFrom5243
              << " of " << probes.size() * TosOctets().size()
              << " (destination, TOS) differ under RFC 1812 5.2.4.3" << std::endl;
}

// ----- random route sets -----

TEST(TosClassesRandom, EveryDecisionAgreesWithTheReference)
{
    const char* env = std::getenv("POLICY_ROUTING_TOS_SETS");
    const uint32_t sets = env ? std::strtoul(env, nullptr, 10) : 500;
    const std::vector<Interface> ifs = RouterInterfaces();
    const std::vector<OspfPrefix> pool{
        OspfPrefix::Parse("0.0.0.0/0"),
        OspfPrefix::Parse("10.0.0.0/8"),
        OspfPrefix::Parse("10.9.0.0/16"),
        OspfPrefix::Parse("10.9.0.0/24"),
        OspfPrefix::Parse("10.9.1.0/24"),
        OspfPrefix::Parse("10.9.1.128/25"),
        OspfPrefix::Parse("10.9.2.0/24"),
        OspfPrefix::Parse("10.9.3.0/24"),
        OspfPrefix::Parse("192.0.2.0/24"),
        OspfPrefix::Parse("192.0.2.64/26"),
        OspfPrefix::Parse("10.0.0.128/25"), // inside R's LAN: adjacency wins
        OspfPrefix::Parse("10.10.1.0/30"),  // equal to a connected network
        OspfPrefix::Parse("198.51.100.7/32"),
    };
    std::size_t checked = 0;
    for (uint32_t seed = 1; seed <= sets; ++seed)
    {
        Rng rng(seed * 104729);
        std::vector<RouteEntry> routes;
        std::set<std::tuple<uint32_t, uint8_t, uint8_t, uint32_t>> keys;
        const uint32_t n = rng.Uniform(1, 40);
        for (uint32_t i = 0; i < n; ++i)
        {
            RouteEntry e;
            const OspfPrefix p = pool[rng.Uniform(0, pool.size() - 1)];
            e.prefix = p.address;
            e.length = p.length;
            e.tos = rng.Uniform(0, 1) ? 0 : static_cast<uint8_t>(rng.Uniform(0, 15) << 1);
            e.metric = rng.Uniform(0, 3);
            const uint32_t path = rng.Uniform(1, 4);
            e.info.gateway = tosdemo::PathGateway(path);
            e.info.interface = tosdemo::PathInterface(path);
            if (keys.insert({e.prefix, e.length, e.tos, e.metric}).second)
            {
                routes.push_back(e);
            }
        }
        // (prefix, TOS, metric) is unique: no two routes tie.
        const PolicyDatabase classes = Database(ifs, TosClassLayout(routes));
        // The engine's own E.3.2: every route in one class behind the interface routes.
        PolicyLayout single;
        for (const RouteEntry& e : routes)
        {
            single.routes.push_back({100, e, ""});
        }
        PolicyLayoutRule main;
        main.rule.classId = CLASS_MAIN;
        main.preference = 10;
        PolicyLayoutRule all;
        all.rule.classId = 100;
        all.preference = 100;
        single.rules = {main, all};
        const PolicyDatabase variant = Database(ifs, single);
        const e32ref::Router reference = Reference(ifs, routes);

        std::set<uint32_t> probes{Ip("8.8.8.8"), Ip("10.0.0.255"), Ip("10.0.0.1")};
        for (const OspfPrefix& p : pool)
        {
            const uint32_t last = p.address | ~p.Mask();
            probes.insert({p.address, p.address + 1, last, last - 1});
            probes.insert(p.address + static_cast<uint32_t>(rng.Next() & ~p.Mask()));
        }
        for (uint32_t dst : probes)
        {
            for (uint8_t tos : TosOctets())
            {
                const e32ref::Decision ref = e32ref::Lookup(reference, dst, tos);
                ASSERT_NE(ref.kind, e32ref::Decision::AMBIGUOUS) << "set " << seed;
                const Verdict got = Lookup(classes, dst, tos, LookupAlgorithm::RFC1812);
                const Verdict engine = Lookup(variant, dst, tos, LookupAlgorithm::RFC1812_VARIANT);
                ++checked;
                if (!(got == Of(ref)) || !(engine == Of(ref)))
                {
                    std::ostringstream os;
                    for (const RouteEntry& e : routes)
                    {
                        os << "  " << e << " tos " << int(e.tos) << "\n";
                    }
                    FAIL() << "set " << seed << ": " << FormatAddress(dst) << " tos " << int(tos)
                           << ": 16 classes " << got << ", engine E.3.2 " << engine
                           << ", reference " << Of(ref) << " (" << ref.why << ")\n"
                           << os.str();
                }
            }
        }
    }
    std::cout << "[tos-classes] " << sets << " random route sets: " << checked
              << " (destination, TOS) decisions of the 16 classes equal to E.3.2" << std::endl;
}

TEST(TosClassesLayout, SeedCommands)
{
    const std::string text = PolicyLayoutCommands(TosClassLayout(tosdemo::RouterRoutes()));
    EXPECT_NE(text.find("iproute add default tos 0x10 gw 10.10.3.2 dev if4 class 208\n"),
              std::string::npos)
        << text;
    EXPECT_NE(text.find("iproute addrule tos 0x10 pref 108 class 208\n"), std::string::npos)
        << text;
    EXPECT_NE(text.find("iproute addrule pref 200 class 200\n"), std::string::npos) << text;
}

} // namespace
