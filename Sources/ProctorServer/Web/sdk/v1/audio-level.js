// The microphone's level during the camera check: Web Audio's AnalyserNode on the stream's audio
// track, shown on an accessible meter (role="meter", aria-valuenow 0-100) with a calm sentence.
// Nothing is recorded or sent here; the level is only drawn.

/** Levels at or above this (0-100) count as "heard". About -48 dBFS: a quiet voice, not room hiss. */
export const HEARD_FLOOR = 20;
/** "We can hear you" stays this long after the last sound above the floor. */
const HEARD_FOR_MS = 4000;

/** RMS of the samples in dBFS, mapped from -60…0 dB to 0…100. */
export function levelOf(samples) {
  let sum = 0;
  for (const sample of samples) sum += sample * sample;
  const rms = Math.sqrt(sum / Math.max(1, samples.length));
  const db = 20 * Math.log10(Math.max(rms, 1e-6));
  return Math.round(Math.max(0, Math.min(100, ((db + 60) / 60) * 100)));
}

export class AudioLevelMeter {
  /**
   * @param meter the role="meter" element (its child `.level-bar` is the drawn bar)
   * @param text the sentence under it (a polite live region)
   * @param gesture an element whose first click or key press resumes a suspended AudioContext
   */
  constructor({ meter, text, gesture }) {
    this.meter = meter;
    this.bar = meter.querySelector('.level-bar');
    this.text = text;
    this.gesture = gesture;
    this.peak = 0;
    this.heardAt = 0;
    this.heard = null;
  }

  start(stream) {
    this.stop();
    const track = stream.getAudioTracks()[0];
    const Context = window.AudioContext || window.webkitAudioContext;
    if (!track || !Context) return false;
    this.context = new Context();
    const source = this.context.createMediaStreamSource(new MediaStream([track]));
    this.analyser = this.context.createAnalyser();
    this.analyser.fftSize = 2048;
    source.connect(this.analyser);
    this.samples = new Float32Array(this.analyser.fftSize);
    // Browsers may start an AudioContext suspended until the page is used (after a reload, say).
    this.resume = () => this.context?.resume().catch(() => {});
    this.gesture?.addEventListener('pointerdown', this.resume);
    this.gesture?.addEventListener('keydown', this.resume);
    this.resume();
    this.show(0);
    this.timer = setInterval(() => this.sample(), 100);
    return true;
  }

  sample() {
    if (!this.analyser) return;
    this.analyser.getFloatTimeDomainData(this.samples);
    this.show(levelOf(this.samples));
  }

  show(level) {
    this.peak = Math.max(this.peak, level);
    if (level >= HEARD_FLOOR) this.heardAt = Date.now();
    this.meter.setAttribute('aria-valuenow', String(level));
    this.meter.setAttribute('aria-valuetext', `${level} of 100`);
    this.meter.dataset.peak = String(this.peak);
    this.bar.style.width = `${level}%`;
    const heard = Date.now() - this.heardAt < HEARD_FOR_MS;
    if (heard === this.heard) return;
    this.heard = heard;
    this.meter.classList.toggle('heard', heard);
    this.text.dataset.heard = heard ? 'yes' : 'no';
    this.text.textContent = heard ? 'We can hear you.' : 'We cannot hear anything yet \u2014 check your microphone.';
  }

  stop() {
    clearInterval(this.timer);
    this.timer = null;
    this.gesture?.removeEventListener('pointerdown', this.resume);
    this.gesture?.removeEventListener('keydown', this.resume);
    this.context?.close().catch(() => {});
    this.context = null;
    this.analyser = null;
  }
}
