// The live grid: one tile per connected session, updated from the server's Server-Sent Events feed
// (the server pushes changes; the page never polls). EventSource reconnects by itself.
import { label, el } from '../shared/format.js';

export class LiveGrid {
  constructor({ grid, count, status, onSessionsChanged, onTiles = () => {} }) {
    this.grid = grid;
    this.onTiles = onTiles;
    this.count = count;
    this.status = status;
    this.onSessionsChanged = onSessionsChanged;
    this.known = '';
  }

  start() {
    this.source = new EventSource('/api/live/feed');
    this.source.addEventListener('open', () => { this.status.textContent = 'Live feed connected.'; });
    this.source.addEventListener('error', () => { this.status.textContent = 'Live feed interrupted; reconnecting…'; });
    this.source.addEventListener('sessions', (event) => this.render(JSON.parse(event.data).sessions));
  }

  render(sessions) {
    this.count.textContent = `(${sessions.length})`;
    this.status.textContent = sessions.length ? `Live feed connected. Updated ${new Date().toLocaleTimeString()}.` : 'Live feed connected. No one is taking an exam right now.';
    this.grid.replaceChildren(...sessions.map((session) => {
      const who = session.candidate_id || session.session_id;
      const picture = session.snapshot_url
        ? el('img', { src: session.snapshot_url, alt: `Latest webcam snapshot of ${who}` })
        : el('div', { class: 'no-snapshot' }, 'No picture yet');
      return el('article', { class: `tile level-${session.alert_level}`, dataset: { sessionId: session.session_id } },
        picture,
        el('div', { class: 'body' },
          el('strong', {}, el('a', { href: `/admin/sessions/${encodeURIComponent(session.server_session_id)}` }, who)),
          session.exam_id ? el('span', { class: 'muted' }, ` · ${session.exam_id}`) : null,
          el('div', {}, el('span', { class: `level level-${session.alert_level}` }, session.alert_level), ` risk ${Math.round(session.risk_score)} · ${session.fps} fps`),
          el('div', { class: 'small' }, session.last_violation ? `Last: ${label(session.last_violation)} at ${new Date(session.last_violation_at).toLocaleTimeString()}` : 'No findings yet')));
    }));
    this.onTiles(sessions);
    const ids = sessions.map((session) => session.session_id).sort().join(',');
    if (ids !== this.known) {
      this.known = ids;
      this.onSessionsChanged();
    }
  }
}
