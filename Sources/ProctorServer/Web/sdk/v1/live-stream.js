// Live analysis over the WebSocket: sends webcam frames as binary JPEG messages at an adaptive rate
// and reports each analysis. Reconnects by itself with backoff. Client events share the socket:
// `onOpen` gets a sender for them, `onMessage` their acknowledgements.
//
// The rate starts at 4 fps and stays within 2–10. It slows down (×0.7) when the server reports
// frames dropped or skipped under load, rate limiting, or analyses slower than the frame interval;
// after 10 clean analyses in a row it speeds up by 1 fps. At most 3 frames are in flight.
import { captureJPEG } from './camera.js';

export class LiveStream {
  static minFps = 2;
  static maxFps = 10;

  constructor({ url, video, onAnalysis, onState, onOpen = () => {}, onClose = () => {}, onMessage = () => {} }) {
    this.url = url;
    this.video = video;
    this.onAnalysis = onAnalysis;
    this.onState = onState;
    this.onOpen = onOpen;
    this.onClose = onClose;
    this.onMessage = onMessage;
    this.fps = 4;
    this.canvas = document.createElement('canvas');
    this.stopped = false;
    this.retry = 0;
    this.sent = 0;
    this.answered = 0;
    this.clean = 0;
    this.lastDropped = 0;
  }

  start() {
    this.stopped = false;
    this.connect();
    this.schedule();
  }

  /** `url` is a string, or a function returning (a promise of) one: a new ticket for every (re)connect. */
  async connect() {
    if (this.stopped) return;
    this.onState({ connection: 'connecting' });
    let url;
    try {
      url = typeof this.url === 'function' ? await this.url() : this.url;
    } catch (error) {
      this.retryLater(error.message);
      return;
    }
    if (this.stopped) return;
    const socket = new WebSocket(url);
    socket.binaryType = 'arraybuffer';
    this.socket = socket;
    socket.onopen = () => {
      this.retry = 0;
      this.sent = 0;
      this.answered = 0;
      this.lastDropped = 0;
      this.onState({ connection: 'connected' });
      this.onOpen((message) => {
        if (socket.readyState !== WebSocket.OPEN) throw new Error('closed');
        socket.send(JSON.stringify(message));
      });
    };
    socket.onmessage = (event) => this.receive(event.data);
    socket.onclose = (event) => {
      if (this.socket !== socket) return;
      this.socket = null;
      this.onClose();
      if (this.stopped) return;
      this.retryLater(event.reason);
    };
  }

  retryLater(detail) {
    // 1008 with a reason means the server refused us for good (bad token, policy): do not hammer it.
    const delay = Math.min(10000, 1000 * 2 ** this.retry++);
    this.onState({ connection: 'reconnecting', detail, retryIn: delay });
    setTimeout(() => this.connect(), delay);
  }

  receive(data) {
    let message;
    try { message = JSON.parse(data); } catch { return; }
    if (message.type === 'analysis') {
      this.answered += 1;
      this.adapt(message.metadata);
      this.onAnalysis(message);
    } else if (message.type === 'client_event_ack') {
      this.onMessage(message);
    } else if (message.type === 'error') {
      if (message.id) {
        this.onMessage(message);
        return;
      }
      if (message.code === 'rate_limited') this.slowDown();
      this.onState({ serverError: message });
    }
  }

  adapt(metadata) {
    const dropped = metadata?.performance?.dropped_frames ?? 0;
    const interval = 1000 / this.fps;
    const busy = dropped > this.lastDropped || (metadata?.processing_time_ms ?? 0) > interval;
    // Dropped frames never get an answer: count them as answered so the in-flight window stays honest.
    this.answered += Math.max(0, dropped - this.lastDropped);
    this.lastDropped = dropped;
    if (busy) {
      this.slowDown();
    } else if (++this.clean >= 10) {
      this.fps = Math.min(LiveStream.maxFps, this.fps + 1);
      this.clean = 0;
    }
  }

  slowDown() {
    this.fps = Math.max(LiveStream.minFps, Math.round(this.fps * 0.7 * 10) / 10);
    this.clean = 0;
  }

  schedule() {
    if (this.stopped) return;
    this.timer = setTimeout(async () => {
      await this.sendFrame();
      this.schedule();
    }, 1000 / this.fps);
  }

  async sendFrame() {
    const socket = this.socket;
    if (!socket || socket.readyState !== WebSocket.OPEN) return;
    if (this.sent - this.answered >= 3) return;
    const blob = await captureJPEG(this.video, { maxWidth: 640, quality: 0.7, canvas: this.canvas });
    if (!blob) return;
    const bytes = await blob.arrayBuffer();
    // The socket may have closed while the frame was encoded and read: sending then is an error.
    if (socket.readyState !== WebSocket.OPEN) return;
    socket.send(bytes);
    this.sent += 1;
  }

  /** Ends the live session cleanly: the server writes the summary. */
  stop() {
    this.stopped = true;
    clearTimeout(this.timer);
    const socket = this.socket;
    this.socket = null;
    this.onClose();
    if (socket && socket.readyState === WebSocket.OPEN) {
      socket.send(JSON.stringify({ type: 'end' }));
      setTimeout(() => socket.close(1000, 'exam ended'), 500);
    }
  }
}
