/*
 * SPDX-License-Identifier: GPL-2.0-only
 *
 * The out-of-tree ns-3 test runner: the same main() as ns-3's utils/test-runner.cc, linked with
 * this module's TestSuites. In an ns-3 tree, ns-3's own test-runner is used instead.
 */

#include "ns3/test.h"

int
main(int argc, char* argv[])
{
    return ns3::TestRunner::Run(argc, argv);
}
