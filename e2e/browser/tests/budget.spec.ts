import { test, expect } from '@playwright/test';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as zlib from 'node:zlib';

// The download budgets (gzip -9 of the served WASM), read from the built files that the binary
// embeds: the portal, which every customer and visitor loads, and the desk. Figures are kept in
// docs/PERFORMANCE.md (`make bench-ui`). KB are 1,000 bytes there and here.
const dist = path.join(__dirname, '..', '..', '..', 'frontend', 'dist');
const KB = 1000;
const budgets: [string, string, number][] = [
  ['portal', dist, 300 * KB],
  ['desk', path.join(dist, 'desk'), 900 * KB],
];

for (const [app, folder, budget] of budgets) {
  test(`the ${app}'s WASM is within ${budget / KB} KB gzip -9`, () => {
    const wasm = fs.readdirSync(folder).filter((name) => name.endsWith('.wasm'));
    expect(wasm, `one WASM in ${folder} (run make spa)`).toHaveLength(1);
    // The one the app's document loads.
    const index = fs.readFileSync(path.join(folder, 'index.html'), 'utf8');
    expect(index).toContain(wasm[0]);
    const raw = fs.readFileSync(path.join(folder, wasm[0]));
    const gzip = zlib.gzipSync(raw, { level: 9 }).length;
    console.log(`${app}: ${wasm[0]} ${raw.length} bytes, ${gzip} bytes gzip -9`);
    expect(gzip).toBeLessThanOrEqual(budget);
    // And the precompressed copies the server sends are there, and no larger.
    for (const suffix of ['.br', '.gz']) {
      const copy = path.join(folder, wasm[0] + suffix);
      expect(fs.existsSync(copy), `${copy} (scripts/spa.sh writes it)`).toBe(true);
      expect(fs.statSync(copy).size).toBeLessThanOrEqual(gzip + 64);
    }
  });
}
