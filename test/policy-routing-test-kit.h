/*
 * SPDX-License-Identifier: GPL-2.0-only
 *
 * Test tools for the policy-routing suites beyond policy-routing-test-network.h: what is on
 * the wire at a receiver (an Ipv4L3Protocol Rx tap that decodes IP, UDP, TCP and ICMP
 * headers), UDP echo servers and clients that record replies, ICMP echo over a raw socket,
 * a small TCP echo exchange, and counters for the Ipv4PolicyRouting trace sources.
 */

#ifndef POLICY_ROUTING_TEST_KIT_H
#define POLICY_ROUTING_TEST_KIT_H

#include "policy-routing-test-network.h"

#include "ns3/icmpv4.h"
#include "ns3/inet-socket-address.h"
#include "ns3/ipv4-header.h"
#include "ns3/ipv4-l3-protocol.h"
#include "ns3/ipv4-raw-socket-factory.h"
#include "ns3/ipv4-route.h"
#include "ns3/node.h"
#include "ns3/packet.h"
#include "ns3/simulator.h"
#include "ns3/socket.h"
#include "ns3/string.h"
#include "ns3/tcp-header.h"
#include "ns3/tcp-socket-factory.h"
#include "ns3/test.h"
#include "ns3/udp-header.h"
#include "ns3/udp-socket-factory.h"
#include "ns3/uinteger.h"

#include <cstdint>
#include <map>
#include <sstream>
#include <string>
#include <tuple>
#include <vector>

/**
 * Like NS_TEST_ASSERT_MSG_EQ, but always leaves the test on failure (the ns-3 test runner
 * continues after a failed assertion unless --stop-on-failure is given, and the checks that
 * follow index into what was asserted).
 */
#define PR_TEST_REQUIRE_MSG_EQ(actual, limit, msg)                                                 \
    do                                                                                             \
    {                                                                                              \
        NS_TEST_EXPECT_MSG_EQ(actual, limit, msg);                                                 \
        if (!((actual) == (limit)))                                                                \
        {                                                                                          \
            return;                                                                                \
        }                                                                                          \
    } while (false)

namespace policyroutingtest
{

using namespace ns3;

/// A packet as a receiver's IP layer saw it (before routing and delivery).
struct WirePacket
{
    Ipv4Address src;           //!< IP source
    Ipv4Address dst;           //!< IP destination
    uint8_t protocol{0};       //!< IP protocol
    uint8_t tos{0};            //!< TOS octet
    uint16_t srcPort{0};       //!< UDP/TCP source port, ICMP echo identifier
    uint16_t dstPort{0};       //!< UDP/TCP destination port, ICMP echo identifier
    uint8_t icmpType{0};       //!< ICMP type
    uint8_t icmpCode{0};       //!< ICMP code
    uint8_t tcpFlags{0};       //!< TCP flags
    uint16_t udpLength{0};     //!< the UDP length field (header and payload)
    Ipv4Address quotedSrc;     //!< ICMP destination unreachable: source of the quoted datagram
    Ipv4Address quotedDst;     //!< ICMP destination unreachable: its destination
    uint16_t quotedSrcPort{0}; //!< ICMP destination unreachable: its source port
    uint32_t interface {
        0
    };                //!< receiving interface
    uint32_t size{0}; //!< IP payload size
};

/**
 * Records every IPv4 packet a node receives (its Ipv4L3Protocol "Rx" trace, which sees the
 * IP header as it came off the wire).
 */
class WireTap
{
  public:
    /// Tap \p node; packets are appended to \p out.
    static void Attach(Ptr<Node> node, std::vector<WirePacket>* out)
    {
        node->GetObject<Ipv4L3Protocol>()->TraceConnectWithoutContext(
            "Rx",
            MakeBoundCallback(&WireTap::OnRx, out));
    }

    /// \return the packets of \p all with protocol \p protocol
    static std::vector<WirePacket> Only(const std::vector<WirePacket>& all, uint8_t protocol)
    {
        std::vector<WirePacket> out;
        for (const WirePacket& w : all)
        {
            if (w.protocol == protocol)
            {
                out.push_back(w);
            }
        }
        return out;
    }

  private:
    static void OnRx(std::vector<WirePacket>* out,
                     Ptr<const Packet> p,
                     Ptr<Ipv4> ipv4,
                     uint32_t interface)
    {
        Ptr<Packet> copy = p->Copy();
        Ipv4Header ip;
        copy->RemoveHeader(ip);
        WirePacket w;
        w.src = ip.GetSource();
        w.dst = ip.GetDestination();
        w.protocol = ip.GetProtocol();
        w.tos = ip.GetTos();
        w.interface = interface;
        w.size = copy->GetSize();
        if (ip.GetFragmentOffset() == 0)
        {
            if (w.protocol == 17 && copy->GetSize() >= 8)
            {
                UdpHeader u;
                copy->PeekHeader(u);
                w.srcPort = u.GetSourcePort();
                w.dstPort = u.GetDestinationPort();
                uint8_t raw[8];
                copy->CopyData(raw, 8);
                w.udpLength = static_cast<uint16_t>((raw[4] << 8) | raw[5]);
            }
            else if (w.protocol == 6 && copy->GetSize() >= 20)
            {
                TcpHeader t;
                copy->PeekHeader(t);
                w.srcPort = t.GetSourcePort();
                w.dstPort = t.GetDestinationPort();
                w.tcpFlags = t.GetFlags();
            }
            else if (w.protocol == 1 && copy->GetSize() >= 4)
            {
                Icmpv4Header icmp;
                copy->RemoveHeader(icmp);
                w.icmpType = icmp.GetType();
                w.icmpCode = icmp.GetCode();
                if (icmp.GetType() == Icmpv4Header::ICMPV4_ECHO ||
                    icmp.GetType() == Icmpv4Header::ICMPV4_ECHO_REPLY)
                {
                    Icmpv4Echo echo;
                    copy->RemoveHeader(echo);
                    w.srcPort = echo.GetIdentifier();
                    w.dstPort = echo.GetIdentifier();
                }
                else if (icmp.GetType() == Icmpv4Header::ICMPV4_DEST_UNREACH)
                {
                    Icmpv4DestinationUnreachable u;
                    copy->RemoveHeader(u);
                    w.quotedSrc = u.GetHeader().GetSource();
                    w.quotedDst = u.GetHeader().GetDestination();
                    uint8_t data[8];
                    u.GetData(data);
                    w.quotedSrcPort = static_cast<uint16_t>((data[0] << 8) | data[1]);
                }
            }
        }
        out->push_back(w);
    }
};

/// What a UDP socket received: the peer and the payload size.
struct Datagram
{
    Ipv4Address from; //!< source address seen by the socket
    uint16_t port;    //!< source port seen by the socket
    uint32_t size;    //!< payload bytes
};

/**
 * UDP endpoints that talk back: an echo server, and clients bound to a given port that record
 * replies and ICMP errors.
 */
class Udp
{
  public:
    /// A UDP echo server on \p n, port \p port; every datagram goes back to its sender.
    /// \p seen (optional) records what the server received.
    static Ptr<Socket> EchoServer(Ptr<Node> n, uint16_t port, std::vector<Datagram>* seen)
    {
        Ptr<Socket> s = Socket::CreateSocket(n, UdpSocketFactory::GetTypeId());
        s->Bind(InetSocketAddress(Ipv4Address::GetAny(), port));
        s->SetRecvCallback(MakeBoundCallback(&Udp::OnEcho, seen));
        return s;
    }

    /**
     * A UDP client on \p n bound to \p port (0: ephemeral) that records replies and ICMP
     * errors.
     */
    static Ptr<Socket> Client(Ptr<Node> n,
                              uint16_t port,
                              std::vector<Datagram>* replies,
                              std::vector<IcmpReport>* icmp,
                              uint8_t tos = 0,
                              Ipv4Address bind = Ipv4Address::GetAny())
    {
        Ptr<Socket> s = Socket::CreateSocket(n, UdpSocketFactory::GetTypeId());
        if (icmp)
        {
            s->SetAttribute("IcmpCallback", CallbackValue(MakeBoundCallback(&Udp::OnIcmp, icmp)));
        }
        s->Bind(InetSocketAddress(bind, port));
        s->SetIpTos(tos);
        if (replies)
        {
            s->SetRecvCallback(MakeBoundCallback(&Udp::OnReceive, replies));
        }
        return s;
    }

    /// A sink on \p n, port \p port, that records what it receives.
    static Ptr<Socket> Sink(Ptr<Node> n, uint16_t port, std::vector<Datagram>* seen)
    {
        return Client(n, port, seen, nullptr);
    }

  private:
    static void OnEcho(std::vector<Datagram>* seen, Ptr<Socket> s)
    {
        Address from;
        while (Ptr<Packet> p = s->RecvFrom(from))
        {
            InetSocketAddress a = InetSocketAddress::ConvertFrom(from);
            if (seen)
            {
                seen->push_back({a.GetIpv4(), a.GetPort(), p->GetSize()});
            }
            s->SendTo(p, 0, from);
        }
    }

    static void OnReceive(std::vector<Datagram>* out, Ptr<Socket> s)
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
};

/// (name, value) pairs of attributes.
using Attributes = std::vector<std::pair<std::string, std::string>>;

/// An ICMP message a raw socket received.
struct IcmpMessage
{
    Ipv4Address from; //!< IP source
    Ipv4Address to;   //!< IP destination
    uint8_t type;     //!< ICMP type
    uint8_t code;     //!< ICMP code
    uint16_t id;      //!< echo identifier (echo messages)
    uint16_t seq;     //!< echo sequence number (echo messages)
};

/**
 * ICMP over a raw socket (protocol 1): echo requests with a chosen identifier, and every ICMP
 * message the node receives (the raw socket sees all of them, also those it forwards).
 */
class Icmp
{
  public:
    /// \return a raw ICMP socket on \p n recording what it receives into \p out
    static Ptr<ns3::Socket> Open(Ptr<Node> n, std::vector<IcmpMessage>* out)
    {
        Ptr<ns3::Socket> s = ns3::Socket::CreateSocket(n, Ipv4RawSocketFactory::GetTypeId());
        s->SetAttribute("Protocol", UintegerValue(1));
        s->SetRecvCallback(MakeBoundCallback(&Icmp::OnReceive, out));
        return s;
    }

    /// Send an echo request (identifier \p id, sequence \p seq) from \p s to \p dst at \p at.
    static void PingAt(Time at,
                       Ptr<ns3::Socket> s,
                       const std::string& dst,
                       uint16_t id,
                       uint16_t seq)
    {
        Simulator::ScheduleWithContext(s->GetNode()->GetId(),
                                       at,
                                       &Icmp::DoPing,
                                       s,
                                       Ipv4Address(dst.c_str()),
                                       id,
                                       seq);
    }

    /// Send an ICMP destination unreachable (an error message) from \p s to \p dst at \p at.
    static void SendErrorAt(Time at, Ptr<ns3::Socket> s, const std::string& dst, uint8_t code)
    {
        Simulator::ScheduleWithContext(s->GetNode()->GetId(),
                                       at,
                                       &Icmp::DoSendError,
                                       s,
                                       Ipv4Address(dst.c_str()),
                                       code);
    }

    /// \return the messages of \p all of type \p type
    static std::vector<IcmpMessage> OfType(const std::vector<IcmpMessage>& all, uint8_t type)
    {
        std::vector<IcmpMessage> out;
        for (const IcmpMessage& m : all)
        {
            if (m.type == type)
            {
                out.push_back(m);
            }
        }
        return out;
    }

  private:
    static void DoPing(Ptr<ns3::Socket> s, Ipv4Address dst, uint16_t id, uint16_t seq)
    {
        Ptr<Packet> p = Create<Packet>(16);
        Icmpv4Echo echo;
        echo.SetIdentifier(id);
        echo.SetSequenceNumber(seq);
        echo.SetData(p);
        Ptr<Packet> msg = Create<Packet>();
        msg->AddHeader(echo);
        Icmpv4Header icmp;
        icmp.SetType(Icmpv4Header::ICMPV4_ECHO);
        icmp.SetCode(0);
        if (Node::ChecksumEnabled())
        {
            icmp.EnableChecksum();
        }
        msg->AddHeader(icmp);
        s->SendTo(msg, 0, InetSocketAddress(dst, 0));
    }

    static void DoSendError(Ptr<ns3::Socket> s, Ipv4Address dst, uint8_t code)
    {
        // A destination unreachable about a made-up UDP datagram.
        Ipv4Header about;
        about.SetSource(dst);
        about.SetDestination(Ipv4Address("192.0.2.99"));
        about.SetProtocol(17);
        about.SetPayloadSize(8);
        Icmpv4DestinationUnreachable unreach;
        unreach.SetHeader(about);
        const uint8_t data[8] = {0};
        unreach.SetData(Create<Packet>(data, 8));
        Ptr<Packet> msg = Create<Packet>();
        msg->AddHeader(unreach);
        Icmpv4Header icmp;
        icmp.SetType(Icmpv4Header::ICMPV4_DEST_UNREACH);
        icmp.SetCode(code);
        msg->AddHeader(icmp);
        s->SendTo(msg, 0, InetSocketAddress(dst, 0));
    }

    static void OnReceive(std::vector<IcmpMessage>* out, Ptr<ns3::Socket> s)
    {
        Address from;
        while (Ptr<Packet> p = s->RecvFrom(from))
        {
            Ipv4Header ip;
            p->RemoveHeader(ip);
            Icmpv4Header icmp;
            p->RemoveHeader(icmp);
            IcmpMessage m{ip.GetSource(),
                          ip.GetDestination(),
                          icmp.GetType(),
                          icmp.GetCode(),
                          0,
                          0};
            if (icmp.GetType() == Icmpv4Header::ICMPV4_ECHO ||
                icmp.GetType() == Icmpv4Header::ICMPV4_ECHO_REPLY)
            {
                Icmpv4Echo echo;
                p->RemoveHeader(echo);
                m.id = echo.GetIdentifier();
                m.seq = echo.GetSequenceNumber();
            }
            out->push_back(m);
        }
    }
};

/// The outcome of a TCP echo exchange.
struct TcpResult
{
    bool connected{false};    //!< the client's connection succeeded
    bool failed{false};       //!< the client's connection failed
    uint32_t echoed{0};       //!< bytes the client got back
    Ipv4Address localAddress; //!< the client's local address after connect
    int connectReturn{1};     //!< what Socket::Connect returned (1: not called yet)
};

/**
 * A TCP echo server and clients: the server sends back what it receives; the client connects,
 * sends a number of bytes and counts what comes back.
 */
class Tcp
{
  public:
    /**
     * A TCP echo server on \p n, port \p port.
     * \param peers records the (address, port) of every accepted connection
     * \param bytes counts the bytes received
     */
    static Ptr<Socket> EchoServer(Ptr<Node> n,
                                  uint16_t port,
                                  std::vector<Datagram>* peers,
                                  uint32_t* bytes)
    {
        Ptr<Socket> s = Socket::CreateSocket(n, TcpSocketFactory::GetTypeId());
        s->Bind(InetSocketAddress(Ipv4Address::GetAny(), port));
        s->Listen();
        s->SetAcceptCallback(MakeNullCallback<bool, Ptr<Socket>, const Address&>(),
                             MakeBoundCallback(&Tcp::OnAccept, peers, bytes));
        return s;
    }

    /**
     * Connect from \p n (bound to \p localPort, 0: ephemeral) to dst:port at \p at and send
     * \p size bytes once connected.
     */
    static Ptr<Socket> ClientAt(Time at,
                                Ptr<Node> n,
                                uint16_t localPort,
                                const std::string& dst,
                                uint16_t port,
                                uint32_t size,
                                TcpResult* result,
                                uint8_t tos = 0)
    {
        Ptr<Socket> s = Socket::CreateSocket(n, TcpSocketFactory::GetTypeId());
        s->Bind(InetSocketAddress(Ipv4Address::GetAny(), localPort));
        s->SetIpTos(tos);
        s->SetConnectCallback(MakeBoundCallback(&Tcp::OnConnected, result, size),
                              MakeBoundCallback(&Tcp::OnFailed, result));
        s->SetRecvCallback(MakeBoundCallback(&Tcp::OnClientReceive, result));
        Simulator::ScheduleWithContext(n->GetId(),
                                       at,
                                       &Tcp::DoConnect,
                                       s,
                                       Ipv4Address(dst.c_str()),
                                       port,
                                       result);
        return s;
    }

  private:
    /// InetSocketAddress::SetTos where it exists (up to ns-3.41, where TCP's Connect takes the
    /// socket's TOS from the address)
    template <class A>
    static auto SetAddressTos(A& a, uint8_t tos, int) -> decltype(a.SetTos(tos), void())
    {
        a.SetTos(tos);
    }

    /// No InetSocketAddress::SetTos (ns-3.42+): Connect keeps the socket's TOS
    template <class A>
    static void SetAddressTos(A&, uint8_t, long)
    {
    }

    static void DoConnect(Ptr<Socket> s, Ipv4Address dst, uint16_t port, TcpResult* result)
    {
        const uint8_t tos = s->GetIpTos();
        InetSocketAddress to(dst, port);
        SetAddressTos(to, tos, 0);
        result->connectReturn = s->Connect(to);
        s->SetIpTos(tos);
    }

    static void OnAccept(std::vector<Datagram>* peers,
                         uint32_t* bytes,
                         Ptr<Socket> s,
                         const Address& from)
    {
        InetSocketAddress a = InetSocketAddress::ConvertFrom(from);
        peers->push_back({a.GetIpv4(), a.GetPort(), 0});
        s->SetRecvCallback(MakeBoundCallback(&Tcp::OnServerReceive, bytes));
    }

    static void OnServerReceive(uint32_t* bytes, Ptr<Socket> s)
    {
        while (Ptr<Packet> p = s->Recv())
        {
            if (p->GetSize() == 0)
            {
                break;
            }
            *bytes += p->GetSize();
            s->Send(p);
        }
    }

    static void OnConnected(TcpResult* r, uint32_t size, Ptr<Socket> s)
    {
        r->connected = true;
        Address local;
        s->GetSockName(local);
        r->localAddress = InetSocketAddress::ConvertFrom(local).GetIpv4();
        s->Send(Create<Packet>(size));
    }

    static void OnFailed(TcpResult* r, Ptr<Socket> s)
    {
        r->failed = true;
    }

    static void OnClientReceive(TcpResult* r, Ptr<Socket> s)
    {
        while (Ptr<Packet> p = s->Recv())
        {
            if (p->GetSize() == 0)
            {
                break;
            }
            r->echoed += p->GetSize();
        }
    }
};

/// Counters of the Ipv4PolicyRouting trace sources of one node.
struct PolicyTraces
{
    /// A RuleMatch event.
    struct RuleEvent
    {
        Ipv4Address dst;   //!< packet destination
        uint32_t pref;     //!< rule preference
        RuleAction action; //!< rule action
    };

    /// A ClassLookup event.
    struct ClassEvent
    {
        Ipv4Address dst;             //!< packet destination
        uint32_t classId;            //!< class consulted
        LookupStep::Outcome outcome; //!< what it answered
    };

    /// A Drop event.
    struct DropEvent
    {
        Ipv4Address src;   //!< packet source
        Ipv4Address dst;   //!< packet destination
        RouteError reason; //!< why
        uint32_t iif;      //!< input interface (loopback for local output)
        bool hasPacket;    //!< a packet was given
    };

    /// An IcmpSent event.
    struct IcmpEvent
    {
        Ipv4Address about; //!< destination of the offending packet
        uint8_t type;      //!< ICMP type
        uint8_t code;      //!< ICMP code
    };

    /// A Translate event.
    struct TranslateEvent
    {
        Ipv4Header before;                   //!< header before
        Ipv4Header after;                    //!< header after
        Ipv4PolicyRouting::Translation kind; //!< kind
    };

    /// A RouteCreated event.
    struct CreatedEvent
    {
        Ipv4Address src; //!< packet source
        Ipv4Address dst; //!< packet destination
        uint8_t tos;     //!< TOS
        uint32_t pref;   //!< rule preference
    };

    std::vector<RuleEvent> rules;           //!< RuleMatch
    std::vector<ClassEvent> classes;        //!< ClassLookup
    std::vector<DropEvent> drops;           //!< Drop
    std::vector<IcmpEvent> icmps;           //!< IcmpSent
    std::vector<TranslateEvent> translates; //!< Translate
    std::vector<CreatedEvent> created;      //!< RouteCreated

    /// Connect every trace source of \p r.
    void Connect(Ptr<Ipv4PolicyRouting> r)
    {
        r->TraceConnectWithoutContext("RuleMatch", MakeCallback(&PolicyTraces::OnRule, this));
        r->TraceConnectWithoutContext("ClassLookup", MakeCallback(&PolicyTraces::OnClass, this));
        r->TraceConnectWithoutContext("Drop", MakeCallback(&PolicyTraces::OnDrop, this));
        r->TraceConnectWithoutContext("IcmpSent", MakeCallback(&PolicyTraces::OnIcmp, this));
        r->TraceConnectWithoutContext("Translate", MakeCallback(&PolicyTraces::OnTranslate, this));
        r->TraceConnectWithoutContext("RouteCreated", MakeCallback(&PolicyTraces::OnCreated, this));
    }

    /// Connect only RouteCreated and Translate (the rule scan then uses the rule index).
    void ConnectLight(Ptr<Ipv4PolicyRouting> r)
    {
        r->TraceConnectWithoutContext("Drop", MakeCallback(&PolicyTraces::OnDrop, this));
        r->TraceConnectWithoutContext("IcmpSent", MakeCallback(&PolicyTraces::OnIcmp, this));
        r->TraceConnectWithoutContext("Translate", MakeCallback(&PolicyTraces::OnTranslate, this));
        r->TraceConnectWithoutContext("RouteCreated", MakeCallback(&PolicyTraces::OnCreated, this));
    }

    /// \return the number of Translate events of \p kind
    std::size_t CountTranslations(Ipv4PolicyRouting::Translation kind) const
    {
        std::size_t n = 0;
        for (const TranslateEvent& e : translates)
        {
            n += e.kind == kind ? 1 : 0;
        }
        return n;
    }

  private:
    void OnRule(const Ipv4Header& h, uint32_t pref, RuleAction action)
    {
        rules.push_back({h.GetDestination(), pref, action});
    }

    void OnClass(const Ipv4Header& h, uint32_t classId, LookupStep::Outcome outcome)
    {
        classes.push_back({h.GetDestination(), classId, outcome});
    }

    void OnDrop(Ptr<const Packet> p, const Ipv4Header& h, RouteError reason, uint32_t iif)
    {
        drops.push_back({h.GetSource(), h.GetDestination(), reason, iif, p != nullptr});
    }

    void OnIcmp(const Ipv4Header& h, uint8_t type, uint8_t code)
    {
        icmps.push_back({h.GetDestination(), type, code});
    }

    void OnTranslate(const Ipv4Header& before,
                     const Ipv4Header& after,
                     Ipv4PolicyRouting::Translation kind)
    {
        translates.push_back({before, after, kind});
    }

    void OnCreated(const Ipv4Header& h, uint32_t pref)
    {
        created.push_back({h.GetSource(), h.GetDestination(), h.GetTos(), pref});
    }
};

/**
 * Two uplinks: R forwards for hostA and hostB to up1 or up2; the server addresses
 * 203.0.113.{10,20,40,100,200} exist behind both uplinks (on a stub interface of each), so the
 * uplink a packet reaches tells which way R sent it. MAIN: default via up1; class 101:
 * default via up2. Interfaces of R: 1 hostA, 2 hostB, 3 up1, 4 up2.
 *
 *   hostA 10.1.0.2/16 --+                 +-- 192.0.2.2      up1 [203.0.113.x]
 *                       |-- R ----------- |
 *   hostB 10.2.0.2/24 --+                 +-- 198.51.100.2   up2 [203.0.113.x]
 */
struct TwoUplinks
{
    TestNetwork net;
    Ptr<Node> hostA;
    Ptr<Node> hostB;
    Ptr<Node> router;
    Ptr<Node> up1;
    Ptr<Node> up2;
    uint32_t aIf{0};                 //!< hostA's interface to R
    uint32_t bIf{0};                 //!< hostB's interface to R
    std::vector<WirePacket> atUp1;   //!< what up1 received
    std::vector<WirePacket> atUp2;   //!< what up2 received
    std::vector<Datagram> sinkUp1;   //!< UDP port 9 at up1
    std::vector<Datagram> sinkUp2;   //!< UDP port 9 at up2
    std::vector<Datagram> sinkR;     //!< UDP port 9 at R
    std::vector<Datagram> sinkHostA; //!< UDP port 9 at hostA

    /// \param attributes (name, value) pairs for R's Ipv4PolicyRouting only
    explicit TwoUplinks(const Attributes& attributes = {})
    {
        hostA = net.AddNode();
        hostB = net.AddNode();
        up1 = net.AddNode();
        up2 = net.AddNode();
        for (const auto& [name, value] : attributes)
        {
            net.Set(name, StringValue(value));
        }
        router = net.AddNode();
        auto [a, ra] = net.Link(hostA, "10.1.0.2/16", router, "10.1.0.1/16");
        auto [b, rb] = net.Link(hostB, "10.2.0.2/24", router, "10.2.0.1/24");
        auto [r1, u1] = net.Link(router, "192.0.2.1/30", up1, "192.0.2.2/30");
        auto [r2, u2] = net.Link(router, "198.51.100.1/30", up2, "198.51.100.2/30");
        aIf = a;
        bIf = b;
        for (Ptr<Node> up : {up1, up2})
        {
            const uint32_t stub = net.Attach(up, "203.0.113.10/24", CreateObject<SimpleChannel>());
            for (const char* extra :
                 {"203.0.113.20", "203.0.113.40", "203.0.113.100", "203.0.113.200"})
            {
                up->GetObject<Ipv4>()->AddAddress(
                    stub,
                    Ipv4InterfaceAddress(Ipv4Address(extra), Ipv4Mask("255.255.255.0")));
            }
        }
        Udp::Sink(up1, 9, &sinkUp1);
        Udp::Sink(up2, 9, &sinkUp2);
        Udp::Sink(router, 9, &sinkR);
        Udp::Sink(hostA, 9, &sinkHostA);
        WireTap::Attach(up1, &atUp1);
        WireTap::Attach(up2, &atUp2);

        Ipv4PolicyRoutingHelper h;
        h.AddRoute(hostA, PolicyRouteSpec("default").Via("10.1.0.1").Dev(a));
        h.AddRoute(hostB, PolicyRouteSpec("default").Via("10.2.0.1").Dev(b));
        for (auto [up, i, gw] :
             {std::make_tuple(up1, u1, "192.0.2.1"), std::make_tuple(up2, u2, "198.51.100.1")})
        {
            h.AddRoute(up, PolicyRouteSpec("10.0.0.0/8").Via(gw).Dev(i));
            h.AddRoute(up, PolicyRouteSpec("192.0.2.0/24").Via(gw).Dev(i));
            h.AddRoute(up, PolicyRouteSpec("198.51.100.0/24").Via(gw).Dev(i));
        }
        h.AddRoute(router, PolicyRouteSpec("default").Via("192.0.2.2").Dev(r1));
        h.AddRoute(router, PolicyRouteSpec("default").Via("198.51.100.2").Dev(r2).Class(101));
        (void)ra;
        (void)rb;
    }

    /// \return R's policy routing
    Ptr<Ipv4PolicyRouting> R() const
    {
        return TestNetwork::Routing(router);
    }

    /// \return R's device on interface \p i
    Ptr<NetDevice> RDev(uint32_t i) const
    {
        return router->GetObject<Ipv4>()->GetNetDevice(i);
    }

    /// \return the UDP port-9 packets \p tap saw (to any server address)
    static std::vector<WirePacket> ToPort9(const std::vector<WirePacket>& tap)
    {
        std::vector<WirePacket> out;
        for (const WirePacket& w : tap)
        {
            if (w.protocol == 17 && w.dstPort == 9)
            {
                out.push_back(w);
            }
        }
        return out;
    }

    /// \return how many port-9 datagrams to \p dst (from \p src, if given) reached \p tap
    static std::size_t Count(const std::vector<WirePacket>& tap,
                             const std::string& dst,
                             const std::string& src = "")
    {
        std::size_t n = 0;
        for (const WirePacket& w : ToPort9(tap))
        {
            if (w.dst == Ipv4Address(dst.c_str()) &&
                (src.empty() || w.src == Ipv4Address(src.c_str())))
            {
                ++n;
            }
        }
        return n;
    }
};

/// Schedule interface \p i of \p n down (or up) at \p at.
inline void
SetInterfaceAt(Time at, Ptr<Node> n, uint32_t i, bool up)
{
    Simulator::Schedule(at, [n, i, up]() {
        Ptr<Ipv4> ipv4 = n->GetObject<Ipv4>();
        if (up)
        {
            ipv4->SetUp(i);
        }
        else
        {
            ipv4->SetDown(i);
        }
    });
}

/// \return class \p id of \p r as `ip route show table ID` prints it
inline std::string
ClassListing(Ptr<const Ipv4PolicyRouting> r, uint32_t id)
{
    std::ostringstream os;
    r->GetDatabase().PrintClass(os, id, [r](uint32_t i) { return r->GetInterfaceName(i); });
    return os.str();
}

} // namespace policyroutingtest

#endif /* POLICY_ROUTING_TEST_KIT_H */
