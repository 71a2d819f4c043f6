# cmake -DIN=<universe.json> -DOUT=<file.cpp> -P embed_universe.cmake
file(READ "${IN}" text)
set(body "// Generated from universe/ by repo-tool build. Do not edit.\n")
string(APPEND body "#include \"universe/embedded_universe.h\"\n\nnamespace cosmos {\n\n")
string(APPEND body "std::string_view embedded_universe_json() {\n")
string(APPEND body "    static const char kText[] = R\"universe__(${text})universe__\";\n")
string(APPEND body "    return std::string_view(kText, sizeof(kText) - 1);\n}\n\n}  // namespace cosmos\n")
file(WRITE "${OUT}.tmp" "${body}")
file(COPY_FILE "${OUT}.tmp" "${OUT}" ONLY_IF_DIFFERENT)
