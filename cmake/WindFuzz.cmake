# wind_add_fuzzer(name SOURCES ... LIBS ...): one libFuzzer executable, built
# only when the whole build is instrumented for fuzzing, i.e. configured with
# clang and WIND_SANITIZE containing "fuzzer-no-link" (the `fuzz` preset).
# The executable lands in <build>/fuzzers/ where scripts/fuzz looks for it;
# its seed corpus is tests/fuzz/corpus/<name>/.
function(wind_add_fuzzer name)
  cmake_parse_arguments(ARG "" "" "SOURCES;LIBS" ${ARGN})
  add_executable(fuzz_${name} ${ARG_SOURCES})
  target_link_libraries(fuzz_${name} PRIVATE ${ARG_LIBS})
  target_link_options(fuzz_${name} PRIVATE -fsanitize=fuzzer)
  set_target_properties(fuzz_${name} PROPERTIES
    OUTPUT_NAME ${name}
    RUNTIME_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR}/fuzzers)
  wind_set_warnings(fuzz_${name})
  if(NOT TARGET fuzzers)
    add_custom_target(fuzzers)
  endif()
  add_dependencies(fuzzers fuzz_${name})
endfunction()
