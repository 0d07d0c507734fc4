// Keep a bulk export's progress bar up to date: poll its JSON every second
// until it is done (show the download link) or failed (show the error and
// the Resume button). Loaded from a file: the CSP forbids inline scripts.
(function () {
  "use strict";

  var box = document.getElementById("record-export");
  if (!box) {
    return;
  }
  var url = box.getAttribute("data-progress-url");
  var bar = document.getElementById("export-bar");
  var status = document.getElementById("export-status");
  var error = document.getElementById("export-error");
  var download = document.getElementById("export-download");
  var resume = document.getElementById("export-resume");
  var INTERVAL = 1000;

  function words(job) {
    var count = job.done + " of " + job.total;
    if (job.status === "queued") {
      return "Waiting to start.";
    }
    if (job.status === "running") {
      return "Issuing records: " + count + ".";
    }
    if (job.status === "done") {
      return "Done: " + count + " records issued.";
    }
    return "Stopped: " + count + " records issued.";
  }

  function show(job) {
    bar.max = job.total || 1;
    bar.value = job.done;
    bar.textContent = job.done + " of " + job.total;
    status.textContent = words(job);
    error.textContent = job.error || "";
    error.hidden = !job.error;
    download.hidden = job.status !== "done";
    if (job.status === "failed") {
      resume.hidden = false;
    }
  }

  function poll() {
    fetch(url, { credentials: "same-origin", cache: "no-store", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) {
          throw new Error("HTTP " + response.status);
        }
        return response.json();
      })
      .then(function (job) {
        show(job);
        if (job.status === "queued" || job.status === "running") {
          window.setTimeout(poll, INTERVAL);
        }
      })
      .catch(function () {
        // A hiccup of the network or a restarting server: try again a little later.
        window.setTimeout(poll, INTERVAL * 5);
      });
  }

  var initial = box.getAttribute("data-status");
  if (initial === "queued" || initial === "running") {
    window.setTimeout(poll, INTERVAL);
  }
})();
