// Start GOV.UK Frontend, and start it again inside anything htmx swaps in.
import { initAll } from "/static/vendor/govuk-frontend.min.js";

initAll();

document.body.addEventListener("htmx:afterSettle", (event) => {
  const swapped = event.detail.elt;
  if (!(swapped instanceof HTMLElement)) return;
  initAll({ scope: swapped });
  // Move focus to what changed so keyboard and screen reader users are not left behind:
  // an error summary first (GOV.UK ErrorSummary focuses itself), else a marked element.
  if (swapped.querySelector(".govuk-error-summary")) return;
  const target = swapped.querySelector("[data-portal-focus]");
  if (target) {
    if (!target.hasAttribute("tabindex")) target.setAttribute("tabindex", "-1");
    target.focus();
  }
});
