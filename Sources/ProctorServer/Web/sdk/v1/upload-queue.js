// Uploads video pieces reliably. Every piece is first saved in IndexedDB, then uploaded with its
// SHA-256; a piece leaves IndexedDB only when the server has it. Failures retry with backoff
// (1 s doubling to 30 s); while offline, pieces wait and go out when the browser is back online.
// After a reload, `resume` asks the server which pieces it already has.

import { openDatabase as open, transaction as run } from './idb.js';

const DB_NAME = 'proctor-uploads';
const STORE = 'chunks';
const openDatabase = () => open(DB_NAME, STORE, ['sessionId', 'index']);
const transaction = (db, mode, work) => run(db, STORE, mode, work);

async function sha256(blob) {
  const digest = await crypto.subtle.digest('SHA-256', await blob.arrayBuffer());
  return Array.from(new Uint8Array(digest), (byte) => byte.toString(16).padStart(2, '0')).join('');
}

export class UploadQueue {
  constructor({ session, onChange }) {
    this.session = session;
    this.onChange = onChange;
    this.uploaded = new Map();
    this.pending = 0;
    this.failures = 0;
    this.pumping = false;
    this.lastError = null;
    window.addEventListener('online', () => this.pump());
  }

  async open() {
    this.db = await openDatabase();
  }

  /** The next index this browser handed out for the session (kept across reloads, for offline starts). */
  get nextKey() { return `proctor-next-chunk:${this.session.id}`; }

  /**
   * Drops local pieces the server already has; returns the next index to record. Offline, the
   * server cannot be asked: the pieces still waiting here and the index this browser last handed
   * out decide, so a piece is never recorded twice under one index. `resumeError` says why.
   */
  async resume() {
    this.resumeError = null;
    try {
      const server = await this.session.chunks();
      for (const chunk of server.chunks) this.uploaded.set(chunk.index, chunk.size);
    } catch (error) {
      this.resumeError = error;
    }
    const local = await this.all();
    for (const item of local) {
      if (this.uploaded.has(item.index)) await transaction(this.db, 'readwrite', (store) => store.delete([item.sessionId, item.index]));
    }
    const indices = [...this.uploaded.keys(), ...local.map((item) => item.index)];
    const remembered = Number(localStorage.getItem(this.nextKey) || 0);
    this.pending = (await this.all()).length;
    this.changed();
    this.pump();
    return Math.max(indices.length ? Math.max(...indices) + 1 : 0, remembered);
  }

  async all() {
    const items = await transaction(this.db, 'readonly', (store) => store.getAll());
    return items.filter((item) => item.sessionId === this.session.id).sort((a, b) => a.index - b.index);
  }

  async add({ index, blob, startedAt }) {
    localStorage.setItem(this.nextKey, String(Math.max(index + 1, Number(localStorage.getItem(this.nextKey) || 0))));
    const item = { sessionId: this.session.id, index, blob, startedAt, sha256: await sha256(blob), size: blob.size };
    await transaction(this.db, 'readwrite', (store) => store.put(item));
    this.pending += 1;
    this.changed();
    this.pump();
  }

  async pump() {
    if (this.pumping) return;
    this.pumping = true;
    try {
      for (;;) {
        const [item] = await this.all();
        if (!item) break;
        if (!(await this.upload(item))) {
          // Backoff before the next try; going online or a new piece also triggers a pump.
          const delay = Math.min(30000, 1000 * 2 ** Math.min(this.failures, 5));
          this.retryAt = Date.now() + delay;
          this.changed();
          setTimeout(() => this.pump(), delay);
          break;
        }
      }
    } finally {
      this.pumping = false;
    }
  }

  async upload(item) {
    try {
      const response = await fetch(`${this.session.base}/chunks/${item.index}`, {
        method: 'PUT',
        body: item.blob,
        headers: {
          Authorization: `Bearer ${this.session.token}`,
          'Content-Type': 'video/webm',
          'X-Chunk-SHA256': item.sha256,
          'X-Chunk-Started-At': String(item.startedAt),
        },
      });
      if (response.ok || response.status === 409) {
        // 409: the server has a different piece under this index (it never overwrites); keep going.
        if (response.status === 409) this.lastError = `piece ${item.index} conflicts with the server's copy`;
        await transaction(this.db, 'readwrite', (store) => store.delete([item.sessionId, item.index]));
        this.uploaded.set(item.index, item.size);
        this.pending = Math.max(0, this.pending - 1);
        this.failures = 0;
        this.retryAt = null;
        this.changed();
        return true;
      }
      this.lastError = `upload failed (${response.status})`;
    } catch (error) {
      this.lastError = navigator.onLine ? 'network error' : 'offline';
    }
    this.failures += 1;
    return false;
  }

  /** Resolves when every saved piece is on the server. */
  async drain() {
    while ((await this.all()).length > 0) {
      this.pump();
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }

  changed() {
    this.onChange({ uploaded: this.uploaded.size, pending: this.pending, retryAt: this.retryAt, lastError: this.lastError,
                    bytes: [...this.uploaded.values()].reduce((a, b) => a + b, 0) });
  }
}
