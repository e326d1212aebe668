/**
 * Bundled checklists and machine profiles come already loaded (checklists/compiled.json,
 * simulator/compiled.json, `npm run precompile`): the committed files must be what the loaders
 * make today, a file is taken from them only when its bytes are the very bytes they were made
 * from, and without them every file is read from its YAML.
 */
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CHECKLISTS_DIR, checklistModel, loadChecklist, precompiledChecklistsText } from '../src/checklist/load.js';
import { sha256 } from '../src/hash.js';
import { PRECOMPILED_FILE, precompiledValue } from '../src/precompiled.js';
import { loadProfile, precompiledProfilesText, profileModel, PROFILES_DIR } from '../src/server/load-profile.js';
import { tempDir } from './helpers/temp.js';

const CHECKLISTS = ['chapter7-express.yaml', 'chapter7-complete.yaml', 'tickets-micro.yaml'];
const PROFILES = ['eur-pos1500.yaml', 'usd-pos1500.yaml'];

describe('precompiled bundled inputs', () => {
  it('are up to date with checklists/*.yaml and simulator/*.yaml (run `npm run precompile` after editing one, or the loaders)', () => {
    expect(readFileSync(join(CHECKLISTS_DIR, PRECOMPILED_FILE), 'utf8')).toBe(precompiledChecklistsText());
    expect(readFileSync(join(PROFILES_DIR, PRECOMPILED_FILE), 'utf8')).toBe(precompiledProfilesText());
  });

  it('hold every bundled file, and a bundled checklist loads exactly as from its YAML, file and hash included', () => {
    for (const name of CHECKLISTS) {
      const path = join(CHECKLISTS_DIR, name);
      const bytes = readFileSync(path);
      expect(precompiledValue(CHECKLISTS_DIR, sha256(bytes)), name).toBeDefined();
      const fromYaml = { ...checklistModel(bytes, path), file: path, sha256: sha256(bytes) };
      // Same keys in the same order: result.json and the reports serialise the checklist's parts.
      expect(JSON.stringify(loadChecklist(path))).toBe(JSON.stringify(fromYaml));
    }
    for (const name of PROFILES) {
      const bytes = readFileSync(join(PROFILES_DIR, name));
      expect(precompiledValue(PROFILES_DIR, sha256(bytes)), name).toBeDefined();
      expect(JSON.stringify(loadProfile(name.replace('.yaml', '')))).toBe(JSON.stringify(profileModel(bytes, `simulator/${name}`)));
    }
  });

  it('serve a copy with the same bytes anywhere under its own path, and read an edited copy from its YAML', () => {
    const dir = tempDir('cashlogy-precompiled-test-');
    const same = join(dir, 'mine.yaml');
    copyFileSync(join(CHECKLISTS_DIR, 'chapter7-express.yaml'), same);
    const copy = loadChecklist(same);
    expect(copy.file).toBe(same);
    expect(copy.items.length).toBeGreaterThan(0);

    const edited = join(dir, 'edited.yaml');
    const text = readFileSync(same, 'utf8');
    expect(text).toMatch(/^version: "?1\.0\.0"?$/m);
    writeFileSync(edited, text.replace(/^version: "?1\.0\.0"?$/m, 'version: 1.0.1-mine'));
    const loaded = loadChecklist(edited);
    expect(loaded.version).toBe('1.0.1-mine');
    expect(loaded.sha256).toBe(sha256(readFileSync(edited)));

    // A broken edit is reported as always, with its place in the file.
    writeFileSync(edited, text.replace(/^version: "?1\.0\.0"?$/m, 'version: [1'));
    expect(() => loadChecklist(edited)).toThrow(/edited\.yaml/);
  });

  it('give each load an object of its own', () => {
    const path = join(CHECKLISTS_DIR, 'chapter7-express.yaml');
    const first = loadChecklist(path);
    const id = first.items[0]?.id;
    first.items.splice(0, first.items.length);
    first.title.en = 'changed';
    const second = loadChecklist(path);
    expect(second.items[0]?.id).toBe(id);
    expect(second.title.en).not.toBe('changed');
  });

  it('are simply not used when compiled.json is missing or damaged', () => {
    const dir = tempDir('cashlogy-precompiled-test-');
    const sha = sha256(readFileSync(join(CHECKLISTS_DIR, 'chapter7-express.yaml')));
    expect(precompiledValue(dir, sha)).toBeUndefined();
    const damaged = tempDir('cashlogy-precompiled-test-');
    writeFileSync(join(damaged, PRECOMPILED_FILE), '{"entries": {"');
    expect(precompiledValue(damaged, sha)).toBeUndefined();
    const wrongShape = tempDir('cashlogy-precompiled-test-');
    writeFileSync(join(wrongShape, PRECOMPILED_FILE), '[1, 2]');
    expect(precompiledValue(wrongShape, sha)).toBeUndefined();
  });
});
