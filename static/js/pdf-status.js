// The PDF status page: asks the server every two seconds whether the PDF is
// ready, then shows the download link, without reloading the page.
(function () {
  "use strict";
  const box = document.getElementById("pdf-status");
  if (!box || box.dataset.status !== "pending") return;
  const message = document.getElementById("pdf-status-message");
  const download = document.getElementById("pdf-download");
  const link = document.getElementById("pdf-download-link");
  let delay = 2000;

  function say(templateId) {
    const paragraph = document.createElement("p");
    paragraph.textContent = document.getElementById(templateId).content.textContent;
    message.replaceChildren(paragraph);
  }

  async function poll() {
    try {
      const response = await fetch(box.dataset.statusUrl, { headers: { Accept: "application/json" } });
      if (response.ok) {
        const state = await response.json();
        if (state.status === "ready") {
          say("pdf-ready-text");
          link.href = state.download;
          download.hidden = false;
          link.focus();
          return;
        }
        if (state.status === "failed") {
          window.location.reload();
          return;
        }
      }
    } catch (error) {
      // A network hiccup: try again a little later.
    }
    delay = Math.min(delay * 1.5, 10000);
    setTimeout(poll, delay);
  }
  setTimeout(poll, delay);
})();
