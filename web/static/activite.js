// Repère: interactive videos. The pages work without this script (every card is a form below
// the video, « Ton bilan » below them). With it, the teacher's editor takes times from the
// video, and the pupil's player has its own controls (a scrubber over the clip only, with the
// cards' markers; speed; captions; fullscreen of the video with its cards), pauses at each
// card and draws it over the video, moves the focus there and announces it, checks answers
// without leaving the page, shows the attempts left, applies the wrong-answer jump and then
// asks the question again, blocks skipping when the teacher asked, shows the end screen (the
// score out of every graded question, a retry when attempts are left), and reports played /
// paused / seeked / completed for xAPI.
(function () {
  'use strict';
  var v = document.getElementById('lecteur');
  if (!v) return;
  var start = parseFloat(v.getAttribute('data-start')) || 0;
  var end = parseFloat(v.getAttribute('data-end')) || 0;

  function clock(s, tenths) {
    // In whole tenths: in floating point 2.4 - 2 is 0.3999…, which would read 02.3.
    var t = tenths ? Math.round(Math.max(0, s) * 10) : Math.floor(Math.max(0, s)) * 10;
    var all = Math.floor(t / 10), m = Math.floor(all / 60), sec = all % 60, d = t % 10;
    var out = (m < 10 ? '0' : '') + m + ':' + (sec < 10 ? '0' : '') + sec;
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
      var take = button('Instant de la vidéo', function () { input.value = clock(v.currentTime, true); mark(); input.focus(); });
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
    // Copy buttons for the edit link and each class's link.
    Array.prototype.forEach.call(document.querySelectorAll('[data-copier]'), function (el) {
      var text = el.getAttribute('data-copier') || el.value;
      var said = document.createElement('span');
      said.setAttribute('role', 'status');
      var copy = button('Copier le lien', function () {
        var done = navigator.clipboard && navigator.clipboard.writeText ? navigator.clipboard.writeText(text) : Promise.reject();
        done.then(function () { said.textContent = ' Copié.'; }, function () {
          if (el.select) { el.focus(); el.select(); }
          said.textContent = ' Sélectionné : Ctrl+C pour copier.';
        });
      });
      el.insertAdjacentElement('afterend', said);
      el.insertAdjacentElement('afterend', copy);
      el.insertAdjacentText('afterend', ' ');
    });

    // The interactions as markers on a timeline of the clip: dragged with the mouse or a
    // finger, or moved with the arrows (a tenth of a second; a second with Shift); each one
    // writes its time in its field, which saving keeps.
    var startField = document.getElementById('debut'), endField = document.getElementById('fin');
    var clipStart = startField ? parseInt(startField.value, 10) / 1000 : start;
    var clipEnd = endField ? parseInt(endField.value, 10) / 1000 : end;
    var fields = Array.prototype.filter.call(document.querySelectorAll('input[id$="_at"]'), function (i) { return /^i\d+_at$/.test(i.id); });
    if (fields.length && clipEnd > clipStart) {
      var line = document.createElement('div');
      line.className = 'frise-editeur';
      var heading = document.createElement('p');
      heading.id = 'frise-titre';
      heading.className = 'aide';
      heading.textContent = 'Frise de l\u2019extrait : faites glisser un repère, ou choisissez-le et utilisez les flèches (Maj : une seconde).';
      var track = document.createElement('div');
      track.className = 'frise-piste';
      function secondsOf(input) {
        var p = input.value.replace(',', '.').split(':'), t = 0;
        for (var i = 0; i < p.length; i++) t = t * 60 + (parseFloat(p[i]) || 0);
        return t;
      }
      fields.forEach(function (input) {
        var n = input.id.match(/^i(\d+)_at$/)[1];
        var legend = document.querySelector('#i' + n + ' legend');
        var name = legend ? legend.textContent.split(' à ')[0] : 'Interaction ' + (parseInt(n, 10) + 1);
        var pin = document.createElement('button');
        pin.type = 'button';
        pin.className = 'frise-repere';
        pin.setAttribute('role', 'slider');
        pin.setAttribute('aria-valuemin', clipStart.toFixed(1));
        pin.setAttribute('aria-valuemax', clipEnd.toFixed(1));
        pin.setAttribute('aria-label', name);
        pin.setAttribute('aria-describedby', 'frise-titre');
        pin.textContent = String(parseInt(n, 10) + 1);
        function place(t, write) {
          t = Math.min(Math.max(t, clipStart), clipEnd);
          pin.style.left = (100 * (t - clipStart) / (clipEnd - clipStart)).toFixed(2) + '%';
          pin.setAttribute('aria-valuenow', t.toFixed(1));
          pin.setAttribute('aria-valuetext', clock(t, true));
          if (write) { input.value = clock(t, true); mark(); }
        }
        place(secondsOf(input), false);
        input.addEventListener('input', function () { place(secondsOf(input), false); });
        pin.addEventListener('keydown', function (e) {
          var step = e.shiftKey ? 1 : 0.1, t = secondsOf(input);
          if (e.key === 'ArrowRight' || e.key === 'ArrowUp') t += step;
          else if (e.key === 'ArrowLeft' || e.key === 'ArrowDown') t -= step;
          else if (e.key === 'Home') t = clipStart;
          else if (e.key === 'End') t = clipEnd;
          else return;
          e.preventDefault();
          place(Math.round(t * 10) / 10, true);
        });
        pin.addEventListener('pointerdown', function (e) {
          pin.setPointerCapture(e.pointerId);
          pin.focus();
          e.preventDefault();
        });
        pin.addEventListener('pointermove', function (e) {
          if (!pin.hasPointerCapture(e.pointerId)) return;
          var box = track.getBoundingClientRect();
          var t = clipStart + (clipEnd - clipStart) * (e.clientX - box.left) / box.width;
          place(Math.round(t * 10) / 10, true);
        });
        pin.addEventListener('click', function () { v.currentTime = secondsOf(input); });
        track.appendChild(pin);
      });
      line.appendChild(heading);
      line.appendChild(track);
      var at = document.getElementById('instant');
      (at || v).insertAdjacentElement('afterend', line);
    }

    // Nothing is lost silently: a change not yet saved is said next to « Enregistrer », and
    // leaving the page with one asks first.
    var form = document.getElementById('editeur');
    var notice = document.getElementById('non-enregistre');
    var dirty = !!document.querySelector('fieldset.interaction.nouvelle');
    function mark() {
      dirty = true;
      if (notice) notice.textContent = 'Modifications non enregistrées.';
    }
    if (dirty && notice) notice.textContent = 'La nouvelle interaction n’est pas encore enregistrée.';
    if (form) {
      form.addEventListener('input', mark);
      form.addEventListener('change', mark);
      form.addEventListener('submit', function () { dirty = false; });
    }
    window.addEventListener('beforeunload', function (e) {
      if (!dirty) return;
      e.preventDefault();
      e.returnValue = '';
    });
    return;
  }

  // ---- The player: its own controls (the scrubber spans the clip only, with the cards'
  // markers), the card drawn over the video (inside fullscreen too), the end screen.
  var list = document.getElementById('etapes');
  var live = document.getElementById('annonce');
  var layer = document.getElementById('carte-active');
  var scene = document.getElementById('scene');
  var summary = document.getElementById('bilan');
  var mode = v.getAttribute('data-avance');
  var must = v.getAttribute('data-obligatoire') === '1';
  var eventsUrl = v.getAttribute('data-evenements');
  var session = Math.random().toString(16).slice(2) + Date.now().toString(16);
  var opened = Date.now();
  var last = start, furthest = start, internal = false, active = null, completed = false;
  var cards = list ? Array.prototype.map.call(list.querySelectorAll('.etape'), function (li) {
    return { li: li, at: parseFloat(li.getAttribute('data-at')), pause: li.getAttribute('data-pause') === '1',
      question: li.getAttribute('data-question') === '1', done: false,
      answered: li.getAttribute('data-repondu') === '1', back: null, home: null };
  }) : [];
  if (list) list.classList.add('js');
  if (summary && summary.getAttribute('data-repondu') !== '1') summary.hidden = true;

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
  function attemptsLeft(c) { return c.li.getAttribute('data-essais'); }  // null: unlimited

  // A card goes over the video while it is active, and back to its place in the list after.
  function show(c) {
    if (!layer || c.home) return;
    c.home = document.createComment('etape');
    c.li.parentNode.insertBefore(c.home, c.li);
    layer.textContent = '';
    var holder = document.createElement('ol');  // a card is an item of the list of steps
    holder.setAttribute('aria-label', 'Étape en cours');
    holder.appendChild(c.li);
    layer.appendChild(holder);
    layer.hidden = false;
  }
  function putBack(c) {
    if (!c.home) return;
    c.home.parentNode.insertBefore(c.li, c.home);
    c.home.parentNode.removeChild(c.home);
    c.home = null;
    if (layer) layer.hidden = true;
  }
  // A question asked again (after « revenir à », or a new try): its answer and feedback go.
  function askAgain(c) {
    c.done = false;
    c.li.classList.remove('vue');
    if (!c.question || attemptsLeft(c) === '0') return;
    c.answered = false;
    var form = c.li.querySelector('form[data-reponse]');
    if (form) form.reset();
    var out = c.li.querySelector('.retour');
    if (out) out.textContent = '';
  }

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
    putBack(c);
    if (c.back !== null) {
      var back = c.back;
      c.back = null;
      cards.forEach(function (k) { if (k.at >= back - 0.05 && k.at <= c.at + 0.05) askAgain(k); });
      say('Retour à ' + clock(back) + ' pour revoir le passage ; la question sera posée à nouveau.');
      jump(back);
    }
    focusPlayer();
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
    show(c);
    c.li.focus();
    say('Vidéo en pause. ' + heading(c));
  }

  // ---- Controls.
  var bar = null, playButton = null, range = null, time = null;
  function focusPlayer() { if (playButton) playButton.focus(); else v.focus(); }
  function fullscreen() {
    if (document.fullscreenElement) { document.exitFullscreen().catch(function () {}); return; }
    if (scene.requestFullscreen) scene.requestFullscreen().catch(function () {});
  }
  function refresh() {
    if (!bar) return;
    var t = Math.min(Math.max(v.currentTime - start, 0), end - start);
    range.value = t.toFixed(1);
    var text = clock(t) + ' / ' + clock(end - start);
    range.setAttribute('aria-valuetext', text);
    time.textContent = text;
    playButton.textContent = v.paused ? 'Lecture' : 'Pause';
  }
  function controls() {
    if (!scene) return;
    v.controls = false;
    bar = document.createElement('div');
    bar.className = 'commandes';
    bar.setAttribute('role', 'group');
    bar.setAttribute('aria-label', 'Commandes de la vidéo');
    playButton = button('Lecture', function () {
      if (v.paused) { var p = v.play(); if (p && p.catch) p.catch(function () {}); } else v.pause();
    });
    playButton.className = 'lecture';
    var track = document.createElement('div');
    track.className = 'piste';
    range = document.createElement('input');
    range.type = 'range';
    range.min = '0';
    range.max = (end - start).toFixed(1);
    range.step = '0.1';
    range.value = '0';
    range.id = 'position';
    range.setAttribute('aria-label', 'Position dans l\u2019extrait');
    range.addEventListener('input', function () { v.currentTime = start + parseFloat(range.value); });
    track.appendChild(range);
    cards.forEach(function (c) {  // the cards' markers on the scrubber
      var m = document.createElement('span');
      m.className = 'repere' + (c.question ? ' question' : '');
      m.style.left = (100 * (c.at - start) / Math.max(end - start, 0.1)).toFixed(2) + '%';
      m.title = heading(c);
      m.setAttribute('aria-hidden', 'true');
      track.appendChild(m);
    });
    time = document.createElement('span');
    time.className = 'temps';
    var speed = window.repere.speedChoice(v);
    speed.setAttribute('aria-label', 'Vitesse de lecture');
    bar.appendChild(playButton);
    bar.appendChild(track);
    bar.appendChild(time);
    bar.appendChild(speed);
    if (v.textTracks && v.textTracks.length) {
      var cc = button('Sous-titres', function () {
        var on = cc.getAttribute('aria-pressed') !== 'true';
        for (var i = 0; i < v.textTracks.length; i++) v.textTracks[i].mode = on && i === 0 ? 'showing' : 'hidden';
        cc.setAttribute('aria-pressed', on ? 'true' : 'false');
      });
      var shown = false;
      for (var i = 0; i < v.textTracks.length; i++) shown = shown || v.textTracks[i].mode === 'showing';
      var def = v.querySelector('track[default]');
      cc.setAttribute('aria-pressed', shown || def ? 'true' : 'false');
      bar.appendChild(cc);
    }
    if (scene.requestFullscreen) {
      var full = button('Plein écran', fullscreen);
      document.addEventListener('fullscreenchange', function () {
        full.textContent = document.fullscreenElement ? 'Quitter le plein écran' : 'Plein écran';
      });
      bar.appendChild(full);
    }
    scene.appendChild(bar);
    v.addEventListener('click', function () { playButton.click(); });
    v.addEventListener('dblclick', function (e) { e.preventDefault(); fullscreen(); });
    ['play', 'pause', 'timeupdate', 'loadedmetadata', 'seeked'].forEach(function (e) { v.addEventListener(e, refresh); });
    refresh();
  }

  // ---- The end screen: the page's « Ton bilan », read again, over the video.
  function endScreen() {
    var url = summary && summary.getAttribute('data-bilan');
    if (!url) { say('Fin de l\u2019extrait.'); return; }
    fetch(location.pathname, { credentials: 'same-origin' })
      .then(function (r) { return r.text(); })
      .then(function (html) {
        var fresh = new DOMParser().parseFromString(html, 'text/html').getElementById('bilan');
        if (!fresh) return;
        summary.innerHTML = fresh.innerHTML;
        summary.hidden = false;
        var score = summary.querySelector('.score');
        say('Fin de l\u2019extrait.' + (score ? ' ' + score.textContent : ''));
        if (!layer) { summary.focus(); return; }
        var screen = document.createElement('div');
        screen.className = 'fin';
        screen.setAttribute('tabindex', '-1');
        screen.setAttribute('aria-labelledby', 'fin-titre');
        screen.innerHTML = fresh.innerHTML.replace('id="bilan-titre"', 'id="fin-titre"');
        var retry = screen.querySelector('.reessai');
        if (retry) {
          retry.textContent = '';
          retry.appendChild(button('Recommencer l\u2019extrait', function () {
            layer.hidden = true;
            completed = false;
            cards.forEach(askAgain);
            jump(start);
            focusPlayer();
            var p = v.play();
            if (p && p.catch) p.catch(function () {});
          }));
        }
        screen.appendChild(button('Fermer', function () { layer.hidden = true; focusPlayer(); }));
        layer.textContent = '';
        layer.appendChild(screen);
        layer.hidden = false;
        screen.focus();
      })
      .catch(function () { say('Fin de l\u2019extrait.'); });
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
      send('completed');
      endScreen();
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
    if (layer && !active) layer.hidden = true;
    if (completed && v.currentTime < end - 0.5) completed = false;
    send('played');
  });
  v.addEventListener('pause', function () { if (!completed) send('paused'); });

  // Answers are checked by the server; the card shows the feedback and the attempts left.
  function noteAttempts(c, left) {
    var submit = c.li.querySelector('button[type=submit]');
    var note = c.li.querySelector('.essais');
    if (!note && submit) {
      note = document.createElement('span');
      note.className = 'meta essais';
      submit.insertAdjacentElement('afterend', note);
      submit.insertAdjacentText('afterend', ' ');
    }
    if (left === null || left === undefined) { if (note) note.textContent = ''; return; }
    c.li.setAttribute('data-essais', String(left));
    if (note) note.textContent = left === 0 ? 'Plus d\u2019essai pour cette question.' : left === 1 ? '1 essai restant.' : left + ' essais restants.';
    if (submit) submit.disabled = left === 0;
  }
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
        .then(function (r) { return r.json().then(function (j) { return { ok: r.ok, status: r.status, j: j }; }); })
        .then(function (x) {
          out.textContent = '';
          if (x.status === 403) {
            c.answered = true;
            noteAttempts(c, 0);
            out.textContent = 'Tu as utilisé tous tes essais : ta réponse enregistrée compte.';
            return;
          }
          if (!x.ok) { out.textContent = 'Choisis ou écris une réponse, puis valide.'; return; }
          c.answered = true;
          var p = document.createElement('p');
          var strong = document.createElement('strong');
          strong.textContent = x.j.correct === null ? 'Réponse enregistrée.' : x.j.correct ? 'Juste !' : 'Pas tout à fait.';
          p.className = x.j.correct === false ? 'faux' : 'juste';
          p.appendChild(strong);
          out.appendChild(p);
          (x.j.feedback || []).forEach(function (f) { var q = document.createElement('p'); q.textContent = f; out.appendChild(q); });
          noteAttempts(c, x.j.attempts_left);
          if (x.j.goto_ms !== null && x.j.goto_ms !== undefined) {
            c.back = x.j.goto_ms / 1000;
            var g = document.createElement('p');
            g.textContent = 'En continuant, tu reverras le passage à partir de ' + clock(c.back) +
              (x.j.attempts_left === 0 ? '.' : ', puis la question te sera posée à nouveau.');
            out.appendChild(g);
          } else {
            c.back = null;
          }
        })
        .catch(function () { out.textContent = 'La réponse n\u2019est pas partie : vérifie la connexion et valide à nouveau.'; });
    });
  });
  controls();
})();
