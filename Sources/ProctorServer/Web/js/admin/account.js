// The logged-in staff member: who they are (GET /api/auth/me), the header's name and logout, and a
// redirect to the login page when the session has expired.
import { request, getJSON } from '../shared/api.js';
import { el } from '../shared/format.js';

export function toLogin() {
  window.location.assign(`/login?next=${encodeURIComponent(window.location.pathname + window.location.search)}`);
}

/** Loads the account and fills the header; returns null (after redirecting) when not logged in. */
export async function currentAccount() {
  try {
    const me = await getJSON('/api/auth/me');
    const slot = document.getElementById('who');
    if (slot) {
      slot.replaceChildren(`${me.username} (${me.role}) `, el('button', { type: 'button', class: 'secondary small', onclick: logout }, 'Log out'));
    }
    return me;
  } catch (error) {
    if (error.status === 401) toLogin();
    throw error;
  }
}

async function logout() {
  try { await request('POST', '/api/auth/logout'); } finally { window.location.assign('/login'); }
}
