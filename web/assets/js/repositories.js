// Package repositories in priority order, with the health of their last refresh (the `status`
// member of the repository list); add one with a name, URL and position, delete one.
import { call } from './api.js';
import {
  badge, confirmDialog, errorBox, loading, messageBox, pageTitle,
} from './components.js';
import { formatTime, h, uid } from './dom.js';

function statusCell(status) {
  if (!status) return h('span', { class: 'muted' }, 'Not fetched yet');
  const healthy = status.healthy !== false;
  const parts = [healthy ? badge('Healthy', 'success') : badge('Failing', 'failure')];
  const counts = [];
  if (typeof status.packages === 'number') counts.push(`${status.packages.toLocaleString()} ${status.packages === 1 ? 'package' : 'packages'}`);
  if (typeof status.revisions === 'number') counts.push(`${status.revisions.toLocaleString()} ${status.revisions === 1 ? 'revision' : 'revisions'}`);
  if (counts.length) parts.push(' ', h('span', {}, counts.join(', ')));
  if (status.fetchedAt) parts.push(h('br'), h('span', { class: 'muted' }, `Fetched ${formatTime(status.fetchedAt)}`));
  if (!healthy && status.lastError) {
    const message = typeof status.lastError === 'object' ? status.lastError.message : String(status.lastError);
    parts.push(h('br'), h('span', { class: 'field-error' }, message));
  }
  return h('span', { class: 'repo-status' }, parts);
}

export function mount(root, { signal }) {
  const tableArea = h('div', { class: 'repositories' }, loading('Loading the repositories…'));
  const result = h('div', { class: 'repo-result' });
  const nameId = uid('repo-name');
  const uriId = uid('repo-uri');
  const indexId = uid('repo-index');
  const name = h('input', { id: nameId, type: 'text', required: true, autocomplete: 'off', spellcheck: 'false' });
  const uri = h('input', {
    id: uriId, type: 'url', required: true, autocomplete: 'off', spellcheck: 'false', placeholder: 'https://…/repo',
  });
  const index = h('input', { id: indexId, type: 'number', min: '0', step: '1', inputmode: 'numeric' });
  const add = h('button', { type: 'submit', class: 'primary' }, 'Add repository');
  const form = h('form', { class: 'repo-form', novalidate: true },
    h('div', { class: 'field' }, h('label', { for: nameId }, 'Name', h('span', { class: 'required', 'aria-hidden': 'true' }, ' *')), name),
    h('div', { class: 'field' }, h('label', { for: uriId }, 'URL', h('span', { class: 'required', 'aria-hidden': 'true' }, ' *')), uri,
      h('p', { class: 'help' }, 'An http or https address of a Universe repository (for example the output of repo-tool serve).')),
    h('div', { class: 'field' }, h('label', { for: indexId }, 'Position (optional)'), index,
      h('p', { class: 'help' }, '0 is the highest priority; leave empty to add it last.')),
    h('p', {}, add));

  root.append(pageTitle('Repositories'),
    h('p', { class: 'help' }, 'Packages are looked up in this order: for a name and version in several repositories, the first one wins.'),
    tableArea,
    h('section', { class: 'panel', 'aria-labelledby': `${nameId}-h` },
      h('h2', { id: `${nameId}-h` }, 'Add a repository'), form, result));

  function show(repositories) {
    index.max = String(repositories.length);
    if (repositories.length === 0) {
      tableArea.replaceChildren(h('div', { class: 'empty-state' }, h('h2', {}, 'No repositories'),
        h('p', {}, 'The catalog has no packages until you add a repository or publish a package.')));
      return;
    }
    const rows = repositories.map((r, i) => {
      const remove = h('button', { type: 'button', class: 'danger small', 'aria-label': `Delete repository ${r.name}` }, 'Delete…');
      remove.addEventListener('click', () => removeRepository(r));
      return h('tr', {},
        h('td', { 'data-label': 'Priority' }, String(i)),
        h('th', { scope: 'row' }, r.name),
        h('td', { 'data-label': 'URL', class: 'uri' }, h('code', {}, r.uri)),
        h('td', { 'data-label': 'Status' }, statusCell(r.status)),
        h('td', { 'data-label': 'Actions' }, remove));
    });
    tableArea.replaceChildren(h('table', { class: 'table repo-table' },
      h('caption', { class: 'visually-hidden' }, 'Repositories in priority order'),
      h('thead', {}, h('tr', {},
        h('th', { scope: 'col' }, 'Priority'), h('th', { scope: 'col' }, 'Name'), h('th', { scope: 'col' }, 'URL'),
        h('th', { scope: 'col' }, 'Status'), h('th', { scope: 'col' }, h('span', { class: 'visually-hidden' }, 'Actions')))),
      h('tbody', {}, rows)));
  }

  function load() {
    call('repositoryList', {}, { signal }).then((answer) => {
      if (!signal.aborted) show(answer.repositories || []);
    }).catch((error) => {
      if (signal.aborted || (error && error.name === 'AbortError')) return;
      tableArea.replaceChildren(errorBox(error, { retry: load }));
    });
  }

  async function removeRepository(repository) {
    const ok = await confirmDialog({
      title: `Delete the repository ${repository.name}?`,
      danger: true,
      confirmLabel: 'Delete repository',
      body: [h('p', {}, `Its packages leave the catalog. Installed services keep running. URL: ${repository.uri}`)],
    });
    if (!ok) return;
    try {
      const answer = await call('repositoryDelete', { name: repository.name }, { signal });
      show(answer.repositories || []);
      result.replaceChildren(messageBox('success', `Deleted the repository ${repository.name}.`));
    } catch (error) {
      if (error && error.name === 'AbortError') return;
      result.replaceChildren(errorBox(error));
    }
  }

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const missing = [];
    if (!name.value.trim()) missing.push([name, 'a name']);
    if (!uri.value.trim()) missing.push([uri, 'a URL']);
    if (missing.length) {
      result.replaceChildren(messageBox('error', `Enter ${missing.map((m) => m[1]).join(' and ')}.`));
      missing[0][0].focus();
      return;
    }
    const body = { name: name.value.trim(), uri: uri.value.trim() };
    if (index.value !== '') body.index = Number(index.value);
    add.disabled = true;
    result.replaceChildren(loading(`Adding ${body.name} (the server downloads it first)…`));
    try {
      const answer = await call('repositoryAdd', body, { signal });
      show(answer.repositories || []);
      result.replaceChildren(messageBox('success', `Added the repository ${body.name}.`));
      name.value = '';
      uri.value = '';
      index.value = '';
    } catch (error) {
      if (error && error.name === 'AbortError') return;
      result.replaceChildren(errorBox(error));
    } finally {
      add.disabled = false;
    }
  });

  load();
  return null;
}
