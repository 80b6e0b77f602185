// Progressive enhancement only; every page works without it.
// 1. Warns two minutes before a signed-in session times out; "Stay signed in" pings the server.
// 2. On the compose page, saves a draft every 30 s when something changed, so a lapsed session loses nothing.
(function () {
  'use strict';
  var idle = parseInt(document.body.getAttribute('data-idle'), 10);
  if (!idle) { return; }
  var box = document.getElementById('timeout-warning');
  var text = document.getElementById('timeout-text');
  var warnTimer, endTimer;
  function arm() {
    clearTimeout(warnTimer); clearTimeout(endTimer);
    box.hidden = true;
    warnTimer = setTimeout(function () { box.hidden = false; save(); }, Math.max(idle - 120, 1) * 1000);
    endTimer = setTimeout(function () {
      save();
      text.textContent = text.getAttribute('data-expired');
      document.getElementById('timeout-stay').hidden = true;
      box.hidden = false;
    }, idle * 1000);
  }
  function alive(response) {
    if (response.type === 'opaqueredirect' || !response.ok) { return false; }
    arm();
    return true;
  }
  document.getElementById('timeout-stay').addEventListener('click', function () {
    fetch('/mail/ping', {credentials: 'same-origin', redirect: 'manual', cache: 'no-store'}).then(alive);
  });
  var form = document.getElementById('compose-form');
  var status = document.getElementById('autosave-status');
  var last = form ? snapshot() : null;
  function snapshot() {
    return ['to', 'cc', 'subject', 'body'].map(function (n) { return form.elements[n].value; }).join('\u0000');
  }
  // One autosave at a time: a second one started before the first answered would not yet know the first's draft
  // (autosaved) and would leave two drafts behind on a slow server.
  var saving = false;
  function save() {
    if (!form || saving || snapshot() === last) { return; }
    var data = new FormData(form);
    data.delete('attachments');
    data.set('action', 'autosave');
    var now = snapshot();
    saving = true;
    fetch('/compose', {method: 'POST', body: data, credentials: 'same-origin', redirect: 'manual'})
      .then(function (r) {
        if (!alive(r)) { return null; }
        return r.text();
      })
      .then(function (uid) {
        saving = false;
        if (uid === null) { return; }
        last = now;
        form.elements.autosaved.value = uid.trim();
        status.textContent = status.getAttribute('data-saved') + ' ' + new Date().toTimeString().slice(0, 5);
      }, function () { saving = false; });
  }
  if (form) { setInterval(save, 30000); }
  arm();
})();
