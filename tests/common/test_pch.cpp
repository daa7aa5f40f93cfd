// Compiles tests/common/test_pch.hpp once per build tree (see tests/CMakeLists.txt).
