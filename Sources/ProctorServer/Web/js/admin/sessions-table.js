// The sessions table: ranked by the server (unreviewed first, then priority), filtered and searched.
import { getJSON } from '../shared/api.js';
import { clock, dateTime, label, el } from '../shared/format.js';
import { toLogin } from './account.js';

export class SessionsTable {
  constructor({ table, caption, form, onError }) {
    this.body = table.querySelector('tbody');
    this.caption = caption;
    this.form = form;
    this.onError = onError;
    let debounce;
    form.addEventListener('input', () => { clearTimeout(debounce); debounce = setTimeout(() => this.load(), 250); });
    form.addEventListener('submit', (event) => { event.preventDefault(); this.load(); });
  }

  query() {
    const params = new URLSearchParams();
    params.set('status', this.form.querySelector('#filter-status').value);
    const reviewed = this.form.querySelector('#filter-reviewed').value;
    if (reviewed) params.set('reviewed', reviewed);
    const search = this.form.querySelector('#filter-search').value.trim();
    if (search) params.set('q', search);
    return params;
  }

  async load() {
    try {
      const data = await getJSON(`/api/dashboard/sessions?${this.query()}`);
      this.render(data.sessions);
    } catch (error) {
      if (error.status === 401) { toLogin(); return; }
      this.onError(`Sessions could not be loaded: ${error.message}`);
    }
  }

  render(sessions) {
    this.caption.textContent = `${sessions.length} session${sessions.length === 1 ? '' : 's'}`;
    this.body.replaceChildren(...sessions.map((session) => {
      const href = `/admin/sessions/${encodeURIComponent(session.id)}`;
      const findings = Object.entries(session.event_counts || {}).filter(([, n]) => n > 0);
      const status = session.live ? 'Live' : session.active ? 'Active' : session.finalized ? 'Completed' : session.status;
      return el('tr', { dataset: { sessionId: session.id } },
        el('td', {}, String(Math.round(session.priority))),
        el('td', {}, el('a', { href }, session.candidate_id || session.session_id)),
        el('td', {}, session.exam_id || '–'),
        el('td', {}, status),
        el('td', {}, dateTime(session.started_at)),
        el('td', {}, clock(session.duration)),
        el('td', {}, el('span', { class: `level level-${session.alert_level}` }, session.alert_level)),
        el('td', { class: 'chips' }, findings.length ? findings.map(([type, n]) => el('span', { title: label(type) }, `${label(type)} ×${n}`)) : el('span', {}, 'none')),
        el('td', {}, session.reviewed ? '✓ Reviewed' : 'Not yet', session.accommodated ? el('div', { class: 'small muted' }, 'accommodations') : null));
    }));
    if (sessions.length === 0) this.body.append(el('tr', {}, el('td', { colspan: 9, class: 'muted' }, 'No sessions match.')));
  }
}
