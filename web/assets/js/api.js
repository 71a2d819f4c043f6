// The one way the UI talks to the server: the documented endpoints with their exact media types
// (README "HTTP API"). Every call carries the session's token, when one is set.

import { rememberToken, sessionToken } from './session.js';

const PACKAGE = 'application/vnd.dcos.package.';
const SERVICE = 'application/vnd.dcos.service.';
const json = (version) => `+json;charset=utf-8;version=${version}`;

/** name -> [path, request media type, response media type] */
const ENDPOINTS = {
  search: ['/package/search', 'search-request', 'search-response'],
  describe: ['/package/describe', 'describe-request', 'describe-response', 'v3'],
  listVersions: ['/package/list-versions', 'list-versions-request', 'list-versions-response'],
  render: ['/package/render', 'render-request', 'render-response'],
  install: ['/package/install', 'install-request', 'install-response', 'v2'],
  uninstall: ['/package/uninstall', 'uninstall-request', 'uninstall-response'],
  list: ['/package/list', 'list-request', 'list-response'],
  history: ['/package/history', 'history-request', 'history-response'],
  rollback: ['/package/rollback', 'rollback-request', 'rollback-response'],
  repositoryList: ['/package/repository/list', 'repository.list-request', 'repository.list-response'],
  repositoryAdd: ['/package/repository/add', 'repository.add-request', 'repository.add-response'],
  repositoryDelete: ['/package/repository/delete', 'repository.delete-request',
    'repository.delete-response'],
  localList: ['/package/local/list', 'local.list-request', 'local.list-response'],
  packageDelete: ['/package/delete', 'delete-request', 'delete-response'],
  serviceDescribe: ['/service/describe', 'describe-request', 'describe-response', 'v1', SERVICE],
  serviceUpdate: ['/service/update', 'update-request', 'update-response', 'v1', SERVICE],
};

export const BUNDLE_TYPE = 'application/vnd.dcos.universe.package+zip;version=v1';
const ADD_RESPONSE = `${PACKAGE}add-response${json('v1')}`;

/** The token of this browser session ('' when none is set). */
export function token() {
  return sessionToken();
}

/** Sets (or, with '', clears) the token sent as "Authorization: token=<t>". */
export function setToken(value) {
  rememberToken(value);
  document.dispatchEvent(new CustomEvent('token-changed'));
}

/** A failed call: the HTTP status and the Cosmos error body {type, message, data}. */
export class ApiError extends Error {
  constructor(status, type, message, data) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.type = type;
    this.data = data || {};
  }
}

function headers(contentType, accept) {
  const out = { Accept: accept };
  if (contentType) out['Content-Type'] = contentType;
  const t = token();
  if (t) out.Authorization = `token=${t}`;
  return out;
}

async function send(path, init) {
  let response;
  try {
    response = await fetch(path, init);
  } catch (error) {
    if (error && error.name === 'AbortError') throw error;
    throw new ApiError(0, 'NetworkError', 'The server could not be reached.');
  }
  const text = await response.text();
  if (response.ok) {
    try {
      return text ? JSON.parse(text) : {};
    } catch {
      throw new ApiError(response.status, 'BadResponse',
        `The server's answer to ${path} was not JSON.`);
    }
  }
  let body = null;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    body = null;
  }
  if (body && typeof body === 'object' && typeof body.type === 'string') {
    throw new ApiError(response.status, body.type, body.message || '', body.data);
  }
  throw new ApiError(response.status, `HTTP${response.status}`,
    `The server answered ${response.status} ${response.statusText} to ${path}.`);
}

/** Calls an RPC endpoint by name with a JSON body; resolves to the parsed answer. */
export function call(name, body = {}, { signal } = {}) {
  const spec = ENDPOINTS[name];
  if (!spec) throw new Error(`unknown endpoint ${name}`);
  const [path, request, response, version = 'v1', ns = PACKAGE] = spec;
  return send(path, {
    method: 'POST',
    headers: headers(`${ns}${request}${json('v1')}`, `${ns}${response}${json(version)}`),
    body: JSON.stringify(body),
    signal,
  });
}

/** POST /package/add with a .dcos bundle (a File or Blob). */
export function publishBundle(file, { replace = false } = {}) {
  return send(`/package/add${replace ? '?replace=true' : ''}`, {
    method: 'POST',
    headers: headers(BUNDLE_TYPE, ADD_RESPONSE),
    body: file,
  });
}

// Catalog answers are shared between views: the catalog, the package page and the facets all
// start from the same no-query search.
let catalogPromise = null;

/** The whole catalog (search without a query), fetched once and shared; refresh: fetch again. */
export function catalog({ refresh = false } = {}) {
  if (!catalogPromise || refresh) {
    const pending = call('search', {}).then((answer) => answer.packages || []);
    pending.catch(() => {
      if (catalogPromise === pending) catalogPromise = null;
    });
    catalogPromise = pending;
  }
  return catalogPromise;
}

const SERVICE_NAMES = {
  marathon: 'Marathon',
  mesos: 'the Mesos master',
  adminrouter: 'Admin Router',
};

function serviceName(data) {
  const name = data && data.serviceName;
  if (!name) return 'An upstream service';
  return SERVICE_NAMES[String(name).toLowerCase()] || String(name);
}

/**
 * A message for people: what went wrong and, where we know, what to do. Never raw JSON.
 * Returns {title, detail}.
 */
export function explain(error) {
  if (!(error instanceof ApiError)) {
    return { title: 'Something went wrong in this page.', detail: String(error && error.message || error) };
  }
  const d = error.data || {};
  const server = error.message;
  switch (error.type) {
    case 'NetworkError':
      return { title: 'The server could not be reached.', detail: 'Check that cosmos-server is running, then try again.' };
    case 'Unauthorized':
      // This server's own refusal names no upstream service and says why in its message.
      if (!d.serviceName) {
        return { title: 'Authentication required.', detail: `${server} Set a token with the Token button at the top of the page.` };
      }
      return { title: 'Authentication required.', detail: `${serviceName(d)} needs a valid token. Set one with the Token button at the top of the page.` };
    case 'Forbidden':
      if (d.requiredRole) {
        return { title: 'Not allowed.', detail: `This needs the ${d.requiredRole} role; ${d.role ? `your token has the ${d.role} role` : 'your token has no role here'}.` };
      }
      return { title: 'Not allowed.', detail: `${serviceName(d)} refused this operation for your token.` };
    case 'PackageAlreadyInstalled':
      return { title: 'This service is already installed.', detail: 'A service with this app ID exists. Choose another app ID, or edit the installed service from Services.' };
    case 'ServiceUnavailable':
      return { title: `${serviceName(d)} is unavailable.`, detail: 'The package service could not reach it. Try again in a moment.' };
    case 'MarathonBadGateway':
    case 'MarathonGenericError':
      return { title: 'Marathon failed.', detail: `Marathon answered with status ${d.marathonStatus ?? d.status ?? 'unknown'}. Try again in a moment.` };
    case 'MarathonBadResponse':
      return { title: 'Marathon refused the app.', detail: server };
    case 'MarathonAppNotFound':
      return { title: 'The service was not found.', detail: server };
    case 'JsonSchemaMismatch':
      return { title: 'Some options are not valid.', detail: 'The fields that need a change are marked.' };
    case 'PackageNotFound':
    case 'VersionNotFound':
      return { title: 'Not in the catalog.', detail: server };
    case 'IncompleteUninstall':
      return { title: 'The uninstall is incomplete.', detail: server };
    case 'TimeoutError':
      return { title: 'An upstream call timed out.', detail: server };
    case 'EndpointUriConnection':
    case 'RepositoryUriConnection':
      return { title: 'A download failed.', detail: server };
    case 'PayloadTooLarge':
      return { title: 'Too large.', detail: server };
    case 'AppIdChanged':
      return { title: 'The options give the app another ID.', detail: `The app would become ${d.newAppId}, but this service is ${d.oldAppId}. Set the option that names the service (often service.name) to match, then update again.` };
    case 'HistoryRecordNotFound':
      return { title: 'That history record does not exist.', detail: server };
    case 'HistoryRecordAppMismatch':
      return { title: 'That history record belongs to another service.', detail: server };
    case 'HistoryRecordNotRestorable':
      return { title: 'That history record cannot be restored.', detail: server };
    default:
      break;
  }
  if (error.status === 401) {
    return { title: 'Authentication required.', detail: `${server ? `${server} ` : ''}Set a token with the Token button at the top of the page.` };
  }
  if (error.status === 403) {
    return { title: 'Not allowed.', detail: server || 'Your token does not allow this operation.' };
  }
  if (error.type === 'multiple_errors' && Array.isArray(d.errors)) {
    return { title: 'The request was refused.', detail: d.errors.map((e) => e.message).join(' ') };
  }
  return { title: 'The request failed.', detail: server || `Status ${error.status}.` };
}
