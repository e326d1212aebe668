/**
 * `reference` driver: the bundled reference POS. By default it runs as a real child process
 * behind the `http` driver — exactly the path a vendor's POS takes — so the main job tests
 * the same code a vendor's run uses. `inProcess: true` runs it inside the runner (faster,
 * for tests).
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { HttpDriverConfig, PosAction, PosOutcome, ReferenceDriverConfig } from '../pos/types.js';
import { designFlags, type ReferenceDesign } from '../pos/reference-designs.js';
import type { DriverContext, PosDriver } from './driver.js';
import { HttpDriver } from './http.js';
import { inProcessDriver } from './in-process.js';
import { driverError } from './pos-process.js';

/**
 * argv that starts the reference POS process: the built JS next to this module when we run
 * from dist/, else the TS source through tsx (never a stale dist/ build while developing).
 */
export function referencePosCommand(integration: string, features: readonly string[], design: Partial<ReferenceDesign> = {}): string[] {
  const built = fileURLToPath(new URL('../reference-pos/main.js', import.meta.url));
  const flags = ['--integration', integration, ...(features.length ? ['--features', features.join(',')] : []), ...designFlags(design)];
  if (!import.meta.url.endsWith('.ts') && existsSync(built)) return [process.execPath, built, ...flags];
  const source = fileURLToPath(new URL('../reference-pos/main.ts', import.meta.url));
  return [process.execPath, '--import', tsxLoader(), source, ...flags];
}

/** tsx's ESM loader as an absolute URL, so the child finds it whatever its working directory. */
function tsxLoader(): string {
  try {
    return import.meta.resolve('tsx');
  } catch {
    // Some module runners (test frameworks) do not implement import.meta.resolve.
    return pathToFileURL(createRequire(import.meta.url).resolve('tsx/package.json')).href.replace(/package\.json$/, 'dist/loader.mjs');
  }
}

class ReferenceHttpDriver extends HttpDriver {
  override readonly type = 'reference';
}

export function referenceDriver(config: ReferenceDriverConfig, context: DriverContext): PosDriver {
  if (config.inProcess) {
    const driver = inProcessDriver(async (target) => {
      let mod: typeof import('../reference-pos/index.js');
      try {
        // Loaded on demand (typed by the module itself): a vendor's run never needs the reference POS in-process.
        mod = await import('../reference-pos/index.js');
      } catch (err) {
        throw driverError(`the in-process reference POS could not be loaded: ${(err as Error).message}`, err);
      }
      const pos = await mod.createReferencePos({
        ...target,
        integration: context.integration,
        features: context.features,
        ...(config.options !== undefined ? { design: config.options } : {}),
      });
      return {
        perform: (action: PosAction, body) => pos.perform(action, body) as Promise<PosOutcome>,
        close: () => pos.close(),
      };
    }, 'reference');
    return driver;
  }
  const http: HttpDriverConfig = {
    type: 'http',
    url: 'http://127.0.0.1:{hookPort}',
    start: config.start ?? referencePosCommand(context.integration, context.features, config.options),
    ...(config.cwd !== undefined ? { cwd: config.cwd } : {}),
    ...(config.env !== undefined ? { env: config.env } : {}),
    ...(config.inheritEnv !== undefined ? { inheritEnv: config.inheritEnv } : {}),
    ...(config.timeoutsMs !== undefined ? { timeoutsMs: config.timeoutsMs } : {}),
    readyTimeoutMs: 60_000,
  };
  return new ReferenceHttpDriver(http, context);
}
