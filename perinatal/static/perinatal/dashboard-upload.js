// The upload page's progress bar: poll the upload's status endpoint and show how far the
// check has got; when the import is over, load the page again to show its result.
// Without JavaScript the page offers a refresh link instead.
const POLL_MILLISECONDS = 1000;

function startUploadProgress(container) {
  const statusUrl = container.dataset.statusUrl;
  const bar = container.querySelector("progress");
  const words = container.querySelector("#upload-progress-words");
  const refresh = container.querySelector(".app-refresh-link");
  if (!statusUrl || !bar || !words) {
    return;
  }
  if (refresh) {
    refresh.hidden = true;
  }
  let announced = words.textContent;
  let announcedQuarter = -1;

  async function poll() {
    try {
      const response = await fetch(statusUrl, { headers: { Accept: "application/json" }, credentials: "same-origin" });
      if (!response.ok) {
        throw new Error(`status ${response.status}`);
      }
      const status = await response.json();
      bar.value = status.percent;
      bar.textContent = `${status.percent}%`;
      // The live region speaks on a change of phase and every quarter of the file, not
      // every percent, so that screen readers are not flooded.
      const phase = status.words.replace(/: \d+%$/, "");
      const quarter = Math.floor(status.percent / 25);
      if (phase !== announced.replace(/: \d+%$/, "") || quarter !== announcedQuarter || status.finished) {
        words.textContent = status.words;
        announced = status.words;
        announcedQuarter = quarter;
      }
      if (status.finished) {
        window.location.reload();
        return;
      }
    } catch (error) {
      if (refresh) {
        refresh.hidden = false;
      }
    }
    window.setTimeout(poll, POLL_MILLISECONDS);
  }

  window.setTimeout(poll, POLL_MILLISECONDS);
}

document.querySelectorAll('[data-module="app-upload-progress"]').forEach(startUploadProgress);
