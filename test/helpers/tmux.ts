import { execa } from 'execa';
import { afterEach, vi } from 'vitest';

let counter = 0;
const sessions: TmuxSession[] = [];

afterEach(async () => {
  while (sessions.length > 0) await sessions.pop()?.kill();
});

export interface TmuxStart {
  /** Program and arguments, executed directly (no shell). */
  command: string[];
  cwd: string;
  env?: Record<string, string | undefined>;
  columns?: number;
  rows?: number;
}

/**
 * A real terminal for end-to-end tests: a detached tmux session on its own server socket (so it
 * never touches a user's tmux), sized as asked, whose pane stays readable after the program exits.
 * Killed after each test.
 */
export class TmuxSession {
  private constructor(
    readonly socket: string,
    readonly target: string,
  ) {}

  static async start(options: TmuxStart): Promise<TmuxSession> {
    counter += 1;
    const session = new TmuxSession(`maestro-test-${process.pid}-${counter}`, 'main');
    sessions.push(session);
    const size = ['-x', String(options.columns ?? 100), '-y', String(options.rows ?? 30)];
    await execa(
      'tmux',
      [
        '-L',
        session.socket,
        '-f',
        '/dev/null',
        'new-session',
        '-d',
        '-s',
        session.target,
        ...size,
        '-c',
        options.cwd,
        ...options.command,
        ';',
        'set-option',
        '-t',
        session.target,
        'remain-on-exit',
        'on',
        ';',
        'set-option',
        '-g',
        'window-size',
        'manual',
      ],
      // The server takes its environment from this client; CI markers would make programs think they have no terminal.
      { env: { TERM: 'xterm-256color', CI: undefined, ...options.env }, extendEnv: true },
    );
    return session;
  }

  private tmux(args: string[]) {
    return execa('tmux', ['-L', this.socket, ...args]);
  }

  /** Keys by tmux name (`Enter`, `Escape`, `Down`, `C-c`) or literal text with `literal: true`. */
  async sendKeys(keys: string[], options: { literal?: boolean } = {}): Promise<void> {
    for (const key of keys) {
      await this.tmux(['send-keys', '-t', this.target, ...(options.literal ? ['-l'] : []), key]);
    }
  }

  async type(text: string): Promise<void> {
    await this.sendKeys([text], { literal: true });
  }

  /** The visible screen as text, one line a row, trailing spaces kept out. */
  async capture(): Promise<string> {
    return (await this.tmux(['capture-pane', '-p', '-t', this.target])).stdout;
  }

  /** A tmux format value of the pane, e.g. `alternate_on`, `pane_dead`, `cursor_flag`. */
  async format(name: string): Promise<string> {
    return (await this.tmux(['display-message', '-p', '-t', this.target, `#{${name}}`])).stdout.trim();
  }

  /** Polls the pane until it shows the text; returns the screen. */
  async waitForText(text: string | RegExp, timeoutMs = 10_000): Promise<string> {
    return vi.waitFor(
      async () => {
        const screen = await this.capture();
        const found = typeof text === 'string' ? screen.includes(text) : text.test(screen);
        if (!found) throw new Error(`pane does not show ${String(text)}:\n${screen}`);
        return screen;
      },
      { timeout: timeoutMs, interval: 50 },
    );
  }

  async waitForFormat(name: string, value: string, timeoutMs = 10_000): Promise<void> {
    await vi.waitFor(
      async () => {
        const current = await this.format(name);
        if (current !== value) throw new Error(`#{${name}} is ${current}, waiting for ${value}`);
      },
      { timeout: timeoutMs, interval: 50 },
    );
  }

  async resize(columns: number, rows: number): Promise<void> {
    await this.tmux(['resize-window', '-t', this.target, '-x', String(columns), '-y', String(rows)]);
  }

  async kill(): Promise<void> {
    await execa('tmux', ['-L', this.socket, 'kill-server'], { reject: false });
  }
}
