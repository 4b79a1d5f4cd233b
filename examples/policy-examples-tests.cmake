# Determinism tests of the policy examples (out-of-tree builds; included from
# examples/CMakeLists.txt). Each test runs one example twice with a fixed seed, each time into
# an empty directory, and compares the sha256 of every file the runs wrote (pcaps, CSV files,
# listings):
#   * the two runs must be byte-identical;
#   * both must equal the stored hashes in examples/<example>.sha256.
#
# The stored hashes hold for one ns-3 version (the "# ns-3 X" line of the file; a different
# ns-3 changes timings, TCP and ARP, hence pcaps) on x86-64 Linux. Built against another
# version, only the two runs are compared and the test is reported as skipped
# ("SKIPPED: stored hashes are for ns-3 ...").
#
# Update mode: rewrite the .sha256 files from a fresh run (after a deliberate change):
#   POLICY_EXAMPLES_UPDATE_HASHES=1 ctest -R example-hashes
#
# This file is also the script the tests run (cmake -P, with HASH_EXAMPLE defined).

if(DEFINED HASH_EXAMPLE)
  # ----- cmake -P mode: run, hash, compare -----
  separate_arguments(args UNIX_COMMAND "${HASH_ARGS}")
  set(digests "")
  foreach(n 1 2)
    set(dir ${HASH_OUT}/run${n})
    file(REMOVE_RECURSE ${dir})
    file(MAKE_DIRECTORY ${dir})
    execute_process(
      COMMAND ${HASH_EXAMPLE} ${args} --outDir=${dir}
      RESULT_VARIABLE rc
      OUTPUT_FILE ${HASH_OUT}/run${n}.log
      ERROR_FILE ${HASH_OUT}/run${n}.log
    )
    if(NOT rc EQUAL 0)
      file(READ ${HASH_OUT}/run${n}.log log)
      message(FATAL_ERROR "${HASH_NAME} ${HASH_ARGS} failed (${rc}):\n${log}")
    endif()
    file(GLOB files RELATIVE ${dir} ${dir}/*)
    list(SORT files)
    set(lines "")
    foreach(f ${files})
      file(SHA256 ${dir}/${f} h)
      string(APPEND lines "${h}  ${f}\n")
    endforeach()
    set(digest${n} "${lines}")
  endforeach()
  if(NOT digest1 STREQUAL digest2)
    message(FATAL_ERROR "${HASH_NAME}: two runs with the same seed differ:\n--- run 1\n"
                        "${digest1}--- run 2\n${digest2}"
    )
  endif()
  message(STATUS "${HASH_NAME}: two runs byte-identical:\n${digest1}")

  set(header "# sha256 of the files `${HASH_NAME} ${HASH_ARGS} --outDir=DIR` writes\n# ns-3 ${HASH_NS3_VERSION}\n")
  if("$ENV{POLICY_EXAMPLES_UPDATE_HASHES}" STREQUAL "1")
    file(WRITE ${HASH_FILE} "${header}${digest1}")
    message(STATUS "${HASH_NAME}: wrote ${HASH_FILE}")
    return()
  endif()
  if(NOT EXISTS ${HASH_FILE})
    message(FATAL_ERROR "${HASH_FILE} is missing (POLICY_EXAMPLES_UPDATE_HASHES=1 writes it)")
  endif()
  file(STRINGS ${HASH_FILE} stored_version REGEX "^# ns-3 ")
  string(REGEX REPLACE "^# ns-3 " "" stored_version "${stored_version}")
  if(NOT stored_version STREQUAL HASH_NS3_VERSION)
    message(STATUS "SKIPPED: stored hashes are for ns-3 ${stored_version}, this is "
                   "${HASH_NS3_VERSION} (the runs agree with each other)"
    )
    return()
  endif()
  file(STRINGS ${HASH_FILE} stored REGEX "^[0-9a-f]+  ")
  string(REPLACE ";" "\n" stored "${stored}")
  string(APPEND stored "\n")
  if(NOT stored STREQUAL digest1)
    message(FATAL_ERROR "${HASH_NAME}: the outputs differ from ${HASH_FILE}:\n--- stored\n"
                        "${stored}--- now\n${digest1}(deliberate? POLICY_EXAMPLES_UPDATE_HASHES=1 "
                        "ctest -R example-hashes)"
    )
  endif()
  message(STATUS "${HASH_NAME}: equal to the stored hashes (ns-3 ${stored_version})")
  return()
endif()

# ----- include mode: register one test per example -----
set(policy_examples_ns3_version "${ns3_VERSION}")
if(NOT policy_examples_ns3_version AND DEFINED NS3_VER)
  set(policy_examples_ns3_version "${NS3_VER}")
endif()
if(NOT policy_examples_ns3_version)
  set(policy_examples_ns3_version "unknown")
endif()

# name | arguments of the fixed run (a few seconds each)
set(policy_examples_hash_runs
    "policy-ignore-classes|--seed=1 --run=1"
    "policy-rule-routes|--seed=1 --run=1"
    "policy-nat-masquerade|--seed=1 --run=1"
    "policy-shaper-tables|--seed=1 --run=1"
    "policy-shaper-tables-linux|--seed=1 --run=1 --mode=Linux --speed=256kbps --duration=6"
    "ospf-classes|--seed=1 --run=1"
    "tos-classes|--seed=1 --run=1"
)
foreach(entry ${policy_examples_hash_runs})
  string(REPLACE "|" ";" parts "${entry}")
  list(GET parts 0 name)
  list(GET parts 1 run_args)
  string(REGEX REPLACE "-linux$" "" target ${name})
  add_test(NAME example-hashes/${name}
           COMMAND ${CMAKE_COMMAND} -DHASH_EXAMPLE=$<TARGET_FILE:${target}> -DHASH_NAME=${target}
                   "-DHASH_ARGS=${run_args}" -DHASH_OUT=${CMAKE_CURRENT_BINARY_DIR}/example-hashes/${name}
                   -DHASH_FILE=${CMAKE_CURRENT_SOURCE_DIR}/${name}.sha256
                   -DHASH_NS3_VERSION=${policy_examples_ns3_version} -P
                   ${CMAKE_CURRENT_LIST_FILE}
  )
  set_tests_properties(example-hashes/${name} PROPERTIES SKIP_REGULAR_EXPRESSION "SKIPPED: stored hashes")
endforeach()

# The plots of plots/policy-plots.py, drawn from fresh runs of the examples (skipped, exit 77,
# when matplotlib is missing; Debian's is found by /usr/bin/python3).
find_program(POLICY_EXAMPLES_PYTHON python3 PATHS /usr/bin NO_DEFAULT_PATH)
if(NOT POLICY_EXAMPLES_PYTHON)
  find_program(POLICY_EXAMPLES_PYTHON python3)
endif()
add_test(NAME example-plots
         COMMAND ${POLICY_EXAMPLES_PYTHON} ${CMAKE_CURRENT_SOURCE_DIR}/../plots/policy-plots.py
                 --run $<TARGET_FILE_DIR:policy-ignore-classes> --out
                 ${CMAKE_CURRENT_BINARY_DIR}/example-plots
)
set_tests_properties(example-plots PROPERTIES SKIP_RETURN_CODE 77)
