// The review timeline under the video: findings as coloured marks spanning their time, milestones
// as ticks, and a playhead. Under it, the speech activity lane: every finding the recording's sound
// yielded (talking, someone else speaking, speech with no face), coloured by kind, drawn there
// instead of on the timeline. Every mark is a button (keyboard reachable) that seeks the video.
import { clock, label, milestoneLabels, speechKinds, el } from '../shared/format.js';

/** A finding from the sound of the recording (source "audio", or one of the speech kinds). */
export const isSpeech = (event) => event.source === 'audio' || speechKinds.includes(event.type);

export class Timeline {
  /** `speech` / `speechLegend`: the speech activity lane and its legend (optional). */
  constructor({ container, legend, speech = null, speechLegend = null, video, onSelect }) {
    this.container = container;
    this.legend = legend;
    this.speech = speech;
    this.speechLegend = speechLegend;
    this.video = video;
    this.onSelect = onSelect;
    this.playhead = el('div', { class: 'playhead' });
    this.speechPlayhead = el('div', { class: 'playhead' });
    video.addEventListener('timeupdate', () => this.movePlayhead());
  }

  render({ duration, events, milestones, speechLane = false }) {
    this.duration = duration;
    const position = (time) => `${Math.min(100, Math.max(0, (time / duration) * 100))}%`;
    // With a speech lane, the sound's findings are drawn there only.
    const main = this.speech ? events.filter((event) => !isSpeech(event)) : events;
    const marks = main.filter((event) => event.start != null).map((event) => {
      const width = Math.max(0.6, (((event.end ?? event.start) - event.start) / duration) * 100);
      return el('button', {
        type: 'button', class: `mark type-${event.type}`, style: `left:${position(event.start)};width:${width}%`,
        title: `${label(event.type)} at ${clock(event.start)}`, 'aria-label': `${label(event.type)} at ${clock(event.start)}`,
        dataset: { eventId: event.id, start: String(event.start) }, onclick: () => this.onSelect(event),
      });
    });
    const ticks = milestones.filter((milestone) => milestone.video_time != null).map((milestone) => el('button', {
      type: 'button', class: 'milestone', style: `left:${position(milestone.video_time)}`,
      title: `${milestoneLabels[milestone.kind] || milestone.kind} at ${clock(milestone.video_time)}`,
      'aria-label': `${milestoneLabels[milestone.kind] || milestone.kind} at ${clock(milestone.video_time)}`,
      dataset: { milestone: milestone.kind }, onclick: () => this.seek(milestone.video_time),
    }, '▲'));
    this.container.replaceChildren(...marks, ...ticks, this.playhead);
    const types = [...new Set(main.map((event) => event.type))];
    this.legend.replaceChildren(...types.map((type) => el('span', {}, el('i', { class: `type-${type}` }), label(type))),
      el('span', {}, '▲ milestone'));
    this.renderSpeech(events.filter((event) => isSpeech(event) && event.start != null), { always: speechLane });
    this.movePlayhead();
  }

  /** The speech lane: shown when the recording has sound findings, or `always` (an exam that records sound). */
  renderSpeech(spans, { always }) {
    if (!this.speech) return;
    const shown = always || spans.length > 0;
    this.speech.classList.toggle('hidden', !shown);
    this.speechLegend?.classList.toggle('hidden', !shown);
    if (!shown) return;
    const duration = this.duration;
    const marks = spans.map((event) => {
      const end = event.end ?? event.start;
      const width = Math.max(0.6, ((end - event.start) / duration) * 100);
      const text = `${label(event.type)}, ${clock(event.start)} to ${clock(end)}`;
      return el('button', {
        type: 'button', class: `mark speech type-${event.type}`, style: `left:${Math.min(100, Math.max(0, (event.start / duration) * 100))}%;width:${width}%`,
        title: text, 'aria-label': text, dataset: { eventId: event.id, start: String(event.start), kind: event.type }, onclick: () => this.onSelect(event),
      });
    });
    const empty = spans.length ? [] : [el('span', { class: 'empty small' }, 'No speech noticed')];
    this.speech.replaceChildren(...marks, ...empty, this.speechPlayhead);
    this.speech.dataset.spans = String(spans.length);
    const kinds = [...speechKinds, ...new Set(spans.map((event) => event.type).filter((type) => !speechKinds.includes(type)))];
    this.speechLegend?.replaceChildren(el('span', { class: 'lane-name' }, 'Speech activity:'),
      ...kinds.map((kind) => el('span', {}, el('i', { class: `type-${kind}` }), label(kind))));
  }

  seek(time) {
    this.video.currentTime = Math.max(0, time);
  }

  select(eventId) {
    const marks = [...this.container.querySelectorAll('.mark'), ...(this.speech?.querySelectorAll('.mark') ?? [])];
    for (const mark of marks) mark.classList.toggle('selected', mark.dataset.eventId === eventId);
  }

  movePlayhead() {
    if (!this.duration) return;
    const left = `${Math.min(100, (this.video.currentTime / this.duration) * 100)}%`;
    this.playhead.style.left = left;
    this.speechPlayhead.style.left = left;
  }
}
