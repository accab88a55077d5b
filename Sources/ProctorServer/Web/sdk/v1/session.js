// The candidate's session on a Proctor server: its id and invitation token, and the candidate-side
// API calls. The server may be another origin than the exam page (the SDK on an LMS page).
import { request, getJSON } from './api.js';

export class CandidateSession {
  /** @param server the Proctor server's origin, e.g. `https://proctor.example.edu` */
  constructor(server, id, token) {
    this.server = server.replace(/\/$/, '');
    this.id = id;
    this.token = token;
  }

  /** The session of the standalone page `/exam/{id}?token=…` (or `#token=…`), keeping the token out of history. */
  static fromLocation(location = window.location) {
    const id = decodeURIComponent(location.pathname.split('/').filter(Boolean).pop() || '');
    const params = new URLSearchParams(location.search);
    const hash = new URLSearchParams(location.hash.replace(/^#/, ''));
    const key = `proctor-token:${id}`;
    const token = params.get('token') || hash.get('token') || sessionStorage.getItem(key);
    if (token) sessionStorage.setItem(key, token);
    if (params.has('token') || hash.has('token')) {
      params.delete('token');
      const rest = params.toString();
      history.replaceState(null, '', location.pathname + (rest ? `?${rest}` : ''));
    }
    return new CandidateSession(location.origin, id, token);
  }

  get base() { return `${this.server}/api/sessions/${encodeURIComponent(this.id)}`; }

  info() { return getJSON(`${this.base}/candidate`, { token: this.token }); }

  consent(items, noticeVersion) {
    return request('POST', `${this.base}/consent`, { token: this.token, json: { items, notice_version: noticeVersion } });
  }

  enrol(photo) {
    return request('POST', `${this.base}/reference`, { token: this.token, body: photo, headers: { 'Content-Type': 'image/jpeg' } });
  }

  /** The optional gaze calibration: `targets` = [{target, frames: [base64 JPEG…]}]; the server measures them. */
  calibrate(targets) {
    return request('POST', `${this.base}/calibration`, { token: this.token, json: { targets } });
  }

  chunks() { return getJSON(`${this.base}/chunks`, { token: this.token }); }

  end(lastIndex) {
    return request('POST', `${this.base}/end`, { token: this.token, json: lastIndex == null ? {} : { last_index: lastIndex } });
  }

  /** Client events over HTTP, when the live connection is down. */
  sendEvents(events) {
    return request('POST', `${this.base}/client-events`, { token: this.token, json: { events } });
  }

  /** Client events as the page closes: a beacon cannot set headers, so the token rides in the body. */
  beaconEvents(events) {
    const body = new Blob([JSON.stringify({ token: this.token, events })], { type: 'text/plain' });
    return navigator.sendBeacon?.(`${this.base}/client-events`, body) ?? false;
  }

  /**
   * The live socket's URL with a fresh single-use ticket (valid for seconds, one connection): the
   * invitation token goes in the Authorization header, never in a URL that proxies and history record.
   */
  async liveURL() {
    const { ticket } = await request('POST', `${this.server}/api/live/ticket`, { token: this.token });
    const url = new URL(`/ws/${encodeURIComponent(this.id)}`, this.server);
    url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
    url.searchParams.set('ticket', ticket);
    return url.toString();
  }
}
