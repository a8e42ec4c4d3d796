// Repère: interactive videos. The pages work without this script (every card is a form below
// the video). With it, the teacher's editor takes times from the video, and the pupil's
// player pauses at each card, moves the focus there and announces it, checks answers without
// leaving the page, applies the wrong-answer jump, blocks skipping when the teacher asked,
// and reports played / paused / seeked / completed for xAPI.
(function () {
  'use strict';
  var v = document.getElementById('lecteur');
  if (!v) return;
  var start = parseFloat(v.getAttribute('data-start')) || 0;
  var end = parseFloat(v.getAttribute('data-end')) || 0;

  function clock(s, tenths) {
    s = Math.max(0, s);
    var m = Math.floor(s / 60), r = s - m * 60;
    var sec = Math.floor(r), out = (m < 10 ? '0' : '') + m + ':' + (sec < 10 ? '0' : '') + sec;
    var d = Math.floor((r - sec) * 10);
    return tenths && d ? out + '.' + d : out;
  }
  function button(text, onclick) {
    var b = document.createElement('button');
    b.type = 'button';
    b.className = 'secondaire';
    b.textContent = text;
    b.addEventListener('click', onclick);
    return b;
  }

  // ---- The editor: times from the video, and the video to a time.
  if (v.hasAttribute('data-editeur')) {
    var shown = document.getElementById('instant');
    var out = shown && shown.querySelector('output');
    if (shown) shown.hidden = false;
    v.addEventListener('timeupdate', function () { if (out) out.textContent = clock(v.currentTime, true); });
    Array.prototype.forEach.call(document.querySelectorAll('[data-instant]'), function (input) {
      var label = document.querySelector('label[for="' + input.id + '"]');
      var name = label ? label.textContent : '';
      var take = button('Instant de la vidéo', function () { input.value = clock(v.currentTime, true); input.focus(); });
      take.setAttribute('aria-label', 'Prendre l\u2019instant de la vidéo pour : ' + name);
      var go = button('Voir', function () {
        var p = input.value.replace(',', '.').split(':'), s = 0;
        for (var i = 0; i < p.length; i++) s = s * 60 + (parseFloat(p[i]) || 0);
        v.currentTime = s;
        v.focus();
      });
      go.setAttribute('aria-label', 'Voir dans la vidéo : ' + name);
      input.insertAdjacentElement('afterend', go);
      input.insertAdjacentElement('afterend', take);
      input.insertAdjacentText('afterend', ' ');
    });
    return;
  }

  // ---- The player.
  var list = document.getElementById('etapes');
  var live = document.getElementById('annonce');
  var mode = v.getAttribute('data-avance');
  var must = v.getAttribute('data-obligatoire') === '1';
  var eventsUrl = v.getAttribute('data-evenements');
  var session = Math.random().toString(16).slice(2) + Date.now().toString(16);
  var opened = Date.now();
  var last = start, furthest = start, internal = false, active = null, completed = false;
  var cards = list ? Array.prototype.map.call(list.querySelectorAll('.etape'), function (li) {
    return { li: li, at: parseFloat(li.getAttribute('data-at')), pause: li.getAttribute('data-pause') === '1',
      question: li.getAttribute('data-question') === '1', done: false, answered: false, back: null };
  }) : [];
  if (list) list.classList.add('js');

  function say(text) {
    live.textContent = '';
    setTimeout(function () { live.textContent = text; }, 60);
  }
  function progress() { return end > start ? Math.min(1, Math.max(0, (furthest - start) / (end - start))) : 0; }
  function send(verb, from) {
    if (!eventsUrl) return;
    var body = new URLSearchParams({ verbe: verb, instant: v.currentTime.toFixed(3), depuis: (from || 0).toFixed(3),
      progression: progress().toFixed(3), session: session });
    fetch(eventsUrl, { method: 'POST', body: body, credentials: 'same-origin', keepalive: true }).catch(function () {});
  }
  function jump(t) { internal = true; v.currentTime = t; last = t; }
  function heading(c) { var h = c.li.querySelector('h3'); return h ? h.textContent : ''; }
  function waiting(c) { return must && c.question && !c.answered; }

  function resume(c) {
    if (waiting(c)) {
      say('Réponds d\u2019abord à la question.');
      var field = c.li.querySelector('input, textarea');
      if (field) field.focus();
      return;
    }
    active = null;
    var b = c.li.querySelector('[data-continuer]');
    if (b) b.parentNode.removeChild(b);
    if (c.back !== null) {
      say('Retour à ' + clock(c.back) + ' pour revoir le passage.');
      jump(c.back);
      c.back = null;
    }
    v.focus();
    var p = v.play();
    if (p && p.catch) p.catch(function () {});
  }
  function reach(c) {
    c.done = true;
    c.li.classList.add('vue');
    if (!c.pause) { say('Nouvelle étape : ' + heading(c)); return; }
    v.pause();
    active = c;
    if (!c.li.querySelector('[data-continuer]')) {
      var b = button('Continuer la vidéo', function () { resume(c); });
      b.setAttribute('data-continuer', '');
      c.li.appendChild(b);
    }
    c.li.focus();
    say('Vidéo en pause. ' + heading(c));
  }

  v.addEventListener('timeupdate', function () {
    var t = v.currentTime;
    if (!internal && t >= last && t - last < 1.5) {
      for (var i = 0; i < cards.length; i++) {
        var c = cards[i];
        if (!c.done && c.at >= last - 0.3 && c.at <= t + 0.05) { reach(c); if (c.pause) break; }
      }
      if (t > furthest) furthest = t;
    }
    last = t;
    if (t >= end - 0.1 && !completed && !active) {
      completed = true;
      furthest = end;
      v.pause();
      say('Fin de l\u2019extrait. Bravo !');
      send('completed');
    }
  });
  v.addEventListener('seeking', function () {
    var t = v.currentTime;
    if (internal) { internal = false; return; }
    var refused = (mode === 'blocked' && Math.abs(t - last) > 1) || (mode === 'forward_blocked' && t > furthest + 1);
    if (refused) {
      jump(mode === 'blocked' ? last : furthest);
      say(mode === 'blocked' ? 'Cette vidéo ne permet pas de se déplacer.' : 'Tu peux revenir en arrière, pas avancer.');
      return;
    }
    if (t < start - 0.5 || t > end + 0.5) { jump(Math.min(Math.max(t, start), end)); return; }
    send('seeked', last);
    cards.forEach(function (c) { if (c.at <= t) c.li.classList.add('vue'); });
    last = t;
  });
  v.addEventListener('play', function () {
    if (active && waiting(active)) {
      v.pause();
      say('Réponds d\u2019abord à la question.');
      active.li.focus();
      return;
    }
    if (active) resume(active);
    if (completed && v.currentTime < end - 0.5) completed = false;
    send('played');
  });
  v.addEventListener('pause', function () { if (!completed) send('paused'); });

  // Answers are checked by the server; the card shows the feedback.
  cards.forEach(function (c) {
    var form = c.li.querySelector('form[data-reponse]');
    if (!form) return;
    form.addEventListener('submit', function (e) {
      e.preventDefault();
      var out = form.querySelector('.retour');
      var body = new URLSearchParams(new FormData(form));
      body.set('duree', String(Date.now() - opened));
      body.set('session', session);
      fetch(form.action, { method: 'POST', body: body, credentials: 'same-origin', headers: { Accept: 'application/json' } })
        .then(function (r) { return r.json().then(function (j) { return { ok: r.ok, j: j }; }); })
        .then(function (x) {
          out.textContent = '';
          if (!x.ok) { out.textContent = 'Choisis ou écris une réponse, puis valide.'; return; }
          c.answered = true;
          var p = document.createElement('p');
          var strong = document.createElement('strong');
          strong.textContent = x.j.correct === null ? 'Réponse enregistrée.' : x.j.correct ? 'Juste !' : 'Pas tout à fait.';
          p.className = x.j.correct === false ? 'faux' : 'juste';
          p.appendChild(strong);
          out.appendChild(p);
          (x.j.feedback || []).forEach(function (f) { var q = document.createElement('p'); q.textContent = f; out.appendChild(q); });
          if (x.j.goto_ms !== null && x.j.goto_ms !== undefined) {
            c.back = x.j.goto_ms / 1000;
            var g = document.createElement('p');
            g.textContent = 'En continuant, tu reverras le passage à partir de ' + clock(c.back) + '.';
            out.appendChild(g);
          } else {
            c.back = null;
          }
        })
        .catch(function () { out.textContent = 'La réponse n\u2019est pas partie : vérifie la connexion et valide à nouveau.'; });
    });
  });
})();
