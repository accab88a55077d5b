// What the exam page can tell about itself, as client events with the time each began and, where it
// has one, how long it lasted. Nothing else is read: for the clipboard only the action and the
// text's length, never the text.
//
// | event            | how it is known                                                   |
// |------------------|-------------------------------------------------------------------|
// | tab_hidden       | Page Visibility: hidden → visible, with the hidden time            |
// | window_blur      | the window lost focus while visible (another window on top)        |
// | fullscreen_exit  | fullscreen left, with the time outside                             |
// | clipboard        | copy / cut / paste (action, length)                                |
// | context_menu     | the context menu was opened                                        |
// | print_attempt    | beforeprint                                                        |
// | second_screen    | screen.isExtended where the browser has it, else "unknown"         |
// | camera_lost / _restored | the video track ended or was muted / unmuted              |
// | page_left / page_returned | pagehide (sent by beacon) / the same session opened again |
// | network_offline / _online | offline → online, with the offline time                  |

export class BrowserSignals {
  /** @param emit receives `{event, at, duration_ms?, details?}` */
  constructor({ emit, beacon, onFullscreen }) {
    this.emit = emit;
    this.beacon = beacon;
    this.onFullscreen = onFullscreen;
    this.listeners = [];
    this.since = {};
  }

  on(target, type, handler, options) {
    target.addEventListener(type, handler, options);
    this.listeners.push(() => target.removeEventListener(type, handler, options));
  }

  /** Starts a state at `at`; ends it later with a duration. */
  begin(name) { if (this.since[name] == null) this.since[name] = Date.now(); }

  end(name, event, details) {
    const at = this.since[name];
    if (at == null) return;
    this.since[name] = null;
    this.emit({ event, at, duration_ms: Date.now() - at, ...(details ? { details } : {}) });
  }

  start({ stream, wantsFullscreen }) {
    const doc = document;
    this.on(doc, 'visibilitychange', () => {
      if (doc.visibilityState === 'hidden') {
        // A hidden page is not also "blurred": one finding per absence.
        this.since.blur = null;
        this.begin('hidden');
      } else {
        this.end('hidden', 'tab_hidden');
      }
    });
    this.on(window, 'blur', () => { if (doc.visibilityState === 'visible') this.begin('blur'); });
    this.on(window, 'focus', () => this.end('blur', 'window_blur'));
    this.on(doc, 'fullscreenchange', () => {
      if (doc.fullscreenElement) this.end('fullscreen', 'fullscreen_exit');
      else if (this.fullscreenWanted) this.begin('fullscreen');
      this.onFullscreen?.(Boolean(doc.fullscreenElement));
    });
    for (const action of ['copy', 'cut', 'paste']) {
      this.on(doc, action, (event) => {
        const text = action === 'paste' ? event.clipboardData?.getData('text') ?? '' : String(doc.getSelection?.() ?? '');
        this.emit({ event: 'clipboard', at: Date.now(), details: { action, length: text.length } });
      }, true);
    }
    this.on(doc, 'contextmenu', () => this.emit({ event: 'context_menu', at: Date.now() }), true);
    this.on(window, 'beforeprint', () => this.emit({ event: 'print_attempt', at: Date.now() }));
    this.on(window, 'offline', () => this.begin('offline'));
    this.on(window, 'online', () => {
      const at = this.since.offline;
      this.end('offline', 'network_offline');
      if (at != null) this.emit({ event: 'network_online', at: Date.now(), duration_ms: Date.now() - at });
    });
    this.on(window, 'pagehide', () => this.beacon({ event: 'page_left', at: Date.now() }));
    this.watchCamera(stream);
    this.checkScreens();
    this.fullscreenWanted = wantsFullscreen && Boolean(doc.fullscreenElement);
    if (!navigator.onLine) this.begin('offline');
  }

  watchCamera(stream) {
    for (const track of stream?.getVideoTracks?.() ?? []) {
      const lost = (reason) => {
        if (this.since.camera != null) return;
        this.since.camera = Date.now();
        this.emit({ event: 'camera_lost', at: this.since.camera, details: { reason } });
      };
      const back = () => {
        const at = this.since.camera;
        if (at == null) return;
        this.since.camera = null;
        this.emit({ event: 'camera_restored', at: Date.now(), duration_ms: Date.now() - at });
      };
      this.on(track, 'ended', () => lost('ended'));
      this.on(track, 'mute', () => lost('muted'));
      this.on(track, 'unmute', back);
    }
  }

  checkScreens() {
    const report = () => {
      const extended = typeof window.screen.isExtended === 'boolean' ? window.screen.isExtended : 'unknown';
      if (extended === this.lastExtended) return;
      this.lastExtended = extended;
      this.emit({ event: 'second_screen', at: Date.now(), details: { extended } });
    };
    report();
    if (typeof window.screen.addEventListener === 'function') this.on(window.screen, 'change', report);
  }

  /** Fullscreen was entered on purpose (the exam asked for it): leaving it counts from now on. */
  wantFullscreen() { this.fullscreenWanted = true; }

  /** The exam ended: states still open are reported, listeners removed. */
  stop() {
    this.end('hidden', 'tab_hidden');
    this.end('blur', 'window_blur');
    this.end('fullscreen', 'fullscreen_exit');
    this.end('offline', 'network_offline');
    for (const remove of this.listeners) remove();
    this.listeners = [];
  }
}
