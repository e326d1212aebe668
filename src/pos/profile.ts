/**
 * Loading a POS profile (`pos.yaml`, docs/runner.md, Drivers) with the same treatment as
 * checklists: safe YAML, every problem located as file:line:col, errors and warnings apart.
 * Also the built-in profile of the bundled reference POS.
 */
import { dirname, resolve } from 'node:path';
import { invalidInput as invalid } from '../errors.js';
import { analyzeSource } from '../format/source.js';
import { readSource } from '../read-source.js';
import { parseDuration } from '../duration.js';
import type { Issue } from '../format/issues.js';
import { TOOL_VERSION } from '../version.js';
import type { PathSegment } from '../format/yaml.js';
import { isPlainObject, type Reporter } from '../format/shape.js';
import { posProfileShape } from './profile-format.js';
import type { DriverConfig, IntegrationType, PosAction, PosProfile, ReferenceDriverConfig } from './types.js';

export interface PosProfileAnalysis {
  profile?: PosProfile;
  issues: Issue[];
  text: string;
}

export function analyzePosProfile(text: string, file: string): PosProfileAnalysis {
  const result = analyzeSource(text, file, posProfileShape, crossCheck);
  if (result.value === undefined) return { issues: result.issues, text };
  const profile = normalise(result.value as Raw);
  profile.file = file;
  return { profile, issues: result.issues, text };
}

/** Parse a POS profile or throw InvalidInputError (exit code 2) with every error. */
export function parsePosProfile(text: string, file: string): PosProfile {
  const result = analyzePosProfile(text, file);
  if (result.profile === undefined) throw invalid(file, 'POS profile', result.issues);
  return result.profile;
}

/** Load `pos.yaml`; a relative `driver.cwd` is resolved against the file's folder. */
export function loadPosProfile(path: string): PosProfile {
  const profile = parsePosProfile(readSource(path, 'POS profile').toString('utf8'), path);
  profile.driver.cwd = resolve(dirname(path), profile.driver.cwd ?? '.');
  return profile;
}

/** Features the bundled reference POS declares for each integration type. */
export const REFERENCE_FEATURES: Record<IntegrationType, string[]> = {
  express: ['backoffice'],
  complete: ['refund', 'backoffice', 'refill', 'close-day', 'error-polling'],
  mixed: ['refund', 'backoffice', 'refill', 'error-polling'],
  tickets: ['refund'],
};

/** The profile of the bundled reference POS (a correct integration), driven by the `reference` driver. */
export function referencePosProfile(integration: IntegrationType = 'express'): PosProfile {
  return {
    name: 'cashlogy-cert reference POS',
    version: TOOL_VERSION,
    company: 'cashlogy-cert',
    email: 'reference-pos@cashlogy-cert.invalid',
    integration,
    features: [...REFERENCE_FEATURES[integration]],
    driver: { type: 'reference' },
  };
}

type Obj = Record<string, unknown>;

function crossCheck(doc: unknown, report: Reporter): void {
  if (!isPlainObject(doc)) return;
  const driver = doc['driver'];
  if (!isPlainObject(driver)) return;
  const at = (...p: PathSegment[]): PathSegment[] => ['driver', ...p];
  if (driver['type'] === 'http' && typeof driver['url'] === 'string') {
    try {
      const url = new URL(driver['url'].replaceAll('{hookPort}', '1'));
      if (url.protocol !== 'http:' && url.protocol !== 'https:') report.error(at('url'), `the hook URL must be http or https, not ${url.protocol}`);
    } catch {
      report.error(at('url'), `invalid URL ${JSON.stringify(driver['url'])}`, 'e.g. "http://127.0.0.1:{hookPort}"');
    }
  }
  if (driver['type'] === 'command' && isPlainObject(driver['actions'])) {
    if (driver['actions']['sale'] === undefined) {
      report.warning(at('actions'), 'no command for "sale": every sale item will end in error', 'add sale: ["…", "{amount}"]');
    }
  }
  if (driver['type'] === 'manual' && driver['start'] !== undefined) {
    report.warning(at('start'), 'the manual driver starts no process itself; start is still run and stopped at the end');
  }
}

interface Raw {
  name: string;
  version: string | number;
  company: string;
  email: string;
  integration: IntegrationType;
  features?: string[];
  driver: Obj;
}

function normalise(raw: Raw): PosProfile {
  const d = raw.driver;
  const common = {
    ...(Array.isArray(d['start']) ? { start: [...(d['start'] as string[])] } : {}),
    ...(typeof d['cwd'] === 'string' ? { cwd: d['cwd'] } : {}),
    ...(isPlainObject(d['env']) ? { env: { ...(d['env'] as Record<string, string>) } } : {}),
    ...(typeof d['inheritEnv'] === 'boolean' ? { inheritEnv: d['inheritEnv'] } : {}),
    ...(isPlainObject(d['timeouts'])
      ? {
          timeoutsMs: Object.fromEntries(
            Object.entries(d['timeouts']).map(([action, value]) => [action as PosAction, parseDuration(value) as number]),
          ) as Partial<Record<PosAction, number>>,
        }
      : {}),
  };
  let driver: DriverConfig;
  switch (d['type']) {
    case 'http':
      driver = {
        type: 'http',
        url: d['url'] as string,
        ...(d['readyTimeout'] !== undefined ? { readyTimeoutMs: parseDuration(d['readyTimeout']) as number } : {}),
        ...common,
      };
      break;
    case 'command':
      driver = {
        type: 'command',
        actions: Object.fromEntries(Object.entries(d['actions'] as Obj).map(([a, argv]) => [a, [...(argv as string[])]])) as Partial<Record<PosAction, string[]>>,
        ...common,
      };
      break;
    case 'manual':
      driver = { type: 'manual', ...common };
      break;
    default:
      driver = {
        type: 'reference',
        ...(d['inProcess'] !== undefined ? { inProcess: d['inProcess'] === true } : {}),
        ...(isPlainObject(d['options']) ? { options: { ...(d['options'] as ReferenceDriverConfig['options']) } } : {}),
        ...common,
      };
  }
  return {
    name: raw.name,
    version: String(raw.version),
    company: raw.company,
    email: raw.email,
    integration: raw.integration,
    features: [...(raw.features ?? [])],
    driver,
  };
}
