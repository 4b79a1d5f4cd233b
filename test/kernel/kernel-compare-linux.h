/*
 * SPDX-License-Identifier: GPL-2.0-only
 *
 * The kernel side of the comparison: a private network namespace per configuration, one
 * `ip -batch` run that builds it and asks every question, and the parsing of the answers.
 */

#ifndef KERNEL_COMPARE_LINUX_H
#define KERNEL_COMPARE_LINUX_H

#include "kernel-compare.h"

#include <string>
#include <vector>

namespace kernelcompare
{

/// What the kernel said about one configuration.
struct KernelResult
{
    bool ok{false};                    //!< false: the harness itself failed (see error)
    std::string error;                 //!< why
    std::vector<OpResult> opResults;   //!< one per Config::ops
    std::vector<std::string> opErrors; //!< the kernel's message for refused ops
    std::vector<Answer> answers;       //!< one per query
    State state;                       //!< rules and routes after the configuration
    std::string listing;               //!< `ip rule show; ip route show table all` text
};

/**
 * Runs configurations in private network namespaces named prk-<pid>-<n>. Every namespace is
 * deleted before Run returns; the destructor and the signal handlers delete a namespace left
 * by an interruption.
 */
class KernelRunner
{
  public:
    KernelRunner();
    ~KernelRunner();
    KernelRunner(const KernelRunner&) = delete;
    KernelRunner& operator=(const KernelRunner&) = delete;

    /// \return true if this process can create a namespace with veth pairs and set its
    /// sysctls; otherwise \p why says what failed
    bool Probe(std::string* why);

    /// Apply \p config in a fresh namespace and ask \p queries.
    KernelResult Run(const Config& config, const std::vector<Query>& queries);

    /// \return the `ip` version line
    static std::string IpVersion();

  private:
    std::string NewNamespace();
    void DeleteNamespace(const std::string& name);

    unsigned m_counter{0};
};

/// Parse one line of `ip -o -N route get` (exposed for tests of the parser).
Answer ParseRouteGet(const std::string& line, bool input);

/// Map a kernel error message ("RTNETLINK answers: No route to host") to an answer.
Answer ParseRouteGetError(const std::string& message);

} // namespace kernelcompare

#endif /* KERNEL_COMPARE_LINUX_H */
