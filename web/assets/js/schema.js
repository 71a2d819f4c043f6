// Options and JSON helpers, following the server's rules (cosmos-api.md §9): defaults are taken
// from `default` members along `properties` only, and a merge replaces arrays and merges
// objects. Pure functions: no DOM.

/** True for a plain JSON object (not an array, not null). */
export function isObject(value) {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** Deep equality of JSON values (object key order ignored). */
export function equal(a, b) {
  if (a === b) return true;
  if (Array.isArray(a)) {
    return Array.isArray(b) && a.length === b.length && a.every((x, i) => equal(x, b[i]));
  }
  if (isObject(a)) {
    if (!isObject(b)) return false;
    const ka = Object.keys(a);
    const kb = Object.keys(b);
    return ka.length === kb.length && ka.every((k) => Object.prototype.hasOwnProperty.call(b, k) && equal(a[k], b[k]));
  }
  return false;
}

/** A deep copy of a JSON value. */
export function clone(value) {
  return value === undefined ? undefined : JSON.parse(JSON.stringify(value));
}

/** The options a package gets by default: `default` values along `properties` (§9.1). */
export function defaultsOf(schema) {
  const out = {};
  const properties = isObject(schema) && isObject(schema.properties) ? schema.properties : {};
  for (const [name, property] of Object.entries(properties)) {
    if (!isObject(property)) continue;
    if (Object.prototype.hasOwnProperty.call(property, 'default')) {
      out[name] = clone(property.default);
    } else if (isObject(property.properties)) {
      const nested = defaultsOf(property);
      if (Object.keys(nested).length) out[name] = nested;
    }
  }
  return out;
}

/** merge(base, overlay) of §9.2: objects merge recursively, anything else is replaced. */
export function merge(base, overlay) {
  if (!isObject(base) || !isObject(overlay)) return clone(overlay);
  const out = {};
  for (const [k, v] of Object.entries(overlay)) {
    out[k] = isObject(v) && isObject(base[k]) ? merge(base[k], v) : clone(v);
  }
  for (const [k, v] of Object.entries(base)) if (!(k in out)) out[k] = clone(v);
  return out;
}

/**
 * The part of `options` that differs from `defaults`: what a user has chosen. merge(defaults,
 * result) gives back options for every member options has.
 */
export function userOptions(options, defaults) {
  const out = {};
  for (const [k, v] of Object.entries(options || {})) {
    if (v === undefined) continue;
    const d = defaults ? defaults[k] : undefined;
    if (isObject(v) && isObject(d)) {
      const nested = userOptions(v, d);
      if (Object.keys(nested).length) out[k] = nested;
    } else if (!equal(v, d)) {
      out[k] = clone(v);
    }
  }
  return out;
}

/** Escapes one JSON pointer token. */
export function escapeToken(token) {
  return String(token).replace(/~/g, '~0').replace(/\//g, '~1');
}

/** "/a/b" from ['a', 'b']. */
export function pointer(segments) {
  return segments.map((s) => `/${escapeToken(s)}`).join('');
}

/** ['a', 'b'] from "/a/b" (and from "#/a/b"). */
export function segments(ptr) {
  const text = String(ptr || '').replace(/^#/, '');
  if (text === '' || text === '/') return text === '/' ? [''] : [];
  return text.slice(1).split('/').map((t) => t.replace(/~1/g, '/').replace(/~0/g, '~'));
}

/** The value at a path, or undefined. */
export function getAt(value, path) {
  let at = value;
  for (const key of path) {
    if (at === null || typeof at !== 'object') return undefined;
    at = at[key];
  }
  return at;
}

/** Sets the value at a path, creating objects on the way; undefined removes the member. */
export function setAt(root, path, value) {
  if (path.length === 0) return value;
  let at = root;
  for (let i = 0; i < path.length - 1; i += 1) {
    const key = path[i];
    if (at[key] === null || typeof at[key] !== 'object') at[key] = {};
    at = at[key];
  }
  const last = path[path.length - 1];
  if (value === undefined) {
    if (Array.isArray(at)) at.splice(Number(last), 1);
    else delete at[last];
  } else {
    at[last] = value;
  }
  return root;
}

/**
 * Every difference between two JSON values, as {path, kind: 'added'|'removed'|'changed',
 * before, after}, in document order. Objects and arrays are compared member by member.
 */
export function changes(before, after, path = []) {
  const out = [];
  const walk = (a, b, at) => {
    if (equal(a, b)) return;
    if (a === undefined) {
      out.push({ path: at, kind: 'added', after: b });
    } else if (b === undefined) {
      out.push({ path: at, kind: 'removed', before: a });
    } else if (isObject(a) && isObject(b)) {
      for (const k of Object.keys(b)) walk(a[k], b[k], [...at, k]);
      for (const k of Object.keys(a)) if (!(k in b)) walk(a[k], undefined, [...at, k]);
    } else if (Array.isArray(a) && Array.isArray(b)) {
      const n = Math.max(a.length, b.length);
      for (let i = 0; i < n; i += 1) walk(a[i], b[i], [...at, i]);
    } else {
      out.push({ path: at, kind: 'changed', before: a, after: b });
    }
  };
  walk(before, after, path);
  return out;
}

/** The JSON Schema type a form shows for a property (the first non-null one; inferred otherwise). */
export function typeOf(schema) {
  if (!isObject(schema)) return 'any';
  let { type } = schema;
  if (Array.isArray(type)) type = type.find((t) => t !== 'null') || type[0];
  if (typeof type === 'string') return type;
  if (isObject(schema.properties)) return 'object';
  if (Array.isArray(schema.enum)) return 'enum-only';
  if ('default' in schema) {
    const d = schema.default;
    if (Array.isArray(d)) return 'array';
    if (d === null) return 'any';
    if (typeof d === 'object') return 'object';
    if (typeof d === 'number') return Number.isInteger(d) ? 'integer' : 'number';
    return typeof d;
  }
  if (schema.items) return 'array';
  return 'any';
}

/** A short text for a JSON value in a list of changes. */
export function preview(value, max = 80) {
  if (value === undefined) return '(none)';
  const text = typeof value === 'string' ? JSON.stringify(value) : JSON.stringify(value);
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
