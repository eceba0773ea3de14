// Builds the explorer's vendored browser code into ../static/vendor/ (committed; no CDN, no npm at run time):
//   sparql-editor.js   CodeMirror 6 + SPARQL mode + our completion, one minified IIFE bundle (esbuild)
//   chart.umd.min.js   Chart.js as published
// VERSIONS.txt naming every package and version that went in, LICENSES.txt with their licence texts. Run: npm ci && npm run build
import { build } from "esbuild";
import { copyFileSync, readFileSync, writeFileSync, readdirSync, existsSync } from "node:fs";
import { join } from "node:path";

const out = new URL("../static/vendor/", import.meta.url).pathname;
const modules = new URL("./node_modules/", import.meta.url).pathname;

await build({
  entryPoints: ["src/sparql-editor.js"],
  bundle: true,
  minify: true,
  format: "iife",
  target: "es2020",
  legalComments: "none",
  outfile: join(out, "sparql-editor.js"),
});
copyFileSync(join(modules, "chart.js/dist/chart.umd.min.js"), join(out, "chart.umd.min.js"));

function packages(folder, scope = "") {
  const found = [];
  for (const name of readdirSync(folder)) {
    if (name.startsWith(".") || name === "esbuild" || name.startsWith("@esbuild")) continue;
    const path = join(folder, name);
    if (name.startsWith("@")) { found.push(...packages(path, name + "/")); continue; }
    const manifest = join(path, "package.json");
    if (!existsSync(manifest)) continue;
    const { version, license } = JSON.parse(readFileSync(manifest, "utf8"));
    const licenceFile = readdirSync(path).find((file) => /^licen[cs]e/i.test(file));
    found.push({ name: `${scope}${name}`, version, license, text: licenceFile ? readFileSync(join(path, licenceFile), "utf8") : "" });
  }
  return found;
}
const bundled = packages(modules).sort((a, b) => a.name.localeCompare(b.name));
writeFileSync(join(out, "VERSIONS.txt"),
  "Vendored by kg/web/editor/build.mjs from the npm registry (versions pinned in kg/web/editor/package-lock.json).\n" +
  "sparql-editor.js bundles every package below except chart.js; chart.umd.min.js is chart.js's own build.\n" +
  "Licence texts: LICENSES.txt.\n\n" +
  bundled.map((p) => `${p.name} ${p.version} (${p.license})`).join("\n") + "\n");
writeFileSync(join(out, "LICENSES.txt"), bundled.map((p) => `== ${p.name} ${p.version}\n\n${p.text.trim()}\n`).join("\n"));
console.log("built", out);
