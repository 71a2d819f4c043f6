// The catalog: package cards (certified first), search as you type and facets with counts.
// The list shows a window of the results (PAGE cards, and PAGE more each time the end of the
// list comes near), so a keystroke touches at most a page of nodes whatever the catalog's size.
// Cards are built once per catalog, from a template, and reused.
import { catalog } from './api.js';
import { errorBox, loading, pageTitle } from './components.js';
import {
  afterPaint, debounce, h, plural, uid,
} from './dom.js';
import { iconUrl, packageIcon } from './icons.js';
import { FACET_GROUPS, LICENSE_BUCKETS, filter, licenseBuckets, prepare } from './search.js';

const PAGE = 96;
const TAGS_SHOWN = 12;

// Kept across visits of the page: the prepared entries and their cards, per catalog answer.
let preparedFor = null;
let prepared = [];
const cards = new Map();

function prepareCatalog(packages) {
  if (preparedFor === packages) return prepared;
  preparedFor = packages;
  prepared = packages.map((p, order) => Object.assign(prepare(p), { order }));
  cards.clear();
  return prepared;
}

function licenseBadge(result) {
  const licenses = Array.isArray(result.licenses) ? result.licenses : [];
  if (licenses.length === 0) return 'No license';
  const buckets = [...licenseBuckets(licenses)].filter((b) => b !== 'Other');
  if (buckets.length) return buckets.join(' · ');
  const name = String(licenses[0].name || 'Other');
  return name.length > 24 ? `${name.slice(0, 23)}…` : name;
}

const cardOrder = new WeakMap(); // card -> its package's position in the catalog

/**
 * Makes list's children exactly `wanted` (cards in catalog order) while moving as few nodes as
 * possible: cards that stay are not touched, so the browser restyles only what changed.
 */
function syncList(list, wanted) {
  let node = list.firstChild;
  for (const item of wanted) {
    const at = cardOrder.get(item);
    // Cards before this one in catalog order are not wanted any more.
    while (node && node !== item && cardOrder.get(node) < at) {
      const next = node.nextSibling;
      node.remove();
      node = next;
    }
    if (node === item) node = node.nextSibling;
    else list.insertBefore(item, node);
  }
  while (node) {
    const next = node.nextSibling;
    node.remove();
    node = next;
  }
}

let cardTemplate = null;

function cardSkeleton() {
  if (!cardTemplate) {
    cardTemplate = h('li', { class: 'card-item' },
      h('a', { class: 'card' },
        h('span', { class: 'card-body' },
          h('h3', { class: 'card-title' }, h('span', { class: 'card-name' }), ' ', h('span', { class: 'card-version' })),
          h('span', { class: 'card-description' }),
          h('span', { class: 'badges' }))));
  }
  return cardTemplate.cloneNode(true);
}

function card(entry) {
  let item = cards.get(entry.name);
  if (item) return item;
  const r = entry.result;
  item = cardSkeleton();
  const link = item.firstChild;
  link.href = `/ui/package/${encodeURIComponent(r.name)}`;
  link.prepend(packageIcon(r.name, iconUrl(r.images, 'medium'), 'medium'));
  const body = link.lastChild;
  const [title, description, badges] = body.children;
  title.firstChild.textContent = r.name;
  title.lastChild.textContent = r.currentVersion || '';
  description.textContent = entry.description;
  if (r.selected === true) badges.append(h('span', { class: 'badge badge-certified' }, 'Certified'));
  if (r.framework === true) badges.append(h('span', { class: 'badge badge-framework' }, 'Framework'));
  badges.append(h('span', { class: 'badge badge-license' }, licenseBadge(r)));
  cardOrder.set(item, entry.order);
  cards.set(entry.name, item);
  return item;
}

function signature(packages) {
  return packages.map((p) => `${p.name} ${p.currentVersion}`).join('\n');
}

function readSelection(query) {
  const selection = {};
  for (const [group] of FACET_GROUPS) selection[group] = new Set(query.getAll(group));
  return selection;
}

function facetValues(group, entries) {
  if (group === 'license') return LICENSE_BUCKETS;
  if (group === 'certified') return ['Certified', 'Community'];
  const totals = new Map();
  for (const e of entries) for (const v of e.facets[group]) totals.set(v, (totals.get(v) || 0) + 1);
  // Most used first; the repository facet keeps the catalog's order of first appearance.
  const values = [...totals.keys()];
  if (group === 'tag') values.sort((a, b) => totals.get(b) - totals.get(a) || a.localeCompare(b));
  return values;
}

export function mount(root, { query, signal }) {
  const state = {
    query: query.get('q') || '',
    selection: readSelection(query),
    generation: 0,
    firstCardMarked: false,
  };
  const searchId = uid('search');
  const countId = uid('count');
  const input = h('input', {
    id: searchId, type: 'search', value: state.query, autocomplete: 'off', spellcheck: 'false',
    placeholder: 'Name, description or tag; * matches anything', 'aria-describedby': countId,
  });
  const count = h('p', { class: 'result-count', id: countId, role: 'status', 'aria-live': 'polite' });
  const facetsBox = h('div', { class: 'facet-groups' });
  const facetsPanel = h('details', { class: 'facets', open: window.matchMedia('(min-width: 48rem)').matches },
    h('summary', {}, 'Filters'), facetsBox);
  const certifiedList = h('ul', { class: 'cards', 'aria-label': 'Certified packages' });
  const communityList = h('ul', { class: 'cards', 'aria-label': 'Community packages' });
  const certifiedSection = h('section', { class: 'card-section', 'aria-labelledby': `${searchId}-cert` },
    h('h2', { id: `${searchId}-cert` }, 'Certified'), certifiedList);
  const communitySection = h('section', { class: 'card-section', 'aria-labelledby': `${searchId}-comm` },
    h('h2', { id: `${searchId}-comm` }, 'Community'), communityList);
  const empty = h('div', { class: 'empty-state', hidden: true });
  const status = h('div', { class: 'catalog-status' }, loading('Loading the catalog…'));
  const results = h('div', { class: 'results' },
    h('div', { class: 'search-box' }, h('label', { for: searchId }, 'Search packages'), input),
    count, status, certifiedSection, communitySection, empty);

  root.append(pageTitle('Catalog'), h('div', { class: 'catalog' }, facetsPanel, results));

  let entries = [];
  const facetInputs = new Map(); // `${group}\n${value}` -> {input, countEl, item}

  const syncUrl = debounce(() => {
    if (signal.aborted) return;
    const params = new URLSearchParams();
    if (state.query) params.set('q', state.query);
    for (const [group] of FACET_GROUPS) for (const v of state.selection[group]) params.append(group, v);
    const search = params.toString();
    history.replaceState(null, '', `/ui/${search ? `?${search}` : ''}`);
  }, 300);

  function buildFacets() {
    facetsBox.replaceChildren();
    facetInputs.clear();
    for (const [group, title] of FACET_GROUPS) {
      const values = facetValues(group, entries);
      if (values.length === 0) continue;
      const list = h('ul', { class: 'facet-list' });
      values.forEach((value, index) => {
        const id = uid(`facet-${group}`);
        const box = h('input', {
          type: 'checkbox', id, checked: state.selection[group].has(value),
          onchange: () => {
            if (box.checked) state.selection[group].add(value);
            else state.selection[group].delete(value);
            update();
          },
        });
        const countEl = h('span', { class: 'facet-count' });
        const item = h('li', { class: 'facet-option', hidden: group === 'tag' && index >= TAGS_SHOWN && !box.checked },
          box, h('label', { for: id }, h('span', { class: 'facet-value' }, value), ' ', countEl));
        facetInputs.set(`${group}\n${value}`, { input: box, countEl, item });
        list.append(item);
      });
      const fieldset = h('fieldset', { class: `facet facet-${group}` }, h('legend', {}, title), list);
      if (group === 'tag' && values.length > TAGS_SHOWN) {
        const more = h('button', { type: 'button', class: 'link-button', 'aria-expanded': 'false' },
          `Show all ${values.length} tags`);
        more.addEventListener('click', () => {
          const expand = more.getAttribute('aria-expanded') !== 'true';
          more.setAttribute('aria-expanded', String(expand));
          more.textContent = expand ? 'Show fewer tags' : `Show all ${values.length} tags`;
          [...list.children].forEach((li, i) => {
            const checked = li.querySelector('input').checked;
            li.hidden = !expand && i >= TAGS_SHOWN && !checked;
          });
        });
        fieldset.append(more);
      }
      facetsBox.append(fieldset);
    }
    const clear = h('button', { type: 'button', class: 'secondary clear-filters' }, 'Clear filters');
    clear.addEventListener('click', clearAll);
    facetsBox.append(clear);
  }

  function clearAll() {
    state.query = '';
    input.value = '';
    for (const [group] of FACET_GROUPS) state.selection[group].clear();
    for (const { input: box } of facetInputs.values()) box.checked = false;
    update();
    input.focus();
  }

  // The window: the first `limit` results are in the lists; the sentinel after them brings the
  // next page when it comes near the viewport (or when its button is pressed).
  let shown = [];
  let limit = PAGE;
  let placed = 0;

  function place(to) {
    const certifiedCards = [];
    const communityCards = [];
    for (let i = 0; i < to; i += 1) {
      const e = shown[i];
      (e.result.selected === true ? certifiedCards : communityCards).push(card(e));
    }
    syncList(certifiedList, certifiedCards);
    syncList(communityList, communityCards);
    placed = to;
    const rest = shown.length - placed;
    more.hidden = rest <= 0;
    moreButton.textContent = `Show ${Math.min(rest, PAGE)} more (${rest.toLocaleString()} not shown yet)`;
    if (rest > 0) {
      // A fresh observation reports at once whether the sentinel is still near the viewport.
      nearEnd.unobserve(more);
      nearEnd.observe(more);
    }
  }

  function showMore() {
    if (placed >= shown.length) return;
    limit += PAGE;
    place(Math.min(limit, shown.length));
  }

  const moreButton = h('button', { type: 'button', class: 'secondary' });
  moreButton.addEventListener('click', () => {
    const first = placed;
    showMore();
    const next = shown[first] && cards.get(shown[first].name);
    if (next) next.firstChild.focus();
  });
  const more = h('p', { class: 'more-results', hidden: true }, moreButton);
  results.append(more);
  const nearEnd = new IntersectionObserver((items) => {
    if (items.some((i) => i.isIntersecting)) showMore();
  }, { rootMargin: '800px 0px' });

  function update(eventTime) {
    state.generation += 1;
    const generation = state.generation;
    const filtered = filter(entries, state.query, state.selection);
    shown = filtered.shown;
    for (const [key, { countEl, item, input: box }] of facetInputs) {
      const [group, value] = key.split('\n');
      const n = filtered.counts[group].get(value) || 0;
      const text = `(${n})`;
      if (countEl.textContent !== text) countEl.textContent = text;
      item.classList.toggle('facet-zero', n === 0 && !box.checked);
    }
    let certified = 0;
    for (const e of shown) if (e.result.selected === true) certified += 1;
    certifiedSection.hidden = certified === 0;
    communitySection.hidden = shown.length - certified === 0;
    limit = PAGE;
    place(Math.min(limit, shown.length));
    const total = entries.length;
    count.textContent = shown.length === total
      ? `${plural(total, 'package')}`
      : `${plural(shown.length, 'package')} of ${total.toLocaleString()}`;
    empty.hidden = shown.length !== 0;
    if (shown.length === 0) empty.replaceChildren(...emptyState(total));
    syncUrl();
    afterPaint().then(() => {
      if (generation !== state.generation) return;
      if (!state.firstCardMarked && shown.length > 0) {
        state.firstCardMarked = true;
        performance.mark('ui:first-card');
      }
      if (eventTime !== undefined) {
        performance.measure('ui:search', { start: eventTime, end: performance.now() });
      }
      root.dataset.searchGeneration = String(generation);
    });
  }

  function show(packages) {
    entries = prepareCatalog(packages);
    buildFacets();
    update();
  }

  function emptyState(total) {
    if (total === 0) {
      return [h('h2', {}, 'The catalog is empty'),
        h('p', {}, 'No repository has any package yet. ',
          h('a', { href: '/ui/repositories' }, 'Add a repository'), ' or ',
          h('a', { href: '/ui/publish' }, 'publish a package'), '.')];
    }
    const what = state.query ? `“${state.query}”` : 'these filters';
    const button = h('button', { type: 'button', class: 'primary' }, 'Clear search and filters');
    button.addEventListener('click', clearAll);
    return [h('h2', {}, `No packages match ${what}`),
      h('p', {}, 'Search looks at names, descriptions and tags. A query with * must match a whole name, description or tag, with the same letter case (for example ', h('code', {}, 'kaf*'), ').'),
      h('p', {}, button)];
  }

  input.addEventListener('input', (event) => {
    state.query = input.value;
    update(event.timeStamp);
  });

  const onKey = (event) => {
    if (event.key !== '/' || event.defaultPrevented) return;
    const target = event.target;
    if (target.closest('input, textarea, select, [contenteditable]')) return;
    event.preventDefault();
    input.focus();
  };
  document.addEventListener('keydown', onKey);

  function load(refresh) {
    status.replaceChildren(loading('Loading the catalog…'));
    catalog({ refresh }).then((packages) => {
      if (signal.aborted) return;
      status.replaceChildren();
      show(packages);
    }).catch((error) => {
      if (signal.aborted) return;
      status.replaceChildren(errorBox(error, { retry: () => load(true) }));
    });
  }
  load(false);
  // A catalog shown from memory is refreshed once in the background, so new packages appear.
  if (preparedFor) {
    const before = signature(preparedFor);
    catalog({ refresh: true }).then((packages) => {
      if (signal.aborted || signature(packages) === before) return;
      show(packages);
    }).catch(() => {});
  }

  return () => {
    syncUrl.cancel();
    document.removeEventListener('keydown', onKey);
    nearEnd.disconnect();
  };
}
