// The sign-in page the server shows a browser that has no token yet (README "Authentication and
// roles"). The token is checked against /capabilities (read role), then kept for this browser
// session only: in this tab's sessionStorage, for the UI's API calls, and in a session cookie
// (no expiry, SameSite=Strict), which the server takes for the UI's pages and icons only.

import { rememberToken } from './session.js';

const form = document.getElementById('signin-form');
const input = document.getElementById('signin-token');
const error = document.getElementById('signin-error');

async function check(token) {
  const response = await fetch('/capabilities', {
    headers: { Accept: 'application/vnd.dcos.capabilities+json;charset=utf-8;version=v1',
      Authorization: `token=${token}` },
  });
  if (response.ok) return null;
  let message = '';
  try {
    message = (await response.json()).message || '';
  } catch {
    message = '';
  }
  if (response.status === 403) {
    return `This token may not browse the catalog: ${message || 'it lacks the read role'}.`;
  }
  if (response.status === 401) return `This token was not accepted: ${message || 'unknown token'}.`;
  return `The server answered ${response.status}${message ? `: ${message}` : ''}.`;
}

form.addEventListener('submit', async (event) => {
  event.preventDefault();
  const token = input.value.trim();
  error.textContent = '';
  if (!token) {
    error.textContent = 'Enter a token.';
    return;
  }
  let problem;
  try {
    problem = await check(token);
  } catch {
    problem = 'The server could not be reached.';
  }
  if (problem) {
    error.textContent = problem;
    input.focus();
    return;
  }
  rememberToken(token);
  window.location.reload();
});

input.focus();
