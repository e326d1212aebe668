/**
 * `cashlogy-cert --help` starts in about Node's own start-up (docs/bench.md, startup) because
 * the CLI loads, before parsing, only the command registry: flags and help texts. Each
 * command's work (YAML, reporters, the simulator, chalk, handlebars) comes in with a literal
 * `import()` when that command runs. These checks follow the modules Node evaluates before a
 * dynamic import: every value import from src/cli/main.ts (`import type` is erased; an
 * `import { type X }` still loads its module under verbatimModuleSyntax).
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { REPORT_FORMAT_NAMES } from '../../src/cli/commands/report.js';
import { REPORT_FORMATS } from '../../src/reporters/index.js';

const root = join(import.meta.dirname, '..', '..');
const main = join(root, 'src', 'cli', 'main.ts');

interface Graph {
  /** Files of src/ loaded before any dynamic import, relative to the repository, '/'-separated. */
  files: string[];
  /** npm packages they load. */
  packages: string[];
}

/** The specifiers a file loads when it is evaluated: value imports and re-exports, not `import()`. */
function staticValueImports(file: string): string[] {
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.ES2022, false);
  const out: string[] = [];
  for (const statement of source.statements) {
    if (ts.isImportDeclaration(statement) && !statement.importClause?.isTypeOnly && ts.isStringLiteral(statement.moduleSpecifier)) {
      out.push(statement.moduleSpecifier.text);
    }
    if (ts.isExportDeclaration(statement) && !statement.isTypeOnly && statement.moduleSpecifier && ts.isStringLiteral(statement.moduleSpecifier)) {
      out.push(statement.moduleSpecifier.text);
    }
  }
  return out;
}

function eagerGraph(entry: string): Graph {
  const files = new Set<string>();
  const packages = new Set<string>();
  const visit = (file: string) => {
    if (files.has(file)) return;
    files.add(file);
    for (const specifier of staticValueImports(file)) {
      if (specifier.startsWith('node:')) continue;
      if (!specifier.startsWith('.')) {
        packages.add(specifier.startsWith('@') ? specifier.split('/').slice(0, 2).join('/') : (specifier.split('/')[0] as string));
        continue;
      }
      const target = resolve(dirname(file), specifier.replace(/\.js$/, '.ts'));
      expect(existsSync(target), `${relative(root, file)} imports ${specifier}, which does not exist`).toBe(true);
      visit(target);
    }
  };
  visit(entry);
  return { files: [...files].map((f) => relative(root, f).split(sep).join('/')).sort(), packages: [...packages].sort() };
}

describe('cli: --help loads only the command registry', () => {
  const graph = eagerGraph(main);

  it('loads no npm package but commander before a command runs', () => {
    expect(graph.packages).toEqual(['commander']);
  });

  it("loads no command's implementation, and none of the simulator, runner, reporters, checklists or bundle", () => {
    const heavy = graph.files.filter(
      (f) =>
        f.endsWith('-impl.ts') ||
        /^src\/(server|machine|protocol|faults|checklist|drivers|reporters|bundle|reference-pos)\//.test(f) ||
        (f.startsWith('src/runner/') && f !== 'src/runner/options.ts') ||
        f === 'src/format/yaml.ts',
    );
    expect(heavy, 'load these inside the command action with a literal import()').toEqual([]);
  });

  it('the walk sees the registry and every command file (it follows the real imports)', () => {
    const commands = graph.files.filter((f) => f.startsWith('src/cli/commands/'));
    expect(commands).toContain('src/cli/commands/index.ts');
    expect(commands).toContain('src/cli/commands/run.ts');
    expect(commands.length).toBeGreaterThanOrEqual(10);
  });

  it('every command that has an implementation file loads it with a literal import() from its action', () => {
    const dir = join(root, 'src', 'cli', 'commands');
    for (const file of graph.files.filter((f) => f.startsWith('src/cli/commands/') && !f.endsWith('index.ts') && !f.endsWith('types.ts'))) {
      const name = file.slice('src/cli/commands/'.length, -'.ts'.length);
      if (!existsSync(join(dir, `${name}-impl.ts`))) continue;
      expect(readFileSync(join(root, file), 'utf8'), file).toContain(`await import('./${name}-impl.js')`);
    }
  });
});

describe('cli: what the help texts name without loading it', () => {
  it('report --format lists exactly the formats of the reporter registry', () => {
    expect([...REPORT_FORMAT_NAMES]).toEqual(REPORT_FORMATS);
  });
});
