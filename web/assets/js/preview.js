// JSON shown with what changed, and the live render preview: the Marathon app that
// /package/render produces for the current options, compared with a baseline (the package's
// defaults on the package page, the service's current options when editing a service).
import { ApiError, call } from './api.js';
import { errorBox } from './components.js';
import { afterPaint, debounce, h } from './dom.js';
import { changes, isObject, pointer, preview as short } from './schema.js';

function printLines(value, marked) {
  // Lines of JSON.stringify(value, null, 2), each with whether it is part of a change.
  const lines = [];
  const walk = (v, path, indent, prefix, suffix, inChange) => {
    const ptr = pointer(path);
    const mark = inChange || marked.has(ptr);
    const pad = '  '.repeat(indent);
    if (Array.isArray(v) && v.length) {
      lines.push({ text: `${pad}${prefix}[`, mark });
      v.forEach((item, i) => walk(item, [...path, i], indent + 1, '', i < v.length - 1 ? ',' : '', mark));
      lines.push({ text: `${pad}]${suffix}`, mark });
    } else if (isObject(v) && Object.keys(v).length) {
      lines.push({ text: `${pad}${prefix}{`, mark });
      const keys = Object.keys(v);
      keys.forEach((k, i) => walk(v[k], [...path, k], indent + 1, `${JSON.stringify(k)}: `, i < keys.length - 1 ? ',' : '', mark));
      lines.push({ text: `${pad}}${suffix}`, mark });
    } else {
      lines.push({ text: `${pad}${prefix}${JSON.stringify(v)}${suffix}`, mark });
    }
  };
  walk(value, [], 0, '', '', false);
  return lines;
}

/**
 * A <pre> of value as indented JSON; lines of the paths in `changed` (added or changed, given
 * as JSON pointers) are highlighted.
 */
export function jsonView(value, changed = new Set(), label = 'JSON') {
  const code = h('code');
  let plain = '';
  for (const line of printLines(value, changed)) {
    if (line.mark) {
      if (plain) code.append(plain);
      plain = '';
      // A block of its own: the line break is the block's end.
      code.append(h('mark', { class: 'diff-line' }, line.text));
    } else {
      plain += `${line.text}\n`;
    }
  }
  if (plain) code.append(plain);
  return h('pre', { class: 'json-view', tabindex: '0', 'aria-label': label }, code);
}

/** A list of changes: "path: before → after". */
export function changeList(list, { limit = 50, empty = 'No changes.' } = {}) {
  if (list.length === 0) return h('p', { class: 'muted no-changes' }, empty);
  const ul = h('ul', { class: 'change-list' });
  for (const c of list.slice(0, limit)) {
    const path = pointer(c.path) || '/';
    let text;
    if (c.kind === 'added') text = [h('span', { class: 'change-kind added' }, 'added'), ' ', short(c.after)];
    else if (c.kind === 'removed') text = [h('span', { class: 'change-kind removed' }, 'removed'), ' ', short(c.before)];
    else text = [short(c.before), ' → ', h('strong', {}, short(c.after))];
    ul.append(h('li', { class: `change change-${c.kind}` }, h('code', {}, path), ': ', text));
  }
  if (list.length > limit) ul.append(h('li', { class: 'muted' }, `and ${list.length - limit} more`));
  return ul;
}

/**
 * The live preview. request: {packageName, packageVersion}; baseline: the options the
 * comparison starts from (rendered with baselineRequest, by default the same package version,
 * and baselineAppId, by default the app ID of each update); onErrors(errors or null) receives
 * JsonSchemaMismatch errors. Resolves nothing; the latest app is in .app after each preview.
 * Returns {element, update(options, appId), now()} — update is debounced (delay ms).
 */
export function renderPreview({
  request, baseline = {}, baselineRequest = request, baselineAppId, baselineLabel = 'the defaults', onErrors,
  delay = 250, signal,
}) {
  const state = { baselineApp: undefined, controller: null, changedAt: 0, sequence: 0, appId: undefined };
  const status = h('p', { class: 'preview-status', role: 'status', 'aria-live': 'polite' });
  const summary = h('div', { class: 'preview-summary' });
  const body = h('div', { class: 'preview-body' });
  const element = h('div', { class: 'preview' }, status, summary, body);

  const render = (options, appId, ctl, what = request) => {
    const body_ = { ...what, options };
    if (appId) body_.appId = appId;
    return call('render', body_, { signal: ctl.signal }).then((answer) => answer.marathonJson);
  };

  async function baselineApp(appId, ctl) {
    const id = baselineAppId || appId;
    if (state.baselineApp === undefined || state.appId !== id) {
      state.appId = id;
      try {
        state.baselineApp = await render(baseline, id, ctl, baselineRequest);
      } catch (error) {
        if (error && error.name === 'AbortError') throw error;
        state.baselineApp = null; // e.g. defaults that do not validate: no comparison
      }
    }
    return state.baselineApp;
  }

  async function run(options, appId) {
    if (state.controller) state.controller.abort();
    const ctl = new AbortController();
    state.controller = ctl;
    if (signal) signal.addEventListener('abort', () => ctl.abort(), { once: true });
    state.sequence += 1;
    const sequence = state.sequence;
    const fired = performance.now();
    status.textContent = 'Updating the preview…';
    element.setAttribute('aria-busy', 'true');
    let app;
    let base;
    try {
      [app, base] = await Promise.all([render(options, appId, ctl), baselineApp(appId, ctl)]);
    } catch (error) {
      if (error && error.name === 'AbortError') return;
      if (sequence !== state.sequence) return;
      element.removeAttribute('aria-busy');
      if (error instanceof ApiError && error.type === 'JsonSchemaMismatch') {
        onErrors((error.data && error.data.errors) || []);
        status.textContent = 'The preview waits for valid options: see the marked fields.';
        body.classList.add('stale');
        return;
      }
      onErrors(null);
      status.textContent = '';
      summary.replaceChildren(errorBox(error, { retry: () => run(options, appId) }));
      body.classList.add('stale');
      return;
    }
    if (sequence !== state.sequence) return;
    result.app = app;
    onErrors(null);
    body.classList.remove('stale');
    element.removeAttribute('aria-busy');
    const diff = base ? changes(base, app) : [];
    const marked = new Set(diff.filter((c) => c.kind !== 'removed').map((c) => pointer(c.path)));
    summary.replaceChildren(
      h('h4', {}, `Changes to the app from ${baselineLabel}`),
      base ? changeList(diff, { empty: `Same app as with ${baselineLabel}.` })
        : h('p', { class: 'muted' }, `No comparison: ${baselineLabel} do not render.`));
    body.replaceChildren(jsonView(app, marked, 'Rendered Marathon app'));
    status.textContent = base
      ? `Preview updated: ${diff.length === 0 ? 'no changes' : `${diff.length} ${diff.length === 1 ? 'change' : 'changes'}`} from ${baselineLabel}.`
      : 'Preview updated.';
    element.dataset.sequence = String(sequence);
    const changedAt = state.changedAt;
    await afterPaint();
    performance.measure('ui:preview', { start: fired, end: performance.now() });
    if (changedAt) performance.measure('ui:preview-from-change', { start: changedAt, end: performance.now() });
  }

  const debounced = debounce(run, delay);
  const result = {
    element,
    /** The app of the latest successful preview (undefined before the first). */
    app: undefined,
    /** Schedules a preview of options (debounced). */
    update(options, appId) {
      state.changedAt = performance.now();
      status.textContent = 'Waiting for you to stop typing…';
      debounced(options, appId);
    },
    /** Previews at once. */
    now(options, appId) {
      debounced.cancel();
      return run(options, appId);
    },
    cancel() {
      debounced.cancel();
      if (state.controller) state.controller.abort();
    },
  };
  return result;
}
