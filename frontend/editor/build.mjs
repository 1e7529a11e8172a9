// Bundles src/tiptap.js into the newsroom's static vendor folder, with one file holding the
// licences of every package that went into it. Run through `make editor-bundle`; the output is
// committed, so neither CI nor `make install` needs npm.
import { readFileSync, readdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import * as esbuild from "esbuild";

const here = dirname(fileURLToPath(import.meta.url));
const vendor = join(here, "../../broadsheet/newsroom/static/newsroom/vendor");

const result = await esbuild.build({
  entryPoints: [join(here, "src/tiptap.js")],
  outfile: join(vendor, "tiptap.min.js"),
  bundle: true,
  minify: true,
  format: "iife",
  target: "es2019",
  legalComments: "none",
  metafile: true,
  logLevel: "info",
});

// Every package the bundle holds code from, found in esbuild's list of inputs.
const packages = new Set();
for (const input of Object.keys(result.metafile.inputs)) {
  const match = input.match(/node_modules\/((?:@[^/]+\/)?[^/]+)\//);
  if (match) packages.add(match[1]);
}
const sections = [...packages].sort().map((name) => {
  const folder = join(here, "node_modules", name);
  const meta = JSON.parse(readFileSync(join(folder, "package.json"), "utf8"));
  const file = readdirSync(folder).find((f) => /^licen[cs]e/i.test(f));
  const text = file ? readFileSync(join(folder, file), "utf8").trim() : `License: ${meta.license}`;
  return `${name}@${meta.version} (${meta.license})\n\n${text}\n`;
});
writeFileSync(
  join(vendor, "tiptap.LICENSE.txt"),
  "Third-party code bundled in tiptap.min.js (frontend/editor, `make editor-bundle`).\n\n" +
    sections.join("\n" + "-".repeat(72) + "\n\n"),
);
