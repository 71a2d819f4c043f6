// The token of this browser session, in one place for the UI and its sign-in page. It lives in
// this tab's sessionStorage (sent as "Authorization: token=<t>" by api.js) and in a session
// cookie, which the server accepts for the UI's pages and /package/resource only: both are gone
// when the browser session ends.

const TOKEN_KEY = 'cosmos-ui.token';
const TOKEN_COOKIE = 'cosmos_token';

// The cookie's token: what a new tab of the same session starts with.
function cookieToken() {
  for (const part of document.cookie.split(';')) {
    const at = part.indexOf('=');
    if (at > 0 && part.slice(0, at).trim() === TOKEN_COOKIE) {
      try {
        return decodeURIComponent(part.slice(at + 1).trim());
      } catch {
        return '';
      }
    }
  }
  return '';
}

/** The token, or '' when none is set. */
export function sessionToken() {
  try {
    return sessionStorage.getItem(TOKEN_KEY) || cookieToken();
  } catch {
    return cookieToken();
  }
}

/** Keeps (or, with '', forgets) the token for this session. */
export function rememberToken(value) {
  const token = (value || '').trim();
  if (token) {
    sessionStorage.setItem(TOKEN_KEY, token);
    document.cookie = `${TOKEN_COOKIE}=${encodeURIComponent(token)}; path=/; SameSite=Strict`;
  } else {
    sessionStorage.removeItem(TOKEN_KEY);
    document.cookie = `${TOKEN_COOKIE}=; path=/; SameSite=Strict; max-age=0`;
  }
}
