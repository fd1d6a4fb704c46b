import { mkdir, mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  geminiKeychainFile,
  readGeminiKeychainFile,
  savedGeminiApiKey,
} from '../../../test/helpers/gemini-keychain.js';
import { externalAgentHosts } from './access.js';
import { homeSpec } from './homes.js';
import { privateHome } from './private-home.js';

const dirs: string[] = [];
afterEach(async () => {
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});
async function temp(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'cli-home-'));
  dirs.push(dir);
  return dir;
}

/** Every file below `dir`, as relative paths. */
async function files(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name).slice(dir.length + 1))
    .sort();
}

describe('private CLI homes', () => {
  it('codex: copies of its settings, login and instructions; its sessions stay out; the user’s home is never written', async () => {
    const user = await temp();
    await writeFile(join(user, 'config.toml'), 'model = "gpt-5.6-sol"\n');
    await writeFile(join(user, 'auth.json'), '{"OPENAI_API_KEY":"sk-x"}');
    await writeFile(join(user, 'history.jsonl'), 'old sessions\n');
    const dir = await temp();
    const home = await privateHome(dir, homeSpec('codex', { CODEX_HOME: user })!);
    const own = join(dir, 'codex-home');
    expect(home).toEqual({ env: { CODEX_HOME: own }, writable: [own] });
    expect(await files(own)).toEqual(['auth.json', 'config.toml']);
    await writeFile(join(own, 'config.toml'), 'notify = ["sh", "-c", "planted"]\n');
    expect(await readFile(join(user, 'config.toml'), 'utf8')).toBe('model = "gpt-5.6-sol"\n');
  });

  it('claude: its login without the refresh token, settings, instructions, and only the login keys of ~/.claude.json', async () => {
    const user = await temp();
    await mkdir(join(user, '.claude'));
    const creds = {
      claudeAiOauth: { accessToken: 'at', refreshToken: 'rt', expiresAt: 1, scopes: ['user:inference'] },
    };
    await writeFile(join(user, '.claude', '.credentials.json'), JSON.stringify(creds));
    await writeFile(join(user, '.claude', 'settings.json'), '{"model":"opus"}');
    await writeFile(join(user, '.claude', 'CLAUDE.md'), 'Be brief.\n');
    await writeFile(join(user, '.claude', 'history.jsonl'), 'old prompts\n');
    const global = {
      primaryApiKey: 'sk-ant-saved',
      oauthAccount: { emailAddress: 'a@b.c' },
      hasCompletedOnboarding: true,
      projects: { '/secret/project': { history: ['old prompt'] } },
      mcpServers: { github: { env: { GITHUB_TOKEN: 'ghp_x' } } },
    };
    await writeFile(join(user, '.claude.json'), JSON.stringify(global));
    const dir = await temp();
    const home = await privateHome(dir, homeSpec('claude', { HOME: user })!);
    const own = join(dir, 'claude-home');
    expect(home).toEqual({ env: { CLAUDE_CONFIG_DIR: own }, writable: [own] });
    expect(await files(own)).toEqual(['.claude.json', '.credentials.json', 'CLAUDE.md', 'settings.json']);
    expect(JSON.parse(await readFile(join(own, '.credentials.json'), 'utf8'))).toEqual({
      claudeAiOauth: { accessToken: 'at', expiresAt: 1, scopes: ['user:inference'] },
    });
    expect(JSON.parse(await readFile(join(own, '.claude.json'), 'utf8'))).toEqual({
      primaryApiKey: 'sk-ant-saved',
      oauthAccount: { emailAddress: 'a@b.c' },
      hasCompletedOnboarding: true,
    });
    expect((await stat(join(own, '.credentials.json'))).mode & 0o077).toBe(0);
    // The user's own login is as it was.
    expect(JSON.parse(await readFile(join(user, '.claude', '.credentials.json'), 'utf8'))).toEqual(creds);
  });

  it('claude with CLAUDE_CONFIG_DIR: its files and .claude.json come from there', async () => {
    const config = await temp();
    await writeFile(join(config, '.claude.json'), '{"primaryApiKey":"sk-ant-there","numStartups":3}');
    const dir = await temp();
    await privateHome(dir, homeSpec('claude', { HOME: '/nonexistent', CLAUDE_CONFIG_DIR: config })!);
    expect(await files(join(dir, 'claude-home'))).toEqual(['.claude.json']);
    expect(await readFile(join(dir, 'claude-home', '.claude.json'), 'utf8')).toBe(
      '{"primaryApiKey":"sk-ant-there"}\n',
    );
  });

  it('gemini: settings, Google login, account and instructions under .gemini; the rest of ~/.gemini stays out', async () => {
    const user = await temp();
    await mkdir(join(user, '.gemini'));
    for (const name of [
      'settings.json',
      'oauth_creds.json',
      'google_accounts.json',
      'GEMINI.md',
      'trustedFolders.json',
    ])
      await writeFile(join(user, '.gemini', name), `{"${name}":1}`);
    await mkdir(join(user, '.gemini', 'tmp'));
    await writeFile(join(user, '.gemini', 'tmp', 'chat.json'), '{}');
    const dir = await temp();
    const home = await privateHome(dir, homeSpec('gemini', { HOME: user })!);
    const own = join(dir, 'gemini-home');
    expect(home).toEqual({ env: { GEMINI_CLI_HOME: own }, writable: [own] });
    expect(await files(own)).toEqual([
      '.gemini/GEMINI.md',
      '.gemini/google_accounts.json',
      '.gemini/oauth_creds.json',
      '.gemini/settings.json',
    ]);
    expect(await readFile(join(own, '.gemini', 'oauth_creds.json'), 'utf8')).toBe('{"oauth_creds.json":1}');
  });

  it('gemini with GEMINI_CLI_HOME: copies from <it>/.gemini; no home at all gives an empty private home', async () => {
    const user = await temp();
    await mkdir(join(user, '.gemini'));
    await writeFile(join(user, '.gemini', 'oauth_creds.json'), '{}');
    const dir = await temp();
    await privateHome(dir, homeSpec('gemini', { HOME: '/nonexistent', GEMINI_CLI_HOME: user })!);
    expect(await files(join(dir, 'gemini-home'))).toEqual(['.gemini/oauth_creds.json']);
    const bare = await temp();
    await privateHome(bare, homeSpec('gemini', {})!);
    expect(await files(join(bare, 'gemini-home'))).toEqual([]);
  });

  it('gemini: of its encrypted credentials file only the saved API key and Google login are copied; a file with neither is not', async () => {
    const user = await temp();
    await mkdir(join(user, '.gemini'));
    const login = {
      ...savedGeminiApiKey('saved-key'),
      'gemini-cli-oauth': { 'main-account': '{"token":{}}' },
    };
    const mcp = { 'gemini-cli-oauth': { 'some-mcp-server': '{"token":{"accessToken":"mcp-secret"}}' } };
    const file = join(user, '.gemini', 'gemini-credentials.json');
    await writeFile(
      file,
      geminiKeychainFile({
        ...login,
        'gemini-cli-oauth': { ...login['gemini-cli-oauth'], ...mcp['gemini-cli-oauth'] },
      }),
    );
    const dir = await temp();
    await privateHome(dir, homeSpec('gemini', { HOME: user })!);
    const copy = await readFile(join(dir, 'gemini-home', '.gemini', 'gemini-credentials.json'), 'utf8');
    expect(readGeminiKeychainFile(copy)).toEqual(login);
    await writeFile(file, geminiKeychainFile(mcp));
    const other = await temp();
    await privateHome(other, homeSpec('gemini', { HOME: user })!);
    expect(await files(join(other, 'gemini-home'))).toEqual([]);
  });

  it('gemini may reach what a copied Google login needs (token check, Code Assist); a base URL replaces all of them', () => {
    expect(externalAgentHosts('gemini', {}, [], []).map((h) => h.host)).toEqual([
      'generativelanguage.googleapis.com',
      'oauth2.googleapis.com',
      'cloudcode-pa.googleapis.com',
    ]);
    expect(externalAgentHosts('gemini', { GOOGLE_GEMINI_BASE_URL: 'http://127.0.0.1:5/' }, [], [])).toEqual([
      { host: '127.0.0.1', port: 5 },
    ]);
  });

  it('a custom command gets no private home', () => {
    expect(homeSpec('lines', { HOME: '/home/u' })).toBeNull();
  });
});
