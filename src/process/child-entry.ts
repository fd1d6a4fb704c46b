import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';

/**
 * Where a Node child's entry file `name` (beside the module at `here`) is and how to start it:
 * from `dist/` it is plain JavaScript; from `src/` (tests, tsx) it is TypeScript and the child
 * needs tsx's loader.
 */
export function childEntry(
  here: string,
  name: string,
  v8Flags: string[] = [],
): { entry: string; execArgv: string[] } {
  if (here.endsWith('.ts')) {
    const tsx = createRequire(here).resolve('tsx');
    return {
      entry: fileURLToPath(new URL(`./${name}.ts`, here)),
      execArgv: [...v8Flags, '--import', pathToFileURL(tsx).href],
    };
  }
  return { entry: fileURLToPath(new URL(`./${name}.js`, here)), execArgv: v8Flags };
}
