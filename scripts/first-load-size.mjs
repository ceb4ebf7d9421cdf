// Measures what a browser downloads on its first visit (the main wasm, js and css, and the split
// loader), brotli-compressed, and fails when it exceeds the budget. Pages built as lazy routes
// (`cargo leptos build --release --split`) load their own chunks when first shown; their sizes
// are listed too, from the split manifest.
// Usage: node scripts/first-load-size.mjs <site pkg dir> [budget KB]
import { brotliCompressSync, constants } from "node:zlib";
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";

const dir = process.argv[2] ?? "target/site/pkg";
const budgetKb = Number(process.argv[3] ?? 300);
const all = readdirSync(dir);
const isChunk = (f) => /^(chunk_|split_).*\.wasm$/.test(f);
const firstLoad = all.filter((f) => /\.(wasm|js|css)$/.test(f) && !isChunk(f));
if (!firstLoad.some((f) => f.endsWith(".wasm"))) {
  console.error(`no wasm in ${dir}: build with cargo leptos build --release --split first`);
  process.exit(1);
}
const brotli = (file) =>
  brotliCompressSync(readFileSync(join(dir, file)), {
    params: { [constants.BROTLI_PARAM_QUALITY]: 11 },
  }).length;
const kb = (n) => `${(n / 1024).toFixed(1).padStart(8)} KB`;

let total = 0;
for (const file of firstLoad.sort()) {
  const br = brotli(file);
  total += br;
  console.log(`${file.padEnd(42)} ${kb(readFileSync(join(dir, file)).length)} raw ${kb(br)} brotli`);
}
console.log(`first load (brotli): ${(total / 1024).toFixed(1)} KB; budget ${budgetKb} KB`);

const manifestPath = join(dir, "__wasm_split_manifest.json");
if (existsSync(manifestPath)) {
  const manifest = JSON.parse(readFileSync(manifestPath, "utf8"));
  const sizes = new Map();
  const size = (chunk) => {
    if (!sizes.has(chunk)) sizes.set(chunk, brotli(`${chunk}.wasm`));
    return sizes.get(chunk);
  };
  console.log("loaded when a lazy page is first shown (its chunks, brotli):");
  for (const [name, chunks] of Object.entries(manifest).sort()) {
    const page = name.replace(/^__/, "").replace(/_view_\d+$/, "");
    console.log(`  ${page.padEnd(40)} ${kb(chunks.reduce((sum, c) => sum + size(c), 0))}`);
  }
}
if (total > budgetKb * 1024) {
  console.error("over budget");
  process.exit(1);
}
