(function () {
  "use strict";
  // A playlist plays its clips in order, across calls: each clip's audio from its start to its end, then the
  // next. Data comes from the page's data- attributes; the audio is served by the workspace, nothing else loads.
  var audio = document.getElementById("audio");
  var clips = Array.prototype.slice.call(document.querySelectorAll("#clips li[data-src]"));
  if (!audio || !clips.length) { return; }
  var current = -1;
  function play(i) {
    if (i < 0 || i >= clips.length) { audio.pause(); current = -1; mark(); return; }
    current = i;
    var c = clips[i], start = parseFloat(c.getAttribute("data-start"));
    mark();
    var go = function () { audio.currentTime = start; audio.play(); };
    if (audio.getAttribute("src") !== c.getAttribute("data-src")) {
      audio.setAttribute("src", c.getAttribute("data-src"));
      audio.addEventListener("loadedmetadata", go, { once: true });
      audio.load();
    } else { go(); }
  }
  function mark() {
    clips.forEach(function (c, i) { c.classList.toggle("playing", i === current); });
    document.body.setAttribute("data-playing", current);
  }
  audio.addEventListener("timeupdate", function () {
    if (current < 0) { return; }
    if (audio.currentTime >= parseFloat(clips[current].getAttribute("data-end"))) { play(current + 1); }
  });
  clips.forEach(function (c, i) {
    var b = c.querySelector("button.play-clip");
    if (b) { b.addEventListener("click", function () { play(i); }); }
  });
  var all = document.getElementById("play-all");
  if (all) { all.addEventListener("click", function () { play(0); }); }
})();
