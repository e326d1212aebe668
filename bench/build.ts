/**
 * The CLI as users run it, built fresh for the benchmarks: every file of src/ (and the raw
 * server of bench/) compiled by TypeScript's own emitter with the project's compilerOptions into
 * a temporary package folder laid out like the published package (bin/, dist/, and links to
 * package.json, the data folders and node_modules). So the children run plain JavaScript, as
 * `npx cashlogy-cert` does, always from the current source (a stale dist/ would measure old
 * code), and no tsx loader is timed.
 */
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

export const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));

/** What the published package holds next to dist/ (package.json "files"), linked, not copied. */
const LINKED = ['package.json', 'simulator', 'checklists', 'reports', 'schema', 'node_modules'];

export interface BuiltCli {
  /** The temporary package folder. */
  root: string;
  /** `bin/cashlogy-cert.js`: run it with `node`. */
  bin: string;
  /** The raw `node:net` server the simulator is compared with. */
  rawServer: string;
  /** How it was built, for the report. */
  describe: string;
  remove(): void;
}

function tsFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return tsFiles(path);
    return name.endsWith('.ts') && !name.endsWith('.d.ts') ? [path] : [];
  });
}

function compilerOptions(): ts.CompilerOptions {
  const configPath = join(REPO_ROOT, 'tsconfig.json');
  const read = ts.readConfigFile(configPath, (path) => ts.sys.readFile(path));
  if (read.error) throw new Error(`bench: cannot read ${configPath}: ${ts.flattenDiagnosticMessageText(read.error.messageText, '\n')}`);
  const parsed = ts.parseJsonConfigFileContent(read.config, ts.sys, REPO_ROOT);
  // One file at a time: no declarations or maps (the benchmarks never read them). NodeNext
  // means ESM in this "type": "module" package, which transpileModule cannot see from a lone file.
  return { ...parsed.options, module: ts.ModuleKind.ESNext, declaration: false, sourceMap: false, noEmit: false };
}

function emit(source: string, target: string, options: ts.CompilerOptions): void {
  const output = ts.transpileModule(readFileSync(source, 'utf8'), { compilerOptions: options, fileName: source, reportDiagnostics: false });
  mkdirSync(dirname(target), { recursive: true });
  writeFileSync(target, output.outputText);
}

export function buildCli(): BuiltCli {
  const root = mkdtempSync(join(tmpdir(), 'cashlogy-bench-'));
  try {
    const options = compilerOptions();
    const srcDir = join(REPO_ROOT, 'src');
    const files = tsFiles(srcDir);
    for (const file of files) emit(file, join(root, 'dist', relative(srcDir, file).replace(/\.ts$/, '.js')), options);
    const rawServer = join(root, 'bench', 'raw-server.js');
    emit(join(REPO_ROOT, 'bench', 'raw-server.ts'), rawServer, options);
    mkdirSync(join(root, 'bin'));
    const bin = join(root, 'bin', 'cashlogy-cert.js');
    copyFileSync(join(REPO_ROOT, 'bin', 'cashlogy-cert.js'), bin);
    for (const name of LINKED) symlinkSync(join(REPO_ROOT, name), join(root, name));
    return {
      root,
      bin,
      rawServer,
      describe: `src/ compiled by TypeScript ${ts.version} (transpileModule, tsconfig.json options) into a temporary package, run with node`,
      remove: () => rmSync(root, { recursive: true, force: true }),
    };
  } catch (err) {
    rmSync(root, { recursive: true, force: true });
    throw err;
  }
}
