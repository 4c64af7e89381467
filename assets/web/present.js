/* Present mode: one agenda point at a time. Left and right arrows (Page Up/Down) move; the
   page around the frame sends {present: "next"|"previous"|"first"|"last"} messages for its
   buttons and for the keys pressed while it has the focus. The point shown is in the URL's
   hash, so a reload stays where it was. */
(function () {
  "use strict";
  var points = Array.prototype.slice.call(document.querySelectorAll("main > section[id]"));
  if (!points.length) { return; }
  document.body.classList.add("presenting");
  /* where we are: shown by the page around the frame, else in a corner of our own */
  var framed = window.parent !== window;
  var position = document.createElement("div");
  position.className = "present-position";
  position.setAttribute("aria-live", "polite");
  if (!framed) { document.body.appendChild(position); }
  var current = 0;

  function show(index) {
    current = Math.max(0, Math.min(points.length - 1, index));
    points.forEach(function (point, i) { point.classList.toggle("presented", i === current); });
    var heading = points[current].querySelector("h2, h1");
    position.textContent = (current + 1) + " / " + points.length +
      (heading ? " \u00b7 " + heading.textContent.trim() : "");
    window.scrollTo(0, 0);
    window.dispatchEvent(new Event("resize"));  /* charts hidden until now take their size */
    try { history.replaceState(null, "", "#" + points[current].id); } catch (e) { /* sandbox */ }
    if (framed) {
      window.parent.postMessage({presenting: points[current].id, index: current,
                                 count: points.length}, "*");
    }
  }

  function move(where) {
    if (where === "next") { show(current + 1); }
    else if (where === "previous") { show(current - 1); }
    else if (where === "first") { show(0); }
    else if (where === "last") { show(points.length - 1); }
  }

  /* left and right move (so do Page Up/Down, as a presenter's clicker sends them); up and
     down still scroll a long point */
  var keys = {ArrowRight: "next", PageDown: "next", ArrowLeft: "previous",
              PageUp: "previous", Home: "first", End: "last"};
  document.addEventListener("keydown", function (event) {
    var where = keys[event.key];
    if (where && !event.altKey && !event.ctrlKey && !event.metaKey) {
      event.preventDefault();
      move(where);
    }
  });
  window.addEventListener("message", function (event) {
    if (event.source === window.parent && event.data && typeof event.data.present === "string") {
      move(event.data.present);
    }
  });
  var start = points.findIndex(function (p) { return "#" + p.id === location.hash; });
  show(start < 0 ? 0 : start);
})();
