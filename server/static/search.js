// Search-box autocomplete: an ARIA combobox over /api/search-labels (JSON). Without JavaScript the
// box still submits to /search. Suggestions are built with textContent, never as HTML, and link only
// to our own pages or http(s) addresses (as the server's pages do).
(() => {
  const form = document.querySelector("form.search");
  if (!form) return;
  const input = form.querySelector("input[name=q]");
  const list = form.querySelector(".suggestions");
  let active = -1, timer = null, controller = null;

  const { baseIri, resourceRoot } = form.dataset;
  const resourceUrl = (iri) => (iri.startsWith(baseIri) ? resourceRoot + iri.slice(baseIri.length)
    : /^https?:\/\//i.test(iri) ? iri : null);
  const close = () => { list.hidden = true; list.replaceChildren(); active = -1; input.setAttribute("aria-expanded", "false"); input.removeAttribute("aria-activedescendant"); };
  const mark = (index) => {
    const items = [...list.children];
    items.forEach((li, i) => li.setAttribute("aria-selected", String(i === index)));
    active = index;
    if (items[index]) { input.setAttribute("aria-activedescendant", items[index].id); items[index].scrollIntoView({ block: "nearest" }); }
  };
  const show = (rows) => {
    list.replaceChildren(...rows.map((row, i) => {
      const li = document.createElement("li");
      li.id = "suggestion-" + i; li.setAttribute("role", "option");
      const a = document.createElement("a");
      if (row.href) a.href = row.href;
      a.tabIndex = -1;
      const kind = document.createElement("span");
      kind.className = "kind"; kind.textContent = row.kind;
      a.append(kind, " ", row.label);
      li.append(a);
      return li;
    }));
    list.hidden = rows.length === 0;
    input.setAttribute("aria-expanded", String(rows.length > 0));
    active = -1;
  };
  const suggest = async () => {
    const q = input.value.trim();
    if (q.length < 2) return close();
    controller?.abort();
    controller = new AbortController();
    try {
      const url = form.dataset.suggest + "?" + new URLSearchParams({ q, format: "json" });
      const response = await fetch(url, { signal: controller.signal });
      if (!response.ok) return close();
      const data = await response.json();
      show(data.results.bindings.slice(0, 10).map((b) => ({ href: resourceUrl(b.resource.value), kind: b.kind.value, label: (b.label || b.resource).value })));
    } catch (error) {
      if (error.name !== "AbortError") close();
    }
  };
  input.addEventListener("input", () => { clearTimeout(timer); timer = setTimeout(suggest, 150); });
  input.addEventListener("keydown", (event) => {
    const count = list.children.length;
    if (event.key === "ArrowDown" && count) { event.preventDefault(); mark((active + 1) % count); }
    else if (event.key === "ArrowUp" && count) { event.preventDefault(); mark((active - 1 + count) % count); }
    else if (event.key === "Escape") close();
    else if (event.key === "Enter" && active >= 0) {
      event.preventDefault();
      const link = list.children[active].querySelector("a[href]");
      if (link) window.location.href = link.href;
    }
  });
  input.addEventListener("blur", () => setTimeout(close, 200));
})();
