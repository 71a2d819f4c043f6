// Roles, the auth file format and the Authenticator's rules, with a fake token verifier and clock.
#include "cosmos/app/access.h"

#include <catch2/catch.hpp>

#include "cosmos/adapters/digest.h"
#include "cosmos/core/error.h"
#include "tests/app/fakes.h"

using cosmos::app::Authenticator;
using cosmos::app::AuthTable;
using cosmos::app::parse_auth_file;
using cosmos::app::Role;
using cosmos::core::Json;

namespace {

std::string digest(std::string_view token) {
    return cosmos::adapters::sha256_hex(token);
}

// The message of the core::Error that fn throws, or "" when it throws nothing.
template <typename Fn>
std::string error_of(Fn&& fn, cosmos::core::ErrorCode* code = nullptr) {
    try {
        fn();
    } catch (const cosmos::core::Error& e) {
        if (code) *code = e.code();
        return e.what();
    }
    return "";
}

// Hands back fixed claims for the token "a.b.c" and refuses everything else, as a real verifier
// refuses a bad signature.
class FakeVerifier : public cosmos::app::TokenVerifier {
public:
    Json verified_claims(std::string_view token) const override {
        ++calls;
        if (token != "a.b.c") {
            throw cosmos::core::authentication_failed("the token's signature does not verify");
        }
        return claims;
    }
    Json claims = Json::object();
    mutable int calls = 0;
};

}  // namespace

TEST_CASE("roles: names, order and inclusion", "[app][access]") {
    for (Role r : {Role::kRead, Role::kInstall, Role::kPublish, Role::kAdmin}) {
        CHECK(cosmos::app::parse_role(cosmos::app::role_name(r)) == r);
    }
    CHECK(cosmos::app::role_name(Role::kPublish) == "publish");
    CHECK_FALSE(cosmos::app::parse_role("Admin"));
    CHECK_FALSE(cosmos::app::parse_role(""));
    CHECK(cosmos::app::grants(Role::kAdmin, Role::kRead));
    CHECK(cosmos::app::grants(Role::kPublish, Role::kInstall));
    CHECK(cosmos::app::grants(Role::kInstall, Role::kInstall));
    CHECK_FALSE(cosmos::app::grants(Role::kInstall, Role::kPublish));
    CHECK_FALSE(cosmos::app::grants(Role::kRead, Role::kInstall));
}

TEST_CASE("auth file: credentials, comments and blank lines", "[app][access]") {
    std::string upper(64, 'A');
    auto table = parse_auth_file(
        "# who may do what\n"
        "\n"
        "read sha256:" +
            digest("r") +
            "\n"
            "  admin\tsha256:" +
            upper +
            "   # an operator\r\n"
            "install uid:alice\n"
            "publish uid:ci-bot@example.org",
        "auth.txt");
    REQUIRE(table.token_digests.size() == 2);
    CHECK(table.token_digests.at(digest("r")) == Role::kRead);
    CHECK(table.token_digests.at(std::string(64, 'a')) == Role::kAdmin);  // hex is lower-cased
    REQUIRE(table.uids.size() == 2);
    CHECK(table.uids.at("alice") == Role::kInstall);
    CHECK(table.uids.at("ci-bot@example.org") == Role::kPublish);
    CHECK(parse_auth_file("", "empty").token_digests.empty());
}

TEST_CASE("auth file: each mistake names the file and the line", "[app][access]") {
    const std::string good = "read sha256:" + digest("t") + "\n";
    struct Case {
        std::string line;
        std::string message;
    };
    const std::vector<Case> cases = {
        {"wizard sha256:" + digest("x"), "auth.txt:2: unknown role 'wizard'"},
        {"Read uid:bob", "auth.txt:2: unknown role 'Read'"},
        {"read", "auth.txt:2: expected '<role> sha256:"},
        {"read sha256:" + digest("x") + " extra", "auth.txt:2: expected '<role> sha256:"},
        {"read sha256:abc", "auth.txt:2: the token digest after 'sha256:' must be 64 hexadecimal"},
        {"read sha256:" + std::string(64, 'g'), "auth.txt:2: the token digest after 'sha256:'"},
        {"read uid:", "auth.txt:2: the uid after 'uid:' is empty"},
        {"read token:abc", "auth.txt:2: the credential must start with 'sha256:' or 'uid:'"},
        {"admin sha256:" + digest("t"), "auth.txt:2: the same credential is already on line 1"},
    };
    for (const auto& c : cases) {
        INFO(c.line);
        auto message = error_of([&] { parse_auth_file(good + c.line + "\n", "auth.txt"); });
        CHECK_THAT(message, Catch::StartsWith(c.message));
    }
    auto twice = error_of([] { parse_auth_file("read uid:bob\n#\nadmin uid:bob\n", "f"); });
    CHECK(twice == "f:3: the same credential is already on line 1");
}

TEST_CASE("authenticator: tokens by their SHA-256", "[app][access]") {
    AuthTable table;
    table.token_digests[digest("reader-token")] = Role::kRead;
    table.token_digests[digest("admin-token")] = Role::kAdmin;
    universe_test::FixedClock clock;
    Authenticator auth(table, digest, nullptr, clock);

    CHECK(auth.authenticate("reader-token").role == Role::kRead);
    CHECK(auth.authenticate("admin-token").role == Role::kAdmin);
    CHECK(auth.authenticate("admin-token").subject == "a token");

    cosmos::core::ErrorCode code{};
    CHECK_THAT(error_of([&] { auth.authenticate("reader-token2"); }, &code),
               Catch::Contains("matches no credential"));
    CHECK(code == cosmos::core::ErrorCode::kUnauthorized);
    CHECK_THAT(error_of([&] { auth.authenticate(""); }, &code),
               Catch::StartsWith("Authentication required"));
    CHECK(code == cosmos::core::ErrorCode::kUnauthorized);
    // Without a verifier a JWT-shaped token is just an unknown token.
    CHECK_THAT(error_of([&] { auth.authenticate("a.b.c"); }), Catch::Contains("matches no"));

    CHECK(auth.authorize(std::string_view("admin-token"), Role::kAdmin).role == Role::kAdmin);
    CHECK(auth.authorize(std::string_view("admin-token"), Role::kRead).role == Role::kAdmin);
    CHECK(error_of([&] { auth.authorize(std::nullopt, Role::kRead); }, &code) != "");
    CHECK(code == cosmos::core::ErrorCode::kUnauthorized);
    auto forbidden =
        error_of([&] { auth.authorize(std::string_view("reader-token"), Role::kInstall); }, &code);
    CHECK(code == cosmos::core::ErrorCode::kForbidden);
    CHECK(forbidden == "This request needs the role 'install'; a token has the role 'read'");
}

TEST_CASE("authenticator: JWT time claims and uid roles", "[app][access]") {
    AuthTable table;
    table.uids["alice"] = Role::kInstall;
    universe_test::FixedClock clock;  // 1,700,000,000 s
    const double now = 1'700'000'000;
    FakeVerifier verifier;
    Authenticator auth(table, digest, &verifier, clock);

    verifier.claims = Json{{"uid", "alice"}, {"exp", now + 60}};
    auto principal = auth.authenticate("a.b.c");
    CHECK(principal.role == Role::kInstall);
    CHECK(principal.subject == "user 'alice'");

    verifier.claims = Json{{"uid", "alice"}, {"exp", now - 1}};
    CHECK(error_of([&] { auth.authenticate("a.b.c"); }) ==
          "Authentication failed: the token expired at 2023-11-14T22:13:19Z");
    verifier.claims = Json{{"uid", "alice"}, {"exp", now}};
    CHECK_THAT(error_of([&] { auth.authenticate("a.b.c"); }), Catch::Contains("expired"));
    verifier.claims = Json{{"uid", "alice"}};
    CHECK_THAT(error_of([&] { auth.authenticate("a.b.c"); }), Catch::Contains("no 'exp'"));
    verifier.claims = Json{{"uid", "alice"}, {"exp", "tomorrow"}};
    CHECK_THAT(error_of([&] { auth.authenticate("a.b.c"); }),
               Catch::Contains("'exp' claim is not"));
    verifier.claims = Json{{"uid", "alice"}, {"exp", now + 60}, {"nbf", now + 30}};
    CHECK_THAT(error_of([&] { auth.authenticate("a.b.c"); }), Catch::Contains("not valid before"));
    verifier.claims = Json{{"uid", "alice"}, {"exp", now + 60}, {"nbf", now - 30}};
    CHECK(auth.authenticate("a.b.c").role == Role::kInstall);
    verifier.claims = Json{{"exp", now + 60}};
    CHECK_THAT(error_of([&] { auth.authenticate("a.b.c"); }), Catch::Contains("no 'uid' claim"));

    // A verified user the file does not name: authenticated, but without any role.
    verifier.claims = Json{{"uid", "mallory"}, {"exp", now + 60}};
    CHECK_FALSE(auth.authenticate("a.b.c").role);
    CHECK(error_of([&] { auth.authorize(std::string_view("a.b.c"), Role::kRead); }) ==
          "This request needs the role 'read'; user 'mallory' has no role on this server");

    // What the verifier refuses stays refused; a token of another shape never reaches it.
    verifier.calls = 0;
    CHECK_THAT(error_of([&] { auth.authenticate("x.y.z"); }), Catch::Contains("does not verify"));
    CHECK_THAT(error_of([&] { auth.authenticate("no-dots"); }), Catch::Contains("matches no"));
    CHECK_THAT(error_of([&] { auth.authenticate("a.b.c.d"); }), Catch::Contains("matches no"));
    CHECK(verifier.calls == 1);
}
