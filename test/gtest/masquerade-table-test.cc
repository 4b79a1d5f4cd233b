/*
 * SPDX-License-Identifier: GPL-2.0-only
 *
 * Unit tests of MasqueradeTable: port allocation (deterministic, the next free port after the
 * last allocated), one mapping per flow, replies matched on the remote address and port,
 * wrap-around, exhaustion, idle expiry (also of a flow that sends again), reconfiguration.
 */

#include "ns3/masquerade-table.h"

#include <gtest/gtest.h>

using namespace ns3;

namespace
{

constexpr uint8_t UDP = 17;
constexpr uint8_t TCP = 6;
constexpr uint8_t ICMP = 1;
constexpr uint32_t R = 0xc0000201;      // 192.0.2.1, the router's outside address
constexpr uint32_t R2 = 0xc6336401;     // 198.51.100.1, another outside address
constexpr uint32_t H1 = 0x0a010002;     // 10.1.0.2
constexpr uint32_t H2 = 0x0a010003;     // 10.1.0.3
constexpr uint32_t SERVER = 0xcb00710a; // 203.0.113.10
constexpr int64_t SEC = 1000000000;

} // namespace

TEST(MasqueradeTable, AllocatesPortsInOrderOnePerFlow)
{
    MasqueradeTable t(61000, 65095, 0);
    auto a = t.Outbound(UDP, H1, 5000, R, SERVER, 7, 0);
    auto b = t.Outbound(UDP, H2, 5000, R, SERVER, 7, 0);
    auto c = t.Outbound(UDP, H1, 5001, R, SERVER, 7, 0);
    auto d = t.Outbound(UDP, H1, 5000, R, SERVER, 53, 0);
    ASSERT_TRUE(a && b && c && d);
    EXPECT_EQ(a->outsidePort, 61000);
    EXPECT_EQ(b->outsidePort, 61001) << "same inside port, another host";
    EXPECT_EQ(c->outsidePort, 61002);
    EXPECT_EQ(d->outsidePort, 61003) << "another remote port is another flow";
    EXPECT_EQ(a->outsideAddress, R);
    EXPECT_EQ(a->insideAddress, H1);
    EXPECT_EQ(t.GetSize(), 4u);
    auto again = t.Outbound(UDP, H1, 5000, R, SERVER, 7, 1);
    ASSERT_TRUE(again);
    EXPECT_EQ(again->outsidePort, 61000) << "a known flow keeps its port";
    EXPECT_EQ(t.GetSize(), 4u);
}

TEST(MasqueradeTable, RepliesMatchTheRemoteAddressAndPort)
{
    MasqueradeTable t(61000, 65095, 0);
    t.Outbound(UDP, H1, 5000, R, SERVER, 7, 0);
    t.Outbound(UDP, H2, 5000, R, SERVER, 7, 0);
    auto r1 = t.Inbound(UDP, R, 61000, SERVER, 7, 0);
    ASSERT_TRUE(r1);
    EXPECT_EQ(r1->insideAddress, H1);
    EXPECT_EQ(r1->insidePort, 5000);
    auto r2 = t.Inbound(UDP, R, 61001, SERVER, 7, 0);
    ASSERT_TRUE(r2);
    EXPECT_EQ(r2->insideAddress, H2);
    EXPECT_FALSE(t.Inbound(UDP, R, 61000, SERVER, 8, 0)) << "another remote port";
    EXPECT_FALSE(t.Inbound(UDP, R, 61000, SERVER + 1, 7, 0)) << "another remote host";
    EXPECT_FALSE(t.Inbound(TCP, R, 61000, SERVER, 7, 0)) << "another protocol";
    EXPECT_FALSE(t.Inbound(UDP, R2, 61000, SERVER, 7, 0)) << "another outside address";
    EXPECT_FALSE(t.Inbound(UDP, R, 61002, SERVER, 7, 0)) << "no such port";
}

TEST(MasqueradeTable, IcmpEchoUsesTheIdentifier)
{
    MasqueradeTable t(61000, 65095, 0);
    auto a = t.Outbound(ICMP, H1, 77, R, SERVER, 0, 0);
    auto b = t.Outbound(ICMP, H2, 77, R, SERVER, 0, 0);
    ASSERT_TRUE(a && b);
    EXPECT_NE(a->outsidePort, b->outsidePort) << "the same identifier from two hosts";
    auto reply = t.Inbound(ICMP, R, b->outsidePort, SERVER, 0, 0);
    ASSERT_TRUE(reply);
    EXPECT_EQ(reply->insideAddress, H2);
    EXPECT_EQ(reply->insidePort, 77);
}

TEST(MasqueradeTable, ProtocolsShareTheSequenceNotThePorts)
{
    MasqueradeTable t(61000, 61001, 0);
    auto u = t.Outbound(UDP, H1, 5000, R, SERVER, 7, 0);
    auto p = t.Outbound(TCP, H1, 5000, R, SERVER, 80, 0);
    auto u2 = t.Outbound(UDP, H2, 5000, R, SERVER, 7, 0);
    auto p2 = t.Outbound(TCP, H2, 5000, R, SERVER, 80, 0);
    ASSERT_TRUE(u && p && u2 && p2);
    EXPECT_EQ(u->outsidePort, 61000);
    EXPECT_EQ(p->outsidePort, 61001);
    EXPECT_EQ(u2->outsidePort, 61001) << "UDP 61001 is free although TCP uses it";
    EXPECT_EQ(p2->outsidePort, 61000);
    EXPECT_FALSE(t.Outbound(UDP, H2, 5001, R, SERVER, 7, 0)) << "UDP range exhausted";
}

TEST(MasqueradeTable, EachOutsideAddressHasItsOwnPorts)
{
    MasqueradeTable t(61000, 61000, 0);
    auto a = t.Outbound(UDP, H1, 5000, R, SERVER, 7, 0);
    auto b = t.Outbound(UDP, H2, 5000, R2, SERVER, 7, 0);
    ASSERT_TRUE(a && b);
    EXPECT_EQ(a->outsidePort, 61000);
    EXPECT_EQ(b->outsidePort, 61000) << "port 61000 of another address";
    EXPECT_FALSE(t.Outbound(UDP, H2, 5001, R, SERVER, 7, 0));
}

TEST(MasqueradeTable, AFlowMovingToAnotherAddressGetsANewMapping)
{
    MasqueradeTable t(61000, 65095, 0);
    t.Outbound(UDP, H1, 5000, R, SERVER, 7, 0);
    auto moved = t.Outbound(UDP, H1, 5000, R2, SERVER, 7, 1);
    ASSERT_TRUE(moved);
    EXPECT_EQ(moved->outsideAddress, R2);
    EXPECT_EQ(moved->outsidePort, 61001);
    EXPECT_EQ(t.GetSize(), 1u) << "the old mapping is gone";
    EXPECT_FALSE(t.Inbound(UDP, R, 61000, SERVER, 7, 1));
    EXPECT_TRUE(t.Inbound(UDP, R2, 61001, SERVER, 7, 1));
}

TEST(MasqueradeTable, WrapAndExhaustion)
{
    MasqueradeTable t(100, 102, 10 * SEC);
    EXPECT_EQ(t.Outbound(UDP, H1, 1, R, SERVER, 7, 0)->outsidePort, 100);
    EXPECT_EQ(t.Outbound(UDP, H1, 2, R, SERVER, 7, 5 * SEC)->outsidePort, 101);
    EXPECT_EQ(t.Outbound(UDP, H1, 3, R, SERVER, 7, 5 * SEC)->outsidePort, 102);
    EXPECT_FALSE(t.Outbound(UDP, H1, 4, R, SERVER, 7, 6 * SEC)) << "all three in use";
    EXPECT_EQ(t.GetSize(), 3u);
    // At 11 s the first mapping (idle since 0) has expired: its port is reused, wrapping.
    auto wrapped = t.Outbound(UDP, H1, 4, R, SERVER, 7, 11 * SEC);
    ASSERT_TRUE(wrapped);
    EXPECT_EQ(wrapped->outsidePort, 100);
    EXPECT_FALSE(t.Inbound(UDP, R, 100, SERVER, 1, 11 * SEC)) << "the old flow's port is gone";
    EXPECT_FALSE(t.Outbound(UDP, H1, 5, R, SERVER, 7, 11 * SEC)) << "full again";
}

TEST(MasqueradeTable, NextPortFollowsTheLastAllocated)
{
    MasqueradeTable t(100, 104, 0);
    t.Outbound(UDP, H1, 1, R, SERVER, 7, 0); // 100
    t.Outbound(UDP, H1, 2, R, SERVER, 7, 0); // 101
    t.Clear();
    EXPECT_EQ(t.GetSize(), 0u);
    EXPECT_EQ(t.Outbound(UDP, H1, 3, R, SERVER, 7, 0)->outsidePort, 100) << "Clear restarts";
    t.Outbound(UDP, H1, 4, R, SERVER, 7, 0); // 101
    t.Outbound(UDP, H1, 5, R, SERVER, 7, 0); // 102
    t.Outbound(UDP, H1, 6, R, SERVER, 7, 0); // 103
    EXPECT_EQ(t.Outbound(UDP, H1, 7, R, SERVER, 7, 0)->outsidePort, 104);
    EXPECT_FALSE(t.Outbound(UDP, H1, 8, R, SERVER, 7, 0));
}

TEST(MasqueradeTable, IdleExpiry)
{
    MasqueradeTable t(61000, 65095, 2 * SEC);
    t.Outbound(UDP, H1, 5000, R, SERVER, 7, 0);
    t.Outbound(UDP, H2, 5000, R, SERVER, 7, 0);
    ASSERT_TRUE(t.Inbound(UDP, R, 61000, SERVER, 7, 1 * SEC)) << "alive, refreshed";
    EXPECT_EQ(t.Expire(2 * SEC), 0u) << "not idle for more than 2 s yet";
    EXPECT_EQ(t.Expire(2 * SEC + 1), 1u) << "H2's mapping idle since 0";
    EXPECT_EQ(t.GetSize(), 1u);
    EXPECT_FALSE(t.Inbound(UDP, R, 61000, SERVER, 7, 3 * SEC + 1)) << "H1's, idle since 1 s";
    EXPECT_EQ(t.GetSize(), 0u) << "a late reply removes it";
}

TEST(MasqueradeTable, AnExpiredFlowSendingAgainGetsANewMapping)
{
    MasqueradeTable t(61000, 65095, 2 * SEC);
    EXPECT_EQ(t.Outbound(UDP, H1, 5000, R, SERVER, 7, 0)->outsidePort, 61000);
    EXPECT_EQ(t.Outbound(UDP, H1, 5000, R, SERVER, 7, 1 * SEC)->outsidePort, 61000)
        << "refreshed while alive";
    auto late = t.Outbound(UDP, H1, 5000, R, SERVER, 7, 4 * SEC);
    ASSERT_TRUE(late);
    EXPECT_EQ(late->outsidePort, 61001) << "expired at 3 s: a new mapping, the next port";
    EXPECT_EQ(late->lastUsed, 4 * SEC);
    EXPECT_FALSE(t.Inbound(UDP, R, 61000, SERVER, 7, 4 * SEC)) << "the old port is gone";
    EXPECT_TRUE(t.Inbound(UDP, R, 61001, SERVER, 7, 4 * SEC));
    EXPECT_EQ(t.GetSize(), 1u);
}

TEST(MasqueradeTable, NoTimeoutNeverExpires)
{
    MasqueradeTable t(61000, 65095, 0);
    t.Outbound(UDP, H1, 5000, R, SERVER, 7, 0);
    EXPECT_EQ(t.Expire(1000000 * SEC), 0u);
    EXPECT_TRUE(t.Inbound(UDP, R, 61000, SERVER, 7, 1000000 * SEC));
    EXPECT_EQ(t.Outbound(UDP, H1, 5000, R, SERVER, 7, 2000000 * SEC)->outsidePort, 61000);
}

TEST(MasqueradeTable, Configure)
{
    MasqueradeTable t;
    EXPECT_EQ(t.Outbound(UDP, H1, 5000, R, SERVER, 7, 0)->outsidePort, 61000) << "Linux range";
    t.Clear();
    t.Configure(40000, 40001, 0);
    EXPECT_EQ(t.Outbound(UDP, H1, 5000, R, SERVER, 7, 0)->outsidePort, 40000);
    EXPECT_EQ(t.Outbound(UDP, H2, 5000, R, SERVER, 7, 0)->outsidePort, 40001);
    EXPECT_FALSE(t.Outbound(UDP, H2, 5001, R, SERVER, 7, 0));
    MasqueradeTable u;
    u.Configure(500, 400, 0); // max below min: one port
    EXPECT_EQ(u.Outbound(UDP, H1, 5000, R, SERVER, 7, 0)->outsidePort, 500);
    EXPECT_FALSE(u.Outbound(UDP, H2, 5000, R, SERVER, 7, 0));
    // Configuring again with the same values keeps the sequence going.
    MasqueradeTable v(100, 200, 0);
    v.Outbound(UDP, H1, 1, R, SERVER, 7, 0);
    v.Configure(100, 200, 0);
    EXPECT_EQ(v.Outbound(UDP, H1, 2, R, SERVER, 7, 0)->outsidePort, 101);
}
