// The /ties network: Cytoscape draws the pairs the page already lists in its table (embedded as JSON).
// Clicking an edge, or a pair in the table, loads that pair's evidence and timeline fragment from the
// server into #pair; clicking a country filters the page to its ties.
(() => {
  const source = document.getElementById("ties-data");
  const box = document.getElementById("ties-graph");
  const panel = document.getElementById("pair");
  if (!source || !box || !window.cytoscape) return;
  const { network, pairUrl, filters } = JSON.parse(source.textContent);
  const colourBy = document.getElementById("colour-by");
  box.hidden = false;

  const maxMentions = Math.max(1, ...network.nodes.map((n) => n.mentions));
  const maxTies = Math.max(1, ...network.edges.map((e) => e.ties));
  const mix = (from, to, t) => "#" + [0, 2, 4].map((i) => {
    const a = parseInt(from.slice(1 + i, 3 + i), 16), b = parseInt(to.slice(1 + i, 3 + i), 16);
    return Math.round(a + (b - a) * t).toString(16).padStart(2, "0");
  }).join("");
  // Goldstein runs from -10 (conflict) to +10 (cooperation): red, grey at 0, green.
  const goldsteinColour = (g) => (g === null || g === undefined ? "#999999" : g < 0 ? mix("#bbbbbb", "#d62728", Math.min(-g / 10, 1)) : mix("#bbbbbb", "#2ca02c", Math.min(g / 10, 1)));
  const edgeColour = (edge) => (colourBy.value === "type" ? edge.data("colour") : goldsteinColour(edge.data("goldstein")));

  const cy = window.cytoscape({
    container: box,
    elements: [...network.nodes.map((data) => ({ data })), ...network.edges.map((data) => ({ data }))],
    style: [
      { selector: "node", style: {
        label: "data(label)", "font-size": 12, "text-valign": "bottom", "text-margin-y": 4, color: "#1d232a",
        "background-color": "#0b5cad", width: (n) => 18 + 52 * Math.sqrt(n.data("mentions") / maxMentions), height: (n) => 18 + 52 * Math.sqrt(n.data("mentions") / maxMentions),
      } },
      { selector: "edge", style: {
        width: (e) => 2 + 10 * (e.data("ties") - 1) / Math.max(maxTies - 1, 1), "line-color": edgeColour, "curve-style": "bezier", opacity: 0.85,
        label: "data(ties)", "font-size": 10, "text-background-color": "#fff", "text-background-opacity": 1, "text-background-padding": 2,
      } },
      { selector: "edge:selected", style: { "overlay-color": "#ffbf47", "overlay-opacity": 0.35, "overlay-padding": 4 } },
    ],
    // Rings by number of partners: hubs in the middle.
    layout: { name: "concentric", concentric: (n) => n.degree(), levelWidth: (nodes) => Math.max(nodes.maxDegree() / 4, 1), minNodeSpacing: 40, animate: false },
    minZoom: 0.3, maxZoom: 3,
  });
  window.astanaTies = { cy };

  const showPair = async (edgeId) => {
    const edge = cy.getElementById(edgeId);
    if (edge.empty()) return;
    cy.elements().unselect();
    edge.select();
    const params = new URLSearchParams({ ...filters, a: edge.data("source"), b: edge.data("target") });
    panel.setAttribute("aria-busy", "true");
    try {
      const response = await fetch(pairUrl + "?" + params);
      if (!response.ok) throw new Error(await response.text());
      panel.innerHTML = await response.text(); // our own server-rendered, escaped fragment
      history.replaceState(null, "", "?" + params + "#pair");
    } catch (error) {
      panel.textContent = "Could not load the ties of this pair: " + error.message;
    } finally {
      panel.removeAttribute("aria-busy");
    }
  };
  cy.on("tap", "edge", (event) => showPair(event.target.id()));
  cy.on("tap", "node", (event) => { window.location.search = "?" + new URLSearchParams({ ...filters, country: event.target.id() }); });
  cy.on("mouseover", "edge, node", () => { box.style.cursor = "pointer"; });
  cy.on("mouseout", "edge, node", () => { box.style.cursor = ""; });

  document.querySelectorAll("a.pair-link").forEach((link) => link.addEventListener("click", (event) => {
    event.preventDefault();
    showPair(link.dataset.edge).then(() => panel.querySelector("h2")?.focus());
  }));
  colourBy.addEventListener("change", () => {
    cy.style().update();
    document.querySelectorAll(".legend .scale").forEach((scale) => { scale.hidden = scale.dataset.for !== colourBy.value; });
  });
})();
