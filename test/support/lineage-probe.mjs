// What a person sees of the lineage view, measured in the webview's own document: which node
// cards lie inside the pane and how large their text is on screen, and what a hover lights.
// One home for "readable" for the Chromium harness test (test/unit/webview/browser.test.ts) and
// the real VS Code (test/e2e/launch.mjs). Each function runs in the page through Playwright's
// `evaluate`, so it must stay self-contained: no imports, no closures, and no named inner
// functions (tsx would wrap them in a `__name` helper the page does not have).

/**
 * Every node card: inside the pane (`#graph`) or not, and the on-screen size of its key and
 * detail text (font size times the scale the SVG is drawn at, from getScreenCTM).
 */
export function measureLineage() {
  const pane = document.getElementById("graph").getBoundingClientRect();
  const nodes = [...document.querySelectorAll("svg g.node")].map((g) => {
    const box = g.querySelector("rect.card").getBoundingClientRect();
    const [keyPx, detailPx] = [g.querySelector("text.key"), g.querySelector("text.detail")].map((text) =>
      text ? parseFloat(getComputedStyle(text).fontSize) * text.getScreenCTM().a : undefined,
    );
    return {
      key: g.getAttribute("data-key"),
      inside:
        box.left >= pane.left - 0.5 &&
        box.right <= pane.right + 0.5 &&
        box.top >= pane.top - 0.5 &&
        box.bottom <= pane.bottom + 0.5,
      keyPx,
      detailPx,
    };
  });
  const sizes = nodes.flatMap((node) => [node.keyPx, node.detailPx]).filter((size) => size !== undefined);
  return {
    pane: { width: Math.round(pane.width), height: Math.round(pane.height) },
    nodes,
    smallestPx: sizes.length > 0 ? Math.min(...sizes) : undefined,
    transform: document.querySelector("g.viewport")?.getAttribute("transform") ?? undefined,
  };
}

/** While a node is hovered: whether the view is in its hover mode, the lit edges, the neighbours. */
export function hoverState() {
  const lit = document.querySelector("g.highlight path.edge.lit")?.getAttribute("d") ?? "";
  return {
    hovering: document.querySelector("svg.lineage")?.classList.contains("hovering") ?? false,
    edges: lit.split("M").length - 1,
    hovered: document.querySelector("svg g.node.hovered")?.getAttribute("data-key") ?? undefined,
    neighbours: [...document.querySelectorAll("svg g.node.neighbour")]
      .map((g) => g.getAttribute("data-key"))
      .sort(),
    // The hovered card's third line (the state's words) and the hover card's rows.
    stateLine: document.querySelector("svg g.node.hovered text.sub")?.textContent ?? undefined,
    card: Object.fromEntries(
      [...document.querySelectorAll("#hover-card:not(.hidden) .card-label")].map((label) => [
        label.textContent,
        label.nextElementSibling?.textContent ?? "",
      ]),
    ),
  };
}
