#include "cosmos/core/version.h"

#include <catch2/catch.hpp>

using cosmos::core::DcosReleaseVersion;

namespace {
DcosReleaseVersion v(const char* s) {
    auto parsed = DcosReleaseVersion::parse(s);
    REQUIRE(parsed);
    return *parsed;
}
}  // namespace

TEST_CASE("DC/OS release versions parse", "[core][version]") {
    const char* good[] = {"1",   "1.9",      "1.9.0",        "1.10",     "2.0",
                          "0.1", "1.10-dev", "2.1.0-beta.1", "1.12-rc-1"};
    for (auto s : good) {
        INFO(s);
        auto p = DcosReleaseVersion::parse(s);
        REQUIRE(p);
        CHECK(p->str() == s);
    }
    const char* bad[] = {"",    "1.",   ".1",   "01.2",   "1.02",
                         "a.b", "1..2", "1.2-", "1.2-01", "1.2-a..b"};
    for (auto s : bad) {
        INFO(s);
        CHECK_FALSE(DcosReleaseVersion::parse(s));
    }
}

TEST_CASE("DC/OS release versions order numerically, a prefix first", "[core][version]") {
    // 1.9 and 1.9.0 are different versions: the shorter one is lower, as in the generator's
    // LooseVersion, so a package needing 1.9.0 is not served to DC/OS 1.9.
    CHECK(v("1.9") < v("1.9.0"));
    CHECK(v("1.9.0") < v("1.9.1"));
    CHECK(v("1.9.1") < v("1.10"));
    CHECK(v("1.10") < v("1.11"));
    CHECK(v("1.13") < v("2.0"));
    CHECK(v("1.10-dev") < v("1.10"));
    CHECK(v("1.10-alpha") < v("1.10-beta"));
    CHECK(v("2.0") == v("2.0"));
    CHECK_FALSE(v("1.9") == v("1.9.0"));
}

TEST_CASE("LooseVersion comparison of the generator", "[core][version]") {
    using cosmos::core::loose_version_compare;
    CHECK(loose_version_compare("1.9", "1.9.0") < 0);
    CHECK(loose_version_compare("1.9.0", "1.9") > 0);
    CHECK(loose_version_compare("1.10", "1.9") > 0);
    CHECK(loose_version_compare("0.0", "1.8") < 0);
    CHECK(loose_version_compare("1.8", "1.8") == 0);
    CHECK(loose_version_compare("999", "2.0") > 0);
    CHECK(loose_version_compare("1.12", "1.13") < 0);
}

TEST_CASE("package versions compare by equality only", "[core][version]") {
    cosmos::core::PackageVersion a("2.10.0-2.4.0");
    cosmos::core::PackageVersion b("2.10.0-2.4.0");
    cosmos::core::PackageVersion c("2.10.0");
    CHECK(a == b);
    CHECK_FALSE(a == c);
}

TEST_CASE("revision folder names parse as release versions", "[core][version]") {
    using cosmos::core::parse_release_version;
    CHECK(parse_release_version("0") == 0u);
    CHECK(parse_release_version("1200") == 1200u);
    CHECK(parse_release_version("007") == 7u);
    CHECK_FALSE(parse_release_version(""));
    CHECK_FALSE(parse_release_version("latest"));
    CHECK_FALSE(parse_release_version("-1"));
    CHECK_FALSE(parse_release_version("1.0"));
    CHECK_FALSE(parse_release_version("1234567890123456789"));
}
