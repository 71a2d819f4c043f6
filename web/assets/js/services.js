// Installed services: the list (/package/list) and one service's page: its options
// (/service/describe), editing them in the package's form with a review of the changes before
// /service/update, its history (/package/history) with rollback to a record, and uninstall.
import { ApiError, call } from './api.js';
import {
  badge, confirmDialog, errorBox, facts, loading, messageBox, pageTitle,
} from './components.js';
import {
  append, formatTime, h, toast, uid,
} from './dom.js';
import { optionsEditor } from './form.js';
import { iconUrl, packageIcon } from './icons.js';
import { packageHref, serviceHref } from './package.js';
import { changeList, jsonView, renderPreview } from './preview.js';
import {
  changes, defaultsOf, isObject, merge, pointer, userOptions,
} from './schema.js';

export function mount(root, context) {
  if (context.list) return mountList(root, context);
  return mountService(root, context);
}

function mountList(root, { signal, takeFlash }) {
  const body = h('div', { class: 'services' }, loading('Loading the services…'));
  append(root, [pageTitle('Services'), takeFlash(), body]);
  const load = () => {
    body.replaceChildren(loading('Loading the services…'));
    call('list', {}, { signal }).then((answer) => {
      if (signal.aborted) return;
      const packages = answer.packages || [];
      if (packages.length === 0) {
        body.replaceChildren(h('div', { class: 'empty-state' },
          h('h2', {}, 'No services are installed'),
          h('p', {}, h('a', { href: '/ui/' }, 'Browse the catalog'), ' to install one.')));
        return;
      }
      const rows = packages.map((p) => {
        const def = (p.packageInformation && p.packageInformation.packageDefinition) || {};
        const images = p.packageInformation && p.packageInformation.resourceDefinition
          && p.packageInformation.resourceDefinition.images;
        return h('tr', {},
          h('th', { scope: 'row' }, h('span', { class: 'service-name' },
            packageIcon(def.name || p.appId, iconUrl(images, 'small'), 'small'),
            h('a', { href: serviceHref(p.appId) }, p.appId))),
          h('td', { 'data-label': 'Package' }, h('a', { href: packageHref(def.name) }, def.name || '')),
          h('td', { 'data-label': 'Version' }, def.version || ''),
          h('td', { 'data-label': 'Kind' }, def.framework ? 'Framework' : 'App'));
      });
      body.replaceChildren(h('table', { class: 'table services-table' },
        h('caption', { class: 'visually-hidden' }, 'Installed services'),
        h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Service'), h('th', { scope: 'col' }, 'Package'),
          h('th', { scope: 'col' }, 'Version'), h('th', { scope: 'col' }, 'Kind'))),
        h('tbody', {}, rows)));
    }).catch((error) => {
      if (signal.aborted || (error && error.name === 'AbortError')) return;
      body.replaceChildren(errorBox(error, { retry: load }));
    });
  };
  load();
  return null;
}

const OPERATION_NAMES = {
  install: 'Installed', update: 'Updated', uninstall: 'Uninstalled', rollback: 'Rolled back',
};

function errorText(error) {
  if (!error) return '';
  if (typeof error === 'string') return error;
  return error.message || error.type || 'failed';
}

function mountService(root, { params, signal, navigate, flash }) {
  const appId = `/${params[0]}`;
  const title = pageTitle(appId);
  const status = h('div', { class: 'service-status' });
  const body = h('div', { class: 'service-page' }, loading(`Loading ${appId}…`));
  root.append(h('p', { class: 'breadcrumbs' }, h('a', { href: '/ui/services' }, 'Services'), ' / ', appId),
    title, status, body);

  let described = null;
  let historyRecords = [];

  async function load() {
    try {
      const [d, history] = await Promise.all([
        call('serviceDescribe', { appId }, { signal }),
        call('history', { appId }, { signal }).catch((error) => ({ error })),
      ]);
      if (signal.aborted) return;
      described = d;
      historyRecords = history.records || [];
      render(history.error);
    } catch (error) {
      if (signal.aborted || (error && error.name === 'AbortError')) return;
      body.replaceChildren(errorBox(error, { retry: load }),
        h('p', {}, h('a', { href: '/ui/services' }, 'Back to the services')));
    }
  }

  function currentRecordId() {
    const current = historyRecords.find((r) => r.outcome === 'success' && r.operation !== 'uninstall');
    return current ? current.id : null;
  }

  function render(historyError) {
    const pkg = described.package;
    const schema = isObject(pkg.config) ? pkg.config : {};
    const defaults = defaultsOf(schema);
    const resolved = described.resolvedOptions || merge(defaults, described.userProvidedOptions || {});
    const chosen = changes(defaults, resolved).filter((c) => c.kind !== 'removed');
    const editButton = h('button', { type: 'button', class: 'primary' }, 'Edit options');
    const uninstallButton = h('button', { type: 'button', class: 'danger' }, 'Uninstall…');
    const editArea = h('div', { class: 'edit-area' });

    editButton.addEventListener('click', () => {
      editButton.hidden = true;
      editArea.replaceChildren(editor(pkg, resolved, () => {
        editButton.hidden = false;
        editArea.replaceChildren();
        editButton.focus();
      }));
      const heading = editArea.querySelector('h2');
      if (heading) heading.focus();
    });
    uninstallButton.addEventListener('click', () => uninstall(pkg));

    body.replaceChildren(
      h('div', { class: 'package-header' },
        packageIcon(pkg.name, iconUrl(pkg.resource && pkg.resource.images, 'large'), 'large'),
        h('div', {},
          facts([
            ['Package', h('a', { href: packageHref(pkg.name, pkg.version) }, `${pkg.name} ${pkg.version}`)],
            ['Kind', pkg.framework ? 'Framework' : 'App'],
            ['Can move to', [...new Set([...(described.upgradesTo || []), ...(described.downgradesTo || [])])]
              .filter((v) => v !== pkg.version).join(', ') || null],
          ]),
          h('p', { class: 'actions' }, editButton, ' ', uninstallButton))),
      h('section', { class: 'panel', 'aria-labelledby': 'options-heading' },
        h('h2', { id: 'options-heading' }, 'Options'),
        h('p', { class: 'help' }, 'The options the service runs with. Highlighted lines differ from the package\'s defaults.'),
        jsonView(resolved, new Set(chosen.map((c) => pointer(c.path))), 'Current options')),
      editArea,
      h('section', { class: 'panel', 'aria-labelledby': 'history-heading' },
        h('h2', { id: 'history-heading' }, 'History'),
        historyError ? errorBox(historyError) : timeline()));
  }

  function timeline() {
    if (historyRecords.length === 0) return h('p', { class: 'muted' }, 'No operations are recorded for this service.');
    const current = currentRecordId();
    return h('ol', { class: 'timeline' }, historyRecords.map((r, index) => {
      // What this operation changed: its options against those of the operation before it.
      const before = historyRecords[index + 1];
      const changed = before ? changes(before.options || {}, r.options || {}) : [];
      const versionChanged = before && before.packageVersion !== r.packageVersion;
      const failed = r.outcome !== 'success';
      const rollback = r.restorable === true && r.id !== current && r.operation !== 'uninstall' && !failed
        ? h('button', { type: 'button', class: 'secondary small', 'aria-label': `Roll back to record ${r.id} (${r.packageName} ${r.packageVersion})` }, 'Roll back to this')
        : null;
      if (rollback) rollback.addEventListener('click', () => rollbackTo(r));
      return h('li', { class: `timeline-item ${failed ? 'failed' : ''}`, dataset: { record: String(r.id) } },
        h('div', { class: 'timeline-head' },
          h('span', { class: `operation operation-${r.operation}` }, OPERATION_NAMES[r.operation] || r.operation),
          ' ', h('strong', {}, `${r.packageName} ${r.packageVersion}`),
          ' ', h('time', { datetime: r.time }, formatTime(r.time)),
          ' ', failed ? badge('Failed', 'failure') : badge('Succeeded', 'success'),
          r.id === current ? badge('Current', 'current') : null,
          h('span', { class: 'muted record-id' }, ` #${r.id}`)),
        r.rollbackOf !== undefined ? h('p', { class: 'muted' }, `Restored record #${r.rollbackOf}.`) : null,
        failed && r.error ? h('p', { class: 'field-error' }, errorText(r.error)) : null,
        before ? h('p', { class: 'muted record-changes' },
          versionChanged ? `Version ${before.packageVersion} → ${r.packageVersion}. ` : '',
          changed.length ? `${changed.length} ${changed.length === 1 ? 'option' : 'options'} changed from #${before.id}.` : `Same options as #${before.id}.`) : null,
        h('details', {}, h('summary', {}, 'Options'),
          changed.length ? changeList(changed) : null,
          jsonView(r.options || {}, new Set(changed.filter((c) => c.kind !== 'removed').map((c) => pointer(c.path))), `Options of record ${r.id}`)),
        rollback ? h('p', {}, rollback) : null);
    }));
  }

  function editor(pkg, resolved, close) {
    const headingId = uid('edit');
    const versions = [...new Set([pkg.version, ...(described.upgradesTo || []), ...(described.downgradesTo || [])])];
    const versionId = uid('version');
    const select = h('select', { id: versionId }, versions.map((v) => h('option', { value: v, selected: v === pkg.version },
      v === pkg.version ? `${v} (installed)` : v)));
    const formArea = h('div', { class: 'edit-form' });
    const review = h('button', { type: 'button', class: 'primary' }, 'Review the update…');
    const cancel = h('button', { type: 'button', class: 'secondary' }, 'Cancel');
    const result = h('div', { class: 'update-result' });
    cancel.addEventListener('click', close);
    let target = { pkg, defaults: defaultsOf(isObject(pkg.config) ? pkg.config : {}) };
    let form = null;
    let preview = null;

    function build(targetPkg, startFrom) {
      const schema = isObject(targetPkg.config) ? targetPkg.config : {};
      target = { pkg: targetPkg, defaults: defaultsOf(schema) };
      if (preview) preview.cancel();
      preview = renderPreview({
        request: { packageName: targetPkg.name, packageVersion: targetPkg.version },
        baselineRequest: { packageName: pkg.name, packageVersion: pkg.version },
        baseline: described.userProvidedOptions || {},
        // An update renders without an app ID override (as Cosmos does), so the preview does
        // too: an option that renames the app shows up as a changed id.
        baselineAppId: appId,
        baselineLabel: 'the running options',
        signal,
        onErrors: (errors) => (errors ? form.showErrors(errors) : form.clearErrors()),
      });
      form = optionsEditor({
        schema,
        value: merge(target.defaults, userOptions(startFrom, defaultsOf(isObject(pkg.config) ? pkg.config : {}))),
        defaults: target.defaults,
        fileName: `${appId.replace(/^\//, '').replace(/\//g, '-')}`,
        onChange: (value) => preview.update(userOptions(value, target.defaults)),
      });
      formArea.replaceChildren(form.element,
        h('h3', {}, 'Preview of the updated app'), preview.element);
      preview.now(userOptions(form.value(), target.defaults));
    }

    select.addEventListener('change', async () => {
      const version = select.value;
      if (version === target.pkg.version) return;
      formArea.replaceChildren(loading(`Loading ${pkg.name} ${version}…`));
      try {
        const d = await call('describe', { packageName: pkg.name, packageVersion: version }, { signal });
        build(d.package, form ? form.value() : resolved);
      } catch (error) {
        if (error && error.name === 'AbortError') return;
        formArea.replaceChildren(errorBox(error));
      }
    });

    review.addEventListener('click', async () => {
      const next = form.value();
      const versionChange = target.pkg.version !== pkg.version;
      const diff = changes(resolved, next);
      if (!versionChange && diff.length === 0) {
        result.replaceChildren(messageBox('info', 'Nothing to update: the options are those the service runs with.'));
        return;
      }
      const renamed = preview.app && typeof preview.app.id === 'string' && preview.app.id !== appId
        ? preview.app.id : null;
      const ok = await confirmDialog({
        title: `Update ${appId}?`,
        confirmLabel: 'Update the service',
        body: [
          renamed ? messageBox('warning', 'These options give the app another ID.',
            h('p', {}, `The rendered app is ${renamed}, not ${appId}; the server refuses such an update. Set the option that names the service back to ${appId.replace(/^\//, '')}.`)) : null,
          versionChange ? h('p', {}, 'Version: ', h('code', {}, pkg.version), ' → ', h('strong', {}, target.pkg.version)) : null,
          h('p', {}, 'Option changes:'),
          h('div', { class: 'update-diff' }, changeList(diff, { empty: 'No option changes.' })),
        ],
      });
      if (!ok) return;
      result.replaceChildren(loading('Updating…'));
      const requestBody = { appId, options: userOptions(next, target.defaults), replace: true };
      if (versionChange) requestBody.packageVersion = target.pkg.version;
      try {
        const answer = await call('serviceUpdate', requestBody, { signal });
        toast(`Updated ${appId}.`);
        status.replaceChildren(messageBox('success', `Updated ${appId} to ${answer.package.name} ${answer.package.version}.`,
          h('p', {}, `Marathon deployment ${answer.marathonDeploymentId}.`)));
        await load();
      } catch (error) {
        if (error && error.name === 'AbortError') return;
        if (error instanceof ApiError && error.type === 'JsonSchemaMismatch') form.showErrors((error.data && error.data.errors) || []);
        result.replaceChildren(errorBox(error));
      }
    });

    const panel = h('section', { class: 'panel', 'aria-labelledby': headingId },
      h('h2', { id: headingId, tabindex: '-1' }, 'Edit options'),
      h('div', { class: 'field' }, h('label', { for: versionId }, 'Version'), select,
        h('p', { class: 'help' }, 'The versions this service may move to, by the package\'s upgrade and downgrade rules.')),
      formArea,
      h('p', { class: 'actions' }, review, ' ', cancel),
      result);
    build(pkg, resolved);
    return panel;
  }

  async function rollbackTo(record) {
    const current = described.userProvidedOptions || {};
    const diff = changes(current, record.options || {});
    const ok = await confirmDialog({
      title: `Roll back ${appId}?`,
      confirmLabel: 'Roll back',
      body: [
        h('p', {}, `Apply ${record.packageName} ${record.packageVersion} with the options of record #${record.id} (${formatTime(record.time)}) again.`),
        h('p', {}, 'Option changes from the running options:'),
        changeList(diff, { empty: 'No option changes.' }),
      ],
    });
    if (!ok) return;
    status.replaceChildren(loading('Rolling back…'));
    try {
      const answer = await call('rollback', { appId, recordId: record.id }, { signal });
      status.replaceChildren(messageBox('success',
        `Rolled back ${answer.appId} to ${answer.packageName} ${answer.packageVersion}.`,
        h('p', {}, `Recorded as #${answer.recordId}; Marathon deployment ${answer.deploymentId}.`)));
      await load();
    } catch (error) {
      if (error && error.name === 'AbortError') return;
      status.replaceChildren(errorBox(error));
    }
  }

  async function uninstall(pkg) {
    const ok = await confirmDialog({
      title: `Uninstall ${appId}?`,
      danger: true,
      confirmLabel: `Uninstall ${appId}`,
      body: [h('p', {}, `This removes the service ${appId} (${pkg.name} ${pkg.version}) from the cluster. Its tasks stop; data the service kept only in its tasks is lost.`)],
    });
    if (!ok) return;
    status.replaceChildren(loading(`Uninstalling ${appId}…`));
    try {
      const answer = await call('uninstall', { packageName: pkg.name, appId }, { signal });
      const result = (answer.results || [])[0] || {};
      flash(messageBox('success', `Uninstalled ${appId}.`,
        result.postUninstallNotes ? h('p', { class: 'prose' }, result.postUninstallNotes) : null));
      navigate('/ui/services');
    } catch (error) {
      if (error && error.name === 'AbortError') return;
      status.replaceChildren(errorBox(error));
    }
  }

  load();
  return null;
}
