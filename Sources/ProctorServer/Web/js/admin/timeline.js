// The review timeline under the video: findings as coloured marks spanning their time, milestones
// as ticks, and a playhead. Every mark is a button (keyboard reachable) that seeks the video.
import { clock, label, milestoneLabels, el } from '../shared/format.js';

export class Timeline {
  constructor({ container, legend, video, onSelect }) {
    this.container = container;
    this.legend = legend;
    this.video = video;
    this.onSelect = onSelect;
    this.playhead = el('div', { class: 'playhead' });
    video.addEventListener('timeupdate', () => this.movePlayhead());
  }

  render({ duration, events, milestones }) {
    this.duration = duration;
    const position = (time) => `${Math.min(100, Math.max(0, (time / duration) * 100))}%`;
    const marks = events.filter((event) => event.start != null).map((event) => {
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
    const types = [...new Set(events.map((event) => event.type))];
    this.legend.replaceChildren(...types.map((type) => el('span', {}, el('i', { class: `type-${type}` }), label(type))),
      el('span', {}, '▲ milestone'));
    this.movePlayhead();
  }

  seek(time) {
    this.video.currentTime = Math.max(0, time);
  }

  select(eventId) {
    for (const mark of this.container.querySelectorAll('.mark')) mark.classList.toggle('selected', mark.dataset.eventId === eventId);
  }

  movePlayhead() {
    if (!this.duration) return;
    this.playhead.style.left = `${Math.min(100, (this.video.currentTime / this.duration) * 100)}%`;
  }
}
