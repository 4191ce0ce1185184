// The offline page (served by the service worker when a page cannot load): follows the theme,
// reloads when the network is back, and shows the signed-in person's last dashboard, read-only.
(function () {
  try {
    var m = document.cookie.match(/(?:^|; )theme=(light|dark)/);
    var dark = m ? m[1] === "dark" : window.matchMedia("(prefers-color-scheme: dark)").matches;
    document.documentElement.classList.toggle("dark", dark);
  } catch (e) {}
  // Back when the server answers, not merely when the browser says it is online: the `online`
  // event fires once, possibly before the network really carries requests (a reload then lands
  // here again, with no second event), and never when it was the server that was away.
  var reloading = false;
  function comeBack() {
    if (reloading || navigator.onLine === false) return;
    fetch("/health", { cache: "no-store" })
      .then(function (res) {
        if (res.ok && !reloading) {
          reloading = true;
          location.reload();
        }
      })
      .catch(function () {});
  }
  window.addEventListener("online", comeBack);
  setInterval(comeBack, 3000);
  document.getElementById("retry").addEventListener("click", function () {
    location.reload();
  });
  fetch("/offline/last-dashboard")
    .then(function (res) {
      if (!res.ok) return null;
      var saved = res.headers.get("x-concierge-saved-at");
      return res.text().then(function (html) {
        return { html: html, saved: saved };
      });
    })
    .then(function (copy) {
      if (!copy) return;
      // Parsed, not executed: DOMParser runs no scripts. What stays is the page's own markup.
      var doc = new DOMParser().parseFromString(copy.html, "text/html");
      var main = doc.querySelector("main");
      if (!main) return;
      main.querySelectorAll("script, style, form, button, input, textarea, select, iframe, [data-offline-skip]").forEach(function (n) {
        n.remove();
      });
      var slot = document.getElementById("snapshot");
      slot.replaceChildren.apply(slot, Array.prototype.map.call(main.childNodes, function (n) {
        return document.importNode(n, true);
      }));
      // One main heading per page, this page's own: the copy's goes one level down.
      slot.querySelectorAll("h1").forEach(function (h1) {
        var h2 = document.createElement("h2");
        h2.className = h1.className;
        while (h1.firstChild) h2.appendChild(h1.firstChild);
        h1.replaceWith(h2);
      });
      if (copy.saved) {
        var t = document.getElementById("saved-at");
        t.dateTime = copy.saved;
        t.textContent = "on " + new Date(copy.saved).toLocaleString();
      }
      document.getElementById("last-seen").hidden = false;
    })
    .catch(function () {});
})();
