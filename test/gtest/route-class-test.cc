/*
 * SPDX-License-Identifier: GPL-2.0-only
 *
 * Unit tests of the class engine (RouteClass): node types, insert modes and results, delete
 * selectors, ordering, TOS masking, output-interface filtering, and the four lookup
 * algorithms on hand-worked cases (../shared/reference/semantics.md §1.2, §1.6, §2.3, §4.4,
 * §5).
 *
 * The hand-worked cases run twice, against ns3::RouteClass and against the naive reference
 * (test/reference/naive-route-class.h): the expected results below were worked out by hand
 * from the RFC and kernel texts, so they check the reference as much as the engine. Tests of
 * what only the engine has (DeleteIf, Matches, Contains, copies, memory, big classes) follow.
 */

#include "reference/naive-route-class.h"

#include "ns3/route-class.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <functional>
#include <gtest/gtest.h>
#include <sstream>
#include <string>
#include <type_traits>
#include <unordered_map>
#include <utility>
#include <vector>

using namespace ns3;
using ns3::reference::NaiveRouteClass;

namespace
{

constexpr LookupAlgorithm LINUX = LookupAlgorithm::LINUX;
constexpr LookupAlgorithm RFC1812 = LookupAlgorithm::RFC1812;
constexpr LookupAlgorithm VARIANT = LookupAlgorithm::RFC1812_VARIANT;
constexpr LookupAlgorithm CLASSIC = LookupAlgorithm::RFC1812_CLASSIC;
constexpr std::array<LookupAlgorithm, 4> ALL = {LINUX, RFC1812, VARIANT, CLASSIC};

constexpr uint8_t LOWDELAY = 0x10;    // RFC 1349 1000 minimize delay
constexpr uint8_t THROUGHPUT = 0x08;  // 0100 maximize throughput
constexpr uint8_t RELIABILITY = 0x04; // 0010 maximize reliability
constexpr uint8_t MINCOST = 0x02;     // 0001 minimize monetary cost

uint32_t
A(unsigned a, unsigned b, unsigned c, unsigned d)
{
    return (a << 24) | (b << 16) | (c << 8) | d;
}

/// A unicast route via \p gw on interface \p dev.
RouteEntry
Via(uint32_t prefix,
    uint8_t len,
    uint32_t gw,
    uint8_t tos = 0,
    uint32_t metric = 0,
    uint32_t dev = 1)
{
    RouteEntry e;
    e.prefix = prefix;
    e.length = len;
    e.tos = tos;
    e.metric = metric;
    e.info.gateway = gw;
    e.info.interface = dev;
    return e;
}

/// A node of \p type without gateway or interface (valid for every type).
RouteEntry
Typed(RouteNodeType type, uint32_t prefix, uint8_t len, uint8_t tos = 0, uint32_t metric = 0)
{
    RouteEntry e;
    e.prefix = prefix;
    e.length = len;
    e.tos = tos;
    e.metric = metric;
    e.info.type = type;
    return e;
}

RouteSelector
Sel(uint32_t prefix, uint8_t len, uint8_t tos = 0)
{
    RouteSelector s;
    s.prefix = prefix;
    s.length = len;
    s.tos = tos;
    return s;
}

/// What a lookup found, the same for both implementations.
struct Found
{
    ClassLookup::Status status;
    RouteEntry entry;

    bool Is(const RouteEntry& e) const
    {
        return status == ClassLookup::MATCH && entry == e;
    }

    uint32_t Gateway() const
    {
        return status == ClassLookup::MATCH ? entry.info.gateway : 0xdeadbeef;
    }
};

std::ostream&
operator<<(std::ostream& os, const Found& f)
{
    switch (f.status)
    {
    case ClassLookup::MATCH:
        return os << "MATCH " << f.entry;
    case ClassLookup::NO_MATCH:
        return os << "NO_MATCH";
    case ClassLookup::NO_MATCH_TOS:
        return os << "NO_MATCH_TOS";
    }
    return os << "?";
}

/// Adapter: RouteClass.
class Engine
{
  public:
    ClassResult Insert(const RouteEntry& e, InsertMode m = InsertMode::ADD)
    {
        return m_c.Insert(e, m);
    }

    ClassResult Delete(const RouteSelector& s)
    {
        return m_c.Delete(s);
    }

    Found Lookup(uint32_t dst,
                 uint8_t tos = 0,
                 LookupAlgorithm alg = LINUX,
                 uint32_t oif = ROUTE_NO_INTERFACE) const
    {
        const ClassLookup r = m_c.Lookup(dst, tos, alg, oif);
        return Found{r.status, r.IsMatch() ? r.Entry() : RouteEntry()};
    }

    /// \return the nodes in RouteClass::Entries() order
    std::vector<RouteEntry> Entries() const
    {
        return m_c.Entries();
    }

    std::size_t Size() const
    {
        return m_c.GetNodeCount();
    }

    RouteClass m_c;
};

/// Adapter: the naive reference.
class Naive
{
  public:
    ClassResult Insert(const RouteEntry& e, InsertMode m = InsertMode::ADD)
    {
        return m_c.Insert(e, m);
    }

    ClassResult Delete(const RouteSelector& s)
    {
        return m_c.Delete(s);
    }

    Found Lookup(uint32_t dst,
                 uint8_t tos = 0,
                 LookupAlgorithm alg = LINUX,
                 uint32_t oif = ROUTE_NO_INTERFACE) const
    {
        const NaiveRouteClass::Result r = m_c.Lookup(dst, tos, alg, oif);
        return Found{r.status, r.entry};
    }

    /// \return the nodes in RouteClass::Entries() order (a stable sort by prefix)
    std::vector<RouteEntry> Entries() const
    {
        std::vector<RouteEntry> v = m_c.Entries();
        std::stable_sort(v.begin(), v.end(), [](const RouteEntry& a, const RouteEntry& b) {
            return a.prefix != b.prefix ? a.prefix < b.prefix : a.length < b.length;
        });
        return v;
    }

    std::size_t Size() const
    {
        return m_c.Size();
    }

    NaiveRouteClass m_c;
};

template <typename T>
class ClassSemantics : public ::testing::Test
{
  protected:
    T c;

    void Add(const RouteEntry& e, InsertMode m = InsertMode::ADD)
    {
        ASSERT_EQ(c.Insert(e, m), ClassResult::OK) << e;
    }

    /// Expect MATCH of \p e for \p alg.
    void ExpectNode(const RouteEntry& e,
                    uint32_t dst,
                    uint8_t tos,
                    LookupAlgorithm alg,
                    uint32_t oif = ROUTE_NO_INTERFACE)
    {
        const Found f = c.Lookup(dst, tos, alg, oif);
        EXPECT_TRUE(f.Is(e)) << LookupAlgorithmName(alg) << " tos " << unsigned(tos) << " oif "
                             << oif << ": got " << f << ", expected " << e;
    }

    void ExpectStatus(ClassLookup::Status s,
                      uint32_t dst,
                      uint8_t tos,
                      LookupAlgorithm alg,
                      uint32_t oif = ROUTE_NO_INTERFACE)
    {
        const Found f = c.Lookup(dst, tos, alg, oif);
        EXPECT_EQ(f.status, s) << LookupAlgorithmName(alg) << " tos " << unsigned(tos) << " oif "
                               << oif << ": got " << f;
    }
};

using Implementations = ::testing::Types<Engine, Naive>;

class ImplementationNames
{
  public:
    template <typename T>
    static std::string GetName(int)
    {
        return std::is_same<T, Engine>() ? "Engine" : "NaiveReference";
    }
};

} // namespace

TYPED_TEST_SUITE(ClassSemantics, Implementations, ImplementationNames);

// ---------------------------------------------------------------------------------------------
// Node types: a lookup returns the node, whatever its type; the caller interprets it.

TYPED_TEST(ClassSemantics, EveryNodeTypeIsReturnedAsTheMatch)
{
    const RouteNodeType types[] = {RouteNodeType::UNICAST,
                                   RouteNodeType::LOCAL,
                                   RouteNodeType::BROADCAST,
                                   RouteNodeType::REJECT,
                                   RouteNodeType::PROHIBIT,
                                   RouteNodeType::BLACKHOLE,
                                   RouteNodeType::THROW,
                                   RouteNodeType::NAT};
    const RouteEntry def = Via(0, 0, A(9, 9, 9, 9));
    this->Add(def);
    uint32_t net = 1;
    for (RouteNodeType t : types)
    {
        RouteEntry e = Typed(t, A(10, net, 0, 0), 16);
        if (!IsErrorNodeType(t))
        {
            e.info.interface = 2;
            e.info.gateway = t == RouteNodeType::NAT ? A(192, 168, 0, net) : 0;
            e.info.prefSrc = t == RouteNodeType::LOCAL ? A(10, net, 0, 1) : 0;
        }
        this->Add(e);
        for (LookupAlgorithm alg : ALL)
        {
            this->ExpectNode(e, A(10, net, 7, 7), 0, alg);
            this->ExpectNode(e, A(10, net, 7, 7), LOWDELAY, alg);
            this->ExpectNode(def, A(10, net + 100, 7, 7), 0, alg);
        }
        ++net;
    }
    EXPECT_EQ(this->c.Size(), 9u);
}

TYPED_TEST(ClassSemantics, ErrorNodeAtLongerPrefixHidesShorterUnicast)
{
    // semantics.md §2.3: "a REJECT/THROW at a /24 hides a unicast /16 in the same class".
    const RouteEntry net = Via(A(10, 1, 0, 0), 16, A(1, 0, 0, 1));
    this->Add(net);
    for (RouteNodeType t : {RouteNodeType::REJECT,
                            RouteNodeType::PROHIBIT,
                            RouteNodeType::BLACKHOLE,
                            RouteNodeType::THROW})
    {
        const RouteEntry err = Typed(t, A(10, 1, 2, 0), 24);
        this->Add(err);
        for (LookupAlgorithm alg : ALL)
        {
            this->ExpectNode(err, A(10, 1, 2, 3), 0, alg);
            this->ExpectNode(net, A(10, 1, 3, 3), 0, alg);
        }
        ASSERT_EQ(this->c.Delete(Sel(A(10, 1, 2, 0), 24)), ClassResult::OK);
        for (LookupAlgorithm alg : ALL)
        {
            this->ExpectNode(net, A(10, 1, 2, 3), 0, alg);
        }
    }
}

TYPED_TEST(ClassSemantics, ErrorNodesAreTosFilteredLikeAnyOther)
{
    // semantics.md §2.3: REJECT and THROW nodes are subject to the same TOS filter.
    const RouteEntry net = Via(A(10, 1, 0, 0), 16, A(1, 0, 0, 1));
    const RouteEntry rej = Typed(RouteNodeType::REJECT, A(10, 1, 2, 0), 24, LOWDELAY);
    const RouteEntry thr = Typed(RouteNodeType::THROW, A(10, 1, 3, 0), 24, THROUGHPUT);
    this->Add(net);
    this->Add(rej);
    this->Add(thr);
    // Linux: the foreign-TOS error node is invisible; the /16 answers.
    this->ExpectNode(net, A(10, 1, 2, 3), 0, LINUX);
    this->ExpectNode(rej, A(10, 1, 2, 3), LOWDELAY, LINUX);
    this->ExpectNode(net, A(10, 1, 3, 3), LOWDELAY, LINUX);
    this->ExpectNode(thr, A(10, 1, 3, 3), THROUGHPUT, LINUX);
    // RFC 1812: longest match first, then weak TOS empties the set.
    this->ExpectStatus(ClassLookup::NO_MATCH_TOS, A(10, 1, 2, 3), 0, RFC1812);
    this->ExpectNode(rej, A(10, 1, 2, 3), LOWDELAY, RFC1812);
    // Variant: weak TOS over everything: tos-0 packet keeps only the /16.
    this->ExpectNode(net, A(10, 1, 2, 3), 0, VARIANT);
    this->ExpectNode(rej, A(10, 1, 2, 3), LOWDELAY, VARIANT);
    // Classic: TOS ignored, the /24 error node answers.
    this->ExpectNode(rej, A(10, 1, 2, 3), 0, CLASSIC);
    this->ExpectNode(thr, A(10, 1, 3, 3), 0, CLASSIC);
}

// ---------------------------------------------------------------------------------------------
// Insert: validity and modes.

TYPED_TEST(ClassSemantics, InsertRejectsInvalidNodes)
{
    EXPECT_EQ(this->c.Insert(Via(A(10, 0, 0, 1), 8, 1)), ClassResult::INVALID); // host bits
    EXPECT_EQ(this->c.Insert(Via(A(10, 0, 0, 1), 31, 1)), ClassResult::INVALID);
    EXPECT_EQ(this->c.Insert(Via(1, 0, 1)), ClassResult::INVALID); // default with host bits
    EXPECT_EQ(this->c.Insert(Via(A(10, 0, 0, 0), 33, 1)), ClassResult::INVALID);
    EXPECT_EQ(this->c.Insert(Via(A(10, 0, 0, 0), 255, 1)), ClassResult::INVALID);
    for (uint8_t tos : {0x01, 0x20, 0x40, 0x80, 0xe0, 0x11, 0xff})
    {
        EXPECT_EQ(this->c.Insert(Via(A(10, 0, 0, 0), 8, 1, tos)), ClassResult::INVALID)
            << unsigned(tos);
    }
    for (RouteNodeType t : {RouteNodeType::REJECT,
                            RouteNodeType::PROHIBIT,
                            RouteNodeType::BLACKHOLE,
                            RouteNodeType::THROW})
    {
        RouteEntry gw = Typed(t, A(10, 0, 0, 0), 8);
        gw.info.gateway = A(1, 1, 1, 1);
        EXPECT_EQ(this->c.Insert(gw), ClassResult::INVALID) << RouteNodeTypeName(t);
        RouteEntry dev = Typed(t, A(10, 0, 0, 0), 8);
        dev.info.interface = 0;
        EXPECT_EQ(this->c.Insert(dev), ClassResult::INVALID) << RouteNodeTypeName(t);
    }
    EXPECT_EQ(this->c.Size(), 0u);
    // The limits themselves are valid.
    this->Add(Via(0, 0, 1));
    this->Add(Via(0xffffffff, 32, 1));
    this->Add(Via(A(10, 0, 0, 0), 8, 1, ROUTE_TOS_MASK));
    this->Add(Typed(RouteNodeType::LOCAL, A(10, 0, 0, 1), 32)); // no interface is fine
    EXPECT_EQ(this->c.Size(), 4u);
}

TYPED_TEST(ClassSemantics, AddRefusesATakenKey)
{
    this->Add(Via(A(10, 0, 0, 0), 8, A(1, 0, 0, 1), 0, 5));
    EXPECT_EQ(this->c.Insert(Via(A(10, 0, 0, 0), 8, A(1, 0, 0, 1), 0, 5)), ClassResult::EXISTS);
    // Same key, other information: still EXISTS (the key is taken).
    EXPECT_EQ(this->c.Insert(Via(A(10, 0, 0, 0), 8, A(1, 0, 0, 2), 0, 5)), ClassResult::EXISTS);
    RouteEntry blackhole = Typed(RouteNodeType::BLACKHOLE, A(10, 0, 0, 0), 8, 0, 5);
    EXPECT_EQ(this->c.Insert(blackhole), ClassResult::EXISTS);
    // Another metric, TOS or length is another key.
    this->Add(Via(A(10, 0, 0, 0), 8, A(1, 0, 0, 1), 0, 6));
    this->Add(Via(A(10, 0, 0, 0), 8, A(1, 0, 0, 1), LOWDELAY, 5));
    this->Add(Via(A(10, 0, 0, 0), 9, A(1, 0, 0, 1), 0, 5));
    EXPECT_EQ(this->c.Size(), 4u);
}

TYPED_TEST(ClassSemantics, ReplaceReplacesTheFirstNodeOfTheKeyOrAdds)
{
    const uint32_t p = A(10, 0, 0, 0);
    // No node with the key: REPLACE adds.
    this->Add(Via(p, 8, A(1, 0, 0, 1), 0, 5), InsertMode::REPLACE);
    EXPECT_EQ(this->c.Size(), 1u);
    this->Add(Via(p, 8, A(1, 0, 0, 2), 0, 5), InsertMode::APPEND);
    this->Add(Via(p, 8, A(1, 0, 0, 3), 0, 5), InsertMode::APPEND);
    // Replace: the first of the three gets the new information, in place.
    this->Add(Via(p, 8, A(1, 0, 0, 9), 0, 5), InsertMode::REPLACE);
    EXPECT_EQ(this->c.Size(), 3u);
    std::vector<RouteEntry> expected = {Via(p, 8, A(1, 0, 0, 9), 0, 5),
                                        Via(p, 8, A(1, 0, 0, 2), 0, 5),
                                        Via(p, 8, A(1, 0, 0, 3), 0, 5)};
    EXPECT_EQ(this->c.Entries(), expected);
    this->ExpectNode(expected[0], A(10, 1, 1, 1), 0, LINUX);
    // Replacing with the type changes the type too.
    const RouteEntry prohibit = Typed(RouteNodeType::PROHIBIT, p, 8, 0, 5);
    this->Add(prohibit, InsertMode::REPLACE);
    expected[0] = prohibit;
    EXPECT_EQ(this->c.Entries(), expected);
    // Identical to the first: OK, nothing changes (kernel: no-op).
    EXPECT_EQ(this->c.Insert(prohibit, InsertMode::REPLACE), ClassResult::OK);
    EXPECT_EQ(this->c.Entries(), expected);
    // Identical to another node of the key: EXISTS, no duplicate (`ip route replace` on
    // Linux 6.x answers "File exists").
    EXPECT_EQ(this->c.Insert(Via(p, 8, A(1, 0, 0, 3), 0, 5), InsertMode::REPLACE),
              ClassResult::EXISTS);
    EXPECT_EQ(this->c.Entries(), expected);
    // Replace of another key does not touch these.
    this->Add(Via(p, 8, A(1, 0, 0, 4), LOWDELAY, 5), InsertMode::REPLACE);
    EXPECT_EQ(this->c.Size(), 4u);
}

TYPED_TEST(ClassSemantics, PrependAndAppendOrderNodesWithTheSameKey)
{
    const uint32_t p = A(10, 0, 0, 0);
    const RouteEntry a = Via(p, 8, A(1, 0, 0, 1), 0, 5);
    const RouteEntry b = Via(p, 8, A(1, 0, 0, 2), 0, 5);
    const RouteEntry c = Via(p, 8, A(1, 0, 0, 3), 0, 5);
    const RouteEntry d = Via(p, 8, A(1, 0, 0, 4), 0, 5, 2);
    this->Add(a);
    this->Add(b, InsertMode::APPEND);  // a b
    this->Add(c, InsertMode::PREPEND); // c a b
    this->Add(d, InsertMode::APPEND);  // c a b d
    EXPECT_EQ(this->c.Entries(), (std::vector<RouteEntry>{c, a, b, d}));
    // The first in order wins for every algorithm (ties: RFC 1812 5.2.4.5 "arbitrarily").
    for (LookupAlgorithm alg : ALL)
    {
        this->ExpectNode(c, A(10, 9, 9, 9), 0, alg);
    }
    // oif picks the first node through that interface.
    this->ExpectNode(d, A(10, 9, 9, 9), 0, LINUX, 2);
    this->ExpectNode(d, A(10, 9, 9, 9), 0, RFC1812, 2);
    // A node identical in every field: EXISTS for both (kernel: "perfect match").
    EXPECT_EQ(this->c.Insert(a, InsertMode::APPEND), ClassResult::EXISTS);
    EXPECT_EQ(this->c.Insert(b, InsertMode::PREPEND), ClassResult::EXISTS);
    EXPECT_EQ(this->c.Insert(d, InsertMode::PREPEND), ClassResult::EXISTS);
    // prefSrc makes a difference.
    RouteEntry a2 = a;
    a2.info.prefSrc = A(10, 0, 0, 1);
    this->Add(a2, InsertMode::APPEND); // c a b d a2
    // Deleting the first makes the next one first.
    ASSERT_EQ(this->c.Delete(Sel(p, 8)), ClassResult::OK);
    EXPECT_EQ(this->c.Entries(), (std::vector<RouteEntry>{a, b, d, a2}));
    this->ExpectNode(a, A(10, 9, 9, 9), 0, LINUX);
    EXPECT_EQ(this->c.Size(), 4u);
}

TYPED_TEST(ClassSemantics, PrependAndAppendWithoutTheKeyKeepLookupOrder)
{
    // Modes only order nodes of the same key; other nodes are ordered TOS descending, then
    // metric ascending, however they are inserted.
    const uint32_t p = A(10, 0, 0, 0);
    const RouteEntry t0m9 = Via(p, 8, A(1, 0, 0, 1), 0, 9);
    const RouteEntry t0m1 = Via(p, 8, A(1, 0, 0, 2), 0, 1);
    const RouteEntry t8m5 = Via(p, 8, A(1, 0, 0, 3), THROUGHPUT, 5);
    const RouteEntry t16m7 = Via(p, 8, A(1, 0, 0, 4), LOWDELAY, 7);
    const RouteEntry t16m2 = Via(p, 8, A(1, 0, 0, 5), LOWDELAY, 2);
    this->Add(t0m9, InsertMode::APPEND);
    this->Add(t8m5, InsertMode::PREPEND);
    this->Add(t0m1, InsertMode::APPEND);
    this->Add(t16m7, InsertMode::REPLACE);
    this->Add(t16m2, InsertMode::ADD);
    EXPECT_EQ(this->c.Entries(), (std::vector<RouteEntry>{t16m2, t16m7, t8m5, t0m1, t0m9}));
    // The kernel's order on a 6.x kernel, `ip route show table 100` after the same commands:
    // tos 0x10 metric 2, tos 0x10 metric 7, tos 0x08 metric 5, metric 1, metric 9.
}

// ---------------------------------------------------------------------------------------------
// Delete.

TYPED_TEST(ClassSemantics, DeleteSelectsByExactTosAndOptionalFields)
{
    const uint32_t p = A(10, 0, 0, 0);
    const RouteEntry tos16 = Via(p, 8, A(1, 0, 0, 1), LOWDELAY, 9, 2);
    const RouteEntry m1 = Via(p, 8, A(1, 0, 0, 2), 0, 1, 1);
    const RouteEntry m1b = Via(p, 8, A(1, 0, 0, 3), 0, 1, 2);
    const RouteEntry m5 = Via(p, 8, A(1, 0, 0, 2), 0, 5, 3);
    const RouteEntry bh = Typed(RouteNodeType::BLACKHOLE, p, 8, 0, 7);
    for (const RouteEntry& e : {tos16, m1, m1b, m5, bh})
    {
        this->Add(e, InsertMode::APPEND);
    }
    // Wrong prefix or length: nothing.
    EXPECT_EQ(this->c.Delete(Sel(A(11, 0, 0, 0), 8)), ClassResult::NOT_FOUND);
    EXPECT_EQ(this->c.Delete(Sel(p, 9)), ClassResult::NOT_FOUND);
    EXPECT_EQ(this->c.Delete(Sel(p, 7)), ClassResult::NOT_FOUND);
    // TOS is exact: no THROUGHPUT node; and the TOS-0 selector does not take the 0x10 node.
    EXPECT_EQ(this->c.Delete(Sel(p, 8, THROUGHPUT)), ClassResult::NOT_FOUND);
    // Metric, when set.
    RouteSelector s = Sel(p, 8);
    s.hasMetric = true;
    s.metric = 9;
    EXPECT_EQ(this->c.Delete(s), ClassResult::NOT_FOUND); // metric 9 has TOS 0x10
    s.tos = LOWDELAY;
    EXPECT_EQ(this->c.Delete(s), ClassResult::OK);
    EXPECT_EQ(this->c.Entries(), (std::vector<RouteEntry>{m1, m1b, m5, bh}));
    // Type, when set.
    s = Sel(p, 8);
    s.hasType = true;
    s.type = RouteNodeType::PROHIBIT;
    EXPECT_EQ(this->c.Delete(s), ClassResult::NOT_FOUND);
    s.type = RouteNodeType::BLACKHOLE;
    EXPECT_EQ(this->c.Delete(s), ClassResult::OK);
    EXPECT_EQ(this->c.Entries(), (std::vector<RouteEntry>{m1, m1b, m5}));
    // Interface, when set: the first node through it.
    s = Sel(p, 8);
    s.interface = 3;
    EXPECT_EQ(this->c.Delete(s), ClassResult::OK);
    EXPECT_EQ(this->c.Entries(), (std::vector<RouteEntry>{m1, m1b}));
    s.interface = 7;
    EXPECT_EQ(this->c.Delete(s), ClassResult::NOT_FOUND);
    // Gateway, when set.
    s = Sel(p, 8);
    s.gateway = A(1, 0, 0, 3);
    EXPECT_EQ(this->c.Delete(s), ClassResult::OK);
    EXPECT_EQ(this->c.Entries(), (std::vector<RouteEntry>{m1}));
    s.gateway = A(1, 0, 0, 9);
    EXPECT_EQ(this->c.Delete(s), ClassResult::NOT_FOUND);
    // All fields at once.
    s = Sel(p, 8);
    s.hasMetric = true;
    s.metric = 1;
    s.hasType = true;
    s.type = RouteNodeType::UNICAST;
    s.gateway = A(1, 0, 0, 2);
    s.interface = 1;
    EXPECT_EQ(this->c.Delete(s), ClassResult::OK);
    EXPECT_EQ(this->c.Size(), 0u);
    EXPECT_EQ(this->c.Delete(s), ClassResult::NOT_FOUND);
    this->ExpectStatus(ClassLookup::NO_MATCH, A(10, 1, 1, 1), 0, LINUX);
}

TYPED_TEST(ClassSemantics, DeleteTakesTheFirstNodeInLookupOrder)
{
    const uint32_t p = A(10, 0, 0, 0);
    const RouteEntry m3 = Via(p, 8, A(1, 0, 0, 1), 0, 3);
    const RouteEntry m2 = Via(p, 8, A(1, 0, 0, 2), 0, 2);
    const RouteEntry m2b = Via(p, 8, A(1, 0, 0, 3), 0, 2);
    this->Add(m3);
    this->Add(m2);
    this->Add(m2b, InsertMode::PREPEND); // m2b m2 m3
    ASSERT_EQ(this->c.Delete(Sel(p, 8)), ClassResult::OK);
    EXPECT_EQ(this->c.Entries(), (std::vector<RouteEntry>{m2, m3}));
    ASSERT_EQ(this->c.Delete(Sel(p, 8)), ClassResult::OK);
    EXPECT_EQ(this->c.Entries(), (std::vector<RouteEntry>{m3}));
}

TYPED_TEST(ClassSemantics, DeletedPrefixesCanBeAddedAgain)
{
    const RouteEntry def = Via(0, 0, A(9, 9, 9, 9));
    this->Add(def);
    for (int round = 0; round < 3; ++round)
    {
        const RouteEntry e = Via(A(10, 1, 0, 0), 16, A(1, 0, 0, round + 1));
        this->Add(e);
        this->ExpectNode(e, A(10, 1, 2, 3), 0, LINUX); // the prefix is looked up (built) ...
        ASSERT_EQ(this->c.Delete(Sel(A(10, 1, 0, 0), 16)), ClassResult::OK);
        this->ExpectNode(def, A(10, 1, 2, 3), 0, LINUX);
        this->Add(e); // ... and re-added while built
        ASSERT_EQ(this->c.Delete(Sel(A(10, 1, 0, 0), 16)), ClassResult::OK); // not yet looked up
        this->Add(e);
        this->ExpectNode(e, A(10, 1, 2, 3), 0, LINUX);
        ASSERT_EQ(this->c.Delete(Sel(A(10, 1, 0, 0), 16)), ClassResult::OK);
    }
    EXPECT_EQ(this->c.Size(), 1u);
    this->ExpectNode(def, A(10, 1, 2, 3), 0, LINUX);
}

// ---------------------------------------------------------------------------------------------
// Prefix lengths.

TYPED_TEST(ClassSemantics, DefaultRouteMatchesEverything)
{
    this->ExpectStatus(ClassLookup::NO_MATCH, 0, 0, LINUX);
    const RouteEntry def = Via(0, 0, A(9, 9, 9, 9));
    this->Add(def);
    for (uint32_t dst :
         {0u, 1u, A(10, 1, 2, 3), A(127, 255, 255, 255), A(128, 0, 0, 0), 0xfffffffeu, 0xffffffffu})
    {
        for (LookupAlgorithm alg : ALL)
        {
            this->ExpectNode(def, dst, 0, alg);
            this->ExpectNode(def, dst, 0xff, alg);
        }
    }
}

TYPED_TEST(ClassSemantics, HostRoutesMatchOneAddressOnly)
{
    const RouteEntry h = Via(A(10, 1, 2, 3), 32, A(1, 0, 0, 1));
    const RouteEntry first = Via(0, 32, A(1, 0, 0, 2));
    const RouteEntry last = Via(0xffffffff, 32, A(1, 0, 0, 3));
    this->Add(h);
    this->Add(first);
    this->Add(last);
    for (LookupAlgorithm alg : ALL)
    {
        this->ExpectNode(h, A(10, 1, 2, 3), 0, alg);
        this->ExpectStatus(ClassLookup::NO_MATCH, A(10, 1, 2, 2), 0, alg);
        this->ExpectStatus(ClassLookup::NO_MATCH, A(10, 1, 2, 4), 0, alg);
        this->ExpectNode(first, 0, 0, alg);
        this->ExpectStatus(ClassLookup::NO_MATCH, 1, 0, alg);
        this->ExpectNode(last, 0xffffffff, 0, alg);
        this->ExpectStatus(ClassLookup::NO_MATCH, 0xfffffffe, 0, alg);
    }
}

TYPED_TEST(ClassSemantics, EveryLengthFromZeroToThirtyTwo)
{
    // One prefix of every length containing dst; an address that leaves dst's path at bit k
    // (from the top) matches exactly the /k.
    const uint32_t dst = A(172, 16, 85, 170); // alternating low bits
    std::vector<RouteEntry> chain;
    for (unsigned len = 0; len <= 32; ++len)
    {
        const uint32_t mask = len == 0 ? 0 : 0xffffffffu << (32 - len);
        chain.push_back(Via(dst & mask, static_cast<uint8_t>(len), 1000 + len));
    }
    // Insert in a scrambled order.
    for (unsigned i = 0; i <= 32; ++i)
    {
        this->Add(chain[(i * 7) % 33]);
    }
    ASSERT_EQ(this->c.Size(), 33u);
    for (LookupAlgorithm alg : ALL)
    {
        this->ExpectNode(chain[32], dst, 0, alg);
        for (unsigned k = 0; k < 32; ++k)
        {
            this->ExpectNode(chain[k], dst ^ (0x80000000u >> k), 0, alg);
        }
    }
    // Delete from the longest down: each time the next shorter one answers.
    for (int len = 32; len > 0; --len)
    {
        ASSERT_EQ(this->c.Delete(Sel(chain[len].prefix, static_cast<uint8_t>(len))),
                  ClassResult::OK);
        this->ExpectNode(chain[len - 1], dst, 0, LINUX);
        this->ExpectNode(chain[len - 1], dst, 0, RFC1812);
    }
}

TYPED_TEST(ClassSemantics, SiblingsAndAdjacentPrefixes)
{
    const RouteEntry lo = Via(A(10, 0, 0, 0), 9, 1);
    const RouteEntry hi = Via(A(10, 128, 0, 0), 9, 2);
    const RouteEntry next = Via(A(11, 0, 0, 0), 8, 3);
    const RouteEntry inner = Via(A(10, 127, 255, 252), 30, 4);
    this->Add(lo);
    this->Add(hi);
    this->Add(next);
    this->Add(inner);
    for (LookupAlgorithm alg : ALL)
    {
        this->ExpectNode(lo, A(10, 0, 0, 0), 0, alg);
        this->ExpectNode(lo, A(10, 127, 255, 251), 0, alg);
        this->ExpectNode(inner, A(10, 127, 255, 252), 0, alg);
        this->ExpectNode(inner, A(10, 127, 255, 255), 0, alg);
        this->ExpectNode(hi, A(10, 128, 0, 0), 0, alg);
        this->ExpectNode(hi, A(10, 255, 255, 255), 0, alg);
        this->ExpectNode(next, A(11, 0, 0, 0), 0, alg);
        this->ExpectStatus(ClassLookup::NO_MATCH, A(9, 255, 255, 255), 0, alg);
        this->ExpectStatus(ClassLookup::NO_MATCH, A(12, 0, 0, 0), 0, alg);
    }
}

// ---------------------------------------------------------------------------------------------
// TOS.

TYPED_TEST(ClassSemantics, PacketTosIsMaskedToTheFourTosBits)
{
    // Only 0x1e is compared (RFC 1349: bits 3-6 of the octet): the precedence bits (0xe0) and
    // the MBZ / ECN-CE bit (0x01) never matter. Bit 0x02 is RFC 1349's "minimize monetary
    // cost" TOS value, so it does matter (ROUTE_TOS_MASK = 0x1e, as Linux 2.1/2.2 had).
    const RouteEntry t16 = Via(A(10, 0, 0, 0), 8, A(1, 0, 0, 1), LOWDELAY);
    const RouteEntry t2 = Via(A(10, 0, 0, 0), 8, A(1, 0, 0, 2), MINCOST);
    const RouteEntry t0 = Via(A(10, 0, 0, 0), 8, A(1, 0, 0, 3));
    this->Add(t16);
    this->Add(t2);
    this->Add(t0);
    for (LookupAlgorithm alg : {LINUX, RFC1812, VARIANT})
    {
        for (uint8_t extra : {0x00, 0x01, 0x20, 0x40, 0x80, 0xe0, 0xe1})
        {
            this->ExpectNode(t16, A(10, 1, 1, 1), LOWDELAY | extra, alg);
            this->ExpectNode(t2, A(10, 1, 1, 1), MINCOST | extra, alg);
            this->ExpectNode(t0, A(10, 1, 1, 1), extra, alg);
            this->ExpectNode(t0, A(10, 1, 1, 1), RELIABILITY | extra, alg);
        }
        // 0x12 is a TOS value of its own (RFC 1349: values are not bit sets).
        this->ExpectNode(t0, A(10, 1, 1, 1), LOWDELAY | MINCOST, alg);
    }
}

TYPED_TEST(ClassSemantics, SemanticsSection5Row1)
{
    // 10/8 tos 0x10 -> A; 10.1/16 tos 0x08 -> B; default tos 0 -> C; packet tos 0x10.
    const RouteEntry a = Via(A(10, 0, 0, 0), 8, A(1, 0, 0, 1), LOWDELAY);
    const RouteEntry b = Via(A(10, 1, 0, 0), 16, A(1, 0, 0, 2), THROUGHPUT);
    const RouteEntry c = Via(0, 0, A(1, 0, 0, 3));
    this->Add(a);
    this->Add(b);
    this->Add(c);
    const uint32_t dst = A(10, 1, 2, 3);
    this->ExpectStatus(ClassLookup::NO_MATCH_TOS, dst, LOWDELAY, RFC1812); // 3/11
    this->ExpectNode(a, dst, LOWDELAY, LINUX);                             // /16 invisible
    this->ExpectNode(a, dst, LOWDELAY, VARIANT); // TOS 0x10 exists: keep /8
    this->ExpectNode(b, dst, LOWDELAY, CLASSIC); // longest, TOS ignored
    // Same class, other packets.
    this->ExpectNode(b, dst, THROUGHPUT, RFC1812);
    this->ExpectNode(b, dst, THROUGHPUT, LINUX);
    this->ExpectStatus(ClassLookup::NO_MATCH_TOS, dst, 0, RFC1812);
    this->ExpectNode(c, dst, 0, LINUX); // both visible nodes foreign: back to the default
    this->ExpectNode(c, dst, 0, VARIANT);
    // Elsewhere in 10/8 the /8 is the longest match; outside it only the default matches.
    this->ExpectStatus(ClassLookup::NO_MATCH_TOS, A(10, 2, 0, 0), 0, RFC1812);
    this->ExpectNode(c, A(10, 2, 0, 0), 0, LINUX);
    this->ExpectNode(a, A(10, 2, 0, 0), LOWDELAY, RFC1812);
    this->ExpectNode(c, A(11, 0, 0, 0), LOWDELAY, RFC1812);
}

TYPED_TEST(ClassSemantics, SemanticsSection5Row2)
{
    // 10.1/16 tos 0 -> B; default tos 0x10 -> C; packet tos 0x10.
    const RouteEntry b = Via(A(10, 1, 0, 0), 16, A(1, 0, 0, 2));
    const RouteEntry c = Via(0, 0, A(1, 0, 0, 3), LOWDELAY);
    this->Add(b);
    this->Add(c);
    const uint32_t dst = A(10, 1, 2, 3);
    this->ExpectNode(b, dst, LOWDELAY, RFC1812);
    this->ExpectNode(b, dst, LOWDELAY, LINUX);
    // E.3.2: "would prefer a default route that had the correct type of service over a
    // network route that had the default type of service".
    this->ExpectNode(c, dst, LOWDELAY, VARIANT);
    this->ExpectNode(b, dst, LOWDELAY, CLASSIC);
    // Outside 10.1/16 only the default: usable for 0x10 only.
    this->ExpectNode(c, A(11, 0, 0, 1), LOWDELAY, RFC1812);
    this->ExpectStatus(ClassLookup::NO_MATCH_TOS, A(11, 0, 0, 1), 0, RFC1812);
    this->ExpectStatus(ClassLookup::NO_MATCH_TOS, A(11, 0, 0, 1), 0, LINUX);
    this->ExpectStatus(ClassLookup::NO_MATCH_TOS, A(11, 0, 0, 1), 0, VARIANT);
    this->ExpectNode(c, A(11, 0, 0, 1), 0, CLASSIC);
}

TYPED_TEST(ClassSemantics, SemanticsSection5Row3)
{
    // Only 10.1/16 tos 0x08; packet tos 0x10: nothing usable. Routes to the destination
    // exist, so the reason is the TOS (RFC 1812 4.3.3.1 code 11) for every algorithm that
    // looks at TOS; Linux reports it too (it would send 3/0: the caller's mapping).
    this->Add(Via(A(10, 1, 0, 0), 16, A(1, 0, 0, 2), THROUGHPUT));
    const uint32_t dst = A(10, 1, 2, 3);
    this->ExpectStatus(ClassLookup::NO_MATCH_TOS, dst, LOWDELAY, RFC1812);
    this->ExpectStatus(ClassLookup::NO_MATCH_TOS, dst, LOWDELAY, VARIANT);
    this->ExpectStatus(ClassLookup::NO_MATCH_TOS, dst, LOWDELAY, LINUX);
    this->ExpectStatus(ClassLookup::MATCH, dst, LOWDELAY, CLASSIC);
    // Elsewhere there is no route at all.
    for (LookupAlgorithm alg : ALL)
    {
        this->ExpectStatus(ClassLookup::NO_MATCH, A(10, 2, 0, 0), LOWDELAY, alg);
    }
}

TYPED_TEST(ClassSemantics, SemanticsSection5Row4)
{
    // 10.1/16 tos 0 metric 5 -> B; 10.1/16 tos 0x10 metric 9 -> D; packet tos 0x10.
    const RouteEntry b = Via(A(10, 1, 0, 0), 16, A(1, 0, 0, 2), 0, 5);
    const RouteEntry d = Via(A(10, 1, 0, 0), 16, A(1, 0, 0, 4), LOWDELAY, 9);
    this->Add(b);
    this->Add(d);
    const uint32_t dst = A(10, 1, 2, 3);
    this->ExpectNode(d, dst, LOWDELAY, RFC1812);
    this->ExpectNode(d, dst, LOWDELAY, LINUX);
    this->ExpectNode(d, dst, LOWDELAY, VARIANT);
    this->ExpectNode(b, dst, LOWDELAY, CLASSIC); // E.3.1 ignores TOS: lowest metric
    for (LookupAlgorithm alg : ALL)
    {
        this->ExpectNode(b, dst, 0, alg);
        this->ExpectNode(b, dst, THROUGHPUT, alg);
    }
}

TYPED_TEST(ClassSemantics, BestMetricWithinTheChosenTos)
{
    const uint32_t p = A(10, 0, 0, 0);
    const RouteEntry t0m1 = Via(p, 8, A(1, 0, 0, 1), 0, 1);
    const RouteEntry t0m4 = Via(p, 8, A(1, 0, 0, 2), 0, 4);
    const RouteEntry t16m3 = Via(p, 8, A(1, 0, 0, 3), LOWDELAY, 3);
    const RouteEntry t16m2 = Via(p, 8, A(1, 0, 0, 4), LOWDELAY, 2);
    const RouteEntry t8m0 = Via(p, 8, A(1, 0, 0, 5), THROUGHPUT, 0);
    for (const RouteEntry& e : {t0m4, t16m3, t0m1, t8m0, t16m2})
    {
        this->Add(e);
    }
    const uint32_t dst = A(10, 5, 5, 5);
    for (LookupAlgorithm alg : {LINUX, RFC1812, VARIANT})
    {
        this->ExpectNode(t16m2, dst, LOWDELAY, alg);
        this->ExpectNode(t8m0, dst, THROUGHPUT, alg);
        this->ExpectNode(t0m1, dst, 0, alg);
        this->ExpectNode(t0m1, dst, RELIABILITY, alg);
    }
    // E.3.1: the lowest metric whatever the TOS.
    for (uint8_t tos : {0, 0x02, 0x04, 0x08, 0x10, 0x1e})
    {
        this->ExpectNode(t8m0, dst, tos, CLASSIC);
    }
    // Equal best metrics of different TOS under E.3.1: the first in order (higher TOS).
    const RouteEntry t4m0 = Via(p, 8, A(1, 0, 0, 6), RELIABILITY, 0);
    const RouteEntry t0m0 = Via(p, 8, A(1, 0, 0, 7), 0, 0);
    this->Add(t0m0);
    this->Add(t4m0);
    this->ExpectNode(t8m0, dst, 0, CLASSIC);
    ASSERT_EQ(this->c.Delete(Sel(p, 8, THROUGHPUT)), ClassResult::OK);
    this->ExpectNode(t4m0, dst, 0, CLASSIC);
}

TYPED_TEST(ClassSemantics, LinuxBacktracksRfc1812DoesNot)
{
    // A chain where the longer prefixes carry foreign TOS values.
    const RouteEntry def = Via(0, 0, A(1, 0, 0, 1));
    const RouteEntry n8 = Via(A(10, 0, 0, 0), 8, A(1, 0, 0, 2), THROUGHPUT);
    const RouteEntry n16 = Via(A(10, 1, 0, 0), 16, A(1, 0, 0, 3), RELIABILITY);
    const RouteEntry n24 = Via(A(10, 1, 2, 0), 24, A(1, 0, 0, 4), LOWDELAY);
    for (const RouteEntry& e : {def, n8, n16, n24})
    {
        this->Add(e);
    }
    const uint32_t dst = A(10, 1, 2, 3);
    this->ExpectNode(def, dst, 0, LINUX);
    this->ExpectNode(n8, dst, THROUGHPUT, LINUX);
    this->ExpectNode(n16, dst, RELIABILITY, LINUX);
    this->ExpectNode(n24, dst, LOWDELAY, LINUX);
    this->ExpectNode(def, dst, MINCOST, LINUX);
    this->ExpectStatus(ClassLookup::NO_MATCH_TOS, dst, 0, RFC1812);
    this->ExpectStatus(ClassLookup::NO_MATCH_TOS, dst, THROUGHPUT, RFC1812);
    this->ExpectNode(n24, dst, LOWDELAY, RFC1812);
    this->ExpectNode(n8, dst, THROUGHPUT, VARIANT);
    this->ExpectNode(n16, dst, RELIABILITY, VARIANT);
    this->ExpectNode(def, dst, MINCOST, VARIANT);
    for (uint8_t tos : {0, 0x02, 0x04, 0x08, 0x10})
    {
        this->ExpectNode(n24, dst, tos, CLASSIC);
    }
}

TYPED_TEST(ClassSemantics, VariantPrefersTosOverLength)
{
    // E.3.2 over a longer chain: the longest prefix among the exact-TOS nodes, else among
    // the TOS-0 nodes.
    const RouteEntry n8 = Via(A(10, 0, 0, 0), 8, A(1, 0, 0, 2), LOWDELAY);
    const RouteEntry n12 = Via(A(10, 0, 0, 0), 12, A(1, 0, 0, 5), LOWDELAY);
    const RouteEntry n16 = Via(A(10, 1, 0, 0), 16, A(1, 0, 0, 3));
    const RouteEntry n24 = Via(A(10, 1, 2, 0), 24, A(1, 0, 0, 4), THROUGHPUT);
    for (const RouteEntry& e : {n8, n12, n16, n24})
    {
        this->Add(e);
    }
    const uint32_t dst = A(10, 1, 2, 3);
    this->ExpectNode(n12, dst, LOWDELAY, VARIANT);
    this->ExpectNode(n24, dst, THROUGHPUT, VARIANT);
    this->ExpectNode(n16, dst, 0, VARIANT);
    this->ExpectNode(n16, dst, RELIABILITY, VARIANT);
    this->ExpectNode(n16, dst, LOWDELAY, LINUX);
    this->ExpectStatus(ClassLookup::NO_MATCH_TOS, dst, LOWDELAY, RFC1812);
    // Outside 10.1/16: TOS-0 packets have nothing (only 0x10 nodes match).
    this->ExpectStatus(ClassLookup::NO_MATCH_TOS, A(10, 2, 0, 0), 0, VARIANT);
    this->ExpectNode(n12, A(10, 2, 0, 0), LOWDELAY, VARIANT);
    this->ExpectNode(n8, A(10, 16, 0, 0), LOWDELAY, VARIANT);
}

// ---------------------------------------------------------------------------------------------
// Output interface.

TYPED_TEST(ClassSemantics, OifRestrictsCandidatesButNotErrorNodes)
{
    const RouteEntry def2 = Via(0, 0, A(1, 0, 0, 1), 0, 0, 2);
    const RouteEntry n16 = Via(A(10, 1, 0, 0), 16, A(1, 0, 0, 2), 0, 0, 1);
    const RouteEntry n24a = Via(A(10, 1, 2, 0), 24, A(1, 0, 0, 3), 0, 1, 3);
    const RouteEntry n24b = Via(A(10, 1, 2, 0), 24, A(1, 0, 0, 4), 0, 2, 1);
    const RouteEntry n24c = Via(A(10, 1, 2, 0), 24, A(1, 0, 0, 5), LOWDELAY, 3, 3);
    const RouteEntry rej = Typed(RouteNodeType::REJECT, A(10, 1, 3, 0), 24);
    for (const RouteEntry& e : {def2, n16, n24a, n24b, n24c, rej})
    {
        this->Add(e);
    }
    const uint32_t dst = A(10, 1, 2, 3);
    for (LookupAlgorithm alg : ALL)
    {
        // Within a prefix, the first node through oif.
        this->ExpectNode(n24b, dst, 0, alg, 1);
        this->ExpectNode(n24a, dst, 0, alg, 3);
        // No node of the /24 through 2: the next shorter prefix that has one.
        this->ExpectNode(def2, dst, 0, alg, 2);
        // No node through 9 at all.
        this->ExpectStatus(ClassLookup::NO_MATCH, dst, 0, alg, 9);
        // Error nodes have no interface and stay candidates.
        this->ExpectNode(rej, A(10, 1, 3, 3), 0, alg, 1);
        this->ExpectNode(rej, A(10, 1, 3, 3), 0, alg, 9);
        this->ExpectNode(n16, A(10, 1, 4, 4), 0, alg, 1);
    }
    this->ExpectNode(n24c, dst, LOWDELAY, LINUX, 3);
    this->ExpectNode(n24b, dst, LOWDELAY, LINUX, 1);
    this->ExpectNode(n24b, dst, LOWDELAY, RFC1812, 1);
    // Only a foreign-TOS node through oif: unreachable for TOS. Through another interface
    // only: unreachable (another TOS would not help).
    const RouteEntry tos8 = Via(A(10, 9, 0, 0), 16, A(1, 0, 0, 6), THROUGHPUT, 0, 4);
    this->Add(tos8);
    for (LookupAlgorithm alg : {LINUX, RFC1812, VARIANT})
    {
        this->ExpectStatus(ClassLookup::NO_MATCH_TOS, A(10, 9, 1, 1), 0, alg, 4);
        this->ExpectStatus(ClassLookup::NO_MATCH, A(10, 9, 1, 1), 0, alg, 5);
        this->ExpectNode(tos8, A(10, 9, 1, 1), THROUGHPUT, alg, 4);
    }
}

TYPED_TEST(ClassSemantics, OifAndTosTogether)
{
    // Linux applies the TOS filter and the interface filter node by node; RFC 1812 restricts
    // the candidates to oif first, then longest match, then weak TOS.
    const RouteEntry n16 = Via(A(10, 1, 0, 0), 16, A(1, 0, 0, 1), 0, 0, 1);
    const RouteEntry n24t = Via(A(10, 1, 2, 0), 24, A(1, 0, 0, 2), LOWDELAY, 0, 1);
    const RouteEntry n24z = Via(A(10, 1, 2, 0), 24, A(1, 0, 0, 3), 0, 0, 2);
    this->Add(n16);
    this->Add(n24t);
    this->Add(n24z);
    const uint32_t dst = A(10, 1, 2, 3);
    this->ExpectNode(n24z, dst, 0, LINUX);
    this->ExpectNode(n16, dst, 0, LINUX, 1); // n24t foreign TOS, n24z other interface
    this->ExpectNode(n24t, dst, LOWDELAY, LINUX, 1);
    this->ExpectNode(n24z, dst, LOWDELAY, LINUX, 2);
    this->ExpectStatus(ClassLookup::NO_MATCH_TOS, dst, 0, RFC1812, 1); // /24 only 0x10 via 1
    this->ExpectNode(n24z, dst, LOWDELAY, RFC1812, 2);
    this->ExpectNode(n16, dst, 0, VARIANT, 1);
    this->ExpectNode(n24t, dst, 0, CLASSIC, 1);
}

// ---------------------------------------------------------------------------------------------
// The engine only.

namespace
{

RouteClass
MakeClass(std::initializer_list<RouteEntry> entries)
{
    RouteClass c;
    for (const RouteEntry& e : entries)
    {
        EXPECT_EQ(c.Insert(e, InsertMode::APPEND), ClassResult::OK) << e;
    }
    return c;
}

} // namespace

TEST(RouteClass, EntriesAreOrderedByPrefixLengthTosMetric)
{
    const RouteEntry e1 = Via(A(10, 0, 0, 0), 8, 1, 0, 3);
    const RouteEntry e2 = Via(A(10, 0, 0, 0), 8, 2, LOWDELAY, 9);
    const RouteEntry e3 = Via(A(10, 0, 0, 0), 16, 3);
    const RouteEntry e4 = Via(A(9, 0, 0, 0), 8, 4);
    const RouteEntry e5 = Via(0, 0, 5);
    const RouteEntry e6 = Via(A(10, 0, 0, 0), 8, 6, 0, 1);
    RouteClass c = MakeClass({e1, e2, e3, e4, e5, e6});
    const std::vector<RouteEntry> expected = {e5, e4, e2, e6, e1, e3};
    EXPECT_EQ(c.Entries(), expected);
    std::vector<RouteEntry> seen;
    c.ForEach([&seen](const RouteEntry& e) { seen.push_back(e); });
    EXPECT_EQ(seen, expected);
    EXPECT_EQ(c.GetNodeCount(), 6u);
    EXPECT_EQ(c.GetPrefixCount(), 4u);
    EXPECT_FALSE(c.IsEmpty());
    // Entries() before and after lookups (pending and built states) agree.
    c.Lookup(A(10, 1, 1, 1));
    EXPECT_EQ(c.Entries(), expected);
    c.Clear();
    EXPECT_TRUE(c.Entries().empty());
    EXPECT_TRUE(c.IsEmpty());
    EXPECT_EQ(c.GetPrefixCount(), 0u);
}

TEST(RouteClass, ContainsComparesEveryField)
{
    RouteEntry e = Via(A(10, 0, 0, 0), 8, A(1, 0, 0, 1), LOWDELAY, 7, 2);
    e.info.prefSrc = A(10, 0, 0, 1);
    RouteClass c = MakeClass({e});
    EXPECT_TRUE(c.Contains(e));
    c.Build();
    EXPECT_TRUE(c.Contains(e));
    auto changed = [&e](const std::function<void(RouteEntry&)>& f) {
        RouteEntry x = e;
        f(x);
        return x;
    };
    EXPECT_FALSE(c.Contains(changed([](RouteEntry& x) { x.prefix = A(11, 0, 0, 0); })));
    EXPECT_FALSE(c.Contains(changed([](RouteEntry& x) { x.length = 9; })));
    EXPECT_FALSE(c.Contains(changed([](RouteEntry& x) { x.tos = 0; })));
    EXPECT_FALSE(c.Contains(changed([](RouteEntry& x) { x.metric = 8; })));
    EXPECT_FALSE(c.Contains(changed([](RouteEntry& x) { x.info.gateway = 0; })));
    EXPECT_FALSE(c.Contains(changed([](RouteEntry& x) { x.info.interface = 1; })));
    EXPECT_FALSE(c.Contains(changed([](RouteEntry& x) { x.info.prefSrc = 0; })));
    EXPECT_FALSE(c.Contains(changed([](RouteEntry& x) { x.info.type = RouteNodeType::LOCAL; })));
    ASSERT_EQ(c.Delete(Sel(A(10, 0, 0, 0), 8, LOWDELAY)), ClassResult::OK);
    EXPECT_FALSE(c.Contains(e));
}

TEST(RouteClass, MatchesListsTheBasicMatchSetLongestFirst)
{
    const RouteEntry def = Via(0, 0, 1);
    const RouteEntry n8a = Via(A(10, 0, 0, 0), 8, 2, 0, 5);
    const RouteEntry n8b = Via(A(10, 0, 0, 0), 8, 3, THROUGHPUT, 9);
    const RouteEntry n16 = Via(A(10, 1, 0, 0), 16, 4);
    const RouteEntry other = Via(A(10, 2, 0, 0), 16, 5);
    const RouteEntry host = Via(A(10, 1, 2, 3), 32, 6);
    RouteClass c = MakeClass({def, n8a, n8b, n16, other, host});
    EXPECT_EQ(c.Matches(A(10, 1, 2, 3)), (std::vector<RouteEntry>{host, n16, n8b, n8a, def}));
    EXPECT_EQ(c.Matches(A(10, 1, 2, 4)), (std::vector<RouteEntry>{n16, n8b, n8a, def}));
    EXPECT_EQ(c.Matches(A(11, 1, 2, 4)), (std::vector<RouteEntry>{def}));
    EXPECT_TRUE(RouteClass().Matches(A(11, 1, 2, 4)).empty());
}

TEST(RouteClass, DeleteIfRemovesEveryMatchingNode)
{
    const RouteEntry def = Via(0, 0, A(1, 0, 0, 1), 0, 0, 1);
    const RouteEntry n8 = Via(A(10, 0, 0, 0), 8, A(1, 0, 0, 2), 0, 0, 2);
    const RouteEntry n16a = Via(A(10, 1, 0, 0), 16, A(1, 0, 0, 3), 0, 0, 2);
    const RouteEntry n16b = Via(A(10, 1, 0, 0), 16, A(1, 0, 0, 4), 0, 1, 3);
    const RouteEntry host = Via(A(10, 1, 2, 3), 32, A(1, 0, 0, 5), 0, 0, 2);
    RouteClass c = MakeClass({def, n8, n16a, n16b, host});
    EXPECT_TRUE(c.Lookup(A(10, 1, 2, 3)).Entry() == host);
    // "all routes via an interface that went down"
    EXPECT_EQ(c.DeleteIf([](const RouteEntry& e) { return e.info.interface == 2; }), 3u);
    EXPECT_EQ(c.Entries(), (std::vector<RouteEntry>{def, n16b}));
    EXPECT_EQ(c.GetNodeCount(), 2u);
    EXPECT_EQ(c.GetPrefixCount(), 2u);
    EXPECT_TRUE(c.Lookup(A(10, 1, 2, 3)).Entry() == n16b);
    EXPECT_TRUE(c.Lookup(A(10, 2, 2, 3)).Entry() == def);
    EXPECT_EQ(c.DeleteIf([](const RouteEntry&) { return false; }), 0u);
    EXPECT_EQ(c.DeleteIf([](const RouteEntry&) { return true; }), 2u);
    EXPECT_TRUE(c.IsEmpty());
    EXPECT_EQ(c.Lookup(A(10, 1, 2, 3)).status, ClassLookup::NO_MATCH);
    // Prefixes deleted by DeleteIf can come back.
    ASSERT_EQ(c.Insert(n8), ClassResult::OK);
    EXPECT_TRUE(c.Lookup(A(10, 1, 2, 3)).Entry() == n8);
}

TEST(RouteClass, LookupResultDescribesTheChosenNode)
{
    RouteEntry e = Via(A(10, 1, 0, 0), 16, A(1, 0, 0, 1), LOWDELAY, 42, 3);
    e.info.prefSrc = A(10, 1, 0, 1);
    RouteClass c = MakeClass({e});
    const ClassLookup r = c.Lookup(A(10, 1, 200, 7), LOWDELAY | 0xe0);
    ASSERT_TRUE(r.IsMatch());
    EXPECT_EQ(r.prefix, A(10, 1, 0, 0));
    EXPECT_EQ(r.length, 16);
    EXPECT_EQ(r.tos, LOWDELAY);
    EXPECT_EQ(r.metric, 42u);
    ASSERT_NE(r.info, nullptr);
    EXPECT_EQ(*r.info, e.info);
    EXPECT_EQ(r.Entry(), e);
    const ClassLookup none = c.Lookup(A(11, 0, 0, 0));
    EXPECT_FALSE(none.IsMatch());
    EXPECT_EQ(none.status, ClassLookup::NO_MATCH);
    EXPECT_EQ(none.info, nullptr);
}

TEST(RouteClass, CopiesAreIndependent)
{
    const RouteEntry n8 = Via(A(10, 0, 0, 0), 8, A(1, 0, 0, 1));
    const RouteEntry n16 = Via(A(10, 1, 0, 0), 16, A(1, 0, 0, 2));
    RouteClass a = MakeClass({n8});
    a.Build();
    ASSERT_EQ(a.Insert(n16), ClassResult::OK); // pending in a
    RouteClass b(a);
    EXPECT_EQ(b.Entries(), a.Entries());
    ASSERT_EQ(b.Delete(Sel(A(10, 1, 0, 0), 16)), ClassResult::OK);
    EXPECT_EQ(a.Lookup(A(10, 1, 1, 1)).Entry(), n16);
    EXPECT_EQ(b.Lookup(A(10, 1, 1, 1)).Entry(), n8);
    RouteClass c;
    c = a;
    ASSERT_EQ(a.Insert(Via(A(10, 1, 0, 0), 16, A(1, 0, 0, 3)), InsertMode::REPLACE),
              ClassResult::OK);
    EXPECT_EQ(c.Lookup(A(10, 1, 1, 1)).Entry(), n16);
    EXPECT_EQ(a.Lookup(A(10, 1, 1, 1)).info->gateway, A(1, 0, 0, 3));
    EXPECT_EQ(c.GetNodeCount(), 2u);
    // Self-assignment.
    RouteClass& alias = c;
    c = alias;
    EXPECT_EQ(c.Lookup(A(10, 1, 1, 1)).Entry(), n16);
}

TEST(RouteClass, MovesTransferTheNodesAndLeaveAnEmptyClass)
{
    const RouteEntry n8 = Via(A(10, 0, 0, 0), 8, A(1, 0, 0, 1));
    const RouteEntry n16 = Via(A(10, 1, 0, 0), 16, A(1, 0, 0, 2));
    for (bool built : {false, true})
    {
        RouteClass a = MakeClass({n8, n16});
        if (built)
        {
            a.Build();
        }
        RouteClass b(std::move(a));
        EXPECT_EQ(b.Lookup(A(10, 1, 1, 1)).Entry(), n16);
        EXPECT_EQ(b.GetNodeCount(), 2u);
        // The moved-from class is a valid empty class.
        EXPECT_EQ(a.GetNodeCount(), 0u); // NOLINT(bugprone-use-after-move)
        EXPECT_EQ(a.GetPrefixCount(), 0u);
        EXPECT_TRUE(a.IsEmpty());
        EXPECT_TRUE(a.Entries().empty());
        EXPECT_EQ(a.Lookup(A(10, 1, 1, 1)).status, ClassLookup::NO_MATCH);
        ASSERT_EQ(a.Insert(n8), ClassResult::OK);
        EXPECT_EQ(a.Lookup(A(10, 1, 1, 1)).Entry(), n8);

        RouteClass c;
        c = std::move(b);
        EXPECT_EQ(c.Lookup(A(10, 1, 1, 1)).Entry(), n16);
        EXPECT_EQ(b.GetNodeCount(), 0u); // NOLINT(bugprone-use-after-move)
        EXPECT_EQ(b.Lookup(A(10, 1, 1, 1)).status, ClassLookup::NO_MATCH);
        ASSERT_EQ(b.Insert(n16), ClassResult::OK);
        EXPECT_EQ(b.Lookup(A(10, 1, 1, 1)).Entry(), n16);
        EXPECT_EQ(b.GetNodeCount(), 1u);
    }
}

TEST(RouteClass, MemoryBytesGrowsWithTheNodesAndShrinksOnClear)
{
    RouteClass c;
    const std::size_t empty = c.MemoryBytes();
    EXPECT_GE(empty, sizeof(RouteClass));
    EXPECT_LT(empty, 4096u);
    uint32_t x = 12345;
    const unsigned n = 20000;
    for (unsigned i = 0; i < n; ++i)
    {
        x = x * 1103515245u + 12345u;
        const uint8_t len = static_cast<uint8_t>(8 + (x >> 8) % 25);
        ASSERT_NE(c.Insert(Via(x & (0xffffffffu << (32 - len)), len, 1 + (x & 7))),
                  ClassResult::INVALID);
    }
    c.Build();
    const std::size_t full = c.MemoryBytes();
    const double perPrefix = double(full - empty) / double(c.GetPrefixCount());
    // At least the 16-byte group of each prefix; a few dozen bytes at most (the design says
    // about 20 bytes a prefix plus the index).
    EXPECT_GE(perPrefix, 16.0);
    EXPECT_LT(perPrefix, 100.0);
    EXPECT_GE(full, c.GetIndex().MemoryBytes());
    c.Clear();
    EXPECT_LE(c.MemoryBytes(), empty + 64);
}

TEST(RouteClass, MemoryOfDeletedPrefixesIsReclaimed)
{
    // When most prefixes are deleted, their space (groups, parents, index) is given back at
    // the next lookup, whether they went one by one (Delete) or in bulk (DeleteIf).
    for (bool bulk : {false, true})
    {
        RouteClass c;
        const unsigned n = 20000;
        for (unsigned i = 0; i < n; ++i)
        {
            ASSERT_EQ(c.Insert(Via(i << 8, 24, 1 + i % 4)), ClassResult::OK);
        }
        c.Build();
        const std::size_t full = c.MemoryBytes();
        if (bulk)
        {
            EXPECT_EQ(c.DeleteIf([](const RouteEntry& e) { return (e.prefix >> 8) % 100 != 0; }),
                      n - n / 100);
        }
        else
        {
            for (unsigned i = 0; i < n; ++i)
            {
                if (i % 100 != 0)
                {
                    ASSERT_EQ(c.Delete(Sel(i << 8, 24)), ClassResult::OK);
                }
            }
        }
        EXPECT_EQ(c.Lookup(A(0, 0, 100, 1)).Entry(), Via(100 << 8, 24, 1));
        EXPECT_EQ(c.GetPrefixCount(), n / 100);
        EXPECT_LT(c.MemoryBytes(), full / 10)
            << (bulk ? "DeleteIf" : "Delete") << ": " << c.MemoryBytes() << " of " << full;
        EXPECT_EQ(c.Lookup(A(0, 0, 101, 1)).status, ClassLookup::NO_MATCH);
    }
}

TEST(RouteClass, BigClassAgreesWithAPerLengthHashLookup)
{
    // 200 000 random prefixes (one node each, lengths 8..32 weighted towards /24), looked up
    // at random addresses and at prefix boundaries; the expected answer comes from 33 hash
    // maps probed longest length first.
    std::vector<std::unordered_map<uint32_t, uint32_t>> byLength(33);
    RouteClass c;
    uint64_t s = 0x9e3779b97f4a7c15ULL;
    auto next = [&s]() {
        s ^= s << 13;
        s ^= s >> 7;
        s ^= s << 17;
        return static_cast<uint32_t>(s >> 16);
    };
    const unsigned n = 200000;
    std::vector<RouteEntry> inserted;
    inserted.reserve(n);
    for (unsigned i = 0; i < n; ++i)
    {
        const uint32_t r = next();
        const uint8_t len = (r & 3) ? 24 : static_cast<uint8_t>(8 + next() % 25);
        const uint32_t mask = 0xffffffffu << (32 - len);
        const uint32_t prefix = next() & mask;
        const RouteEntry e = Via(prefix, len, i + 1);
        if (c.Insert(e) == ClassResult::OK)
        {
            ASSERT_TRUE(byLength[len].emplace(prefix, i + 1).second);
            inserted.push_back(e);
        }
        else
        {
            ASSERT_EQ(byLength[len].count(prefix), 1u);
        }
    }
    EXPECT_EQ(c.GetNodeCount(), inserted.size());
    auto expected = [&byLength](uint32_t dst) -> uint32_t {
        for (int len = 32; len >= 0; --len)
        {
            const uint32_t mask = len == 0 ? 0 : 0xffffffffu << (32 - len);
            auto it = byLength[len].find(dst & mask);
            if (it != byLength[len].end())
            {
                return it->second;
            }
        }
        return 0;
    };
    auto check = [&c, &expected](uint32_t dst) {
        const ClassLookup r = c.Lookup(dst);
        const uint32_t want = expected(dst);
        if (want == 0)
        {
            return r.status == ClassLookup::NO_MATCH;
        }
        return r.IsMatch() && r.info->gateway == want;
    };
    unsigned bad = 0;
    for (unsigned i = 0; i < 200000 && bad < 10; ++i)
    {
        const uint32_t dst = next();
        if (!check(dst))
        {
            ADD_FAILURE() << "dst " << dst;
            ++bad;
        }
    }
    for (std::size_t i = 0; i < inserted.size() && bad < 10; i += 7)
    {
        const RouteEntry& e = inserted[i];
        const uint32_t last = e.prefix | ~(0xffffffffu << (32 - e.length));
        for (uint32_t dst : {e.prefix, last, e.prefix - 1, last + 1})
        {
            if (!check(dst))
            {
                ADD_FAILURE() << "dst " << dst << " near " << e;
                ++bad;
            }
        }
    }
    // Delete a third, then check again (stale index, deleted groups).
    for (std::size_t i = 0; i < inserted.size(); i += 3)
    {
        const RouteEntry& e = inserted[i];
        ASSERT_EQ(c.Delete(Sel(e.prefix, e.length)), ClassResult::OK);
        byLength[e.length].erase(e.prefix);
    }
    for (unsigned i = 0; i < 100000 && bad < 10; ++i)
    {
        const uint32_t dst = i % 2 ? next() : inserted[next() % inserted.size()].prefix;
        if (!check(dst))
        {
            ADD_FAILURE() << "after deletes: dst " << dst;
            ++bad;
        }
    }
}

TEST(RouteClass, Names)
{
    EXPECT_STREQ(RouteNodeTypeName(RouteNodeType::UNICAST), "unicast");
    EXPECT_STREQ(RouteNodeTypeName(RouteNodeType::LOCAL), "local");
    EXPECT_STREQ(RouteNodeTypeName(RouteNodeType::BROADCAST), "broadcast");
    EXPECT_STREQ(RouteNodeTypeName(RouteNodeType::REJECT), "unreachable");
    EXPECT_STREQ(RouteNodeTypeName(RouteNodeType::PROHIBIT), "prohibit");
    EXPECT_STREQ(RouteNodeTypeName(RouteNodeType::BLACKHOLE), "blackhole");
    EXPECT_STREQ(RouteNodeTypeName(RouteNodeType::THROW), "throw");
    EXPECT_STREQ(RouteNodeTypeName(RouteNodeType::NAT), "nat");
    EXPECT_STREQ(LookupAlgorithmName(LINUX), "linux");
    EXPECT_STREQ(LookupAlgorithmName(RFC1812), "rfc1812");
    EXPECT_STREQ(LookupAlgorithmName(VARIANT), "rfc1812-variant");
    EXPECT_STREQ(LookupAlgorithmName(CLASSIC), "rfc1812-classic");
    EXPECT_STREQ(ClassResultName(ClassResult::OK), "ok");
    EXPECT_STREQ(ClassResultName(ClassResult::EXISTS), "exists");
    EXPECT_STREQ(ClassResultName(ClassResult::NOT_FOUND), "not-found");
    EXPECT_STREQ(ClassResultName(ClassResult::INVALID), "invalid");
    EXPECT_FALSE(IsErrorNodeType(RouteNodeType::UNICAST));
    EXPECT_FALSE(IsErrorNodeType(RouteNodeType::LOCAL));
    EXPECT_FALSE(IsErrorNodeType(RouteNodeType::BROADCAST));
    EXPECT_FALSE(IsErrorNodeType(RouteNodeType::NAT));
    EXPECT_TRUE(IsErrorNodeType(RouteNodeType::REJECT));
    EXPECT_TRUE(IsErrorNodeType(RouteNodeType::PROHIBIT));
    EXPECT_TRUE(IsErrorNodeType(RouteNodeType::BLACKHOLE));
    EXPECT_TRUE(IsErrorNodeType(RouteNodeType::THROW));
}

TEST(RouteClass, PrintsLikeIpRouteShow)
{
    auto str = [](const RouteEntry& e) {
        std::ostringstream os;
        os << e;
        return os.str();
    };
    EXPECT_EQ(str(Via(0, 0, A(10, 0, 0, 1), 0, 0, 2)), "default via 10.0.0.1 dev 2");
    RouteEntry e = Via(A(10, 1, 0, 0), 16, 0, LOWDELAY, 7, 3);
    e.info.prefSrc = A(10, 1, 0, 1);
    EXPECT_EQ(str(e), "10.1.0.0/16 tos 0x10 dev 3 src 10.1.0.1 metric 7");
    EXPECT_EQ(str(Typed(RouteNodeType::REJECT, A(192, 168, 1, 1), 32)), "unreachable 192.168.1.1");
}
