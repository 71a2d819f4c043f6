#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "cosmos/app/access.h"
#include "cosmos/http/message.h"
#include "cosmos/http/router.h"

namespace cosmos::http {

/// The token a request carries in its Authorization header: `token=<t>` (what the DC/OS CLIs
/// send) or `Bearer <t>` (the scheme in any case); spaces around the token are ignored. nullopt
/// without the header. Throws core::Error (401) for a header of another form; an empty token
/// ("token=", which the Go CLI sends when it has none) is returned as an empty view.
std::optional<std::string_view> request_token(const HttpRequest& request);

/// The cookie the web UI's sign-in page sets: a session cookie (gone when the browser closes),
/// SameSite=Strict, holding the token percent-encoded.
inline constexpr std::string_view kUiTokenCookie = "cosmos_token";

/// The token of a browser's GET: the Authorization header's (as request_token()), else the
/// kUiTokenCookie cookie's. Only routes that read and change nothing accept it (the UI's pages
/// and /package/resource), so a page elsewhere cannot act with the cookie on a user's behalf.
std::optional<std::string> browser_token(const HttpRequest& request);

/// The role a route needs, by the name it was registered under (Router::add); nullopt: open to
/// anyone. A name the table does not list needs admin, so a new route stays closed until it is
/// classified here.
std::optional<app::Role> route_role(std::string_view route_name);

/// True when route_role() has an entry for the name (rather than falling back to admin).
bool route_classified(std::string_view route_name);

/// A Router guard that refuses, before any other check, a request to a route whose role the
/// caller's token does not grant: 401 without a usable token, 403 with a token whose role falls
/// short. GET /package/resource also takes the UI's cookie (browser_token()); the UI's own pages
/// are open to the guard and checked by UiAssets (which answers a browser with a sign-in page).
/// The authenticator must outlive the guard.
Router::Guard access_guard(const app::Authenticator& authenticator);

}  // namespace cosmos::http
