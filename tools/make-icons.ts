/**
 * Generates the Teams app icons in appPackage/ (committed PNGs; rerun after changing the design):
 *   color.png   192×192  NHS blue (#005EB8) rounded square, white speech bubble with a blue tick
 *   outline.png  32×32   the same bubble and tick as a white outline on a transparent background
 *
 * Shapes are signed-distance functions in a 0..1 unit square, rendered with 8×8 supersampling
 * so edges are anti-aliased. Usage: `npx tsx tools/make-icons.ts`.
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { PNG } from 'pngjs';

type Point = readonly [number, number];
type Sdf = (x: number, y: number) => number;
type Rgb = readonly [number, number, number];

const NHS_BLUE: Rgb = [0x00, 0x5e, 0xb8];
const WHITE: Rgb = [0xff, 0xff, 0xff];

function roundedRect(x0: number, y0: number, x1: number, y1: number, r: number): Sdf {
  const cx = (x0 + x1) / 2;
  const cy = (y0 + y1) / 2;
  const hx = (x1 - x0) / 2 - r;
  const hy = (y1 - y0) / 2 - r;
  return (x, y) => {
    const qx = Math.abs(x - cx) - hx;
    const qy = Math.abs(y - cy) - hy;
    return Math.hypot(Math.max(qx, 0), Math.max(qy, 0)) + Math.min(Math.max(qx, qy), 0) - r;
  };
}

/** Exact signed distance to a simple polygon (negative inside). */
function polygon(points: readonly Point[]): Sdf {
  return (x, y) => {
    let d = Infinity;
    let inside = false;
    for (let i = 0, j = points.length - 1; i < points.length; j = i++) {
      const [ax, ay] = points[i]!;
      const [bx, by] = points[j]!;
      const ex = bx - ax;
      const ey = by - ay;
      const t = Math.max(0, Math.min(1, ((x - ax) * ex + (y - ay) * ey) / (ex * ex + ey * ey)));
      d = Math.min(d, Math.hypot(x - ax - ex * t, y - ay - ey * t));
      if (ay > y !== by > y && x < ((bx - ax) * (y - ay)) / (by - ay) + ax) inside = !inside;
    }
    return inside ? -d : d;
  };
}

/** A polyline stroked with round caps and joins, `width` wide. */
function stroke(points: readonly Point[], width: number): Sdf {
  return (x, y) => {
    let d = Infinity;
    for (let i = 1; i < points.length; i++) {
      const [ax, ay] = points[i - 1]!;
      const [bx, by] = points[i]!;
      const ex = bx - ax;
      const ey = by - ay;
      const t = Math.max(0, Math.min(1, ((x - ax) * ex + (y - ay) * ey) / (ex * ex + ey * ey)));
      d = Math.min(d, Math.hypot(x - ax - ex * t, y - ay - ey * t));
    }
    return d - width / 2;
  };
}

const union =
  (...shapes: Sdf[]): Sdf =>
  (x, y) =>
    Math.min(...shapes.map((s) => s(x, y)));
const ring =
  (shape: Sdf, width: number): Sdf =>
  (x, y) =>
    Math.max(shape(x, y), -(shape(x, y) + width));

interface Layer {
  shape: Sdf;
  color: Rgb;
}

function render(size: number, layers: Layer[], background: Rgb | null): PNG {
  const png = new PNG({ width: size, height: size });
  const ss = 8;
  for (let py = 0; py < size; py++) {
    for (let px = 0; px < size; px++) {
      // Straight (non-premultiplied) accumulation of "over" compositing per subsample.
      let r = 0;
      let g = 0;
      let b = 0;
      let a = 0;
      for (let sy = 0; sy < ss; sy++) {
        for (let sx = 0; sx < ss; sx++) {
          const x = (px + (sx + 0.5) / ss) / size;
          const y = (py + (sy + 0.5) / ss) / size;
          let c: Rgb | null = background;
          for (const layer of layers) if (layer.shape(x, y) <= 0) c = layer.color;
          if (c) {
            r += c[0];
            g += c[1];
            b += c[2];
            a += 1;
          }
        }
      }
      const i = (py * size + px) * 4;
      png.data[i] = a ? Math.round(r / a) : 0;
      png.data[i + 1] = a ? Math.round(g / a) : 0;
      png.data[i + 2] = a ? Math.round(b / a) : 0;
      png.data[i + 3] = Math.round((255 * a) / (ss * ss));
    }
  }
  return png;
}

// The glyph: a speech bubble (conversation, check-in) with a tick (done, acknowledged).
const bubble = union(
  roundedRect(0.19, 0.2, 0.81, 0.68, 0.11),
  polygon([
    [0.3, 0.6],
    [0.3, 0.83],
    [0.5, 0.6],
  ]),
);
const tick: Point[] = [
  [0.37, 0.44],
  [0.46, 0.53],
  [0.64, 0.35],
];

export function makeColorIcon(): PNG {
  return render(
    192,
    [
      { shape: roundedRect(0, 0, 1, 1, 0.18), color: NHS_BLUE },
      { shape: bubble, color: WHITE },
      { shape: stroke(tick, 0.075), color: NHS_BLUE },
    ],
    null,
  );
}

export function makeOutlineIcon(): PNG {
  // Scaled up slightly so the 2px-ish lines stay legible at 32×32.
  const k =
    (s: Sdf): Sdf =>
    (x, y) =>
      s((x - 0.5) * 0.86 + 0.5, (y - 0.5) * 0.86 + 0.5);
  return render(
    32,
    [
      { shape: k(ring(bubble, 0.075)), color: WHITE },
      { shape: k(stroke(tick, 0.085)), color: WHITE },
    ],
    null,
  );
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const dir = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'appPackage');
  writeFileSync(path.join(dir, 'color.png'), PNG.sync.write(makeColorIcon()));
  writeFileSync(path.join(dir, 'outline.png'), PNG.sync.write(makeOutlineIcon()));
  console.log(`Wrote ${path.join(dir, 'color.png')} and outline.png`);
}
