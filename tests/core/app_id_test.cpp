// Marathon app ids: which are valid absolute paths, and the reason given for the others.
#include "cosmos/core/app_id.h"

#include <catch2/catch.hpp>

#include "cosmos/core/error.h"

using cosmos::core::app_id_problem;

TEST_CASE("app ids Marathon accepts", "[core][app_id]") {
    for (const char* id : {"/kafka", "/a", "/0", "/prod/kafka", "/dev/team-1/kafka-2",
                           "/my.group/app.v2", "/a-b.c-d/e", "/x1/y2/z3/w4/v5"}) {
        INFO(id);
        CHECK_FALSE(app_id_problem(id));
        CHECK_NOTHROW(cosmos::core::check_app_id(id));
    }
}

TEST_CASE("app ids that are refused, with the reason", "[core][app_id]") {
    struct Case {
        const char* id;
        const char* reason;
    };
    const Case cases[] = {
        {"", "it must start with '/'"},
        {"kafka", "it must start with '/'"},
        {"/", "'/' is the root group, not an app"},
        {"/../x", "the relative segment '..' is not allowed"},
        {"/a/../b", "the relative segment '..' is not allowed"},
        {"/a/./b", "the relative segment '.' is not allowed"},
        {"/a//b", "it has an empty segment ('//' or a '/' at the end)"},
        {"//a", "it has an empty segment ('//' or a '/' at the end)"},
        {"/a/", "it has an empty segment ('//' or a '/' at the end)"},
        {"/Kafka",
         "segment 'Kafka' has the character 'K'; only lower-case letters, digits, '-' "
         "and '.' are allowed"},
        {"/a b",
         "segment 'a b' has the character ' '; only lower-case letters, digits, '-' and "
         "'.' are allowed"},
        {"/a?b",
         "segment 'a?b' has the character '?'; only lower-case letters, digits, '-' and "
         "'.' are allowed"},
        {"/a_b",
         "segment 'a_b' has the character '_'; only lower-case letters, digits, '-' and "
         "'.' are allowed"},
        {"/a\nb",
         "segment 'a\nb' has the character 0x0A; only lower-case letters, digits, '-' "
         "and '.' are allowed"},
        {"/-a", "segment '-a' must start and end with a letter or digit, also around each '.'"},
        {"/a-", "segment 'a-' must start and end with a letter or digit, also around each '.'"},
        {"/a.-b", "segment 'a.-b' must start and end with a letter or digit, also around each '.'"},
        {"/a..b", "segment 'a..b' must start and end with a letter or digit, also around each '.'"},
        {"/.a", "segment '.a' must start and end with a letter or digit, also around each '.'"},
        {"/a.", "segment 'a.' must start and end with a letter or digit, also around each '.'"},
    };
    for (const auto& c : cases) {
        INFO(c.id);
        auto problem = app_id_problem(c.id);
        REQUIRE(problem);
        CHECK(*problem == c.reason);
    }
}

TEST_CASE("check_app_id throws InvalidAppId naming the id", "[core][app_id]") {
    try {
        cosmos::core::check_app_id("/../x");
        FAIL("no error");
    } catch (const cosmos::core::Error& e) {
        CHECK(e.code() == cosmos::core::ErrorCode::kInvalidRequest);
        CHECK(e.type() == "InvalidAppId");
        CHECK(std::string(e.what()) ==
              "App id '/../x' is not a valid Marathon path: the relative segment '..' is not "
              "allowed");
        CHECK(e.data() ==
              cosmos::core::Json{{"appId", "/../x"},
                                 {"reason", "the relative segment '..' is not allowed"}});
    }
}
