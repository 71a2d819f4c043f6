// The options editor: a form generated from a package's JSON Schema (draft 04) next to a JSON
// editor of the same options. Nested objects become sections, enums selects, booleans
// checkboxes, numbers respect their bounds, arrays can be edited item by item, defaults are
// filled in, required fields are marked and descriptions are shown as help. Editing either side
// updates the other. The server's JsonSchemaMismatch errors are shown at the field their
// instance pointer names.
import {
  append, debounce, download, h, toast, uid,
} from './dom.js';
import {
  clone, getAt, isObject, merge, pointer, segments, setAt, typeOf,
} from './schema.js';

function titleOf(schema, name) {
  return (isObject(schema) && typeof schema.title === 'string' && schema.title) || String(name);
}

function requiredSet(schema) {
  return new Set(isObject(schema) && Array.isArray(schema.required) ? schema.required : []);
}

function describe(value) {
  if (typeof value === 'string') return value;
  return JSON.stringify(value);
}

/** value with the members of each object in the order of the schema's properties, others after. */
function schemaOrder(value, schema) {
  if (!isObject(value) || !isObject(schema) || !isObject(schema.properties)) return value;
  const out = {};
  for (const [name, property] of Object.entries(schema.properties)) {
    if (name in value) out[name] = schemaOrder(value[name], property);
  }
  for (const [name, v] of Object.entries(value)) if (!(name in out)) out[name] = v;
  return out;
}

/** A sentence for one validation error of the server (java-json-tools format). */
export function errorMessage(error, missingName) {
  const e = error || {};
  switch (e.keyword) {
    case 'required':
      return missingName ? 'A value is required.' : `Required: ${(e.missing || []).join(', ')}.`;
    case 'minimum':
      return `Must be ${e.exclusiveMinimum ? 'more than' : 'at least'} ${e.minimum}${'found' in e ? `; it is ${e.found}` : ''}.`;
    case 'maximum':
      return `Must be ${e.exclusiveMaximum ? 'less than' : 'at most'} ${e.maximum}${'found' in e ? `; it is ${e.found}` : ''}.`;
    case 'type':
      return `Must be ${Array.isArray(e.expected) ? e.expected.join(' or ') : 'another type'}, not ${e.found}.`;
    case 'enum':
      return `Must be one of ${(e.enum || []).map(describe).join(', ')}.`;
    case 'pattern':
      return `Must match the pattern ${e.regex}.`;
    case 'minLength':
      return `Must have at least ${e.minLength} characters.`;
    case 'maxLength':
      return `Must have at most ${e.maxLength} characters.`;
    case 'minItems':
      return `Needs at least ${e.minItems} items.`;
    case 'maxItems':
      return `Allows at most ${e.maxItems} items.`;
    case 'additionalProperties':
      return `Not an option of this package: ${(e.unwanted || []).join(', ')}.`;
    default:
      return e.message || 'Not valid.';
  }
}

/**
 * Builds the editor. schema: the package's config; value: the options to start from (defaults
 * merged with the user's); defaults: the package's defaults; onChange(options) after every edit.
 * Returns {element, value(), setValue(options), showErrors(errors), clearErrors()}.
 */
export function optionsEditor({ schema, value, defaults, onChange, fileName = 'options' }) {
  let model = isObject(value) ? clone(value) : {};
  const fields = new Map(); // pointer -> {wrapper, control, errorEl, load(value)}
  const formRoot = h('div', { class: 'options-form' });
  const summary = h('div', { class: 'error-summary', hidden: true, tabindex: '-1' });
  const jsonId = uid('options-json');
  const jsonHelpId = uid('options-json-help');
  const jsonError = h('p', { class: 'field-error', id: uid('json-error'), hidden: true, role: 'alert' });
  const jsonArea = h('textarea', {
    id: jsonId, class: 'json-editor', spellcheck: 'false', autocomplete: 'off', rows: '24',
    'aria-describedby': `${jsonHelpId} ${jsonError.id}`,
  });

  function emit() {
    // A field emptied and filled again keeps its place in the JSON: members follow the schema.
    model = schemaOrder(model, schema);
    jsonArea.value = JSON.stringify(model, null, 2);
    jsonError.hidden = true;
    jsonArea.removeAttribute('aria-invalid');
    onChange(clone(model));
  }

  function register(path, entry) {
    const ptr = pointer(path);
    entry.wrapper.dataset.pointer = ptr;
    fields.set(ptr, entry);
  }

  function unregisterBelow(path) {
    const ptr = pointer(path);
    for (const key of [...fields.keys()]) if (key.startsWith(`${ptr}/`)) fields.delete(key);
  }

  function fieldShell(schema, path, name, required, control, { inline = false } = {}) {
    const id = control.id || uid('opt');
    control.id = id;
    const helpId = uid('help');
    const errorId = uid('error');
    const describedBy = [];
    const help = typeof schema.description === 'string' && schema.description
      ? h('p', { class: 'help', id: helpId }, schema.description) : null;
    if (help) describedBy.push(helpId);
    const errorEl = h('p', { class: 'field-error', id: errorId, hidden: true });
    describedBy.push(errorId);
    control.setAttribute('aria-describedby', describedBy.join(' '));
    if (required) control.setAttribute('aria-required', 'true');
    const label = h('label', { for: id }, titleOf(schema, name),
      required ? h('span', { class: 'required', 'aria-hidden': 'true' }, ' *') : null,
      required ? h('span', { class: 'visually-hidden' }, ' (required)') : null);
    const wrapper = h('div', { class: `field${inline ? ' field-inline' : ''}` },
      inline ? [control, label] : [label, control], help, errorEl);
    return { wrapper, errorEl };
  }

  function setModel(path, next) {
    model = setAt(model, path, next);
    emit();
  }

  function checkboxField(schema, path, name, required) {
    const control = h('input', { type: 'checkbox' });
    const { wrapper, errorEl } = fieldShell(schema, path, name, required, control, { inline: true });
    control.addEventListener('change', () => setModel(path, control.checked));
    const load = (v) => {
      control.checked = v === true;
    };
    load(getAt(model, path));
    register(path, { wrapper, control, errorEl, load });
    return wrapper;
  }

  function enumField(schema, path, name, required) {
    const values = schema.enum;
    const hasDefault = 'default' in schema;
    const control = h('select');
    if (!required && !hasDefault) control.append(h('option', { value: '' }, '(not set)'));
    values.forEach((v, i) => control.append(h('option', { value: String(i) }, describe(v))));
    const { wrapper, errorEl } = fieldShell(schema, path, name, required, control);
    control.addEventListener('change', () => {
      setModel(path, control.value === '' ? undefined : clone(values[Number(control.value)]));
    });
    const load = (v) => {
      const index = values.findIndex((x) => JSON.stringify(x) === JSON.stringify(v));
      if (index >= 0) control.value = String(index);
      else if (v === undefined && !required && !hasDefault) control.value = '';
      else if (v !== undefined) {
        // A value outside the enum (from the JSON editor): show it so the server's error makes sense.
        const extra = h('option', { value: 'extra' }, `${describe(v)} (not allowed)`);
        control.append(extra);
        control.value = 'extra';
      }
    };
    load(getAt(model, path));
    register(path, { wrapper, control, errorEl, load });
    return wrapper;
  }

  function numberField(schema, path, name, required, integer) {
    const control = h('input', { type: 'number', inputmode: integer ? 'numeric' : 'decimal', step: integer ? '1' : 'any' });
    if (typeof schema.minimum === 'number') control.min = String(schema.minimum);
    if (typeof schema.maximum === 'number') control.max = String(schema.maximum);
    const { wrapper, errorEl } = fieldShell(schema, path, name, required, control);
    const hint = [];
    if (typeof schema.minimum === 'number') hint.push(`${schema.exclusiveMinimum ? 'more than' : 'at least'} ${schema.minimum}`);
    if (typeof schema.maximum === 'number') hint.push(`${schema.exclusiveMaximum ? 'less than' : 'at most'} ${schema.maximum}`);
    if (integer) hint.unshift('a whole number');
    if (hint.length) {
      const boundsId = uid('bounds');
      wrapper.insertBefore(h('p', { class: 'bounds', id: boundsId }, `Enter ${hint.join(', ')}.`), errorEl);
      control.setAttribute('aria-describedby', `${boundsId} ${control.getAttribute('aria-describedby')}`);
    }
    control.addEventListener('input', () => {
      if (control.validity.badInput) {
        errorEl.textContent = 'Enter a number.';
        errorEl.hidden = false;
        return;
      }
      setModel(path, control.value === '' ? undefined : Number(control.value));
    });
    const load = (v) => {
      control.value = typeof v === 'number' ? String(v) : '';
    };
    load(getAt(model, path));
    register(path, { wrapper, control, errorEl, load });
    return wrapper;
  }

  function stringField(schema, path, name, required) {
    const initial = getAt(model, path);
    const multiline = (typeof schema.default === 'string' && (schema.default.includes('\n') || schema.default.length > 100)) ||
      (typeof initial === 'string' && initial.includes('\n')) || isObject(schema.media);
    const control = multiline
      ? h('textarea', { rows: '4', spellcheck: 'false' })
      : h('input', { type: 'text', spellcheck: 'false', autocomplete: 'off' });
    if (typeof schema.pattern === 'string') control.dataset.pattern = schema.pattern;
    const { wrapper, errorEl } = fieldShell(schema, path, name, required, control);
    const keepEmpty = 'default' in schema || required;
    control.addEventListener('input', () => {
      setModel(path, control.value === '' && !keepEmpty ? undefined : control.value);
    });
    const load = (v) => {
      control.value = typeof v === 'string' ? v : (v === undefined || v === null ? '' : JSON.stringify(v));
    };
    load(initial);
    register(path, { wrapper, control, errorEl, load });
    return wrapper;
  }

  function jsonField(schema, path, name, required) {
    const control = h('textarea', { rows: '3', spellcheck: 'false', class: 'json-field' });
    const { wrapper, errorEl } = fieldShell(schema, path, name, required, control);
    wrapper.insertBefore(h('p', { class: 'bounds' }, 'A JSON value.'), errorEl);
    control.addEventListener('input', () => {
      const text = control.value.trim();
      if (text === '') {
        setModel(path, undefined);
        return;
      }
      try {
        const parsed = JSON.parse(text);
        errorEl.hidden = true;
        setModel(path, parsed);
      } catch {
        errorEl.textContent = 'Not valid JSON yet.';
        errorEl.hidden = false;
      }
    });
    const load = (v) => {
      control.value = v === undefined ? '' : JSON.stringify(v, null, 2);
    };
    load(getAt(model, path));
    register(path, { wrapper, control, errorEl, load });
    return wrapper;
  }

  function itemDefault(items) {
    if (!isObject(items)) return '';
    if ('default' in items) return clone(items.default);
    switch (typeOf(items)) {
      case 'string': return '';
      case 'integer':
      case 'number': return isObject(items) && typeof items.minimum === 'number' ? items.minimum : 0;
      case 'boolean': return false;
      case 'object': {
        const nested = {};
        for (const [k, p] of Object.entries(items.properties || {})) {
          if (isObject(p) && 'default' in p) nested[k] = clone(p.default);
        }
        return nested;
      }
      case 'array': return [];
      default: return null;
    }
  }

  function arrayField(schema, path, name, required, depth) {
    const items = isObject(schema.items) ? schema.items : null;
    const legendId = uid('legend');
    const helpId = uid('help');
    const errorEl = h('p', { class: 'field-error', id: uid('error'), hidden: true });
    const list = h('ol', { class: 'array-items' });
    const add = h('button', { type: 'button', class: 'secondary small' }, 'Add item');
    const wrapper = h('fieldset', { class: 'field field-array', 'aria-describedby': `${helpId} ${errorEl.id}` },
      h('legend', { id: legendId }, titleOf(schema, name),
        required ? h('span', { class: 'required', 'aria-hidden': 'true' }, ' *') : null,
        required ? h('span', { class: 'visually-hidden' }, ' (required)') : null),
      typeof schema.description === 'string' ? h('p', { class: 'help', id: helpId }, schema.description) : null,
      errorEl, list, add);

    const current = () => {
      const v = getAt(model, path);
      return Array.isArray(v) ? v : [];
    };
    function rebuild() {
      unregisterBelow(path);
      list.replaceChildren();
      current().forEach((item, index) => {
        const itemPath = [...path, index];
        const label = `${titleOf(schema, name)} item ${index + 1}`;
        let editor;
        if (items && (typeOf(items) === 'object' && isObject(items.properties))) {
          editor = objectSection(items, itemPath, label, false, depth + 1);
        } else if (items && ['string', 'integer', 'number', 'boolean'].includes(typeOf(items)) && !Array.isArray(items.enum)) {
          editor = build({ ...items, title: label, description: undefined }, itemPath, label, false, depth + 1);
        } else if (items && Array.isArray(items.enum)) {
          editor = enumField({ ...items, title: label, description: undefined }, itemPath, label, true);
        } else {
          editor = jsonField({ title: label }, itemPath, label, false);
        }
        const remove = h('button', { type: 'button', class: 'secondary small', 'aria-label': `Remove ${label}` }, 'Remove');
        remove.addEventListener('click', () => {
          const next = current().slice();
          next.splice(index, 1);
          setModel(path, next);
          rebuild();
          const buttons = list.querySelectorAll('button');
          (buttons[Math.min(index, buttons.length - 1)] || add).focus();
        });
        list.append(h('li', { class: 'array-item' }, editor, remove));
      });
    }
    add.addEventListener('click', () => {
      const next = current().slice();
      next.push(itemDefault(items));
      setModel(path, next);
      rebuild();
      const inputs = list.lastElementChild && list.lastElementChild.querySelector('input, select, textarea');
      if (inputs) inputs.focus();
    });
    rebuild();
    register(path, { wrapper, control: add, errorEl, load: rebuild });
    return wrapper;
  }

  function objectSection(schema, path, name, required, depth) {
    const properties = isObject(schema.properties) ? schema.properties : {};
    const needed = requiredSet(schema);
    const errorEl = h('p', { class: 'field-error', id: uid('error'), hidden: true });
    const headingLevel = Math.min(6, 2 + depth);
    const section = h('fieldset', { class: `section depth-${Math.min(depth, 4)}` },
      h('legend', {}, h('span', { class: `section-title level-${headingLevel}` }, titleOf(schema, name)),
        required ? h('span', { class: 'required', 'aria-hidden': 'true' }, ' *') : null),
      typeof schema.description === 'string' && schema.description
        ? h('p', { class: 'help' }, schema.description) : null,
      errorEl);
    for (const [child, childSchema] of Object.entries(properties)) {
      section.append(build(childSchema, [...path, child], child, needed.has(child), depth + 1));
    }
    register(path, { wrapper: section, control: section.querySelector('input, select, textarea, button') || section, errorEl, load: () => {} });
    return section;
  }

  function build(schema, path, name, required, depth) {
    const s = isObject(schema) ? schema : {};
    const kind = typeOf(s);
    if (Array.isArray(s.enum) && kind !== 'object' && kind !== 'array') return enumField(s, path, name, required);
    switch (kind) {
      case 'object':
        return isObject(s.properties) ? objectSection(s, path, name, required, depth) : jsonField(s, path, name, required);
      case 'boolean': return checkboxField(s, path, name, required);
      case 'integer': return numberField(s, path, name, required, true);
      case 'number': return numberField(s, path, name, required, false);
      case 'string': return stringField(s, path, name, required);
      case 'array': return arrayField(s, path, name, required, depth);
      default: return jsonField(s, path, name, required);
    }
  }

  // The top level: each property is a section, listed in an index for long schemas.
  const rootSchema = isObject(schema) ? schema : {};
  const topProperties = isObject(rootSchema.properties) ? rootSchema.properties : {};
  const topRequired = requiredSet(rootSchema);
  const index = h('ul', { class: 'section-index' });
  const sections = h('div', { class: 'sections' });
  for (const [name, property] of Object.entries(topProperties)) {
    const el = build(property, [name], name, topRequired.has(name), 0);
    const anchor = uid('section');
    el.id = anchor;
    sections.append(el);
    index.append(h('li', {}, h('a', { href: `#${anchor}` }, titleOf(property, name))));
  }
  if (Object.keys(topProperties).length === 0) {
    sections.append(h('p', { class: 'muted' }, 'This package has no options in its schema; use the JSON editor for free-form options.'));
  }
  const rootError = h('p', { class: 'field-error', hidden: true });
  fields.set('', { wrapper: formRoot, control: sections, errorEl: rootError, load: () => {} });
  append(formRoot, [summary, Object.keys(topProperties).length > 3
    ? h('nav', { class: 'section-nav', 'aria-label': 'Option sections' }, index) : null, rootError, sections]);
  // Section links scroll inside the page without changing the route.
  index.addEventListener('click', (event) => {
    const link = event.target.closest('a');
    if (!link) return;
    event.preventDefault();
    const target = document.getElementById(link.getAttribute('href').slice(1));
    if (target) {
      target.scrollIntoView({ block: 'start' });
      const first = target.querySelector('input, select, textarea');
      if (first) first.focus({ preventScroll: true });
    }
  });

  // --- the JSON editor ---
  jsonArea.value = JSON.stringify(model, null, 2);
  const applyJson = debounce(() => {
    let parsed;
    try {
      parsed = JSON.parse(jsonArea.value);
    } catch (error) {
      jsonError.textContent = `Not valid JSON: ${error.message}`;
      jsonError.hidden = false;
      jsonArea.setAttribute('aria-invalid', 'true');
      return;
    }
    if (!isObject(parsed)) {
      jsonError.textContent = 'The options must be a JSON object ({ … }).';
      jsonError.hidden = false;
      jsonArea.setAttribute('aria-invalid', 'true');
      return;
    }
    jsonError.hidden = true;
    jsonArea.removeAttribute('aria-invalid');
    model = parsed;
    loadAll();
    onChange(clone(model));
  }, 250);
  jsonArea.addEventListener('input', applyJson);
  jsonArea.addEventListener('blur', () => applyJson.flush());

  function loadAll() {
    // Arrays rebuild their items (which registers new fields), so load containers first.
    const entries = [...fields.entries()].sort((a, b) => a[0].length - b[0].length);
    for (const [ptr, field] of entries) {
      if (!fields.has(ptr)) continue;
      field.load(getAt(model, segments(ptr)));
    }
  }

  // --- files ---
  const fileId = uid('options-file');
  const fileInput = h('input', { type: 'file', id: fileId, accept: '.json,application/json', class: 'visually-hidden-file' });
  fileInput.addEventListener('change', async () => {
    const file = fileInput.files && fileInput.files[0];
    if (!file) return;
    let parsed;
    try {
      parsed = JSON.parse(await file.text());
    } catch {
      toast(`${file.name} is not JSON.`, 'error');
      fileInput.value = '';
      return;
    }
    fileInput.value = '';
    if (!isObject(parsed)) {
      toast(`${file.name} does not hold a JSON object of options.`, 'error');
      return;
    }
    model = merge(defaults || {}, parsed);
    loadAll();
    emit();
    toast(`Loaded the options of ${file.name}.`);
  });
  const downloadButton = h('button', { type: 'button', class: 'secondary' }, 'Download options');
  downloadButton.addEventListener('click', () => {
    download(`${fileName}-options.json`, `${JSON.stringify(model, null, 2)}\n`);
  });

  const element = h('div', { class: 'options-editor' },
    h('div', { class: 'options-toolbar' },
      downloadButton,
      h('label', { for: fileId, class: 'button secondary file-button' }, 'Load options file…'),
      fileInput),
    h('div', { class: 'options-panes' },
      formRoot,
      h('div', { class: 'options-json' },
        h('label', { for: jsonId }, 'Options as JSON'),
        h('p', { class: 'help', id: jsonHelpId }, 'The same options as the form; edit either one.'),
        jsonArea, jsonError)));

  function clearErrors() {
    summary.hidden = true;
    summary.replaceChildren();
    for (const field of fields.values()) {
      field.errorEl.hidden = true;
      field.errorEl.textContent = '';
      field.wrapper.classList.remove('has-error');
      if (field.control && field.control.removeAttribute) field.control.removeAttribute('aria-invalid');
    }
  }

  function fieldFor(path) {
    for (let n = path.length; n >= 0; n -= 1) {
      const ptr = pointer(path.slice(0, n));
      if (fields.has(ptr)) return { ptr, field: fields.get(ptr), exact: n === path.length };
    }
    return null;
  }

  /** Shows each error at its field; returns how many were shown. */
  function showErrors(errors) {
    clearErrors();
    const messages = new Map(); // ptr -> [text]
    for (const error of errors || []) {
      const at = segments(error && error.instance && error.instance.pointer);
      const targets = error && error.keyword === 'required' && Array.isArray(error.missing)
        ? error.missing.map((m) => ({ path: [...at, m], missing: m }))
        : [{ path: at, missing: null }];
      for (const target of targets) {
        const found = fieldFor(target.path);
        if (!found) continue;
        let text = errorMessage(error, found.exact ? target.missing : null);
        if (!found.exact && target.missing === null && target.path.length > segments(found.ptr).length) {
          text = `${pointer(target.path)}: ${text}`;
        }
        if (!messages.has(found.ptr)) messages.set(found.ptr, []);
        if (!messages.get(found.ptr).includes(text)) messages.get(found.ptr).push(text);
      }
    }
    const links = [];
    for (const [ptr, texts] of messages) {
      const field = fields.get(ptr);
      field.errorEl.textContent = texts.join(' ');
      field.errorEl.hidden = false;
      field.wrapper.classList.add('has-error');
      if (field.control && field.control.setAttribute) field.control.setAttribute('aria-invalid', 'true');
      const label = ptr || 'options';
      const link = h('a', { href: '#' }, `${label}: ${texts.join(' ')}`);
      link.addEventListener('click', (event) => {
        event.preventDefault();
        field.wrapper.scrollIntoView({ block: 'center' });
        if (field.control && typeof field.control.focus === 'function') field.control.focus({ preventScroll: true });
      });
      links.push(h('li', {}, link));
    }
    if (links.length) {
      summary.replaceChildren(
        h('p', { class: 'message-title' }, links.length === 1 ? 'One option needs attention:' : `${links.length} options need attention:`),
        h('ul', {}, links));
      summary.hidden = false;
    }
    return messages.size;
  }

  return {
    element,
    value: () => clone(model),
    setValue(next) {
      model = isObject(next) ? clone(next) : {};
      jsonArea.value = JSON.stringify(model, null, 2);
      loadAll();
    },
    showErrors,
    clearErrors,
  };
}
