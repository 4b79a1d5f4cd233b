/*
 * SPDX-License-Identifier: GPL-2.0-only
 *
 * policy-kernel-compare: the differential test of Ipv4PolicyRouting (RuleStyle Modern,
 * LookupAlgorithm Linux) against the running Linux kernel. See doc/kernel-comparison.md.
 *
 *   policy-kernel-compare [--configs=N] [--seed=S] [--queries=Q] [--keep-going] [--verbose]
 *
 * For each configuration (seed S, S+1, ...): generate interfaces, routes and rules; apply
 * them to a fresh network namespace and ask `ip route get` questions there; build the same
 * configuration on an ns-3 node and ask RouteOutput/RouteInput the same questions; compare
 * the result of every command, the resulting tables and rules, and every answer.
 *
 * Exit status: 0 all agree, 1 a mismatch (the report says how to reproduce it), 2 the
 * harness failed, 77 skipped (not root, or `ip netns` does not work).
 * The number of configurations defaults to POLICY_KERNEL_COMPARE_CONFIGS or 300.
 */

#include "kernel-compare-linux.h"
#include "kernel-compare-model.h"
#include "kernel-compare.h"

#include <chrono>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <sstream>
#include <string>

using namespace kernelcompare;

namespace
{

struct Options
{
    uint64_t configs{300};
    uint64_t seed{1};
    std::size_t queries{64};
    bool keepGoing{false};
    bool verbose{false};
};

void
Usage()
{
    std::cout << "usage: policy-kernel-compare [--configs=N] [--seed=S] [--queries=Q] "
                 "[--keep-going] [--verbose]\n"
                 "  --configs=N   configurations to run (default: $POLICY_KERNEL_COMPARE_CONFIGS "
                 "or 300)\n"
                 "  --seed=S      seed of the first configuration (default 1; the i-th uses "
                 "S+i)\n"
                 "  --queries=Q   route get questions per configuration (default 64)\n"
                 "  --keep-going  report every mismatching configuration, not only the first\n"
                 "  --verbose     print every configuration and answer\n";
}

bool
ParseOptions(int argc, char** argv, Options* o)
{
    if (const char* env = std::getenv("POLICY_KERNEL_COMPARE_CONFIGS"))
    {
        o->configs = std::strtoull(env, nullptr, 10);
    }
    for (int i = 1; i < argc; ++i)
    {
        const std::string a = argv[i];
        auto value = [&a](const char* name, uint64_t* v) {
            const std::string p = std::string(name) + "=";
            if (a.compare(0, p.size(), p) != 0)
            {
                return false;
            }
            *v = std::strtoull(a.c_str() + p.size(), nullptr, 10);
            return true;
        };
        uint64_t q = 0;
        if (value("--configs", &o->configs) || value("--seed", &o->seed))
        {
            continue;
        }
        if (value("--queries", &q))
        {
            o->queries = static_cast<std::size_t>(q);
        }
        else if (a == "--keep-going")
        {
            o->keepGoing = true;
        }
        else if (a == "--verbose")
        {
            o->verbose = true;
        }
        else
        {
            Usage();
            return false;
        }
    }
    return true;
}

/// What was compared.
struct Stats
{
    uint64_t queries{0};    //!< questions compared
    uint64_t ops{0};        //!< configuration commands compared
    uint64_t refused{0};    //!< of which the kernel refused (and the model too)
    uint64_t nexthop{0};    //!< route adds the kernel refused for an invalid gateway (not applied
                            //!< to the model, which does not validate gateways given with a device)
    uint64_t kinds[2][7]{}; //!< [input][AnswerKind] answers that agreed
    uint64_t rules{0};      //!< rules in the final states
    uint64_t routes{0};     //!< routes in the final states

    std::string ToString() const
    {
        std::ostringstream os;
        for (int input = 0; input < 2; ++input)
        {
            os << (input ? "  input (RouteInput, iif):" : "  output (RouteOutput):  ");
            for (int k = 0; k < 7; ++k)
            {
                if (kinds[input][k])
                {
                    os << " " << AnswerKindName(static_cast<AnswerKind>(k)) << " "
                       << kinds[input][k];
                }
            }
            os << "\n";
        }
        os << "  commands: " << ops << " (" << refused << " refused by both, " << nexthop
           << " gateway refusals by the kernel not applied to the model), final states: " << rules
           << " rules, " << routes << " routes\n";
        return os.str();
    }
};

/// The configuration as an `ip -batch` script, with each command's outcome on both sides.
std::string
ConfigText(const Config& c,
           const KernelResult& k,
           const std::vector<OpResult>& model,
           std::size_t upTo)
{
    std::ostringstream os;
    for (const std::string& l : SetupCommands(c))
    {
        os << l << "\n";
    }
    for (std::size_t i = 0; i < c.ops.size() && i < upTo; ++i)
    {
        os << OpCommand(c.ops[i]);
        const OpResult kr = i < k.opResults.size() ? k.opResults[i] : OpResult::OK;
        const OpResult mr = i < model.size() ? model[i] : OpResult::OK;
        if (kr != OpResult::OK || mr != OpResult::OK)
        {
            os << "\t# kernel: " << OpResultName(kr);
            if (i < k.opErrors.size() && !k.opErrors[i].empty())
            {
                os << " (" << k.opErrors[i] << ")";
            }
            os << ", model: " << OpResultName(mr);
        }
        os << "\n";
    }
    return os.str();
}

/// Runs one configuration. \return true if everything agrees; prints a report otherwise.
bool
RunOne(KernelRunner& kernel, uint64_t seed, const Options& o, Stats* stats)
{
    const Config config = GenerateConfig(seed);
    const std::vector<Query> queries = GenerateQueries(config, seed, o.queries);
    const KernelResult k = kernel.Run(config, queries);
    if (!k.ok)
    {
        std::cerr << "policy-kernel-compare: seed " << seed << ": harness failure: " << k.error
                  << "\n";
        std::exit(2);
    }

    ModelNode model(config);
    std::vector<OpResult> results;
    auto header = [&](const std::string& what) {
        std::cout << "MISMATCH (seed " << seed << "): " << what << "\n"
                  << "# reproduce: policy-kernel-compare --seed=" << seed
                  << " --configs=1 --queries=" << o.queries << "\n";
    };
    for (std::size_t i = 0; i < config.ops.size(); ++i)
    {
        const Op& op = config.ops[i];
        if (k.opResults[i] == OpResult::FAILED && op.kind != OpKind::ROUTE_DEL &&
            op.kind != OpKind::RULE_ADD && op.kind != OpKind::RULE_DEL &&
            k.opErrors[i].find("Nexthop has invalid gateway") != std::string::npos)
        {
            // fib_check_nh: the kernel checks the gateway through the rules in place; the
            // model trusts a gateway given with its device (doc/kernel-comparison.md).
            results.push_back(OpResult::FAILED);
            ++stats->nexthop;
            continue;
        }
        results.push_back(model.Apply(op));
        ++stats->ops;
        stats->refused += results[i] != OpResult::OK ? 1 : 0;
        if (results[i] != k.opResults[i])
        {
            header("command '" + OpCommand(config.ops[i]) + "': kernel " +
                   OpResultName(k.opResults[i]) + ", model " + OpResultName(results[i]));
            std::cout << "# configuration up to that command (ip -batch):\n"
                      << ConfigText(config, k, results, i + 1) << "# model state now:\n"
                      << StateText(model.GetState());
            return false;
        }
    }
    const State modelState = model.GetState();
    stats->rules += modelState.rules.size();
    stats->routes += modelState.routes.size();
    const std::string diff = CompareStates(k.state, modelState);
    if (!diff.empty())
    {
        header("tables or rules differ: " + diff);
        std::cout << "# configuration (ip -batch):\n"
                  << ConfigText(config, k, results, config.ops.size()) << "# kernel state:\n"
                  << StateText(k.state) << "# model state:\n"
                  << StateText(modelState);
        return false;
    }
    if (o.verbose)
    {
        std::cout << "# seed " << seed << "\n" << ConfigText(config, k, results, config.ops.size());
    }
    bool ok = true;
    for (std::size_t i = 0; i < queries.size(); ++i)
    {
        const Query& q = queries[i];
        const Answer m = model.Ask(q);
        const Answer& ka = k.answers[i];
        ++stats->queries;
        if (o.verbose)
        {
            std::cout << QueryCommand(q) << "\n  kernel: " << ka.ToString() << "  [" << ka.detail
                      << "]\n  model:  " << m.ToString() << "  [" << m.detail << "]\n";
        }
        if (ka.Same(m) && ka.kind != AnswerKind::OTHER)
        {
            ++stats->kinds[q.iif != NO_IF][static_cast<int>(ka.kind)];
            continue;
        }
        header("answers differ for '" + QueryCommand(q) + "'");
        std::cout << "# configuration (ip -batch):\n"
                  << ConfigText(config, k, results, config.ops.size())
                  << "# question: " << QueryCommand(q) << "\n"
                  << "kernel: " << ka.ToString() << "\n  (" << ka.detail << ")\n"
                  << "model:  " << m.ToString() << "\n  (" << m.detail << ")\n"
                  << "# Ipv4PolicyRouting::Explain (diagnostic):\n"
                  << model.Explain(q) << "# kernel state:\n"
                  << StateText(k.state) << "# model listing:\n"
                  << model.Listing();
        ok = false;
        break;
    }
    return ok;
}

} // namespace

int
main(int argc, char** argv)
{
    Options o;
    if (!ParseOptions(argc, argv, &o))
    {
        return 2;
    }
    KernelRunner kernel;
    std::string why;
    if (!kernel.Probe(&why))
    {
        std::cout << "policy-kernel-compare: skipping: needs root and ip netns (" << why << ")\n";
        return 77;
    }
    std::cout << "policy-kernel-compare: " << o.configs << " configurations from seed " << o.seed
              << ", " << o.queries << " questions each; " << KernelRunner::IpVersion() << "\n";
    const auto start = std::chrono::steady_clock::now();
    Stats stats;
    uint64_t mismatches = 0;
    for (uint64_t i = 0; i < o.configs; ++i)
    {
        if (!RunOne(kernel, o.seed + i, o, &stats))
        {
            ++mismatches;
            if (!o.keepGoing)
            {
                break;
            }
        }
        if ((i + 1) % 1000 == 0)
        {
            const double s =
                std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
            std::cout << "  " << (i + 1) << " configurations, " << stats.queries << " questions, "
                      << mismatches << " mismatching, " << s << " s\n"
                      << std::flush;
        }
    }
    const double s =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::cout << "policy-kernel-compare: " << (mismatches ? "FAILED" : "passed") << ": "
              << o.configs << " configurations, " << stats.queries << " questions compared, "
              << mismatches << " mismatching configuration(s), " << s << " s\n"
              << stats.ToString();
    return mismatches ? 1 : 0;
}
