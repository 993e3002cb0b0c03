# Writes a C++ source defining `const std::string& <FUNCTION>()` in madoguchi::staff that
# returns the bytes of INPUT: the console's script and style sheet live in the repository as
# files of their own and are compiled into the binary, so the service serves them without a
# data folder. Run as: cmake -DINPUT=… -DOUTPUT=… -DFUNCTION=… -P embed_asset.cmake
file(READ "${INPUT}" content)
string(FIND "${content}" ")asset\"" clash)
if(NOT clash EQUAL -1)
  message(FATAL_ERROR "${INPUT} contains the raw-string delimiter )asset\"")
endif()
file(WRITE "${OUTPUT}.tmp"
  "// Generated from ${INPUT} by embed_asset.cmake. Do not edit.\n"
  "#include <string>\n\n#include \"staff/staff_api.h\"\n\nnamespace madoguchi::staff {\n\n"
  "const std::string& ${FUNCTION}() {\n"
  "  static const std::string kAsset = R\"asset(${content})asset\";\n"
  "  return kAsset;\n}\n\n}  // namespace madoguchi::staff\n")
file(COPY_FILE "${OUTPUT}.tmp" "${OUTPUT}" ONLY_IF_DIFFERENT)
file(REMOVE "${OUTPUT}.tmp")
