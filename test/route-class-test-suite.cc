/*
 * SPDX-License-Identifier: GPL-2.0-only
 *
 * The worked examples of ../shared/reference/semantics.md §5 (RFC 1812 5.2.4.3 vs Linux vs
 * RFC 1812 E.3.2), run through the ns-3 test framework with ns-3 addresses.
 */

#include "ns3/ipv4-address.h"
#include "ns3/route-class.h"
#include "ns3/test.h"

using namespace ns3;

namespace
{

uint32_t
Addr(const char* s)
{
    return Ipv4Address(s).Get();
}

RouteEntry
Via(const char* prefix, uint8_t len, const char* gw, uint8_t tos = 0, uint32_t metric = 0)
{
    RouteEntry e;
    e.prefix = Addr(prefix);
    e.length = len;
    e.tos = tos;
    e.metric = metric;
    e.info.gateway = Addr(gw);
    e.info.interface = 1;
    return e;
}

} // namespace

/**
 * \ingroup policy-routing-tests
 * The four worked examples: routes in one class, a packet to 10.1.2.3.
 */
class WorkedExamplesTestCase : public TestCase
{
  public:
    WorkedExamplesTestCase()
        : TestCase("RFC 1812 5.2.4.3 vs Linux vs E.3.2 worked examples")
    {
    }

  private:
    /// Expect the gateway \p gw (or no match with \p status) for one algorithm.
    void Expect(const RouteClass& c,
                uint8_t tos,
                LookupAlgorithm alg,
                const char* gw,
                ClassLookup::Status status = ClassLookup::MATCH)
    {
        ClassLookup r = c.Lookup(Addr("10.1.2.3"), tos, alg);
        NS_TEST_EXPECT_MSG_EQ(r.status, status, "status under " << LookupAlgorithmName(alg));
        if (status == ClassLookup::MATCH && r.IsMatch())
        {
            NS_TEST_EXPECT_MSG_EQ(Ipv4Address(r.info->gateway),
                                  Ipv4Address(gw),
                                  "gateway under " << LookupAlgorithmName(alg));
        }
    }

    void DoRun() override
    {
        // Row 1: 10/8 tos 0x10 -> A; 10.1/16 tos 0x08 -> B; default -> C; packet tos 0x10.
        RouteClass c1;
        c1.Insert(Via("10.0.0.0", 8, "1.0.0.1", 0x10));
        c1.Insert(Via("10.1.0.0", 16, "1.0.0.2", 0x08));
        c1.Insert(Via("0.0.0.0", 0, "1.0.0.3"));
        Expect(c1, 0x10, LookupAlgorithm::RFC1812, "", ClassLookup::NO_MATCH_TOS);
        Expect(c1, 0x10, LookupAlgorithm::LINUX, "1.0.0.1");
        Expect(c1, 0x10, LookupAlgorithm::RFC1812_VARIANT, "1.0.0.1");

        // Row 2: 10.1/16 tos 0 -> B; default tos 0x10 -> C; packet tos 0x10.
        RouteClass c2;
        c2.Insert(Via("10.1.0.0", 16, "1.0.0.2"));
        c2.Insert(Via("0.0.0.0", 0, "1.0.0.3", 0x10));
        Expect(c2, 0x10, LookupAlgorithm::RFC1812, "1.0.0.2");
        Expect(c2, 0x10, LookupAlgorithm::LINUX, "1.0.0.2");
        Expect(c2, 0x10, LookupAlgorithm::RFC1812_VARIANT, "1.0.0.3");

        // Row 3: only 10.1/16 tos 0x08; packet tos 0x10: nothing usable.
        RouteClass c3;
        c3.Insert(Via("10.1.0.0", 16, "1.0.0.2", 0x08));
        Expect(c3, 0x10, LookupAlgorithm::RFC1812, "", ClassLookup::NO_MATCH_TOS);
        Expect(c3, 0x10, LookupAlgorithm::RFC1812_VARIANT, "", ClassLookup::NO_MATCH_TOS);
        ClassLookup linuxResult = c3.Lookup(Addr("10.1.2.3"), 0x10, LookupAlgorithm::LINUX);
        NS_TEST_EXPECT_MSG_EQ(linuxResult.IsMatch(), false, "Linux finds no usable node");

        // Row 4: 10.1/16 tos 0 metric 5 -> B; 10.1/16 tos 0x10 metric 9 -> D; packet tos 0x10.
        RouteClass c4;
        c4.Insert(Via("10.1.0.0", 16, "1.0.0.2", 0, 5));
        c4.Insert(Via("10.1.0.0", 16, "1.0.0.4", 0x10, 9));
        Expect(c4, 0x10, LookupAlgorithm::RFC1812, "1.0.0.4");
        Expect(c4, 0x10, LookupAlgorithm::LINUX, "1.0.0.4");
        Expect(c4, 0x10, LookupAlgorithm::RFC1812_VARIANT, "1.0.0.4");
        // E.3.1 ignores TOS: the lowest metric wins.
        Expect(c4, 0x10, LookupAlgorithm::RFC1812_CLASSIC, "1.0.0.2");
    }
};

/**
 * \ingroup policy-routing-tests
 * Class engine suite.
 */
class RouteClassTestSuite : public TestSuite
{
  public:
    RouteClassTestSuite()
        : TestSuite("policy-routing-class-engine", TestSuite::Type::UNIT)
    {
        AddTestCase(new WorkedExamplesTestCase);
    }
};

/// Static instance registering the suite.
static RouteClassTestSuite g_routeClassTestSuite;
