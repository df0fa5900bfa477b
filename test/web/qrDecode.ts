// Reads back a QR code the web app drew (components/QrCode.tsx draws one SVG path of 1×1 modules):
// the path becomes a bitmap, scaled up with a white margin, and jsQR decodes it as a camera frame.
import jsQRModule from "jsqr";

type Decode = (data: Uint8ClampedArray, width: number, height: number) => { data: string } | null;
// jsqr is CommonJS with an ES-style `export default` in its types: take the function either way.
const jsQR = ((jsQRModule as unknown as { default?: Decode }).default ?? jsQRModule) as unknown as Decode;

export function decodeQrSvg(svg: { viewBox: string; path: string }): string | undefined {
  const modules = Number(svg.viewBox.split(/\s+/)[2]);
  const dark = new Set<string>();
  for (const m of svg.path.matchAll(/M(\d+) (\d+)h1v1h-1z/g)) dark.add(`${m[1]},${m[2]}`);
  const scale = 6;
  const size = modules * scale;
  const pixels = new Uint8ClampedArray(size * size * 4).fill(255);
  for (let y = 0; y < size; y++)
    for (let x = 0; x < size; x++)
      if (dark.has(`${Math.floor(x / scale)},${Math.floor(y / scale)}`)) {
        const i = (y * size + x) * 4;
        pixels[i] = pixels[i + 1] = pixels[i + 2] = 0;
      }
  return jsQR(pixels, size, size)?.data;
}
