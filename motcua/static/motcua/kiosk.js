// The counter tablet: after data-kiosk-idle seconds without a touch, a key or a scroll, go to
// data-kiosk-reset (the waiting screen), so the next citizen never sees the last one's page.
(function () {
  "use strict";
  var body = document.body;
  var url = body.getAttribute("data-kiosk-reset");
  if (!url) { return; }
  var seconds = parseInt(body.getAttribute("data-kiosk-idle") || "30", 10);
  var timer = null;
  function arm() {
    if (timer !== null) { window.clearTimeout(timer); }
    timer = window.setTimeout(function () { window.location.replace(url); }, seconds * 1000);
  }
  ["pointerdown", "touchstart", "keydown", "input", "scroll", "wheel"].forEach(function (name) {
    document.addEventListener(name, arm, { passive: true, capture: true });
  });
  arm();
})();
