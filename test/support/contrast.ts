import type { Page } from '@playwright/test';

/**
 * Every WCAG 2.2 AA contrast failure on the page, from the colours Chromium renders: text
 * against the background it is drawn on (4.5:1, 3:1 when large), and the borders of inputs and
 * buttons against theirs (3:1). Disabled controls and visually hidden text are exempt.
 */
export function contrastFailures(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const parse = (color: string): [number, number, number, number] => {
      const m = color.match(/[\d.]+/g)?.map(Number) ?? [0, 0, 0];
      return [m[0] ?? 0, m[1] ?? 0, m[2] ?? 0, m[3] ?? 1];
    };
    const luminance = ([r, g, b]: number[]) => {
      const f = (c: number) => {
        const v = c / 255;
        return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
      };
      return 0.2126 * f(r ?? 0) + 0.7152 * f(g ?? 0) + 0.0722 * f(b ?? 0);
    };
    const ratio = (a: number[], b: number[]) => {
      const [x, y] = [luminance(a), luminance(b)];
      return (Math.max(x, y) + 0.05) / (Math.min(x, y) + 0.05);
    };
    /** The background an element is drawn on: the nearest ancestor that paints one. */
    const backgroundOf = (element: Element | null): number[] => {
      for (let e = element; e !== null; e = e.parentElement) {
        const c = parse(getComputedStyle(e).backgroundColor);
        if ((c[3] ?? 1) > 0.5) return c;
      }
      return parse(getComputedStyle(document.documentElement).backgroundColor);
    };
    const out: string[] = [];
    for (const element of document.querySelectorAll('body *')) {
      const style = getComputedStyle(element);
      const box = element.getBoundingClientRect();
      if (style.visibility === 'hidden' || box.width === 0 || box.height === 0) continue;
      if (element.closest('.visually-hidden')) continue;
      const ownText = [...element.childNodes].some(
        (n) => n.nodeType === Node.TEXT_NODE && (n.textContent ?? '').trim() !== '',
      );
      const bg = backgroundOf(element);
      if (ownText) {
        const size = Number.parseFloat(style.fontSize);
        const large = size >= 24 || (size >= 18.66 && Number(style.fontWeight) >= 700);
        const r = ratio(parse(style.color), bg);
        const disabled = (element as HTMLButtonElement).disabled === true;
        if (!disabled && r < (large ? 3 : 4.5))
          out.push(`text "${element.textContent?.trim().slice(0, 30)}" ${r.toFixed(2)}:1`);
      }
      if (element.matches('input:not([type=checkbox]):not([type=radio]), button')) {
        const r = ratio(parse(style.borderTopColor), backgroundOf(element.parentElement));
        const disabled = (element as HTMLButtonElement).disabled === true;
        if (!disabled && r < 3) out.push(`border of ${element.tagName} ${r.toFixed(2)}:1`);
      }
    }
    return out;
  });
}
