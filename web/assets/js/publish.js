// Publishing: drop a .dcos bundle on the page (or choose one) to publish it into the server's
// local repository with POST /package/add; the local packages with their states
// (/package/local/list), and deleting one (/package/delete).
import { call, catalog, publishBundle } from './api.js';
import {
  badge, confirmDialog, errorBox, loading, messageBox, pageTitle,
} from './components.js';
import { h, uid } from './dom.js';
import { packageHref } from './package.js';

const STATUS_KIND = {
  Installed: 'success', Installing: 'info', Failed: 'failure', Invalid: 'failure',
};

export function mount(root, { signal }) {
  const fileId = uid('bundle');
  const replaceId = uid('replace');
  const fileInput = h('input', { id: fileId, type: 'file', accept: '.dcos,application/zip', class: 'visually-hidden-file' });
  const replace = h('input', { id: replaceId, type: 'checkbox' });
  const result = h('div', { class: 'publish-result' });
  const zone = h('div', { class: 'drop-zone', dataset: { dropZone: 'bundle' } },
    h('p', { class: 'drop-title' }, 'Drop a .dcos bundle here'),
    h('p', {}, 'or ', h('label', { for: fileId, class: 'button secondary file-button' }, 'Choose a bundle…'), fileInput),
    h('p', { class: 'help' }, 'Make one with: repo-tool bundle ./my-package my-package.dcos'));
  const listArea = h('div', { class: 'local-packages' }, loading('Loading the local packages…'));

  root.append(pageTitle('Publish'),
    h('p', { class: 'help' }, 'Published packages go into this server\'s local repository, which is consulted before every other repository.'),
    h('section', { class: 'panel', 'aria-labelledby': `${fileId}-h` },
      h('h2', { id: `${fileId}-h` }, 'Publish a bundle'),
      zone,
      h('div', { class: 'field field-inline' }, replace,
        h('label', { for: replaceId }, 'Replace the version if it is already published')),
      result),
    h('section', { class: 'panel', 'aria-labelledby': `${fileId}-local` },
      h('h2', { id: `${fileId}-local` }, 'Local packages'), listArea));

  async function upload(file) {
    if (!file) return;
    if (!/\.dcos$/i.test(file.name) && !/zip/.test(file.type)) {
      result.replaceChildren(messageBox('error', `${file.name} is not a .dcos bundle.`,
        h('p', {}, 'A bundle is a zip file made with repo-tool bundle.')));
      return;
    }
    result.replaceChildren(loading(`Publishing ${file.name}…`));
    try {
      const added = await publishBundle(file, { replace: replace.checked });
      result.replaceChildren(messageBox('success', `Published ${added.name} ${added.version}.`,
        h('p', {}, h('a', { href: packageHref(added.name, added.version) }, `Open ${added.name} ${added.version}`))));
      catalog({ refresh: true }).catch(() => {});
      loadList();
    } catch (error) {
      if (error && error.name === 'AbortError') return;
      const box = errorBox(error);
      if (error.type === 'PackageVersionAlreadyExists') {
        box.append(h('p', {}, 'Tick “Replace the version” to overwrite it.'));
      }
      result.replaceChildren(box);
    }
  }

  fileInput.addEventListener('change', () => {
    const file = fileInput.files && fileInput.files[0];
    fileInput.value = '';
    upload(file);
  });
  // The whole page accepts a drop; the zone shows where.
  const over = (event) => {
    if (!event.dataTransfer || ![...event.dataTransfer.types].includes('Files')) return;
    event.preventDefault();
    event.dataTransfer.dropEffect = 'copy';
    zone.classList.add('drag-over');
  };
  const leave = (event) => {
    if (event.target === zone || !zone.contains(event.relatedTarget)) zone.classList.remove('drag-over');
  };
  const drop = (event) => {
    if (!event.dataTransfer || !event.dataTransfer.files || event.dataTransfer.files.length === 0) return;
    event.preventDefault();
    zone.classList.remove('drag-over');
    upload(event.dataTransfer.files[0]);
  };
  document.addEventListener('dragover', over);
  document.addEventListener('dragleave', leave);
  document.addEventListener('drop', drop);

  async function remove(pkg) {
    const { name, version } = pkg.packageCoordinate;
    const ok = await confirmDialog({
      title: `Delete ${name} ${version}?`,
      danger: true,
      confirmLabel: 'Delete package',
      body: [h('p', {}, 'It leaves the local repository and the catalog. Services installed from it keep running.')],
    });
    if (!ok) return;
    try {
      await call('packageDelete', { packageName: name, packageVersion: version }, { signal });
      result.replaceChildren(messageBox('success', `Deleted ${name} ${version}.`));
      catalog({ refresh: true }).catch(() => {});
      loadList();
    } catch (error) {
      if (error && error.name === 'AbortError') return;
      result.replaceChildren(errorBox(error));
    }
  }

  function loadList() {
    call('localList', {}, { signal }).then((answer) => {
      if (signal.aborted) return;
      const packages = answer.packages || [];
      if (packages.length === 0) {
        listArea.replaceChildren(h('p', { class: 'muted' }, 'No package is published here yet.'));
        return;
      }
      const rows = packages.map((p) => {
        const { name, version } = p.packageCoordinate;
        const del = h('button', { type: 'button', class: 'danger small', 'aria-label': `Delete ${name} ${version}` }, 'Delete…');
        del.addEventListener('click', () => remove(p));
        return h('tr', {},
          h('th', { scope: 'row' }, p.status === 'Invalid' ? name : h('a', { href: packageHref(name, version) }, name)),
          h('td', { 'data-label': 'Version' }, version),
          h('td', { 'data-label': 'State' }, badge(p.status, STATUS_KIND[p.status] || ''),
            p.error ? h('span', { class: 'field-error' }, ` ${typeof p.error === 'object' ? p.error.message : p.error}`) : null),
          h('td', { 'data-label': 'SHA-256' }, p.sha256 ? h('code', { title: p.sha256 }, `${p.sha256.slice(0, 12)}…`) : h('span', { class: 'muted' }, 'copied')),
          h('td', { 'data-label': 'Actions' }, del));
      });
      listArea.replaceChildren(h('table', { class: 'table local-table' },
        h('caption', { class: 'visually-hidden' }, 'Local packages'),
        h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Package'), h('th', { scope: 'col' }, 'Version'),
          h('th', { scope: 'col' }, 'State'), h('th', { scope: 'col' }, 'SHA-256'),
          h('th', { scope: 'col' }, h('span', { class: 'visually-hidden' }, 'Actions')))),
        h('tbody', {}, rows)));
    }).catch((error) => {
      if (signal.aborted || (error && error.name === 'AbortError')) return;
      listArea.replaceChildren(errorBox(error, { retry: loadList }));
    });
  }
  loadList();

  return () => {
    document.removeEventListener('dragover', over);
    document.removeEventListener('dragleave', leave);
    document.removeEventListener('drop', drop);
  };
}
