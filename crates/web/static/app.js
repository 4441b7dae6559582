// specdex: a little help on top of pages that work without it — an in-page
// filter, copy buttons, and opening the collapsed section a link points at.
(function () {
  "use strict";

  // Open every <details> around the element the URL's fragment names.
  function reveal() {
    var id = location.hash.slice(1);
    if (!id) return;
    var target = document.getElementById(id);
    if (!target) {
      try { target = document.getElementById(decodeURIComponent(id)); } catch (e) { target = null; }
    }
    if (!target) return;
    for (var n = target; n; n = n.parentElement) {
      if (n.tagName === "DETAILS") n.open = true;
    }
    target.scrollIntoView();
  }
  window.addEventListener("hashchange", reveal);

  function filter(input) {
    var words = input.value.toLowerCase().split(/\s+/).filter(Boolean);
    var items = document.querySelectorAll("details.op[data-k], details.schema[data-k]");
    var shown = 0;
    items.forEach(function (el) {
      var key = el.getAttribute("data-k");
      var hit = words.every(function (w) { return key.indexOf(w) !== -1; });
      el.hidden = !hit;
      if (hit) shown++;
    });
    document.querySelectorAll("details.tag").forEach(function (group) {
      var any = group.querySelector("details.op:not([hidden])");
      group.hidden = !any;
      if (words.length) group.open = !!any;
    });
    var count = document.getElementById("filter-count");
    if (count) count.textContent = words.length ? shown + " of " + items.length + " match" : "";
  }

  function copyButtons() {
    document.querySelectorAll("pre.curl, pre.cmd").forEach(function (pre) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "copy";
      button.textContent = "copy";
      button.addEventListener("click", function () {
        var text = pre.querySelector("code").textContent;
        var done = function () { button.textContent = "copied"; setTimeout(function () { button.textContent = "copy"; }, 1200); };
        if (navigator.clipboard) navigator.clipboard.writeText(text).then(done, function () {});
      });
      pre.appendChild(button);
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var input = document.getElementById("filter");
    if (input) {
      input.parentElement.hidden = false; // the filter needs this script
      var timer;
      input.addEventListener("input", function () {
        clearTimeout(timer);
        timer = setTimeout(function () { filter(input); }, 120);
      });
    }
    var picker = document.getElementById("version-picker");
    if (picker) picker.addEventListener("change", function () { picker.form.submit(); });
    copyButtons();
    reveal();
  });
})();
