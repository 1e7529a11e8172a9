/* The article form: the Publish button reads "Schedule" while the publish time is in the
 * future. Times are typed in the site's zone; the body's data-admin-utc-offset (Django's) is
 * that zone's offset in seconds, so the typed time converts to an instant without guessing. */
(function () {
  "use strict";

  function start() {
    var button = document.querySelectorAll("[data-publish-button]");
    var date = document.getElementById("id_published_at_0");
    var time = document.getElementById("id_published_at_1");
    if (!button.length || !date || !time) {
      return;
    }
    var offset = Number(document.body.getAttribute("data-admin-utc-offset") || 0);

    function typedInstant() {
      var d = date.value.trim().match(/^(\d{4})-(\d{1,2})-(\d{1,2})$/);
      if (!d) {
        return null;
      }
      var t = (time.value.trim() || "00:00:00").match(/^(\d{1,2}):(\d{2})(?::(\d{2}))?/);
      if (!t) {
        return null;
      }
      var asUtc = Date.UTC(+d[1], +d[2] - 1, +d[3], +t[1], +t[2], +(t[3] || 0));
      return asUtc - offset * 1000;
    }

    function relabel() {
      var at = typedInstant();
      var label = at !== null && at > Date.now() ? "Schedule" : "Publish";
      button.forEach(function (b) {
        b.textContent = label;
      });
    }
    [date, time].forEach(function (input) {
      input.addEventListener("input", relabel);
      input.addEventListener("change", relabel);
    });
    // The calendar and clock shortcuts set values without input events.
    document.addEventListener("click", function () {
      window.setTimeout(relabel, 0);
    });
    relabel();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
