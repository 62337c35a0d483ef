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

/**
 * Places a floating element near a point (x, y), on the side of it that covers least of
 * `avoid` (the rectangles the user is looking at), kept inside the window.
 */
export function placeAvoiding(element: HTMLElement, x: number, y: number, avoid: readonly DOMRect[]): void {
  element.style.left = "0px";
  element.style.top = "0px";
  const width = element.offsetWidth;
  const height = element.offsetHeight;
  const clamp = (left: number, top: number): [number, number] => [
    Math.max(4, Math.min(left, window.innerWidth - width - 4)),
    Math.max(4, Math.min(top, window.innerHeight - height - 4)),
  ];
  const gap = 14;
  const right = window.innerWidth - width - 4;
  const bottom = window.innerHeight - height - 4;
  // By the pointer first (where the eye is), then the window's corners.
  const candidates = [
    clamp(x + gap, y + gap),
    clamp(x - gap - width, y + gap),
    clamp(x + gap, y - gap - height),
    clamp(x - gap - width, y - gap - height),
    clamp(right, bottom),
    clamp(4, bottom),
    clamp(right, 4),
    clamp(4, 4),
  ];
  const covered = ([left, top]: [number, number]): number =>
    avoid.reduce((sum, rect) => {
      const w = Math.min(left + width, rect.right) - Math.max(left, rect.left);
      const h = Math.min(top + height, rect.bottom) - Math.max(top, rect.top);
      return sum + (w > 0 && h > 0 ? w * h : 0);
    }, 0);
  let best = candidates[0]!;
  let least = covered(best);
  for (const candidate of candidates.slice(1)) {
    if (least === 0) break;
    const area = covered(candidate);
    if (area < least) [best, least] = [candidate, area];
  }
  element.style.left = `${best[0]}px`;
  element.style.top = `${best[1]}px`;
}
