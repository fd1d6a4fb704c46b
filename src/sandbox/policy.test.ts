import { describe, expect, it } from 'vitest';
import { buildPolicy, hostOfUrl, parseHostPort, sortMounts } from './policy.js';
import { bwrapArgv } from './bwrap.js';

const input = {
  worktree: '/home/u/.local/share/maestro/wt/repo-1/slot-1',
  gitCommonDir: '/home/u/code/repo/.git',
  gitAdminDir: '/home/u/code/repo/.git/worktrees/slot-1',
  hidden: ['/home/u', '/home/u/.local/share/maestro/wt/repo-1'],
  readable: ['/home/u/.nvm/versions/node/v24'],
  network: { mode: 'none' as const },
};

describe('buildPolicy', () => {
  it('hides home and worktrees, shows .git read-only, this worktree and its admin folder writable', () => {
    const policy = buildPolicy(input);
    expect(policy.mounts).toEqual([
      { kind: 'hide', path: '/run' },
      { kind: 'hide', path: '/tmp' },
      { kind: 'hide', path: '/dev/shm' },
      { kind: 'hide', path: '/home/u' },
      { kind: 'hide', path: '/var/tmp' },
      { kind: 'ro', path: '/home/u/code/repo/.git' },
      { kind: 'hide', path: '/home/u/code/repo/.git/maestro' },
      { kind: 'hide', path: '/home/u/code/repo/.git/worktrees' },
      { kind: 'ro', path: '/home/u/.nvm/versions/node/v24' },
      { kind: 'rw', path: '/home/u/code/repo/.git/objects' },
      { kind: 'hide', path: '/home/u/.local/share/maestro/wt/repo-1' },
      { kind: 'rw', path: '/home/u/code/repo/.git/worktrees/slot-1' },
      { kind: 'rw', path: '/home/u/.local/share/maestro/wt/repo-1/slot-1' },
      { kind: 'ro', path: '/home/u/.local/share/maestro/wt/repo-1/slot-1/.git' },
    ]);
    expect(policy.cwd).toBe(input.worktree);
  });

  it('keeps one mount per path, the more permissive kind winning', () => {
    expect(
      sortMounts([
        { kind: 'hide', path: '/a' },
        { kind: 'rw', path: '/a' },
        { kind: 'ro', path: '/a/b' },
      ]),
    ).toEqual([
      { kind: 'rw', path: '/a' },
      { kind: 'ro', path: '/a/b' },
    ]);
  });

  it('refuses relative paths', () => {
    expect(() => buildPolicy({ ...input, worktree: 'slot-1' })).toThrow(/absolute/);
  });

  it('becomes bwrap arguments with every namespace unshared and the mounts in order', () => {
    const argv = bwrapArgv(buildPolicy(input), ['npm', 'test']);
    for (const flag of ['--unshare-user', '--unshare-pid', '--unshare-net', '--die-with-parent'])
      expect(argv).toContain(flag);
    expect(argv.indexOf('--tmpfs')).toBeGreaterThan(argv.indexOf('/proc'));
    expect(argv.slice(-3)).toEqual(['--', 'npm', 'test']);
  });

  it('keeps no capability, unless a bridged loopback port below 1024 needs binding inside', () => {
    const policy = buildPolicy(input);
    const plain = bwrapArgv(policy, ['npm', 'test'], { dir: '/b', lowPorts: false });
    expect(plain).not.toContain('--cap-add');
    expect(plain).not.toContain('--uid');
    const low = bwrapArgv(policy, ['npm', 'test'], { dir: '/b', lowPorts: true });
    const added = low.flatMap((arg, i) => (arg === '--cap-add' ? [low[i + 1]] : []));
    expect(added).toEqual(['CAP_NET_BIND_SERVICE']);
    expect(low.slice(low.indexOf('--uid'), low.indexOf('--uid') + 4)).toEqual(['--uid', '0', '--gid', '0']);
  });
});

describe('hosts', () => {
  it.each([
    ['registry.npmjs.org:443', { host: 'registry.npmjs.org', port: 443 }],
    ['127.0.0.1:8080', { host: '127.0.0.1', port: 8080 }],
    ['[::1]:9', { host: '::1', port: 9 }],
    ['nohost', null],
    ['a:99999', null],
  ])('%s', (entry, expected) => expect(parseHostPort(entry)).toEqual(expected));

  it('reads a base URL', () => {
    expect(hostOfUrl('https://api.anthropic.com/v1')).toEqual({ host: 'api.anthropic.com', port: 443 });
    expect(hostOfUrl('http://127.0.0.1:5555/v1')).toEqual({ host: '127.0.0.1', port: 5555 });
  });
});
