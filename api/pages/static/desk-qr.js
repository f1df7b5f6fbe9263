// The desk's QR code for check-in renews itself: every 30 seconds it fetches the current
// code (the code changes each minute and holds for two) and swaps the image and the link.
// Without this script the page's "refresh" link does the same by hand.
(function () {
  "use strict";
  var box = document.getElementById("checkin-qr");
  if (!box) { return; }
  var image = document.getElementById("checkin-qr-img");
  var link = document.getElementById("checkin-link");
  var source = box.getAttribute("data-code-url");

  function renew() {
    fetch(source, { credentials: "same-origin", cache: "no-store",
                    headers: { "Accept": "application/json" } })
      .then(function (answer) { return answer.ok ? answer.json() : null; })
      .then(function (current) {
        if (!current) { return; }
        if (!current.open) { box.hidden = true; return; }
        image.src = current.qr;
        link.href = current.url;
        box.setAttribute("data-checkin-url", current.url);
      })
      .catch(function () { /* the next round tries again */ });
  }

  window.setInterval(renew, 30000);
}());
