/** The hover card and the right-click menu, as DOM. */
import type { RunMode } from "@assetline/core";
import type { CardContent } from "./card";
import { el, placeAt, placeAvoiding } from "./dom";

export class HoverCard {
  readonly element = el("div", "hover-card hidden", undefined, { role: "tooltip", id: "hover-card" });

  constructor(parent: HTMLElement) {
    parent.append(this.element);
  }

  /** Shows the card near (x, y), covering as little of `avoid` (the lit nodes) as it can. */
  show(content: CardContent, x: number, y: number, avoid: readonly DOMRect[] = []): void {
    const parts: HTMLElement[] = [el("div", "card-title", content.title)];
    if (content.subtitle) parts.push(el("div", "card-subtitle", content.subtitle));
    if (content.description) parts.push(el("div", "card-description", content.description));
    const table = el("div", "card-rows");
    for (const row of content.rows) {
      table.append(
        el("span", "card-label", row.label),
        el("span", `card-value${row.tone ? ` ${row.tone}` : ""}`, row.value),
      );
    }
    parts.push(table);
    this.element.replaceChildren(...parts);
    this.element.classList.remove("hidden");
    placeAvoiding(this.element, x, y, avoid);
  }

  hide(): void {
    this.element.classList.add("hidden");
  }
}

export interface MenuActions {
  run(mode: RunMode): void;
  open(): void;
  /** A failed asset whose error has a line in the project: open it. */
  showFailure?: () => void;
}

export class ContextMenu {
  readonly element = el("div", "menu hidden", undefined, { role: "menu", id: "context-menu" });
  private restoreFocus: HTMLElement | SVGElement | undefined;

  constructor(parent: HTMLElement) {
    parent.append(this.element);
    document.addEventListener("pointerdown", (event) => {
      if (!this.element.contains(event.target as Node)) this.hide();
    });
    window.addEventListener("blur", () => this.hide());
    this.element.addEventListener("keydown", (event) => {
      const items = [...this.element.querySelectorAll<HTMLButtonElement>("button")];
      const index = items.indexOf(document.activeElement as HTMLButtonElement);
      if (event.key === "Escape") {
        event.preventDefault();
        this.hide(true);
      } else if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        event.preventDefault();
        const next = (index + (event.key === "ArrowDown" ? 1 : items.length - 1)) % items.length;
        items[next]?.focus();
      }
    });
  }

  get open(): boolean {
    return !this.element.classList.contains("hidden");
  }

  show(title: string, actions: MenuActions, x: number, y: number, canRun: boolean): void {
    this.restoreFocus = (document.activeElement as HTMLElement | SVGElement | null) ?? undefined;
    const item = (label: string, action: () => void, enabled = true) => {
      const element = el("button", "menu-item", label, { type: "button", role: "menuitem" });
      element.disabled = !enabled;
      element.addEventListener("click", () => {
        this.hide(true);
        action();
      });
      return element;
    };
    this.element.replaceChildren(
      el("div", "menu-title", title),
      item("Run", () => actions.run("asset"), canRun),
      item("Run with upstream", () => actions.run("upstream"), canRun),
      item("Run with downstream", () => actions.run("downstream"), canRun),
      el("div", "menu-separator"),
      item("Open definition", () => actions.open()),
      ...(actions.showFailure ? [item("Go to error", actions.showFailure)] : []),
    );
    this.element.classList.remove("hidden");
    placeAt(this.element, x, y);
    this.element.querySelector<HTMLButtonElement>("button:not([disabled])")?.focus();
  }

  hide(returnFocus = false): void {
    if (!this.open) return;
    this.element.classList.add("hidden");
    if (returnFocus) this.restoreFocus?.focus({ preventScroll: true });
  }
}
