/*
 * SPDX-License-Identifier: GPL-2.0-only
 *
 * A small network builder for the module's ns-3 test suites: nodes with Ipv4PolicyRouting,
 * links (SimpleNetDevice over SimpleChannel) with addresses, UDP senders with a TOS, UDP sinks
 * that count what they receive, and ICMP errors as the sending socket sees them.
 */

#ifndef POLICY_ROUTING_TEST_NETWORK_H
#define POLICY_ROUTING_TEST_NETWORK_H

#include "ns3/callback.h"
#include "ns3/inet-socket-address.h"
#include "ns3/internet-stack-helper.h"
#include "ns3/ipv4-l3-protocol.h"
#include "ns3/ipv4-policy-routing-helper.h"
#include "ns3/ipv4-policy-routing.h"
#include "ns3/node.h"
#include "ns3/packet.h"
#include "ns3/simple-channel.h"
#include "ns3/simple-net-device.h"
#include "ns3/simulator.h"
#include "ns3/socket.h"
#include "ns3/udp-socket-factory.h"

#include <map>
#include <string>
#include <vector>

namespace policyroutingtest
{

using namespace ns3;

/// An ICMP error as a UDP socket reports it.
struct IcmpReport
{
    Ipv4Address from; //!< who sent the error
    uint8_t type;     //!< ICMP type
    uint8_t code;     //!< ICMP code
};

/// What a UDP sink received.
struct Received
{
    Ipv4Address from; //!< source address as seen by the receiver
    uint16_t port;    //!< source port as seen by the receiver
    uint32_t size;    //!< payload bytes
};

/**
 * A test network. Every node gets Ipv4PolicyRouting (with the attributes given to the
 * helper); links are SimpleNetDevices on a SimpleChannel.
 */
class TestNetwork
{
  public:
    TestNetwork()
    {
        m_stack.SetIpv6StackInstall(false);
        m_stack.SetRoutingHelper(m_policy);
    }

    /// Set an attribute of the policy routing of nodes created from now on.
    void Set(const std::string& name, const AttributeValue& value)
    {
        m_policy.Set(name, value);
        m_stack.SetRoutingHelper(m_policy);
    }

    /// \return a new node with the internet stack
    Ptr<Node> AddNode()
    {
        Ptr<Node> n = CreateObject<Node>();
        m_stack.Install(n);
        return n;
    }

    /**
     * Connect two nodes.
     * \param a first node
     * \param addrA its address "a.b.c.d/len"
     * \param b second node
     * \param addrB its address
     * \return the interface indices on a and b
     */
    std::pair<uint32_t, uint32_t> Link(Ptr<Node> a,
                                       const std::string& addrA,
                                       Ptr<Node> b,
                                       const std::string& addrB)
    {
        Ptr<SimpleChannel> channel = CreateObject<SimpleChannel>();
        const uint32_t ia = Attach(a, addrA, channel);
        const uint32_t ib = Attach(b, addrB, channel);
        return {ia, ib};
    }

    /// Attach \p n to \p channel with address \p addr. \return the interface index
    uint32_t Attach(Ptr<Node> n, const std::string& addr, Ptr<SimpleChannel> channel)
    {
        Ptr<SimpleNetDevice> dev = CreateObject<SimpleNetDevice>();
        dev->SetAddress(Mac48Address::Allocate());
        dev->SetChannel(channel);
        n->AddDevice(dev);
        Ptr<Ipv4> ipv4 = n->GetObject<Ipv4>();
        const uint32_t i = ipv4->AddInterface(dev);
        auto [address, length] = ParsePolicyPrefix(MaskedOrHost(addr));
        ipv4->AddAddress(
            i,
            Ipv4InterfaceAddress(HostOf(addr),
                                 Ipv4Mask(length ? (0xffffffffu << (32 - length)) : 0)));
        ipv4->SetForwarding(i, true);
        ipv4->SetUp(i);
        return i;
    }

    /// \return the node's policy routing
    static Ptr<Ipv4PolicyRouting> Routing(Ptr<Node> n)
    {
        return Ipv4PolicyRoutingHelper::GetPolicyRouting(n);
    }

    /// Open a UDP sink on \p n, port \p port; received packets are appended to the vector.
    void Sink(Ptr<Node> n, uint16_t port, std::vector<Received>* out)
    {
        Ptr<Socket> s = Socket::CreateSocket(n, UdpSocketFactory::GetTypeId());
        s->Bind(InetSocketAddress(Ipv4Address::GetAny(), port));
        s->SetRecvCallback(MakeBoundCallback(&TestNetwork::OnReceive, out));
        m_sockets.push_back(s);
    }

    /**
     * A UDP sender on \p n that records ICMP errors it receives.
     * \param n node
     * \param tos TOS octet of what it sends
     * \param icmp where ICMP errors go
     * \param bind optional local address to bind to
     * \return the socket
     */
    Ptr<Socket> Sender(Ptr<Node> n,
                       uint8_t tos,
                       std::vector<IcmpReport>* icmp,
                       Ipv4Address bind = Ipv4Address::GetAny(),
                       uint16_t port = 0)
    {
        Ptr<Socket> s = Socket::CreateSocket(n, UdpSocketFactory::GetTypeId());
        s->SetAttribute("IcmpCallback",
                        CallbackValue(MakeBoundCallback(&TestNetwork::OnIcmp, icmp)));
        s->Bind(InetSocketAddress(bind, port));
        s->SetIpTos(tos);
        m_sockets.push_back(s);
        return s;
    }

    /// Schedule \p count packets of \p size bytes from \p s to dst:port at \p at, 20 ms apart
    /// (more than the ARP request jitter, so the 3-packet ARP queue never overflows).
    static void SendAt(Time at,
                       Ptr<Socket> s,
                       const std::string& dst,
                       uint16_t port,
                       uint32_t size = 100,
                       uint32_t count = 1)
    {
        for (uint32_t k = 0; k < count; ++k)
        {
            Simulator::ScheduleWithContext(s->GetNode()->GetId(),
                                           at + MilliSeconds(20 * k),
                                           &TestNetwork::DoSend,
                                           s,
                                           Ipv4Address(dst.c_str()),
                                           port,
                                           size);
        }
    }

    /// Run the simulation to \p until, then destroy it.
    static void Run(Time until = Seconds(10))
    {
        Simulator::Stop(until);
        Simulator::Run();
        Simulator::Destroy();
    }

  private:
    static std::string MaskedOrHost(const std::string& addr)
    {
        // "10.0.0.1/24" -> "10.0.0.0/24" for the parser (which refuses host bits).
        const std::size_t slash = addr.find('/');
        const uint32_t length =
            slash == std::string::npos ? 32 : std::stoul(addr.substr(slash + 1));
        const uint32_t mask = length ? 0xffffffffu << (32 - length) : 0;
        const uint32_t a = HostOf(addr).Get() & mask;
        return Ipv4AddressString(a) + "/" + std::to_string(length);
    }

    static std::string Ipv4AddressString(uint32_t a)
    {
        return std::to_string(a >> 24) + "." + std::to_string((a >> 16) & 255) + "." +
               std::to_string((a >> 8) & 255) + "." + std::to_string(a & 255);
    }

    static Ipv4Address HostOf(const std::string& addr)
    {
        return Ipv4Address(addr.substr(0, addr.find('/')).c_str());
    }

    static void DoSend(Ptr<Socket> s, Ipv4Address dst, uint16_t port, uint32_t size)
    {
        // Connect + Send carries the socket's TOS in every ns-3 version (SendTo takes it from
        // the address up to 3.41; Connect resets it from the address up to 3.41).
        const uint8_t tos = s->GetIpTos();
        s->Connect(InetSocketAddress(dst, port));
        s->SetIpTos(tos);
        s->Send(Create<Packet>(size));
    }

    static void OnReceive(std::vector<Received>* out, Ptr<Socket> s)
    {
        Address from;
        while (Ptr<Packet> p = s->RecvFrom(from))
        {
            InetSocketAddress a = InetSocketAddress::ConvertFrom(from);
            out->push_back({a.GetIpv4(), a.GetPort(), p->GetSize()});
        }
    }

    static void OnIcmp(std::vector<IcmpReport>* out,
                       Ipv4Address source,
                       uint8_t ttl,
                       uint8_t type,
                       uint8_t code,
                       uint32_t info)
    {
        out->push_back({source, type, code});
    }

    InternetStackHelper m_stack;
    Ipv4PolicyRoutingHelper m_policy;
    std::vector<Ptr<Socket>> m_sockets;
};

} // namespace policyroutingtest

#endif /* POLICY_ROUTING_TEST_NETWORK_H */
