# The points core's benchmark: Balance and Redeem in process and over HTTP on loopback.
# Included from bench/CMakeLists.txt.
add_executable(madoguchi_points_bench ${CMAKE_CURRENT_LIST_DIR}/points_bench.cc)
# Reuses the tests' hand-built programs and temp dir: "points/test_programs.h", from tests/.
target_include_directories(madoguchi_points_bench PRIVATE ${CMAKE_CURRENT_LIST_DIR}/../tests)
target_link_libraries(madoguchi_points_bench
  PRIVATE madoguchi_points madoguchi_points_http benchmark::benchmark madoguchi_warnings)
