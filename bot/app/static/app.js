// otbot's page behaviour, on top of Gradio:
// - [n] in an answer opens its source chip and brings it into view;
// - "Talk to a recruiter" inside a refusal opens the handoff form, which is brought into view
//   however it opens;
// - a new answer is shown from its first line (the chat does not jump to its last source);
// - choosing an article file clears the last upload's message;
// - drafts are downloaded exactly as they are on screen.
(() => {
  const chatLog = () => document.querySelector("#chat [role=log]");

  document.addEventListener(
    "click",
    (event) => {
      const target = event.target instanceof Element ? event.target : null;
      if (!target) return;
      const cite = target.closest("#chat a.cite");
      if (cite) {
        event.preventDefault();
        event.stopPropagation();
        const source = document.getElementById(cite.getAttribute("href").slice(1));
        if (!source) return;
        source.open = true;
        source.scrollIntoView({ block: "nearest" });
        source.classList.add("flash");
        setTimeout(() => source.classList.remove("flash"), 1500);
        return;
      }
      const handoff = target.closest("#chat .handoff-link");
      if (handoff) {
        event.preventDefault();
        event.stopPropagation();
        // Tell the server which reply's link this is, so the form gets that reply's question.
        const rows = [...document.querySelectorAll("#chat .bot-row")];
        const which = document.querySelector("#handoff-for textarea, #handoff-for input");
        if (which) {
          which.value = String(rows.indexOf(handoff.closest(".bot-row")));
          which.dispatchEvent(new Event("input", { bubbles: true }));
        }
        document.querySelector("#handoff-open")?.click();
      }
    },
    true,
  );

  document.addEventListener(
    "change",
    (event) => {
      const target = event.target instanceof Element ? event.target : null;
      if (target && target.closest("#article-upload")) {
        document.querySelector("#upload-started")?.click();
      }
    },
    true,
  );

  // Keep the start of the newest answer in view: when it fits, the whole answer (with what came
  // before above it); when it is longer than the chat, its first line at the top.
  let answered = 0;
  const showNewAnswer = () => {
    const log = chatLog();
    if (!log) return;
    const done = [...log.querySelectorAll(".bot-row")].filter((row) => !row.querySelector(".pending"));
    if (done.length <= answered) {
      answered = done.length;
      return;
    }
    answered = done.length;
    const last = done[done.length - 1];
    const box = log.getBoundingClientRect();
    const row = last.getBoundingClientRect();
    const top = row.top - box.top + log.scrollTop;
    const bottom = row.bottom - box.top + log.scrollTop;
    log.scrollTop = Math.max(0, Math.min(top - 8, bottom - log.clientHeight + 8));
  };
  // The recruiter form, however it opens (a link, a "yes", the button), is brought into view.
  let formShown = false;
  const showForm = () => {
    const form = document.querySelector("#handoff");
    const shown = !!form && form.offsetParent !== null;
    if (shown && !formShown) form.scrollIntoView({ block: "nearest" });
    formShown = shown;
  };
  let scheduled = false;
  new MutationObserver(() => {
    if (scheduled) return;
    scheduled = true;
    requestAnimationFrame(() => {
      scheduled = false;
      showNewAnswer();
      showForm();
    });
  }).observe(document.documentElement, {
    childList: true, subtree: true, characterData: true, attributes: true,
    attributeFilter: ["class", "style", "hidden"],
  });

  window.otbotDownload = (selector, value, filename, kind, nothing) => {
    const box = document.querySelector(selector);
    const text = box ? box.value : value || "";
    if (!text.trim()) return nothing;
    const link = document.createElement("a");
    link.href = URL.createObjectURL(new Blob([text], { type: `${kind};charset=utf-8` }));
    link.download = filename;
    document.body.appendChild(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(link.href), 10000);
    return `Saved ${filename}.`;
  };
})();
