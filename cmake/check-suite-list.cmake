# Checks that the ns-3 test runner registers exactly the TestSuites that CMake registered as
# CTest tests (read from the test sources at configure time), so that no suite is silently
# left out of the test run. Run with -DRUNNER=<runner> -DEXPECTED=<file>.
execute_process(COMMAND ${RUNNER} --list OUTPUT_VARIABLE listed RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "${RUNNER} --list failed (${rc})")
endif()
string(REGEX REPLACE "\n$" "" listed "${listed}")
string(REPLACE "\n" ";" listed "${listed}")
list(SORT listed)
file(STRINGS ${EXPECTED} expected)
list(SORT expected)
if(NOT "${listed}" STREQUAL "${expected}")
  message(FATAL_ERROR "test suites differ:\n runner lists: ${listed}\n CTest has:    ${expected}\n"
                      "(re-run cmake after adding a suite)")
endif()
message(STATUS "suites: ${listed}")
