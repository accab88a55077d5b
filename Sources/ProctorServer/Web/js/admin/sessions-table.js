// The sessions table: ranked by the server (unreviewed first, then priority), filtered and searched.
import { getJSON } from '../shared/api.js';
import { clock, dateTime, label, el } from '../shared/format.js';
import { toLogin } from './account.js';

/** The table's words for a session's state (the server's `state`, ProctorCore `SessionState`). */
export const stateLabels = {
  invited: 'Invited (not opened)',
  waiting: 'Waiting to start',
  live: 'Live',
  ended: 'Ended',
  processing: 'Processing video',
  finalized: 'Finalized',
};

function findingChips(counts) {
  const findings = Object.entries(counts || {}).filter(([, n]) => n > 0);
  return findings.length ? findings.map(([type, n]) => el('span', { title: label(type) }, `${label(type)} ×${n}`)) : [el('span', {}, 'none')];
}

export class SessionsTable {
  constructor({ table, caption, form, onError }) {
    this.body = table.querySelector('tbody');
    /** The live feed's latest tiles, applied to the rows after every render. */
    this.tiles = [];
    // Live rows count their duration on from the feed's `connected_at`, each second, without a reload.
    setInterval(() => this.tick(), 1000);
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
      const state = session.state || (session.live ? 'live' : session.finalized ? 'finalized' : null);
      const status = stateLabels[state] || (session.active ? 'Active' : session.status);
      return el('tr', { dataset: { sessionId: session.id, state: state || session.status } },
        el('td', {}, String(Math.round(session.priority))),
        el('td', {}, el('a', { href }, session.candidate_id || session.session_id)),
        el('td', {}, session.exam_id || '–'),
        el('td', { class: 'state' }, status),
        el('td', {}, dateTime(session.started_at)),
        el('td', { class: 'duration' }, clock(session.duration)),
        el('td', {}, el('span', { class: `level level-${session.alert_level}` }, session.alert_level)),
        el('td', { class: 'chips findings' }, findingChips(session.event_counts)),
        el('td', {}, session.reviewed ? '✓ Reviewed' : 'Not yet', session.accommodated ? el('div', { class: 'small muted' }, 'accommodations') : null));
    }));
    if (sessions.length === 0) this.body.append(el('tr', {}, el('td', { colspan: 9, class: 'muted' }, 'No sessions match.')));
    this.applyLive(this.tiles);
  }

  /** The live feed's tiles: each connected session's row says Live, with its findings so far and its duration. */
  applyLive(tiles) {
    this.tiles = tiles;
    for (const tile of tiles) {
      const row = this.body.querySelector(`tr[data-session-id="${CSS.escape(tile.server_session_id)}"]`);
      if (!row) continue;
      row.dataset.state = 'live';
      row.dataset.connectedAt = tile.connected_at;
      row.querySelector('td.state').textContent = stateLabels.live;
      if (tile.finding_counts) {
        const cell = row.querySelector('td.findings');
        const text = JSON.stringify(tile.finding_counts);
        if (cell.dataset.counts !== text) {
          cell.dataset.counts = text;
          cell.replaceChildren(...findingChips(tile.finding_counts));
        }
      }
    }
    this.tick();
  }

  tick() {
    for (const row of this.body.querySelectorAll('tr[data-connected-at]')) {
      if (row.dataset.state !== 'live') continue;
      const seconds = (Date.now() - Date.parse(row.dataset.connectedAt)) / 1000;
      row.querySelector('td.duration').textContent = clock(Math.max(0, seconds));
    }
  }
}
