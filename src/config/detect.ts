import { readFile, access } from 'node:fs/promises';
import { join } from 'node:path';
import type { testFrameworks } from './schema.js';

export type PackageManager = 'npm' | 'pnpm' | 'yarn' | 'bun';
export type TestFramework = (typeof testFrameworks)[number];

export interface ProjectDetection {
  packageManager: PackageManager | null;
  testFramework: TestFramework | null;
  validate: string[];
  excludePaths: string[];
}

interface PackageJson {
  scripts?: Record<string, string>;
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
}

const npmDefaultTest = /no test specified/;

/** Look at a repository's files and guess how it is built and tested, for `maestro init`. */
export async function detectProject(root: string): Promise<ProjectDetection> {
  const has = async (file: string): Promise<boolean> =>
    access(join(root, file)).then(
      () => true,
      () => false,
    );
  const text = async (file: string): Promise<string> => readFile(join(root, file), 'utf8').catch(() => '');
  const pkg = await readPackageJson(join(root, 'package.json'));

  const packageManager: PackageManager | null = (await has('pnpm-lock.yaml'))
    ? 'pnpm'
    : (await has('yarn.lock'))
      ? 'yarn'
      : (await has('bun.lockb')) || (await has('bun.lock'))
        ? 'bun'
        : pkg
          ? 'npm'
          : null;

  const deps = { ...pkg?.dependencies, ...pkg?.devDependencies };
  const testScript = pkg?.scripts?.test ?? '';
  let testFramework: TestFramework | null = null;
  if ('vitest' in deps || /\bvitest\b/.test(testScript)) testFramework = 'vitest';
  else if ('jest' in deps || /\bjest\b/.test(testScript)) testFramework = 'jest';
  else if ('mocha' in deps || /\bmocha\b/.test(testScript)) testFramework = 'mocha';
  else if (/node\s+(--[\w-]+\s+)*--test\b/.test(testScript)) testFramework = 'node:test';
  else if (await has('go.mod')) testFramework = 'go test';
  else if (await has('Cargo.toml')) testFramework = 'cargo test';
  else if (
    (await has('pytest.ini')) ||
    (await has('conftest.py')) ||
    /\[tool\.pytest/.test(await text('pyproject.toml')) ||
    /^pytest\b/m.test(await text('requirements-dev.txt')) ||
    /^pytest\b/m.test(await text('requirements.txt'))
  ) {
    testFramework = 'pytest';
  }

  const validate: string[] = [];
  const run = packageManager === 'npm' ? 'npm run' : (packageManager ?? 'npm run');
  if (pkg && packageManager) {
    if (pkg.scripts?.lint) validate.push(`${run} lint`);
    if (testScript && !npmDefaultTest.test(testScript))
      validate.push(packageManager === 'npm' ? 'npm test' : `${packageManager} test`);
  } else if (testFramework === 'go test') {
    validate.push('go vet ./...', 'go test ./...');
  } else if (testFramework === 'cargo test') {
    validate.push('cargo test');
  } else if (testFramework === 'pytest') {
    validate.push('python -m pytest -q');
  }

  const excludePaths = ['.git/**'];
  if (pkg) excludePaths.push('node_modules/**', 'dist/**', 'coverage/**');
  if (testFramework === 'cargo test') excludePaths.push('target/**');
  if (testFramework === 'pytest') excludePaths.push('.venv/**', '**/__pycache__/**');
  return { packageManager, testFramework, validate, excludePaths };
}

async function readPackageJson(file: string): Promise<PackageJson | null> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as PackageJson;
  } catch {
    return null;
  }
}
