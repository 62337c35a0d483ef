/** The filter box: selection text in, selected keys or an error at its column out, with completion. */
import { el } from "./dom";
import { complete, type Completions, type Vocabulary } from "@assetline/core";
import { caretLine, type FilterError } from "./filter";

export class FilterBox {
  readonly element = el("div", "filter");
  readonly input = el("input", "filter-input", undefined, {
    type: "text",
    id: "filter",
    spellcheck: "false",
    autocomplete: "off",
    placeholder: 'Filter: group:ingest, +key:"…"+2, tag:layer=bronze',
    "aria-label": "Filter the graph with an asset selection",
    role: "combobox",
    "aria-autocomplete": "list",
    "aria-expanded": "false",
    "aria-controls": "filter-completions",
  });
  private readonly error = el("div", "filter-error hidden", undefined, { role: "alert", id: "filter-error" });
  private readonly caret = el("div", "filter-caret");
  private readonly message = el("div", "filter-message");
  private readonly popup = el("ul", "completions hidden", undefined, {
    role: "listbox",
    id: "filter-completions",
  });
  private completions: Completions | undefined;
  private active = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;
  vocabulary: Vocabulary = { keys: [], group: [], tag: [], owner: [], kind: [] };

  constructor(private readonly onChange: (text: string) => void) {
    this.error.append(this.caret, this.message);
    this.element.append(this.input, this.error, this.popup);
    this.input.addEventListener("input", () => {
      this.suggest();
      clearTimeout(this.timer);
      this.timer = setTimeout(() => this.onChange(this.input.value), 120);
    });
    this.input.addEventListener("keydown", (event) => this.keydown(event));
    this.input.addEventListener("blur", () => setTimeout(() => this.close(), 150));
    this.popup.addEventListener("pointerdown", (event) => {
      const item = (event.target as Element).closest("li");
      if (!item) return;
      event.preventDefault();
      this.accept(Number(item.getAttribute("data-index")));
    });
  }

  get value(): string {
    return this.input.value;
  }

  set value(text: string) {
    this.input.value = text;
  }

  showError(error: FilterError | undefined): void {
    this.input.classList.toggle("invalid", error !== undefined);
    this.input.setAttribute("aria-invalid", String(error !== undefined));
    if (!error) {
      this.error.classList.add("hidden");
      return;
    }
    this.caret.textContent = caretLine(this.input.value, error);
    this.message.textContent = `Column ${error.column}: ${error.message}`;
    this.error.classList.remove("hidden");
  }

  private keydown(event: KeyboardEvent): void {
    const open = this.completions !== undefined && this.completions.items.length > 0;
    if (event.key === "Escape") {
      if (open) this.close();
      else if (this.input.value) {
        clearTimeout(this.timer);
        this.input.value = "";
        this.onChange("");
      }
      event.preventDefault();
      return;
    }
    if (event.key === " " && event.ctrlKey) {
      event.preventDefault();
      this.suggest(true);
      return;
    }
    if (!open) {
      if (event.key === "Enter") {
        clearTimeout(this.timer);
        this.onChange(this.input.value);
      }
      return;
    }
    const count = this.completions!.items.length;
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      this.active = (this.active + (event.key === "ArrowDown" ? 1 : count - 1)) % count;
      this.paint();
    } else if (event.key === "Enter" || event.key === "Tab") {
      event.preventDefault();
      this.accept(this.active);
    }
  }

  private suggest(force = false): void {
    const caret = this.input.selectionStart ?? this.input.value.length;
    const completions = complete(this.input.value, caret, this.vocabulary);
    const typed = this.input.value.slice(completions.from, caret);
    // After `group:` and the like, values are offered before anything is typed.
    const afterAttribute = completions.from > 0 && this.input.value[completions.from - 1] === ":";
    if ((!force && typed === "" && !afterAttribute) || completions.items.length === 0) {
      this.close();
      return;
    }
    // Nothing to offer when the only candidate is what is already typed.
    if (
      completions.items.length === 1 &&
      completions.items[0]!.insert === this.input.value.slice(completions.from, completions.to)
    ) {
      this.close();
      return;
    }
    this.completions = completions;
    this.active = 0;
    this.paint();
  }

  private paint(): void {
    const items = this.completions?.items ?? [];
    this.popup.replaceChildren(
      ...items.map((item, i) => {
        const li = el("li", i === this.active ? "active" : "", undefined, {
          role: "option",
          "data-index": String(i),
          id: `completion-${i}`,
          "aria-selected": String(i === this.active),
        });
        li.append(el("span", "completion-label", item.label), el("span", "completion-detail", item.detail));
        return li;
      }),
    );
    this.popup.classList.toggle("hidden", items.length === 0);
    this.input.setAttribute("aria-expanded", String(items.length > 0));
    this.input.setAttribute("aria-activedescendant", items.length ? `completion-${this.active}` : "");
    this.popup.querySelector("li.active")?.scrollIntoView({ block: "nearest" });
  }

  private accept(index: number): void {
    const completions = this.completions;
    const item = completions?.items[index];
    if (!completions || !item) return;
    const text = this.input.value;
    this.input.value = text.slice(0, completions.from) + item.insert + text.slice(completions.to);
    const caret = completions.from + item.insert.length;
    this.input.setSelectionRange(caret, caret);
    this.close();
    // An attribute name is half a word: offer its values straight away.
    if (item.insert.endsWith(":")) this.suggest(true);
    clearTimeout(this.timer);
    this.onChange(this.input.value);
  }

  close(): void {
    this.completions = undefined;
    this.popup.classList.add("hidden");
    this.popup.replaceChildren();
    this.input.setAttribute("aria-expanded", "false");
  }
}
