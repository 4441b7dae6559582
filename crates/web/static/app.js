// specdex: a little help on top of pages that work without it — an in-page
// filter, copy buttons, opening the collapsed section a link points at, and
// loading a large API's tag sections when they are opened.
(function () {
  "use strict";

  // The element the URL's fragment names, as written or percent-decoded.
  function named(id) {
    var target = document.getElementById(id);
    if (!target) {
      try { target = document.getElementById(decodeURIComponent(id)); } catch (e) { target = null; }
    }
    return target;
  }

  // Open every <details> around `target` and bring it into view.
  function show(target) {
    if (!target) return;
    for (var n = target; n; n = n.parentElement) {
      if (n.tagName === "DETAILS") n.open = true;
    }
    target.scrollIntoView();
  }

  // Show the element the URL's fragment names. An endpoint of a section not
  // loaded yet is a line: its section comes first, then the endpoint in full.
  function reveal() {
    var id = location.hash.slice(1);
    if (!id) return;
    var target = named(id);
    if (!target) return;
    var group = target.closest("details.tag[data-part]");
    if (group && group !== target) {
      group.open = true;
      load(group).then(function () { show(named(id)); });
      return;
    }
    show(target);
  }
  window.addEventListener("hashchange", reveal);

  // A large API's page has a line per endpoint in each tag's section (a
  // link to its page, and the filter's text); opening the section puts the
  // tag's endpoints in full in their place, from the tag page's fragment.
  // The promise settles when they are in (or the load failed: the lines
  // and their links stay).
  function load(group) {
    if (!group.loading) {
      group.loading = fetch(group.getAttribute("data-part"), { credentials: "same-origin" })
        .then(function (response) {
          if (!response.ok) throw new Error("HTTP " + response.status);
          return response.text();
        })
        .then(function (html) {
          var template = document.createElement("template");
          template.innerHTML = html;
          copyButtons(template.content);
          var lines = group.querySelector("ul.ops");
          if (lines) lines.replaceWith(template.content);
          group.removeAttribute("data-part");
          var input = document.getElementById("filter");
          if (input && input.value.trim()) filter(input);
        })
        .catch(function () { group.loading = null; });
    }
    return group.loading;
  }

  function filter(input) {
    var words = input.value.toLowerCase().split(/\s+/).filter(Boolean);
    var items = document.querySelectorAll(".op[data-k], .schema[data-k]");
    var shown = 0;
    items.forEach(function (el) {
      var key = el.getAttribute("data-k");
      var hit = words.every(function (w) { return key.indexOf(w) !== -1; });
      el.hidden = !hit;
      if (hit) shown++;
    });
    // A large API's schemas are in one collapsed list: open when it has a
    // match.
    var names = document.querySelector("details.schemas");
    if (names && words.length) names.open = !!names.querySelector(".schema:not([hidden])");
    document.querySelectorAll("details.tag").forEach(function (group) {
      var any = !!group.querySelector(".op:not([hidden])");
      group.hidden = !any;
      if (words.length && group.open !== any) {
        // Showing the matching lines loads no section.
        group.quiet = true;
        group.open = any;
      }
    });
    var count = document.getElementById("filter-count");
    if (count) count.textContent = words.length ? shown + " of " + items.length + " match" : "";
  }

  function copyButtons(root) {
    root.querySelectorAll("pre.curl, pre.cmd").forEach(function (pre) {
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
    document.querySelectorAll("details.tag[data-part]").forEach(function (group) {
      group.addEventListener("toggle", function () {
        if (group.quiet) {
          group.quiet = false;
          return;
        }
        if (group.open && group.hasAttribute("data-part")) load(group);
      });
    });
    var picker = document.getElementById("version-picker");
    if (picker) picker.addEventListener("change", function () { picker.form.submit(); });
    copyButtons(document);
    reveal();
  });
})();
