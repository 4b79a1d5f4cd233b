/*
 * SPDX-License-Identifier: GPL-2.0-only
 *
 * ShaperNetDevice: the Linux traffic shaper (drivers/net/shaper.c, "shapecfg attach shaper0
 * eth1; shapecfg speed shaper0 64000") as an ns-3 NetDevice that attaches to another device and
 * limits what that device transmits. See doc/shaper.rst for the design and
 * ../shared/reference/semantics.md §6 for the Linux driver it reproduces in its Linux mode.
 */

#ifndef SHAPER_NET_DEVICE_H
#define SHAPER_NET_DEVICE_H

#include "ns3/data-rate.h"
#include "ns3/event-id.h"
#include "ns3/net-device.h"
#include "ns3/node.h"
#include "ns3/nstime.h"
#include "ns3/queue.h"
#include "ns3/traced-callback.h"

#include <array>
#include <cstdint>
#include <deque>
#include <memory>
#include <string>

namespace ns3
{

class NetDeviceQueue;
class ShaperMasterWatcher;
class NetDeviceQueueInterface;
class TrafficControlLayer;
class Ipv4;

/**
 * \defgroup policy-routing-shaper Traffic shaper
 * \ingroup policy-routing
 * The Linux traffic shaper as an ns-3 NetDevice.
 */

/**
 * \ingroup policy-routing-shaper
 * \brief A device that attaches to another device (the master) and limits the rate at which
 * it transmits: the Linux shaper driver ("shapecfg attach shaper0 eth1").
 *
 * The shaper is added to the same node as its master and attached to it with Attach(). The
 * IPv4 interface normally sits on the shaper, with the address the master would have had
 * (the master then needs no IPv4 interface): frames the master receives are handed up through
 * the shaper, unshaped. If the master keeps an IPv4 interface of its own (the Linux layout:
 * "eth1" and "shaper0" with the same address, routes choosing which one shapes), only ARP
 * frames are handed up through the shaper, so that IPv4 never sees a frame twice.
 *
 * What the upper layers send through the shaper is queued in an ns-3 Queue<Packet> (the
 * TxQueue attribute) and released to the master at the set speed (DataRate). Two modes:
 *
 * - **Exact** (default): each packet is released at the start of its slot on a virtual link of
 *   the set speed. Release times come from the number of bits sent since the start of the
 *   busy period, with 128-bit integer arithmetic on the simulator's time unit, rounded up
 *   once per packet and never accumulated: after any number of packets the bytes released
 *   equal speed x time within one packet, from 1 bit/s to 400 Gbit/s and beyond. With a
 *   Burst (bytes) the shaper is a token bucket of that depth, as Linux tc tbf and ns-3's
 *   TbfQueueDisc (a packet leaves when the bucket holds its size; larger packets are dropped).
 * - **Linux**: the driver's own algorithm on a clock of Hz ticks (semantics.md §6): bytes per
 *   tick truncated (at least 1), packet ticks truncated, a packet's start clock fixed at
 *   enqueue, new packets dropped when that start is more than Latency away, the oldest packet
 *   dropped beyond LinuxQueueLength packets, release up to Hz/50 ticks early, and the speed
 *   reset to 0 by Attach() (set it afterwards, as "shapecfg speed" after "shapecfg attach").
 *
 * At most one simulator event is scheduled per released packet (none when a packet can leave
 * at once). The shaper exposes a NetDeviceQueueInterface connected to its queue, so queue
 * discs above it stop and wake correctly; when the master's own queue is full the shaper
 * waits for it (the master's NetDeviceQueue wake, or its TxQueue) instead of losing packets;
 * when the master has a root queue disc of its own, released packets go through it, as Linux
 * sends them through dev_queue_xmit().
 *
 * Link state follows the master: when the master goes down, is detached or is disposed, the
 * queued packets are dropped (Drop trace), the link-change callbacks fire, and sending resumes
 * when the master comes back (or a master is attached again).
 */
class ShaperNetDevice : public NetDevice
{
  public:
    /// Why a packet was dropped (the Drop trace source).
    enum DropReason
    {
        DROP_QUEUE_FULL = 0, //!< the TxQueue refused the packet (exact mode tail drop)
        DROP_OVERSIZE,       //!< larger than the token bucket (Burst), as tbf drops it
        DROP_LINUX_LATENCY,  //!< Linux mode: start more than Latency away ("spill packet")
        DROP_LINUX_OVERFLOW, //!< Linux mode: more than LinuxQueueLength queued, oldest dropped
        DROP_LINK_DOWN,      //!< the master is down: queued packets flushed, or sent while down
        DROP_DETACHED,       //!< the master was detached or disposed, or sent while detached
        DROP_MASTER_REFUSED, //!< the master's Send() returned false
        DROP_QUEUE_REPLACED, //!< the TxQueue was replaced while holding packets
        DROP_REASON_COUNT    //!< number of reasons (not a reason)
    };

    /**
     * Counters kept by the device (also useful to tests and benchmarks).
     */
    struct Stats
    {
        uint64_t sentPackets{0};     //!< handed to the master (or its queue disc)
        uint64_t sentBytes{0};       //!< bytes of those packets (without Overhead)
        uint64_t enqueued{0};        //!< packets accepted into the shaper queue
        uint64_t dropped{0};         //!< all drops
        uint64_t receivedPackets{0}; //!< frames of the master handed up through the shaper
        uint64_t releaseEvents{0};   //!< release events scheduled by the shaper
        uint64_t masterWaits{0};     //!< times the shaper had to wait for a full master
        std::array<uint64_t, DROP_REASON_COUNT> drops{}; //!< drops by DropReason
    };

    /**
     * \brief Get the type ID.
     * \return the object TypeId
     */
    static TypeId GetTypeId();

    ShaperNetDevice();
    ~ShaperNetDevice() override;

    /**
     * Attach the shaper to a master device on the same node ("shapecfg attach"). The shaper
     * must have been added to the node first. Aborts if the shaper is already attached, if the
     * master is on another node, is the shaper itself, or already has a shaper.
     * In Linux mode the speed is reset to 0, as the driver does.
     * \param master the device whose transmissions are shaped
     */
    void Attach(Ptr<NetDevice> master);

    /**
     * Detach the shaper from its master. Queued packets are dropped (DROP_DETACHED) and the
     * link goes down; frames the master receives are no longer handed up. Sending while
     * detached drops the packet; Attach() may be called again.
     */
    void Detach();

    /**
     * \return the master device, or null when not attached
     */
    Ptr<NetDevice> GetMaster() const;

    /**
     * \return true if attached to a master
     */
    bool IsAttached() const;

    /**
     * Set the speed ("shapecfg speed", in bit/s). May be changed at any time; the packets
     * already released are not affected and no credit is lost or gained.
     * \param rate the speed
     */
    void SetDataRate(DataRate rate);

    /**
     * \return the speed
     */
    DataRate GetDataRate() const;

    /**
     * Replace the transmit queue. Packets held in the old queue are dropped
     * (DROP_QUEUE_REPLACED).
     * \param queue the new queue
     */
    void SetQueue(Ptr<Queue<Packet>> queue);

    /**
     * \return the transmit queue
     */
    Ptr<Queue<Packet>> GetQueue() const;

    /**
     * \return the counters
     */
    const Stats& GetStats() const;

    /**
     * \return true in Linux mode, false in exact mode
     */
    bool IsLinuxMode() const;

    /**
     * Linux mode: the bytes per tick for the current speed, as shaper_setspeed() computes
     * them: (bit/s / Hz) / 8, truncated, at least 1.
     * \return bytes per tick
     */
    uint64_t GetBytesPerTick() const;

    /**
     * Linux mode: how many ticks a packet of this size occupies (truncated).
     * \param bytes the packet size, Overhead not included
     * \return the ticks
     */
    uint64_t GetPacketTicks(uint32_t bytes) const;

    // NetDevice
    void SetIfIndex(const uint32_t index) override;
    uint32_t GetIfIndex() const override;
    Ptr<Channel> GetChannel() const override;
    void SetAddress(Address address) override;
    Address GetAddress() const override;
    bool SetMtu(const uint16_t mtu) override;
    uint16_t GetMtu() const override;
    bool IsLinkUp() const override;
    void AddLinkChangeCallback(Callback<void> callback) override;
    bool IsBroadcast() const override;
    Address GetBroadcast() const override;
    bool IsMulticast() const override;
    Address GetMulticast(Ipv4Address multicastGroup) const override;
    Address GetMulticast(Ipv6Address addr) const override;
    bool IsBridge() const override;
    bool IsPointToPoint() const override;
    bool Send(Ptr<Packet> packet, const Address& dest, uint16_t protocolNumber) override;
    bool SendFrom(Ptr<Packet> packet,
                  const Address& source,
                  const Address& dest,
                  uint16_t protocolNumber) override;
    Ptr<Node> GetNode() const override;
    void SetNode(Ptr<Node> node) override;
    bool NeedsArp() const override;
    void SetReceiveCallback(NetDevice::ReceiveCallback cb) override;
    void SetPromiscReceiveCallback(NetDevice::PromiscReceiveCallback cb) override;
    bool SupportsSendFrom() const override;

    /**
     * TracedCallback signature for drops.
     * \param [in] packet the dropped packet
     * \param [in] reason why it was dropped
     */
    typedef void (*DropTracedCallback)(Ptr<const Packet> packet, DropReason reason);

    /**
     * TracedCallback signature for the cooked sniffer (used by ShaperHelper's pcap files,
     * Linux cooked capture, as "tcpdump -i shaper0" records).
     * \param [in] packet the packet, without link-layer header
     * \param [in] protocol its EtherType
     * \param [in] packetType the SLL packet type: 0 to us, 1 broadcast, 2 multicast,
     *             3 to another host, 4 sent by us
     * \param [in] address the link-layer source address (ours when sending)
     */
    typedef void (*CookedSnifferTracedCallback)(Ptr<const Packet> packet,
                                                uint16_t protocol,
                                                uint8_t packetType,
                                                const Address& address);

    /**
     * TracedCallback signature for the time a packet spent in the shaper.
     * \param [in] sojourn the time from Send() to the release to the master
     */
    typedef void (*SojournTracedCallback)(Time sojourn);

  protected:
    void DoDispose() override;
    void NotifyConstructionCompleted() override;

  private:
    /// What the shaper remembers about a queued packet.
    struct Meta
    {
        const Packet* packet{nullptr}; //!< to check that the queue is FIFO
        Address source;                //!< source (SendFrom only)
        Address dest;                  //!< destination
        uint16_t protocol{0};          //!< protocol number
        bool useSource{false};         //!< SendFrom()
        Time enqueued;                 //!< when it was enqueued
        int64_t shapeClock{0};         //!< Linux mode: start tick (shapeclock)
        int64_t shapeLen{0};           //!< Linux mode: ticks (shapelen)
    };

    /// Watches the master's disposal (aggregated to the master).
    friend class ShaperMasterWatcher;

    /**
     * Send() and SendFrom(): checks, then the mode's enqueue.
     * \param packet the packet
     * \param source source address (useSource only)
     * \param dest destination address
     * \param protocol protocol number
     * \param useSource SendFrom
     * \return false if the packet was dropped
     */
    bool DoSend(Ptr<Packet> packet,
                const Address& source,
                const Address& dest,
                uint16_t protocol,
                bool useSource);
    /**
     * Exact mode: tail drop by the TxQueue, oversize drop with a bucket.
     * \param packet the packet
     * \param meta what to remember about it
     * \return false if dropped
     */
    bool EnqueueExact(Ptr<Packet> packet, Meta& meta);
    /**
     * Linux mode: shaper_start_xmit() (start clock, latency drop, oldest dropped).
     * \param packet the packet
     * \param meta what to remember about it
     * \return false if dropped
     */
    bool EnqueueLinux(Ptr<Packet> packet, Meta& meta);
    /// Release every head packet that is due; schedule the next release (shaper_kick()).
    void Kick();
    /// The release event.
    void ReleaseEvent();
    /**
     * Schedule the release event.
     * \param when its time
     */
    void ScheduleRelease(Time when);
    /**
     * Take the head packet out and hand it to the master.
     * \param earliest exact mode: the time step the clock allowed it at
     */
    void ReleaseHead(int64_t earliest);
    /**
     * Send to the master, or to the master's root queue disc if it has one.
     * \param packet the packet
     * \param meta its destination and protocol
     */
    void HandToMaster(Ptr<Packet> packet, const Meta& meta);
    /**
     * \param packet the packet to send
     * \return true if the master can take it now without dropping it
     */
    bool MasterReady(Ptr<const Packet> packet);
    /// \return true if the master has a root queue disc of its own
    bool MasterHasQueueDisc();
    /// Wait for the master's queue to have room.
    void WaitForMaster();
    /// The master's queue has room again.
    void MasterWake();
    /**
     * The master's TxQueue let a packet go (traced; retried in an event of our own).
     * \param packet the packet
     */
    void MasterQueueDequeued(Ptr<const Packet> packet);
    /// The master's link state changed (or may have).
    void MasterLinkChanged();
    /// The master is being disposed: handled as a detach.
    void MasterDisposed();
    /**
     * Drop every queued packet.
     * \param reason why
     */
    void DropQueued(DropReason reason);
    /**
     * Count and trace a drop.
     * \param packet the packet
     * \param reason why
     */
    void Drop(Ptr<const Packet> packet, DropReason reason);
    /**
     * Disconnect from the master.
     * \param masterAlive the master is not being disposed
     */
    void Unhook(bool masterAlive);
    /**
     * Protocol handler for the master's frames.
     * \param device the master
     * \param packet the frame
     * \param protocol its protocol
     * \param from source address
     * \param to destination address
     * \param packetType its type
     */
    void ReceiveFromMaster(Ptr<NetDevice> device,
                           Ptr<const Packet> packet,
                           uint16_t protocol,
                           const Address& from,
                           const Address& to,
                           PacketType packetType);
    /**
     * Promiscuous protocol handler for the master's frames.
     * \param device the master
     * \param packet the frame
     * \param protocol its protocol
     * \param from source address
     * \param to destination address
     * \param packetType its type
     */
    void PromiscReceiveFromMaster(Ptr<NetDevice> device,
                                  Ptr<const Packet> packet,
                                  uint16_t protocol,
                                  const Address& from,
                                  const Address& to,
                                  PacketType packetType);
    /// \return true if the master has an IPv4 interface of its own (the Linux layout)
    bool MasterHasIpv4Interface();
    /// \param mode "Exact" or "Linux"
    void SetMode(std::string mode);
    /// \return "Exact" or "Linux"
    std::string GetMode() const;
    /// \param bytes token bucket depth (0: none)
    void SetBurst(uint32_t bytes);
    /// \return token bucket depth
    uint32_t GetBurst() const;
    /// \return simulator time steps per second
    int64_t UnitsPerSecond() const;
    /**
     * \param t a time
     * \return the tick (jiffies) at t
     */
    int64_t Jiffies(Time t) const;
    /**
     * \param tick a tick
     * \return when it starts
     */
    Time TickTime(int64_t tick) const;
    /// \return Latency in ticks
    int64_t LatencyTicks() const;
    /// \return how many ticks early a packet may leave
    int64_t EarlyTicks() const;
    /**
     * Exact mode: when a packet of this many bits may leave.
     * \param bits its size in bits (Overhead included)
     * \return the earliest release time, rounded up to a time step
     */
    Time ExactEarliest(uint64_t bits) const;
    /**
     * Exact mode: advance the clock for a released packet.
     * \param now its release time step
     * \param earliest the time step the clock allowed it at
     * \param bits its size in bits (Overhead included)
     */
    void ExactReleased(int64_t now, int64_t earliest, uint64_t bits);
    /**
     * Exact mode: restart the clock (bucket full).
     * \param now the time step
     */
    void ExactReset(int64_t now);
    /**
     * The master's link-change callback; does nothing once detached.
     * \param token the shaper, or null once detached
     */
    static void LinkChangeTrampoline(std::shared_ptr<ShaperNetDevice*> token);

    // configuration
    Ptr<Node> m_node;                    //!< the node
    uint32_t m_ifIndex{0};               //!< interface index
    Address m_address;                   //!< address when not attached
    uint16_t m_mtu{0};                   //!< own MTU (0: the master's)
    DataRate m_rate;                     //!< speed
    bool m_linux{false};                 //!< Linux mode
    uint32_t m_burst{0};                 //!< token bucket depth in bytes (0: none)
    uint32_t m_overhead{0};              //!< bytes added to every packet's size for shaping
    uint32_t m_hz{100};                  //!< Linux mode: ticks per second
    Time m_latency;                      //!< Linux mode: SHAPER_LATENCY
    uint32_t m_linuxQueueLength{10};     //!< Linux mode: SHAPER_QLEN
    int32_t m_earlyTicks{-1};            //!< Linux mode: SHAPER_BURST in ticks (-1: Hz/50)
    Ptr<Queue<Packet>> m_queue;          //!< transmit queue
    std::deque<Meta> m_meta;             //!< per queued packet, same order as m_queue
    Ptr<NetDeviceQueueInterface> m_ndqi; //!< our own queue interface

    // master
    Ptr<NetDevice> m_master;                   //!< the master
    Ptr<ShaperMasterWatcher> m_watcher;        //!< aggregated to the master
    bool m_wasAttached{false};                 //!< Attach() was called at least once
    bool m_linkUp{false};                      //!< link state last reported
    std::shared_ptr<ShaperNetDevice*> m_token; //!< link-change callback guard
    Ptr<NetDeviceQueue> m_masterTxQueue;       //!< the master's tx queue (flow control)
    Ptr<NetDeviceQueueInterface> m_masterNdqi; //!< the master's queue interface
    Ptr<Queue<Packet>> m_masterQueue;          //!< the master's TxQueue, if it has one
    Ptr<TrafficControlLayer> m_tc;             //!< the node's traffic control layer
    Ptr<Ipv4> m_ipv4;                          //!< the node's IPv4, if any
    bool m_waitingForMaster{false};            //!< blocked by a full master
    bool m_masterWakeHooked{false};            //!< we set the master's wake callback
    EventId m_masterRetry;                     //!< retry after the master's queue moved
    Node::ProtocolHandler m_handler;           //!< registered for the master
    Node::ProtocolHandler m_promiscHandler;    //!< registered for the master (promisc)
    bool m_promiscRegistered{false};           //!< m_promiscHandler is registered

    // state
    EventId m_releaseEvent;              //!< the one pending release
    bool m_kicking{false};               //!< re-entrancy guard
    mutable int64_t m_unitsPerSecond{0}; //!< simulator time units per second
    int64_t m_t0{0};                     //!< exact mode: anchor (time units)
    int64_t m_bits{0};                   //!< exact mode: bits owed since the anchor (may be < 0)
    int64_t m_recovery{0};               //!< Linux mode: recovery (ticks)
    int64_t m_queuedTicks{0};            //!< Linux mode: sum of shapelen of queued packets
    Stats m_stats;                       //!< counters

    // callbacks and traces
    NetDevice::ReceiveCallback m_rxCallback;                   //!< receive callback
    NetDevice::PromiscReceiveCallback m_promiscRxCallback;     //!< promiscuous receive callback
    TracedCallback<> m_linkChangeCallbacks;                    //!< link change callbacks
    TracedCallback<Ptr<const Packet>> m_macTxTrace;            //!< MacTx
    TracedCallback<Ptr<const Packet>> m_macTxDropTrace;        //!< MacTxDrop
    TracedCallback<Ptr<const Packet>> m_macRxTrace;            //!< MacRx
    TracedCallback<Ptr<const Packet>> m_macPromiscRxTrace;     //!< MacPromiscRx
    TracedCallback<Ptr<const Packet>> m_enqueueTrace;          //!< Enqueue
    TracedCallback<Ptr<const Packet>> m_dequeueTrace;          //!< Dequeue
    TracedCallback<Ptr<const Packet>, DropReason> m_dropTrace; //!< Drop
    TracedCallback<Ptr<const Packet>> m_phyTxBeginTrace;       //!< PhyTxBegin
    TracedCallback<Ptr<const Packet>> m_snifferTrace;          //!< Sniffer
    TracedCallback<Ptr<const Packet>> m_promiscSnifferTrace;   //!< PromiscSniffer
    TracedCallback<Ptr<const Packet>, uint16_t, uint8_t, const Address&>
        m_cookedSnifferTrace;            //!< CookedSniffer
    TracedCallback<Time> m_sojournTrace; //!< Sojourn
};

/**
 * \ingroup policy-routing-shaper
 * \param os the stream
 * \param reason a drop reason
 * \return the stream, with the reason's name written
 */
std::ostream& operator<<(std::ostream& os, ShaperNetDevice::DropReason reason);

} // namespace ns3

#endif /* SHAPER_NET_DEVICE_H */
