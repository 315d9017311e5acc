(function () {
  "use strict";
  // Playback review: every element with data-seek jumps the audio there (data-play also starts it), words
  // are highlighted as they are spoken, the timeline seeks where it is clicked. All data comes from the
  // page's own data- attributes; nothing is fetched.
  var audio = document.getElementById("audio");
  var duration = parseFloat(document.body.getAttribute("data-duration")) || 0;
  var timeline = document.getElementById("timeline");
  var playhead = document.getElementById("playhead");
  var follow = document.getElementById("follow");
  var caption = document.getElementById("caption");
  var words = Array.prototype.slice.call(document.querySelectorAll("#transcript .w[data-s]"));
  var order = words.map(function (w, i) { return i; });
  var starts = words.map(function (w) { return parseFloat(w.getAttribute("data-s")); });
  var ends = words.map(function (w) { return parseFloat(w.getAttribute("data-e")); });
  order.sort(function (a, b) { return starts[a] - starts[b] || a - b; });
  var sortedStarts = order.map(function (i) { return starts[i]; });
  var cues = Array.prototype.slice.call(document.querySelectorAll("#cues li")).map(function (li) {
    return { s: parseFloat(li.getAttribute("data-s")), e: parseFloat(li.getAttribute("data-e")),
             v: li.getAttribute("data-v"), t: li.textContent };
  });
  var current = null, currentTurn = null, currentCue = null;

  function lastAtOrBefore(arr, t) {  // index of the last value <= t, or -1
    var lo = 0, hi = arr.length - 1, ans = -1;
    while (lo <= hi) {
      var mid = (lo + hi) >> 1;
      if (arr[mid] <= t) { ans = mid; lo = mid + 1; } else { hi = mid - 1; }
    }
    return ans;
  }

  function fmt(t) {
    t = Math.max(0, Math.floor(t));
    var h = Math.floor(t / 3600), m = Math.floor((t % 3600) / 60), s = t % 60;
    var ss = (s < 10 ? "0" : "") + s;
    return h ? h + ":" + (m < 10 ? "0" : "") + m + ":" + ss : m + ":" + ss;
  }

  function wordAt(t) {
    // the word being spoken: the latest to have started, while it lasts (plus a short hold across small gaps)
    var k = lastAtOrBefore(sortedStarts, t + 0.02);
    while (k >= 0) {
      var i = order[k];
      if (t <= ends[i] + 0.6) { return words[i]; }
      if (k > 0 && starts[order[k - 1]] === starts[i]) { k--; continue; }
      return null;
    }
    return null;
  }

  function update() {
    var t = audio ? audio.currentTime : 0;
    if (playhead && duration) { playhead.style.left = Math.min(100, 100 * t / duration) + "%"; }
    if (timeline) {
      timeline.setAttribute("aria-valuenow", t.toFixed(1));
      timeline.setAttribute("aria-valuetext", fmt(t));
    }
    var w = wordAt(t);
    if (w !== current) {
      if (current) { current.classList.remove("now"); }
      if (w) { w.classList.add("now"); }
      current = w;
      var turn = w ? w.closest(".turn") : null;
      if (turn !== currentTurn) {
        if (currentTurn) { currentTurn.classList.remove("current"); }
        if (turn) { turn.classList.add("current"); }
        currentTurn = turn;
      }
      if (w && follow && follow.checked && audio && !audio.paused) { keepInView(w); }
    }
    var c = null;
    for (var j = 0; j < cues.length; j++) {
      if (cues[j].s <= t && t < cues[j].e + 0.3) { c = cues[j]; }
      if (cues[j].s > t) { break; }
    }
    if (c !== currentCue && caption) {
      caption.querySelector(".voice").textContent = c ? c.v + ":" : "";
      caption.querySelector(".text").textContent = c ? c.t : "";
      currentCue = c;
    }
  }

  function keepInView(el) {
    var r = el.getBoundingClientRect();
    var top = 0, player = document.getElementById("player");
    if (player && getComputedStyle(player).position === "sticky") { top = player.getBoundingClientRect().bottom; }
    if (r.top < top + 8 || r.bottom > window.innerHeight - 8) {
      el.scrollIntoView({ block: "center", behavior: "smooth" });
    }
  }

  function seek(t, play) {
    if (!audio || !isFinite(t)) { return; }
    audio.currentTime = Math.max(0, Math.min(t, duration || t));
    if (play) {
      var p = audio.play();
      if (p && p.catch) { p.catch(function () {}); }
    }
    update();
  }

  document.addEventListener("click", function (e) {
    var el = e.target.closest("[data-seek]");
    if (el) {
      e.preventDefault();
      seek(parseFloat(el.getAttribute("data-seek")), el.hasAttribute("data-play"));
      return;
    }
    var w = e.target.closest("#transcript .w[data-s]");
    if (w) { seek(parseFloat(w.getAttribute("data-s")), true); }
  });

  if (timeline) {
    timeline.addEventListener("click", function (e) {
      var track = e.target.closest(".track") || timeline.querySelector(".track");
      var r = track.getBoundingClientRect();
      if (!r.width || !duration) { return; }
      var f = (e.clientX - r.left) / r.width;
      if (f < 0 || f > 1) { return; }
      seek(f * duration, false);
    });
    timeline.addEventListener("keydown", function (e) {
      var step = { ArrowLeft: -5, ArrowRight: 5, PageDown: -30, PageUp: 30 }[e.key];
      if (e.key === "Home") { seek(0, false); e.preventDefault(); }
      else if (e.key === "End") { seek(duration, false); e.preventDefault(); }
      else if (step && audio) { seek(audio.currentTime + step, false); e.preventDefault(); }
    });
  }

  document.addEventListener("keydown", function (e) {
    var tag = (e.target.tagName || "").toLowerCase();
    if (e.key === " " && audio && (tag === "body" || e.target === document.body)) {
      e.preventDefault();
      if (audio.paused) { seek(audio.currentTime, true); } else { audio.pause(); }
    }
  });

  if (audio) {
    var loop = function () { update(); if (!audio.paused) { window.requestAnimationFrame(loop); } };
    audio.addEventListener("play", loop);
    audio.addEventListener("timeupdate", update);
    audio.addEventListener("seeked", update);
    audio.addEventListener("loadedmetadata", function () {
      if (!duration && isFinite(audio.duration)) { duration = audio.duration; }
    });
    audio.addEventListener("error", function () {
      var note = document.getElementById("audio-missing");
      if (note) { note.hidden = false; }
    });
  }
  // a link to a moment (a search hit, a shared comment): report.html#t=75.4 opens the call there
  var at = /^#t=(\d+(?:\.\d+)?)$/.exec(window.location.hash);
  if (audio && at) {
    var go = function () { audio.currentTime = parseFloat(at[1]); update(); };
    if (audio.readyState >= 1) { go(); } else { audio.addEventListener("loadedmetadata", go, { once: true }); }
  }
  update();
})();
