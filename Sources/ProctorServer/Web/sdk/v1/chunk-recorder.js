// Records the webcam in pieces of `chunkSeconds`, with the microphone's sound (Opus) when the stream
// has a live audio track. Each piece comes from its own MediaRecorder (stopped and restarted), so
// every uploaded file is a complete webm that decodes on its own; a timeslice would give fragments
// where only the first has the header. A microphone that stops leaves the next pieces video only.

/** A piece smaller than this holds no frame (only the webm header: stopped just after it started). */
const EMPTY_PIECE_BYTES = 1024;

export class ChunkRecorder {
  constructor({ stream, chunkSeconds, firstIndex = 0, onChunk }) {
    this.stream = stream;
    this.chunkSeconds = chunkSeconds;
    this.index = firstIndex;
    this.onChunk = onChunk;
    this.running = false;
  }

  /** webm with VP8 (and Opus when there is sound), else the nearest type the browser records. */
  static mimeType(withAudio) {
    const types = withAudio
      ? ['video/webm;codecs=vp8,opus', 'video/webm;codecs=vp9,opus', 'video/webm;codecs=opus', 'video/webm']
      : ['video/webm;codecs=vp8', 'video/webm;codecs=vp9', 'video/webm'];
    return types.find((type) => MediaRecorder.isTypeSupported(type)) || '';
  }

  start() {
    this.running = true;
    this.recordNext();
  }

  recordNext() {
    if (!this.running) return;
    const index = this.index++;
    const startedAt = Date.now();
    const parts = [];
    const audio = this.stream.getAudioTracks();
    const withAudio = audio.length > 0 && audio.every((track) => track.readyState === 'live');
    // A microphone that has stopped is left out: the piece is then video only.
    const source = audio.length > 0 && !withAudio ? new MediaStream(this.stream.getVideoTracks()) : this.stream;
    const mimeType = ChunkRecorder.mimeType(withAudio);
    const options = mimeType ? { mimeType, videoBitsPerSecond: 600000, ...(withAudio ? { audioBitsPerSecond: 32000 } : {}) } : {};
    const recorder = new MediaRecorder(source, options);
    this.withAudio = withAudio;
    this.current = recorder;
    this.finished = new Promise((resolve) => {
      recorder.ondataavailable = (event) => { if (event.data.size > 0) parts.push(event.data); };
      recorder.onstop = async () => {
        const blob = new Blob(parts, { type: 'video/webm' });
        // The last piece, stopped a moment after it began, may hold no frame at all: it would not decode, so it is not sent.
        if (blob.size >= EMPTY_PIECE_BYTES) await this.onChunk({ index, blob, startedAt });
        else this.empty = index;
        resolve();
      };
    });
    recorder.start();
    this.timer = setTimeout(() => {
      // Start the next piece first so the gap between pieces is as small as possible.
      this.recordNext();
      if (recorder.state !== 'inactive') recorder.stop();
    }, this.chunkSeconds * 1000);
  }

  /** Stops recording; resolves once the last piece has been handed over. Returns the last index. */
  async stop() {
    this.running = false;
    clearTimeout(this.timer);
    if (this.current && this.current.state !== 'inactive') this.current.stop();
    await this.finished;
    return this.empty === this.index - 1 ? this.index - 2 : this.index - 1;
  }
}
