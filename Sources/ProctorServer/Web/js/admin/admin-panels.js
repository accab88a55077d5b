// Admin-only panels: staff accounts, accommodation profiles, and the audit log.
import { request, getJSON } from '../shared/api.js';
import { dateTime, label, el } from '../shared/format.js';

const $ = (id) => document.getElementById(id);

export function startAdminPanels(permissions) {
  if (permissions.includes('manage_users')) startUsers();
  if (permissions.includes('manage_accommodations')) startAccommodations();
  if (permissions.includes('read_audit')) loadAudit();
}

async function startUsers() {
  $('users-panel').classList.remove('hidden');
  const load = async () => {
    const { users } = await getJSON('/api/users');
    $('users').querySelector('tbody').replaceChildren(...users.map((user) => el('tr', {},
      el('td', {}, user.username), el('td', {}, user.role), el('td', {}, user.disabled ? 'Disabled' : 'Active'),
      el('td', {}, el('button', { type: 'button', class: 'secondary', onclick: () => toggle(user) }, user.disabled ? 'Enable' : 'Disable')))));
  };
  const toggle = async (user) => {
    try {
      await request('PATCH', `/api/users/${encodeURIComponent(user.id)}`, { json: { disabled: !user.disabled } });
      $('users-status').textContent = `${user.username} ${user.disabled ? 'enabled' : 'disabled'}.`;
      load();
    } catch (error) {
      $('users-status').textContent = error.message;
    }
  };
  $('new-user').addEventListener('submit', async (event) => {
    event.preventDefault();
    try {
      await request('POST', '/api/users', { json: { username: $('user-name').value.trim(), password: $('user-password').value, role: $('user-role').value } });
      $('users-status').textContent = `Account ${$('user-name').value.trim()} created.`;
      event.target.reset();
      load();
    } catch (error) {
      $('users-status').textContent = `Not created: ${error.message}`;
    }
  });
  load();
}

async function startAccommodations() {
  $('accommodations-panel').classList.remove('hidden');
  let profiles = [];
  const load = async () => {
    profiles = (await getJSON('/api/accommodations')).accommodations;
    $('accommodations').querySelector('tbody').replaceChildren(...profiles.map((profile) => el('tr', {},
      el('td', {}, profile.candidate_id), el('td', {}, profile.exam_id || 'all exams'),
      el('td', {}, Object.entries(profile.scales).map(([kind, scale]) => `${label(kind)}: ${scale === 0 ? 'off' : `×${scale}`}`).join(', ')),
      el('td', {}, profile.note))));
  };
  $('new-accommodation').addEventListener('submit', async (event) => {
    event.preventDefault();
    const candidate = $('acc-candidate').value.trim();
    const exam = $('acc-exam').value.trim() || null;
    const existing = profiles.find((profile) => profile.candidate_id === candidate && (profile.exam_id || null) === exam);
    const scales = { ...(existing?.scales || {}) };
    const scale = Number($('acc-scale').value);
    if (scale === 1) delete scales[$('acc-kind').value]; else scales[$('acc-kind').value] = scale;
    try {
      await request('PUT', '/api/accommodations', { json: { candidate_id: candidate, exam_id: exam, scales, note: $('acc-note').value } });
      $('acc-status').textContent = `Saved for ${candidate}.`;
      load();
    } catch (error) {
      $('acc-status').textContent = `Not saved: ${error.message}`;
    }
  });
  load();
}

async function loadAudit() {
  $('audit-panel').classList.remove('hidden');
  const { entries } = await getJSON('/api/audit?limit=50');
  $('audit').querySelector('tbody').replaceChildren(...entries.map((entry) => el('tr', {},
    el('td', {}, dateTime(entry.at)), el('td', {}, `${entry.actor} (${entry.role})`), el('td', {}, entry.action.replaceAll('_', ' ')),
    el('td', { class: 'small' }, entry.target), el('td', { class: 'small' }, entry.ip))));
}
