// gavel's review queue: j/k move between comments, a/r approve or reject the current one,
// u undoes the last decision. Decisions go to POST /review/decide with the page's API key.
(function () {
  'use strict';
  var key = new URLSearchParams(location.search).get('key') || '';
  var items = Array.prototype.slice.call(document.querySelectorAll('li.item'));
  var status = document.getElementById('status');
  var done = [];
  var cur = 0;
  var busy = false;

  function say(msg) { if (status) { status.textContent = msg; } }

  function post(path, body) {
    return fetch(path, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'x-goog-api-key': key },
      body: JSON.stringify(body)
    }).then(function (r) {
      return r.json().then(function (j) {
        if (!r.ok) { throw new Error((j.error && j.error.message) || ('HTTP ' + r.status)); }
        return j;
      });
    });
  }

  function focusAt(i) {
    if (!items.length) { return; }
    cur = Math.max(0, Math.min(items.length - 1, i));
    items.forEach(function (el, j) { el.classList.toggle('current', j === cur); });
    items[cur].focus();
    items[cur].scrollIntoView({ block: 'nearest' });
  }

  function nextOpen(from) {
    for (var i = from; i < items.length; i++) {
      if (!items[i].classList.contains('decided')) { return i; }
    }
    return from;
  }

  function labelsOf(el) {
    var out = {};
    el.querySelectorAll('[data-label]').forEach(function (c) {
      if (c.type === 'checkbox' && c.dataset.touched) { out[c.dataset.label] = c.checked ? 1 : 0; }
      if (c.tagName === 'SELECT' && c.value) { out[c.dataset.label] = c.value; }
    });
    return Object.keys(out).length ? out : null;
  }

  function decide(i, decision) {
    var el = items[i];
    if (busy || !el || el.classList.contains('decided')) { return; }
    busy = true;
    var body = { id: Number(el.dataset.id), decision: decision };
    var labels = labelsOf(el);
    if (labels) { body.labels = labels; }
    post('/review/decide', body).then(function () {
      el.classList.add('decided', decision);
      var note = el.querySelector('.done');
      note.hidden = false;
      note.textContent = (decision === 'reject' ? 'Rejected' : 'Approved') + ' — press u to undo';
      el.querySelectorAll('button, input, select').forEach(function (b) { b.disabled = true; });
      done.push(i);
      say('Comment ' + el.dataset.id + ' ' + (decision === 'reject' ? 'rejected' : 'approved') + '.');
      focusAt(nextOpen(i + 1));
    }).catch(function (e) { say('Not saved: ' + e.message); })
      .then(function () { busy = false; });
  }

  function undo() {
    if (busy || !done.length) { return; }
    busy = true;
    var i = done[done.length - 1];
    var el = items[i];
    post('/review/undo', { id: Number(el.dataset.id) }).then(function () {
      done.pop();
      el.classList.remove('decided', 'approve', 'reject');
      el.querySelector('.done').hidden = true;
      el.querySelectorAll('button, input, select').forEach(function (b) { b.disabled = false; });
      say('Decision on comment ' + el.dataset.id + ' undone.');
      focusAt(i);
    }).catch(function (e) { say('Not undone: ' + e.message); })
      .then(function () { busy = false; });
  }

  items.forEach(function (el, i) {
    el.addEventListener('click', function (e) {
      var b = e.target.closest('button[data-decision]');
      if (b) { cur = i; decide(i, b.dataset.decision); } else if (!e.target.closest('label')) { focusAt(i); }
    });
    el.querySelectorAll('input[type=checkbox]').forEach(function (c) {
      c.addEventListener('change', function () { c.dataset.touched = '1'; });
    });
  });

  document.addEventListener('keydown', function (e) {
    if (e.ctrlKey || e.metaKey || e.altKey) { return; }
    var t = e.target.tagName;
    if (t === 'INPUT' || t === 'SELECT' || t === 'TEXTAREA') { return; }
    var k = e.key;
    if (k === 'j') { focusAt(cur + 1); } else if (k === 'k') { focusAt(cur - 1); }
    else if (k === 'a') { decide(cur, 'approve'); } else if (k === 'r') { decide(cur, 'reject'); }
    else if (k === 'u') { undo(); } else { return; }
    e.preventDefault();
  });

  if (items.length) { focusAt(0); }
}());
