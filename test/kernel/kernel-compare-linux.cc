/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

#include "kernel-compare-linux.h"

#include <cctype>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <map>
#include <poll.h>
#include <sched.h>
#include <sstream>
#include <sys/mount.h>
#include <sys/wait.h>
#include <unistd.h>

namespace kernelcompare
{

namespace
{

// ----- the namespace a signal must not leave behind -----

/// Path of the namespace being used (/run/netns/NAME), for the signal handler.
char g_activePath[128] = {0};

void
OnSignal(int sig)
{
    if (g_activePath[0])
    {
        // What `ip netns del` does; both calls are async-signal-safe.
        umount2(g_activePath, MNT_DETACH);
        unlink(g_activePath);
    }
    signal(sig, SIG_DFL);
    raise(sig);
}

void
SetActive(const std::string& name)
{
    const std::string path = name.empty() ? "" : "/run/netns/" + name;
    std::snprintf(g_activePath, sizeof(g_activePath), "%s", path.c_str());
}

// ----- processes -----

struct ProcessResult
{
    bool started{false}; //!< fork/exec worked
    int status{-1};      //!< exit status (-1: killed)
    std::string out;     //!< stdout
    std::string err;     //!< stderr
};

/// The sysctls a configuration needs: forwarding on (so that `iif` lookups forward) and no
/// reverse-path filter (all and default; new interfaces inherit default).
const char* const SYSCTLS[][2] = {
    {"/proc/sys/net/ipv4/ip_forward", "1"},
    {"/proc/sys/net/ipv4/conf/all/rp_filter", "0"},
    {"/proc/sys/net/ipv4/conf/default/rp_filter", "0"},
    {"/proc/sys/net/ipv4/conf/all/forwarding", "1"},
    {"/proc/sys/net/ipv4/conf/default/forwarding", "1"},
};

void
ChildFail(const char* what)
{
    const char* e = std::strerror(errno);
    if (write(2, what, std::strlen(what)) < 0 || write(2, ": ", 2) < 0 ||
        write(2, e, std::strlen(e)) < 0 || write(2, "\n", 1) < 0)
    {
        _exit(126);
    }
    _exit(126);
}

/**
 * Run \p argv with \p input on stdin; in network namespace \p netns if not empty (and with
 * SYSCTLS written there first if \p sysctls).
 */
ProcessResult
RunProcess(const std::vector<std::string>& argv,
           const std::string& input,
           const std::string& netns = "",
           bool sysctls = false)
{
    ProcessResult r;
    int in[2];
    int out[2];
    int err[2];
    if (pipe2(in, O_CLOEXEC) != 0)
    {
        return r;
    }
    if (pipe2(out, O_CLOEXEC) != 0)
    {
        close(in[0]);
        close(in[1]);
        return r;
    }
    if (pipe2(err, O_CLOEXEC) != 0)
    {
        close(in[0]);
        close(in[1]);
        close(out[0]);
        close(out[1]);
        return r;
    }
    const std::string nsPath = netns.empty() ? "" : "/run/netns/" + netns;
    std::vector<char*> args;
    for (const std::string& a : argv)
    {
        args.push_back(const_cast<char*>(a.c_str()));
    }
    args.push_back(nullptr);

    const pid_t pid = fork();
    if (pid < 0)
    {
        for (int fd : {in[0], in[1], out[0], out[1], err[0], err[1]})
        {
            close(fd);
        }
        return r;
    }
    if (pid == 0)
    {
        signal(SIGINT, SIG_DFL);
        signal(SIGTERM, SIG_DFL);
        signal(SIGHUP, SIG_DFL);
        signal(SIGPIPE, SIG_DFL);
        dup2(in[0], 0);
        dup2(out[1], 1);
        dup2(err[1], 2);
        if (!nsPath.empty())
        {
            const int fd = open(nsPath.c_str(), O_RDONLY | O_CLOEXEC);
            if (fd < 0 || setns(fd, CLONE_NEWNET) != 0)
            {
                ChildFail(nsPath.c_str());
            }
        }
        if (sysctls)
        {
            for (const auto& s : SYSCTLS)
            {
                const int fd = open(s[0], O_WRONLY | O_CLOEXEC);
                if (fd < 0 || write(fd, s[1], std::strlen(s[1])) < 0)
                {
                    ChildFail(s[0]);
                }
                close(fd);
            }
        }
        execvp(args[0], args.data());
        ChildFail(args[0]);
    }
    close(in[0]);
    close(out[1]);
    close(err[1]);
    r.started = true;
    fcntl(in[1], F_SETFL, O_NONBLOCK);

    std::size_t written = 0;
    int inFd = in[1];
    if (input.empty())
    {
        close(inFd);
        inFd = -1;
    }
    int outFd = out[0];
    int errFd = err[0];
    char buf[65536];
    while (inFd >= 0 || outFd >= 0 || errFd >= 0)
    {
        pollfd fds[3];
        int n = 0;
        if (inFd >= 0)
        {
            fds[n++] = {inFd, POLLOUT, 0};
        }
        if (outFd >= 0)
        {
            fds[n++] = {outFd, POLLIN, 0};
        }
        if (errFd >= 0)
        {
            fds[n++] = {errFd, POLLIN, 0};
        }
        if (poll(fds, n, -1) < 0)
        {
            if (errno == EINTR)
            {
                continue;
            }
            break;
        }
        for (int i = 0; i < n; ++i)
        {
            if (!fds[i].revents)
            {
                continue;
            }
            if (fds[i].fd == inFd)
            {
                const ssize_t w = write(inFd, input.data() + written, input.size() - written);
                if (w > 0)
                {
                    written += static_cast<std::size_t>(w);
                }
                if (w < 0 && errno != EAGAIN && errno != EINTR)
                {
                    written = input.size();
                }
                if (written == input.size())
                {
                    close(inFd);
                    inFd = -1;
                }
                continue;
            }
            const ssize_t got = read(fds[i].fd, buf, sizeof(buf));
            if (got > 0)
            {
                (fds[i].fd == outFd ? r.out : r.err).append(buf, static_cast<std::size_t>(got));
            }
            else if (got == 0 || (errno != EAGAIN && errno != EINTR))
            {
                close(fds[i].fd);
                (fds[i].fd == outFd ? outFd : errFd) = -1;
            }
        }
    }
    int status = 0;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
    {
    }
    r.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return r;
}

std::vector<std::string>
Lines(const std::string& text)
{
    std::vector<std::string> lines;
    std::istringstream is(text);
    std::string line;
    while (std::getline(is, line))
    {
        lines.push_back(line);
    }
    return lines;
}

std::vector<std::string>
Tokens(const std::string& line)
{
    std::vector<std::string> t;
    std::istringstream is(line);
    std::string w;
    while (is >> w)
    {
        t.push_back(w);
    }
    return t;
}

bool
ParseAddress(const std::string& s, uint32_t* a)
{
    unsigned b[4];
    char tail;
    if (std::sscanf(s.c_str(), "%u.%u.%u.%u%c", &b[0], &b[1], &b[2], &b[3], &tail) != 4)
    {
        return false;
    }
    for (unsigned x : b)
    {
        if (x > 255)
        {
            return false;
        }
    }
    *a = (b[0] << 24) | (b[1] << 16) | (b[2] << 8) | b[3];
    return true;
}

/// "default", "all", "a.b.c.d", "a.b.c.d/len"
bool
ParsePrefix(const std::string& s, uint32_t* prefix, uint8_t* length)
{
    if (s == "default" || s == "all")
    {
        *prefix = 0;
        *length = 0;
        return true;
    }
    const std::size_t slash = s.find('/');
    if (!ParseAddress(s.substr(0, slash), prefix))
    {
        return false;
    }
    *length = slash == std::string::npos
                  ? 32
                  : static_cast<uint8_t>(std::strtoul(s.c_str() + slash + 1, nullptr, 10));
    return true;
}

int
ParseDev(const std::string& s)
{
    if (s == "lo")
    {
        return LO_IF;
    }
    if (s.size() > 1 && s[0] == 'v' && std::isdigit(static_cast<unsigned char>(s[1])))
    {
        return std::atoi(s.c_str() + 1);
    }
    return NO_IF - 1; // an interface the configuration does not know
}

bool
IsNumber(const std::string& s)
{
    return !s.empty() && s.find_first_not_of("0123456789") == std::string::npos;
}

/// The route type of a listing's first token (number with -N, or name), or "" if the token
/// is the prefix.
std::string
RouteTypeOf(const std::string& t)
{
    static const std::map<std::string, std::string> names = {
        {"1", "unicast"},
        {"2", "local"},
        {"3", "broadcast"},
        {"4", "anycast"},
        {"5", "multicast"},
        {"6", "blackhole"},
        {"7", "unreachable"},
        {"8", "prohibit"},
        {"9", "throw"},
        {"10", "nat"},
        {"unicast", "unicast"},
        {"local", "local"},
        {"broadcast", "broadcast"},
        {"anycast", "anycast"},
        {"multicast", "multicast"},
        {"blackhole", "blackhole"},
        {"unreachable", "unreachable"},
        {"prohibit", "prohibit"},
        {"throw", "throw"},
        {"nat", "nat"},
    };
    auto it = names.find(t);
    return it == names.end() ? "" : it->second;
}

bool
ParseRouteLine(const std::string& line, StateRoute* r)
{
    const std::vector<std::string> t = Tokens(line);
    if (t.empty())
    {
        return false;
    }
    std::size_t i = 0;
    r->type = RouteTypeOf(t[0]);
    if (!r->type.empty())
    {
        ++i;
    }
    else
    {
        r->type = "unicast";
    }
    if (i >= t.size() || !ParsePrefix(t[i], &r->prefix, &r->length))
    {
        return false;
    }
    r->table = 254;
    for (++i; i + 1 < t.size(); ++i)
    {
        const std::string& k = t[i];
        const std::string& v = t[i + 1];
        if (k == "via")
        {
            ParseAddress(v, &r->gateway);
        }
        else if (k == "dev")
        {
            r->dev = ParseDev(v);
        }
        else if (k == "table")
        {
            r->table = IsNumber(v) ? std::stoul(v) : v == "local" ? 255 : v == "main" ? 254 : 0;
        }
        else if (k == "tos" || k == "dsfield")
        {
            r->tos = static_cast<uint8_t>(std::strtoul(v.c_str(), nullptr, 16));
        }
        else if (k == "metric")
        {
            r->metric = std::stoul(v);
        }
        else
        {
            continue;
        }
        ++i;
    }
    return true;
}

bool
ParseRuleLine(const std::string& line, StateRule* r)
{
    const std::vector<std::string> t = Tokens(line);
    if (t.empty() || t[0].back() != ':' || !IsNumber(t[0].substr(0, t[0].size() - 1)))
    {
        return false;
    }
    r->pref = std::stoul(t[0]);
    for (std::size_t i = 1; i < t.size(); ++i)
    {
        const std::string& k = t[i];
        const bool more = i + 1 < t.size();
        if (k == "from" && more)
        {
            ParsePrefix(t[++i], &r->src, &r->srcLength);
        }
        else if (k == "to" && more)
        {
            ParsePrefix(t[++i], &r->dst, &r->dstLength);
        }
        else if ((k == "tos" || k == "dsfield") && more)
        {
            r->tos = static_cast<uint8_t>(std::strtoul(t[++i].c_str(), nullptr, 16));
        }
        else if (k == "iif" && more)
        {
            r->iif = ParseDev(t[++i]);
        }
        else if ((k == "lookup" || k == "table") && more)
        {
            const std::string& v = t[++i];
            r->type = RuleType::LOOKUP;
            r->table = IsNumber(v) ? std::stoul(v) : v == "local" ? 255 : v == "main" ? 254 : 253;
        }
        else
        {
            const std::string type = RouteTypeOf(k);
            if (type == "unreachable")
            {
                r->type = RuleType::UNREACHABLE;
            }
            else if (type == "prohibit")
            {
                r->type = RuleType::PROHIBIT;
            }
            else if (type == "blackhole")
            {
                r->type = RuleType::BLACKHOLE;
            }
        }
    }
    return true;
}

OpResult
OpResultOf(const std::string& message)
{
    if (message.find("File exists") != std::string::npos)
    {
        return OpResult::EXISTS;
    }
    if (message.find("No such process") != std::string::npos ||
        message.find("No such file or directory") != std::string::npos ||
        message.find("table does not exist") != std::string::npos)
    {
        return OpResult::NOT_FOUND;
    }
    return OpResult::FAILED;
}

std::string
FindIp()
{
    for (const char* p : {"/usr/sbin/ip", "/sbin/ip", "/usr/bin/ip", "/bin/ip"})
    {
        if (access(p, X_OK) == 0)
        {
            return p;
        }
    }
    return "ip";
}

const std::string&
Ip()
{
    static const std::string ip = FindIp();
    return ip;
}

} // namespace

Answer
ParseRouteGetError(const std::string& message)
{
    Answer a;
    a.detail = message;
    if (message.find("Network is unreachable") != std::string::npos)
    {
        a.kind = AnswerKind::NET_UNREACHABLE;
    }
    else if (message.find("No route to host") != std::string::npos)
    {
        a.kind = AnswerKind::HOST_UNREACHABLE;
    }
    else if (message.find("Permission denied") != std::string::npos)
    {
        a.kind = AnswerKind::PROHIBITED;
    }
    else if (message.find("Invalid argument") != std::string::npos)
    {
        a.kind = AnswerKind::INVALID;
    }
    return a;
}

Answer
ParseRouteGet(const std::string& line, bool input)
{
    Answer a;
    a.detail = line;
    std::vector<std::string> t = Tokens(line.substr(0, line.find('\\')));
    if (t.empty())
    {
        return a;
    }
    std::string type = RouteTypeOf(t[0]);
    if (type.empty())
    {
        type = "unicast";
    }
    for (std::size_t i = 1; i + 1 < t.size(); ++i)
    {
        if (t[i] == "via")
        {
            ParseAddress(t[i + 1], &a.gateway);
        }
        else if (t[i] == "dev")
        {
            a.dev = ParseDev(t[i + 1]);
        }
    }
    if (type == "unicast")
    {
        a.kind = AnswerKind::FORWARD;
    }
    else if (type == "local")
    {
        a.kind = AnswerKind::LOCAL;
    }
    else if (type == "broadcast")
    {
        // Input: delivered locally. Output: sent out of the device as a link broadcast, which
        // is what an ns-3 route to the device without a gateway does.
        a.kind = input ? AnswerKind::LOCAL : AnswerKind::FORWARD;
        a.gateway = 0;
    }
    else if (type == "unreachable")
    {
        a.kind = AnswerKind::HOST_UNREACHABLE;
    }
    else if (type == "prohibit")
    {
        a.kind = AnswerKind::PROHIBITED;
    }
    else if (type == "blackhole")
    {
        a.kind = AnswerKind::INVALID;
    }
    else if (type == "throw")
    {
        a.kind = AnswerKind::NET_UNREACHABLE;
    }
    return a;
}

KernelRunner::KernelRunner()
{
    signal(SIGINT, OnSignal);
    signal(SIGTERM, OnSignal);
    signal(SIGHUP, OnSignal);
    signal(SIGPIPE, SIG_IGN);
}

KernelRunner::~KernelRunner()
{
    if (g_activePath[0])
    {
        DeleteNamespace(g_activePath + std::strlen("/run/netns/"));
    }
}

std::string
KernelRunner::IpVersion()
{
    const ProcessResult r = RunProcess({Ip(), "-V"}, "");
    std::string v = r.out + r.err;
    while (!v.empty() && (v.back() == '\n' || v.back() == ' '))
    {
        v.pop_back();
    }
    return v;
}

std::string
KernelRunner::NewNamespace()
{
    const std::string name = "prk-" + std::to_string(getpid()) + "-" + std::to_string(m_counter++);
    SetActive(name);
    const ProcessResult r = RunProcess({Ip(), "netns", "add", name}, "");
    if (!r.started || r.status != 0)
    {
        SetActive("");
        return "";
    }
    return name;
}

void
KernelRunner::DeleteNamespace(const std::string& name)
{
    RunProcess({Ip(), "netns", "del", name}, "");
    SetActive("");
}

bool
KernelRunner::Probe(std::string* why)
{
    if (geteuid() != 0)
    {
        *why = "not running as root";
        return false;
    }
    const std::string ns = NewNamespace();
    if (ns.empty())
    {
        const ProcessResult r = RunProcess({Ip(), "netns", "add", "prk-probe-failed"}, "");
        *why = "`ip netns add` failed: " + r.err;
        while (!why->empty() && (why->back() == '\n' || why->back() == ' '))
        {
            why->pop_back();
        }
        RunProcess({Ip(), "netns", "del", "prk-probe-failed"}, "");
        return false;
    }
    bool ok = true;
    const ProcessResult b = RunProcess({Ip(), "-batch", "-"},
                                       "link set lo up\nlink add v0 type veth peer name p0\n"
                                       "link set v0 up\nlink set p0 up\n"
                                       "rule add pref 5 lookup 10\n"
                                       "route add unreachable 10.0.0.0/8 table 10\n",
                                       ns,
                                       true);
    if (!b.started || b.status != 0)
    {
        *why = "cannot set up a namespace (sysctls, veth, ip rule): " + b.err;
        ok = false;
    }
    if (ok)
    {
        const ProcessResult c = RunProcess({"cat",
                                            "/proc/sys/net/ipv4/conf/v0/rp_filter",
                                            "/proc/sys/net/ipv4/conf/v0/forwarding"},
                                           "",
                                           ns);
        if (c.out != "0\n1\n")
        {
            *why = "interfaces of a new namespace do not inherit rp_filter=0/forwarding=1 (" +
                   c.out + c.err + ")";
            ok = false;
        }
    }
    DeleteNamespace(ns);
    return ok;
}

KernelResult
KernelRunner::Run(const Config& config, const std::vector<Query>& queries)
{
    KernelResult res;
    const std::vector<std::string> setup = SetupCommands(config);
    std::string batch;
    for (const std::string& l : setup)
    {
        batch += l + "\n";
    }
    for (const Op& op : config.ops)
    {
        batch += OpCommand(op) + "\n";
    }
    for (const Query& q : queries)
    {
        batch += QueryCommand(q) + "\n";
    }
    batch += "rule show\nroute show table all\n";

    const std::string ns = NewNamespace();
    if (ns.empty())
    {
        res.error = "ip netns add failed";
        return res;
    }
    const ProcessResult r =
        RunProcess({Ip(), "-4", "-N", "-o", "-force", "-batch", "-"}, batch, ns, true);
    DeleteNamespace(ns);
    if (!r.started || r.status < 0)
    {
        res.error = "cannot run ip -batch: " + r.err;
        return res;
    }

    // stderr: each failed line is "<messages>\nCommand failed -:<line>".
    std::map<std::size_t, std::string> failed;
    std::string pending;
    for (const std::string& l : Lines(r.err))
    {
        const std::size_t at = l.find("Command failed ");
        if (at != std::string::npos)
        {
            const std::size_t colon = l.rfind(':');
            failed[std::stoul(l.substr(colon + 1))] = pending;
            pending.clear();
        }
        else
        {
            pending += (pending.empty() ? "" : " ") + l;
        }
    }
    std::size_t line = 1;
    for (const std::string& l : setup)
    {
        if (failed.count(line))
        {
            res.error = "setup command '" + l + "' failed: " + failed[line];
            return res;
        }
        ++line;
    }
    for (std::size_t i = 0; i < config.ops.size(); ++i, ++line)
    {
        auto it = failed.find(line);
        res.opResults.push_back(it == failed.end() ? OpResult::OK : OpResultOf(it->second));
        res.opErrors.push_back(it == failed.end() ? "" : it->second);
    }
    // stdout: one line per successful `route get`, then the listing.
    const std::vector<std::string> out = Lines(r.out);
    std::size_t next = 0;
    for (const Query& q : queries)
    {
        auto it = failed.find(line++);
        if (it != failed.end())
        {
            res.answers.push_back(ParseRouteGetError(it->second));
            continue;
        }
        if (next >= out.size())
        {
            res.error = "ip printed fewer answers than expected";
            return res;
        }
        res.answers.push_back(ParseRouteGet(out[next++], q.iif != NO_IF));
    }
    if (failed.count(line) || failed.count(line + 1))
    {
        res.error = "listing failed";
        return res;
    }
    for (; next < out.size(); ++next)
    {
        const std::string& l = out[next];
        res.listing += l + "\n";
        StateRule rule;
        StateRoute route;
        if (ParseRuleLine(l, &rule))
        {
            res.state.rules.push_back(rule);
        }
        else if (ParseRouteLine(l, &route))
        {
            res.state.routes.push_back(route);
        }
    }
    res.ok = true;
    return res;
}

} // namespace kernelcompare
