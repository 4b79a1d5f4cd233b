/*
 * SPDX-License-Identifier: GPL-2.0-only
 *
 * Pieces shared by the ShaperNetDevice test suites: a master device whose link can be taken
 * down and that can swallow packets without events, a feeder that keeps a shaper backlogged
 * through its NetDeviceQueueInterface, and exact-time helpers.
 */

#ifndef SHAPER_TEST_UTIL_H
#define SHAPER_TEST_UTIL_H

#include "ns3/error-model.h"
#include "ns3/net-device-queue-interface.h"
#include "ns3/nstime.h"
#include "ns3/packet.h"
#include "ns3/shaper-net-device.h"
#include "ns3/simple-net-device.h"
#include "ns3/simulator.h"
#include "ns3/test.h"
#include "ns3/traced-callback.h"

#include <cstdint>
#include <functional>
#include <vector>

namespace shapertest
{

using namespace ns3;

/// 128-bit integer for exact expectations.
__extension__ typedef __int128 Int128;

/**
 * \ingroup policy-routing-tests
 * A SimpleNetDevice whose link can be taken down and up, and which, in sink mode, swallows
 * what it is sent (recording it) without scheduling anything.
 */
class TestMaster : public SimpleNetDevice
{
  public:
    /**
     * \brief Get the type ID.
     * \return the object TypeId
     */
    static TypeId GetTypeId()
    {
        static TypeId tid = TypeId("ns3::ShaperTestMaster")
                                .SetParent<SimpleNetDevice>()
                                .SetGroupName("PolicyRouting")
                                .AddConstructor<TestMaster>();
        return tid;
    }

    bool sink{true};                         //!< swallow packets (no channel needed)
    bool up{true};                           //!< link state
    bool keepLog{true};                      //!< record every packet
    std::vector<int64_t> times;              //!< send times (time steps)
    std::vector<uint32_t> sizes;             //!< sizes
    uint64_t count{0};                       //!< packets sent
    uint64_t bytes{0};                       //!< bytes sent
    std::function<void(Ptr<Packet>)> onSend; //!< called for every packet sent
    uint64_t sendFromCount{0};               //!< packets sent with SendFrom
    Address lastSource;                      //!< source of the last SendFrom

    /// Take the link down or up (fires the link-change callbacks).
    void SetUp(bool u)
    {
        up = u;
        m_callbacks();
    }

    bool IsLinkUp() const override
    {
        return up && (sink || SimpleNetDevice::IsLinkUp());
    }

    void AddLinkChangeCallback(Callback<void> callback) override
    {
        m_callbacks.ConnectWithoutContext(callback);
        SimpleNetDevice::AddLinkChangeCallback(callback);
    }

    bool Send(Ptr<Packet> packet, const Address& dest, uint16_t protocol) override
    {
        if (!up)
        {
            return false;
        }
        Record(packet);
        return sink ? true : SimpleNetDevice::Send(packet, dest, protocol);
    }

    bool SendFrom(Ptr<Packet> packet,
                  const Address& source,
                  const Address& dest,
                  uint16_t protocol) override
    {
        if (!up)
        {
            return false;
        }
        Record(packet);
        sendFromCount++;
        lastSource = source;
        return sink ? true : SimpleNetDevice::SendFrom(packet, source, dest, protocol);
    }

  private:
    void Record(Ptr<Packet> packet)
    {
        count++;
        bytes += packet->GetSize();
        if (keepLog)
        {
            times.push_back(Simulator::Now().GetTimeStep());
            sizes.push_back(packet->GetSize());
        }
        if (onSend)
        {
            onSend(packet);
        }
    }

    TracedCallback<> m_callbacks; //!< link-change callbacks
};

/**
 * \ingroup policy-routing-tests
 * Keeps a shaper backlogged as a queue disc would: sends until the shaper's device queue is
 * stopped, and again when it is woken.
 */
class Feeder
{
  public:
    /**
     * \param shaper the shaper to feed
     * \param dest destination address for Send
     * \param total packets to send in all
     * \param size size of packet i
     */
    Feeder(Ptr<ShaperNetDevice> shaper,
           Address dest,
           uint64_t total,
           std::function<uint32_t(uint64_t)> size)
        : m_shaper(shaper),
          m_dest(dest),
          m_total(total),
          m_size(size)
    {
    }

    /// Start feeding (call in the shaper's node context).
    void Start()
    {
        m_txq = m_shaper->GetObject<NetDeviceQueueInterface>()->GetTxQueue(0);
        m_txq->SetWakeCallback(MakeCallback(&Feeder::Fill, this));
        Fill();
    }

    /// Send until stopped or done.
    void Fill()
    {
        while (sent < m_total && !m_txq->IsStopped())
        {
            bool ok = m_shaper->Send(Create<Packet>(m_size(sent)), m_dest, 0x0800);
            refused += ok ? 0 : 1;
            sent++;
        }
    }

    uint64_t sent{0};    //!< packets sent
    uint64_t refused{0}; //!< Send returned false

  private:
    Ptr<ShaperNetDevice> m_shaper;            //!< the shaper
    Address m_dest;                           //!< destination
    uint64_t m_total;                         //!< packets to send
    std::function<uint32_t(uint64_t)> m_size; //!< size of packet i
    Ptr<NetDeviceQueue> m_txq;                //!< the shaper's device queue
};

/**
 * \ingroup policy-routing-tests
 * Records packets (times, sizes, protocols) from protocol handlers and trace sources.
 */
struct Recorder
{
    std::vector<int64_t> times;      //!< time steps
    std::vector<uint32_t> sizes;     //!< sizes
    std::vector<uint16_t> protocols; //!< protocols (handlers only)
    uint64_t bytes{0};               //!< total bytes

    /// A Node::ProtocolHandler.
    void Receive(Ptr<NetDevice>,
                 Ptr<const Packet> p,
                 uint16_t protocol,
                 const Address&,
                 const Address&,
                 NetDevice::PacketType)
    {
        protocols.push_back(protocol);
        Trace(p);
    }

    /// A Packet::TracedCallback sink.
    void Trace(Ptr<const Packet> p)
    {
        times.push_back(Simulator::Now().GetTimeStep());
        sizes.push_back(p->GetSize());
        bytes += p->GetSize();
    }

    /// A ShaperNetDevice "Drop" sink.
    void Drop(Ptr<const Packet> p, ShaperNetDevice::DropReason reason)
    {
        reasons.push_back(reason);
        Trace(p);
    }

    std::vector<ShaperNetDevice::DropReason> reasons; //!< drop reasons

    /// Counts link-change callbacks.
    void LinkChange()
    {
        linkChanges++;
    }

    uint32_t linkChanges{0}; //!< link-change callbacks
};

/// ceil(bits * timeStepsPerSecond / rate): time steps needed to send bits at rate.
inline int64_t
StepsFor(Int128 bits, uint64_t rate)
{
    Int128 u = Seconds(1).GetTimeStep();
    return static_cast<int64_t>((bits * u + rate - 1) / rate);
}

} // namespace shapertest

#endif /* SHAPER_TEST_UTIL_H */
