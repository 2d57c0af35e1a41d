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

// Upload progress for forms that send files with htmx (hx-encoding="multipart/form-data").
// The form holds a hidden <progress data-upload-progress> and a [data-upload-status] region.
function uploadParts(element) {
  const form = element instanceof Element ? element.closest("form") : null;
  const bar = form && form.querySelector("progress[data-upload-progress]");
  if (!bar) return null;
  const chosen = [...form.querySelectorAll("input[type=file]")].some((input) => input.files.length);
  return chosen ? { bar, status: form.querySelector("[data-upload-status]") } : null;
}

document.body.addEventListener("htmx:beforeRequest", (event) => {
  const parts = uploadParts(event.detail.elt);
  if (!parts) return;
  parts.bar.value = 0;
  parts.bar.textContent = "0%";
  parts.bar.hidden = false;
  if (parts.status) parts.status.textContent = "Uploading your files…";
});

document.body.addEventListener("htmx:xhr:progress", (event) => {
  const parts = uploadParts(event.target);
  if (!parts || !event.detail.lengthComputable || !event.detail.total) return;
  // The response's download progress follows the upload's: never move the bar backwards.
  const percent = Math.round((event.detail.loaded / event.detail.total) * 100);
  if (percent <= parts.bar.value) return;
  parts.bar.value = percent;
  parts.bar.textContent = `${percent}%`;
  if (percent === 100 && parts.status) parts.status.textContent = "Checking your files…";
});

document.body.addEventListener("htmx:afterRequest", (event) => {
  const parts = uploadParts(event.detail.elt);
  if (!parts) return;
  parts.bar.hidden = true;
  if (parts.status && !event.detail.successful) {
    parts.status.textContent = "Your files were not uploaded.";
  }
});
