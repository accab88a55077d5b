/* Proctor SDK loader, version 1. On any exam page:

     <script src="https://PROCTOR/sdk/proctor.js" data-session="SESSION_ID" data-token="INVITATION_TOKEN"></script>

   It loads the SDK's ES modules from the same server (which must list the exam page's origin in
   server.allowed_origins) and adds one <proctor-exam> element. One global: `Proctor` ({version,
   ready}). A plain script, so it also works on pages that do not use modules. */
(function () {
  'use strict';
  var script = document.currentScript;
  if (!script || window.Proctor) return;
  var server = new URL(script.src, document.baseURI).origin;
  var options = { server: server, session: script.getAttribute('data-session'), token: script.getAttribute('data-token') };

  function refuse(message) {
    var box = document.createElement('proctor-exam-error');
    var root = box.attachShadow({ mode: 'open' });
    var text = document.createElement('p');
    text.setAttribute('role', 'alert');
    text.textContent = message;
    var sheet = new CSSStyleSheet();
    sheet.replaceSync('p{position:fixed;left:16px;right:16px;top:16px;z-index:2147483647;margin:0;padding:12px 14px;' +
      'background:#fff;color:#1b1f24;border-left:5px solid #b3261e;border-radius:6px;font:15px/1.4 system-ui,sans-serif;box-shadow:0 4px 18px rgba(0,0,0,.3)}');
    root.adoptedStyleSheets = [sheet];
    root.appendChild(text);
    (document.body || document.documentElement).appendChild(box);
  }

  function start() {
    return import(server + '/sdk/v1/sdk.js').then(function (sdk) {
      return sdk.mount(options);
    }, function () {
      refuse('Proctoring could not start: the proctoring server (' + server + ') does not allow this exam page (' + location.origin +
        '). Ask your exam organiser to add it to the server\u2019s allowed origins.');
      throw new Error('proctor: this origin is not allowed');
    });
  }

  var ready = document.readyState === 'loading'
    ? new Promise(function (resolve) { document.addEventListener('DOMContentLoaded', resolve, { once: true }); }).then(start)
    : start();
  ready.catch(function () {});
  window.Proctor = Object.freeze({ version: '1.0.0', ready: ready });
})();
