/**
 * The file side of machine profiles: a name from the package's `simulator/` folder
 * (`eur-pos1500`), a path to a YAML file, or an object. Problems come back all at once as
 * `InvalidInputError` issues with file:line:col.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { CertError, InvalidInputError } from '../errors.js';
import { closest, formatPath, type Issue } from '../format/issues.js';
import { sha256 } from '../hash.js';
import { precompiledText, precompiledValue } from '../precompiled.js';
import { PACKAGE_ROOT } from '../version.js';
import { readYaml } from '../format/yaml.js';
import { validateProfile, type MachineProfile, type ProfileProblem } from '../machine/profile.js';

export const PROFILES_DIR = join(PACKAGE_ROOT, 'simulator');

/** Names of the bundled profiles (file names in `simulator/` without `.yaml`). */
export function listProfiles(): string[] {
  if (!existsSync(PROFILES_DIR)) return [];
  return readdirSync(PROFILES_DIR)
    .filter((f) => /\.ya?ml$/.test(f))
    .map((f) => f.replace(/\.ya?ml$/, ''))
    .sort();
}

export function loadProfile(ref: string | object): MachineProfile {
  if (typeof ref !== 'string') return fromObject(ref);
  const looksLikePath = /[\\/]/.test(ref) || /\.ya?ml$/i.test(ref);
  if (!looksLikePath) {
    const known = listProfiles();
    if (!known.includes(ref)) {
      const guess = closest(ref, known);
      throw new InvalidInputError(`unknown machine profile "${ref}"`, [
        {
          severity: 'error',
          message: `unknown machine profile "${ref}"`,
          hint: `${guess ? `did you mean "${guess}"? ` : ''}bundled profiles: ${known.join(', ')}; or give a path to a .yaml file`,
        },
      ]);
    }
    return fromFile(join(PROFILES_DIR, `${ref}.yaml`), `simulator/${ref}.yaml`);
  }
  const file = isAbsolute(ref) ? ref : resolve(ref);
  return fromFile(file, ref);
}

function fromFile(file: string, shownAs: string): MachineProfile {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (err) {
    throw new CertError('FILE_NOT_FOUND', `cannot read machine profile ${shownAs}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`, {
      cause: err,
    });
  }
  return (precompiledValue(PROFILES_DIR, sha256(bytes)) as MachineProfile | undefined) ?? profileModel(bytes, shownAs);
}

/** What a profile file's bytes make, checked (`shownAs` names the file in problems): an entry of `compiled.json` (src/precompiled.ts). */
export function profileModel(bytes: Buffer, shownAs: string): MachineProfile {
  const source = readYaml(bytes.toString('utf8'), shownAs);
  if (source.issues.length > 0) throw invalid(shownAs, source.issues);
  const { profile, problems } = validateProfile(source.value);
  if (!profile) {
    const issues = problems.map((p): Issue => {
      const at = source.locate(p.path, p.at === 'key' ? 'key' : 'value');
      return {
        severity: 'error',
        message: p.message,
        file: shownAs,
        line: at.line,
        col: at.col,
        length: at.length,
        ...(p.path.length ? { path: formatPath(p.path) } : {}),
        ...(p.hint ? { hint: p.hint } : {}),
      };
    });
    throw invalid(shownAs, issues);
  }
  return profile;
}

function fromObject(value: object): MachineProfile {
  const { profile, problems } = validateProfile(value);
  if (!profile) throw invalid('machine profile object', problems.map(toIssue));
  return profile;
}

function toIssue(p: ProfileProblem): Issue {
  return { severity: 'error', message: p.message, ...(p.path.length ? { path: formatPath(p.path) } : {}), ...(p.hint ? { hint: p.hint } : {}) };
}

function invalid(what: string, issues: Issue[]): InvalidInputError {
  const n = issues.length;
  return new InvalidInputError(`invalid machine profile ${what}: ${n} problem${n === 1 ? '' : 's'}`, issues);
}

/** The text of `simulator/compiled.json` for today's bundled profiles (`npm run precompile`). */
export function precompiledProfilesText(dir = PROFILES_DIR): string {
  return precompiledText(dir, (bytes, name) => profileModel(bytes, `simulator/${name}`), 'npm run precompile: what src/server/load-profile.ts makes of each simulator/*.yaml');
}
