// Speaks a page's headline (a new turn, an override) through its live region when it changed
// since the browser last showed this page: the page reloads itself on a change, and a screen
// reader does not read a reloaded page's content as news.
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    var region = document.getElementById("announce");
    if (!region) return;
    var key = "casus-headline:" + region.getAttribute("data-page");
    var now = region.getAttribute("data-headline") || "";
    var before = null;
    try { before = window.sessionStorage.getItem(key); window.sessionStorage.setItem(key, now); }
    catch (e) { return; }  // no storage: nothing to compare with
    if (before !== null && before !== now) {
      // After a pause, so that assistive technology has registered the empty region first.
      window.setTimeout(function () { region.textContent = now; }, 400);
    }
  });
})();
