# Per-user state: the SQLite engine on temporary files.
qabot_add_test(sqlite_state_store_test unit SOURCES state/sqlite_state_store_test.cpp LIBS qabot_state qabot_sqlite)
# StateStore engines against a throwaway PostgreSQL (tests/support/pg_temp.sh starts and stops it,
# also when a test fails). One CTest entry per executable, not per TEST: each entry starts its own
# server, and two seconds of initdb per TEST would dominate the run.
find_package(PkgConfig REQUIRED)
foreach(name state_store_contract_test postgres_state_store_test)
  add_executable(${name} state/${name}.cpp)
  target_link_libraries(${name} PRIVATE qabot_state GTest::gtest GTest::gtest_main qabot_warnings)
  target_include_directories(${name} PRIVATE ${CMAKE_CURRENT_SOURCE_DIR}/..)
  add_test(NAME ${name} COMMAND ${PROJECT_SOURCE_DIR}/tests/support/pg_temp.sh run $<TARGET_FILE:${name}>)
  set_tests_properties(${name} PROPERTIES LABELS postgres TIMEOUT 60)
endforeach()
