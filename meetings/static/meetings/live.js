/* Live meeting screens (BR-6): poll the meeting's state every second with If-None-Match;
   when what this screen shows changes (the state's "screen", as data-live-version), fetch
   this page again and swap the live region, so a live update shows exactly what a reload
   would. Without JavaScript the page works as is. */
(function () {
  "use strict";
  var region = document.querySelector("[data-live-region]");
  if (!region || !window.fetch) { return; }
  var stateUrl = region.getAttribute("data-live-state");
  var version = region.getAttribute("data-live-version");
  var etag = null;
  var announce = document.getElementById("live-announce");

  function busy() {
    /* Never pull the page from under someone choosing or typing. */
    var active = document.activeElement;
    if (active && region.contains(active) && /^(INPUT|SELECT|TEXTAREA)$/.test(active.tagName)) {
      return true;
    }
    return Array.prototype.some.call(region.querySelectorAll("input"), function (input) {
      return (input.type === "checkbox" || input.type === "radio") ? input.checked !== input.defaultChecked
        : (input.type !== "hidden" && input.value !== input.defaultValue);
    });
  }

  function swap(html) {
    var fresh = new DOMParser().parseFromString(html, "text/html").getElementById(region.id);
    if (!fresh) { return false; }
    var focusedId = document.activeElement && region.contains(document.activeElement) ? document.activeElement.id : "";
    region.innerHTML = fresh.innerHTML;
    region.setAttribute("data-live-version", fresh.getAttribute("data-live-version"));
    if (focusedId) {
      var again = document.getElementById(focusedId);
      if (again) { again.focus(); }
    }
    if (announce) {
      var state = region.querySelector("[data-testid=meeting-state]");
      announce.textContent = "";
      announce.textContent = (document.documentElement.lang === "en" ? "Updated: " : "Zaktualizowano: ") + (state ? state.textContent : "");
    }
    return true;
  }

  function refresh(newVersion) {
    if (busy()) { return Promise.resolve(); }
    return fetch(window.location.href, { credentials: "same-origin", cache: "no-store" })
      .then(function (response) { return response.ok ? response.text() : null; })
      .then(function (html) { if (html && swap(html)) { version = String(newVersion); } });
  }

  function tick() {
    var headers = etag ? { "If-None-Match": etag } : {};
    fetch(stateUrl, { credentials: "same-origin", cache: "no-store", headers: headers })
      .then(function (response) {
        if (response.status === 200) {
          etag = response.headers.get("ETag");
          return response.json().then(function (state) {
            if (String(state.screen) !== String(version)) { return refresh(state.screen); }
          });
        }
      })
      .catch(function () { /* offline for a moment: try again next tick */ })
      .then(function () { window.setTimeout(tick, 1000); });
  }
  window.setTimeout(tick, 1000);
})();
