/*
 * SPDX-License-Identifier: GPL-2.0-only
 *
 * Unit tests of the class engine (RouteClass): node types, insert modes, lookup algorithms.
 */

#include "ns3/route-class.h"

#include <gtest/gtest.h>

using namespace ns3;

namespace
{

uint32_t
A(unsigned a, unsigned b, unsigned c, unsigned d)
{
    return (a << 24) | (b << 16) | (c << 8) | d;
}

RouteEntry
Route(uint32_t prefix, uint8_t len, uint32_t gw, uint8_t tos = 0, uint32_t metric = 0)
{
    RouteEntry e;
    e.prefix = prefix;
    e.length = len;
    e.tos = tos;
    e.metric = metric;
    e.info.gateway = gw;
    e.info.interface = 1;
    return e;
}

} // namespace

TEST(RouteClass, LongestMatchWins)
{
    RouteClass c;
    ASSERT_EQ(c.Insert(Route(0, 0, A(1, 1, 1, 1))), ClassResult::OK);
    ASSERT_EQ(c.Insert(Route(A(10, 0, 0, 0), 8, A(2, 2, 2, 2))), ClassResult::OK);
    ASSERT_EQ(c.Insert(Route(A(10, 1, 0, 0), 16, A(3, 3, 3, 3))), ClassResult::OK);
    EXPECT_EQ(c.Lookup(A(10, 1, 2, 3)).info->gateway, A(3, 3, 3, 3));
    EXPECT_EQ(c.Lookup(A(10, 2, 2, 3)).info->gateway, A(2, 2, 2, 2));
    EXPECT_EQ(c.Lookup(A(11, 2, 2, 3)).info->gateway, A(1, 1, 1, 1));
}
