/*
 * SPDX-License-Identifier: GPL-2.0-only
 *
 * ShaperNetDevice: see shaper-net-device.h and doc/shaper.rst.
 */

#include "shaper-net-device.h"

#include "ns3/abort.h"
#include "ns3/boolean.h"
#include "ns3/channel.h"
#include "ns3/integer.h"
#include "ns3/ipv4-header.h"
#include "ns3/ipv4-queue-disc-item.h"
#include "ns3/ipv4.h"
#include "ns3/log.h"
#include "ns3/mac48-address.h"
#include "ns3/net-device-queue-interface.h"
#include "ns3/pointer.h"
#include "ns3/queue-disc.h"
#include "ns3/queue-item.h"
#include "ns3/simulator.h"
#include "ns3/string.h"
#include "ns3/traffic-control-layer.h"
#include "ns3/uinteger.h"

#include <algorithm>
#include <limits>

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("ShaperNetDevice");

NS_OBJECT_ENSURE_REGISTERED(ShaperNetDevice);

namespace
{

/// 128-bit integers for exact time arithmetic (bits x time units per second).
__extension__ typedef __int128 Int128;

/// EtherType of ARP.
const uint16_t ETHERTYPE_ARP = 0x0806;

/// EtherType of IPv4.
const uint16_t ETHERTYPE_IPV4 = 0x0800;

/// SLL packet type of a packet sent by this host (Linux PACKET_OUTGOING).
const uint8_t SLL_OUTGOING = 4;

/// The SLL packet type of a received frame.
uint8_t
SllPacketType(NetDevice::PacketType type)
{
    switch (type)
    {
    case NetDevice::PACKET_HOST:
        return 0;
    case NetDevice::PACKET_BROADCAST:
        return 1;
    case NetDevice::PACKET_MULTICAST:
        return 2;
    default:
        return 3;
    }
}

/// ceil(a / b) for a >= 0, b > 0.
Int128
CeilDiv(Int128 a, Int128 b)
{
    return (a + b - 1) / b;
}

} // namespace

/**
 * \ingroup policy-routing-shaper
 * A queue disc item for the packets the shaper hands to its master's root queue disc: the
 * packet already carries its network header, so AddHeader() has nothing to add. For IPv4
 * packets, the flow hash, the DS field and ECN marking work as for an Ipv4QueueDiscItem.
 */
class ShaperQueueDiscItem : public QueueDiscItem
{
  public:
    /**
     * \param p the packet (with its network header)
     * \param addr the destination address
     * \param protocol the protocol number
     */
    ShaperQueueDiscItem(Ptr<Packet> p, const Address& addr, uint16_t protocol)
        : QueueDiscItem(p, addr, protocol)
    {
        m_isIpv4 = protocol == ETHERTYPE_IPV4 && p->PeekHeader(m_header) > 0;
    }

    void AddHeader() override
    {
    }

    bool Mark() override
    {
        if (!m_isIpv4 || m_header.GetEcn() == Ipv4Header::ECN_NotECT)
        {
            return false;
        }
        if (m_header.GetEcn() != Ipv4Header::ECN_CE)
        {
            Ipv4Header h;
            GetPacket()->RemoveHeader(h);
            h.SetEcn(Ipv4Header::ECN_CE);
            if (Node::ChecksumEnabled())
            {
                h.EnableChecksum();
            }
            GetPacket()->AddHeader(h);
            m_header = h;
        }
        return true;
    }

    bool GetUint8Value(QueueItem::Uint8Values field, uint8_t& value) const override
    {
        if (m_isIpv4 && field == QueueItem::IP_DSFIELD)
        {
            value = m_header.GetTos();
            return true;
        }
        return false;
    }

    uint32_t Hash(uint32_t perturbation) const override
    {
        if (!m_isIpv4)
        {
            return QueueDiscItem::Hash(perturbation);
        }
        Ptr<Packet> payload = GetPacket()->Copy();
        Ipv4Header h;
        payload->RemoveHeader(h);
        return Create<Ipv4QueueDiscItem>(payload, GetAddress(), GetProtocol(), h)
            ->Hash(perturbation);
    }

  private:
    bool m_isIpv4{false}; //!< the packet starts with an IPv4 header
    Ipv4Header m_header;  //!< a copy of it
};

/**
 * \ingroup policy-routing-shaper
 * Aggregated to a shaper's master: tells the shaper when the master is disposed, and marks
 * the master as already having a shaper.
 */
class ShaperMasterWatcher : public Object
{
  public:
    /**
     * \brief Get the type ID.
     * \return the object TypeId
     */
    static TypeId GetTypeId()
    {
        static TypeId tid = TypeId("ns3::ShaperMasterWatcher")
                                .SetParent<Object>()
                                .SetGroupName("PolicyRouting")
                                .AddConstructor<ShaperMasterWatcher>();
        return tid;
    }

    ShaperNetDevice* m_shaper{nullptr}; //!< the attached shaper, if any

  protected:
    void DoDispose() override
    {
        ShaperNetDevice* shaper = m_shaper;
        m_shaper = nullptr;
        if (shaper)
        {
            shaper->MasterDisposed();
        }
        Object::DoDispose();
    }
};

NS_OBJECT_ENSURE_REGISTERED(ShaperMasterWatcher);

std::ostream&
operator<<(std::ostream& os, ShaperNetDevice::DropReason reason)
{
    switch (reason)
    {
    case ShaperNetDevice::DROP_QUEUE_FULL:
        return os << "queue-full";
    case ShaperNetDevice::DROP_OVERSIZE:
        return os << "oversize";
    case ShaperNetDevice::DROP_LINUX_LATENCY:
        return os << "linux-latency";
    case ShaperNetDevice::DROP_LINUX_OVERFLOW:
        return os << "linux-overflow";
    case ShaperNetDevice::DROP_LINK_DOWN:
        return os << "link-down";
    case ShaperNetDevice::DROP_DETACHED:
        return os << "detached";
    case ShaperNetDevice::DROP_MASTER_REFUSED:
        return os << "master-refused";
    case ShaperNetDevice::DROP_QUEUE_REPLACED:
        return os << "queue-replaced";
    default:
        return os << "unknown";
    }
}

TypeId
ShaperNetDevice::GetTypeId()
{
    static TypeId tid =
        TypeId("ns3::ShaperNetDevice")
            .SetParent<NetDevice>()
            .SetGroupName("PolicyRouting")
            .AddConstructor<ShaperNetDevice>()
            .AddAttribute(
                "DataRate",
                "The shaping speed (\"shapecfg speed\", bit/s). In Linux mode, Attach "
                "resets it to 0, so set it after attaching.",
                DataRateValue(DataRate("64000b/s")),
                MakeDataRateAccessor(&ShaperNetDevice::SetDataRate, &ShaperNetDevice::GetDataRate),
                MakeDataRateChecker())
            .AddAttribute("Mode",
                          "\"Exact\": release times exact to the simulator's time unit, no "
                          "drift. \"Linux\": the Linux shaper driver's tick-based algorithm.",
                          StringValue("Exact"),
                          MakeStringAccessor(&ShaperNetDevice::SetMode, &ShaperNetDevice::GetMode),
                          MakeStringChecker())
            .AddAttribute(
                "Burst",
                "Exact mode: token bucket depth in bytes, as tc tbf's burst (0: no "
                "bucket, each packet is released at the start of its slot). Packets "
                "larger than the bucket are dropped.",
                UintegerValue(0),
                MakeUintegerAccessor(&ShaperNetDevice::SetBurst, &ShaperNetDevice::GetBurst),
                MakeUintegerChecker<uint32_t>())
            .AddAttribute("Overhead",
                          "Bytes added to every packet's size when shaping (e.g. the master's "
                          "link-layer header: 14 for Ethernet, as Linux counts skb->len).",
                          UintegerValue(0),
                          MakeUintegerAccessor(&ShaperNetDevice::m_overhead),
                          MakeUintegerChecker<uint32_t>(0, 65535))
            .AddAttribute("Mtu",
                          "The shaper's MTU; 0 means the master's (at most the master's).",
                          UintegerValue(0),
                          MakeUintegerAccessor(&ShaperNetDevice::SetMtu, &ShaperNetDevice::GetMtu),
                          MakeUintegerChecker<uint16_t>())
            .AddAttribute(
                "TxQueue",
                "The transmit queue (its MaxSize bounds the shaper's backlog in "
                "exact mode).",
                StringValue("ns3::DropTailQueue<Packet>"),
                MakePointerAccessor(&ShaperNetDevice::SetQueue, &ShaperNetDevice::GetQueue),
                MakePointerChecker<Queue<Packet>>())
            .AddAttribute("Hz",
                          "Linux mode: clock ticks per second (HZ).",
                          UintegerValue(100),
                          MakeUintegerAccessor(&ShaperNetDevice::m_hz),
                          MakeUintegerChecker<uint32_t>(1, 1000000))
            .AddAttribute("Latency",
                          "Linux mode: a new packet whose start is further away than this is "
                          "dropped (SHAPER_LATENCY, 5*HZ ticks).",
                          TimeValue(Seconds(5)),
                          MakeTimeAccessor(&ShaperNetDevice::m_latency),
                          MakeTimeChecker(Seconds(0)))
            .AddAttribute("LinuxQueueLength",
                          "Linux mode: beyond this many queued packets the oldest is dropped "
                          "(SHAPER_QLEN).",
                          UintegerValue(10),
                          MakeUintegerAccessor(&ShaperNetDevice::m_linuxQueueLength),
                          MakeUintegerChecker<uint32_t>(1))
            .AddAttribute("LinuxEarlyTicks",
                          "Linux mode: packets may leave this many ticks early (SHAPER_BURST); "
                          "-1 means Hz/50, as the driver.",
                          IntegerValue(-1),
                          MakeIntegerAccessor(&ShaperNetDevice::m_earlyTicks),
                          MakeIntegerChecker<int32_t>(-1))
            .AddTraceSource("MacTx",
                            "A packet came from the upper layer to be shaped.",
                            MakeTraceSourceAccessor(&ShaperNetDevice::m_macTxTrace),
                            "ns3::Packet::TracedCallback")
            .AddTraceSource("MacTxDrop",
                            "A packet was dropped by the shaper (for any reason; see Drop).",
                            MakeTraceSourceAccessor(&ShaperNetDevice::m_macTxDropTrace),
                            "ns3::Packet::TracedCallback")
            .AddTraceSource("MacRx",
                            "A frame received by the master was handed up through the shaper.",
                            MakeTraceSourceAccessor(&ShaperNetDevice::m_macRxTrace),
                            "ns3::Packet::TracedCallback")
            .AddTraceSource("MacPromiscRx",
                            "A frame received by the master was handed to the promiscuous "
                            "receive callback.",
                            MakeTraceSourceAccessor(&ShaperNetDevice::m_macPromiscRxTrace),
                            "ns3::Packet::TracedCallback")
            .AddTraceSource("Enqueue",
                            "A packet entered the shaper's queue.",
                            MakeTraceSourceAccessor(&ShaperNetDevice::m_enqueueTrace),
                            "ns3::Packet::TracedCallback")
            .AddTraceSource("Dequeue",
                            "A packet left the shaper's queue at its shaped time, to the master.",
                            MakeTraceSourceAccessor(&ShaperNetDevice::m_dequeueTrace),
                            "ns3::Packet::TracedCallback")
            .AddTraceSource("Drop",
                            "A packet was dropped, with the reason.",
                            MakeTraceSourceAccessor(&ShaperNetDevice::m_dropTrace),
                            "ns3::ShaperNetDevice::DropTracedCallback")
            .AddTraceSource("PhyTxBegin",
                            "A packet is handed to the master for transmission.",
                            MakeTraceSourceAccessor(&ShaperNetDevice::m_phyTxBeginTrace),
                            "ns3::Packet::TracedCallback")
            .AddTraceSource("Sniffer",
                            "Packets sent through the shaper (at their shaped time) and frames "
                            "handed up through it, without link-layer header.",
                            MakeTraceSourceAccessor(&ShaperNetDevice::m_snifferTrace),
                            "ns3::Packet::TracedCallback")
            .AddTraceSource("PromiscSniffer",
                            "As Sniffer (the shaper has no frames of other hosts of its own).",
                            MakeTraceSourceAccessor(&ShaperNetDevice::m_promiscSnifferTrace),
                            "ns3::Packet::TracedCallback")
            .AddTraceSource("CookedSniffer",
                            "As Sniffer, with what a Linux cooked capture (pcap) needs.",
                            MakeTraceSourceAccessor(&ShaperNetDevice::m_cookedSnifferTrace),
                            "ns3::ShaperNetDevice::CookedSnifferTracedCallback")
            .AddTraceSource("Sojourn",
                            "Time a packet spent in the shaper (Send to release).",
                            MakeTraceSourceAccessor(&ShaperNetDevice::m_sojournTrace),
                            "ns3::ShaperNetDevice::SojournTracedCallback");
    return tid;
}

ShaperNetDevice::ShaperNetDevice()
{
    NS_LOG_FUNCTION(this);
}

ShaperNetDevice::~ShaperNetDevice()
{
    NS_LOG_FUNCTION(this);
}

void
ShaperNetDevice::NotifyConstructionCompleted()
{
    NS_LOG_FUNCTION(this);
    // Flow control: queue discs above the shaper stop when its queue is full and are woken
    // when it has room again (the helpers of other devices do this; doing it here means a
    // shaper made with CreateObject gets it too, before an IPv4 address is assigned).
    m_ndqi = CreateObject<NetDeviceQueueInterface>();
    AggregateObject(m_ndqi);
    if (m_queue)
    {
        m_ndqi->GetTxQueue(0)->ConnectQueueTraces(m_queue);
    }
    NetDevice::NotifyConstructionCompleted();
}

void
ShaperNetDevice::DoDispose()
{
    NS_LOG_FUNCTION(this);
    m_releaseEvent.Cancel();
    m_masterRetry.Cancel();
    if (m_master)
    {
        Unhook(true);
    }
    m_meta.clear();
    m_queue = nullptr;
    m_ndqi = nullptr;
    m_node = nullptr;
    m_tc = nullptr;
    m_ipv4 = nullptr;
    m_rxCallback =
        MakeNullCallback<bool, Ptr<NetDevice>, Ptr<const Packet>, uint16_t, const Address&>();
    m_promiscRxCallback = MakeNullCallback<bool,
                                           Ptr<NetDevice>,
                                           Ptr<const Packet>,
                                           uint16_t,
                                           const Address&,
                                           const Address&,
                                           NetDevice::PacketType>();
    NetDevice::DoDispose();
}

// ---------------------------------------------------------------------------------------
// Attaching

void
ShaperNetDevice::Attach(Ptr<NetDevice> master)
{
    NS_LOG_FUNCTION(this << master);
    NS_ABORT_MSG_IF(!master, "ShaperNetDevice::Attach: no master device given");
    NS_ABORT_MSG_IF(m_master,
                    "ShaperNetDevice::Attach: already attached to device "
                        << m_master->GetIfIndex() << " (shapecfg attach: EBUSY); Detach() first");
    NS_ABORT_MSG_IF(!m_node,
                    "ShaperNetDevice::Attach: add the shaper to its node (Node::AddDevice) "
                    "before attaching it");
    NS_ABORT_MSG_IF(PeekPointer(master) == this, "ShaperNetDevice::Attach: cannot shape itself");
    NS_ABORT_MSG_IF(master->GetNode() != m_node,
                    "ShaperNetDevice::Attach: the master is on another node than the shaper");

    Ptr<ShaperMasterWatcher> watcher = master->GetObject<ShaperMasterWatcher>();
    NS_ABORT_MSG_IF(watcher && watcher->m_shaper && watcher->m_shaper != this,
                    "ShaperNetDevice::Attach: device " << master->GetIfIndex() << " of node "
                                                       << m_node->GetId()
                                                       << " already has a shaper attached");
    if (!watcher)
    {
        watcher = CreateObject<ShaperMasterWatcher>();
        master->AggregateObject(watcher);
    }
    watcher->m_shaper = this;
    m_watcher = watcher;

    m_master = master;
    m_wasAttached = true;

    m_token = std::make_shared<ShaperNetDevice*>(this);
    master->AddLinkChangeCallback(
        MakeBoundCallback(&ShaperNetDevice::LinkChangeTrampoline, m_token));

    m_handler = MakeCallback(&ShaperNetDevice::ReceiveFromMaster, this);
    m_node->RegisterProtocolHandler(m_handler, 0, master, false);
    if (!m_promiscRxCallback.IsNull())
    {
        m_promiscHandler = MakeCallback(&ShaperNetDevice::PromiscReceiveFromMaster, this);
        m_node->RegisterProtocolHandler(m_promiscHandler, 0, master, true);
        m_promiscRegistered = true;
    }

    // Where to learn that a full master has room again.
    m_masterNdqi = master->GetObject<NetDeviceQueueInterface>();
    if (m_masterNdqi && m_masterNdqi->GetNTxQueues() > 0)
    {
        m_masterTxQueue = m_masterNdqi->GetTxQueue(0);
    }
    PointerValue queue;
    if (master->GetAttributeFailSafe("TxQueue", queue))
    {
        m_masterQueue = DynamicCast<Queue<Packet>>(queue.GetObject());
        if (m_masterQueue)
        {
            m_masterQueue->TraceConnectWithoutContext(
                "Dequeue",
                MakeCallback(&ShaperNetDevice::MasterQueueDequeued, this));
        }
    }

    Time now = Simulator::Now();
    if (m_linux)
    {
        // shaper_attach(): "sh->bitspersec = 0" -- the speed must be set after attaching.
        m_rate = DataRate(0);
        m_recovery = Jiffies(now);
        m_queuedTicks = 0;
    }
    ExactReset(now.GetTimeStep());

    m_linkUp = master->IsLinkUp();
    NS_LOG_INFO("attached to device " << master->GetIfIndex() << " ("
                                      << master->GetInstanceTypeId().GetName() << "), link "
                                      << (m_linkUp ? "up" : "down"));
    if (m_linkUp)
    {
        m_linkChangeCallbacks();
    }
}

void
ShaperNetDevice::Detach()
{
    NS_LOG_FUNCTION(this);
    NS_ABORT_MSG_IF(!m_master, "ShaperNetDevice::Detach: not attached");
    m_releaseEvent.Cancel();
    m_masterRetry.Cancel();
    DropQueued(DROP_DETACHED);
    Unhook(true);
    if (m_linkUp)
    {
        m_linkUp = false;
        m_linkChangeCallbacks();
    }
}

void
ShaperNetDevice::MasterDisposed()
{
    NS_LOG_FUNCTION(this);
    if (!m_master)
    {
        return;
    }
    m_releaseEvent.Cancel();
    m_masterRetry.Cancel();
    if (Simulator::IsFinished())
    {
        // Simulator::Destroy(): no traces any more, just let the packets go.
        while (m_queue && !m_queue->IsEmpty())
        {
            m_queue->Dequeue();
        }
        m_meta.clear();
        m_queuedTicks = 0;
    }
    else
    {
        DropQueued(DROP_DETACHED);
    }
    Unhook(false);
    if (m_linkUp)
    {
        m_linkUp = false;
        m_linkChangeCallbacks();
    }
}

void
ShaperNetDevice::Unhook(bool masterAlive)
{
    NS_LOG_FUNCTION(this << masterAlive);
    if (m_token)
    {
        *m_token = nullptr;
        m_token.reset();
    }
    if (m_watcher)
    {
        m_watcher->m_shaper = nullptr;
        m_watcher = nullptr;
    }
    if (m_node)
    {
        m_node->UnregisterProtocolHandler(m_handler);
        if (m_promiscRegistered)
        {
            m_node->UnregisterProtocolHandler(m_promiscHandler);
            m_promiscRegistered = false;
        }
    }
    if (m_masterWakeHooked && m_masterTxQueue)
    {
        m_masterTxQueue->SetWakeCallback(MakeNullCallback<void>());
    }
    m_masterWakeHooked = false;
    if (m_masterQueue)
    {
        m_masterQueue->TraceDisconnectWithoutContext(
            "Dequeue",
            MakeCallback(&ShaperNetDevice::MasterQueueDequeued, this));
    }
    m_masterTxQueue = nullptr;
    m_masterNdqi = nullptr;
    m_masterQueue = nullptr;
    m_waitingForMaster = false;
    m_master = nullptr;
}

Ptr<NetDevice>
ShaperNetDevice::GetMaster() const
{
    return m_master;
}

bool
ShaperNetDevice::IsAttached() const
{
    return bool(m_master);
}

void
ShaperNetDevice::LinkChangeTrampoline(std::shared_ptr<ShaperNetDevice*> token)
{
    if (*token)
    {
        (*token)->MasterLinkChanged();
    }
}

void
ShaperNetDevice::MasterLinkChanged()
{
    NS_LOG_FUNCTION(this);
    bool up = m_master && m_master->IsLinkUp();
    if (up == m_linkUp)
    {
        return;
    }
    m_linkUp = up;
    NS_LOG_INFO("master link " << (up ? "up" : "down"));
    if (!up)
    {
        m_releaseEvent.Cancel();
        m_masterRetry.Cancel();
        m_waitingForMaster = false;
        DropQueued(DROP_LINK_DOWN);
    }
    m_linkChangeCallbacks();
    if (up)
    {
        if (m_linux)
        {
            m_recovery = std::max(m_recovery, Jiffies(Simulator::Now()));
        }
        Kick();
    }
}

// ---------------------------------------------------------------------------------------
// Configuration

void
ShaperNetDevice::SetDataRate(DataRate rate)
{
    NS_LOG_FUNCTION(this << rate);
    uint64_t r0 = m_rate.GetBitRate();
    uint64_t r1 = rate.GetBitRate();
    NS_ABORT_MSG_IF(r1 == 0 && m_queue && !m_queue->IsEmpty(),
                    "ShaperNetDevice::SetDataRate: speed 0 while packets are queued");
    if (!m_linux && r0 > 0 && r1 > 0 && r0 != r1)
    {
        // Re-express the virtual clock at the new speed, never earlier than it was.
        Int128 u = UnitsPerSecond();
        if (m_bits > 0)
        {
            m_t0 += static_cast<int64_t>(CeilDiv(Int128(m_bits) * u, r0));
            m_bits = 0;
        }
        else if (m_bits < 0)
        {
            m_bits = -static_cast<int64_t>(Int128(-m_bits) * r1 / r0);
        }
    }
    m_rate = rate;
    if (m_master && m_queue && !m_queue->IsEmpty())
    {
        m_releaseEvent.Cancel();
        Kick();
    }
}

DataRate
ShaperNetDevice::GetDataRate() const
{
    return m_rate;
}

void
ShaperNetDevice::SetMode(std::string mode)
{
    NS_LOG_FUNCTION(this << mode);
    bool isLinux;
    if (mode == "Exact" || mode == "exact")
    {
        isLinux = false;
    }
    else if (mode == "Linux" || mode == "linux")
    {
        isLinux = true;
    }
    else
    {
        NS_ABORT_MSG("ShaperNetDevice: Mode must be \"Exact\" or \"Linux\", not \"" << mode
                                                                                    << "\"");
    }
    NS_ABORT_MSG_IF(isLinux != m_linux && m_queue && !m_queue->IsEmpty(),
                    "ShaperNetDevice: change the Mode only while nothing is queued");
    m_linux = isLinux;
}

std::string
ShaperNetDevice::GetMode() const
{
    return m_linux ? "Linux" : "Exact";
}

void
ShaperNetDevice::SetBurst(uint32_t bytes)
{
    NS_LOG_FUNCTION(this << bytes);
    m_burst = bytes;
    int64_t depth = int64_t(bytes) * 8;
    if (m_bits < -depth)
    {
        m_bits = -depth;
    }
}

uint32_t
ShaperNetDevice::GetBurst() const
{
    return m_burst;
}

void
ShaperNetDevice::SetQueue(Ptr<Queue<Packet>> queue)
{
    NS_LOG_FUNCTION(this << queue);
    if (queue == m_queue)
    {
        return;
    }
    if (m_queue && !m_queue->IsEmpty())
    {
        m_releaseEvent.Cancel();
        DropQueued(DROP_QUEUE_REPLACED);
    }
    m_queue = queue;
    if (m_queue && m_ndqi)
    {
        m_ndqi->GetTxQueue(0)->ConnectQueueTraces(m_queue);
    }
}

Ptr<Queue<Packet>>
ShaperNetDevice::GetQueue() const
{
    return m_queue;
}

const ShaperNetDevice::Stats&
ShaperNetDevice::GetStats() const
{
    return m_stats;
}

bool
ShaperNetDevice::IsLinuxMode() const
{
    return m_linux;
}

uint64_t
ShaperNetDevice::GetBytesPerTick() const
{
    // shaper_setspeed(): bytespertick = (bps / HZ) / 8; if (!bytespertick) bytespertick = 1;
    uint64_t bpt = (m_rate.GetBitRate() / m_hz) / 8;
    return bpt == 0 ? 1 : bpt;
}

uint64_t
ShaperNetDevice::GetPacketTicks(uint32_t bytes) const
{
    // shapelen = skb->len / bytespertick, truncated.
    return (uint64_t(bytes) + m_overhead) / GetBytesPerTick();
}

int64_t
ShaperNetDevice::UnitsPerSecond() const
{
    if (m_unitsPerSecond == 0)
    {
        m_unitsPerSecond = Seconds(1).GetTimeStep();
    }
    return m_unitsPerSecond;
}

int64_t
ShaperNetDevice::Jiffies(Time t) const
{
    return static_cast<int64_t>(Int128(t.GetTimeStep()) * m_hz / UnitsPerSecond());
}

Time
ShaperNetDevice::TickTime(int64_t tick) const
{
    return TimeStep(static_cast<uint64_t>(CeilDiv(Int128(tick) * UnitsPerSecond(), m_hz)));
}

int64_t
ShaperNetDevice::LatencyTicks() const
{
    return static_cast<int64_t>(Int128(m_latency.GetTimeStep()) * m_hz / UnitsPerSecond());
}

int64_t
ShaperNetDevice::EarlyTicks() const
{
    return m_earlyTicks >= 0 ? m_earlyTicks : int64_t(m_hz / 50);
}

// ---------------------------------------------------------------------------------------
// Exact mode: the virtual clock X = m_t0 + m_bits / rate (m_t0 in time units, m_bits in
// bits), kept exactly; only the release times derived from it are rounded (up).

void
ShaperNetDevice::ExactReset(int64_t now)
{
    m_t0 = now;
    m_bits = -int64_t(m_burst) * 8;
}

Time
ShaperNetDevice::ExactEarliest(uint64_t bits) const
{
    // No bucket: a packet leaves at the start of its slot, X. Bucket: when the bucket holds
    // its bits, X + bits / rate.
    Int128 owed = Int128(m_bits) + (m_burst > 0 ? Int128(bits) : Int128(0));
    if (owed <= 0)
    {
        return TimeStep(m_t0);
    }
    Int128 offset = CeilDiv(owed * UnitsPerSecond(), m_rate.GetBitRate());
    return TimeStep(m_t0 + static_cast<int64_t>(offset));
}

void
ShaperNetDevice::ExactReleased(int64_t now, int64_t earliest, uint64_t bits)
{
    Int128 rate = m_rate.GetBitRate();
    Int128 u = UnitsPerSecond();
    if (now > earliest)
    {
        // Released later than the clock allowed (the shaper was idle, or the master full):
        // X = max(X, now - depth / rate). Exactly at the allowed time X is kept, fraction
        // of a time unit included, so rounding never accumulates.
        Int128 depth = Int128(m_burst) * 8;
        if (Int128(now - m_t0) * rate > (Int128(m_bits) + depth) * u)
        {
            m_t0 = now;
            m_bits = -static_cast<int64_t>(depth);
        }
    }
    m_bits += static_cast<int64_t>(bits);
    if (m_bits >= rate)
    {
        // Move whole seconds into the anchor: keeps m_bits below one second of traffic.
        int64_t seconds = static_cast<int64_t>(m_bits / rate);
        m_t0 += seconds * static_cast<int64_t>(u);
        m_bits -= static_cast<int64_t>(seconds * rate);
    }
}

// ---------------------------------------------------------------------------------------
// Sending

bool
ShaperNetDevice::Send(Ptr<Packet> packet, const Address& dest, uint16_t protocolNumber)
{
    NS_LOG_FUNCTION(this << packet << dest << protocolNumber);
    return DoSend(packet, Address(), dest, protocolNumber, false);
}

bool
ShaperNetDevice::SendFrom(Ptr<Packet> packet,
                          const Address& source,
                          const Address& dest,
                          uint16_t protocolNumber)
{
    NS_LOG_FUNCTION(this << packet << source << dest << protocolNumber);
    NS_ABORT_MSG_IF(m_master && !m_master->SupportsSendFrom(),
                    "ShaperNetDevice::SendFrom: the master does not support SendFrom");
    return DoSend(packet, source, dest, protocolNumber, true);
}

bool
ShaperNetDevice::DoSend(Ptr<Packet> packet,
                        const Address& source,
                        const Address& dest,
                        uint16_t protocol,
                        bool useSource)
{
    m_macTxTrace(packet);
    if (!m_master)
    {
        NS_ABORT_MSG_IF(!m_wasAttached,
                        "ShaperNetDevice::Send: the shaper (node "
                            << (m_node ? int64_t(m_node->GetId()) : -1)
                            << ") is not attached to a master; Attach() (shapecfg attach) "
                               "comes first");
        Drop(packet, DROP_DETACHED);
        return false;
    }
    if (!m_master->IsLinkUp())
    {
        MasterLinkChanged();
        Drop(packet, DROP_LINK_DOWN);
        return false;
    }
    NS_ABORT_MSG_IF(m_rate.GetBitRate() == 0,
                    "ShaperNetDevice::Send: the speed is 0"
                        << (m_linux ? " (in Linux mode Attach() resets it: set DataRate after "
                                      "attaching, as shapecfg speed after shapecfg attach)"
                                    : ""));
    Meta meta;
    meta.packet = PeekPointer(packet);
    meta.dest = dest;
    meta.protocol = protocol;
    meta.useSource = useSource;
    if (useSource)
    {
        meta.source = source;
    }
    meta.enqueued = Simulator::Now();
    return m_linux ? EnqueueLinux(packet, meta) : EnqueueExact(packet, meta);
}

bool
ShaperNetDevice::EnqueueExact(Ptr<Packet> packet, Meta& meta)
{
    uint64_t bytes = uint64_t(packet->GetSize()) + m_overhead;
    if (m_burst > 0 && bytes > m_burst)
    {
        NS_LOG_LOGIC("packet of " << bytes << " bytes larger than the bucket (" << m_burst << ")");
        Drop(packet, DROP_OVERSIZE);
        return false;
    }
    if (!m_queue->Enqueue(packet))
    {
        Drop(packet, DROP_QUEUE_FULL);
        return false;
    }
    m_meta.push_back(std::move(meta));
    m_stats.enqueued++;
    m_enqueueTrace(packet);
    Kick();
    return true;
}

bool
ShaperNetDevice::EnqueueLinux(Ptr<Packet> packet, Meta& meta)
{
    // shaper_start_xmit() (2.6) / shaper_qframe() (2.2), see semantics.md §6.3.
    int64_t jiffies = Jiffies(Simulator::Now());
    int64_t shapeLen = static_cast<int64_t>(GetPacketTicks(packet->GetSize()));
    int64_t shapeClock = std::max(m_recovery, jiffies) + m_queuedTicks;
    if (shapeClock - jiffies > LatencyTicks())
    {
        // "Queue over time. Spill packet."
        NS_LOG_LOGIC("start tick " << shapeClock << " more than " << LatencyTicks()
                                   << " ticks away: drop");
        Drop(packet, DROP_LINUX_LATENCY);
        return false;
    }
    bool headDropped = false;
    if (m_queue->GetNPackets() >= m_linuxQueueLength)
    {
        // skb_queue_len(sendq) > SHAPER_QLEN after queueing: the oldest goes; its slot is
        // not reclaimed (later start clocks already include it).
        Ptr<Packet> old = m_queue->Remove();
        NS_ASSERT(old && PeekPointer(old) == m_meta.front().packet);
        m_queuedTicks -= m_meta.front().shapeLen;
        m_meta.pop_front();
        Drop(old, DROP_LINUX_OVERFLOW);
        headDropped = true;
    }
    if (!m_queue->Enqueue(packet))
    {
        Drop(packet, DROP_QUEUE_FULL);
        if (headDropped)
        {
            m_releaseEvent.Cancel();
            Kick();
        }
        return false;
    }
    meta.shapeClock = shapeClock;
    meta.shapeLen = shapeLen;
    m_meta.push_back(std::move(meta));
    m_queuedTicks += shapeLen;
    m_stats.enqueued++;
    m_enqueueTrace(packet);
    if (headDropped)
    {
        m_releaseEvent.Cancel();
    }
    Kick();
    return true;
}

void
ShaperNetDevice::Kick()
{
    if (m_kicking || !m_master || !m_queue)
    {
        return;
    }
    m_kicking = true;
    while (!m_queue->IsEmpty())
    {
        if (!m_releaseEvent.IsExpired() || m_waitingForMaster)
        {
            break; // the head's release is already arranged
        }
        if (!m_master->IsLinkUp())
        {
            // A master that went down without telling: flush now.
            m_kicking = false;
            MasterLinkChanged();
            return;
        }
        Ptr<const Packet> head = m_queue->Peek();
        Time now = Simulator::Now();
        int64_t earliest = 0;
        if (m_linux)
        {
            const Meta& meta = m_meta.front();
            if (meta.shapeClock > Jiffies(now) + EarlyTicks())
            {
                // mod_timer(&sh->timer, skb->shapeclock)
                ScheduleRelease(TickTime(meta.shapeClock));
                break;
            }
        }
        else
        {
            Time t = ExactEarliest(8 * (uint64_t(head->GetSize()) + m_overhead));
            if (t > now)
            {
                ScheduleRelease(t);
                break;
            }
            earliest = t.GetTimeStep();
        }
        if (!MasterReady(head))
        {
            WaitForMaster();
            break;
        }
        ReleaseHead(earliest);
    }
    m_kicking = false;
}

void
ShaperNetDevice::ScheduleRelease(Time when)
{
    NS_LOG_LOGIC("next release at " << when.As(Time::S));
    m_stats.releaseEvents++;
    m_releaseEvent =
        Simulator::Schedule(when - Simulator::Now(), &ShaperNetDevice::ReleaseEvent, this);
}

void
ShaperNetDevice::ReleaseEvent()
{
    NS_LOG_FUNCTION(this);
    Kick();
}

void
ShaperNetDevice::ReleaseHead(int64_t earliest)
{
    Ptr<Packet> packet = m_queue->Dequeue();
    NS_ABORT_MSG_IF(!packet || PeekPointer(packet) != m_meta.front().packet,
                    "ShaperNetDevice: the TxQueue did not return its packets in order "
                    "(the shaper needs a FIFO queue such as DropTailQueue<Packet>)");
    Meta meta = std::move(m_meta.front());
    m_meta.pop_front();
    Time now = Simulator::Now();
    if (m_linux)
    {
        // recovery = max(recovery, shapeclock + shapelen), from the scheduled clock.
        m_recovery = std::max(m_recovery, meta.shapeClock + meta.shapeLen);
        m_queuedTicks -= meta.shapeLen;
    }
    else
    {
        ExactReleased(now.GetTimeStep(), earliest, 8 * (uint64_t(packet->GetSize()) + m_overhead));
    }
    m_stats.sentPackets++;
    m_stats.sentBytes += packet->GetSize();
    NS_LOG_LOGIC("release " << packet->GetSize() << " bytes at " << now.As(Time::S));
    m_dequeueTrace(packet);
    m_sojournTrace(now - meta.enqueued);
    m_phyTxBeginTrace(packet);
    m_snifferTrace(packet);
    m_promiscSnifferTrace(packet);
    m_cookedSnifferTrace(packet,
                         meta.protocol,
                         SLL_OUTGOING,
                         meta.useSource ? meta.source : GetAddress());
    HandToMaster(packet, meta);
}

void
ShaperNetDevice::HandToMaster(Ptr<Packet> packet, const Meta& meta)
{
    if (!meta.useSource)
    {
        if (MasterHasQueueDisc())
        {
            // The master has a queue disc of its own (it has an IPv4 interface too): go
            // through it, as the Linux shaper's dev_queue_xmit() went through the master's.
            m_tc->Send(m_master, Create<ShaperQueueDiscItem>(packet, meta.dest, meta.protocol));
            return;
        }
    }
    bool ok = meta.useSource ? m_master->SendFrom(packet, meta.source, meta.dest, meta.protocol)
                             : m_master->Send(packet, meta.dest, meta.protocol);
    if (!ok)
    {
        NS_LOG_WARN("the master refused a packet");
        Drop(packet, DROP_MASTER_REFUSED);
    }
}

bool
ShaperNetDevice::MasterHasQueueDisc()
{
    if (!m_tc)
    {
        m_tc = m_node->GetObject<TrafficControlLayer>();
    }
    return m_tc && m_tc->GetRootQueueDiscOnDevice(m_master);
}

bool
ShaperNetDevice::MasterReady(Ptr<const Packet> packet)
{
    if (MasterHasQueueDisc())
    {
        return true; // the master's queue disc queues or drops, as for its own traffic
    }
    if (m_masterTxQueue && m_masterTxQueue->IsStopped())
    {
        return false;
    }
    if (m_masterQueue)
    {
        // Room for the packet plus a link-layer header in the master's own queue?
        QueueSize max = m_masterQueue->GetMaxSize();
        bool full = max.GetUnit() == QueueSizeUnit::PACKETS
                        ? m_masterQueue->GetNPackets() + 1 > max.GetValue()
                        : m_masterQueue->GetNBytes() + packet->GetSize() + 64 > max.GetValue();
        if (full)
        {
            return false;
        }
    }
    return true;
}

void
ShaperNetDevice::WaitForMaster()
{
    NS_LOG_FUNCTION(this);
    m_waitingForMaster = true;
    m_stats.masterWaits++;
    if (m_masterTxQueue)
    {
        // Hooked when needed: the master normally has no queue disc to wake.
        m_masterTxQueue->SetWakeCallback(MakeCallback(&ShaperNetDevice::MasterWake, this));
        m_masterWakeHooked = true;
    }
}

void
ShaperNetDevice::MasterWake()
{
    NS_LOG_FUNCTION(this);
    if (m_waitingForMaster)
    {
        m_waitingForMaster = false;
        Kick();
    }
}

void
ShaperNetDevice::MasterQueueDequeued(Ptr<const Packet> packet)
{
    // Runs inside the master's transmit path: retry in an event of our own.
    if (m_waitingForMaster && m_masterRetry.IsExpired())
    {
        m_masterRetry = Simulator::ScheduleNow(&ShaperNetDevice::MasterWake, this);
    }
}

void
ShaperNetDevice::DropQueued(DropReason reason)
{
    NS_LOG_FUNCTION(this << reason);
    if (!m_queue)
    {
        return;
    }
    while (!m_queue->IsEmpty())
    {
        Ptr<Packet> packet = m_queue->Remove();
        Drop(packet, reason);
    }
    m_meta.clear();
    m_queuedTicks = 0;
}

void
ShaperNetDevice::Drop(Ptr<const Packet> packet, DropReason reason)
{
    NS_LOG_LOGIC("drop (" << reason << ") " << packet);
    m_stats.dropped++;
    m_stats.drops[reason]++;
    m_dropTrace(packet, reason);
    m_macTxDropTrace(packet);
}

// ---------------------------------------------------------------------------------------
// Receiving

bool
ShaperNetDevice::MasterHasIpv4Interface()
{
    if (!m_ipv4)
    {
        m_ipv4 = m_node->GetObject<Ipv4>();
    }
    return m_ipv4 && m_ipv4->GetInterfaceForDevice(m_master) >= 0;
}

void
ShaperNetDevice::ReceiveFromMaster(Ptr<NetDevice> device,
                                   Ptr<const Packet> packet,
                                   uint16_t protocol,
                                   const Address& from,
                                   const Address& to,
                                   PacketType packetType)
{
    NS_LOG_FUNCTION(this << device << packet << protocol << from << to << packetType);
    if (device != m_master)
    {
        return;
    }
    if (protocol != ETHERTYPE_ARP && MasterHasIpv4Interface())
    {
        // Linux layout: the master's own interface delivers it. ARP still comes up here so
        // that the shaper's interface resolves its neighbours.
        return;
    }
    m_stats.receivedPackets++;
    m_macRxTrace(packet);
    m_snifferTrace(packet);
    m_promiscSnifferTrace(packet);
    m_cookedSnifferTrace(packet, protocol, SllPacketType(packetType), from);
    if (!m_rxCallback.IsNull())
    {
        m_rxCallback(this, packet, protocol, from);
    }
}

void
ShaperNetDevice::PromiscReceiveFromMaster(Ptr<NetDevice> device,
                                          Ptr<const Packet> packet,
                                          uint16_t protocol,
                                          const Address& from,
                                          const Address& to,
                                          PacketType packetType)
{
    NS_LOG_FUNCTION(this << device << packet << protocol << from << to << packetType);
    if (device != m_master || m_promiscRxCallback.IsNull())
    {
        return;
    }
    if (protocol != ETHERTYPE_ARP && MasterHasIpv4Interface())
    {
        return;
    }
    m_macPromiscRxTrace(packet);
    m_promiscRxCallback(this, packet, protocol, from, to, packetType);
}

// ---------------------------------------------------------------------------------------
// NetDevice

void
ShaperNetDevice::SetIfIndex(const uint32_t index)
{
    m_ifIndex = index;
}

uint32_t
ShaperNetDevice::GetIfIndex() const
{
    return m_ifIndex;
}

Ptr<Channel>
ShaperNetDevice::GetChannel() const
{
    return m_master ? m_master->GetChannel() : nullptr;
}

void
ShaperNetDevice::SetAddress(Address address)
{
    NS_LOG_FUNCTION(this << address);
    m_address = address;
    if (m_master)
    {
        m_master->SetAddress(address); // the shaper has the master's address
    }
}

Address
ShaperNetDevice::GetAddress() const
{
    return m_master ? m_master->GetAddress() : m_address;
}

bool
ShaperNetDevice::SetMtu(const uint16_t mtu)
{
    NS_LOG_FUNCTION(this << mtu);
    if (m_master && mtu > m_master->GetMtu())
    {
        NS_LOG_WARN("MTU " << mtu << " larger than the master's (" << m_master->GetMtu() << ")");
        return false;
    }
    m_mtu = mtu;
    return true;
}

uint16_t
ShaperNetDevice::GetMtu() const
{
    if (m_master)
    {
        uint16_t master = m_master->GetMtu();
        return m_mtu > 0 ? std::min(m_mtu, master) : master;
    }
    return m_mtu > 0 ? m_mtu : 1500; // shaper_setup(): mtu 1500
}

bool
ShaperNetDevice::IsLinkUp() const
{
    return m_master && m_master->IsLinkUp();
}

void
ShaperNetDevice::AddLinkChangeCallback(Callback<void> callback)
{
    m_linkChangeCallbacks.ConnectWithoutContext(callback);
}

bool
ShaperNetDevice::IsBroadcast() const
{
    return m_master ? m_master->IsBroadcast() : true;
}

Address
ShaperNetDevice::GetBroadcast() const
{
    return m_master ? m_master->GetBroadcast() : Address(Mac48Address::GetBroadcast());
}

bool
ShaperNetDevice::IsMulticast() const
{
    return m_master ? m_master->IsMulticast() : true;
}

Address
ShaperNetDevice::GetMulticast(Ipv4Address multicastGroup) const
{
    return m_master ? m_master->GetMulticast(multicastGroup)
                    : Address(Mac48Address::GetMulticast(multicastGroup));
}

Address
ShaperNetDevice::GetMulticast(Ipv6Address addr) const
{
    return m_master ? m_master->GetMulticast(addr) : Address(Mac48Address::GetMulticast(addr));
}

bool
ShaperNetDevice::IsBridge() const
{
    return false;
}

bool
ShaperNetDevice::IsPointToPoint() const
{
    return m_master ? m_master->IsPointToPoint() : false;
}

Ptr<Node>
ShaperNetDevice::GetNode() const
{
    return m_node;
}

void
ShaperNetDevice::SetNode(Ptr<Node> node)
{
    m_node = node;
}

bool
ShaperNetDevice::NeedsArp() const
{
    return m_master ? m_master->NeedsArp() : true;
}

void
ShaperNetDevice::SetReceiveCallback(NetDevice::ReceiveCallback cb)
{
    m_rxCallback = cb;
}

void
ShaperNetDevice::SetPromiscReceiveCallback(NetDevice::PromiscReceiveCallback cb)
{
    NS_LOG_FUNCTION(this);
    m_promiscRxCallback = cb;
    if (m_master && !m_promiscRegistered && !cb.IsNull())
    {
        m_promiscHandler = MakeCallback(&ShaperNetDevice::PromiscReceiveFromMaster, this);
        m_node->RegisterProtocolHandler(m_promiscHandler, 0, m_master, true);
        m_promiscRegistered = true;
    }
}

bool
ShaperNetDevice::SupportsSendFrom() const
{
    return m_master ? m_master->SupportsSendFrom() : false;
}

} // namespace ns3
