/** Small DOM helpers. Text always goes through textContent; there is no innerHTML anywhere. */

export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  className?: string,
  text?: string,
  attributes: Record<string, string> = {},
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  if (className) element.className = className;
  if (text !== undefined) element.textContent = text;
  for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, value);
  return element;
}

export function button(
  label: string,
  title: string,
  onClick: () => void,
  className = "tool",
): HTMLButtonElement {
  const element = el("button", className, label, { type: "button", title, "aria-label": title });
  element.addEventListener("click", onClick);
  return element;
}

/** Places a floating element at viewport coordinates, kept inside the window. */
export function placeAt(element: HTMLElement, x: number, y: number): void {
  element.style.left = "0px";
  element.style.top = "0px";
  const width = element.offsetWidth;
  const height = element.offsetHeight;
  const left = Math.max(4, Math.min(x, window.innerWidth - width - 4));
  const top = Math.max(4, y + height > window.innerHeight - 4 ? y - height - 8 : y);
  element.style.left = `${left}px`;
  element.style.top = `${top}px`;
}
