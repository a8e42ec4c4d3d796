// Repère: the player's interactive transcript. The page works without it: every line is a
// link that reloads the page at its time. With it, a click (or Enter) seeks the player, the
// line being said is highlighted, and a box filters the lines. A document's page shown ten at
// a time: a link to #page-N beyond them asks the server for the ten that hold it.
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
