/* Broadsheet: optional enhancements. Every page works without this file. */
(function () {
  "use strict";

  var root = document.documentElement;
  root.classList.add("js");

  var FOCUSABLE = 'a[href], button:not([disabled]), input:not([disabled]), [tabindex]:not([tabindex="-1"])';

  function visible(el) {
    return el.offsetWidth > 0 || el.offsetHeight > 0 || el.getClientRects().length > 0;
  }

  /* ---------- Dropdowns (the header's Contact menu) ---------- */

  var toggles = Array.prototype.slice.call(document.querySelectorAll(".menu__toggle"));

  function setExpanded(button, open) {
    button.setAttribute("aria-expanded", open ? "true" : "false");
  }

  toggles.forEach(function (button) {
    var item = button.parentElement;
    button.addEventListener("click", function () {
      var open = button.getAttribute("aria-expanded") !== "true";
      toggles.forEach(function (other) { setExpanded(other, false); });
      setExpanded(button, open);
    });
    item.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && button.getAttribute("aria-expanded") === "true") {
        setExpanded(button, false);
        button.focus();
        event.stopPropagation();
      }
    });
    // Tabbing out of the list closes it, as a mouse leaving it would.
    item.addEventListener("focusout", function (event) {
      if (!item.contains(event.relatedTarget)) { setExpanded(button, false); }
    });
  });

  document.addEventListener("click", function (event) {
    toggles.forEach(function (button) {
      if (!button.parentElement.contains(event.target)) { setExpanded(button, false); }
    });
  });

  /* ---------- Off-canvas menu on narrow screens ---------- */

  var nav = document.getElementById("site-nav");
  var navToggle = document.querySelector(".nav-toggle");
  var navClose = document.querySelector(".nav-close");

  function navIsOpen() {
    return nav !== null && nav.classList.contains("is-open");
  }

  function openNav() {
    nav.classList.add("is-animated", "is-open");
    document.body.classList.add("nav-open");
    navToggle.setAttribute("aria-expanded", "true");
    navClose.focus();
  }

  function closeNav(returnFocus) {
    if (!navIsOpen()) { return; }
    nav.classList.remove("is-open");
    document.body.classList.remove("nav-open");
    navToggle.setAttribute("aria-expanded", "false");
    if (returnFocus) { navToggle.focus(); }
  }

  if (nav && navToggle && navClose) {
    navToggle.addEventListener("click", function () {
      if (navIsOpen()) { closeNav(true); } else { openNav(); }
    });
    navClose.addEventListener("click", function () { closeNav(true); });

    document.addEventListener("keydown", function (event) {
      if (!navIsOpen()) { return; }
      if (event.key === "Escape") {
        closeNav(true);
      } else if (event.key === "Tab") {
        // Keep keyboard focus inside the open drawer.
        var items = Array.prototype.filter.call(nav.querySelectorAll(FOCUSABLE), visible);
        if (items.length === 0) { return; }
        var first = items[0];
        var last = items[items.length - 1];
        if (event.shiftKey && document.activeElement === first) {
          event.preventDefault();
          last.focus();
        } else if (!event.shiftKey && document.activeElement === last) {
          event.preventDefault();
          first.focus();
        }
      }
    });

    // A tap on the dimmed page beside the drawer closes it.
    document.addEventListener("click", function (event) {
      if (navIsOpen() && !nav.contains(event.target) && !navToggle.contains(event.target)) {
        closeNav(false);
      }
    });

    // Widening the window past the breakpoint turns the drawer back into the menu bar.
    if (window.matchMedia) {
      var wide = window.matchMedia("(min-width: 60rem)");
      var onChange = function () { if (wide.matches) { closeNav(false); } };
      if (wide.addEventListener) { wide.addEventListener("change", onChange); }
    }
  }

  /* ---------- Search overlay: a modal dialog (focus stays inside, Esc closes) ---------- */

  var overlay = document.getElementById("search-overlay");
  var searchToggle = document.querySelector(".search-toggle");

  if (overlay && searchToggle && typeof overlay.showModal === "function") {
    var input = overlay.querySelector(".search-overlay__input");
    var overlayClose = overlay.querySelector(".search-overlay__close");

    searchToggle.setAttribute("aria-haspopup", "dialog");
    searchToggle.addEventListener("click", function (event) {
      event.preventDefault();
      closeNav(false);
      overlay.showModal();
      input.value = "";
      input.focus();
    });
    overlayClose.addEventListener("click", function () { overlay.close(); });
    // A search field eats the first Esc to clear its text; Esc must close the overlay at once.
    overlay.addEventListener("keydown", function (event) {
      if (event.key === "Escape") {
        event.preventDefault();
        overlay.close();
      }
    });
    overlay.addEventListener("close", function () { searchToggle.focus(); });
  }

  /* ---------- Pictures that fail to load ---------- */

  /* A publisher's image may be gone or refuse us. A card then becomes the no-picture card
     (its section's name in the picture's box), a story loses its empty figure, a Popular
     thumbnail its picture. `error` does not bubble: it is caught on its way down (capture). */
  function pictureFailed(img) {
    var media = img.closest(".card__media");
    if (media) {
      var card = media.closest(".card");
      var kicker = card && card.querySelector(".card__kicker");
      var placeholder = document.createElement("span");
      placeholder.className = "card__placeholder";
      placeholder.textContent = kicker ? kicker.textContent.trim() : "";
      media.textContent = "";
      media.appendChild(placeholder);
      media.classList.add("card__media--text");
      if (card) { card.classList.add("card--text"); }
      return;
    }
    var figure = img.closest(".story__figure");
    if (figure) {
      figure.remove();
      return;
    }
    if (img.classList.contains("widget__thumb")) {
      var thumb = document.createElement("span");
      thumb.className = "widget__thumb widget__thumb--text";
      thumb.setAttribute("aria-hidden", "true");
      (img.closest("picture") || img).replaceWith(thumb);
    }
  }

  document.addEventListener("error", function (event) {
    if (event.target instanceof HTMLImageElement) { pictureFailed(event.target); }
  }, true);
  // Those that failed before this deferred script ran.
  Array.prototype.slice.call(document.images).forEach(function (img) {
    if (img.complete && img.naturalWidth === 0 && img.getAttribute("src")) { pictureFailed(img); }
  });

  /* ---------- View beacon: one count per article page view ---------- */

  var story = document.querySelector("article[data-article-id]");
  if (story && navigator.sendBeacon && !document.querySelector(".preview-banner")) {
    navigator.sendBeacon("/v/", new URLSearchParams({ a: story.getAttribute("data-article-id") }));
  }
})();
