// The offline page (served by the service worker when a page cannot load): follows the theme,
// reloads when the network is back, and shows the signed-in person's last dashboard, read-only.
(function () {
  try {
    var m = document.cookie.match(/(?:^|; )theme=(light|dark)/);
    var dark = m ? m[1] === "dark" : window.matchMedia("(prefers-color-scheme: dark)").matches;
    document.documentElement.classList.toggle("dark", dark);
  } catch (e) {}
  window.addEventListener("online", function () {
    location.reload();
  });
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
      if (copy.saved) {
        var t = document.getElementById("saved-at");
        t.dateTime = copy.saved;
        t.textContent = "on " + new Date(copy.saved).toLocaleString();
      }
      document.getElementById("last-seen").hidden = false;
    })
    .catch(function () {});
})();
