// tradescreen web UI: progressive enhancement only; every page works without JavaScript.
document.addEventListener("submit", (event) => {
  const form = event.target;
  if (!(form instanceof HTMLFormElement) || form.method.toLowerCase() !== "post") return;
  // prevent double submission (a second verdict or a second audit record)
  for (const button of form.querySelectorAll("button[type=submit]")) {
    window.setTimeout(() => { button.disabled = true; }, 0);
  }
});
document.addEventListener("DOMContentLoaded", () => {
  // move keyboard focus to an error message so screen readers announce it
  const err = document.querySelector(".flash.err");
  if (err) { err.setAttribute("tabindex", "-1"); err.focus(); }
});
