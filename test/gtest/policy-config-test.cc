/*
 * SPDX-License-Identifier: GPL-2.0-only
 *
 * Unit tests of the configuration language parser (PolicyConfigParser): every command form
 * of both dialects and of net-tools, shapecfg and sysctl; numbers, prefixes and TOS values;
 * exact error positions and messages; all or nothing; continuation lines, comments, quotes;
 * and a real-world paste from a Linux router.
 */

#include "ns3/policy-config.h"

#include <cstdio>
#include <fstream>
#include <gtest/gtest.h>
#include <string>
#include <vector>

using namespace ns3;

namespace
{

constexpr uint32_t
A(uint32_t a, uint32_t b, uint32_t c, uint32_t d)
{
    return (a << 24) | (b << 16) | (c << 8) | d;
}

ParsedConfig
Parse(const std::string& text)
{
    return PolicyConfigParser().Parse(text, "test.cfg");
}

/// Parse \p text, which must give exactly one command of type T, and return its body.
template <class T>
T
Only(const std::string& text)
{
    const ParsedConfig c = Parse(text);
    EXPECT_TRUE(c.Ok()) << text << "\n" << c.ErrorText();
    EXPECT_EQ(c.commands.size(), 1u) << text;
    if (c.commands.size() != 1)
    {
        return T();
    }
    const T* t = c.commands[0].As<T>();
    EXPECT_NE(t, nullptr) << text << ": command of another type";
    return t ? *t : T();
}

/// Parse \p text, which must give exactly one error, and return it as "file:l:c: message".
std::string
Error(const std::string& text)
{
    const ParsedConfig c = Parse(text);
    EXPECT_EQ(c.errors.size(), 1u) << text << "\n" << c.ErrorText();
    EXPECT_TRUE(c.commands.empty());
    return c.errors.empty() ? std::string() : c.errors[0].ToString();
}

/// \return true if \p s contains \p part
::testing::AssertionResult
Contains(const std::string& s, const std::string& part)
{
    if (s.find(part) != std::string::npos)
    {
        return ::testing::AssertionSuccess();
    }
    return ::testing::AssertionFailure() << "\"" << s << "\" does not contain \"" << part << "\"";
}

/// \return the notes of \p text joined by newlines
std::string
Notes(const std::string& text)
{
    const ParsedConfig c = Parse(text);
    EXPECT_TRUE(c.Ok()) << c.ErrorText();
    std::string s;
    for (const ConfigNote& n : c.notes)
    {
        s += n.ToString() + "\n";
    }
    return s;
}

} // namespace

// ----- lexical level -----

TEST(PolicyConfigLexer, BlankLinesAndCommentsGiveNothing)
{
    const ParsedConfig c = Parse("\n   \n# a comment\n\t# indented comment\n\n");
    EXPECT_TRUE(c.Ok());
    EXPECT_TRUE(c.commands.empty());
    EXPECT_TRUE(c.notes.empty());
}

TEST(PolicyConfigLexer, TrailingCommentAndHashInsideWord)
{
    auto r = Only<RuleAddCommand>("ip rule add from 10.0.0.0/8 lookup 100 # the lab\n");
    EXPECT_EQ(r.rule.classId, 100u);
    // '#' inside a word is not a comment (a device may be called eth#1).
    auto d = Only<RouteAddCommand>("ip route add 10.0.0.0/8 dev eth#1\n");
    EXPECT_EQ(d.dev.name, "eth#1");
}

TEST(PolicyConfigLexer, ContinuationLinesJoinAndKeepPositions)
{
    const ParsedConfig c = Parse("ip rule add \\\n  from 10.1.0.0/16 \\   \n  lookup 7 pref 50\n"
                                 "ip rule show\n");
    ASSERT_TRUE(c.Ok()) << c.ErrorText();
    ASSERT_EQ(c.commands.size(), 2u);
    EXPECT_EQ(c.commands[0].where.line, 1u);
    EXPECT_EQ(c.commands[0].text, "ip rule add from 10.1.0.0/16 lookup 7 pref 50");
    const auto* r = c.commands[0].As<RuleAddCommand>();
    ASSERT_NE(r, nullptr);
    EXPECT_EQ(r->rule.src, A(10, 1, 0, 0));
    EXPECT_EQ(r->rule.srcLength, 16);
    EXPECT_EQ(r->rule.classId, 7u);
    EXPECT_EQ(r->preference, 50u);
    EXPECT_EQ(c.commands[1].where.line, 4u);
    // An error on a continuation line names that line and column.
    EXPECT_EQ(Error("ip rule add \\\n  from 10.1.2 lookup 7\n"),
              "test.cfg:2:8: expected a prefix (a.b.c.d/len or default) after \"from\", found "
              "\"10.1.2\"");
    // A comment after the backslash still continues the line.
    auto r2 = Only<RuleAddCommand>("ip rule add from 10.0.0.0/8 \\ # source\n  lookup 5\n");
    EXPECT_EQ(r2.rule.classId, 5u);
    // A backslash on the last line is harmless.
    EXPECT_TRUE(Parse("ip rule show \\").Ok());
}

TEST(PolicyConfigLexer, SemicolonsSeparateCommands)
{
    const ParsedConfig c = Parse("ip link set eth0 up; ip addr add 10.0.0.1/24 dev eth0;;\n");
    ASSERT_TRUE(c.Ok()) << c.ErrorText();
    ASSERT_EQ(c.commands.size(), 2u);
    EXPECT_EQ(c.commands[1].where.column, 22u);
    EXPECT_EQ(c.commands[1].As<InterfaceCommand>()->kind, InterfaceCommand::ADDRESS_ADD);
}

TEST(PolicyConfigLexer, QuotesGroupWords)
{
    const ParsedConfig c = Parse("echo \"100 isp1\" >> /etc/iproute2/rt_tables\n"
                                 "echo '200 isp2' >>/etc/iproute2/rt_tables\n"
                                 "ip rule add from 10.0.0.0/8 lookup isp1\n"
                                 "ip rule add from 11.0.0.0/8 lookup \"isp2\"\n");
    ASSERT_TRUE(c.Ok()) << c.ErrorText();
    ASSERT_EQ(c.commands.size(), 2u);
    EXPECT_EQ(c.commands[0].As<RuleAddCommand>()->rule.classId, 100u);
    EXPECT_EQ(c.commands[1].As<RuleAddCommand>()->rule.classId, 200u);
    EXPECT_EQ(Error("echo \"hello\nip rule show\n"),
              "test.cfg:1:6: unterminated double quote (quotes cannot span lines)");
}

TEST(PolicyConfigLexer, CrLfLineEndings)
{
    const ParsedConfig c = Parse("ip rule add from 10.0.0.0/8 lookup 9\r\nip rule show\r\n");
    ASSERT_TRUE(c.Ok()) << c.ErrorText();
    EXPECT_EQ(c.commands.size(), 2u);
}

TEST(PolicyConfigLexer, SudoAndPathsArePeeledOff)
{
    auto r = Only<RuleAddCommand>("sudo /sbin/ip rule add to 10.0.0.0/8 lookup 3\n");
    EXPECT_EQ(r.rule.dst, A(10, 0, 0, 0));
    auto a = Only<RouteAddCommand>("/usr/sbin/route add default gw 10.0.0.1\n");
    EXPECT_EQ(a.entry.info.gateway, A(10, 0, 0, 1));
}

// ----- values -----

TEST(PolicyConfigValues, NumbersDecimalAndHex)
{
    EXPECT_EQ(*Only<RuleAddCommand>("ip rule add pref 100 lookup 5").preference, 100u);
    EXPECT_EQ(*Only<RuleAddCommand>("ip rule add pref 0x64 lookup 5").preference, 100u);
    EXPECT_EQ(*Only<RuleAddCommand>("ip rule add pref 4294967295 lookup 5").preference,
              4294967295u);
    EXPECT_EQ(Only<RuleAddCommand>("ip rule add lookup 0xff").rule.classId, 255u);
    EXPECT_EQ(Only<RouteAddCommand>("ip route add 10.0.0.0/8 dev eth0 metric 0x10").entry.metric,
              16u);
    EXPECT_EQ(Error("ip rule add pref 4294967296 lookup 5"),
              "test.cfg:1:18: \"4294967296\" after \"pref\" is out of range (0..4294967295)");
    EXPECT_EQ(Error("ip rule add pref 12a lookup 5"),
              "test.cfg:1:18: expected a preference after \"pref\", found \"12a\"");
    EXPECT_EQ(Error("ip rule add pref -1 lookup 5"),
              "test.cfg:1:18: expected a preference after \"pref\", found \"-1\"");
    EXPECT_EQ(Error("ip rule add pref 0x lookup 5"),
              "test.cfg:1:18: expected a preference after \"pref\", found \"0x\"");
    EXPECT_EQ(Error("ip rule add pref"),
              "test.cfg:1:17: expected a preference after \"pref\", found end of line");
}

TEST(PolicyConfigValues, Prefixes)
{
    auto p = [](const std::string& prefix) {
        const auto r = Only<RuleAddCommand>("ip rule add to " + prefix + " lookup 5");
        return std::make_pair(r.rule.dst, unsigned(r.rule.dstLength));
    };
    EXPECT_EQ(p("10.0.0.0/8"), std::make_pair(A(10, 0, 0, 0), 8u));
    EXPECT_EQ(p("192.168.1.7"), std::make_pair(A(192, 168, 1, 7), 32u));
    EXPECT_EQ(p("192.168.1.7/32"), std::make_pair(A(192, 168, 1, 7), 32u));
    EXPECT_EQ(p("0.0.0.0/0"), std::make_pair(0u, 0u));
    EXPECT_EQ(p("default"), std::make_pair(0u, 0u));
    EXPECT_EQ(p("all"), std::make_pair(0u, 0u));
    EXPECT_EQ(p("any"), std::make_pair(0u, 0u));
    EXPECT_EQ(p("255.255.255.255"), std::make_pair(0xffffffffu, 32u));

    // The issue's example: a short address is not a prefix.
    EXPECT_EQ(Error("ip rule add to 10.1.2 lookup 5"),
              "test.cfg:1:16: expected a prefix (a.b.c.d/len or default) after \"to\", found "
              "\"10.1.2\"");
    EXPECT_EQ(Error("ip rule add to 10.1.2.3/24 lookup 5"),
              "test.cfg:1:16: \"10.1.2.3/24\" has host bits set (did you mean 10.1.2.0/24?)");
    EXPECT_EQ(Error("ip rule add to 10.0.0.0/33 lookup 5"),
              "test.cfg:1:16: prefix length 33 in \"10.0.0.0/33\" is out of range (0..32)");
    EXPECT_EQ(Error("ip rule add to 10.0.0.0/ lookup 5"),
              "test.cfg:1:16: expected a prefix length (0..32) after \"/\" in \"10.0.0.0/\"");
    EXPECT_EQ(Error("ip rule add to 10.0.0.0/0x8 lookup 5"),
              "test.cfg:1:16: expected a prefix length (0..32) after \"/\" in \"10.0.0.0/0x8\"");
    EXPECT_EQ(Error("ip rule add to 10.256.0.0/16 lookup 5"),
              "test.cfg:1:16: expected a prefix (a.b.c.d/len or default) after \"to\", found "
              "\"10.256.0.0/16\"");
    EXPECT_EQ(Error("ip rule add to 1.2.3.4.5 lookup 5"),
              "test.cfg:1:16: expected a prefix (a.b.c.d/len or default) after \"to\", found "
              "\"1.2.3.4.5\"");
    EXPECT_EQ(Error("ip rule add to 2001:db8::/32 lookup 5"),
              "test.cfg:1:16: IPv6 address \"2001:db8::/32\" is not supported by the model "
              "(IPv4 only)");
    EXPECT_EQ(Error("ip rule add from"),
              "test.cfg:1:17: expected a prefix (a.b.c.d/len or all) after \"from\", found end "
              "of line");
}

TEST(PolicyConfigValues, TosIsHexadecimalOrAName)
{
    auto tos = [](const std::string& t) {
        return unsigned(Only<RuleAddCommand>("ip rule add tos " + t + " lookup 5").rule.tos);
    };
    EXPECT_EQ(tos("0x10"), 0x10u);
    EXPECT_EQ(tos("10"), 0x10u); // iproute2 reads TOS in hexadecimal
    EXPECT_EQ(tos("8"), 0x08u);
    EXPECT_EQ(tos("1e"), 0x1eu);
    EXPECT_EQ(tos("lowdelay"), 0x10u);
    EXPECT_EQ(tos("throughput"), 0x08u);
    EXPECT_EQ(tos("reliability"), 0x04u);
    EXPECT_EQ(tos("mincost"), 0x02u);
    EXPECT_EQ(tos("default"), 0u);
    EXPECT_EQ(unsigned(Only<RuleAddCommand>("ip rule add dsfield 0x08 lookup 5").rule.tos), 8u);
    EXPECT_EQ(unsigned(Only<RuleAddCommand>("ip rule add dsf 0x08 lookup 5").rule.tos), 8u);
    EXPECT_EQ(Error("ip rule add tos 0x28 lookup 5"),
              "test.cfg:1:17: TOS 0x28 (\"0x28\") has bits outside 0x1e: only the RFC 1349 TOS "
              "bits are routed, not the precedence or DSCP bits");
    EXPECT_TRUE(Contains(Error("ip rule add tos 0x11 lookup 5"), "has bits outside 0x1e"));
    EXPECT_TRUE(Contains(Error("ip rule add tos critical lookup 5"), "TOS 0xa0"));
    EXPECT_EQ(Error("ip rule add tos fast lookup 5"),
              "test.cfg:1:17: expected a TOS (hexadecimal, e.g. 0x10, or lowdelay, throughput, "
              "reliability, mincost) after \"tos\", found \"fast\"");
    EXPECT_TRUE(Contains(Error("ip rule add tos 0x100 lookup 5"), "expected a TOS"));
}

TEST(PolicyConfigValues, TablesByNumberAndName)
{
    auto table = [](const std::string& t) {
        return Only<RuleAddCommand>("ip rule add from 10.0.0.0/8 table " + t).rule.classId;
    };
    EXPECT_EQ(table("local"), 255u);
    EXPECT_EQ(table("main"), 254u);
    EXPECT_EQ(table("default"), 253u);
    EXPECT_EQ(table("100"), 100u);
    EXPECT_EQ(table("0x100"), 256u);
    EXPECT_EQ(table("4294967295"), 4294967295u);
    EXPECT_EQ(Error("ip rule add from 10.0.0.0/8 table isp1"),
              "test.cfg:1:35: unknown table name \"isp1\" (name it first: echo \"ID isp1\" >> "
              "/etc/iproute2/rt_tables)");
    EXPECT_EQ(Error("ip rule add from 10.0.0.0/8 table -3"),
              "test.cfg:1:35: expected a table (local, main, default, a number or a name) after "
              "\"table\", found \"-3\"");

    PolicyConfigParser parser;
    EXPECT_TRUE(parser.DefineTable("isp1", 100));
    EXPECT_TRUE(parser.DefineTable("isp1", 100)); // same again: fine
    EXPECT_FALSE(parser.DefineTable("isp1", 101));
    EXPECT_FALSE(parser.DefineTable("main", 7));
    EXPECT_FALSE(parser.DefineTable("12", 7));
    EXPECT_FALSE(parser.DefineTable("all", 7));
    EXPECT_FALSE(parser.DefineTable("", 7));
    const ParsedConfig c = parser.Parse("ip rule add from 10.0.0.0/8 lookup isp1", "x");
    ASSERT_TRUE(c.Ok()) << c.ErrorText();
    EXPECT_EQ(c.commands[0].As<RuleAddCommand>()->rule.classId, 100u);
}

// ----- ip rule -----

TEST(PolicyConfigIpRule, AddWithEverySelector)
{
    auto r = Only<RuleAddCommand>("ip rule add from 10.1.0.0/16 to 192.0.2.0/24 tos 0x10 "
                                  "iif eth0 oif eth1 pref 1000 lookup 100");
    EXPECT_EQ(r.rule.src, A(10, 1, 0, 0));
    EXPECT_EQ(r.rule.srcLength, 16);
    EXPECT_EQ(r.rule.dst, A(192, 0, 2, 0));
    EXPECT_EQ(r.rule.dstLength, 24);
    EXPECT_EQ(r.rule.tos, 0x10);
    EXPECT_EQ(r.iif.name, "eth0");
    EXPECT_EQ(r.iif.where.column, 59u);
    EXPECT_EQ(r.oif.name, "eth1");
    EXPECT_EQ(*r.preference, 1000u);
    EXPECT_EQ(r.rule.action, RuleAction::ROUTE);
    EXPECT_EQ(r.rule.classId, 100u);
    EXPECT_EQ(r.rule.iif, ROUTE_NO_INTERFACE); // resolved by the applier
    EXPECT_FALSE(r.rule.hasRoute);
}

TEST(PolicyConfigIpRule, DefaultsAndAliases)
{
    auto r = Only<RuleAddCommand>("ip rule add from all");
    EXPECT_EQ(r.rule.classId, CLASS_MAIN); // no table: main, as iproute2
    EXPECT_FALSE(r.preference.has_value());
    EXPECT_EQ(r.rule.srcLength, 0);
    EXPECT_EQ(Only<RuleAddCommand>("ip rule add dev eth3 table 7").iif.name, "eth3");
    EXPECT_EQ(*Only<RuleAddCommand>("ip rule add priority 7 table 7").preference, 7u);
    EXPECT_EQ(*Only<RuleAddCommand>("ip rule add order 8 table 7").preference, 8u);
    EXPECT_EQ(*Only<RuleAddCommand>("ip rule add prio 9 table 7").preference, 9u);
    EXPECT_EQ(*Only<RuleAddCommand>("ip rule add pr 10 table 7").preference, 10u);
    EXPECT_EQ(Only<RuleAddCommand>("ip rule add t 7").rule.classId, 7u);
    EXPECT_EQ(Only<RuleAddCommand>("ip rule add lookup 7").rule.classId, 7u);
    // Abbreviations of the object and the command, as iproute2 reads them.
    EXPECT_EQ(Only<RuleAddCommand>("ip ru a from 10.0.0.0/8 lookup 7").rule.classId, 7u);
    EXPECT_EQ(Only<RuleAddCommand>("ip -4 rule add lookup 7").rule.classId, 7u);
    EXPECT_EQ(Only<RuleAddCommand>("ip -f inet rule add lookup 7").rule.classId, 7u);
}

TEST(PolicyConfigIpRule, Actions)
{
    auto action = [](const std::string& a) {
        return Only<RuleAddCommand>("ip rule add from 10.0.0.0/8 " + a).rule;
    };
    EXPECT_EQ(action("blackhole").action, RuleAction::DROP);
    EXPECT_EQ(action("blackhole").classId, CLASS_UNSPEC);
    EXPECT_EQ(action("unreachable").action, RuleAction::REJECT);
    EXPECT_EQ(action("prohibit").action, RuleAction::PROHIBIT);
    EXPECT_EQ(action("reject").action, RuleAction::REJECT);
    EXPECT_EQ(action("type prohibit").action, RuleAction::PROHIBIT);
    EXPECT_EQ(action("type unicast lookup 5").action, RuleAction::ROUTE);
    EXPECT_EQ(action("unicast lookup 5").classId, 5u);
    const PolicyRule nat = action("nat 192.0.2.0 lookup 5");
    EXPECT_EQ(nat.action, RuleAction::NAT);
    EXPECT_EQ(nat.natAddress, A(192, 0, 2, 0));
    EXPECT_EQ(nat.classId, 5u);
    EXPECT_EQ(action("map-to 192.0.2.0").action, RuleAction::NAT);
    EXPECT_EQ(action("map-to 192.0.2.0").classId, CLASS_MAIN);
    EXPECT_EQ(action("nat 0.0.0.0").action, RuleAction::MASQUERADE);
    EXPECT_EQ(action("masquerade lookup 6").action, RuleAction::MASQUERADE);
    EXPECT_EQ(action("masquerade lookup 6").classId, 6u);
    EXPECT_EQ(Error("ip rule add from 10.0.0.0/8 blackhole prohibit"),
              "test.cfg:1:39: a rule has one action: \"prohibit\" conflicts with \"blackhole\"");
    EXPECT_EQ(Error("ip rule add from 10.0.0.0/8 nat 10.1"),
              "test.cfg:1:33: expected an IPv4 address after \"nat\", found \"10.1\"");
}

TEST(PolicyConfigIpRule, UnsupportedAndUnknownKeywords)
{
    EXPECT_EQ(Error("ip rule add fwmark 1 lookup 5"),
              "test.cfg:1:13: \"fwmark\" is not supported by the model (no firewall marks)");
    EXPECT_EQ(Error("ip rule add uidrange 100-200 lookup 5"),
              "test.cfg:1:13: \"uidrange\" is not supported by the model (no user ids)");
    EXPECT_TRUE(Contains(Error("ip rule add from 10.0.0.0/8 goto 100"),
                         "\"goto\" is not supported by the model"));
    EXPECT_TRUE(Contains(Error("ip rule add lookup main suppress_prefixlength 0"),
                         "test.cfg:1:25: \"suppress_prefixlength\" is not supported"));
    EXPECT_TRUE(Contains(Error("ip rule add not from 10.0.0.0/8 lookup 5"),
                         "\"not\" is not supported by the model (inverted selectors)"));
    EXPECT_TRUE(Contains(Error("ip rule add l3mdev"), "\"l3mdev\" is not supported"));
    EXPECT_TRUE(Contains(Error("ip rule add ipproto tcp lookup 5"), "not supported"));
    EXPECT_TRUE(Contains(Error("ip rule add sport 80 lookup 5"), "not supported"));
    EXPECT_TRUE(Contains(Error("ip rule add from 10.0.0.0/8 throw"),
                         "\"throw\" is not supported by the model (rule type throw)"));
    EXPECT_EQ(Error("ip rule add from 10.0.0.0/8 lokup 5"),
              "test.cfg:1:29: unknown keyword \"lokup\" in ip rule add (expected from, to, tos, "
              "iif, oif, pref, lookup, nat, blackhole, unreachable or prohibit)");
    EXPECT_TRUE(Contains(Error("ip -6 rule add lookup 5"),
                         "test.cfg:1:4: \"-6\" is not supported by the model (IPv4 only)"));
    EXPECT_TRUE(Contains(Error("ip rule add from 2001:db8::/32 lookup 5"), "IPv6"));
    EXPECT_TRUE(Notes("ip rule add realms 3 lookup 5").find("realms 3 ignored") !=
                std::string::npos);
    EXPECT_TRUE(Notes("ip rule add proto static lookup 5").find("protocol static ignored") !=
                std::string::npos);
}

TEST(PolicyConfigIpRule, DeleteFlushShow)
{
    auto d = Only<RuleDeleteCommand>("ip rule del pref 100");
    EXPECT_EQ(*d.selector.preference, 100u);
    EXPECT_FALSE(d.selector.src.has_value());
    EXPECT_FALSE(d.selector.action.has_value());
    EXPECT_FALSE(d.selector.classId.has_value());
    auto d2 = Only<RuleDeleteCommand>("ip rule delete from 10.0.0.0/8 lookup 5 iif eth0");
    EXPECT_EQ(*d2.selector.src, A(10, 0, 0, 0));
    EXPECT_EQ(d2.selector.srcLength, 8);
    EXPECT_EQ(*d2.selector.classId, 5u);
    EXPECT_EQ(d2.iif.name, "eth0");
    auto d3 = Only<RuleDeleteCommand>("ip rule del from 10.0.0.0/8 prohibit");
    EXPECT_EQ(*d3.selector.action, RuleAction::PROHIBIT);
    EXPECT_EQ(Error("ip rule del"), "test.cfg:1:12: ip rule del needs a selector (e.g. pref N)");
    Only<RuleFlushCommand>("ip rule flush");
    EXPECT_EQ(Error("ip rule flush table 5"),
              "test.cfg:1:15: unexpected \"table\" after the end of ip rule flush (it takes no "
              "arguments)");
    EXPECT_FALSE(Only<RuleShowCommand>("ip rule show").seedStyle);
    EXPECT_FALSE(Only<RuleShowCommand>("ip rule list").seedStyle);
    EXPECT_FALSE(Only<RuleShowCommand>("ip rule").seedStyle);
    EXPECT_FALSE(Only<RuleShowCommand>("ip ru").seedStyle);
    EXPECT_TRUE(Contains(Error("ip rule show table 5"), "unsupported selector \"table\""));
    EXPECT_EQ(Error("ip rule frob"),
              "test.cfg:1:9: unknown ip rule command \"frob\" (expected add, del, flush or show)");
}

// ----- ip route -----

TEST(PolicyConfigIpRoute, AddUnicast)
{
    auto a = Only<RouteAddCommand>("ip route add 10.2.0.0/16 via 192.0.2.2 dev eth1 src "
                                   "192.0.2.1 tos 0x08 metric 20 table 100");
    EXPECT_EQ(a.entry.prefix, A(10, 2, 0, 0));
    EXPECT_EQ(a.entry.length, 16);
    EXPECT_EQ(a.entry.info.gateway, A(192, 0, 2, 2));
    EXPECT_EQ(a.entry.info.prefSrc, A(192, 0, 2, 1));
    EXPECT_EQ(a.entry.info.interface, ROUTE_NO_INTERFACE);
    EXPECT_EQ(a.entry.info.type, RouteNodeType::UNICAST);
    EXPECT_EQ(a.entry.tos, 0x08);
    EXPECT_EQ(a.entry.metric, 20u);
    EXPECT_EQ(a.classId, 100u);
    EXPECT_EQ(a.mode, InsertMode::ADD);
    EXPECT_FALSE(a.mustExist);
    EXPECT_TRUE(a.hasSource);
    EXPECT_EQ(a.dev.name, "eth1");
    EXPECT_EQ(a.dev.where.column, 44u);

    auto d = Only<RouteAddCommand>("ip route add default via 10.0.0.1");
    EXPECT_EQ(d.entry.length, 0);
    EXPECT_EQ(d.classId, CLASS_MAIN);
    EXPECT_FALSE(d.dev.IsSet());
    EXPECT_EQ(Only<RouteAddCommand>("ip route add 10.0.0.0/8 dev eth0 priority 7").entry.metric,
              7u);
    EXPECT_EQ(Only<RouteAddCommand>("ip route add 10.0.0.0/8 dev eth0 preference 8").entry.metric,
              8u);
    EXPECT_EQ(Only<RouteAddCommand>("ip route add to 10.0.0.0/8 dev eth0").entry.prefix,
              A(10, 0, 0, 0));
    EXPECT_EQ(Only<RouteAddCommand>("ip route add to unicast 10.0.0.0/8 dev eth0").entry.prefix,
              A(10, 0, 0, 0));
    EXPECT_EQ(Only<RouteAddCommand>("ip route add 10.0.0.0/8 via inet 10.9.9.9").entry.info.gateway,
              A(10, 9, 9, 9));
    EXPECT_EQ(Only<RouteAddCommand>("ip r a 10.0.0.0/8 dev eth0 t 9").classId, 9u);
    EXPECT_EQ(Only<RouteAddCommand>("ip route add 10.0.0.0/8 oif eth0").dev.name, "eth0");
    EXPECT_EQ(Only<RouteAddCommand>("ip route add 10.0.0.0/8 dev eth0 dsfield 10").entry.tos, 0x10);
}

TEST(PolicyConfigIpRoute, ModesAndTypes)
{
    EXPECT_EQ(Only<RouteAddCommand>("ip route replace 10.0.0.0/8 dev eth0").mode,
              InsertMode::REPLACE);
    EXPECT_EQ(Only<RouteAddCommand>("ip route prepend 10.0.0.0/8 dev eth0").mode,
              InsertMode::PREPEND);
    EXPECT_EQ(Only<RouteAddCommand>("ip route append 10.0.0.0/8 dev eth0").mode,
              InsertMode::APPEND);
    auto ch = Only<RouteAddCommand>("ip route change 10.0.0.0/8 dev eth0");
    EXPECT_EQ(ch.mode, InsertMode::REPLACE);
    EXPECT_TRUE(ch.mustExist);
    EXPECT_TRUE(Only<RouteAddCommand>("ip route chg 10.0.0.0/8 dev eth0").mustExist);

    auto type = [](const std::string& t) {
        return Only<RouteAddCommand>("ip route add " + t + " 10.9.0.0/16 table 250");
    };
    EXPECT_EQ(type("unreachable").entry.info.type, RouteNodeType::REJECT);
    EXPECT_EQ(type("prohibit").entry.info.type, RouteNodeType::PROHIBIT);
    EXPECT_EQ(type("blackhole").entry.info.type, RouteNodeType::BLACKHOLE);
    EXPECT_EQ(type("throw").entry.info.type, RouteNodeType::THROW);
    EXPECT_EQ(type("throw").classId, 250u);
    EXPECT_EQ(Only<RouteAddCommand>("ip route add unreachable default").classId, CLASS_MAIN);

    auto local = Only<RouteAddCommand>("ip route add local 10.0.0.1 dev eth0");
    EXPECT_EQ(local.entry.info.type, RouteNodeType::LOCAL);
    EXPECT_EQ(local.entry.length, 32);
    EXPECT_EQ(local.classId, CLASS_LOCAL); // iproute2: local routes go to table local
    auto brd = Only<RouteAddCommand>("ip route add broadcast 10.0.0.255 dev eth0 table 9");
    EXPECT_EQ(brd.entry.info.type, RouteNodeType::BROADCAST);
    EXPECT_EQ(brd.classId, 9u);
    auto nat = Only<RouteAddCommand>("ip route add nat 192.0.2.0/24 via 10.1.0.0");
    EXPECT_EQ(nat.entry.info.type, RouteNodeType::NAT);
    EXPECT_EQ(nat.entry.info.gateway, A(10, 1, 0, 0));
    EXPECT_EQ(nat.classId, CLASS_LOCAL);
}

TEST(PolicyConfigIpRoute, AddErrors)
{
    EXPECT_EQ(Error("ip route add 10.0.0.0/8"),
              "test.cfg:1:24: a unicast route needs via ADDR or dev NAME");
    EXPECT_EQ(Error("ip route add unreachable 10.0.0.0/8 via 10.0.0.1"),
              "test.cfg:1:37: an unreachable route takes no via (it has no next hop)");
    EXPECT_EQ(Error("ip route add blackhole 10.0.0.0/8 dev eth0"),
              "test.cfg:1:35: an blackhole route takes no dev (it has no next hop)");
    EXPECT_EQ(Error("ip route add nat 192.0.2.0/24"),
              "test.cfg:1:30: a nat route needs via ADDR (the internal address it translates "
              "to)");
    EXPECT_EQ(Error("ip route add local 10.0.0.1"), "test.cfg:1:28: a local route needs dev NAME");
    EXPECT_EQ(Error("ip route add dev eth0"),
              "test.cfg:1:22: expected a destination prefix (a.b.c.d/len or default) in ip "
              "route add");
    EXPECT_EQ(Error("ip route add 10.0.0.0/8 10.1.0.0/16 dev eth0"),
              "test.cfg:1:25: duplicate destination \"10.1.0.0/16\" (the destination is "
              "10.0.0.0/8)");
    EXPECT_EQ(Error("ip route add 10.0.0.0/8 gw 10.0.0.1"),
              "test.cfg:1:25: unknown keyword \"gw\" in ip route add (iproute2 writes via ADDR)");
    EXPECT_EQ(Error("ip route add 10.0.0.0/8 dev eth0 weight 3"),
              "test.cfg:1:34: unknown keyword \"weight\" in ip route add (expected via, dev, src, "
              "tos, metric, table, proto, scope)");
    EXPECT_EQ(Error("ip route add frob 10.0.0.0/8 dev eth0"),
              "test.cfg:1:14: expected a prefix (a.b.c.d/len or default) or a route type after "
              "\"add\", found \"frob\"");
    EXPECT_TRUE(Contains(Error("ip route add 10.0.0.0/8 nexthop via 10.0.0.1"),
                         "\"nexthop\" is not supported by the model (multipath routes"));
    EXPECT_TRUE(Contains(Error("ip route add 10.0.0.0/8 from 10.1.0.0/16 dev eth0"),
                         "source-specific routes"));
    EXPECT_TRUE(Contains(Error("ip route add multicast 224.0.0.0/4 dev eth0"),
                         "\"multicast\" is not supported by the model (route type multicast)"));
    EXPECT_TRUE(Contains(Error("ip route add 10.0.0.0/8 via inet6 fe80::1"), "IPv4 gateways"));
    EXPECT_TRUE(Contains(Error("ip route add 10.0.0.0/8 encap mpls 100 dev eth0"),
                         "\"encap\" is not supported"));
    EXPECT_TRUE(Contains(Error("ip route add 10.0.0.0/8 dev eth0 table"),
                         "test.cfg:1:39: expected a table"));
    EXPECT_TRUE(Contains(Error("ip route test 10.0.0.0/8 dev eth0"), "\"test\" is not supported"));
    EXPECT_EQ(Error("ip route frob"),
              "test.cfg:1:10: unknown ip route command \"frob\" (expected add, change, replace, "
              "prepend, append, del, show, get or flush)");
}

TEST(PolicyConfigIpRoute, AcceptedAndIgnoredWithNotes)
{
    const ParsedConfig c = Parse("ip route add 10.0.0.0/24 dev eth0 proto kernel scope link src "
                                 "10.0.0.1 mtu lock 1400 onlink realms 4 initcwnd 10");
    ASSERT_TRUE(c.Ok()) << c.ErrorText();
    ASSERT_EQ(c.notes.size(), 6u);
    EXPECT_EQ(c.notes[0].ToString(),
              "test.cfg:1:35: proto kernel ignored (the model does not record route origins)");
    EXPECT_EQ(c.notes[1].ToString(),
              "test.cfg:1:48: scope link ignored (the model has no route scopes)");
    EXPECT_TRUE(Contains(c.notes[2].message, "mtu 1400 ignored"));
    EXPECT_TRUE(Contains(c.notes[3].message, "onlink ignored"));
    EXPECT_TRUE(Contains(c.notes[4].message, "realms 4 ignored"));
    EXPECT_TRUE(Contains(c.notes[5].message, "initcwnd 10 ignored"));
    const auto* a = c.commands[0].As<RouteAddCommand>();
    ASSERT_NE(a, nullptr);
    EXPECT_TRUE(a->kernelProto);
}

TEST(PolicyConfigIpRoute, Delete)
{
    auto d = Only<RouteDeleteCommand>("ip route del 10.0.0.0/8");
    EXPECT_EQ(d.selector.prefix, A(10, 0, 0, 0));
    EXPECT_EQ(d.selector.length, 8);
    EXPECT_FALSE(d.selector.hasMetric);
    EXPECT_FALSE(d.selector.hasType);
    EXPECT_EQ(d.classId, CLASS_MAIN);
    auto d2 = Only<RouteDeleteCommand>("ip route delete unreachable 10.0.0.0/8 tos 0x10 metric 5 "
                                       "table 7 via 10.0.0.1 dev eth0");
    EXPECT_TRUE(d2.selector.hasType);
    EXPECT_EQ(d2.selector.type, RouteNodeType::REJECT);
    EXPECT_EQ(d2.selector.tos, 0x10);
    EXPECT_TRUE(d2.selector.hasMetric);
    EXPECT_EQ(d2.selector.metric, 5u);
    EXPECT_EQ(d2.selector.gateway, A(10, 0, 0, 1));
    EXPECT_EQ(d2.classId, 7u);
    EXPECT_EQ(d2.dev.name, "eth0");
    EXPECT_EQ(Only<RouteDeleteCommand>("ip route del local 10.0.0.1").classId, CLASS_LOCAL);
}

TEST(PolicyConfigIpRoute, FlushShowGet)
{
    EXPECT_EQ(*Only<RouteFlushCommand>("ip route flush table 100").classId, 100u);
    EXPECT_FALSE(Only<RouteFlushCommand>("ip route flush table all").classId.has_value());
    auto f = Only<RouteFlushCommand>("ip route flush dev eth1");
    EXPECT_EQ(*f.classId, CLASS_MAIN);
    EXPECT_EQ(f.dev.name, "eth1");
    const ParsedConfig cache = Parse("ip route flush cache");
    EXPECT_TRUE(cache.Ok());
    EXPECT_TRUE(cache.commands.empty());
    ASSERT_EQ(cache.notes.size(), 1u);
    EXPECT_EQ(cache.notes[0].ToString(),
              "test.cfg:1:10: ip route flush cache: nothing to do (the model has no route "
              "cache)");
    EXPECT_EQ(Error("ip route flush"),
              "test.cfg:1:15: ip route flush needs a selector (table N|all, dev NAME or cache)");

    EXPECT_EQ(*Only<RouteShowCommand>("ip route show").classId, CLASS_MAIN);
    EXPECT_EQ(*Only<RouteShowCommand>("ip route").classId, CLASS_MAIN);
    EXPECT_EQ(*Only<RouteShowCommand>("ip route list table local").classId, CLASS_LOCAL);
    EXPECT_FALSE(Only<RouteShowCommand>("ip route show table all").classId.has_value());
    EXPECT_TRUE(Contains(Error("ip route show dev eth0"), "unsupported selector \"dev\""));

    auto g = Only<RouteGetCommand>("ip route get 10.2.3.4 from 10.1.0.5 iif eth0 tos 0x10");
    EXPECT_EQ(g.destination, A(10, 2, 3, 4));
    EXPECT_EQ(*g.source, A(10, 1, 0, 5));
    EXPECT_EQ(g.iif.name, "eth0");
    EXPECT_EQ(g.tos, 0x10);
    auto g2 = Only<RouteGetCommand>("ip route get to 10.2.3.4 oif eth1");
    EXPECT_EQ(g2.destination, A(10, 2, 3, 4));
    EXPECT_FALSE(g2.source.has_value());
    EXPECT_FALSE(g2.iif.IsSet());
    EXPECT_EQ(g2.oif.name, "eth1");
    EXPECT_EQ(Error("ip route get 10.2.3"),
              "test.cfg:1:14: expected a destination address after \"get\", found \"10.2.3\"");
    EXPECT_EQ(Error("ip route get"),
              "test.cfg:1:13: expected a destination address in ip route get");
    EXPECT_TRUE(Contains(Error("ip route get 10.0.0.1 mark 5"), "\"mark\" is not supported"));
    EXPECT_EQ(Error("ip route get 10.0.0.1 from 10.0.0"),
              "test.cfg:1:28: expected a source address after \"from\", found \"10.0.0\"");
}

// ----- ip addr, ip link -----

TEST(PolicyConfigIpAddr, AddDeleteFlushLink)
{
    auto a = Only<InterfaceCommand>("ip addr add 10.1.0.1/24 brd 10.1.0.255 dev eth0 label eth0:1");
    EXPECT_EQ(a.kind, InterfaceCommand::ADDRESS_ADD);
    EXPECT_EQ(a.dev.name, "eth0");
    EXPECT_TRUE(a.hasAddress);
    EXPECT_EQ(a.address, A(10, 1, 0, 1));
    EXPECT_EQ(a.length, 24);
    EXPECT_EQ(*a.broadcast, A(10, 1, 0, 255));
    EXPECT_FALSE(a.up.has_value());
    EXPECT_FALSE(a.replace);
    EXPECT_EQ(Only<InterfaceCommand>("ip a add 10.1.0.1 dev eth0").length, 32);
    EXPECT_FALSE(
        Only<InterfaceCommand>("ip address add 10.1.0.1/8 brd + dev eth0").broadcast.has_value());
    EXPECT_TRUE(Only<InterfaceCommand>("ip addr replace 10.1.0.1/8 dev eth0").replace);
    EXPECT_EQ(Only<InterfaceCommand>("ip addr add local 10.1.0.1/8 dev eth0").address,
              A(10, 1, 0, 1));
    auto d = Only<InterfaceCommand>("ip addr del 10.1.0.1/24 dev eth0");
    EXPECT_EQ(d.kind, InterfaceCommand::ADDRESS_DELETE);
    auto f = Only<InterfaceCommand>("ip addr flush dev eth0");
    EXPECT_EQ(f.kind, InterfaceCommand::ADDRESS_FLUSH);
    EXPECT_EQ(f.dev.name, "eth0");
    EXPECT_EQ(Only<InterfaceCommand>("ip addr flush eth2").dev.name, "eth2");

    EXPECT_EQ(Error("ip addr add 10.1.0.1/24"), "test.cfg:1:24: ip address add needs dev NAME");
    EXPECT_EQ(Error("ip addr add dev eth0"),
              "test.cfg:1:21: expected an address (a.b.c.d/len) in ip address add");
    EXPECT_EQ(Error("ip addr add 10.1.0.1/40 dev eth0"),
              "test.cfg:1:13: prefix length in \"10.1.0.1/40\" is not 0..32");
    EXPECT_TRUE(Contains(Error("ip addr add 10.1.0.1/24 peer 10.1.0.2 dev eth0"),
                         "\"peer\" is not supported"));
    EXPECT_TRUE(Contains(Error("ip addr show"), "not supported"));
    EXPECT_TRUE(Contains(Error("ip addr add 2001:db8::1/64 dev eth0"), "IPv6"));

    auto up = Only<InterfaceCommand>("ip link set dev eth0 up");
    EXPECT_EQ(up.kind, InterfaceCommand::LINK_SET);
    EXPECT_EQ(up.dev.name, "eth0");
    EXPECT_TRUE(*up.up);
    EXPECT_FALSE(*Only<InterfaceCommand>("ip l set eth1 down").up);
    EXPECT_TRUE(Contains(Notes("ip link set eth1 mtu 1400 up"), "mtu 1400 ignored"));
    EXPECT_EQ(Error("ip link set eth1"), "test.cfg:1:17: expected up or down in ip link set");
    EXPECT_TRUE(Contains(Error("ip link set eth1 address 02:00:00:00:00:01"),
                         "unsupported ip link set attribute \"address\""));
    EXPECT_TRUE(Contains(Error("ip link add br0 type bridge"), "not supported"));
    EXPECT_EQ(Error("ip neigh add 10.0.0.2 lladdr 02:00:00:00:00:01 dev eth0"),
              "test.cfg:1:4: ip neighbor is not supported by the model (the language has ip "
              "route, ip rule, ip address and ip link)");
    EXPECT_EQ(Error("ip frob"),
              "test.cfg:1:4: unknown object \"frob\" after \"ip\" (expected route, rule, address "
              "or link)");
    EXPECT_EQ(Error("ip"),
              "test.cfg:1:3: expected an object (route, rule, address or link) after \"ip\", "
              "found end of line");
}

// ----- the seed's 2.1 iproute -----

TEST(PolicyConfigIproute21, AddRoute)
{
    auto a = Only<RouteAddCommand>("iproute add 10.2.0.0/16 tos 0x10 gw 10.0.0.2 dev eth1 "
                                   "metric 3 class 100");
    EXPECT_EQ(a.entry.prefix, A(10, 2, 0, 0));
    EXPECT_EQ(a.entry.length, 16);
    EXPECT_EQ(a.entry.tos, 0x10);
    EXPECT_EQ(a.entry.info.gateway, A(10, 0, 0, 2));
    EXPECT_EQ(a.entry.metric, 3u);
    EXPECT_EQ(a.classId, 100u);
    EXPECT_EQ(a.dev.name, "eth1");
    EXPECT_EQ(a.mode, InsertMode::ADD);

    // No class: the node's FibModel chooses, as Linux 2.1 did.
    EXPECT_EQ(Only<RouteAddCommand>("iproute add default gw 10.0.0.1").classId, CLASS_UNSPEC);
    // The seed's OSPF recipe.
    auto r = Only<RouteAddCommand>("iproute add default reject class 250");
    EXPECT_EQ(r.entry.info.type, RouteNodeType::REJECT);
    EXPECT_EQ(r.classId, 250u);
    EXPECT_EQ(Only<RouteAddCommand>("iproute add 10.9.0.0/16 throw class 249").entry.info.type,
              RouteNodeType::THROW);
    EXPECT_EQ(Only<RouteAddCommand>("iproute add 10.9.0.0/16 dev eth0 class main").classId,
              CLASS_MAIN);
    EXPECT_EQ(Only<RouteAddCommand>("iproute add 10.9.0.9 dev eth0").entry.length, 32);

    EXPECT_EQ(Error("iproute add 10.0.0.0/8 class 256 dev eth0"),
              "test.cfg:1:30: \"256\" after \"class\" is out of range (0..255)");
    EXPECT_EQ(Error("iproute add default reject gw 10.0.0.1 class 250"),
              "test.cfg:1:28: a reject route takes no gw (it has no next hop)");
    EXPECT_EQ(Error("iproute add 10.0.0.0/8 class 5"),
              "test.cfg:1:31: a route needs gw GW or dev DEV (or reject or throw)");
    EXPECT_EQ(Error("iproute add 10.0.0.0/8 via 10.0.0.1"),
              "test.cfg:1:24: unknown keyword \"via\" in iproute add (the 2.1 syntax writes gw "
              "GW)");
    EXPECT_EQ(Error("iproute add 10.0.0.0/8 dev eth0 reject throw"),
              "test.cfg:1:40: \"throw\" conflicts with \"reject\"");
    EXPECT_EQ(Error("iproute add"),
              "test.cfg:1:12: expected a prefix (a.b.c.d/len or default) after \"add\", found "
              "end of line");
    auto d = Only<RouteDeleteCommand>("iproute del 10.2.0.0/16 gw 10.0.0.2 class 100");
    EXPECT_EQ(d.selector.gateway, A(10, 0, 0, 2));
    EXPECT_EQ(d.classId, 100u);
    EXPECT_EQ(Only<RouteDeleteCommand>("iproute del 10.2.0.0/16").classId, CLASS_UNSPEC);
}

TEST(PolicyConfigIproute21, AddRule)
{
    auto r = Only<RuleAddCommand>("iproute addrule from 10.1.0.0/16 to 10.9.0.0/16 tos 10 dev "
                                  "eth0 pref 20 class 100");
    EXPECT_EQ(r.rule.src, A(10, 1, 0, 0));
    EXPECT_EQ(r.rule.dst, A(10, 9, 0, 0));
    EXPECT_EQ(r.rule.tos, 0x10);
    EXPECT_EQ(r.iif.name, "eth0");
    EXPECT_EQ(*r.preference, 20u);
    EXPECT_EQ(r.rule.classId, 100u);
    EXPECT_EQ(r.rule.action, RuleAction::ROUTE);

    // The seed's "application 2": the rule carries its own route.
    auto own = Only<RuleAddCommand>("iproute addrule from 10.2.0.0/16 dev eth0 route gw "
                                    "198.51.100.2 dev eth2 log");
    EXPECT_TRUE(own.rule.hasRoute);
    EXPECT_EQ(own.rule.route.gateway, A(198, 51, 100, 2));
    EXPECT_EQ(own.iif.name, "eth0");
    EXPECT_EQ(own.routeDev.name, "eth2");
    EXPECT_EQ(own.rule.flags, RULE_FLAG_LOG);
    EXPECT_EQ(own.rule.classId, CLASS_UNSPEC);

    auto nat = Only<RuleAddCommand>("iproute addrule from 10.1.0.0/16 nat 192.0.2.0 class 5");
    EXPECT_EQ(nat.rule.action, RuleAction::NAT);
    EXPECT_EQ(nat.rule.natAddress, A(192, 0, 2, 0));
    auto masq = Only<RuleAddCommand>("iproute addrule from 10.1.0.0/16 masquerade class main "
                                     "valve log");
    EXPECT_EQ(masq.rule.action, RuleAction::MASQUERADE);
    EXPECT_EQ(masq.rule.classId, CLASS_MAIN);
    EXPECT_EQ(masq.rule.flags, RULE_FLAG_LOG | RULE_FLAG_VALVE);
    auto masqOwn = Only<RuleAddCommand>("iproute addrule masquerade route dev eth1");
    EXPECT_TRUE(masqOwn.rule.hasRoute);
    EXPECT_EQ(masqOwn.routeDev.name, "eth1");
    EXPECT_EQ(Only<RuleAddCommand>("iproute addrule to 10.0.0.0/8 drop").rule.action,
              RuleAction::DROP);
    EXPECT_EQ(Only<RuleAddCommand>("iproute addrule to 10.0.0.0/8 reject").rule.action,
              RuleAction::REJECT);
    EXPECT_EQ(Only<RuleAddCommand>("iproute addrule to 10.0.0.0/8 prohibit log").rule.action,
              RuleAction::PROHIBIT);
    // OSPF recipe and class 0 (auto-allocated by the engine).
    EXPECT_EQ(Only<RuleAddCommand>("iproute addrule class 253").rule.classId, 253u);
    EXPECT_EQ(Only<RuleAddCommand>("iproute addrule class 0").rule.classId, 0u);

    EXPECT_EQ(Error("iproute addrule from 10.1.0.0/16"),
              "test.cfg:1:33: expected an action: class N, route gw GW dev DEV, nat ADDR, "
              "masquerade, drop, reject or prohibit");
    EXPECT_EQ(Error("iproute addrule from 10.1.0.0/16 pref 256 class 5"),
              "test.cfg:1:39: \"256\" after \"pref\" is out of range (0..255)");
    EXPECT_EQ(Error("iproute addrule drop class 5"),
              "test.cfg:1:22: a drop rule looks no class up (drop the class)");
    EXPECT_EQ(Error("iproute addrule route gw 10.0.0.1 dev eth0 class 5"),
              "test.cfg:1:44: a rule with its own route looks no class up (drop the class)");
    EXPECT_EQ(Error("iproute addrule from 10.0.0.0/8 route"),
              "test.cfg:1:38: route needs gw GW or dev DEV");
    EXPECT_EQ(Error("iproute addrule gw 10.0.0.1 route dev eth0"),
              "test.cfg:1:17: gw belongs to the rule's own route: write route gw GW dev DEV");
    EXPECT_EQ(Error("iproute addrule nat 10.0.0.1"),
              "test.cfg:1:29: a nat rule needs class N (or route gw GW dev DEV)");
    EXPECT_EQ(Error("iproute addrule drop reject"),
              "test.cfg:1:22: a rule has one action: \"reject\" conflicts with \"drop\"");
    EXPECT_EQ(Error("iproute addrule to 10.0.0.0/8 lookup 5"),
              "test.cfg:1:31: unknown keyword \"lookup\" in iproute addrule (the 2.1 syntax "
              "writes class N)");
}

TEST(PolicyConfigIproute21, DelRuleAndListing)
{
    auto d = Only<RuleDeleteCommand>("iproute delrule from 10.1.0.0/16 class 100");
    // 2.1: source, destination, TOS, device and action are compared exactly.
    EXPECT_EQ(*d.selector.src, A(10, 1, 0, 0));
    EXPECT_EQ(d.selector.srcLength, 16);
    EXPECT_EQ(*d.selector.dst, 0u);
    EXPECT_EQ(d.selector.dstLength, 0);
    EXPECT_EQ(*d.selector.tos, 0);
    EXPECT_EQ(*d.selector.iif, ROUTE_NO_INTERFACE);
    EXPECT_EQ(*d.selector.action, RuleAction::ROUTE);
    EXPECT_EQ(*d.selector.classId, 100u);
    EXPECT_FALSE(d.selector.preference.has_value());
    EXPECT_EQ(*Only<RuleDeleteCommand>("iproute delrule to 10.0.0.0/8 prohibit").selector.action,
              RuleAction::PROHIBIT);
    EXPECT_TRUE(Only<RuleShowCommand>("iproute -r").seedStyle);
    EXPECT_EQ(Error("iproute -r x"), "test.cfg:1:12: unexpected \"x\" after the end of iproute -r");
    EXPECT_EQ(Error("iproute frob"),
              "test.cfg:1:9: unknown iproute command \"frob\" (expected add, del, addrule, "
              "delrule or -r)");
}

// ----- net-tools -----

TEST(PolicyConfigNetTools, RouteAdd)
{
    auto n = Only<RouteAddCommand>("route add -net 10.9.0.0 netmask 255.255.0.0 dev shaper0");
    EXPECT_EQ(n.entry.prefix, A(10, 9, 0, 0));
    EXPECT_EQ(n.entry.length, 16);
    EXPECT_EQ(n.dev.name, "shaper0");
    EXPECT_EQ(n.classId, CLASS_UNSPEC);
    auto g = Only<RouteAddCommand>("route add -net 10.9.0.0 netmask 255.255.0.0 gw 10.0.0.2 "
                                   "metric 2 eth1");
    EXPECT_EQ(g.entry.info.gateway, A(10, 0, 0, 2));
    EXPECT_EQ(g.entry.metric, 2u);
    EXPECT_EQ(g.dev.name, "eth1"); // a last bare word is the device
    auto d = Only<RouteAddCommand>("route add default gw 192.0.2.2");
    EXPECT_EQ(d.entry.length, 0);
    EXPECT_EQ(d.entry.info.gateway, A(192, 0, 2, 2));
    auto h = Only<RouteAddCommand>("route add -host 10.9.9.9 gw 10.0.0.2");
    EXPECT_EQ(h.entry.length, 32);
    EXPECT_EQ(Only<RouteAddCommand>("route add -net 10.9.0.0/16 dev eth0").entry.length, 16);
    EXPECT_EQ(
        Only<RouteAddCommand>("route add -net 10.9.0.0 netmask 255.255.0.0 reject").entry.info.type,
        RouteNodeType::REJECT);
    EXPECT_EQ(Only<RouteAddCommand>("route add 10.9.9.9 dev eth0").entry.length, 32);

    const ParsedConfig classful = Parse("route add -net 172.16.0.0 dev eth0");
    ASSERT_TRUE(classful.Ok()) << classful.ErrorText();
    EXPECT_EQ(classful.commands[0].As<RouteAddCommand>()->entry.length, 16);
    ASSERT_EQ(classful.notes.size(), 1u);
    EXPECT_EQ(classful.notes[0].ToString(),
              "test.cfg:1:16: no netmask given: using the classful /16 for 172.16.0.0");

    EXPECT_EQ(Error("route add -net 10.9.1.0 netmask 255.255.0.0 dev eth0"),
              "test.cfg:1:16: netmask does not match the route address: 10.9.1.0/16 has host "
              "bits set (did you mean 10.9.0.0?)");
    EXPECT_EQ(Error("route add -net 10.9.0.0 netmask 255.0.255.0 dev eth0"),
              "test.cfg:1:33: netmask 255.0.255.0 is not contiguous");
    EXPECT_EQ(Error("route add -net 10.9.0.0 netmask 255.255.0.0"),
              "test.cfg:1:44: a route needs gw GW or dev DEV (or reject)");
    EXPECT_EQ(Error("route add -host 10.9.0.0 netmask 255.255.0.0 dev eth0"),
              "test.cfg:1:26: -host takes no netmask (a host is /32)");
    EXPECT_EQ(Error("route add -net 10.9.0 dev eth0"),
              "test.cfg:1:16: expected a target (a.b.c.d, a.b.c.d/len or default) after "
              "\"-net\", found \"10.9.0\"");
    EXPECT_EQ(Error("route add -net 10.9.0.0 netmask 255.255.0.0 via 10.0.0.1 dev eth0"),
              "test.cfg:1:45: unknown keyword \"via\" in route add (expected netmask, gw, metric, "
              "reject or dev)");
    EXPECT_TRUE(Contains(Error("route -A inet6 add ::/0 dev eth0"), "IPv4 only"));
    EXPECT_TRUE(Contains(Error("route flush"), "unknown route command \"flush\""));
}

TEST(PolicyConfigNetTools, RouteDelAndListing)
{
    auto d = Only<RouteDeleteCommand>("route del -net 10.9.0.0 netmask 255.255.0.0 gw 10.0.0.2");
    EXPECT_EQ(d.selector.prefix, A(10, 9, 0, 0));
    EXPECT_EQ(d.selector.length, 16);
    EXPECT_EQ(d.selector.gateway, A(10, 0, 0, 2));
    EXPECT_EQ(d.classId, CLASS_UNSPEC);
    EXPECT_EQ(*Only<RouteShowCommand>("route -n").classId, CLASS_MAIN);
    EXPECT_EQ(*Only<RouteShowCommand>("route").classId, CLASS_MAIN);
}

TEST(PolicyConfigNetTools, Ifconfig)
{
    auto c = Only<InterfaceCommand>("ifconfig eth1 10.1.1.1 netmask 255.255.255.0 broadcast "
                                    "10.1.1.255 up");
    EXPECT_EQ(c.kind, InterfaceCommand::IFCONFIG);
    EXPECT_EQ(c.dev.name, "eth1");
    EXPECT_EQ(c.address, A(10, 1, 1, 1));
    EXPECT_EQ(c.length, 24);
    EXPECT_EQ(*c.broadcast, A(10, 1, 1, 255));
    EXPECT_TRUE(*c.up);
    EXPECT_TRUE(*Only<InterfaceCommand>("ifconfig shaper0 10.1.1.1/24").up); // address: up
    EXPECT_FALSE(*Only<InterfaceCommand>("ifconfig eth1 10.1.1.1/24 down").up);
    auto down = Only<InterfaceCommand>("ifconfig eth1 down");
    EXPECT_FALSE(down.hasAddress);
    EXPECT_FALSE(*down.up);
    const ParsedConfig classful = Parse("ifconfig eth0 192.168.7.1 up");
    ASSERT_TRUE(classful.Ok());
    EXPECT_EQ(classful.commands[0].As<InterfaceCommand>()->length, 24);
    ASSERT_EQ(classful.notes.size(), 1u);
    EXPECT_EQ(classful.notes[0].ToString(),
              "test.cfg:1:15: no netmask given: using the classful /24 for 192.168.7.1");

    EXPECT_EQ(Error("ifconfig eth1"),
              "test.cfg:1:14: expected an address, up or down after the device, found end of "
              "line");
    EXPECT_EQ(Error("ifconfig eth1 10.1.1 up"),
              "test.cfg:1:15: expected an address (a.b.c.d) after the device, found \"10.1.1\"");
    EXPECT_EQ(Error("ifconfig eth1 10.1.1.1 netmask 255.255.0.255"),
              "test.cfg:1:32: netmask 255.255.0.255 is not contiguous");
    EXPECT_EQ(Error("ifconfig eth1 netmask 255.255.0.0 up"),
              "test.cfg:1:15: netmask without an address (write ifconfig DEV ADDR netmask M)");
    EXPECT_EQ(Error("ifconfig eth1 10.1.1.1 sideways"),
              "test.cfg:1:24: unknown keyword \"sideways\" in ifconfig (expected an address, "
              "netmask, broadcast, up or down)");
    EXPECT_TRUE(
        Contains(Error("ifconfig eth1 hw ether 02:00:00:00:00:01"), "\"hw\" is not supported"));
    EXPECT_TRUE(Contains(Error("ifconfig -a"), "not supported"));
    EXPECT_TRUE(Contains(Notes("ifconfig eth1 10.1.1.1/24 mtu 576 up"), "mtu 576 ignored"));
}

// ----- shapecfg -----

TEST(PolicyConfigShapecfg, AttachAndSpeed)
{
    auto a = Only<ShaperAttachCommand>("shapecfg attach shaper0 eth1");
    EXPECT_EQ(a.shaper.name, "shaper0");
    EXPECT_EQ(a.shaper.where.column, 17u);
    EXPECT_EQ(a.master.name, "eth1");
    EXPECT_EQ(a.master.where.column, 25u);
    auto s = Only<ShaperSpeedCommand>("shapecfg speed shaper0 64000");
    EXPECT_EQ(s.shaper.name, "shaper0");
    EXPECT_EQ(s.bitsPerSecond, 64000u);
    EXPECT_EQ(Only<ShaperSpeedCommand>("shapecfg speed shaper0 0x10000").bitsPerSecond, 65536u);
    EXPECT_EQ(Error("shapecfg speed shaper0 0"), "test.cfg:1:24: the speed must be above 0 bit/s");
    EXPECT_EQ(Error("shapecfg speed shaper0 64kbit"),
              "test.cfg:1:24: expected a speed in bit/s after \"shaper0\", found \"64kbit\"");
    EXPECT_EQ(Error("shapecfg speed shaper0"),
              "test.cfg:1:23: expected a speed in bit/s after \"shaper0\", found end of line");
    EXPECT_EQ(Error("shapecfg attach shaper0"),
              "test.cfg:1:24: expected the device to shape (e.g. eth1) after \"shaper0\", found "
              "end of line");
    EXPECT_EQ(Error("shapecfg attach shaper0 eth1 eth2"),
              "test.cfg:1:30: unexpected \"eth2\" after the end of shapecfg attach SHAPER DEVICE");
    EXPECT_EQ(Error("shapecfg attach eth1 eth1"), "test.cfg:1:22: a shaper cannot shape itself");
    EXPECT_EQ(Error("shapecfg detach shaper0"),
              "test.cfg:1:10: unknown shapecfg command \"detach\" (expected attach or speed)");
    const ParsedConfig insmod = Parse("insmod shaper\nmodprobe shaper\n");
    EXPECT_TRUE(insmod.Ok());
    EXPECT_TRUE(insmod.commands.empty());
    ASSERT_EQ(insmod.notes.size(), 1u);
    EXPECT_EQ(insmod.notes[0].ToString(),
              "test.cfg:1:1: insmod shaper: nothing to do (shapecfg attach creates shaper "
              "devices) (and 1 more time)");
}

// ----- sysctl, echo -----

TEST(PolicyConfigSysctl, ForwardingAndFibModel)
{
    auto f = Only<SysctlCommand>("sysctl -w net.ipv4.ip_forward=1");
    EXPECT_EQ(f.key, SysctlCommand::FORWARDING);
    EXPECT_FALSE(f.dev.IsSet());
    EXPECT_FALSE(f.defaultOnly);
    EXPECT_EQ(f.value, 1u);
    auto e = Only<SysctlCommand>("echo 0 > /proc/sys/net/ipv4/conf/eth1/forwarding");
    EXPECT_EQ(e.key, SysctlCommand::FORWARDING);
    EXPECT_EQ(e.dev.name, "eth1");
    EXPECT_EQ(e.value, 0u);
    EXPECT_EQ(e.name, "net.ipv4.conf.eth1.forwarding");
    EXPECT_TRUE(Only<SysctlCommand>("sysctl net.ipv4.conf.default.forwarding=1").defaultOnly);
    EXPECT_FALSE(Only<SysctlCommand>("sysctl net/ipv4/conf/all/forwarding=1").defaultOnly);
    auto m = Only<SysctlCommand>("echo 2 >/proc/sys/net/ipv4/ip_fib_model");
    EXPECT_EQ(m.key, SysctlCommand::FIB_MODEL);
    EXPECT_EQ(m.value, 2u);
    EXPECT_EQ(Only<SysctlCommand>("sysctl -w net.ipv4.ip_fib_model=1").value, 1u);
    const ParsedConfig two = Parse("sysctl -w net.ipv4.ip_forward=1 net.ipv4.ip_fib_model=2");
    ASSERT_TRUE(two.Ok()) << two.ErrorText();
    EXPECT_EQ(two.commands.size(), 2u);

    EXPECT_EQ(Error("echo 3 > /proc/sys/net/ipv4/ip_fib_model"),
              "test.cfg:1:6: ip_fib_model is 0 (all routes in main), 1 (default routes in "
              "default) or 2 (gateway routes in default), not \"3\"");
    EXPECT_EQ(Error("sysctl -w net.ipv4.ip_forward=2"),
              "test.cfg:1:11: net.ipv4.ip_forward is 0 or 1, not \"2\"");
    EXPECT_TRUE(Contains(Error("sysctl -w net.ipv4.tcp_sack=0"),
                         "sysctl net.ipv4.tcp_sack is not supported by the model"));
    EXPECT_TRUE(Contains(Error("sysctl -w net.ipv6.conf.all.forwarding=1"), "IPv4 only"));
    EXPECT_TRUE(Contains(Error("sysctl net.ipv4.ip_forward"), "expected KEY=VALUE"));
    EXPECT_TRUE(Contains(Error("sysctl -p"), "\"-p\" is not supported"));
    EXPECT_TRUE(Contains(Notes("sysctl -w net.ipv4.conf.all.rp_filter=0"),
                         "test.cfg:1:11: sysctl net.ipv4.conf.all.rp_filter ignored"));
    EXPECT_TRUE(
        Contains(Notes("echo 0 > /proc/sys/net/ipv4/conf/eth0/rp_filter"), "rp_filter ignored"));
    EXPECT_TRUE(Contains(Error("echo 1 > /tmp/x"), "writing to \"/tmp/x\" is not supported"));
}

TEST(PolicyConfigSysctl, RtTablesAndEcho)
{
    const ParsedConfig c = Parse("echo 100 isp1 >> /etc/iproute2/rt_tables\n"
                                 "ip route add default via 192.0.2.2 table isp1\n");
    ASSERT_TRUE(c.Ok()) << c.ErrorText();
    ASSERT_EQ(c.commands.size(), 1u);
    EXPECT_EQ(c.commands[0].As<RouteAddCommand>()->classId, 100u);
    // A name is valid from its definition on, not before.
    EXPECT_TRUE(Contains(Error("ip rule add lookup isp1\necho 100 isp1 >> /etc/iproute2/rt_tables"),
                         "test.cfg:1:20: unknown table name \"isp1\""));
    EXPECT_EQ(Error("echo 100 main >> /etc/iproute2/rt_tables"),
              "test.cfg:1:6: table name \"main\" already names table 254");
    EXPECT_TRUE(Contains(Error("echo isp1 100 >> /etc/iproute2/rt_tables"),
                         "table id \"isp1\" is not a number"));
    EXPECT_TRUE(Contains(Error("echo 100 >> /etc/iproute2/rt_tables"), "expected \"ID NAME\""));
    auto e = Only<EchoCommand>("echo \"=== rules ===\"");
    EXPECT_EQ(e.text, "=== rules ===");
    EXPECT_EQ(Only<EchoCommand>("echo one   two").text, "one two");
    EXPECT_EQ(Only<EchoCommand>("echo").text, "");
}

// ----- the whole text -----

TEST(PolicyConfigText, AllOrNothingAndEveryErrorReported)
{
    const std::string text = "ip rule add from 10.0.0.0/8 lookup 5\n"   // fine
                             "ip rule add to 10.1.2 lookup 5\n"         // error
                             "ip route add 10.0.0.0/8 via 10.0.0.1\n"   // fine
                             "iproute add 10.0.0.0/8 class 300 dev x\n" // error
                             "frobnicate\n";                            // error
    const ParsedConfig c = Parse(text);
    EXPECT_FALSE(c.Ok());
    EXPECT_TRUE(c.commands.empty()); // all or nothing: no command at all
    ASSERT_EQ(c.errors.size(), 3u);
    EXPECT_EQ(c.errors[0].line, 2u);
    EXPECT_EQ(c.errors[0].column, 16u);
    EXPECT_EQ(c.errors[1].ToString(),
              "test.cfg:4:30: \"300\" after \"class\" is out of range (0..255)");
    EXPECT_EQ(c.errors[2].ToString(),
              "test.cfg:5:1: unknown command \"frobnicate\" (expected ip, iproute, route, "
              "ifconfig, shapecfg, sysctl or echo)");
    EXPECT_EQ(c.ErrorText(),
              c.errors[0].ToString() + "\n" + c.errors[1].ToString() + "\n" +
                  c.errors[2].ToString() + "\n");

    PolicyConfigParser first;
    first.SetMaxErrors(1);
    const ParsedConfig f = first.Parse(text, "lab.cfg");
    ASSERT_EQ(f.errors.size(), 1u);
    EXPECT_EQ(f.errors[0].ToString(),
              "lab.cfg:2:16: expected a prefix (a.b.c.d/len or default) after \"to\", found "
              "\"10.1.2\"");
}

TEST(PolicyConfigText, CommandsKeepPositionTextAndDialect)
{
    const ParsedConfig c = Parse("  iproute addrule class 253\n"
                                 "\tip rule show\n"
                                 "route add default gw 10.0.0.1\n"
                                 "shapecfg speed shaper0 9600\n"
                                 "sysctl -w net.ipv4.ip_forward=1\n");
    ASSERT_TRUE(c.Ok()) << c.ErrorText();
    ASSERT_EQ(c.commands.size(), 5u);
    EXPECT_EQ(c.commands[0].where.ToString(), "test.cfg:1:3");
    EXPECT_EQ(c.commands[0].text, "iproute addrule class 253");
    EXPECT_EQ(c.commands[0].dialect, ConfigDialect::IPROUTE_2_1);
    EXPECT_EQ(c.commands[1].where.ToString(), "test.cfg:2:2");
    EXPECT_EQ(c.commands[1].dialect, ConfigDialect::IPROUTE2);
    EXPECT_EQ(c.commands[2].dialect, ConfigDialect::NET_TOOLS);
    EXPECT_EQ(c.commands[3].dialect, ConfigDialect::SHAPECFG);
    EXPECT_EQ(c.commands[4].dialect, ConfigDialect::SYSCTL);
    EXPECT_STREQ(ConfigDialectName(ConfigDialect::IPROUTE_2_1), "iproute");
    EXPECT_EQ(c.commands[4].where.column, 11u); // the KEY=VALUE word
}

TEST(PolicyConfigText, UnknownCommandsAndTools)
{
    EXPECT_TRUE(Contains(Error("tc qdisc add dev eth0 root tbf rate 1mbit"),
                         "test.cfg:1:1: \"tc\" is not supported by the model"));
    EXPECT_TRUE(Contains(Error("iptables -t nat -A POSTROUTING -j MASQUERADE"),
                         "\"iptables\" is not supported"));
    EXPECT_EQ(Error("sudo"), "test.cfg:1:5: expected a command after \"sudo\", found end of line");
}

TEST(PolicyConfigText, ParseFileAndUnreadableFile)
{
    const std::string path = ::testing::TempDir() + "policy-config-test.cfg";
    {
        std::ofstream out(path);
        out << "# lab\nip rule add from 10.0.0.0/8 lookup 5\nip rule add to 1.2.3 lookup 5\n";
    }
    const ParsedConfig c = PolicyConfigParser().ParseFile(path);
    ASSERT_EQ(c.errors.size(), 1u);
    EXPECT_EQ(c.errors[0].ToString(),
              path + ":3:16: expected a prefix (a.b.c.d/len or default) after \"to\", found "
                     "\"1.2.3\"");
    std::remove(path.c_str());
    const ParsedConfig missing = PolicyConfigParser().ParseFile(path);
    ASSERT_EQ(missing.errors.size(), 1u);
    EXPECT_EQ(missing.errors[0].ToString(), path + ": cannot read the file");
    EXPECT_TRUE(missing.commands.empty());
}

/// A two-uplink Linux router's configuration as an administrator writes it: the rt_tables
/// entries, interface addresses, `ip route` lines copied from `ip route show table ...`
/// (with their "proto kernel scope link src" decorations) and `ip rule` lines made from
/// `ip rule show`.
TEST(PolicyConfigText, RealWorldPasteFromALinuxRouter)
{
    const std::string text = R"(#!/bin/sh
# /etc/network/if-up.d/policy-routing on gw1 (two uplinks)
echo "100 isp1" >> /etc/iproute2/rt_tables
echo "200 isp2" >> /etc/iproute2/rt_tables
sysctl -w net.ipv4.ip_forward=1
sysctl -w net.ipv4.conf.all.rp_filter=0

ip link set dev eth0 up
ip addr add 10.1.0.1/24 brd + dev eth0
ip addr add 192.0.2.1/30 dev eth1
ip addr add 198.51.100.1/30 dev eth2
ip link set eth1 up; ip link set eth2 up

# ip route show table isp1, pasted
ip route add 10.1.0.0/24 dev eth0 proto kernel scope link src 10.1.0.1 table isp1
ip route add 192.0.2.0/30 dev eth1 proto kernel scope link src 192.0.2.1 table isp1
ip route add default via 192.0.2.2 dev eth1 table isp1
# ip route show table isp2, pasted
ip route add 10.1.0.0/24 dev eth0 proto kernel scope link src 10.1.0.1 table isp2
ip route add 198.51.100.0/30 dev eth2 proto kernel scope link src 198.51.100.1 table isp2
ip route add default via 198.51.100.2 dev eth2 table isp2
ip route add default via 192.0.2.2 dev eth1 proto static metric 100

# ip rule show, turned into adds
ip rule add from 192.0.2.1 lookup isp1 pref 100
ip rule add from 198.51.100.1 lookup isp2 pref 101
ip rule add from 10.1.0.128/25 lookup isp2 pref 1000
ip rule add iif eth0 tos lowdelay lookup isp2 priority 1001
ip rule add to 203.0.113.0/24 prohibit pref 2000
ip route flush cache
)";
    const ParsedConfig c = Parse(text);
    ASSERT_TRUE(c.Ok()) << c.ErrorText();
    ASSERT_EQ(c.commands.size(), 19u);
    // Spot checks.
    const auto* isp1Default = c.commands[9].As<RouteAddCommand>();
    ASSERT_NE(isp1Default, nullptr);
    EXPECT_EQ(isp1Default->classId, 100u);
    EXPECT_EQ(isp1Default->entry.info.gateway, A(192, 0, 2, 2));
    const auto* kernelRoute = c.commands[7].As<RouteAddCommand>();
    ASSERT_NE(kernelRoute, nullptr);
    EXPECT_TRUE(kernelRoute->kernelProto);
    EXPECT_EQ(kernelRoute->entry.info.prefSrc, A(10, 1, 0, 1));
    const auto* lowDelay = c.commands[17].As<RuleAddCommand>();
    ASSERT_NE(lowDelay, nullptr);
    EXPECT_EQ(lowDelay->rule.tos, 0x10);
    EXPECT_EQ(lowDelay->iif.name, "eth0");
    EXPECT_EQ(*lowDelay->preference, 1001u);
    EXPECT_EQ(lowDelay->rule.classId, 200u);
    const auto* prohibit = c.commands[18].As<RuleAddCommand>();
    ASSERT_NE(prohibit, nullptr);
    EXPECT_EQ(prohibit->rule.action, RuleAction::PROHIBIT);
    // Notes for what the model ignores: rp_filter, brd +, proto/scope of the pasted routes,
    // the route cache flush; a note repeated on several lines is given once, with a count.
    ASSERT_EQ(c.notes.size(), 6u);
    EXPECT_EQ(c.notes[2].ToString(),
              "test.cfg:15:35: proto kernel ignored (the model does not record route origins) "
              "(and 3 more times)");
    EXPECT_EQ(c.notes[3].ToString(),
              "test.cfg:15:48: scope link ignored (the model has no route scopes) (and 3 more "
              "times)");
    EXPECT_EQ(c.notes.back().line, 30u);
}

TEST(PolicyConfigText, RepeatedNotesAreCounted)
{
    std::string text;
    for (int i = 0; i < 1000; ++i)
    {
        text += "ip route add 10." + std::to_string(i / 256) + "." + std::to_string(i % 256) +
                ".0/24 via 192.0.2.1 proto bgp\n";
    }
    const ParsedConfig c = Parse(text);
    ASSERT_TRUE(c.Ok()) << c.ErrorText();
    EXPECT_EQ(c.commands.size(), 1000u);
    ASSERT_EQ(c.notes.size(), 1u);
    EXPECT_EQ(c.notes[0].ToString(),
              "test.cfg:1:40: proto bgp ignored (the model does not record route origins) (and "
              "999 more times)");
}

TEST(PolicyConfigText, TheSeedsOwnRecipes)
{
    // policy-routing.txt "3. OSPF classes" and shaper.txt's setup, verbatim in spirit.
    const std::string text = R"(iproute addrule class 253
iproute addrule class 252
iproute addrule class 251
iproute addrule to 10.1.0.0/16 class 250
iproute addrule to 10.2.0.0/16 class 250
iproute addrule to 10.3.0.0/16 class 249
iproute add default reject class 250
iproute add default reject class 249
iproute -r
shapecfg attach shaper0 eth1
shapecfg speed shaper0 64000
ifconfig shaper0 10.1.1.1 netmask 255.255.255.0 up
route add -net 10.9.0.0 netmask 255.255.0.0 dev shaper0
)";
    const ParsedConfig c = Parse(text);
    ASSERT_TRUE(c.Ok()) << c.ErrorText();
    ASSERT_EQ(c.commands.size(), 13u);
    EXPECT_NE(c.commands[8].As<RuleShowCommand>(), nullptr);
    EXPECT_NE(c.commands[9].As<ShaperAttachCommand>(), nullptr);
    EXPECT_NE(c.commands[12].As<RouteAddCommand>(), nullptr);
}
