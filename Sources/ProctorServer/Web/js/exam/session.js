// The candidate's session: its id from the URL, its token (from the invitation link, then kept in
// sessionStorage and removed from the address bar), and the candidate-side API calls.
import { request, getJSON } from '../shared/api.js';

export class CandidateSession {
  constructor(id, token) {
    this.id = id;
    this.token = token;
  }

  /** Reads the session from `/exam/{id}?token=…` (or `#token=…`), keeping the token out of history. */
  static fromLocation(location = window.location) {
    const id = decodeURIComponent(location.pathname.split('/').filter(Boolean).pop() || '');
    const params = new URLSearchParams(location.search);
    const hash = new URLSearchParams(location.hash.replace(/^#/, ''));
    const key = `proctor-token:${id}`;
    const token = params.get('token') || hash.get('token') || sessionStorage.getItem(key);
    if (token) sessionStorage.setItem(key, token);
    if (params.has('token') || hash.has('token')) history.replaceState(null, '', location.pathname);
    return new CandidateSession(id, token);
  }

  get base() { return `/api/sessions/${encodeURIComponent(this.id)}`; }

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

  liveURL() {
    const scheme = window.location.protocol === 'https:' ? 'wss' : 'ws';
    return `${scheme}://${window.location.host}/ws/${encodeURIComponent(this.id)}?token=${encodeURIComponent(this.token || '')}`;
  }
}
