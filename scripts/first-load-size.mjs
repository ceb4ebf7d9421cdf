// Measures what a browser downloads on the first load (wasm + js + css), brotli-compressed, and
// fails when it exceeds the budget. Usage: node scripts/first-load-size.mjs <site pkg dir> [budget KB]
import { brotliCompressSync, constants } from "node:zlib";
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";

const dir = process.argv[2] ?? "target/site/pkg";
const budgetKb = Number(process.argv[3] ?? 300);
const files = readdirSync(dir).filter((f) => /\.(wasm|js|css)$/.test(f));
if (files.length === 0) {
  console.error(`no wasm/js/css files in ${dir}: build with cargo leptos build --release first`);
  process.exit(1);
}
let total = 0;
for (const file of files.sort()) {
  const raw = readFileSync(join(dir, file));
  const br = brotliCompressSync(raw, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length;
  total += br;
  console.log(`${file.padEnd(24)} ${(raw.length / 1024).toFixed(1).padStart(8)} KB raw ${(br / 1024).toFixed(1).padStart(8)} KB brotli`);
}
console.log(`first load (brotli): ${(total / 1024).toFixed(1)} KB; budget ${budgetKb} KB`);
if (total > budgetKb * 1024) {
  console.error("over budget");
  process.exit(1);
}
