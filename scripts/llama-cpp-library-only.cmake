# Included by CMake right after llama.cpp's own project() call when scripts/setup.sh compiles
# llama-cpp-python (CMAKE_ARGS: -DCMAKE_PROJECT_llama.cpp_INCLUDE=<this file>).
#
# llama-cpp-python forces LLAMA_BUILD_COMMON on (a cache variable set with FORCE), so that
# `-DLLAMA_BUILD_COMMON=OFF` on the command line has no effect. The Python package never loads
# that library (it loads libllama and libggml*; libmtmd only for multimodal chat, which
# scripts/setup.sh turns off with -DLLAVA_BUILD=OFF), yet llama-common, cpp-httplib and mtmd are
# about two thirds of the compiler's time. A normal variable of the same name, set in
# llama.cpp's directory scope, shadows the cache entry there (policy CMP0077), so llama.cpp
# builds and installs only libllama and ggml. Tests, tools, examples and the server are off
# already when llama.cpp is built as a subproject.
set(LLAMA_BUILD_COMMON OFF)
