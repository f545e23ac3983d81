// Copy the minified browser builds of the pinned npm packages into server/static/vendor,
// with their licences. Run after `npm ci`; the output is committed so that
// `pip install -e .` alone gives a working, offline web interface.
import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync, existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const vendor = join(here, "..", "static", "vendor");
const assets = {
  "@zazuko/yasgui": { dir: "yasgui", files: ["build/yasgui.min.js", "build/yasgui.min.css"] },
  cytoscape: { dir: "cytoscape", files: ["dist/cytoscape.min.js"] },
};

rmSync(vendor, { recursive: true, force: true });
for (const [name, { dir, files }] of Object.entries(assets)) {
  const root = join(here, "node_modules", name);
  const meta = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));
  const out = join(vendor, dir);
  mkdirSync(out, { recursive: true });
  for (const file of files) {
    // Drop the source-map comment: the maps are not shipped, and browsers would ask for them.
    const text = readFileSync(join(root, file), "utf8").replace(/\n?\/[/*]# sourceMappingURL=\S+?(\s*\*\/)?\s*$/, "\n");
    writeFileSync(join(out, file.split("/").pop()), text);
  }
  const licence = ["LICENSE", "LICENSE.md", "LICENSE.txt"].map((f) => join(root, f)).find(existsSync);
  if (licence) cpSync(licence, join(out, "LICENSE"));
  else writeFileSync(join(out, "LICENSE"), licenceText(meta));
  writeFileSync(join(out, "VERSION"), `${meta.name}@${meta.version}\n`);
  console.log(`${meta.name}@${meta.version} -> ${out}`);
}

// Some packages (@zazuko/yasgui) declare a licence in package.json but ship no licence file.
function licenceText(meta) {
  const author = typeof meta.author === "string" ? meta.author : meta.author?.name ?? meta.name;
  const source = meta.homepage || meta.repository?.url || `https://www.npmjs.com/package/${meta.name}`;
  const header = `${meta.name} ${meta.version} (${source}) declares the ${meta.license} licence in its package.json.\n\n`;
  if (meta.license !== "MIT") return header;
  return header + `Copyright (c) ${author}

Permission is hereby granted, free of charge, to any person obtaining a copy of this software and
associated documentation files (the "Software"), to deal in the Software without restriction, including
without limitation the rights to use, copy, modify, merge, publish, distribute, sublicense, and/or sell
copies of the Software, and to permit persons to whom the Software is furnished to do so, subject to the
following conditions:

The above copyright notice and this permission notice shall be included in all copies or substantial
portions of the Software.

THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR IMPLIED, INCLUDING BUT NOT
LIMITED TO THE WARRANTIES OF MERCHANTABILITY, FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO
EVENT SHALL THE AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER LIABILITY, WHETHER
IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM, OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE
USE OR OTHER DEALINGS IN THE SOFTWARE.
`;
}
