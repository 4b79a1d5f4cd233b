/*
 * SPDX-License-Identifier: GPL-2.0-only
 *
 * Unit tests of the rule database (PolicyDatabase), without the simulator: AddRule validation
 * and preference assignment in both rule styles (semantics.md §2.5, §4.1), DeleteRule
 * selectors, class auto-allocation, the lookup decision and its steps for every rule action
 * and node type (§2.3), the NAT node re-lookup and the VALVE reverse lookup (§2.7),
 * gateway-only own routes, and the listings.
 */

#include "ns3/policy-database.h"

#include <gtest/gtest.h>
#include <sstream>
#include <string>
#include <vector>

using namespace ns3;

namespace
{

constexpr uint32_t LO = 0;   // loopback interface (locally originated lookups)
constexpr uint32_t IN = 1;   // an inside interface
constexpr uint32_t OUT = 2;  // an outside interface
constexpr uint32_t OUT2 = 3; // a second outside interface

uint32_t
A(unsigned a, unsigned b, unsigned c, unsigned d)
{
    return (a << 24) | (b << 16) | (c << 8) | d;
}

/// A unicast node.
RouteEntry
Node(uint32_t prefix, uint8_t len, uint32_t gw, uint32_t dev, uint8_t tos = 0)
{
    RouteEntry e;
    e.prefix = prefix;
    e.length = len;
    e.tos = tos;
    e.info.gateway = gw;
    e.info.interface = dev;
    return e;
}

/// A node of a special type (no gateway, no device).
RouteEntry
Special(uint32_t prefix, uint8_t len, RouteNodeType type, uint8_t tos = 0)
{
    RouteEntry e;
    e.prefix = prefix;
    e.length = len;
    e.tos = tos;
    e.info.type = type;
    return e;
}

/// A rule looking up \p classId.
PolicyRule
Lookup(uint32_t classId)
{
    PolicyRule r;
    r.classId = classId;
    return r;
}

/// A rule with \p action.
PolicyRule
Action(RuleAction action)
{
    PolicyRule r;
    r.action = action;
    return r;
}

PolicyRule
From(PolicyRule r, uint32_t src, uint8_t len)
{
    r.src = src;
    r.srcLength = len;
    return r;
}

PolicyRule
To(PolicyRule r, uint32_t dst, uint8_t len)
{
    r.dst = dst;
    r.dstLength = len;
    return r;
}

FlowKey
Key(uint32_t src,
    uint32_t dst,
    uint8_t tos = 0,
    uint32_t iif = IN,
    uint32_t oif = ROUTE_NO_INTERFACE)
{
    FlowKey k;
    k.src = src;
    k.dst = dst;
    k.tos = tos;
    k.iif = iif;
    k.oif = oif;
    return k;
}

/// A database with a router's usual MAIN (connected 10.1.0.0/24 on IN, 192.0.2.0/24 on OUT,
/// default via 192.0.2.2) and LOCAL (its addresses).
PolicyDatabase
Router(RuleStyle style)
{
    PolicyDatabase db(style);
    db.SetLoopbackInterface(LO);
    RouteEntry local = Special(A(10, 1, 0, 1), 32, RouteNodeType::LOCAL);
    local.info.interface = IN;
    db.GetClass(CLASS_LOCAL).Insert(local);
    RouteEntry bcast = Special(A(10, 1, 0, 255), 32, RouteNodeType::BROADCAST);
    bcast.info.interface = IN;
    db.GetClass(CLASS_LOCAL).Insert(bcast);
    local.prefix = A(192, 0, 2, 1);
    local.info.interface = OUT;
    db.GetClass(CLASS_LOCAL).Insert(local);
    db.GetClass(CLASS_MAIN).Insert(Node(A(10, 1, 0, 0), 24, 0, IN));
    db.GetClass(CLASS_MAIN).Insert(Node(A(192, 0, 2, 0), 24, 0, OUT));
    db.GetClass(CLASS_MAIN).Insert(Node(0, 0, A(192, 0, 2, 2), OUT));
    return db;
}

std::vector<uint32_t>
Preferences(const PolicyDatabase& db)
{
    std::vector<uint32_t> p;
    for (const PolicyRule& r : db.GetRules())
    {
        p.push_back(r.preference);
    }
    return p;
}

std::vector<uint32_t>
Classes(const PolicyDatabase& db)
{
    std::vector<uint32_t> c;
    for (const PolicyRule& r : db.GetRules())
    {
        c.push_back(r.classId);
    }
    return c;
}

std::vector<LookupStep::Outcome>
Outcomes(const std::vector<LookupStep>& steps)
{
    std::vector<LookupStep::Outcome> o;
    for (const LookupStep& s : steps)
    {
        o.push_back(s.outcome);
    }
    return o;
}

} // namespace

// ----- defaults, styles -----

TEST(PolicyDatabase, DefaultRulesBothStyles)
{
    PolicyDatabase old(RuleStyle::LINUX_2_1);
    EXPECT_EQ(Preferences(old), (std::vector<uint32_t>{0, 254, 255}));
    EXPECT_EQ(Classes(old), (std::vector<uint32_t>{CLASS_LOCAL, CLASS_MAIN, CLASS_DEFAULT}));
    PolicyDatabase modern(RuleStyle::MODERN);
    EXPECT_EQ(Preferences(modern), (std::vector<uint32_t>{0, 32766, 32767}));
    EXPECT_EQ(Classes(modern), (std::vector<uint32_t>{CLASS_LOCAL, CLASS_MAIN, CLASS_DEFAULT}));
    EXPECT_EQ(old.GetClassIds(), (std::vector<uint32_t>{CLASS_DEFAULT, CLASS_MAIN, CLASS_LOCAL}));
}

TEST(PolicyDatabase, ChangeStyleOnlyWithDefaultRules)
{
    PolicyDatabase db(RuleStyle::LINUX_2_1);
    EXPECT_TRUE(db.ChangeStyle(RuleStyle::MODERN));
    EXPECT_EQ(Preferences(db), (std::vector<uint32_t>{0, 32766, 32767}));
    EXPECT_TRUE(db.ChangeStyle(RuleStyle::LINUX_2_1));
    EXPECT_EQ(Preferences(db), (std::vector<uint32_t>{0, 254, 255}));
    db.AddRule(Lookup(CLASS_MAIN));
    EXPECT_FALSE(db.ChangeStyle(RuleStyle::MODERN));
    EXPECT_EQ(db.GetStyle(), RuleStyle::LINUX_2_1);
}

// ----- AddRule validation -----

TEST(PolicyDatabase, AddRuleRejectsInvalidRules)
{
    PolicyDatabase db(RuleStyle::LINUX_2_1);
    auto invalid = [&db](PolicyRule r, std::optional<uint32_t> pref = std::nullopt) {
        return db.AddRule(r, pref).result == ClassResult::INVALID;
    };
    EXPECT_TRUE(invalid(From(Lookup(CLASS_MAIN), A(10, 1, 0, 1), 24))) << "host bits";
    EXPECT_TRUE(invalid(To(Lookup(CLASS_MAIN), A(10, 1, 0, 1), 24))) << "host bits";
    PolicyRule longSrc = Lookup(CLASS_MAIN);
    longSrc.srcLength = 33;
    EXPECT_TRUE(invalid(longSrc)) << "length above 32";
    PolicyRule tos = Lookup(CLASS_MAIN);
    tos.tos = 0x11;
    EXPECT_TRUE(invalid(tos)) << "TOS outside 0x1e";
    PolicyRule nat = Action(RuleAction::NAT);
    nat.classId = CLASS_MAIN;
    EXPECT_TRUE(invalid(nat)) << "NAT without address";
    PolicyRule dropWithRoute = Action(RuleAction::DROP);
    dropWithRoute.hasRoute = true;
    dropWithRoute.route.gateway = A(192, 0, 2, 2);
    EXPECT_TRUE(invalid(dropWithRoute)) << "a terminal rule cannot carry a route";
    PolicyRule emptyRoute = Lookup(CLASS_UNSPEC);
    emptyRoute.hasRoute = true;
    EXPECT_TRUE(invalid(emptyRoute)) << "own route without gateway or device";
    EXPECT_TRUE(invalid(Lookup(CLASS_MAIN), 256)) << "2.1 preferences are 0..255";
    EXPECT_EQ(db.GetRules().size(), 3u) << "nothing was added";
    const auto r = db.AddRule(Lookup(CLASS_MAIN), 255);
    EXPECT_EQ(r.result, ClassResult::OK);
    EXPECT_EQ(r.reason, "");

    PolicyDatabase modern(RuleStyle::MODERN);
    EXPECT_EQ(modern.AddRule(Lookup(CLASS_MAIN), 100000).result, ClassResult::OK)
        << "modern preferences are 32-bit";
}

TEST(PolicyDatabase, TerminalAndOwnRouteRulesHaveNoClass)
{
    PolicyDatabase db(RuleStyle::LINUX_2_1);
    PolicyRule drop = Action(RuleAction::DROP);
    drop.classId = 7;
    EXPECT_EQ(db.AddRule(drop).classId, CLASS_UNSPEC);
    PolicyRule own = Lookup(7);
    own.hasRoute = true;
    own.route.interface = OUT;
    EXPECT_EQ(db.AddRule(own).classId, CLASS_UNSPEC);
    EXPECT_EQ(db.FindClass(7), nullptr) << "no class created for them";
}

TEST(PolicyDatabase, ModernRefusesAnExistingRule)
{
    PolicyDatabase db(RuleStyle::MODERN);
    EXPECT_EQ(db.AddRule(From(Lookup(100), A(10, 1, 0, 0), 24), 100).result, ClassResult::OK);
    EXPECT_EQ(db.AddRule(From(Lookup(100), A(10, 1, 0, 0), 24), 100).result, ClassResult::EXISTS);
    EXPECT_EQ(db.AddRule(From(Lookup(101), A(10, 1, 0, 0), 24), 100).result, ClassResult::OK)
        << "another class is another rule";
    EXPECT_EQ(db.AddRule(Lookup(CLASS_MAIN), 32766).result, ClassResult::OK)
        << "the default rules never count as existing";
    PolicyDatabase old(RuleStyle::LINUX_2_1);
    EXPECT_EQ(old.AddRule(Lookup(100), 100).result, ClassResult::OK);
    EXPECT_EQ(old.AddRule(Lookup(100), 100).result, ClassResult::OK) << "2.1 has no check";
}

// ----- preferences and order -----

TEST(PolicyDatabase, Linux21EqualPreferenceGoesBefore)
{
    PolicyDatabase db(RuleStyle::LINUX_2_1);
    db.AddRule(Lookup(101), 100);
    db.AddRule(Lookup(102), 100);
    db.AddRule(Lookup(103), 254);
    EXPECT_EQ(Classes(db), (std::vector<uint32_t>{255, 102, 101, 103, 254, 253}));
}

TEST(PolicyDatabase, ModernEqualPreferenceGoesAfter)
{
    PolicyDatabase db(RuleStyle::MODERN);
    db.AddRule(Lookup(101), 100);
    db.AddRule(Lookup(102), 100);
    db.AddRule(Lookup(103), 32766);
    db.AddRule(Lookup(104), 0);
    EXPECT_EQ(Classes(db), (std::vector<uint32_t>{255, 104, 101, 102, 254, 103, 253}));
    EXPECT_EQ(Preferences(db), (std::vector<uint32_t>{0, 0, 100, 100, 32766, 32766, 32767}));
}

TEST(PolicyDatabase, UnspecifiedPreferenceIsSecondRuleMinusOne)
{
    PolicyDatabase old(RuleStyle::LINUX_2_1);
    EXPECT_EQ(old.AddRule(Lookup(101)).preference, 253u);
    EXPECT_EQ(old.AddRule(Lookup(102)).preference, 252u);
    EXPECT_EQ(old.AddRule(Lookup(103), 0).preference, 251u) << "2.1: 0 is unspecified";
    EXPECT_EQ(Classes(old), (std::vector<uint32_t>{255, 103, 102, 101, 254, 253}));

    PolicyDatabase modern(RuleStyle::MODERN);
    EXPECT_EQ(modern.AddRule(Lookup(101)).preference, 32765u);
    EXPECT_EQ(modern.AddRule(Lookup(102)).preference, 32764u);
    EXPECT_EQ(modern.AddRule(Lookup(103), 0).preference, 0u) << "modern: 0 is a preference";
    EXPECT_EQ(Classes(modern), (std::vector<uint32_t>{255, 103, 102, 101, 254, 253}));
}

TEST(PolicyDatabase, Linux21UnspecifiedGoesRightAfterTheFirstRule)
{
    // fib_rule_add scans from the second rule: an unspecified rule never goes before the
    // first one, even when its preference is not above the first rule's.
    PolicyDatabase db(RuleStyle::LINUX_2_1);
    db.AddRule(Lookup(101), 1);
    EXPECT_EQ(db.AddRule(Lookup(102)).preference, 0u);
    EXPECT_EQ(db.AddRule(Lookup(103)).preference, 0u) << "the second rule's preference is 0";
    EXPECT_EQ(Classes(db), (std::vector<uint32_t>{255, 103, 102, 101, 254, 253}));

    PolicyDatabase other(RuleStyle::LINUX_2_1);
    RuleSelector local;
    local.classId = CLASS_LOCAL;
    ASSERT_TRUE(other.DeleteRule(local));
    other.AddRule(Lookup(101), 200); // first rule: 200, second: 254
    EXPECT_EQ(other.AddRule(Lookup(102)).preference, 253u);
    EXPECT_EQ(Classes(other), (std::vector<uint32_t>{101, 102, 254, 253}));
    other.AddRule(Lookup(103), 5); // now the first rule, the second is 200
    EXPECT_EQ(other.AddRule(Lookup(104)).preference, 199u);
    EXPECT_EQ(Classes(other), (std::vector<uint32_t>{103, 104, 101, 102, 254, 253}));
}

TEST(PolicyDatabase, UnspecifiedWithFewRules)
{
    PolicyDatabase db(RuleStyle::LINUX_2_1);
    db.ClearRules();
    EXPECT_EQ(db.AddRule(Lookup(101)).preference, 0u) << "no second rule: 0";
    EXPECT_EQ(db.AddRule(Lookup(102)).preference, 0u);
    EXPECT_EQ(Classes(db), (std::vector<uint32_t>{102, 101})) << "inserted at the head";
}

TEST(PolicyDatabase, OspfRecipeOrder)
{
    // Seed application 3: class 253, 252, 251, then area rules, all unspecified.
    PolicyDatabase db(RuleStyle::LINUX_2_1);
    db.AddRule(Lookup(253));
    db.AddRule(Lookup(252));
    db.AddRule(Lookup(251));
    db.AddRule(To(Lookup(250), A(10, 1, 0, 0), 16));
    db.AddRule(To(Lookup(250), A(10, 2, 0, 0), 16));
    db.AddRule(To(Lookup(249), A(10, 3, 0, 0), 16));
    EXPECT_EQ(Classes(db), (std::vector<uint32_t>{255, 249, 250, 250, 251, 252, 253, 254, 253}));
    EXPECT_EQ(Preferences(db), (std::vector<uint32_t>{0, 248, 249, 250, 251, 252, 253, 254, 255}));
}

// ----- DeleteRule -----

TEST(PolicyDatabase, DeleteRuleSelectors)
{
    PolicyDatabase db(RuleStyle::LINUX_2_1);
    db.AddRule(From(Lookup(101), A(10, 1, 0, 0), 24), 100);
    db.AddRule(From(Lookup(102), A(10, 1, 0, 0), 24), 100); // before the first
    db.AddRule(To(Action(RuleAction::PROHIBIT), A(10, 9, 0, 0), 16), 120);
    PolicyRule tos = Lookup(103);
    tos.tos = 0x10;
    tos.iif = IN;
    db.AddRule(tos, 130);

    RuleSelector none;
    none.classId = 999;
    EXPECT_FALSE(db.DeleteRule(none));

    RuleSelector bySrc;
    bySrc.src = A(10, 1, 0, 0);
    bySrc.srcLength = 24;
    ASSERT_TRUE(db.DeleteRule(bySrc));
    EXPECT_EQ(Classes(db), (std::vector<uint32_t>{255, 101, 0, 103, 254, 253}))
        << "the first matching rule (class 102) went";
    RuleSelector wrongLength;
    wrongLength.src = A(10, 1, 0, 0);
    wrongLength.srcLength = 16;
    EXPECT_FALSE(db.DeleteRule(wrongLength)) << "the prefix length counts";

    RuleSelector byAction;
    byAction.action = RuleAction::PROHIBIT;
    byAction.dst = A(10, 9, 0, 0);
    byAction.dstLength = 16;
    EXPECT_TRUE(db.DeleteRule(byAction));

    RuleSelector byTosWrongIif;
    byTosWrongIif.tos = 0x10;
    byTosWrongIif.iif = OUT;
    EXPECT_FALSE(db.DeleteRule(byTosWrongIif));
    RuleSelector byTosIif;
    byTosIif.tos = 0x10;
    byTosIif.iif = IN;
    byTosIif.preference = 130;
    EXPECT_TRUE(db.DeleteRule(byTosIif));

    RuleSelector byPref;
    byPref.preference = 254;
    EXPECT_TRUE(db.DeleteRule(byPref)) << "default rules can be deleted";
    EXPECT_EQ(Classes(db), (std::vector<uint32_t>{255, 101, 253}));
}

// ----- classes -----

TEST(PolicyDatabase, ClassAutoAllocation)
{
    PolicyDatabase db(RuleStyle::LINUX_2_1);
    EXPECT_EQ(db.AllocateClassId(), 1u);
    EXPECT_EQ(db.AddRule(Lookup(CLASS_UNSPEC)).classId, 1u);
    PolicyRule nat = Action(RuleAction::NAT);
    nat.natAddress = A(198, 51, 100, 7);
    EXPECT_EQ(db.AddRule(nat).classId, 2u) << "NAT rules look a class up too";
    EXPECT_EQ(db.AddRule(Action(RuleAction::MASQUERADE)).classId, 3u);
    db.GetClass(5);
    EXPECT_EQ(db.AddRule(Lookup(CLASS_UNSPEC)).classId, 4u) << "the lowest free id";
    EXPECT_EQ(db.AddRule(Lookup(CLASS_UNSPEC)).classId, 6u);
    EXPECT_TRUE(db.DeleteClass(2));
    EXPECT_EQ(db.AllocateClassId(), 2u) << "a deleted id is free again";
    EXPECT_NE(db.FindClass(1), nullptr) << "allocated classes exist (empty)";
    EXPECT_TRUE(db.FindClass(1)->IsEmpty());
    EXPECT_TRUE(db.DeleteClass(CLASS_MAIN));
    EXPECT_NE(db.FindClass(CLASS_MAIN), nullptr) << "builtin classes are only emptied";
    EXPECT_FALSE(db.DeleteClass(77));
}

// ----- lookups: rule actions -----

TEST(PolicyDatabase, LookupRouteFoundAndSteps)
{
    PolicyDatabase db = Router(RuleStyle::LINUX_2_1);
    std::vector<LookupStep> steps;
    const PolicyDecision d =
        db.Lookup(Key(A(10, 1, 0, 2), A(203, 0, 113, 10)), LookupAlgorithm::LINUX, &steps);
    EXPECT_EQ(d.kind, PolicyDecision::FORWARD);
    EXPECT_EQ(d.error, RouteError::NONE);
    EXPECT_EQ(d.classId, CLASS_MAIN);
    EXPECT_EQ(d.ruleIndex, 1);
    EXPECT_EQ(d.preference, 254u);
    EXPECT_FALSE(d.fromRule);
    EXPECT_EQ(d.node.info.gateway, A(192, 0, 2, 2));
    EXPECT_EQ(d.node.info.interface, OUT);
    EXPECT_EQ(
        Outcomes(steps),
        (std::vector<LookupStep::Outcome>{LookupStep::CLASS_NO_MATCH, LookupStep::NODE_SELECTED}));
    EXPECT_EQ(steps[1].node, d.node);
    EXPECT_TRUE(d.IsRoute());
}

TEST(PolicyDatabase, LookupLocalAndBroadcast)
{
    PolicyDatabase db = Router(RuleStyle::LINUX_2_1);
    EXPECT_EQ(db.Lookup(Key(A(10, 1, 0, 2), A(192, 0, 2, 1))).kind, PolicyDecision::LOCAL);
    EXPECT_EQ(db.Lookup(Key(A(10, 1, 0, 2), A(10, 1, 0, 255))).kind, PolicyDecision::BROADCAST);
    EXPECT_EQ(db.Lookup(Key(0, A(10, 1, 0, 1), 0, LO)).kind, PolicyDecision::LOCAL);
}

TEST(PolicyDatabase, LookupTerminalRules)
{
    PolicyDatabase db = Router(RuleStyle::LINUX_2_1);
    PolicyRule drop = Action(RuleAction::DROP);
    drop.tos = 0x04;
    PolicyRule reject = Action(RuleAction::REJECT);
    reject.tos = 0x08;
    PolicyRule prohibit = Action(RuleAction::PROHIBIT);
    prohibit.tos = 0x0c;
    db.AddRule(drop, 10);
    db.AddRule(reject, 11);
    db.AddRule(prohibit, 12);

    struct Case
    {
        uint8_t tos;
        RouteError error;
        int icmp;
    };

    for (const Case& c : {Case{0x04, RouteError::BLACKHOLE, -1},
                          Case{0x08, RouteError::NET_UNREACHABLE, 0},
                          Case{0x0c, RouteError::PROHIBITED, 13}})
    {
        std::vector<LookupStep> steps;
        const PolicyDecision d = db.Lookup(Key(A(10, 1, 0, 2), A(203, 0, 113, 10), c.tos),
                                           LookupAlgorithm::LINUX,
                                           &steps);
        EXPECT_EQ(d.kind, PolicyDecision::ERROR);
        EXPECT_EQ(d.error, c.error);
        EXPECT_TRUE(d.fromRule);
        EXPECT_EQ(RouteErrorIcmpCode(d.error), c.icmp);
        EXPECT_EQ(steps.back().outcome, LookupStep::RULE_TERMINATES);
    }
    // A terminal rule before LOCAL also stops local delivery (modern style allows it).
    PolicyDatabase modern = Router(RuleStyle::MODERN);
    RuleSelector local;
    local.preference = 0;
    modern.DeleteRule(local);
    modern.AddRule(From(Action(RuleAction::PROHIBIT), A(10, 1, 0, 0), 24), 0);
    modern.AddRule(Lookup(CLASS_LOCAL), 1);
    EXPECT_EQ(modern.Lookup(Key(A(10, 1, 0, 2), A(10, 1, 0, 1))).error, RouteError::PROHIBITED);
}

TEST(PolicyDatabase, LookupRuleTosIsExactAndMasked)
{
    PolicyDatabase db = Router(RuleStyle::LINUX_2_1);
    db.GetClass(101).Insert(Node(0, 0, A(198, 51, 100, 2), OUT2));
    PolicyRule r = Lookup(101);
    r.tos = 0x10;
    db.AddRule(r);
    EXPECT_EQ(db.Lookup(Key(A(10, 1, 0, 2), A(203, 0, 113, 10), 0x10)).classId, 101u);
    EXPECT_EQ(db.Lookup(Key(A(10, 1, 0, 2), A(203, 0, 113, 10), 0x11)).classId, 101u)
        << "bit 0 is not a TOS bit";
    EXPECT_EQ(db.Lookup(Key(A(10, 1, 0, 2), A(203, 0, 113, 10), 0xb0)).classId, 101u)
        << "precedence bits are not TOS bits";
    EXPECT_EQ(db.Lookup(Key(A(10, 1, 0, 2), A(203, 0, 113, 10), 0x18)).classId, CLASS_MAIN)
        << "exact: 0x18 is not 0x10";
    EXPECT_EQ(db.Lookup(Key(A(10, 1, 0, 2), A(203, 0, 113, 10), 0x00)).classId, CLASS_MAIN);
}

TEST(PolicyDatabase, LookupIifAndOifSelectors)
{
    PolicyDatabase db = Router(RuleStyle::MODERN);
    db.GetClass(101).Insert(Node(0, 0, A(198, 51, 100, 2), OUT2));
    PolicyRule byLo = Lookup(101);
    byLo.iif = LO;
    db.AddRule(byLo, 100);
    EXPECT_EQ(db.Lookup(Key(0, A(203, 0, 113, 10), 0, LO)).classId, 101u) << "local output";
    EXPECT_EQ(db.Lookup(Key(A(10, 1, 0, 2), A(203, 0, 113, 10), 0, IN)).classId, CLASS_MAIN)
        << "forwarded";
    PolicyRule byOif = Lookup(101);
    byOif.oif = OUT2;
    db.AddRule(byOif, 200);
    EXPECT_EQ(db.Lookup(Key(A(10, 1, 0, 2), A(203, 0, 113, 10), 0, IN, OUT2)).classId, 101u);
    const PolicyDecision bound = db.Lookup(Key(A(10, 1, 0, 2), A(203, 0, 113, 10), 0, IN, OUT));
    EXPECT_EQ(bound.classId, CLASS_MAIN) << "bound to OUT: MAIN's default is through OUT";
    const PolicyDecision none = db.Lookup(Key(A(10, 1, 0, 2), A(203, 0, 113, 10), 0, IN, 9));
    EXPECT_EQ(none.kind, PolicyDecision::ERROR) << "no route through interface 9";
    EXPECT_EQ(none.error, RouteError::NET_UNREACHABLE);
}

TEST(PolicyDatabase, LookupNatRuleTranslatesSourceOnAMatchOnly)
{
    PolicyDatabase db = Router(RuleStyle::LINUX_2_1);
    PolicyRule nat = From(Action(RuleAction::NAT), A(10, 1, 0, 0), 24);
    nat.natAddress = A(198, 51, 100, 0);
    nat.classId = 101;
    db.AddRule(nat);
    db.GetClass(101).Insert(Node(A(203, 0, 113, 0), 24, A(192, 0, 2, 2), OUT));
    const PolicyDecision d = db.Lookup(Key(A(10, 1, 0, 7), A(203, 0, 113, 10)));
    EXPECT_EQ(d.kind, PolicyDecision::FORWARD);
    EXPECT_TRUE(d.translateSource);
    EXPECT_EQ(d.newSource, A(198, 51, 100, 7)) << "(saddr & ~srcmask) | srcmap";
    EXPECT_FALSE(d.masquerade);
    const PolicyDecision miss = db.Lookup(Key(A(10, 1, 0, 7), A(8, 8, 8, 8)));
    EXPECT_EQ(miss.classId, CLASS_MAIN) << "no match in the NAT rule's class: next rule";
    EXPECT_FALSE(miss.translateSource) << "and no translation";
    // A NAT rule whose class answers LOCAL: delivered, not translated.
    db.GetClass(101).Insert(Special(A(203, 0, 113, 1), 32, RouteNodeType::LOCAL));
    const PolicyDecision local = db.Lookup(Key(A(10, 1, 0, 7), A(203, 0, 113, 1)));
    EXPECT_EQ(local.kind, PolicyDecision::LOCAL);
    EXPECT_FALSE(local.translateSource);
}

TEST(PolicyDatabase, LookupMasqueradeRule)
{
    PolicyDatabase db = Router(RuleStyle::LINUX_2_1);
    PolicyRule masq = From(Action(RuleAction::MASQUERADE), A(10, 1, 0, 0), 24);
    masq.classId = CLASS_MAIN;
    db.AddRule(masq);
    const PolicyDecision d = db.Lookup(Key(A(10, 1, 0, 7), A(203, 0, 113, 10)));
    EXPECT_TRUE(d.masquerade);
    EXPECT_FALSE(d.translateSource);
    EXPECT_EQ(d.classId, CLASS_MAIN);
    EXPECT_FALSE(db.Lookup(Key(A(10, 2, 0, 7), A(203, 0, 113, 10))).masquerade);
    EXPECT_FALSE(db.Lookup(Key(A(10, 1, 0, 7), A(192, 0, 2, 1))).masquerade) << "local";
}

// ----- lookups: node types -----

TEST(PolicyDatabase, LookupNodeTypesBothStyles)
{
    for (RuleStyle style : {RuleStyle::LINUX_2_1, RuleStyle::MODERN})
    {
        PolicyDatabase db = Router(style);
        RouteClass& c = db.GetClass(101);
        c.Insert(Special(A(203, 0, 113, 0), 24, RouteNodeType::REJECT, 0x08));
        c.Insert(Special(A(203, 0, 113, 0), 24, RouteNodeType::PROHIBIT, 0x04));
        c.Insert(Special(A(203, 0, 113, 0), 24, RouteNodeType::BLACKHOLE, 0x0c));
        c.Insert(Special(A(203, 0, 113, 0), 24, RouteNodeType::THROW));
        db.AddRule(Lookup(101), 100);
        const FlowKey base = Key(A(10, 1, 0, 2), A(203, 0, 113, 10));
        auto at = [&](uint8_t tos) {
            FlowKey k = base;
            k.tos = tos;
            std::vector<LookupStep> steps;
            PolicyDecision d = db.Lookup(k, LookupAlgorithm::LINUX, &steps);
            return std::make_pair(d, steps);
        };
        auto [reject, rs] = at(0x08);
        EXPECT_EQ(reject.error,
                  style == RuleStyle::LINUX_2_1 ? RouteError::NET_UNREACHABLE
                                                : RouteError::HOST_UNREACHABLE);
        EXPECT_FALSE(reject.fromRule);
        EXPECT_EQ(reject.classId, 101u);
        EXPECT_EQ(rs.back().outcome, LookupStep::NODE_SELECTED);
        EXPECT_EQ(at(0x04).first.error, RouteError::PROHIBITED);
        EXPECT_EQ(at(0x0c).first.error, RouteError::BLACKHOLE);
        auto [thrown, ts] = at(0x00);
        EXPECT_EQ(thrown.kind, PolicyDecision::FORWARD) << "THROW: on to MAIN";
        EXPECT_EQ(thrown.classId, CLASS_MAIN);
        EXPECT_EQ(Outcomes(ts),
                  (std::vector<LookupStep::Outcome>{LookupStep::CLASS_NO_MATCH,
                                                    LookupStep::NODE_THROW,
                                                    LookupStep::NODE_SELECTED}));
        EXPECT_EQ(ts[1].node.info.type, RouteNodeType::THROW);
    }
}

TEST(PolicyDatabase, LookupMissingClassAndNothingLeft)
{
    PolicyDatabase db = Router(RuleStyle::LINUX_2_1);
    db.AddRule(Lookup(77), 100);
    db.DeleteClass(77);
    std::vector<LookupStep> steps;
    const PolicyDecision d =
        db.Lookup(Key(A(10, 1, 0, 2), A(203, 0, 113, 10)), LookupAlgorithm::LINUX, &steps);
    EXPECT_EQ(steps[1].outcome, LookupStep::CLASS_MISSING);
    EXPECT_EQ(d.classId, CLASS_MAIN);

    RouteSelector def;
    def.prefix = 0;
    def.length = 0;
    ASSERT_EQ(db.GetClass(CLASS_MAIN).Delete(def), ClassResult::OK);
    const PolicyDecision none = db.Lookup(Key(A(10, 1, 0, 2), A(203, 0, 113, 10)));
    EXPECT_EQ(none.kind, PolicyDecision::ERROR);
    EXPECT_EQ(none.error, RouteError::NET_UNREACHABLE);
    EXPECT_EQ(none.ruleIndex, -1) << "no rule decided";
}

TEST(PolicyDatabase, LookupTosMissIsNetUnreachableForTosOnlyInRfcAlgorithms)
{
    PolicyDatabase db = Router(RuleStyle::LINUX_2_1);
    db.GetClass(CLASS_MAIN).Insert(Node(A(203, 0, 113, 0), 24, A(192, 0, 2, 3), OUT, 0x08));
    RouteSelector def;
    ASSERT_EQ(db.GetClass(CLASS_MAIN).Delete(def), ClassResult::OK);
    const FlowKey k = Key(A(10, 1, 0, 2), A(203, 0, 113, 10), 0x10);
    EXPECT_EQ(db.Lookup(k, LookupAlgorithm::RFC1812).error, RouteError::NET_UNREACHABLE_TOS);
    EXPECT_EQ(RouteErrorIcmpCode(RouteError::NET_UNREACHABLE_TOS), 11);
    EXPECT_EQ(db.Lookup(k, LookupAlgorithm::LINUX).error, RouteError::NET_UNREACHABLE)
        << "Linux never sends 3/11";
    EXPECT_EQ(db.Lookup(k, LookupAlgorithm::RFC1812_CLASSIC).kind, PolicyDecision::FORWARD)
        << "classic ignores TOS";
}

// ----- NAT node, VALVE -----

TEST(PolicyDatabase, NatNodeTranslatesDestinationOnInputOnly)
{
    PolicyDatabase db = Router(RuleStyle::LINUX_2_1);
    RouteEntry nat = Special(A(198, 51, 100, 0), 24, RouteNodeType::NAT);
    nat.info.gateway = A(10, 1, 0, 0);
    db.GetClass(CLASS_LOCAL).Insert(nat);
    std::vector<LookupStep> steps;
    const PolicyDecision d = db.Lookup(Key(A(203, 0, 113, 9), A(198, 51, 100, 7), 0, OUT),
                                       LookupAlgorithm::LINUX,
                                       &steps);
    EXPECT_EQ(d.kind, PolicyDecision::FORWARD);
    EXPECT_TRUE(d.translateDestination);
    EXPECT_EQ(d.newDestination, A(10, 1, 0, 7)) << "host bits kept";
    EXPECT_EQ(d.node.info.interface, IN) << "re-looked-up: the inside network";
    EXPECT_EQ(steps.front().node.info.type, RouteNodeType::NAT);
    EXPECT_EQ(steps.back().classId, CLASS_MAIN) << "steps of both scans";

    const PolicyDecision out = db.Lookup(Key(0, A(198, 51, 100, 7), 0, LO));
    EXPECT_EQ(out.kind, PolicyDecision::ERROR) << "not a destination for local senders";
    EXPECT_EQ(out.error, RouteError::INVALID);

    // The translated address must lead to a plain unicast route.
    RouteEntry toLocal = Special(A(198, 51, 101, 0), 24, RouteNodeType::NAT);
    toLocal.info.gateway = A(192, 0, 2, 0); // 198.51.101.1 -> 192.0.2.1: R itself
    db.GetClass(CLASS_LOCAL).Insert(toLocal);
    EXPECT_EQ(db.Lookup(Key(A(203, 0, 113, 9), A(198, 51, 101, 1), 0, OUT)).error,
              RouteError::INVALID);
    RouteEntry toNowhere = Special(A(198, 51, 102, 0), 24, RouteNodeType::NAT);
    toNowhere.info.gateway = A(172, 16, 0, 0);
    db.GetClass(CLASS_LOCAL).Insert(toNowhere);
    RouteSelector def;
    db.GetClass(CLASS_MAIN).Delete(def);
    EXPECT_EQ(db.Lookup(Key(A(203, 0, 113, 9), A(198, 51, 102, 1), 0, OUT)).error,
              RouteError::NET_UNREACHABLE)
        << "the re-lookup's error";
}

TEST(PolicyDatabase, ValveReverseLookup)
{
    PolicyDatabase db = Router(RuleStyle::LINUX_2_1);
    PolicyRule masq = From(Action(RuleAction::MASQUERADE), A(10, 1, 0, 0), 24);
    masq.classId = CLASS_MAIN;
    masq.flags = RULE_FLAG_VALVE;
    db.AddRule(masq);
    // Outside in: the route back to the source goes through the VALVE rule.
    const PolicyDecision in = db.Lookup(Key(A(203, 0, 113, 9), A(10, 1, 0, 7), 0, OUT));
    EXPECT_EQ(in.kind, PolicyDecision::FORWARD);
    EXPECT_TRUE(in.valve);
    // Inside out: no.
    const PolicyDecision outward = db.Lookup(Key(A(10, 1, 0, 7), A(203, 0, 113, 9), 0, IN));
    EXPECT_FALSE(outward.valve);
    EXPECT_TRUE(outward.masquerade);
    // Local output is never a VALVE case.
    EXPECT_FALSE(db.Lookup(Key(0, A(10, 1, 0, 7), 0, LO)).valve);
    // Without the flag, no valve.
    RuleSelector s;
    s.action = RuleAction::MASQUERADE;
    ASSERT_TRUE(db.DeleteRule(s));
    masq.flags = 0;
    db.AddRule(masq);
    EXPECT_FALSE(db.Lookup(Key(A(203, 0, 113, 9), A(10, 1, 0, 7), 0, OUT)).valve);
}

// ----- rules with their own route -----

TEST(PolicyDatabase, OwnRoutes)
{
    PolicyDatabase db = Router(RuleStyle::LINUX_2_1);
    PolicyRule both = From(Lookup(CLASS_UNSPEC), A(10, 1, 0, 2), 32);
    both.hasRoute = true;
    both.route.gateway = A(192, 0, 2, 9);
    both.route.interface = OUT;
    db.AddRule(both, 10);
    PolicyRule gwOnly = From(Lookup(CLASS_UNSPEC), A(10, 1, 0, 3), 32);
    gwOnly.hasRoute = true;
    gwOnly.route.gateway = A(192, 0, 2, 9);
    db.AddRule(gwOnly, 11);
    PolicyRule devOnly = From(Lookup(CLASS_UNSPEC), A(10, 1, 0, 4), 32);
    devOnly.hasRoute = true;
    devOnly.route.interface = OUT2;
    db.AddRule(devOnly, 12);
    PolicyRule farGw = From(Lookup(CLASS_UNSPEC), A(10, 1, 0, 5), 32);
    farGw.hasRoute = true;
    farGw.route.gateway = A(203, 0, 113, 1); // only reachable via a gateway
    db.AddRule(farGw, 13);
    PolicyRule natOwn = From(Action(RuleAction::NAT), A(10, 1, 0, 6), 32);
    natOwn.natAddress = A(198, 51, 100, 6);
    natOwn.hasRoute = true;
    natOwn.route.interface = OUT;
    db.AddRule(natOwn, 14);

    const uint32_t dst = A(203, 0, 113, 10);
    std::vector<LookupStep> steps;
    const PolicyDecision a = db.Lookup(Key(A(10, 1, 0, 2), dst), LookupAlgorithm::LINUX, &steps);
    EXPECT_EQ(a.kind, PolicyDecision::FORWARD);
    EXPECT_TRUE(a.fromRule);
    EXPECT_EQ(a.classId, CLASS_UNSPEC);
    EXPECT_EQ(a.node.info.gateway, A(192, 0, 2, 9));
    EXPECT_EQ(a.node.info.interface, OUT);
    EXPECT_EQ(steps.back().outcome, LookupStep::RULE_OWN_ROUTE);
    const PolicyDecision b = db.Lookup(Key(A(10, 1, 0, 3), dst));
    EXPECT_EQ(b.kind, PolicyDecision::FORWARD);
    EXPECT_EQ(b.node.info.interface, OUT) << "the gateway's connected network";
    const PolicyDecision c = db.Lookup(Key(A(10, 1, 0, 4), dst));
    EXPECT_EQ(c.node.info.gateway, 0u) << "on-link";
    EXPECT_EQ(c.node.info.interface, OUT2);
    const PolicyDecision d = db.Lookup(Key(A(10, 1, 0, 5), dst));
    EXPECT_EQ(d.kind, PolicyDecision::ERROR) << "a gateway must be directly connected";
    EXPECT_EQ(d.error, RouteError::NET_UNREACHABLE);
    const PolicyDecision e = db.Lookup(Key(A(10, 1, 0, 6), dst));
    EXPECT_TRUE(e.translateSource) << "NAT with an own route";
    EXPECT_EQ(e.newSource, A(198, 51, 100, 6));
}

TEST(PolicyDatabase, ThousandsOfOwnRoutes)
{
    for (RuleStyle style : {RuleStyle::LINUX_2_1, RuleStyle::MODERN})
    {
        PolicyDatabase db = Router(style);
        const uint32_t n = 3000;
        for (uint32_t i = 0; i < n; ++i)
        {
            PolicyRule r = From(Lookup(CLASS_UNSPEC), A(10, 100, 0, 0) + i, 32);
            r.hasRoute = true;
            r.route.gateway = A(192, 0, 2, 10) + (i % 200);
            r.route.interface = OUT;
            ASSERT_EQ(db.AddRule(r, style == RuleStyle::LINUX_2_1 ? 100 : 1000 + i).result,
                      ClassResult::OK);
        }
        EXPECT_EQ(db.GetRules().size(), n + 3);
        for (uint32_t i : {0u, 255u, 256u, 1777u, n - 1})
        {
            const PolicyDecision d = db.Lookup(Key(A(10, 100, 0, 0) + i, A(203, 0, 113, 10)));
            EXPECT_EQ(d.node.info.gateway, A(192, 0, 2, 10) + (i % 200)) << i;
        }
    }
}

// ----- listings -----

TEST(PolicyDatabase, Listings)
{
    PolicyDatabase db(RuleStyle::LINUX_2_1);
    PolicyRule nat = From(Action(RuleAction::NAT), A(10, 1, 0, 0), 24);
    nat.natAddress = A(198, 51, 100, 0);
    nat.classId = CLASS_MAIN;
    db.AddRule(nat, 10);
    PolicyRule masq = From(Action(RuleAction::MASQUERADE), A(10, 2, 0, 0), 16);
    masq.classId = CLASS_MAIN;
    masq.flags = RULE_FLAG_VALVE | RULE_FLAG_LOG;
    db.AddRule(masq, 20);
    PolicyRule own = To(Lookup(CLASS_UNSPEC), A(192, 0, 2, 0), 24);
    own.hasRoute = true;
    own.route.gateway = A(10, 0, 0, 1);
    own.route.interface = 2;
    own.iif = 1;
    own.tos = 0x10;
    db.AddRule(own, 30);
    db.AddRule(Action(RuleAction::DROP), 40);
    db.AddRule(Action(RuleAction::REJECT), 41);
    db.AddRule(Action(RuleAction::PROHIBIT), 42);
    std::ostringstream seed;
    db.PrintRulesSeed(seed);
    EXPECT_EQ(seed.str(),
              "Kernel routing policy rules\n"
              "Pref Source Destination TOS Iface Cl\n"
              "0 default default 00 * 255\n"
              "10 10.1.0.0/24 default 00 * 254 nat 198.51.100.0\n"
              "20 10.2.0.0/16 default 00 * 254 masquerade log valve\n"
              "30 default 192.0.2.0/24 10 if1 route via 10.0.0.1 dev if2\n"
              "40 default default 00 * drop\n"
              "41 default default 00 * reject\n"
              "42 default default 00 * prohibit\n"
              "254 default default 00 * 254\n"
              "255 default default 00 * 253\n");
    std::ostringstream modern;
    db.PrintRulesModern(modern, [](uint32_t i) { return "eth" + std::to_string(i); });
    EXPECT_EQ(modern.str(),
              "0:\tfrom all lookup local\n"
              "10:\tfrom 10.1.0.0/24 lookup main nat 198.51.100.0\n"
              "20:\tfrom 10.2.0.0/16 lookup main masquerade log valve\n"
              "30:\tfrom all to 192.0.2.0/24 tos 0x10 iif eth1 route via 10.0.0.1 dev eth2\n"
              "40:\tfrom all blackhole\n"
              "41:\tfrom all unreachable\n"
              "42:\tfrom all prohibit\n"
              "254:\tfrom all lookup main\n"
              "255:\tfrom all lookup default\n");

    RouteClass& c = db.GetClass(101);
    RouteEntry via = Node(A(203, 0, 113, 0), 24, A(192, 0, 2, 2), 3, 0x08);
    via.metric = 5;
    via.info.prefSrc = A(192, 0, 2, 1);
    c.Insert(via);
    c.Insert(Special(A(203, 0, 113, 0), 25, RouteNodeType::THROW));
    c.Insert(Special(0, 0, RouteNodeType::REJECT));
    std::ostringstream cls;
    db.PrintClass(cls, 101);
    EXPECT_EQ(cls.str(),
              "unreachable default\n"
              "203.0.113.0/24 tos 0x08 via 192.0.2.2 dev if3 src 192.0.2.1 metric 5\n"
              "throw 203.0.113.0/25\n");
    std::ostringstream missing;
    db.PrintClass(missing, 999);
    EXPECT_EQ(missing.str(), "");
}

TEST(PolicyDatabase, Names)
{
    EXPECT_STREQ(RuleActionName(RuleAction::MASQUERADE), "masquerade");
    EXPECT_STREQ(RuleStyleName(RuleStyle::LINUX_2_1), "linux-2.1");
    EXPECT_STREQ(RouteErrorName(RouteError::PROHIBITED), "prohibited");
    EXPECT_EQ(RouteErrorIcmpCode(RouteError::HOST_UNREACHABLE), 1);
    EXPECT_EQ(RouteErrorIcmpCode(RouteError::BLACKHOLE), -1);
    EXPECT_EQ(RouteErrorIcmpCode(RouteError::INVALID), -1);
    EXPECT_EQ(FormatPrefix(0, 0), "default");
    EXPECT_EQ(FormatPrefix(A(10, 0, 0, 1), 32), "10.0.0.1");
    EXPECT_EQ(FormatPrefix(A(10, 0, 0, 0), 8), "10.0.0.0/8");
}
