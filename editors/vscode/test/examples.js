// Every .nn file of the repository's examples, tokenized with the grammar as VS Code does
// (vscode-textmate on Oniguruma): no character may fall to invalid.illegal, every line comment
// must be a comment, and each model and group name must get its declaration scope.
'use strict';

const fs = require('fs');
const path = require('path');
const vsctm = require('vscode-textmate');
const oniguruma = require('vscode-oniguruma');

const root = path.resolve(__dirname, '..', '..', '..', 'examples');
const grammarPath = path.resolve(__dirname, '..', 'syntaxes', 'nn.tmLanguage.json');

function examples(dir) {
  let out = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory() && e.name !== 'target' && e.name !== 'node_modules') {
      out = out.concat(examples(p));
    } else if (e.name.endsWith('.nn')) {
      out.push(p);
    }
  }
  return out.sort();
}

async function main() {
  const wasm = fs.readFileSync(require.resolve('vscode-oniguruma/release/onig.wasm')).buffer;
  await oniguruma.loadWASM(wasm);
  const registry = new vsctm.Registry({
    onigLib: Promise.resolve({
      createOnigScanner: (s) => new oniguruma.OnigScanner(s),
      createOnigString: (s) => new oniguruma.OnigString(s),
    }),
    loadGrammar: async () => vsctm.parseRawGrammar(fs.readFileSync(grammarPath, 'utf8'),
      grammarPath),
  });
  const grammar = await registry.loadGrammar('source.nn');
  const files = examples(root);
  const problems = [];
  let lines = 0;
  for (const file of files) {
    let stack = vsctm.INITIAL;
    const text = fs.readFileSync(file, 'utf8').split(/\r?\n/);
    text.forEach((line, i) => {
      const r = grammar.tokenizeLine(line, stack);
      stack = r.ruleStack;
      lines++;
      const where = `${path.relative(root, file)}:${i + 1}`;
      for (const t of r.tokens) {
        const word = line.substring(t.startIndex, t.endIndex);
        const scopes = t.scopes.join(' ');
        if (scopes.includes('invalid.illegal')) {
          problems.push(`${where}: '${word}' is invalid.illegal`);
        }
        if (word.startsWith('//') && !scopes.includes('comment')) {
          problems.push(`${where}: '${word}' is no comment (${scopes})`);
        }
      }
      const decl = /^\s*(model|group)\s+([A-Za-z_]\w*)/.exec(line);
      if (decl) {
        const at = line.indexOf(decl[2], line.indexOf(decl[1]) + decl[1].length);
        const t = r.tokens.find((x) => x.startIndex <= at && at < x.endIndex);
        const want = decl[1] === 'model' ? 'entity.name.type.model.nn'
          : 'entity.name.function.group.nn';
        if (!t.scopes.includes(want)) {
          problems.push(`${where}: ${decl[1]} name '${decl[2]}' lacks ${want}`);
        }
      }
    });
  }
  if (files.length === 0) {
    problems.push(`no examples found under ${root}`);
  }
  if (problems.length > 0) {
    console.error(problems.join('\n'));
    process.exit(1);
  }
  console.log(`grammar: ${files.length} example files, ${lines} lines, every token scoped`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
