import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import type { TServerInfo } from './server';

const root = path.resolve(import.meta.dirname, '..', '..');
// USER_HZ, the unit of /proc/<pid>/stat times: 100 on every Linux architecture Node runs on.
const CLOCK_TICKS_PER_SECOND = 100;

/** Whether something listens on 127.0.0.1:`port` (a TCP connection, closed at once: no HTTP request). */
function acceptsConnections(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/**
 * A Qorgau server of its own (scripts/e2e-server.ts on another port and folder) for benchmarks and
 * the crash test, which must be able to kill and restart it without disturbing the shared server.
 */
export class ServerProcess {
  private child: ChildProcess | null = null;
  readonly baseUrl: string;
  readonly dir: string;

  constructor(
    readonly port: number,
    folder: string,
    private readonly extraEnv: Record<string, string> = {},
  ) {
    this.baseUrl = `http://127.0.0.1:${port}`;
    this.dir = path.resolve(root, folder);
  }

  /** Starts it (fresh, or on the same data with `keep`) and waits until it answers. */
  async start(options: { keep?: boolean; timeoutMs?: number; probe?: 'health' | 'port' } = {}): Promise<void> {
    this.child = spawn(path.join(root, 'node_modules', '.bin', 'tsx'), ['scripts/e2e-server.ts'], {
      cwd: root,
      env: {
        ...process.env,
        ...this.extraEnv,
        QORGAU_E2E_PORT: String(this.port),
        QORGAU_E2E_DIR: path.relative(root, this.dir),
        QORGAU_E2E_KEEP: options.keep ? '1' : '0',
      },
      stdio: 'ignore',
      detached: true,
    });
    const deadline = Date.now() + (options.timeoutMs ?? 120_000);
    while (Date.now() < deadline) {
      if (this.child.exitCode !== null) throw new Error('the server exited while starting');
      try {
        // `port` waits without sending any HTTP request, for tests of what a server does before its first one.
        if (options.probe === 'port' ? await acceptsConnections(this.port) : (await fetch(`${this.baseUrl}/api/health`)).ok) return;
      } catch {
        // not up yet
      }
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    throw new Error('the server did not start in time');
  }

  /**
   * CPU seconds (user + system) used so far by the server's processes (its whole process group:
   * the launcher and the server), from /proc. Linux only; 0 elsewhere. Processes that already
   * exited (before a restart) are not counted.
   */
  cpuSeconds(): number {
    const group = this.child?.pid;
    if (!group || !fs.existsSync('/proc/self/stat')) return 0;
    let ticks = 0;
    for (const entry of fs.readdirSync('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      let stat: string;
      try {
        stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      } catch {
        continue; // exited meanwhile
      }
      // Fields after the command name (which may contain spaces): state ppid pgrp … utime(14) stime(15).
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(fields[2]) === group) ticks += Number(fields[11]) + Number(fields[12]);
    }
    return ticks / CLOCK_TICKS_PER_SECOND;
  }

  info(): TServerInfo {
    return JSON.parse(fs.readFileSync(path.join(this.dir, 'server.json'), 'utf8')) as TServerInfo;
  }

  /** Ends the whole process group: SIGKILL for a crash, SIGTERM for a clean stop. */
  async stop(signal: 'SIGKILL' | 'SIGTERM' = 'SIGTERM'): Promise<void> {
    const child = this.child;
    if (!child?.pid) return;
    try {
      process.kill(-child.pid, signal);
    } catch {
      return;
    }
    await new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      child.once('exit', () => resolve());
      setTimeout(resolve, 10_000);
    });
    // The port must be free before a restart.
    for (let i = 0; i < 40; i += 1) {
      try {
        await fetch(`${this.baseUrl}/api/health`);
        await new Promise((resolve) => setTimeout(resolve, 250));
      } catch {
        break;
      }
    }
    this.child = null;
  }
}
