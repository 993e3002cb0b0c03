# `madoguchi points …` (serve, seed-demo). Included from src/cli/CMakeLists.txt, after the
# madoguchi executable is defined.
add_library(madoguchi_cli_points ${CMAKE_CURRENT_LIST_DIR}/points_command.cc)
target_link_libraries(madoguchi_cli_points
  PUBLIC madoguchi_base
  PRIVATE madoguchi_cli_lib madoguchi_points madoguchi_points_postgres madoguchi_points_http
          madoguchi_rules
          Threads::Threads madoguchi_warnings)
# main.cc dispatches `points` as soon as cli/points_command.h exists, so link it in here.
if(TARGET madoguchi)
  target_link_libraries(madoguchi PRIVATE madoguchi_cli_points)
endif()
