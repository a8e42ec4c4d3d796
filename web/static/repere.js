// Repère: the player's interactive transcript. The page works without it: every line is a
// link that reloads the page at its time. With it, a click (or Enter) seeks the player, the
// line being said is highlighted, and a box filters the lines. A document's page shown ten at
// a time: a link to #page-N beyond them asks the server for the ten that hold it.
// What the pages' scripts share (activite.js too, loaded after this one).
window.repere = {
  // A choice of playback speeds for `player` (×0,75 to ×2), as a select element.
  speedChoice: function (player) {
    var speed = document.createElement('select');
    [0.75, 1, 1.25, 1.5, 2].forEach(function (r) {
      var o = document.createElement('option');
      o.value = String(r);
      o.textContent = '\u00d7' + String(r).replace('.', ',');
      if (r === 1) o.selected = true;
      speed.appendChild(o);
    });
    speed.addEventListener('change', function () { player.playbackRate = parseFloat(speed.value); });
    return speed;
  }
};
(function () {
  'use strict';
  var wanted = /^#page-(\d+)$/.exec(location.hash);
  if (wanted && document.querySelector('.page-doc') && !document.getElementById('page-' + wanted[1])) {
    var params = new URLSearchParams(location.search);
    params.set('page', wanted[1]);
    location.replace('?' + params.toString() + location.hash);
    return;
  }
})();
(function () {
  'use strict';
  var player = document.getElementById('lecteur');
  var list = document.getElementById('transcription');
  if (!player || !list) return;
  var lines = Array.prototype.slice.call(list.querySelectorAll('li[data-start]'));
  var current = null;
  function seek(seconds) {
    player.currentTime = seconds;
    if (player.paused) { var p = player.play(); if (p && p.catch) p.catch(function () {}); }
  }
  lines.forEach(function (li) {
    var a = li.querySelector('a');
    if (!a) return;
    a.addEventListener('click', function (e) {
      e.preventDefault();
      seek(parseFloat(li.getAttribute('data-start')));
      player.focus();
    });
  });
  player.addEventListener('timeupdate', function () {
    var t = player.currentTime, found = null;
    for (var i = 0; i < lines.length; i++) {
      var s = parseFloat(lines[i].getAttribute('data-start'));
      var e = parseFloat(lines[i].getAttribute('data-end'));
      if (t >= s && t < e) { found = lines[i]; break; }
    }
    if (found === current) return;
    if (current) { current.classList.remove('courante'); current.removeAttribute('aria-current'); }
    current = found;
    if (current) {
      current.classList.add('courante');
      current.setAttribute('aria-current', 'true');
      var top = current.offsetTop - list.offsetTop;
      if (top < list.scrollTop || top > list.scrollTop + list.clientHeight - 40) list.scrollTop = top - 40;
    }
  });
  // The line of the moment asked for (marked by the server) is brought into view.
  current = list.querySelector('li.courante');
  if (current) list.scrollTop = current.offsetTop - list.offsetTop - 40;
  var start = parseFloat(player.getAttribute('data-start'));
  if (start > 0) {
    player.addEventListener('loadedmetadata', function () {
      if (player.currentTime < start) player.currentTime = start;
    }, { once: true });
  }
  var filter = document.querySelector('[data-filtre]');
  if (filter) {
    var fold = function (s) { return s.normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase(); };
    filter.addEventListener('input', function () {
      var q = fold(filter.value.trim());
      lines.forEach(function (li) { li.hidden = q !== '' && fold(li.textContent).indexOf(q) < 0; });
    });
  }
})();
// The content page's player: a speed choice, « Partager à cet instant » (the link follows the
// player: ?t= the second shown), and chapters that seek instead of reloading.
(function () {
  'use strict';
  var player = document.getElementById('lecteur');
  if (!player || document.body.classList.contains('integre') || player.hasAttribute('data-eleve') ||
      player.hasAttribute('data-editeur')) return;
  var share = document.querySelector('[data-partage]');
  var embed = document.querySelector('[data-integration]');
  var said = document.getElementById('lien-instant');
  var tools = document.createElement('p');
  tools.className = 'outils-lecteur';
  var label = document.createElement('label');
  label.textContent = 'Vitesse ';
  label.appendChild(window.repere.speedChoice(player));
  tools.appendChild(label);
  function clock(s) {
    s = Math.floor(s);
    var h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60), r = s % 60;
    return (h ? h + ':' + (m < 10 ? '0' : '') : '') + m + ':' + (r < 10 ? '0' : '') + r;
  }
  function at(url, s) {
    var base = url.split('?')[0];
    return s > 0 ? base + '?t=' + s : base;
  }
  if (share) {
    var button = document.createElement('button');
    button.type = 'button';
    button.className = 'secondaire';
    button.textContent = 'Partager à cet instant';
    var done = document.createElement('span');
    done.setAttribute('role', 'status');
    button.addEventListener('click', function () {
      var s = Math.floor(player.currentTime);
      share.value = at(share.value, s);
      if (embed) embed.value = embed.value.replace(/src="([^"?]*)(\?t=\d+)?"/, function (_, u) { return 'src="' + at(u, s) + '"'; });
      if (said) said.textContent = ' à ' + clock(s);
      var details = share.closest('details');
      if (details) details.open = true;
      var copied = navigator.clipboard && navigator.clipboard.writeText ? navigator.clipboard.writeText(share.value) : Promise.reject();
      copied.then(function () { done.textContent = ' Lien à ' + clock(s) + ' copié.'; },
        function () { share.focus(); share.select(); done.textContent = ' Lien à ' + clock(s) + ' prêt à copier.'; });
    });
    tools.appendChild(document.createTextNode(' '));
    tools.appendChild(button);
    tools.appendChild(done);
  }
  player.insertAdjacentElement('afterend', tools);
  Array.prototype.forEach.call(document.querySelectorAll('.chapitres a[data-instant]'), function (a) {
    a.addEventListener('click', function (e) {
      e.preventDefault();
      player.currentTime = parseFloat(a.getAttribute('data-instant'));
      var p = player.play();
      if (p && p.catch) p.catch(function () {});
      player.focus();
    });
  });
})();
// The reading view's line focus: the lines of a transcript and the sentences of a page can be
// reached by Tab (the first of each text) and walked with the arrow keys, the line in focus
// highlighted. Without this script, the line under the pointer is.
(function () {
  'use strict';
  if (!document.body.classList.contains('lecture-adaptee')) return;
  var groups = document.querySelectorAll('.lignes, .texte-page');
  Array.prototype.forEach.call(groups, function (group) {
    var lines = group.querySelectorAll('.lignes > li, .idee');
    Array.prototype.forEach.call(lines, function (line, i) {
      line.tabIndex = i === 0 ? 0 : -1;
    });
    group.addEventListener('keydown', function (e) {
      if (e.key !== 'ArrowDown' && e.key !== 'ArrowUp') return;
      var at = Array.prototype.indexOf.call(lines, document.activeElement);
      if (at < 0) return;
      var next = lines[at + (e.key === 'ArrowDown' ? 1 : -1)];
      if (!next) return;
      e.preventDefault();
      lines[at].tabIndex = -1;
      next.tabIndex = 0;
      next.focus();
    });
  });
})();
