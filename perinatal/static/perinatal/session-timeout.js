// Session timeout warning (WCAG 2.2.1 Timing adjustable).
// The server signs a user out after `data-inactivity` seconds without a request. This
// script opens a modal dialog `data-warning` seconds before, counts down, and lets the
// user stay signed in (a POST that refreshes the session) without losing their place.
// Without JavaScript the server-side timeout still applies and drafts are already saved.

function describe(seconds) {
  if (seconds >= 60) {
    const minutes = Math.ceil(seconds / 60);
    return `${minutes} minute${minutes === 1 ? "" : "s"}`;
  }
  return `${seconds} second${seconds === 1 ? "" : "s"}`;
}

export function initSessionTimeout(dialog) {
  if (!dialog || typeof dialog.showModal !== "function") return;
  const inactivity = Number(dialog.dataset.inactivity) * 1000;
  const warning = Number(dialog.dataset.warning) * 1000;
  const countdown = dialog.querySelector(".app-timeout-dialog__countdown");
  const form = dialog.querySelector("form");
  let deadline = Date.now() + inactivity;
  let warnTimer;
  let tick;
  let lastFocus = null;

  // Signing out is a POST with the page's CSRF token (a GET of the timed-out page only shows it).
  function signOut() {
    const out = document.createElement("form");
    out.method = "post";
    out.action = dialog.dataset.timedOutUrl;
    out.hidden = true;
    const token = form.querySelector("input[name=csrfmiddlewaretoken]");
    if (token) out.append(token.cloneNode());
    document.body.append(out);
    out.submit();
  }

  function schedule() {
    clearTimeout(warnTimer);
    clearInterval(tick);
    deadline = Date.now() + inactivity;
    warnTimer = setTimeout(openWarning, Math.max(0, inactivity - warning));
  }

  function openWarning() {
    lastFocus = document.activeElement;
    dialog.showModal();
    dialog.querySelector("button").focus();
    const update = () => {
      const left = Math.max(0, Math.round((deadline - Date.now()) / 1000));
      countdown.textContent = describe(left);
      if (left <= 0) {
        clearInterval(tick);
        signOut();
      }
    };
    update();
    tick = setInterval(update, 1000);
  }

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const response = await fetch(form.action, {
      method: "POST",
      body: new FormData(form),
      credentials: "same-origin",
      headers: { "X-Requested-With": "fetch" },
    });
    if (response.ok) {
      dialog.close();
      if (lastFocus && typeof lastFocus.focus === "function") lastFocus.focus();
      schedule();
    } else {
      signOut();
    }
  });

  dialog.addEventListener("cancel", (event) => {
    // Escape keeps the user signed in rather than silently dismissing the warning.
    event.preventDefault();
    form.requestSubmit();
  });

  schedule();
}
