// Builds static/css/bootstrap-italia.purged.min.css: the theme's Bootstrap Italia
// stylesheet with only the rules whose selectors the portal can produce.
//
//   make css            (or: node portal/frontend/purge-css.mjs <theme static dir>)
//
// Content scanned for class names: every template, the Python that writes CSS
// classes (form widgets, badge template tags), our JavaScript and the theme's
// bootstrap-italia.min.js (so the state classes its plugins toggle stay).
// Classes built at run time from data go in SAFELIST. After a rebuild, compare
// screenshots (bench/lighthouse/screens.py) before committing the output.
import { readFileSync, writeFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { PurgeCSS } from "purgecss";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");
const theme = process.argv[2];
if (!theme) {
  console.error("usage: node purge-css.mjs <bootstrap_italia_template/static>");
  process.exit(2);
}
const source = join(theme, "css", "bootstrap-italia.min.css");
const target = join(ROOT, "static", "css", "bootstrap-italia.purged.min.css");
const pythonApps = ["portal", "forum", "experts", "guidelines"];

const SAFELIST = {
  standard: [
    // Bootstrap's JavaScript state classes.
    "show", "showing", "hiding", "collapse", "collapsing", "collapsed", "active", "disabled",
    "fade", "is-invalid", "is-valid", "was-validated", "is-open", "is-sticky", "focus--mouse",
    // Message levels: alert-{{ message.tags }} (debug, info, success, warning, error -> danger).
    "alert-debug", "alert-info", "alert-success", "alert-warning", "alert-danger",
  ],
  // Families the theme's plugins build from parts (e.g. "focus--" + "mouse"); the
  // portal uses no modal, dropdown, tooltip or popover, so those stay out.
  greedy: [/^focus--/],
};

const result = await new PurgeCSS().purge({
  css: [source],
  content: [
    join(ROOT, "templates", "**", "*.html"),
    join(ROOT, "static", "js", "*.js"),
    join(theme, "js", "bootstrap-italia.min.js"),
    join(theme, "..", "templates", "**", "*.html"),
    ...pythonApps.map((app) => join(ROOT, app, "**", "*.py")),
  ],
  safelist: SAFELIST,
  fontFace: true, // the theme's VideoJS icon font is never used
  keyframes: true,
  variables: false, // custom properties are read through var() chains PurgeCSS cannot follow
  rejected: false,
});

const css = result[0].css.replace(/\/\*# sourceMappingURL=[^*]*\*\/\s*$/, "").trim();
const header =
  "/* Bootstrap Italia (design-django-theme), purged of unused rules by portal/frontend/purge-css.mjs.\n" +
  "   Do not edit: run `make css`. Licence: BSD-3-Clause (Bootstrap Italia), MIT (Bootstrap). */\n";
writeFileSync(target, header + css + "\n");
const before = readFileSync(source).length;
const after = Buffer.byteLength(header + css);
console.log(`${relative(ROOT, target)}: ${(after / 1024).toFixed(1)} KiB (from ${(before / 1024).toFixed(1)} KiB)`);
