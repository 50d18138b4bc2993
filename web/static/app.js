// Progressive enhancement only: every page works without this file.
"use strict";

// Copy-citation buttons are hidden until there is a clipboard to copy to.
function enableCopyButtons() {
  if (!navigator.clipboard) return;
  const copied = document.body.dataset.copied;
  for (const button of document.querySelectorAll("button.copy")) {
    button.hidden = false;
    button.addEventListener("click", async () => {
      await navigator.clipboard.writeText(button.dataset.citation);
      const label = button.textContent;
      button.textContent = copied;
      setTimeout(() => { button.textContent = label; }, 1500);
    });
  }
}

// Live suggestions from /api/suggest (the same endpoint the browser's search box uses).
function enableSuggestions() {
  const input = document.querySelector("input[name=q]");
  const list = document.getElementById("suggestions");
  if (!input || !list) return;
  let pending = null;
  input.addEventListener("input", () => {
    const prefix = input.value;
    if (pending) pending.abort();
    if (prefix.trim().length < 2) { list.replaceChildren(); return; }
    pending = new AbortController();
    fetch("/api/suggest?q=" + encodeURIComponent(prefix), { signal: pending.signal })
      .then((response) => response.json())
      .then(([, completions]) => {
        list.replaceChildren(...completions.map((text) => {
          const option = document.createElement("option");
          option.value = text;
          return option;
        }));
      })
      .catch(() => {});
  });
}

document.addEventListener("DOMContentLoaded", () => {
  enableCopyButtons();
  enableSuggestions();
});
