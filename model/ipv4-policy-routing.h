/*
 * SPDX-License-Identifier: GPL-2.0-only
 *
 * Ipv4PolicyRouting: Linux policy routing (rules over routing classes) as an ns-3
 * Ipv4RoutingProtocol. The decision logic is PolicyDatabase (pure); this class feeds it from
 * the node's interfaces, asks it for every packet, and carries out its decisions: forward,
 * deliver, translate, drop with an ICMP error.
 */

#ifndef IPV4_POLICY_ROUTING_H
#define IPV4_POLICY_ROUTING_H

#include "masquerade-table.h"
#include "policy-database.h"

#include "ns3/ipv4-routing-protocol.h"
#include "ns3/ipv4.h"
#include "ns3/nstime.h"
#include "ns3/traced-callback.h"

#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <tuple>
#include <type_traits>
#include <vector>

namespace ns3
{

/**
 * \ingroup policy-routing
 * How RouteInput takes its callbacks: by value up to ns-3.38, by const reference from 3.39.
 * Detected from the base class so one source compiles against both.
 */
namespace policyrouting
{
using Base = Ipv4RoutingProtocol;
/// The signature of RouteInput with const-reference callbacks (ns-3.39+).
using RouteInputConstRef = bool (Base::*)(Ptr<const Packet>,
                                          const Ipv4Header&,
                                          Ptr<const NetDevice>,
                                          const Base::UnicastForwardCallback&,
                                          const Base::MulticastForwardCallback&,
                                          const Base::LocalDeliverCallback&,
                                          const Base::ErrorCallback&);
/// true when the installed ns-3 passes RouteInput callbacks by const reference
constexpr bool CONST_REF_CALLBACKS =
    std::is_same_v<decltype(&Base::RouteInput), RouteInputConstRef>;
/// The parameter type of a RouteInput callback for this ns-3 version.
template <class T>
using CallbackParam = std::conditional_t<CONST_REF_CALLBACKS, const T&, T>;
} // namespace policyrouting

/**
 * \ingroup policy-routing
 * \brief Linux policy routing for IPv4: an ordered list of rules (selectors: source and
 * destination prefix, TOS, input and output interface; actions: ROUTE to a class, NAT,
 * MASQUERADE, DROP, REJECT, PROHIBIT; flags LOG and VALVE) over routing classes (LOCAL 255,
 * MAIN 254, DEFAULT 253 and any others), each looked up as the Linux kernel does or strictly
 * by RFC 1812.
 *
 * Works as a node's only routing protocol (it then also does local delivery, as
 * Ipv4ListRouting would) or inside Ipv4ListRouting. The LOCAL class is filled from the node's
 * interface addresses and MAIN from the connected subnets, following interfaces up and down
 * and addresses as they come and go, as the kernel does.
 */
class Ipv4PolicyRouting : public Ipv4RoutingProtocol
{
  public:
    /// Attribute mirror of RuleStyle.
    enum Style
    {
        STYLE_LINUX_2_1 = 0, //!< RuleStyle::LINUX_2_1
        STYLE_MODERN = 1,    //!< RuleStyle::MODERN
    };

    /// Attribute mirror of LookupAlgorithm.
    enum Algorithm
    {
        ALGORITHM_LINUX = 0,           //!< LookupAlgorithm::LINUX
        ALGORITHM_RFC1812 = 1,         //!< LookupAlgorithm::RFC1812
        ALGORITHM_RFC1812_VARIANT = 2, //!< LookupAlgorithm::RFC1812_VARIANT
        ALGORITHM_RFC1812_CLASSIC = 3, //!< LookupAlgorithm::RFC1812_CLASSIC
    };

    /// Where a route goes when no class is given (Linux 2.1 ip_fib_model).
    enum FibModel
    {
        FIB_MODEL_STANDARD = 0, //!< all routes in MAIN
        FIB_MODEL_DEFAULT = 1,  //!< default routes in DEFAULT
        FIB_MODEL_RFC1812 = 2,  //!< all gateway routes in DEFAULT
    };

    /// What happens to routes through an interface that goes down.
    enum DownPolicy
    {
        DOWN_FLUSH = 0, //!< deleted, as Linux does
        DOWN_PARK = 1,  //!< deleted, and added back when the interface comes up again
    };

    /// Which listing PrintRoutingTable writes.
    enum ListingStyle
    {
        LISTING_SEED = 0,   //!< the seed's `iproute -r` and one table per class
        LISTING_MODERN = 1, //!< `ip rule show` and `ip route show table N`
        LISTING_BOTH = 2,   //!< both
    };

    /// Kinds of address translation, for the Translate trace.
    enum Translation
    {
        TRANSLATE_SNAT = 0,   //!< NAT rule: source rewritten
        TRANSLATE_DNAT = 1,   //!< NAT node: destination rewritten
        TRANSLATE_MASQ = 2,   //!< MASQUERADE rule: source (and port) rewritten
        TRANSLATE_DEMASQ = 3, //!< reply to a masqueraded flow: destination restored
    };

    /**
     * \brief Get the type ID.
     * \return the object TypeId
     */
    static TypeId GetTypeId();

    Ipv4PolicyRouting();
    ~Ipv4PolicyRouting() override;

    // Ipv4RoutingProtocol
    Ptr<Ipv4Route> RouteOutput(Ptr<Packet> p,
                               const Ipv4Header& header,
                               Ptr<NetDevice> oif,
                               Socket::SocketErrno& sockerr) override;
    bool RouteInput(Ptr<const Packet> p,
                    const Ipv4Header& header,
                    Ptr<const NetDevice> idev,
                    policyrouting::CallbackParam<UnicastForwardCallback> ucb,
                    policyrouting::CallbackParam<MulticastForwardCallback> mcb,
                    policyrouting::CallbackParam<LocalDeliverCallback> lcb,
                    policyrouting::CallbackParam<ErrorCallback> ecb) override;
    void NotifyInterfaceUp(uint32_t interface) override;
    void NotifyInterfaceDown(uint32_t interface) override;
    void NotifyAddAddress(uint32_t interface, Ipv4InterfaceAddress address) override;
    void NotifyRemoveAddress(uint32_t interface, Ipv4InterfaceAddress address) override;
    void SetIpv4(Ptr<Ipv4> ipv4) override;
    void PrintRoutingTable(Ptr<OutputStreamWrapper> stream,
                           Time::Unit unit = Time::S) const override;

    // ----- routes -----

    /**
     * Add a node to a class.
     * \param entry the node (prefix, TOS, metric, type, gateway, interface, source)
     * \param classId the class; 0 chooses as Linux 2.1 did: LOCAL for local/NAT nodes,
     *        DEFAULT for gateway routes per FibModel, else MAIN
     * \param mode duplicate handling (`ip route add`/`replace`/`prepend`/`append`)
     * \return the engine's result (the class is created if needed)
     */
    ClassResult AddRoute(const RouteEntry& entry,
                         uint32_t classId = CLASS_UNSPEC,
                         InsertMode mode = InsertMode::ADD);

    /**
     * Add a route via a gateway (aborts with a message on a bad route).
     * \param network destination network
     * \param mask its mask
     * \param gateway next hop
     * \param interface output interface
     * \param classId class (0: by FibModel)
     * \param tos node TOS
     * \param metric metric
     */
    void AddNetworkRouteTo(Ipv4Address network,
                           Ipv4Mask mask,
                           Ipv4Address gateway,
                           uint32_t interface,
                           uint32_t classId = CLASS_UNSPEC,
                           uint8_t tos = 0,
                           uint32_t metric = 0);

    /// Add an on-link route (no gateway); see the other overload.
    void AddNetworkRouteTo(Ipv4Address network,
                           Ipv4Mask mask,
                           uint32_t interface,
                           uint32_t classId = CLASS_UNSPEC,
                           uint8_t tos = 0,
                           uint32_t metric = 0);

    /**
     * Add a REJECT, PROHIBIT, BLACKHOLE or THROW node (aborts on another type).
     * \param type node type
     * \param network destination network
     * \param mask its mask
     * \param classId class (0: MAIN)
     * \param tos node TOS
     * \param metric metric
     */
    void AddSpecialRoute(RouteNodeType type,
                         Ipv4Address network,
                         Ipv4Mask mask,
                         uint32_t classId = CLASS_UNSPEC,
                         uint8_t tos = 0,
                         uint32_t metric = 0);

    /**
     * Static NAT, destination side (`ip route add nat EXTERNAL via INTERNAL`): packets to
     * \p external (a block of \p mask) are translated to \p internal (host bits kept) and
     * forwarded. The node goes to the LOCAL class.
     */
    void AddNatRoute(Ipv4Address external, Ipv4Mask mask, Ipv4Address internal);

    /// Delete the first node of class \p classId matching \p selector (0: MAIN).
    ClassResult DeleteRoute(const RouteSelector& selector, uint32_t classId = CLASS_MAIN);

    // ----- rules -----

    /**
     * Add a rule (aborts with a message on an invalid rule).
     * \param rule the rule
     * \param preference its preference; empty: the kernel's "unspecified" preference
     * \return the preference given
     */
    uint32_t AddRule(const PolicyRule& rule, std::optional<uint32_t> preference = std::nullopt);

    /// Delete the first rule matching \p selector. \return true if one was deleted
    bool DeleteRule(const RuleSelector& selector);

    /// \return the database (rules and classes) for direct use
    PolicyDatabase& GetDatabase();
    /// \return the database (rules and classes)
    const PolicyDatabase& GetDatabase() const;

    // ----- explanation -----

    /// A decision and the path to it.
    struct Explanation
    {
        FlowKey key;                   //!< what was looked up
        PolicyDecision decision;       //!< the outcome
        std::vector<LookupStep> steps; //!< one per rule considered
        Ipv4Address source;            //!< source address a local sender would use

        /// \return the steps and the decision, one per line
        std::string ToString() const;
    };

    /**
     * `ip route get`: what would happen to a packet, and why.
     * \param dst destination
     * \param src source (Any: unspecified)
     * \param tos TOS octet
     * \param iif input interface; -1 for a locally originated packet
     * \param oif interface a local sender is bound to; -1 for none
     * \return the decision and every rule tried
     */
    Explanation Explain(Ipv4Address dst,
                        Ipv4Address src = Ipv4Address::GetAny(),
                        uint8_t tos = 0,
                        int32_t iif = -1,
                        int32_t oif = -1) const;

    /**
     * `ip route get` one-line answer, e.g. "10.2.0.1 via 10.0.0.2 dev eth1 src 10.0.0.1
     * table 254" or "unreachable (network-unreachable) rule 0".
     */
    std::string RouteGet(Ipv4Address dst,
                         Ipv4Address src = Ipv4Address::GetAny(),
                         uint8_t tos = 0,
                         int32_t iif = -1,
                         int32_t oif = -1) const;

    /**
     * Format an explanation as RouteGet does.
     * \param x the explanation
     * \param ifName names interfaces (default: GetInterfaceName)
     * \param className names classes (default: the number)
     * \return the one-line answer
     */
    std::string FormatRouteGet(
        const Explanation& x,
        const std::function<std::string(uint32_t)>& ifName = nullptr,
        const std::function<std::string(uint32_t)>& className = nullptr) const;

    // ----- listings -----

    /// Print the rules (seed `iproute -r` and/or modern `ip rule`) and every class.
    void Print(std::ostream& os, ListingStyle style) const;

    /// \return the name of interface \p i (the device's Names entry, else "if<i>")
    std::string GetInterfaceName(uint32_t i) const;

    /// \return the loopback interface index (locally originated packets come from it)
    uint32_t GetLoopbackInterface() const;

    // ----- trace signatures -----

    /**
     * TracedCallback signature for a rule that matched (Linux lookup order).
     * \param header the packet's header (for locally originated packets: as given)
     * \param preference rule preference
     * \param action rule action
     */
    typedef void (*RuleMatchTracedCallback)(const Ipv4Header& header,
                                            uint32_t preference,
                                            RuleAction action);

    /**
     * TracedCallback signature for a class consulted.
     * \param header the packet's header
     * \param classId the class
     * \param outcome what the class answered (LookupStep::Outcome)
     */
    typedef void (*ClassLookupTracedCallback)(const Ipv4Header& header,
                                              uint32_t classId,
                                              LookupStep::Outcome outcome);

    /**
     * TracedCallback signature for a dropped packet.
     * \param packet the packet (null for a failed output lookup without a packet)
     * \param header its header
     * \param reason why (RouteError)
     * \param interface input interface (or the loopback for local output)
     */
    typedef void (*DropTracedCallback)(Ptr<const Packet> packet,
                                       const Ipv4Header& header,
                                       RouteError reason,
                                       uint32_t interface);

    /**
     * TracedCallback signature for an ICMP error sent.
     * \param offending header of the packet that caused it
     * \param type ICMP type
     * \param code ICMP code
     */
    typedef void (*IcmpTracedCallback)(const Ipv4Header& offending, uint8_t type, uint8_t code);

    /**
     * TracedCallback signature for an address translation.
     * \param before header before
     * \param after header after
     * \param kind Translation
     */
    typedef void (*TranslateTracedCallback)(const Ipv4Header& before,
                                            const Ipv4Header& after,
                                            Translation kind);

    /**
     * TracedCallback signature for a route created through a LOG rule (once per flow).
     * \param header the first packet's header
     * \param preference the rule's preference
     */
    typedef void (*RouteCreatedTracedCallback)(const Ipv4Header& header, uint32_t preference);

  protected:
    void DoDispose() override;
    void DoInitialize() override;

  private:
    /// Set the rule style; only allowed while only the default rules exist.
    void SetRuleStyle(Style style);
    /// \return the rule style
    Style GetRuleStyle() const;

    /// \return the lookup algorithm
    LookupAlgorithm GetAlgorithm() const
    {
        return static_cast<LookupAlgorithm>(m_algorithm);
    }

    /// Apply the Masquerade* attributes to the masquerade table.
    void ConfigureMasquerade();

    /// \return class id chosen for \p entry when none is given (FibModel)
    uint32_t ChooseClass(const RouteEntry& entry) const;

    /// Add the kernel routes (LOCAL/BROADCAST in LOCAL, connected in MAIN) of an address;
    /// only its local route if \p localOnly (interface down).
    void AddAddressRoutes(uint32_t interface,
                          const Ipv4InterfaceAddress& address,
                          bool localOnly = false);
    /// Remove them again (the local route only if \p withLocal).
    void RemoveAddressRoutes(uint32_t interface,
                             const Ipv4InterfaceAddress& address,
                             bool withLocal);

    /// \return the TOS of a locally originated packet (tag first, then header)
    static uint8_t OutputTos(Ptr<const Packet> p, const Ipv4Header& header);

    /// Lookup with tracing of the steps (only when someone listens).
    PolicyDecision Decide(const FlowKey& key, const Ipv4Header& header) const;

    /// \return an Ipv4Route for a FORWARD/LOCAL/BROADCAST decision
    Ptr<Ipv4Route> MakeRoute(const PolicyDecision& d, Ipv4Address dst, Ipv4Address src) const;

    /// \return the source address a local sender would use for \p d
    Ipv4Address ChooseSource(const PolicyDecision& d, Ipv4Address dst) const;

    /// Send an ICMP destination unreachable about (header, packet) if RFC 1812 allows it.
    void SendIcmpError(Ptr<const Packet> packet, const Ipv4Header& header, uint8_t code);

    /// Drop with tracing; sends ICMP for errors that have a code (routers only).
    void DropWithError(Ptr<const Packet> p,
                       const Ipv4Header& header,
                       RouteError error,
                       uint32_t iif,
                       bool sendIcmp);

    /// Apply the translations of a forwarding decision (NAT source and destination,
    /// masquerade) to (packet, header). \return false if a masquerade port is not free
    bool TranslateOutbound(const PolicyDecision& d, Ptr<Packet>& packet, Ipv4Header& header);

    /// If (packet, header) is a reply to a masqueraded flow, restore its destination.
    bool Demasquerade(Ptr<Packet>& packet, Ipv4Header& header);

    /// If (packet, header) is an ICMP error about a masqueraded datagram, send it to the
    /// inside host with the quoted datagram restored.
    bool DemasqueradeIcmpError(Ptr<Packet>& packet, Ipv4Header& header);

    /// \return true if this protocol is the node's top-level routing protocol
    bool IsTopLevel() const;

    /// Park or flush routes through \p interface.
    void HandleInterfaceDown(uint32_t interface);

    /// What the lookups need of an interface, kept current by the Notify* calls (so that a
    /// lookup makes no calls into Ipv4L3Protocol).
    struct InterfaceState
    {
        Ptr<NetDevice> device;   //!< its device
        bool up{false};          //!< up
        uint32_t addresses{0};   //!< number of addresses
        Ipv4Address onlyAddress; //!< the address when there is exactly one
    };

    /// \return the cached state of interface \p i
    const InterfaceState& Interface(uint32_t i) const;
    /// Read the state of interface \p i from the Ipv4.
    void RefreshInterface(uint32_t i) const;

    /// A route handed out before (see MakeRoute).
    struct RouteCacheEntry
    {
        Ptr<Ipv4Route> route;   //!< the route
        uint64_t generation{0}; //!< m_generation when it was made
        uint32_t next{0};       //!< next hop (gateway or on-link destination)
        uint32_t gateway{0};    //!< gateway (0: on-link)
        uint32_t source{0};     //!< source
        uint32_t out{0};        //!< output interface
        uint8_t kind{0};        //!< PolicyDecision::Kind
    };

    static constexpr std::size_t ROUTE_CACHE_SIZE = 1024; //!< slots (a power of two)

    /// Forget cached routes and LOG flows (after any change of rules, routes or interfaces).
    void InvalidateCaches() const;

    Ptr<Ipv4> m_ipv4;
    mutable std::vector<InterfaceState> m_interfaces;
    mutable std::vector<RouteCacheEntry> m_routeCache{ROUTE_CACHE_SIZE};
    mutable uint64_t m_generation{1}; //!< configuration generation
    PolicyDatabase m_db;

    // Attributes.
    Algorithm m_algorithm;
    FibModel m_fibModel;
    bool m_localRoutePolicy;
    DownPolicy m_downPolicy;
    ListingStyle m_listingStyle;
    bool m_sendIcmp;
    bool m_sendProhibitedIcmp;
    Time m_icmpInterval;
    uint16_t m_masqPortMin;
    uint16_t m_masqPortMax;
    Time m_masqTimeout;

    MasqueradeTable m_masq;
    /// (protocol, source, destination, identification) of a fragmented reply to a
    /// masqueraded flow
    using FragmentKey = std::tuple<uint8_t, uint32_t, uint32_t, uint16_t>;
    /// where the later fragments of a de-masqueraded first fragment go: (inside address, time)
    std::map<FragmentKey, std::pair<uint32_t, Time>> m_masqFragments;
    std::map<uint32_t, Time> m_lastIcmp; //!< per destination of ICMP errors
    mutable std::set<std::tuple<uint32_t, uint32_t, uint8_t, uint32_t>>
        m_logged;                                          //!< LOG: flows seen
    std::vector<std::pair<uint32_t, RouteEntry>> m_parked; //!< (class, node) parked on down

    TracedCallback<const Ipv4Header&, uint32_t, RuleAction> m_ruleMatchTrace;
    TracedCallback<const Ipv4Header&, uint32_t, LookupStep::Outcome> m_classLookupTrace;
    TracedCallback<Ptr<const Packet>, const Ipv4Header&, RouteError, uint32_t> m_dropTrace;
    TracedCallback<const Ipv4Header&, uint8_t, uint8_t> m_icmpTrace;
    TracedCallback<const Ipv4Header&, const Ipv4Header&, Translation> m_translateTrace;
    TracedCallback<const Ipv4Header&, uint32_t> m_routeCreatedTrace;
};

} // namespace ns3

#endif /* IPV4_POLICY_ROUTING_H */
