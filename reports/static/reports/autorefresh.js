// Reload the page every N seconds while the "refresh automatically" box stays ticked
// (WCAG 2.2.1: people can turn the timing off). Markup: reports/_autorefresh.html.
(function () {
  var box = document.querySelector("[data-autorefresh]");
  if (!box) { return; }
  var seconds = parseInt(box.getAttribute("data-autorefresh"), 10) || 60;
  var toggle = box.querySelector("input[type=checkbox]");
  var key = "wotum-autorefresh-off:" + location.pathname;
  if (sessionStorage.getItem(key)) { toggle.checked = false; }
  var timer = null;
  function arm() {
    clearTimeout(timer);
    if (toggle.checked) { timer = setTimeout(function () { location.reload(); }, seconds * 1000); }
  }
  toggle.addEventListener("change", function () {
    if (toggle.checked) { sessionStorage.removeItem(key); } else { sessionStorage.setItem(key, "1"); }
    arm();
  });
  arm();
})();
