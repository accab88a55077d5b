// The review timeline under the video, in lanes: incidents (findings that overlap in time, grouped by
// the server) on top, then one lane per kind of finding, then the milestones, so no mark ever covers
// another. Every mark is a button at least 24×24 px that seeks the video; marks of one lane that
// would touch at the current width merge into one mark with a count. The buttons are in time order
// in the page, so Tab walks the timeline from start to end whatever their lane. Under it, the speech
// activity lane: every finding the recording's sound yielded (talking, someone else speaking, speech
// with no face), one row per kind, drawn there instead of on the timeline.
import { clock, label, milestoneLabels, speechKinds, findingLabels, el } from '../shared/format.js';

/** A finding from the sound of the recording (source "audio", or one of the speech kinds). */
export const isSpeech = (event) => event.source === 'audio' || speechKinds.includes(event.type);

/** The smallest target, in CSS pixels (WCAG 2.2 target size), and the height of a lane. */
export const MIN_TARGET = 24;
const LANE = 28;
const AXIS = 16;

const kindOrder = Object.keys(findingLabels);
/** The count on a merged mark (not a hit target of its own: a click at the mark's centre is the mark's). */
const badge = (count) => el('span', { class: 'count', 'aria-hidden': 'true' }, `×${count}`);
const byKind = (a, b) => (kindOrder.indexOf(a) + 1 || 999) - (kindOrder.indexOf(b) + 1 || 999) || a.localeCompare(b);

/**
 * Packs the items of one lane: each `{start, end}` (seconds) becomes a span in percent of `duration`,
 * at least `minPercent` wide; items whose spans would touch merge into one group.
 * Returns groups `{start, end, left, width, items}` in time order.
 */
export function packLane(items, duration, minPercent) {
  const sorted = [...items].sort((a, b) => a.start - b.start || (a.end ?? a.start) - (b.end ?? b.start));
  const groups = [];
  for (const item of sorted) {
    const left = Math.min(100 - minPercent, Math.max(0, (item.start / duration) * 100));
    const right = Math.max(left + minPercent, Math.min(100, (((item.end ?? item.start) / duration) * 100)));
    const last = groups[groups.length - 1];
    if (last && left < last.right) {
      last.items.push(item);
      last.right = Math.max(last.right, right);
      last.end = Math.max(last.end, item.end ?? item.start);
    } else {
      groups.push({ left, right, start: item.start, end: item.end ?? item.start, items: [item] });
    }
  }
  return groups.map((group) => ({ ...group, width: group.right - group.left }));
}

export class Timeline {
  /** `speech` / `speechLegend`: the speech activity lane and its legend (optional). */
  constructor({ container, legend, speech = null, speechLegend = null, video, onSelect, onSelectIncident = () => {} }) {
    this.container = container;
    this.legend = legend;
    this.speech = speech;
    this.speechLegend = speechLegend;
    this.video = video;
    this.onSelect = onSelect;
    this.onSelectIncident = onSelectIncident;
    this.playhead = el('div', { class: 'playhead' });
    this.speechPlayhead = el('div', { class: 'playhead' });
    video.addEventListener('timeupdate', () => this.movePlayhead());
    // Merging depends on the width: draw again when it changes (a resized window, the print layout).
    this.width = 0;
    if (typeof ResizeObserver !== 'undefined') {
      new ResizeObserver(() => {
        const width = this.trackWidth();
        if (this.last && width > 0 && Math.abs(width - this.width) > 1) this.render(this.last);
      }).observe(container);
    }
  }

  trackWidth() {
    return this.track?.clientWidth || 0;
  }

  render(options) {
    this.last = options;
    const { duration, events, milestones, incidents = [], speechLane = false } = options;
    this.duration = duration;
    // With a speech lane, the sound's findings are drawn there only.
    const main = (this.speech ? events.filter((event) => !isSpeech(event)) : events).filter((event) => event.start != null);
    const types = [...new Set(main.map((event) => event.type))].sort(byKind);
    const lanes = [];
    const placedIncidents = incidents.filter((incident) => incident.start != null);
    if (placedIncidents.length) lanes.push({ name: 'Incidents', kind: 'incident', items: placedIncidents });
    for (const type of types) lanes.push({ name: label(type), kind: type, items: main.filter((event) => event.type === type) });
    const ticks = milestones.filter((milestone) => milestone.video_time != null)
      .map((milestone) => ({ ...milestone, start: milestone.video_time, end: milestone.video_time }));
    lanes.push({ name: 'Milestones', kind: 'milestone', items: ticks });

    if (!this.track) {
      this.names = el('div', { class: 'lane-names', 'aria-hidden': 'true' });
      this.track = el('div', { class: 'track' });
      this.container.replaceChildren(this.names, this.track);
    }
    // The lanes, then a time axis (0 %, 25 %, … of the video) so the strip reads on paper too.
    this.track.style.height = `${lanes.length * LANE + AXIS}px`;
    this.names.style.height = `${lanes.length * LANE + AXIS}px`;
    this.width = this.trackWidth() || 800;
    const minPercent = Math.min(100, (MIN_TARGET / this.width) * 100);
    const buttons = [];
    lanes.forEach((lane, index) => {
      const top = index * LANE + (LANE - MIN_TARGET) / 2;
      for (const group of packLane(lane.items, duration, minPercent)) {
        buttons.push({ start: group.start, lane: index, node: this.mark(lane, group, top) });
      }
    });
    // Time order in the page (then lane order): the Tab order follows the time.
    buttons.sort((a, b) => a.start - b.start || a.lane - b.lane);
    this.names.replaceChildren(...lanes.map((lane, index) => el('span', { class: 'lane-name', style: `top:${index * LANE}px;height:${LANE}px` }, lane.name)));
    const axis = [0, 0.25, 0.5, 0.75, 1].map((share) => el('span', {
      class: `axis-label${share === 1 ? ' end' : ''}`, style: `left:${share * 100}%;top:${lanes.length * LANE}px`, 'aria-hidden': 'true',
    }, clock(share * duration)));
    this.track.replaceChildren(...buttons.map((button) => button.node), ...axis, this.playhead);
    this.container.dataset.lanes = String(lanes.length);
    this.legend.replaceChildren(
      ...(placedIncidents.length ? [el('span', {}, el('i', { class: 'incident-swatch' }), 'incident (findings at the same time)')] : []),
      ...types.map((type) => el('span', {}, el('i', { class: `type-${type}` }), label(type))),
      el('span', {}, '▲ milestone'), el('span', {}, '×N several marks at one place'));
    this.renderSpeech(events.filter((event) => isSpeech(event) && event.start != null), { always: speechLane, minPercent });
    this.movePlayhead();
  }

  /** One button for a group of a lane's items (one item, or several merged with a count). */
  mark(lane, group, top) {
    const style = `left:${group.left}%;width:${group.width}%;top:${top}px`;
    const count = group.items.length;
    const first = group.items[0];
    if (lane.kind === 'milestone') {
      const names = group.items.map((milestone) => milestoneLabels[milestone.kind] || milestone.kind);
      const text = `${count > 1 ? `${count} milestones: ${names.join(', ')}` : names[0]} at ${clock(group.start)}`;
      return el('button', {
        type: 'button', class: `milestone${count > 1 ? ' merged' : ''}`, style, title: text, 'aria-label': text,
        dataset: { milestone: first.kind, milestones: group.items.map((milestone) => milestone.kind).join(' '), start: String(group.start), count: String(count) },
        onclick: () => this.seek(group.start),
      }, count > 1 ? `▲${count}` : '▲');
    }
    if (lane.kind === 'incident') {
      const describe = (incident) => `Incident: ${incident.types.map(label).join(' and ')}, ${clock(incident.start)} to ${clock(incident.end ?? incident.start)}`;
      const text = count > 1 ? `${count} incidents from ${clock(group.start)} to ${clock(group.end)}` : describe(first);
      return el('button', {
        type: 'button', class: `mark incident${count > 1 ? ' merged' : ''}`, style, title: text, 'aria-label': text,
        dataset: { incidentId: first.id, incidentIds: group.items.map((incident) => incident.id).join(' '), start: String(group.start), count: String(count) },
        onclick: () => this.onSelectIncident(first),
      }, count > 1 ? badge(count) : null);
    }
    const text = count > 1
      ? `${count} × ${label(lane.kind)} from ${clock(group.start)} to ${clock(group.end)}`
      : `${label(first.type)} at ${clock(first.start)}`;
    return el('button', {
      type: 'button', class: `mark type-${lane.kind}${count > 1 ? ' merged' : ''}`, style, title: text, 'aria-label': text,
      dataset: { eventId: first.id, eventIds: group.items.map((event) => event.id).join(' '), start: String(first.start), count: String(count) },
      onclick: () => this.onSelect(first),
    }, count > 1 ? badge(count) : null);
  }

  /** The speech lane: shown when the recording has sound findings, or `always` (an exam that records sound). */
  renderSpeech(spans, { always, minPercent }) {
    if (!this.speech) return;
    const shown = always || spans.length > 0;
    this.speech.classList.toggle('hidden', !shown);
    this.speechLegend?.classList.toggle('hidden', !shown);
    if (!shown) return;
    const duration = this.duration;
    const kinds = [...new Set(spans.map((event) => event.type))].sort((a, b) => (speechKinds.indexOf(a) + 1 || 99) - (speechKinds.indexOf(b) + 1 || 99));
    const marks = [];
    kinds.forEach((kind, row) => {
      for (const group of packLane(spans.filter((event) => event.type === kind), duration, minPercent)) {
        const first = group.items[0];
        const count = group.items.length;
        const end = first.end ?? first.start;
        const text = count > 1 ? `${count} × ${label(kind)}, ${clock(group.start)} to ${clock(group.end)}` : `${label(kind)}, ${clock(first.start)} to ${clock(end)}`;
        marks.push({
          start: group.start,
          node: el('button', {
            type: 'button', class: `mark speech type-${kind}${count > 1 ? ' merged' : ''}`,
            style: `left:${group.left}%;width:${group.width}%;top:${row * LANE + (LANE - MIN_TARGET) / 2}px`,
            title: text, 'aria-label': text,
            dataset: { eventId: first.id, eventIds: group.items.map((event) => event.id).join(' '), start: String(first.start), kind, count: String(count) },
            onclick: () => this.onSelect(first),
          }, count > 1 ? badge(count) : null),
        });
      }
    });
    marks.sort((a, b) => a.start - b.start);
    const empty = spans.length ? [] : [el('span', { class: 'empty small' }, 'No speech noticed')];
    this.speech.style.height = `${Math.max(1, kinds.length) * LANE}px`;
    this.speech.replaceChildren(...marks.map((mark) => mark.node), ...empty, this.speechPlayhead);
    this.speech.dataset.spans = String(spans.length);
    const legendKinds = [...speechKinds, ...new Set(spans.map((event) => event.type).filter((type) => !speechKinds.includes(type)))];
    this.speechLegend?.replaceChildren(el('span', { class: 'lane-name' }, 'Speech activity:'),
      ...legendKinds.map((kind) => el('span', {}, el('i', { class: `type-${kind}` }), label(kind))));
  }

  seek(time) {
    this.video.currentTime = Math.max(0, time);
  }

  /** Marks the selected finding's (or incident's) mark, including a merged mark that holds it. */
  select({ eventId = null, incidentId = null }) {
    const marks = [...this.container.querySelectorAll('.mark'), ...(this.speech?.querySelectorAll('.mark') ?? [])];
    for (const mark of marks) {
      const events = (mark.dataset.eventIds || '').split(' ');
      const incidents = (mark.dataset.incidentIds || '').split(' ');
      mark.classList.toggle('selected', (eventId != null && events.includes(eventId)) || (incidentId != null && incidents.includes(incidentId)));
    }
  }

  movePlayhead() {
    if (!this.duration) return;
    const left = `${Math.min(100, (this.video.currentTime / this.duration) * 100)}%`;
    this.playhead.style.left = left;
    this.speechPlayhead.style.left = left;
  }
}
