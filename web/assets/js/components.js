// Pieces shared by the views: error boxes, confirmations, badges, the page heading.
import { explain } from './api.js';
import { h, uid } from './dom.js';

/** Opens the token dialog (installed by app.js). */
export function openTokenDialog() {
  document.dispatchEvent(new CustomEvent('open-token-dialog'));
}

/**
 * A message box for a failed call, read out by screen readers. 401 answers offer the token
 * dialog; retry, when given, adds a "Try again" button.
 */
export function errorBox(error, { retry } = {}) {
  const { title, detail } = explain(error);
  const box = h('div', { class: 'message message-error', role: 'alert' },
    h('p', { class: 'message-title' }, title),
    detail ? h('p', {}, detail) : null);
  const actions = [];
  if (error && error.status === 401) {
    actions.push(h('button', { type: 'button', onclick: openTokenDialog }, 'Set token'));
  }
  if (retry) actions.push(h('button', { type: 'button', onclick: retry }, 'Try again'));
  if (actions.length) box.append(h('p', { class: 'actions' }, actions));
  return box;
}

/** A success or information box. */
export function messageBox(kind, title, ...body) {
  return h('div', { class: `message message-${kind}`, role: kind === 'error' ? 'alert' : 'status' },
    h('p', { class: 'message-title' }, title), body);
}

/** The page's h1; focused after navigation so keyboard and screen reader users start there. */
export function pageTitle(text, ...extra) {
  document.title = `${text} · Package catalog`;
  return h('h1', { tabindex: '-1', class: 'page-title' }, text, extra);
}

/** A small label such as "Certified". */
export function badge(text, kind = '') {
  return h('span', { class: `badge ${kind ? `badge-${kind}` : ''}` }, text);
}

/**
 * Asks for confirmation in a modal dialog. Resolves true when confirmed. danger: the confirm
 * button is styled as destructive and Cancel has the initial focus.
 */
export function confirmDialog({ title, body = [], confirmLabel = 'Confirm', danger = false }) {
  return new Promise((resolve) => {
    const titleId = uid('dialog-title');
    const opener = document.activeElement;
    const cancel = h('button', { type: 'button', class: 'secondary', value: 'cancel' }, 'Cancel');
    const confirm = h('button', { type: 'button', class: danger ? 'danger' : 'primary', value: 'confirm' },
      confirmLabel);
    const dialog = h('dialog', { class: 'dialog', 'aria-labelledby': titleId },
      h('h2', { id: titleId }, title),
      h('div', { class: 'dialog-body' }, body),
      h('p', { class: 'dialog-actions' }, cancel, confirm));
    const finish = (value) => {
      if (dialog.open) dialog.close();
      dialog.remove();
      if (opener && opener.isConnected && typeof opener.focus === 'function') opener.focus();
      resolve(value);
    };
    cancel.addEventListener('click', () => finish(false));
    confirm.addEventListener('click', () => finish(true));
    dialog.addEventListener('cancel', (event) => {
      event.preventDefault();
      finish(false);
    });
    document.body.append(dialog);
    dialog.showModal();
    (danger ? cancel : confirm).focus();
  });
}

/** A busy indicator for a region that is loading. */
export function loading(text = 'Loading…') {
  return h('p', { class: 'loading', role: 'status' }, text);
}

/** Definition list rows from [term, value] pairs; rows whose value is empty are left out. */
export function facts(rows) {
  const dl = h('dl', { class: 'facts' });
  for (const [term, value] of rows) {
    if (value === null || value === undefined || value === '' ||
        (Array.isArray(value) && value.length === 0)) continue;
    dl.append(h('dt', {}, term), h('dd', {}, value));
  }
  return dl;
}
