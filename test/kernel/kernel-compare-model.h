/*
 * SPDX-License-Identifier: GPL-2.0-only
 *
 * The ns-3 side of the kernel comparison: one node with Ipv4PolicyRouting (RuleStyle Modern,
 * LookupAlgorithm Linux, LocalRoutePolicy true) and one SimpleNetDevice per veth of the
 * configuration, asked through RouteOutput and RouteInput.
 */

#ifndef KERNEL_COMPARE_MODEL_H
#define KERNEL_COMPARE_MODEL_H

#include "kernel-compare.h"

#include "ns3/ipv4-policy-routing.h"
#include "ns3/ipv4.h"
#include "ns3/node.h"
#include "ns3/simple-net-device.h"

#include <string>
#include <vector>

namespace kernelcompare
{

/**
 * The model node of one configuration. Interface index = veth number + 1 (0 is the
 * loopback). Destroying it ends the ns-3 simulation (Simulator::Destroy), so only one may
 * exist at a time.
 */
class ModelNode
{
  public:
    /// Build the node with the interfaces of \p config (no routes or rules yet).
    explicit ModelNode(const Config& config);
    ~ModelNode();
    ModelNode(const ModelNode&) = delete;
    ModelNode& operator=(const ModelNode&) = delete;

    /// Apply one configuration command.
    OpResult Apply(const Op& op);

    /// Ask \p q: RouteOutput without iif, RouteInput on the iif's device with it.
    Answer Ask(const Query& q);

    /// \return Ipv4PolicyRouting::Explain() for \p q (diagnostics only)
    std::string Explain(const Query& q) const;

    /// \return the rules and routes, normalised as the kernel listing is
    State GetState() const;

    /// \return `ip rule` / `ip route` style listing of the model
    std::string Listing() const;

  private:
    // Callbacks and trace sinks.
    void OnUnicast(ns3::Ptr<ns3::Ipv4Route> route,
                   ns3::Ptr<const ns3::Packet> p,
                   const ns3::Ipv4Header& h);
    void OnMulticast(ns3::Ptr<ns3::Ipv4MulticastRoute> route,
                     ns3::Ptr<const ns3::Packet> p,
                     const ns3::Ipv4Header& h);
    void OnLocal(ns3::Ptr<const ns3::Packet> p, const ns3::Ipv4Header& h, uint32_t iif);
    void OnError(ns3::Ptr<const ns3::Packet> p,
                 const ns3::Ipv4Header& h,
                 ns3::Socket::SocketErrno err);
    void OnDrop(ns3::Ptr<const ns3::Packet> p,
                const ns3::Ipv4Header& h,
                ns3::RouteError reason,
                uint32_t iif);
    void OnIcmp(const ns3::Ipv4Header& h, uint8_t type, uint8_t code);

    /// \return the veth number of ns-3 interface \p i (LO_IF for the loopback)
    int VethOf(uint32_t i) const;
    /// \return the ns-3 interface of veth number \p k (LO_IF: the loopback)
    uint32_t InterfaceOf(int k) const;

    ns3::Ptr<ns3::Node> m_node;
    ns3::Ptr<ns3::Ipv4> m_ipv4;
    ns3::Ptr<ns3::Ipv4PolicyRouting> m_routing;
    std::vector<ns3::Ptr<ns3::SimpleNetDevice>> m_devices;

    // What the current question produced.
    struct Capture
    {
        int unicast{0};
        int local{0};
        int multicast{0};
        int error{0};
        ns3::Ptr<ns3::Ipv4Route> route;
        int drops{0};
        ns3::RouteError dropReason{ns3::RouteError::NONE};
        int icmps{0};
        int icmpCode{-1};
        ns3::Socket::SocketErrno errno_{ns3::Socket::ERROR_NOTERROR};
    };

    Capture m_capture;
};

} // namespace kernelcompare

#endif /* KERNEL_COMPARE_MODEL_H */
