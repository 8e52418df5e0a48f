// The ballot card without reloading: pick your district first, and a live "Your choice".
// The card works without this file: the district links and "Check my choice" reload the page.
(function () {
  "use strict";
  var form = document.querySelector("form[data-card]");
  if (!form) { return; }

  form.querySelectorAll("[data-district]").forEach(function (link) {
    link.addEventListener("click", function (event) {
      var id = link.getAttribute("data-district");
      var details = form.querySelector("details[data-poll='" + id + "']");
      if (!details) { return; }
      event.preventDefault();  // keep what is ticked: no reload
      details.parentNode.insertBefore(details, details.parentNode.querySelector("details"));
      details.open = true;
      form.querySelectorAll("[data-district]").forEach(function (other) {
        var chosen = other === link;
        other.classList.toggle("btn-primary", chosen);
        other.classList.toggle("btn-outline-primary", !chosen);
        if (chosen) { other.setAttribute("aria-current", "true"); } else { other.removeAttribute("aria-current"); }
      });
      // Remembered for the next card on this device, as the link without JavaScript does.
      document.cookie = "card_district_" + form.dataset.box + "=" + id +
        "; max-age=5184000; path=/; samesite=lax";
      details.querySelector("summary").focus();
    });
  });

  var summary = document.getElementById("card-summary");
  if (!summary) { return; }
  function text(input) {
    var label = form.querySelector("label[for='" + input.id + "']");
    if (!label) { return input.value; }
    var code = label.querySelector(".badge");
    var name = label.textContent.replace(/\s*\([^)]*zł\)\s*$/, "").trim();
    return code ? code.textContent + " " + name.slice(code.textContent.length).trim() : name;
  }
  function update() {
    summary.querySelectorAll("[data-summary]").forEach(function (row) {
      var key = row.getAttribute("data-summary");
      var max = parseInt(row.getAttribute("data-max"), 10);
      var chosen = Array.prototype.slice.call(
        form.querySelectorAll("input[name='" + key + "-options']:checked"));
      var abstain = form.querySelector("input[name='" + key + "-abstain']");
      var choice = chosen.length ? chosen.map(text).join("; ")
        : (abstain && abstain.checked ? summary.dataset.abstain : summary.dataset.none);
      row.querySelector("[data-summary-choice]").textContent = choice;
      row.querySelector("[data-summary-counter]").textContent = summary.dataset.counter
        .replace("{n}", chosen.length).replace("{max}", max)
        .replace("{left}", Math.max(max - chosen.length, 0));
    });
  }
  form.addEventListener("change", update);
}());
