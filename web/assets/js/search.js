// Catalog search and facets, computed in the page over the catalog's search results so that
// typing updates the list at once. The query follows POST /package/search exactly (README
// "Compatibility notes"): a query with "*" is a case-sensitive glob that must match a whole name,
// a whole description or a whole tag ("*" does not cross line ends); any other query is an ASCII
// case-insensitive substring of the name, the description or a tag.

const LINE_END_FREE = '[^\\n\\r\\u0085\\u2028\\u2029]*';

function asciiLower(text) {
  return text.replace(/[A-Z]+/g, (run) => run.toLowerCase());
}

function escapeRegExp(text) {
  return text.replace(/[\\^$.*+?()[\]{}|/]/g, '\\$&');
}

/** The license bucket names of the facet, in display order. */
export const LICENSE_BUCKETS = ['Apache', 'BSD', 'MIT', 'Other'];

/** The facet buckets of a package's licenses: Apache, BSD, MIT; anything else (or none) is Other. */
export function licenseBuckets(licenses) {
  const out = new Set();
  for (const license of licenses || []) {
    const name = `${license && license.name || ''}`;
    if (/apache/i.test(name)) out.add('Apache');
    else if (/\bbsd\b/i.test(name)) out.add('BSD');
    else if (/\bmit\b/i.test(name)) out.add('MIT');
    else out.add('Other');
  }
  if (out.size === 0) out.add('Other');
  return out;
}

/** One search result prepared for filtering (lower-cased fields and facet values, computed once). */
export function prepare(result) {
  const tags = Array.isArray(result.tags) ? result.tags.map(String) : [];
  const description = typeof result.description === 'string' ? result.description : '';
  return {
    result,
    name: result.name,
    description,
    tags,
    lowerName: asciiLower(result.name),
    lowerDescription: asciiLower(description),
    lowerTags: tags.map(asciiLower),
    facets: {
      license: licenseBuckets(result.licenses),
      tag: new Set(tags),
      certified: new Set([result.selected === true ? 'Certified' : 'Community']),
      repository: new Set(result.repository && result.repository.name ? [result.repository.name] : []),
    },
  };
}

/** A predicate for prepared entries that implements the /package/search query semantics. */
export function queryMatcher(query) {
  if (!query) return () => true;
  if (query.includes('*')) {
    const pattern = new RegExp(`^${query.split('*').map(escapeRegExp).join(LINE_END_FREE)}$`, 'u');
    return (e) => pattern.test(e.name) || pattern.test(e.description) ||
      e.tags.some((tag) => pattern.test(tag));
  }
  const needle = asciiLower(query);
  return (e) => e.lowerName.includes(needle) || e.lowerDescription.includes(needle) ||
    e.lowerTags.some((tag) => tag.includes(needle));
}

/** The facet groups: key, title. */
export const FACET_GROUPS = [
  ['certified', 'Certification'],
  ['license', 'License'],
  ['repository', 'Repository'],
  ['tag', 'Tags'],
];

function passes(entry, selection, skip) {
  for (const [group] of FACET_GROUPS) {
    if (group === skip) continue;
    const chosen = selection[group];
    if (!chosen || chosen.size === 0) continue;
    let hit = false;
    for (const value of chosen) {
      if (entry.facets[group].has(value)) {
        hit = true;
        break;
      }
    }
    if (!hit) return false;
  }
  return true;
}

/**
 * Filters prepared entries by query and facet selection ({group: Set of values}; values of one
 * group are alternatives, groups combine). Returns {shown, counts}: the entries kept, in
 * catalog order, and per group a Map value -> how many entries that value would show given the
 * query and the other groups' selections.
 */
export function filter(entries, query, selection) {
  const matchQuery = queryMatcher(query);
  const matching = entries.filter(matchQuery);
  const shown = matching.filter((e) => passes(e, selection, null));
  const counts = {};
  for (const [group] of FACET_GROUPS) {
    const map = new Map();
    for (const e of matching) {
      if (!passes(e, selection, group)) continue;
      for (const value of e.facets[group]) map.set(value, (map.get(value) || 0) + 1);
    }
    counts[group] = map;
  }
  return { shown, counts };
}
