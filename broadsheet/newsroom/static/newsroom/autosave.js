/* Newsroom autosave and presence for the article form.
 *
 * Autosave: ~10 s after a change, and when the tab is hidden or closed, the form's fields are
 * posted to the admin's autosave endpoint, kept aside per user and article (never written to
 * the article). On opening, a banner offers an autosave newer than the stored article.
 * Presence: a heartbeat every ~15 s says the form is open, and its answer names anyone else
 * who has it open. Everything it needs is in #bs-drafts's data- attributes.
 */
(function () {
  "use strict";

  var AUTOSAVE_DELAY_MS = 10000;
  var HEARTBEAT_MS = 15000;
  // keepalive requests (sent while the page is closing) are capped at 64 KiB by browsers.
  var KEEPALIVE_LIMIT = 60000;
  var SKIPPED_TYPES = ["file", "submit", "button", "reset", "image", "password"];

  function start() {
    var root = document.getElementById("bs-drafts");
    var form = root && root.closest("form");
    if (!form) {
      return;
    }
    var tokenInput = form.querySelector("input[name=csrfmiddlewaretoken]");
    var csrf = tokenInput ? tokenInput.value : "";
    var statusLine = root.querySelector(".bs-autosave-status");
    var presenceLine = root.querySelector(".bs-presence");
    var articleId = root.dataset.article ? parseInt(root.dataset.article, 10) : null;
    var dirty = false;
    var timer = null;
    var submitting = false;

    function send(url, payload, keepalive) {
      var body = JSON.stringify(payload);
      return fetch(url, {
        method: "POST",
        credentials: "same-origin",
        keepalive: Boolean(keepalive) && body.length < KEEPALIVE_LIMIT,
        headers: { "Content-Type": "application/json", "X-CSRFToken": csrf },
        body: body
      });
    }

    function skipped(element) {
      return (
        !element.name ||
        element.disabled ||
        element.name === "csrfmiddlewaretoken" ||
        element.name.charAt(0) === "_" ||
        SKIPPED_TYPES.indexOf(element.type) !== -1
      );
    }

    /* The form's fields by name, and the text of chosen options (autocompletes only hold
     * the chosen ones, so restoring must be able to add them back). */
    function collect() {
      var fields = {};
      var labels = {};
      Array.prototype.forEach.call(form.elements, function (element) {
        if (skipped(element)) {
          return;
        }
        if (element.type === "checkbox") {
          fields[element.name] = element.checked ? element.value : "";
        } else if (element.type === "radio") {
          if (element.checked) {
            fields[element.name] = element.value;
          }
        } else if (element.tagName === "SELECT") {
          var chosen = Array.prototype.filter.call(element.options, function (option) {
            return option.selected;
          });
          labels[element.name] = {};
          chosen.forEach(function (option) {
            labels[element.name][option.value] = option.textContent;
          });
          var values = chosen.map(function (option) {
            return option.value;
          });
          fields[element.name] = element.multiple ? values : values[0] || "";
        } else {
          fields[element.name] = element.value;
        }
      });
      return { article: articleId, fields: fields, labels: labels };
    }

    function show(text) {
      if (statusLine) {
        statusLine.textContent = text;
      }
    }

    function save(keepalive) {
      if (!dirty || submitting) {
        return;
      }
      dirty = false;
      window.clearTimeout(timer);
      timer = null;
      show("Saving draft…");
      send(root.dataset.autosaveUrl, collect(), keepalive)
        .then(function (response) {
          return response.json().then(function (answer) {
            if (!response.ok) {
              throw new Error(answer.error || response.statusText);
            }
            show(answer.label);
          });
        })
        .catch(function (error) {
          dirty = true;
          show("Draft not saved: " + error.message);
        });
    }

    function changed() {
      if (submitting) {
        return;
      }
      dirty = true;
      if (timer === null) {
        timer = window.setTimeout(function () {
          timer = null;
          save(false);
        }, AUTOSAVE_DELAY_MS);
      }
    }

    function ensureOption(select, value, label) {
      var found = Array.prototype.some.call(select.options, function (option) {
        return option.value === value;
      });
      if (!found) {
        select.appendChild(new Option(label || value, value));
      }
    }

    function fill(saved) {
      var fields = saved.fields || {};
      var labels = saved.labels || {};
      Array.prototype.forEach.call(form.elements, function (element) {
        if (skipped(element) || !Object.prototype.hasOwnProperty.call(fields, element.name)) {
          return;
        }
        var value = fields[element.name];
        if (element.type === "checkbox") {
          element.checked = value !== "";
        } else if (element.type === "radio") {
          element.checked = element.value === value;
        } else if (element.tagName === "SELECT") {
          var wanted = Array.isArray(value) ? value : [value];
          var texts = labels[element.name] || {};
          wanted.forEach(function (item) {
            if (item !== "") {
              ensureOption(element, item, texts[item]);
            }
          });
          Array.prototype.forEach.call(element.options, function (option) {
            option.selected = wanted.indexOf(option.value) !== -1;
          });
          // Autocompletes (Select2) redraw on change.
          element.dispatchEvent(new Event("change", { bubbles: true }));
        } else {
          element.value = value;
          if (element.id === "id_body") {
            // The shared contract with the rich-text editor: it reloads from the textarea.
            element.dispatchEvent(new CustomEvent("bs:body-replaced", { bubbles: true }));
          }
        }
      });
    }

    function discard() {
      return send(root.dataset.discardUrl, { article: articleId }, false);
    }

    var banner = root.querySelector(".bs-autosave-banner");
    var data = document.getElementById("bs-autosave-data");
    if (banner && data) {
      var saved = JSON.parse(data.textContent);
      banner.querySelector(".bs-autosave-restore").addEventListener("click", function () {
        fill(saved);
        banner.remove();
        show("Restored the autosaved version from " + saved.label + ": Save to keep it.");
        changed();
      });
      banner.querySelector(".bs-autosave-discard").addEventListener("click", function () {
        discard().then(function () {
          banner.remove();
          show("Autosaved version discarded.");
        });
      });
    }

    form.addEventListener("input", changed);
    form.addEventListener("change", changed);
    if (window.django && window.django.jQuery) {
      // Select2 reports its changes through jQuery only.
      window.django.jQuery(form).on("change", "select", changed);
    }
    form.addEventListener("submit", function () {
      submitting = true;
      window.clearTimeout(timer);
    });
    document.addEventListener("visibilitychange", function () {
      if (document.visibilityState === "hidden") {
        save(true);
      }
    });
    window.addEventListener("pagehide", function () {
      save(true);
      if (root.dataset.presenceUrl && !submitting) {
        send(root.dataset.presenceUrl, { leaving: true }, true);
      }
    });

    function heartbeat() {
      send(root.dataset.presenceUrl, {}, false)
        .then(function (response) {
          return response.ok ? response.json() : { others: [] };
        })
        .then(function (answer) {
          presenceLine.textContent = answer.others.join("; ");
          presenceLine.hidden = answer.others.length === 0;
        })
        .catch(function () {
          // Offline for a moment: the next beat tries again.
        });
    }
    if (root.dataset.presenceUrl && presenceLine) {
      window.setInterval(heartbeat, HEARTBEAT_MS);
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
