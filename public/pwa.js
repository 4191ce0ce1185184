// Registers the service worker (/sw.js) and offers "Install" where the browser allows it: the
// header's install button stays hidden until the browser fires `beforeinstallprompt`.
(function () {
  if ("serviceWorker" in navigator) {
    window.addEventListener("load", function () {
      navigator.serviceWorker.register("/sw.js").catch(function (err) {
        console.warn("service worker not registered", err);
      });
    });
  }
  var deferred = null;
  var root = document.documentElement;
  window.addEventListener("beforeinstallprompt", function (event) {
    event.preventDefault();
    deferred = event;
    root.setAttribute("data-installable", "");
  });
  window.addEventListener("appinstalled", function () {
    deferred = null;
    root.removeAttribute("data-installable");
  });
  document.addEventListener("click", function (event) {
    var button = event.target instanceof Element && event.target.closest("[data-install-app]");
    if (!button || !deferred) return;
    var prompt = deferred;
    deferred = null;
    root.removeAttribute("data-installable");
    prompt.prompt();
  });
})();
