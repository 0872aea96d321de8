// Golden-file comparison for the renderer tests. Set IMAPCHECK_UPDATE_GOLDEN=1 to rewrite
// the files after an intended change, then read the diff before committing it.
#pragma once

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

namespace imapcheck::testing {

inline std::string golden_path(const std::string& name) {
    return std::string(IMAPCHECK_GOLDEN_DIR) + "/" + name;
}

inline void expect_golden(const std::string& name, const std::string& actual) {
    if (std::getenv("IMAPCHECK_UPDATE_GOLDEN")) {
        std::ofstream(golden_path(name), std::ios::binary) << actual;
        GTEST_SKIP() << "rewrote " << name;
    }
    std::ifstream in(golden_path(name), std::ios::binary);
    ASSERT_TRUE(in) << "missing golden file " << golden_path(name);
    std::stringstream expected;
    expected << in.rdbuf();
    EXPECT_EQ(actual, expected.str()) << "differs from " << name;
}

}  // namespace imapcheck::testing
