// The /query page: YASGUI on our own /sparql endpoint (same origin, nothing fetched from elsewhere).
// The canned queries are examples: clicking one opens it in a new tab; `/query?query=...` does the same.
(() => {
  const box = document.getElementById("yasgui");
  if (!box || !window.Yasgui) return;
  const plain = box.querySelector("form.plain-query");
  const initial = plain.querySelector("textarea").value;
  plain.remove();
  const endpoint = new URL(box.dataset.endpoint, window.location.href).href;
  // Only the completers that work offline: "property" and "class" query lov.linkeddata.es. Set on the
  // defaults, since Yasqe concatenates a configured list with the default one.
  window.Yasgui.Yasqe.defaults.autocompleters = ["prefixes", "variables"];
  const yasgui = new window.Yasgui(box, {
    requestConfig: { endpoint, method: "POST" },
    copyEndpointOnNewTab: true,
    endpointCatalogueOptions: { getData: () => [{ endpoint }] },
    persistenceId: "astana-kg-yasgui",
  });
  const open = (text, name) => {
    const tab = yasgui.addTab(true, { name: name || "Query", requestConfig: { endpoint } });
    tab.setQuery(text);
    return tab;
  };
  window.astanaQuery = { yasgui };
  if (initial.trim()) open(initial);
  document.querySelectorAll("a[data-example]").forEach((link) => link.addEventListener("click", (event) => {
    event.preventDefault();
    open(link.dataset.example, link.textContent);
  }));
})();
