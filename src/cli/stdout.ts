import { writeSync } from 'node:fs';
import { errorCode } from '../util/errors';
import { sleepSync } from '../util/sleep';

// Writes to fd 1 directly. process.stdout is a stream, and the first use of
// it loads Node's stream modules: about 1.5 ms, a fifth of what `tsrun
// state` does beyond starting Node. A reader that went away ends the output
// quietly, as SIGPIPE would.
export function writeStdout(text: string): void {
  const buf = Buffer.from(text);
  for (let off = 0; off < buf.length;) {
    try {
      off += writeSync(1, buf, off);
    } catch (e) {
      const code = errorCode(e);
      if (code === 'EPIPE') return;
      // A non-blocking stdout (an inherited pipe) that is full: wait for the reader.
      if (code !== 'EAGAIN') throw e;
      sleepSync(1);
    }
  }
}
