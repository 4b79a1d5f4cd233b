/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

#ifndef IPV4_POLICY_ROUTING_HELPER_H
#define IPV4_POLICY_ROUTING_HELPER_H

#include "ns3/ipv4-policy-routing.h"
#include "ns3/ipv4-routing-helper.h"
#include "ns3/net-device.h"
#include "ns3/node-container.h"
#include "ns3/object-factory.h"

#include <optional>
#include <string>

namespace ns3
{

/**
 * \ingroup policy-routing
 * A rule in a few readable words:
 * `PolicyRuleSpec().From("10.1.0.0/16").Tos(0x10).Lookup(100)`,
 * `PolicyRuleSpec().To("192.168.0.0/16").Prohibit().Log()`,
 * `PolicyRuleSpec().From("10.0.0.0/8").Via("192.0.2.1").Dev(dev)`.
 * Without an action the rule is ROUTE to class 0, which allocates a fresh class.
 */
class PolicyRuleSpec
{
  public:
    PolicyRuleSpec();

    PolicyRuleSpec& From(const std::string& prefix);          //!< source prefix "a.b.c.d/len"
    PolicyRuleSpec& From(Ipv4Address address, Ipv4Mask mask); //!< source prefix
    PolicyRuleSpec& To(const std::string& prefix);            //!< destination prefix
    PolicyRuleSpec& To(Ipv4Address address, Ipv4Mask mask);   //!< destination prefix
    PolicyRuleSpec& Tos(uint8_t tos);                         //!< exact TOS (0 = any)
    PolicyRuleSpec& Iif(uint32_t interface);                  //!< input interface index
    PolicyRuleSpec& Iif(Ptr<NetDevice> device);               //!< input device
    PolicyRuleSpec& Oif(uint32_t interface);                  //!< bound output interface
    PolicyRuleSpec& Oif(Ptr<NetDevice> device);               //!< bound output device
    PolicyRuleSpec& Pref(uint32_t preference);                //!< explicit preference
    PolicyRuleSpec& Lookup(uint32_t classId);                 //!< ROUTE to a class
    PolicyRuleSpec& Nat(Ipv4Address address);                 //!< NAT (source) to address
    PolicyRuleSpec& Masquerade();                             //!< MASQUERADE
    PolicyRuleSpec& Drop();                                   //!< DROP
    PolicyRuleSpec& Reject();                                 //!< REJECT
    PolicyRuleSpec& Prohibit();                               //!< PROHIBIT
    PolicyRuleSpec& Via(const std::string& gateway);          //!< own route: gateway
    PolicyRuleSpec& Via(const char* gateway);                 //!< own route: gateway
    PolicyRuleSpec& Via(Ipv4Address gateway);                 //!< own route: gateway
    PolicyRuleSpec& Dev(uint32_t interface);                  //!< own route: interface
    PolicyRuleSpec& Dev(Ptr<NetDevice> device);               //!< own route: device
    PolicyRuleSpec& Log();                                    //!< LOG flag
    PolicyRuleSpec& Valve();                                  //!< VALVE flag

    /// \return the rule with devices resolved to interfaces of \p ipv4
    PolicyRule Resolve(Ptr<Ipv4> ipv4) const;

    /// \return the explicit preference, if any
    std::optional<uint32_t> GetPreference() const
    {
        return m_preference;
    }

  private:
    PolicyRule m_rule;
    std::optional<uint32_t> m_preference;
    Ptr<NetDevice> m_iifDevice;
    Ptr<NetDevice> m_oifDevice;
    Ptr<NetDevice> m_routeDevice;
};

/**
 * \ingroup policy-routing
 * A class node in a few readable words:
 * `PolicyRouteSpec("10.2.0.0/16").Via("10.0.0.2").Class(100)`,
 * `PolicyRouteSpec("0.0.0.0/0").Reject().Class(250)`, `PolicyRouteSpec("10.9.0.0/16").Throw()`.
 */
class PolicyRouteSpec
{
  public:
    /// \param prefix destination "a.b.c.d/len" (or "default")
    explicit PolicyRouteSpec(const std::string& prefix);
    /// \param network destination network \param mask its mask
    PolicyRouteSpec(Ipv4Address network, Ipv4Mask mask);

    PolicyRouteSpec& Via(const std::string& gateway); //!< gateway
    PolicyRouteSpec& Via(const char* gateway);        //!< gateway
    PolicyRouteSpec& Via(Ipv4Address gateway);        //!< gateway
    PolicyRouteSpec& Dev(uint32_t interface);         //!< output interface
    PolicyRouteSpec& Dev(Ptr<NetDevice> device);      //!< output device
    PolicyRouteSpec& Src(Ipv4Address source);         //!< preferred source
    PolicyRouteSpec& Tos(uint8_t tos);                //!< node TOS
    PolicyRouteSpec& Metric(uint32_t metric);         //!< metric
    PolicyRouteSpec& Class(uint32_t classId);         //!< class (0: by FibModel)
    PolicyRouteSpec& Type(RouteNodeType type);        //!< node type
    PolicyRouteSpec& Reject();                        //!< REJECT node
    PolicyRouteSpec& Prohibit();                      //!< PROHIBIT node
    PolicyRouteSpec& Blackhole();                     //!< BLACKHOLE node
    PolicyRouteSpec& Throw();                         //!< THROW node
    PolicyRouteSpec& Mode(InsertMode mode);           //!< add/replace/prepend/append

    /// \return the node with the device resolved to an interface of \p ipv4
    RouteEntry Resolve(Ptr<Ipv4> ipv4) const;

    /// \return the class
    uint32_t GetClass() const
    {
        return m_classId;
    }

    /// \return the insert mode
    InsertMode GetMode() const
    {
        return m_mode;
    }

  private:
    RouteEntry m_entry;
    uint32_t m_classId;
    InsertMode m_mode;
    Ptr<NetDevice> m_device;
};

/**
 * \ingroup policy-routing
 * \brief Installs Ipv4PolicyRouting on nodes (with InternetStackHelper::SetRoutingHelper) and
 * configures rules and routes on them.
 *
 * \code
 *   Ipv4PolicyRoutingHelper policy;
 *   policy.Set("LookupAlgorithm", EnumValue(Ipv4PolicyRouting::ALGORITHM_RFC1812));
 *   InternetStackHelper stack;
 *   stack.SetRoutingHelper(policy);
 *   stack.Install(nodes);
 *   policy.AddRoute(router, PolicyRouteSpec("0.0.0.0/0").Via("10.0.2.2").Class(100));
 *   policy.AddRule(router, PolicyRuleSpec().From("10.1.0.0/16").Lookup(100));
 *   Ipv4PolicyRoutingHelper::PrintRoutingTableAllAt(Seconds(1), stream);
 * \endcode
 */
class Ipv4PolicyRoutingHelper : public Ipv4RoutingHelper
{
  public:
    Ipv4PolicyRoutingHelper();

    /// \return a copy (used by InternetStackHelper)
    Ipv4PolicyRoutingHelper* Copy() const override;

    /// \return a new Ipv4PolicyRouting with the attributes set by Set()
    Ptr<Ipv4RoutingProtocol> Create(Ptr<Node> node) const override;

    /// Set an attribute of the protocols this helper creates.
    void Set(const std::string& name, const AttributeValue& value);

    /// \return the node's Ipv4PolicyRouting (also found inside an Ipv4ListRouting); aborts if
    /// the node has none
    static Ptr<Ipv4PolicyRouting> GetPolicyRouting(Ptr<Node> node);

    /// Add a rule to \p node. \return its preference
    uint32_t AddRule(Ptr<Node> node, const PolicyRuleSpec& rule) const;

    /// Add a rule to every node of \p nodes.
    void AddRule(NodeContainer nodes, const PolicyRuleSpec& rule) const;

    /// Add a route to \p node (aborts with a message if the engine refuses it).
    void AddRoute(Ptr<Node> node, const PolicyRouteSpec& route) const;

    /// Add a route to every node of \p nodes.
    void AddRoute(NodeContainer nodes, const PolicyRouteSpec& route) const;

    /// \return `ip route get` for a packet from \p node (see Ipv4PolicyRouting::RouteGet)
    static std::string RouteGet(Ptr<Node> node,
                                Ipv4Address dst,
                                Ipv4Address src = Ipv4Address::GetAny(),
                                uint8_t tos = 0,
                                int32_t iif = -1);

  private:
    ObjectFactory m_factory;
};

/// Parse "a.b.c.d/len", "a.b.c.d" (/32) or "default" (0/0); aborts with a message otherwise.
std::pair<Ipv4Address, uint8_t> ParsePolicyPrefix(const std::string& text);

} // namespace ns3

#endif /* IPV4_POLICY_ROUTING_HELPER_H */
