// The check-in QR code of an open session changes every minute. This fetches the current code
// a moment after each change and swaps the image, the link and the count of people present.
// Without it, the page still shows a valid code for up to two minutes after it loaded.
(function () {
  var panel = document.getElementById('qr-panel');
  if (!panel) return;
  var img = document.getElementById('qr'), link = document.getElementById('qr-url'), present = document.getElementById('qr-present');
  function schedule(seconds) {
    setTimeout(refresh, Math.max(1, seconds) * 1000 + 300);
  }
  function refresh() {
    fetch(panel.dataset.src, { credentials: 'same-origin', cache: 'no-store' })
      .then(function (r) { if (!r.ok) throw new Error(r.status); return r.json(); })
      .then(function (d) {
        img.src = d.png;
        img.dataset.url = d.url;
        link.href = d.url;
        link.textContent = d.url;
        present.textContent = d.present;
        schedule(d.seconds);
      })
      .catch(function () { schedule(10); });
  }
  schedule(+panel.dataset.seconds || 60);
})();
