// Click-to-set focal point for the media library's change form. The two number inputs stay the
// record (and work without JavaScript); this only fills them from a click and shows the mark.
(function () {
  "use strict";
  function init() {
    var picker = document.querySelector(".focal-picker");
    var x = document.querySelector('input[data-focal="x"]');
    var y = document.querySelector('input[data-focal="y"]');
    if (!picker || !x || !y) return;
    var image = picker.querySelector(".focal-picker__image");
    var mark = picker.querySelector(".focal-picker__mark");
    function show() {
      var fx = parseFloat(x.value), fy = parseFloat(y.value);
      if (isNaN(fx) || isNaN(fy)) { mark.hidden = true; return; }
      mark.style.left = (fx * 100) + "%";
      mark.style.top = (fy * 100) + "%";
      mark.hidden = false;
    }
    image.addEventListener("click", function (event) {
      var box = image.getBoundingClientRect();
      var clamp = function (v) { return Math.min(1, Math.max(0, v)); };
      x.value = clamp((event.clientX - box.left) / box.width).toFixed(3);
      y.value = clamp((event.clientY - box.top) / box.height).toFixed(3);
      show();
    });
    x.addEventListener("input", show);
    y.addEventListener("input", show);
    show();
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
