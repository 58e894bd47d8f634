// The question form: similar questions while the title is typed, and a
// preview of the Markdown rendered by the server (the same sanitiser as on
// publication). No inline script: the Content-Security-Policy forbids it.
(function () {
  "use strict";
  const form = document.querySelector("form[data-similar-url]");
  if (!form) return;
  const token = form.querySelector("input[name=csrfmiddlewaretoken]").value;

  const title = form.querySelector("input[name=title]");
  const similarBox = document.getElementById("similar-questions");
  let timer = null;
  let lastAsked = "";
  title.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(async function () {
      const value = title.value.trim();
      if (value.length < 8 || value === lastAsked) return;
      lastAsked = value;
      const url = form.dataset.similarUrl + "?title=" + encodeURIComponent(value);
      const response = await fetch(url, { headers: { "X-Requested-With": "fetch" } });
      if (response.ok) similarBox.innerHTML = await response.text();
    }, 400);
  });

  const button = form.querySelector("[data-preview-button]");
  const target = form.querySelector("[data-preview-target]");
  const body = form.querySelector("textarea[name=body]");
  button.hidden = false;
  button.addEventListener("click", async function () {
    const data = new FormData();
    data.append("body", body.value);
    const response = await fetch(form.dataset.previewUrl, {
      method: "POST",
      body: data,
      headers: { "X-CSRFToken": token },
    });
    if (response.ok) {
      target.innerHTML = await response.text();
      target.hidden = false;
    }
  });
})();
