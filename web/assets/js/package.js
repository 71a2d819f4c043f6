// The package page: details of one version (deep-linked as /ui/package/<name>/<version>), the
// options form with its JSON editor, the live review of the rendered app, and the install.
import { ApiError, call } from './api.js';
import {
  badge, errorBox, facts, loading, messageBox, pageTitle,
} from './components.js';
import { externalLink, h, uid } from './dom.js';
import { optionsEditor } from './form.js';
import { iconUrl, packageIcon, screenshot } from './icons.js';
import { changeList, renderPreview } from './preview.js';
import { changes, defaultsOf, isObject, merge, userOptions } from './schema.js';

/** /ui/services/<app id without its leading slash>, each segment encoded. */
export function serviceHref(appId) {
  return `/ui/services/${String(appId).replace(/^\/+/, '').split('/').map(encodeURIComponent).join('/')}`;
}

/** /ui/package/<name>[/<version>] */
export function packageHref(name, version) {
  return `/ui/package/${encodeURIComponent(name)}${version ? `/${encodeURIComponent(version)}` : ''}`;
}

function text(value) {
  return h('p', { class: 'prose' }, value);
}

function sortedVersions(results) {
  return Object.entries(results || {})
    .map(([version, release]) => ({ version, release: Number(release) }))
    .sort((a, b) => b.release - a.release);
}

function maintainerNode(maintainer) {
  if (!maintainer) return null;
  if (/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(maintainer)) return externalLink(`mailto:${maintainer}`, maintainer);
  return externalLink(maintainer, maintainer);
}

function licensesNode(licenses) {
  if (!Array.isArray(licenses) || licenses.length === 0) return null;
  return h('ul', { class: 'inline-list' }, licenses.map((l) => h('li', {}, externalLink(l.url, l.name || l.url))));
}

function tagsNode(tags) {
  if (!Array.isArray(tags) || tags.length === 0) return null;
  return h('ul', { class: 'inline-list tags' },
    tags.map((t) => h('li', {}, h('a', { href: `/ui/?tag=${encodeURIComponent(t)}`, class: 'tag' }, t))));
}

function hasTemplate(pkg) {
  return Boolean(pkg.marathon && pkg.marathon.v2AppMustacheTemplate);
}

/** The header and details of a package version (shared with the service page). */
export function packageSummary(pkg, { repository } = {}) {
  const images = (pkg.resource && pkg.resource.images) || {};
  const screenshots = Array.isArray(images.screenshots) ? images.screenshots : [];
  const certified = pkg.selected === true;
  return h('div', { class: 'package-details' },
    h('div', { class: 'badges' },
      certified ? badge('Certified', 'certified') : badge('Community', 'community'),
      pkg.framework ? badge('Framework', 'framework') : null),
    certified ? null : h('div', { class: 'message message-warning community-disclaimer', role: 'note' },
      h('p', { class: 'message-title' }, 'Community package'),
      h('p', {}, 'Its authors publish it as it is. It has not been reviewed or certified by the operators of this catalog, and support comes from its authors only. Read its notes and options before you install it.')),
    pkg.description ? text(pkg.description) : null,
    facts([
      ['Maintainer', maintainerNode(pkg.maintainer)],
      ['Website', pkg.website ? externalLink(pkg.website) : null],
      ['Source', pkg.scm ? externalLink(pkg.scm) : null],
      ['Licenses', licensesNode(pkg.licenses)],
      ['Tags', tagsNode(pkg.tags)],
      ['Minimum DC/OS version', pkg.minDcosReleaseVersion || null],
      ['Repository', repository ? `${repository.name} (${repository.uri})` : null],
      ['Packaging version', pkg.packagingVersion || null],
      ['Release', pkg.releaseVersion !== undefined ? String(pkg.releaseVersion) : null],
      ['Last updated', pkg.lastUpdated ? new Date(pkg.lastUpdated * 1000).toLocaleDateString() : null],
    ]),
    pkg.preInstallNotes ? h('section', { class: 'notes', 'aria-label': 'Pre-install notes' },
      h('h3', {}, 'Before you install'), text(pkg.preInstallNotes)) : null,
    screenshots.length ? h('section', { class: 'screenshots', 'aria-label': 'Screenshots' },
      h('h3', {}, 'Screenshots'),
      h('div', { class: 'screenshot-list' }, screenshots.map((url, i) => screenshot(url, `${pkg.name} screenshot ${i + 1}`)))) : null);
}

export function mount(root, { params, signal, navigate }) {
  const [name, requestedVersion] = params;
  const body = h('div', { class: 'package-page' }, loading(`Loading ${name}…`));
  const title = pageTitle(name);
  root.append(h('p', { class: 'breadcrumbs' }, h('a', { href: '/ui/' }, 'Catalog'), ' / ', name), title, body);

  const request = { packageName: name };
  if (requestedVersion) request.packageVersion = requestedVersion;
  Promise.all([
    call('describe', request, { signal }),
    call('listVersions', { packageName: name, includePackageVersions: true }, { signal }),
  ]).then(([described, versions]) => {
    if (signal.aborted) return;
    show(described, sortedVersions(versions.results));
  }).catch((error) => {
    if (signal.aborted || (error && error.name === 'AbortError')) return;
    body.replaceChildren(errorBox(error, { retry: () => navigate(location.pathname, { replace: true }) }),
      h('p', {}, h('a', { href: '/ui/' }, 'Back to the catalog')));
  });

  function show(described, versions) {
    const pkg = described.package;
    const version = pkg.version;
    title.replaceChildren(name, ' ', h('span', { class: 'title-version' }, version));
    document.title = `${name} ${version} · Package catalog`;

    const selectId = uid('version');
    const select = h('select', { id: selectId },
      versions.map((v) => h('option', { value: v.version, selected: v.version === version },
        `${v.version}${v === versions[0] ? ' (latest)' : ''}`)));
    select.addEventListener('change', () => navigate(packageHref(name, select.value)));

    const header = h('div', { class: 'package-header' },
      packageIcon(name, iconUrl(pkg.resource && pkg.resource.images, 'large'), 'large'),
      h('div', { class: 'version-picker' },
        h('label', { for: selectId }, 'Version'), select,
        h('p', { class: 'muted' }, `${versions.length} ${versions.length === 1 ? 'version' : 'versions'}`)));

    const schema = isObject(pkg.config) ? pkg.config : null;
    const defaults = defaultsOf(schema || {});
    const sections = [header, packageSummary(pkg, { repository: described.repository })];
    if (!hasTemplate(pkg)) {
      sections.push(h('section', { class: 'panel' }, h('h2', {}, 'Install'),
        h('p', {}, 'This package has no Marathon app: installing it deploys nothing and only reports its notes and command-line integration.'),
        installPanel(pkg, () => ({}), null, null)));
      body.replaceChildren(...sections);
      return;
    }

    const changedOptions = h('div', { class: 'changed-options' });
    let editor = null;
    const appIdId = uid('appid');
    const appIdInput = h('input', { id: appIdId, type: 'text', spellcheck: 'false', autocomplete: 'off' });
    const preview = renderPreview({
      request: { packageName: name, packageVersion: version },
      baseline: {},
      baselineLabel: 'the defaults',
      signal,
      onErrors: (errors) => {
        if (!editor) return;
        if (errors) editor.showErrors(errors);
        else editor.clearErrors();
      },
    });
    const currentOptions = () => userOptions(editor ? editor.value() : defaults, defaults);
    const refresh = (now = false) => {
      const options = currentOptions();
      changedOptions.replaceChildren(
        h('h3', {}, 'Options changed from the defaults'),
        changeList(changes(defaults, merge(defaults, options)), { empty: 'None: every option has its default.' }));
      const appId = appIdInput.value.trim() || undefined;
      if (now) preview.now(options, appId);
      else preview.update(options, appId);
    };

    if (schema) {
      editor = optionsEditor({
        schema, value: defaults, defaults, fileName: `${name}-${version}`,
        onChange: () => refresh(false),
      });
    }
    appIdInput.addEventListener('input', () => refresh(false));

    // On wide screens the review sits beside the form, so each change shows next to it.
    sections.push(h('div', { class: 'workbench' },
      h('section', { class: 'panel configure', 'aria-labelledby': `${appIdId}-configure` },
        h('h2', { id: `${appIdId}-configure` }, 'Configure'),
        editor ? editor.element : h('p', { class: 'muted' }, 'This package has no options.')),
      h('section', { class: 'panel review', 'aria-labelledby': `${appIdId}-review` },
        h('h2', { id: `${appIdId}-review` }, 'Review'),
        h('p', { class: 'help' }, 'The Marathon app an install would create with these options, as the server renders it. Highlighted lines differ from the app with the defaults.'),
        changedOptions, preview.element)),
      h('section', { class: 'panel install', 'aria-labelledby': `${appIdId}-install` },
        h('h2', { id: `${appIdId}-install` }, 'Install'),
        h('div', { class: 'field' },
          h('label', { for: appIdId }, 'App ID (optional)'),
          appIdInput,
          h('p', { class: 'help' }, 'Leave empty for the app ID the options give (often a service name option). An ID set here is not part of the options, and a later edit renders the app from the options alone: to edit the service later, set the name option instead.')),
        installPanel(pkg, currentOptions, () => appIdInput.value.trim() || undefined, editor)));
    body.replaceChildren(...sections);
    refresh(true);
  }

  function installPanel(pkg, options, appId, editor) {
    const result = h('div', { class: 'install-result' });
    const button = h('button', { type: 'button', class: 'primary' }, `Install ${pkg.name} ${pkg.version}`);
    button.addEventListener('click', async () => {
      button.disabled = true;
      result.replaceChildren(loading('Installing…'));
      const requestBody = { packageName: pkg.name, packageVersion: pkg.version, options: options() };
      const id = appId ? appId() : undefined;
      if (id) requestBody.appId = id;
      try {
        const answer = await call('install', requestBody, { signal });
        const notes = answer.postInstallNotes;
        result.replaceChildren(messageBox('success', answer.appId
          ? `Installed ${answer.packageName} ${answer.packageVersion} as ${answer.appId}.`
          : `Installed ${answer.packageName} ${answer.packageVersion}.`,
        notes ? h('div', { class: 'notes' }, h('h3', {}, 'After the install'), text(notes)) : null,
        answer.appId ? h('p', {}, h('a', { href: serviceHref(answer.appId), class: 'button primary' }, `Open the service ${answer.appId}`)) : null));
      } catch (error) {
        if (error && error.name === 'AbortError') return;
        if (error instanceof ApiError && error.type === 'JsonSchemaMismatch' && editor) {
          editor.showErrors((error.data && error.data.errors) || []);
        }
        result.replaceChildren(errorBox(error));
      } finally {
        button.disabled = false;
      }
    });
    return h('div', { class: 'install-actions' }, h('p', {}, button), result);
  }
}
