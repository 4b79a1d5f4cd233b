/*
 * SPDX-License-Identifier: GPL-2.0-only
 *
 * The routing policy database: rules over classes (Linux 2.1 policy-routing.txt; the RPDB of
 * Linux 2.2+), and the decision procedure that scans it. No simulator state.
 */

#ifndef POLICY_DATABASE_H
#define POLICY_DATABASE_H

#include "route-class.h"
#include "rule-index.h"

#include <cstdint>
#include <map>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

namespace ns3
{

/// Builtin class ids (Linux 2.1 RT_CLASS_*, 2.2+ RT_TABLE_*).
constexpr uint32_t CLASS_UNSPEC = 0;    //!< "not specified class"
constexpr uint32_t CLASS_DEFAULT = 253; //!< default routes (FibModel 1) / gateway routes (2)
constexpr uint32_t CLASS_MAIN = 254;    //!< all normal routes by default
constexpr uint32_t CLASS_LOCAL = 255;   //!< local addresses, broadcasts, NAT addresses

/**
 * \ingroup policy-routing
 * What a rule does when it matches (Linux 2.1 RTP_*; iproute2 rule types).
 */
enum class RuleAction : uint8_t
{
    ROUTE,      //!< RTP_ROUTE: look up the rule's class (iproute2 "lookup TABLE")
    NAT,        //!< RTP_NAT: look up; on a match translate the source address
    MASQUERADE, //!< RTP_MASQUERADE: look up; on a match masquerade as sourced by the router
    DROP,       //!< RTP_DROP: drop silently (iproute2 "blackhole")
    REJECT,     //!< RTP_REJECT: drop, ICMP network unreachable (iproute2 "unreachable")
    PROHIBIT,   //!< RTP_PROHIBIT: drop, ICMP communication administratively prohibited
};

/// \return the name of \p a as the seed spells it ("route", "nat", "masquerade", ...)
const char* RuleActionName(RuleAction a);

/// Rule flags (Linux 2.1 RTRF_*).
enum RuleFlag : uint8_t
{
    RULE_FLAG_LOG = 1,   //!< RTRF_LOG: report every route created through the rule
    RULE_FLAG_VALVE = 2, //!< RTRF_VALVE: one-way route (used with masquerading)
};

/**
 * \ingroup policy-routing
 * How rules are numbered and ordered (semantics.md §2.5, §3, §4.1).
 */
enum class RuleStyle : uint8_t
{
    /// Linux 2.1: preferences 0..255; defaults 0/254/255; a rule is inserted before rules of
    /// equal preference; preference 0 on add means "unspecified"; REJECT nodes answer
    /// "network unreachable".
    LINUX_2_1,
    /// Linux 2.2 to today: 32-bit preferences; defaults 0/32766/32767; a rule is inserted
    /// after rules of equal preference; REJECT ("unreachable") nodes answer "host
    /// unreachable", as the modern kernel does.
    MODERN,
};

/// \return "linux-2.1" or "modern"
const char* RuleStyleName(RuleStyle s);

/**
 * \ingroup policy-routing
 * A policy rule: selectors, preference, action, flags.
 */
struct PolicyRule
{
    uint32_t preference{0}; //!< position key; lower first (set by AddRule)

    // Selectors.
    uint32_t src{0};                  //!< source prefix (host order)
    uint8_t srcLength{0};             //!< source prefix length, 0 = any
    uint32_t dst{0};                  //!< destination prefix
    uint8_t dstLength{0};             //!< destination prefix length, 0 = any
    uint8_t tos{0};                   //!< exact TOS (ROUTE_TOS_MASK bits), 0 = any
    uint32_t iif{ROUTE_NO_INTERFACE}; //!< input interface, ROUTE_NO_INTERFACE = any; the
                                      //!< loopback interface matches locally originated
                                      //!< packets
    uint32_t oif{ROUTE_NO_INTERFACE}; //!< output interface a local socket is bound to (any)

    // Action.
    RuleAction action{RuleAction::ROUTE}; //!< what to do
    uint32_t classId{CLASS_UNSPEC};       //!< class to look up (ROUTE/NAT/MASQUERADE)
    uint32_t natAddress{0};               //!< NAT: new source (host bits kept from the packet)
    bool hasRoute{false};                 //!< the rule carries its own route ("application 2")
    RouteInfo route;                      //!< that route (gateway, interface), when hasRoute
    uint8_t flags{0};                     //!< RuleFlag bits
    /// One of the default rules the database installed (the kernel's "proto kernel" rules):
    /// a user rule equal to it is not a duplicate. Not compared by operator==.
    bool builtin{false};

    /// \return true if the rule looks a class up (ROUTE, NAT, MASQUERADE without own route)
    bool LooksUpClass() const
    {
        return !hasRoute && (action == RuleAction::ROUTE || action == RuleAction::NAT ||
                             action == RuleAction::MASQUERADE);
    }

    bool operator==(const PolicyRule& o) const;
};

/**
 * \ingroup policy-routing
 * Which rules DeleteRule removes: every set field must be equal (as `ip rule del`).
 */
struct RuleSelector
{
    std::optional<uint32_t> preference; //!< preference
    std::optional<uint32_t> src;        //!< source prefix (with srcLength)
    uint8_t srcLength{0};               //!< source length when src is set
    std::optional<uint32_t> dst;        //!< destination prefix (with dstLength)
    uint8_t dstLength{0};               //!< destination length when dst is set
    std::optional<uint8_t> tos;         //!< TOS
    std::optional<uint32_t> iif;        //!< input interface
    std::optional<uint32_t> oif;        //!< output interface
    std::optional<RuleAction> action;   //!< action
    std::optional<uint32_t> classId;    //!< class

    /// \return true if \p r matches every set field
    bool Matches(const PolicyRule& r) const;
};

/**
 * \ingroup policy-routing
 * The key of a lookup: what the kernel's flowi carries.
 */
struct FlowKey
{
    uint32_t src{0};                  //!< source address (0 = unspecified)
    uint32_t dst{0};                  //!< destination address
    uint8_t tos{0};                   //!< TOS octet (masked to ROUTE_TOS_MASK)
    uint32_t iif{ROUTE_NO_INTERFACE}; //!< input interface (loopback: locally originated)
    uint32_t oif{ROUTE_NO_INTERFACE}; //!< output interface the sender is bound to
};

/**
 * \ingroup policy-routing
 * Why a packet cannot be routed.
 */
enum class RouteError : uint8_t
{
    NONE = 0,            //!< no error
    NET_UNREACHABLE,     //!< ICMP 3/0: no route, REJECT rule, REJECT node (2.1)
    HOST_UNREACHABLE,    //!< ICMP 3/1: REJECT ("unreachable") node, modern style
    NET_UNREACHABLE_TOS, //!< ICMP 3/11: RFC 1812 lookups found routes, none for this TOS
    PROHIBITED,          //!< ICMP 3/13: PROHIBIT rule or node, VALVE
    BLACKHOLE,           //!< silent drop: DROP rule, BLACKHOLE node
    INVALID,             //!< silent drop: unusable result (e.g. NAT node in output, bad NAT
                         //!< translation)
};

/// \return a short name of \p e ("network-unreachable", "prohibited", ...)
const char* RouteErrorName(RouteError e);

/// Print RouteErrorName(\p e).
std::ostream& operator<<(std::ostream& os, RouteError e);

/// Print ClassResultName(\p r).
std::ostream& operator<<(std::ostream& os, ClassResult r);

/// Print RuleActionName(\p a).
std::ostream& operator<<(std::ostream& os, RuleAction a);

/// \return the ICMP destination-unreachable code for \p e, or -1 for a silent drop
int RouteErrorIcmpCode(RouteError e);

/**
 * \ingroup policy-routing
 * One step of a lookup, for explanations.
 */
struct LookupStep
{
    /// What happened at this rule.
    enum Outcome : uint8_t
    {
        RULE_NO_MATCH,   //!< selectors did not match
        CLASS_MISSING,   //!< the rule's class does not exist: next rule
        CLASS_NO_MATCH,  //!< no node for the destination: next rule
        CLASS_NO_TOS,    //!< nodes for the destination, none for this TOS: next rule
        NODE_THROW,      //!< a THROW node: next rule
        NODE_SELECTED,   //!< a node was selected: done (it may be an error node)
        RULE_OWN_ROUTE,  //!< the rule's own route was selected: done
        RULE_TERMINATES, //!< DROP/REJECT/PROHIBIT rule: done
    };

    std::size_t ruleIndex{0};       //!< index into Rules()
    uint32_t preference{0};         //!< the rule's preference
    Outcome outcome{RULE_NO_MATCH}; //!< outcome
    uint32_t classId{0};            //!< class consulted (if any)
    RouteEntry node;                //!< node selected or thrown (if any)
};

/// \return a short description of \p o
const char* LookupOutcomeName(LookupStep::Outcome o);

/**
 * \ingroup policy-routing
 * The outcome of a policy lookup.
 */
struct PolicyDecision
{
    /// What to do with the packet.
    enum Kind : uint8_t
    {
        FORWARD,   //!< send it out of an interface (UNICAST node or a rule's own route)
        LOCAL,     //!< deliver locally (LOCAL node)
        BROADCAST, //!< deliver locally as a broadcast (BROADCAST node)
        ERROR,     //!< drop it, maybe with an ICMP error (see error)
    };

    Kind kind{ERROR};                              //!< what to do
    RouteError error{RouteError::NET_UNREACHABLE}; //!< why not (ERROR)
    bool fromRule{false};   //!< the error or route comes from a rule action / own route
    int ruleIndex{-1};      //!< index of the deciding rule, -1 if none
    uint32_t preference{0}; //!< its preference
    uint32_t classId{0};    //!< class the node came from (0 for a rule's own route)
    RouteEntry node;        //!< the node (or the rule's own route as a default route)
    uint8_t ruleFlags{0};   //!< RuleFlag bits of the deciding rule

    // Address translation the decision asks for.
    bool translateSource{false};      //!< NAT rule: rewrite the source to newSource
    uint32_t newSource{0};            //!< translated source
    bool masquerade{false};           //!< MASQUERADE rule: masquerade as the output interface
    bool translateDestination{false}; //!< NAT node: destination rewritten to newDestination
    uint32_t newDestination{0};       //!< translated destination

    /// VALVE: the reverse route (to the source) was found through a VALVE rule; a forwarded
    /// packet that was not de-masqueraded must be dropped (ICMP 3/13).
    bool valve{false};

    /// \return true if the packet gets a route
    bool IsRoute() const
    {
        return kind != ERROR;
    }
};

/**
 * \ingroup policy-routing
 * \brief The routing policy database: an ordered rule list over routing classes, and the
 * Linux 2.1 lookup over it (semantics.md §2.3): "We scan rules list, and if a rule is matched,
 * apply it. If a route is found, return it. If it is not found or a THROW node was matched,
 * continue to scan rules."
 */
class PolicyDatabase
{
  public:
    /// Create with the builtin classes and the default rules of \p style.
    explicit PolicyDatabase(RuleStyle style = RuleStyle::LINUX_2_1);

    /// Remove every rule and class, then install the builtin classes and default rules of
    /// \p style.
    void Reset(RuleStyle style);

    /// \return the rule style
    RuleStyle GetStyle() const
    {
        return m_style;
    }

    /// Change the style; only possible while the rules are exactly the default rules (they are
    /// renumbered). \return false otherwise
    bool ChangeStyle(RuleStyle style);

    /// \return the default preferences (local, main, default) of the style
    static std::vector<uint32_t> DefaultPreferences(RuleStyle style);

    // ----- classes -----

    /// \return the class \p id, created empty if it does not exist (id must not be 0)
    RouteClass& GetClass(uint32_t id);

    /// \return the class \p id or nullptr
    const RouteClass* FindClass(uint32_t id) const;
    /// \return the class \p id or nullptr
    RouteClass* FindClass(uint32_t id);

    /// Delete class \p id (builtin classes are only emptied). \return true if it existed
    bool DeleteClass(uint32_t id);

    /// \return the ids of all classes, ascending
    std::vector<uint32_t> GetClassIds() const;

    /// \return the lowest free class id (>= 1), as 2.1 auto-allocation and fib_empty_table do
    uint32_t AllocateClassId() const;

    // ----- rules -----

    /// Result of AddRule.
    struct AddResult
    {
        ClassResult result{ClassResult::OK}; //!< OK or INVALID
        uint32_t preference{0};              //!< preference given to the rule
        uint32_t classId{0};                 //!< class (allocated if it was 0)
        std::string reason;                  //!< why INVALID
    };

    /**
     * Insert a rule.
     * \param rule the rule (its preference field is ignored)
     * \param preference explicit preference; empty = unspecified (2.1: also 0), which gives
     *        the second rule's preference minus one, as the kernel does
     * \return the result, with the preference and class given
     */
    AddResult AddRule(PolicyRule rule, std::optional<uint32_t> preference = std::nullopt);

    /// Delete the first rule matching \p selector. \return true if one was deleted
    bool DeleteRule(const RuleSelector& selector);

    /// \return the rules in scan order
    const std::vector<PolicyRule>& GetRules() const
    {
        return m_rules;
    }

    /// Remove all rules (no defaults left).
    void ClearRules();

    // ----- lookup -----

    /**
     * Scan the rules for \p key.
     * \param key what is looked up
     * \param algorithm the class lookup algorithm
     * \param steps if not null, receives one step per rule considered (explanations)
     * \return the decision. For an input lookup (key.iif set and not \p localIif) NAT nodes
     *         are followed and VALVE is evaluated.
     */
    PolicyDecision Lookup(const FlowKey& key,
                          LookupAlgorithm algorithm = LookupAlgorithm::LINUX,
                          std::vector<LookupStep>* steps = nullptr) const;

    /// Interface index that marks locally originated lookups (loopback), for VALVE and NAT
    /// handling; ROUTE_NO_INTERFACE if unknown.
    void SetLoopbackInterface(uint32_t iif)
    {
        m_loopback = iif;
    }

    /// \return the loopback interface index
    uint32_t GetLoopbackInterface() const
    {
        return m_loopback;
    }

    // ----- listings -----

    /// Print the rules as the seed's `iproute -r` does (Pref Source Destination TOS Iface Cl).
    void PrintRulesSeed(std::ostream& os,
                        const std::function<std::string(uint32_t)>& ifName = nullptr) const;
    /// Print the rules as modern `ip rule show` does.
    void PrintRulesModern(std::ostream& os,
                          const std::function<std::string(uint32_t)>& ifName = nullptr) const;
    /// Print class \p id as `ip route show table ID` does.
    void PrintClass(std::ostream& os,
                    uint32_t id,
                    const std::function<std::string(uint32_t)>& ifName = nullptr) const;

    /// \return true if \p r's selectors match \p key
    static bool RuleMatches(const PolicyRule& r, const FlowKey& key);

  private:
    /// The scan without NAT-node and VALVE post-processing.
    PolicyDecision Scan(const FlowKey& key,
                        LookupAlgorithm algorithm,
                        std::vector<LookupStep>* steps) const;

    RuleStyle m_style;
    std::vector<PolicyRule> m_rules;
    std::map<uint32_t, RouteClass> m_classes;
    uint32_t m_loopback{ROUTE_NO_INTERFACE};
    std::size_t m_valveRules{0};   //!< rules with RULE_FLAG_VALVE (skip the reverse lookup
                                   //!< when there are none)
    mutable RuleIndex m_ruleIndex; //!< candidate rules per key
    mutable std::vector<const RouteClass*> m_ruleClass; //!< per rule: its class, if it exists
    mutable bool m_ruleIndexStale{true}; //!< m_ruleIndex and m_ruleClass must be rebuilt
};

/// \return the name iproute2 gives class \p id: "local", "main", "default", else the number
std::string ClassIdName(uint32_t id);

} // namespace ns3

#endif /* POLICY_DATABASE_H */
