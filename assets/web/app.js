/* The page's own script (no library): the progress of a running build, and present mode's
   buttons and keys. Everything works without it, only less smoothly. */
(function () {
  "use strict";

  /* a running job: its steps as they come, then its outcome (the page is reloaded once) */
  var job = document.getElementById("job");
  if (job && job.dataset.done === "no") {
    var poll = function () {
      fetch(job.dataset.status, {credentials: "same-origin"})
        .then(function (response) { return response.json(); })
        .then(function (status) {
          var steps = document.getElementById("steps");
          steps.textContent = "";
          status.steps.forEach(function (s) {
            var li = document.createElement("li");
            var at = document.createElement("span");
            at.className = "at";
            at.textContent = s.at.toFixed(1) + " s";
            li.appendChild(at);
            li.appendChild(document.createTextNode(" " + s.step));
            steps.appendChild(li);
          });
          document.getElementById("state").textContent = "Working\u2026 " + status.seconds.toFixed(0) + " s";
          if (status.done) { location.reload(); } else { setTimeout(poll, 700); }
        })
        .catch(function () { setTimeout(poll, 2000); });
    };
    setTimeout(poll, 300);
  }

  /* present mode: the frame shows one point; these move it */
  var frame = document.getElementById("presented");
  if (frame) {
    var send = function (where) { frame.contentWindow.postMessage({present: where}, "*"); };
    document.querySelectorAll("[data-present]").forEach(function (button) {
      button.addEventListener("click", function () { send(button.dataset.present); });
    });
    var keys = {ArrowRight: "next", PageDown: "next", ArrowLeft: "previous",
                PageUp: "previous", Home: "first", End: "last"};
    document.addEventListener("keydown", function (event) {
      var tag = (event.target.tagName || "").toLowerCase();
      if (tag === "input" || tag === "select" || tag === "textarea") { return; }
      if (keys[event.key] && !event.altKey && !event.ctrlKey && !event.metaKey) {
        event.preventDefault();
        send(keys[event.key]);
      }
    });
    window.addEventListener("message", function (event) {
      if (event.source === frame.contentWindow && event.data && event.data.presenting) {
        document.getElementById("present-where").textContent =
          (event.data.index + 1) + " / " + event.data.count;
        frame.focus();
      }
    });
    var toggle = document.getElementById("toggle-actions");
    var drawer = document.getElementById("actions-drawer");
    var open = function (show) {
      drawer.hidden = !show;
      toggle.setAttribute("aria-expanded", show ? "true" : "false");
    };
    toggle.addEventListener("click", function () { open(drawer.hidden); });
    if (location.hash && location.hash.length > 1) { open(true); }  /* back from adding one */
    document.getElementById("full-screen").addEventListener("click", function () {
      if (document.fullscreenElement) { document.exitFullscreen(); }
      else { document.documentElement.requestFullscreen(); }
    });
  }
})();
