// A QR code drawn as SVG from a string (npm `uqr`: pure TypeScript, no dependencies, no canvas, no
// inline style — the strict CSP holds). The label names what the code carries for people who
// cannot see it; the value itself can be shown beside it with `showValue`.
import { useMemo } from "preact/hooks";
import { encode } from "uqr";

export type QrCodeProps = {
  /** The text the code carries (an identity id, a link, a challenge). */
  value: string;
  /** What the code is, read by screen readers ("Identity number as a QR code"). */
  label: string;
  /** Printed under the code, in small type (for example the id itself). */
  caption?: string;
  /** Drawn size in CSS pixels (the SVG scales; modules stay crisp). */
  size?: number;
  class?: string;
};

/** One SVG path for all dark modules: small markup, sharp when printed. */
export function qrPath(value: string): { path: string; size: number } {
  const qr = encode(value, { ecc: "M", border: 4 });
  let path = "";
  qr.data.forEach((row, y) =>
    row.forEach((dark, x) => {
      if (dark) path += `M${x} ${y}h1v1h-1z`;
    }),
  );
  return { path, size: qr.size };
}

export function QrCode({ value, label, caption, size = 240, class: className }: QrCodeProps) {
  const { path, size: modules } = useMemo(() => qrPath(value), [value]);
  return (
    <figure class={`qr ${className ?? ""}`.trim()}>
      <svg
        role="img"
        aria-label={label}
        width={size}
        height={size}
        viewBox={`0 0 ${modules} ${modules}`}
        shape-rendering="crispEdges"
        data-qr-value={value}
      >
        <rect width={modules} height={modules} fill="#fff" />
        <path d={path} fill="#000" />
      </svg>
      {caption && <figcaption class="qr-caption">{caption}</figcaption>}
    </figure>
  );
}
