// The SDK's markup, inside its shadow root: the start steps in an overlay, the exam in a small
// movable widget. Static text only; everything variable is set with textContent.

export const template = `
<div class="overlay" id="overlay" role="dialog" aria-modal="true" aria-labelledby="overlay-title">
  <div class="sheet">
    <header class="bar"><strong id="overlay-title">Proctored exam</strong><span id="exam-title" class="small"></span></header>
    <p id="page-error" class="status bad hidden" role="alert"></p>

    <section id="step-consent" class="hidden" aria-labelledby="consent-title">
      <h2 id="consent-title" tabindex="-1">Before you start: what is captured and why</h2>
      <dl class="notice">
        <dt>What is captured</dt>
        <dd>Frames from your webcam while the exam runs (sent for automatic analysis), a video recording of your webcam in <span id="chunk-seconds">20</span>-second pieces, and one reference photo of your face. <span id="sound-none">No sound is recorded.</span><span id="sound-recorded" class="hidden">The video pieces include the sound from your microphone.</span></dd>
        <div id="consent-microphone" class="hidden">
          <dt>Your microphone</dt>
          <dd><strong>What:</strong> the sound in your room, recorded with the video pieces (nothing separate is recorded). <strong>Why:</strong> to notice speech — someone else speaking, or you talking. <strong>Who hears it:</strong> proctors reviewing the flagged moments. <strong>How long:</strong> kept as long as the video<span id="microphone-days"></span>. <span id="microphone-policy"></span></dd>
        </div>
        <dt>What this exam page notes</dt>
        <dd>When you leave the exam tab or window, leave fullscreen, copy, cut or paste (only that it happened and how many characters, never the text), open the context menu or try to print, when a second screen is connected (where your browser tells), when your camera stops or your microphone cannot be used, when the page is closed or reopened, and when you go offline. Nothing else on your computer is read.</dd>
        <dt>Why</dt>
        <dd>To check that the person taking the exam is the person who enrolled, and to point out moments a human proctor should look at. The automatic analysis only ranks moments for review; it never decides that anyone cheated.</dd>
        <dt>Who sees it</dt>
        <dd>Proctors and reviewers of your institution, who watch live and review the recording. Each flag they review shows its time, snapshot or duration and confidence, and they record a decision.</dd>
        <dt>How long it is kept</dt>
        <dd id="retention-text">For the period your institution has set.</dd>
      </dl>
      <form id="consent-form" class="stack">
        <div class="row"><input type="checkbox" id="consent-check" required><label for="consent-check">I have read this notice and agree to the capture of webcam frames, video recordings<span id="consent-sound" class="hidden"> with sound from my microphone</span>, a reference photo and the exam page's activity for this exam.</label></div>
        <div class="row">
          <button type="submit" id="consent-accept" disabled>Agree and continue</button>
          <button type="button" id="consent-decline" class="secondary">I do not agree</button>
        </div>
      </form>
      <p id="declined" class="status warn hidden" role="status">You did not agree, so nothing was captured. Contact your exam organiser to take the exam another way.</p>
    </section>

    <section id="step-camera" class="hidden" aria-labelledby="camera-title">
      <h2 id="camera-title" tabindex="-1">Camera check and reference photo</h2>
      <div class="columns">
        <div class="stack">
          <video id="camera-preview" class="preview" autoplay muted playsinline aria-label="Your webcam preview"></video>
          <div id="microphone-check" class="microphone hidden">
            <span id="audio-meter-label" class="small">Microphone</span>
            <div id="audio-meter" class="audio-level" role="meter" aria-labelledby="audio-meter-label" aria-valuemin="0" aria-valuemax="100" aria-valuenow="0"><span class="level-bar"></span></div>
            <p id="audio-status" class="small" role="status" aria-live="polite">Listening…</p>
          </div>
          <div id="microphone-needed" class="stack hidden">
            <p id="microphone-needed-text" class="status warn" role="alert">This exam needs your microphone. Please allow it, or connect one, then try again.</p>
            <div class="row"><button type="button" id="microphone-retry">Try again</button></div>
          </div>
          <div class="row"><button type="button" id="capture">Take reference photo</button></div>
        </div>
        <div class="stack">
          <p>Sit facing the camera in good light, alone, with your whole face in view. Then take the reference photo; it is checked at once.</p>
          <img id="reference-photo" class="reference hidden" alt="Your reference photo">
          <p id="reference-status" class="status" role="status" aria-live="polite">No photo taken yet.</p>
          <p class="small">When you start, the exam asks for fullscreen; leaving it is noted.</p>
          <div class="row">
            <button type="button" id="retake" class="secondary hidden">Retake photo</button>
            <button type="button" id="start-exam" disabled>Start exam</button>
          </div>
        </div>
      </div>
    </section>

    <section id="step-calibration" class="hidden" aria-labelledby="calibration-title">
      <h2 id="calibration-title" tabindex="-1">Gaze calibration (optional)</h2>
      <div class="columns">
        <video id="calibration-preview" class="preview" autoplay muted playsinline aria-label="Your webcam preview"></video>
        <div class="stack">
          <p>This helps the automatic analysis know where your screen is, so that looking at its edges is not mistaken for looking away. A dot appears in the centre of the screen and then in each corner, for about a second each: follow it with your eyes, keeping your head still. It takes five seconds. If you skip it, the first seconds of the exam are used instead.</p>
          <p id="calibration-status" class="status" role="status" aria-live="polite">Not calibrated yet.</p>
          <div class="row">
            <button type="button" id="calibrate">Start calibration</button>
            <button type="button" id="calibration-continue" class="secondary">Skip and start the exam</button>
          </div>
        </div>
      </div>
    </section>

    <section id="step-done" class="hidden" aria-labelledby="done-title">
      <h2 id="done-title" tabindex="-1">Exam ended</h2>
      <p id="done-status" class="status" role="status" aria-live="polite">Finishing uploads…</p>
      <dl class="facts" id="done-facts"></dl>
    </section>
  </div>
</div>

<div id="calibration-stage" class="calibration-stage hidden" aria-hidden="true"><span id="calibration-dot" class="calibration-dot center"></span></div>

<aside id="step-exam" class="widget hidden" aria-label="Proctoring">
  <header class="bar handle" id="widget-handle" title="Drag to move">
    <strong>Proctoring</strong>
    <button type="button" id="widget-toggle" class="link" aria-expanded="true" aria-controls="widget-body">Hide</button>
  </header>
  <div id="widget-body" class="stack">
    <video id="exam-preview" class="preview small-preview" autoplay muted playsinline aria-label="Your webcam preview"></video>
    <p id="live-status" class="status" role="status" aria-live="polite">Connecting…</p>
    <dl class="facts small">
      <dt>Connection</dt><dd id="fact-connection">–</dd>
      <dt>Analysis rate</dt><dd id="fact-rate">–</dd>
      <dt>Last notice</dt><dd id="fact-alert">None</dd>
      <dt>Video pieces</dt><dd id="fact-uploads">–</dd>
      <dt>Page activity</dt><dd id="fact-events">–</dd>
    </dl>
    <div class="row">
      <button type="button" id="fullscreen-return" class="secondary hidden">Return to fullscreen</button>
      <button type="button" id="end-exam" class="danger">End exam</button>
    </div>
  </div>
</aside>
`;
