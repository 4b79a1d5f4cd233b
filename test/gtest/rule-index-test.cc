/*
 * SPDX-License-Identifier: GPL-2.0-only
 *
 * The rule index must not change any decision: lookups through it (PolicyDatabase::Lookup
 * without steps) are compared with the full scan (with steps) on random rule sets.
 */

#include "ns3/policy-database.h"
#include "ns3/rule-index.h"

#include <gtest/gtest.h>
#include <random>

using namespace ns3;

namespace
{

uint32_t
MaskOf(uint8_t length)
{
    return length == 0 ? 0 : 0xffffffffu << (32 - length);
}

/// Random prefix inside 10.0.0.0/12 so that rules and keys overlap often.
std::pair<uint32_t, uint8_t>
RandomPrefix(std::mt19937& rng)
{
    static const uint8_t lengths[] = {0, 8, 12, 16, 20, 24, 24, 28, 32};
    const uint8_t len = lengths[rng() % (sizeof(lengths))];
    const uint32_t a = 0x0a000000u | (rng() & 0x000fffffu);
    return {a & MaskOf(len), len};
}

PolicyDecision
FullScan(const PolicyDatabase& db, const FlowKey& key)
{
    std::vector<LookupStep> steps;
    return db.Lookup(key, LookupAlgorithm::LINUX, &steps);
}

void
ExpectSame(const PolicyDecision& a, const PolicyDecision& b, const std::string& where)
{
    EXPECT_EQ(a.kind, b.kind) << where;
    EXPECT_EQ(a.error, b.error) << where;
    EXPECT_EQ(a.ruleIndex, b.ruleIndex) << where;
    EXPECT_EQ(a.classId, b.classId) << where;
    EXPECT_EQ(a.node, b.node) << where;
}

} // namespace

TEST(RuleIndex, SameDecisionsAsFullScan)
{
    for (uint32_t seed = 1; seed <= 60; ++seed)
    {
        std::mt19937 rng(seed);
        PolicyDatabase db(seed % 2 ? RuleStyle::MODERN : RuleStyle::LINUX_2_1);
        // Classes 1..8 with a few routes each; some hold error and throw nodes.
        for (uint32_t c = 1; c <= 8; ++c)
        {
            RouteClass& cls = db.GetClass(c);
            for (int k = 0; k < 6; ++k)
            {
                auto [p, len] = RandomPrefix(rng);
                RouteEntry e;
                e.prefix = p;
                e.length = len;
                e.metric = rng() % 3;
                const unsigned t = rng() % 10;
                e.info.type = t == 0   ? RouteNodeType::THROW
                              : t == 1 ? RouteNodeType::REJECT
                                       : RouteNodeType::UNICAST;
                if (e.info.type == RouteNodeType::UNICAST)
                {
                    e.info.interface = 1 + rng() % 3;
                    e.info.gateway = 0xc0000200u + c;
                }
                cls.Insert(e);
            }
        }
        const int rules = 20 + rng() % 200;
        for (int k = 0; k < rules; ++k)
        {
            PolicyRule r;
            const unsigned shape = rng() % 6;
            if (shape == 0 || shape == 3)
            {
                std::tie(r.src, r.srcLength) = RandomPrefix(rng);
            }
            if (shape == 1 || shape == 3)
            {
                std::tie(r.dst, r.dstLength) = RandomPrefix(rng);
            }
            if (shape == 2 || rng() % 5 == 0)
            {
                r.iif = rng() % 4;
            }
            if (rng() % 4 == 0)
            {
                r.tos = (rng() % 8) << 2;
            }
            const unsigned action = rng() % 8;
            r.action = action == 0   ? RuleAction::REJECT
                       : action == 1 ? RuleAction::PROHIBIT
                       : action == 2 ? RuleAction::DROP
                                     : RuleAction::ROUTE;
            r.classId = 1 + rng() % 9; // class 9 does not exist: the scan goes on
            std::optional<uint32_t> pref;
            if (rng() % 3)
            {
                pref = rng() % 250;
            }
            // Modern style refuses what the kernel calls an existing rule (rule_exists).
            const ClassResult added = db.AddRule(r, pref).result;
            ASSERT_TRUE(added == ClassResult::OK ||
                        (db.GetStyle() == RuleStyle::MODERN && added == ClassResult::EXISTS));
        }
        // Some deletions, so the index is rebuilt after changes too.
        for (int k = 0; k < 5; ++k)
        {
            RuleSelector sel;
            sel.preference = db.GetRules()[rng() % db.GetRules().size()].preference;
            db.DeleteRule(sel);
        }
        for (int q = 0; q < 400; ++q)
        {
            FlowKey key;
            key.src = 0x0a000000u | (rng() & 0x000fffffu);
            key.dst = rng() % 4 ? (0x0a000000u | (rng() & 0x000fffffu)) : rng();
            key.tos = (rng() % 8) << 2;
            key.iif = rng() % 5;
            const PolicyDecision fast = db.Lookup(key, LookupAlgorithm::LINUX);
            const PolicyDecision full = FullScan(db, key);
            ExpectSame(fast, full, "seed " + std::to_string(seed) + " query " + std::to_string(q));
        }
    }
}

TEST(RuleIndex, FewListsForManySourceRules)
{
    PolicyDatabase db(RuleStyle::MODERN);
    for (uint32_t k = 0; k < 10000; ++k)
    {
        PolicyRule r;
        r.src = 0x0a000000u | (k << 8);
        r.srcLength = 24;
        r.classId = 100;
        ASSERT_EQ(db.AddRule(r, 1000 + k).result, ClassResult::OK);
    }
    RuleIndex index;
    index.Build(db.GetRules());
    FlowKey key;
    key.src = 0x0a001205u; // in one /24 of the rules
    key.dst = 0x08080808u;
    // The wildcards (default rules) and the one /24 list.
    EXPECT_EQ(index.CountLists(key), 2u);
    std::vector<uint32_t> seen;
    index.ForEachCandidate(key, [&seen](uint32_t i) {
        seen.push_back(i);
        return false;
    });
    ASSERT_EQ(seen.size(), 4u);
    EXPECT_TRUE(std::is_sorted(seen.begin(), seen.end()));
    EXPECT_EQ(db.GetRules()[seen[1]].src, 0x0a001200u);
}
