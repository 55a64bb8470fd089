// The exercise's elapsed time, ticking between polls (the server's figure is the page's start).
(function () {
  "use strict";
  function pad(n) { return (n < 10 ? "0" : "") + n; }
  function tick() {
    var els = document.querySelectorAll(".elapsed[data-started]");
    for (var i = 0; i < els.length; i++) {
      var began = Date.parse(els[i].getAttribute("data-started"));
      if (isNaN(began)) continue;
      var s = Math.max(0, Math.floor((Date.now() - began) / 1000));
      els[i].textContent = Math.floor(s / 3600) + ":" + pad(Math.floor(s % 3600 / 60)) + ":" + pad(s % 60);
    }
  }
  document.addEventListener("DOMContentLoaded", function () { window.setInterval(tick, 1000); });
})();
