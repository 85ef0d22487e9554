import { appendFileSync } from 'node:fs';

// Log lines as runc writes them: with --log-format json one object per line
// ({"level","msg","time"}), which engines read for the last error.
export interface Logger {
  error(msg: string): void;
  warn(msg: string): void;
  debug(msg: string): void;
}

export function makeLogger(file: string | undefined, format: string, debug: boolean): Logger {
  const line = (level: string, msg: string) => {
    const time = new Date().toISOString();
    if (format === 'json') return JSON.stringify({ level, msg, time }) + '\n';
    return `time="${time}" level=${level} msg=${JSON.stringify(msg)}\n`;
  };
  const write = (level: string, msg: string) => {
    if (!file) return;
    try {
      appendFileSync(file, line(level, msg));
    } catch {
      /* logging must not turn into the failure */
    }
  };
  return {
    error(msg) {
      write('error', msg);
      process.stderr.write(`tsrun: ${msg}\n`);
    },
    // Without --log a warning goes to stderr, where runc's go too.
    warn(msg) {
      if (file) write('warning', msg);
      else process.stderr.write(`tsrun: warning: ${msg}\n`);
    },
    debug(msg) {
      if (debug) write('debug', msg);
    },
  };
}
