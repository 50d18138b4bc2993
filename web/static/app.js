// Progressive enhancement only: every page works without this file.
"use strict";

// Copy-citation buttons are hidden until there is a clipboard to copy to. What happened is said to screen
// readers too (the page's status line); where the browser refuses to copy, the citation is selected instead.
function enableCopyButtons() {
  if (!navigator.clipboard) return;
  const { copied, copyFailed } = document.body.dataset;
  const status = document.getElementById("announce");
  for (const button of document.querySelectorAll("button.copy")) {
    const label = button.textContent;
    button.hidden = false;
    button.addEventListener("click", async () => {
      try {
        await navigator.clipboard.writeText(button.dataset.citation);
        button.textContent = copied;
        status.textContent = copied;
        setTimeout(() => { button.textContent = label; }, 1500);
      } catch {
        const cited = button.closest(".citation").querySelector("cite");
        window.getSelection().selectAllChildren(cited);
        status.textContent = copyFailed;
      }
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

// On a narrow screen the results' filters start folded under their summary, so that the results come first
// (style.css keeps them open on a wide one; without this file they are open).
function foldFiltersOnNarrowScreens() {
  const filters = document.querySelector("details.refine");
  if (filters && matchMedia("(max-width: 52rem)").matches) filters.open = false;
}

document.addEventListener("DOMContentLoaded", () => {
  foldFiltersOnNarrowScreens();
  enableCopyButtons();
  enableSuggestions();
});
