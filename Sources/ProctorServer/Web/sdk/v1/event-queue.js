// Client events that lose nothing: each is saved in IndexedDB first, sent over the live WebSocket,
// and forgotten only when the server acknowledges it (or refuses it for good). After a reconnect or a
// reload the waiting ones go again; the server keeps each event id once, so a resend changes nothing.
// While the socket is down for long, they go over HTTP; as the page closes, by beacon.
import { openDatabase, transaction } from './idb.js';

const DB_NAME = 'proctor-client-events';
const STORE = 'events';
/** Waiting longer than this without a socket: send over HTTP. */
const HTTP_AFTER_MS = 10000;

export class EventQueue {
  constructor({ session, onNotice, onChange }) {
    this.session = session;
    this.onNotice = onNotice;
    this.onChange = onChange;
    this.socket = null;
    this.sent = 0;
    this.acknowledged = 0;
  }

  async open() {
    this.db = await openDatabase(DB_NAME, STORE, 'key');
    this.timer = setInterval(() => this.flushOverHTTP(), HTTP_AFTER_MS / 2);
  }

  item(event) {
    const id = `${event.event}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 10)}`;
    return { key: `${this.session.id}:${id}`, sessionId: this.session.id, savedAt: Date.now(), event: { id, ...event } };
  }

  /** Records an event: `{event, at, duration_ms?, details?}`; an id is added. */
  async add(event) {
    const item = this.item(event);
    await transaction(this.db, STORE, 'readwrite', (store) => store.put(item));
    this.changed();
    this.sendOne(item.event);
  }

  /** The socket is open (again): everything waiting goes now. */
  async attach(socketSend) {
    this.socket = socketSend;
    for (const item of await this.waiting()) this.sendOne(item.event);
  }

  detach() { this.socket = null; }

  sendOne(event) {
    if (!this.socket) return;
    try {
      this.socket({ type: 'client_event', ...event });
      this.sent += 1;
    } catch { /* the socket closed meanwhile: the event waits for the next one */ }
  }

  /** A server message about an event: an acknowledgement, or a refusal with its id. */
  async handle(message) {
    if (message.type === 'client_event_ack') {
      await this.forget(message.id);
      this.acknowledged += 1;
      if (message.notice) this.onNotice(message.notice);
    } else if (message.type === 'error' && message.id && message.code !== 'rate_limited' && message.code !== 'internal_error') {
      // Refused for good (invalid): resending cannot help.
      await this.forget(message.id);
    }
  }

  async forget(id) {
    await transaction(this.db, STORE, 'readwrite', (store) => store.delete(`${this.session.id}:${id}`));
    this.changed();
  }

  async waiting() {
    const items = await transaction(this.db, STORE, 'readonly', (store) => store.getAll());
    return items.filter((item) => item.sessionId === this.session.id).sort((a, b) => a.savedAt - b.savedAt);
  }

  async flushOverHTTP() {
    if (this.socket || !navigator.onLine) return;
    const old = (await this.waiting()).filter((item) => Date.now() - item.savedAt > HTTP_AFTER_MS).slice(0, 100);
    if (!old.length) return;
    try {
      const { results } = await this.session.sendEvents(old.map((item) => item.event));
      for (const result of results) {
        if (result.status !== 'refused' || result.error?.code === 'invalid_field') await this.forget(result.id);
        if (result.notice) this.onNotice(result.notice);
      }
    } catch { /* retried on the next tick */ }
  }

  /** The page is closing: the event goes by beacon, and is saved too (same id) in case the beacon is lost. */
  beacon(event) {
    const item = this.item(event);
    transaction(this.db, STORE, 'readwrite', (store) => store.put(item)).catch(() => {});
    this.session.beaconEvents([item.event]);
  }

  async changed() {
    this.onChange?.({ waiting: (await this.waiting()).length, acknowledged: this.acknowledged });
  }

  close() { clearInterval(this.timer); }
}
