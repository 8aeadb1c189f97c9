#!/usr/bin/env node
// Copies the pinned front-end packages (installed by `npm ci`) into eprok/core/static/vendor/.
// Plain Node, no bundler: the files are used as published. Nothing is fetched from a CDN at run time.
//
//   vendor/uswds/{css,js,fonts,img}   U.S. Web Design System (public domain / CC0, see LICENSE.md)
//   vendor/htmx/htmx.min.js            htmx 2 (0BSD)
//   vendor/axe/axe.min.js              axe-core, only for the browser accessibility tests (MPL-2.0)
//   vendor/documents/                  DejaVu Serif Condensed (free licence), the font of generated documents
//   vendor/fonts/                      Source Sans 3 (SIL OFL 1.1) with the latin-ext and Cyrillic
//                                      subsets: USWDS's bundled fonts lack ə/Ə, so its font families
//                                      are re-declared here with faces that cover Azerbaijani and Russian.
//
// Source-map comments are stripped: the maps are not shipped, and Django's manifest storage
// refuses to collect a file that points at a missing map.

import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const modules = join(root, "node_modules");
const vendor = join(root, "eprok", "core", "static", "vendor");

const SOURCE_MAP = /\n?\/[/*][#@] sourceMappingURL=[^\n]*?(\*\/)?\s*$/;

function need(path) {
  if (!existsSync(path)) {
    console.error(`build-static: ${path} is missing; run \`npm ci\` first (make static does).`);
    process.exit(1);
  }
  return path;
}

function copyText(from, to) {
  const text = readFileSync(need(from), "utf8").replace(SOURCE_MAP, "\n");
  mkdirSync(dirname(to), { recursive: true });
  writeFileSync(to, text);
}

function copyTree(from, to) {
  cpSync(need(from), to, { recursive: true });
}

rmSync(vendor, { recursive: true, force: true });

const uswds = join(modules, "@uswds", "uswds");
copyText(join(uswds, "dist", "css", "uswds.min.css"), join(vendor, "uswds", "css", "uswds.min.css"));
copyText(join(uswds, "dist", "js", "uswds.min.js"), join(vendor, "uswds", "js", "uswds.min.js"));
copyText(join(uswds, "dist", "js", "uswds-init.min.js"), join(vendor, "uswds", "js", "uswds-init.min.js"));
copyTree(join(uswds, "dist", "fonts"), join(vendor, "uswds", "fonts"));
copyTree(join(uswds, "dist", "img"), join(vendor, "uswds", "img"));
copyTree(join(uswds, "LICENSE.md"), join(vendor, "uswds", "LICENSE.md"));

const htmx = join(modules, "htmx.org");
copyText(join(htmx, "dist", "htmx.min.js"), join(vendor, "htmx", "htmx.min.js"));
copyTree(join(htmx, "LICENSE"), join(vendor, "htmx", "LICENSE"));

const axe = join(modules, "axe-core");
copyText(join(axe, "axe.min.js"), join(vendor, "axe", "axe.min.js"));
copyTree(join(axe, "LICENSE"), join(vendor, "axe", "LICENSE"));

// Fonts: re-declare USWDS's families with Source Sans 3 faces (declared later, so they win).
const fontsource = join(modules, "@fontsource", "source-sans-3");
const FONT_SUBSETS = ["latin", "latin-ext", "cyrillic", "cyrillic-ext"];
const FONT_FILES = [
  ["400.css", "normal", 400],
  ["600.css", "normal", 600],
  ["700.css", "normal", 700],
  ["400-italic.css", "italic", 400],
  ["700-italic.css", "italic", 700],
];
const FAMILIES = ["Source Sans 3", "Source Sans Pro Web", "Merriweather Web", "Public Sans Web"];
const faces = [];
for (const [css, style, weight] of FONT_FILES) {
  const text = readFileSync(need(join(fontsource, css)), "utf8");
  for (const subset of FONT_SUBSETS) {
    const file = `source-sans-3-${subset}-${weight}-${style}.woff2`;
    const block = text.split("@font-face").find((b) => b.includes(`/${file})`));
    if (!block) continue;
    const range = /unicode-range:\s*([^;]+);/.exec(block)?.[1];
    cpSync(need(join(fontsource, "files", file)), join(vendor, "fonts", file));
    for (const family of FAMILIES) {
      faces.push(
        `@font-face{font-family:"${family}";font-style:${style};font-weight:${weight};font-display:swap;` +
          `src:url(${file}) format("woff2");unicode-range:${range};}`,
      );
    }
  }
}
copyTree(join(fontsource, "LICENSE"), join(vendor, "fonts", "LICENSE"));
writeFileSync(join(vendor, "fonts", "fonts.css"), faces.join("\n") + "\n");

// Fonts of generated documents (eprok/drafting/render.py): DejaVu Serif Condensed, whole font files with
// every Azerbaijani and Russian letter in one face (WeasyPrint embeds one font per face, so subsets split by
// unicode-range would not do). Free licence (Bitstream Vera / Arev, see LICENSE).
const dejavu = join(modules, "dejavu-fonts-ttf");
for (const face of ["", "-Bold", "-Italic", "-BoldItalic"]) {
  const file = `DejaVuSerifCondensed${face}.ttf`;
  cpSync(need(join(dejavu, "ttf", file)), join(vendor, "documents", file));
}
// The visible signature stamps (eprok/signing/pdf.py) use DejaVu Sans Condensed from the same package.
cpSync(need(join(dejavu, "ttf", "DejaVuSansCondensed.ttf")), join(vendor, "documents", "DejaVuSansCondensed.ttf"));
copyTree(join(dejavu, "LICENSE"), join(vendor, "documents", "LICENSE"));

const versions = Object.fromEntries(
  ["@uswds/uswds", "htmx.org", "axe-core", "@fontsource/source-sans-3", "dejavu-fonts-ttf"].map((name) => [
    name,
    JSON.parse(readFileSync(join(modules, name, "package.json"), "utf8")).version,
  ]),
);
writeFileSync(join(vendor, "versions.json"), JSON.stringify(versions, null, 2) + "\n");
console.log(`build-static: ${Object.entries(versions).map(([n, v]) => `${n}@${v}`).join(", ")} -> ${vendor}`);
