import type { ServerResponse } from 'node:http';
import type { FakeFault } from './scenario.js';
import type { Wire, WireChunk } from './wire.js';

/** Resolves when `signal` does or the client leaves, whichever is first. */
export function untilOrClosed(signal: Promise<void>, res: ServerResponse): Promise<void> {
  if (res.destroyed) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      res.off('close', done);
      resolve();
    };
    res.once('close', done);
    void signal.then(done);
  });
}

export function sleep(ms: number, res: ServerResponse): Promise<void> {
  if (ms <= 0 || res.destroyed) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      res.off('close', done);
      resolve();
    }
    res.once('close', done);
  });
}

export interface StreamPlan {
  chunks: WireChunk[];
  wire: Wire;
  /** Delay between chunks. */
  latencyMs: number;
  fault: FakeFault | undefined;
  /** Write the bytes `bytes` at a time, `everyMs` apart, instead of chunk by chunk. */
  trickle: { bytes: number; everyMs: number } | undefined;
  /** After the first bytes went out (the cache entry becomes readable). */
  onFirstBytes: () => void;
}

/** Streams the chunks of one answer, with the scenario's pauses and mid-stream fault. */
export async function writeStream(res: ServerResponse, plan: StreamPlan): Promise<void> {
  const { chunks, fault, wire } = plan;
  const texts = chunks.filter((c): c is string => typeof c === 'string');
  const faultAt =
    fault && fault.type !== 'status' && fault.type !== 'reset'
      ? (fault.afterChunks ?? Math.floor(texts.length / 2))
      : -1;
  let written = 0;
  let first = true;
  const write = async (text: string) => {
    if (!plan.trickle) return void res.write(text);
    const bytes = Buffer.from(text);
    for (let at = 0; at < bytes.length && !res.destroyed; at += plan.trickle.bytes) {
      res.write(bytes.subarray(at, at + plan.trickle.bytes));
      await sleep(plan.trickle.everyMs, res);
    }
  };
  for (const chunk of chunks) {
    if (res.destroyed) return;
    if (typeof chunk !== 'string') {
      await sleep(chunk.pauseMs, res);
      continue;
    }
    if (written === faultAt && fault) {
      if (fault.type === 'cut') {
        res.write(chunk.slice(0, Math.max(1, Math.floor(chunk.length / 2))));
        res.destroy();
        return;
      }
      if (fault.type === 'stall') {
        await sleep(fault.ms ?? 2 ** 31 - 1, res);
        res.destroy();
        return;
      }
      if (fault.type === 'error_event') {
        const event = wire.errorEvent?.(fault.errorType ?? 'overloaded_error', fault.message ?? 'Overloaded');
        if (event === undefined) res.destroy();
        else res.end(event);
        return;
      }
      if (fault.type === 'garbled') res.write(wire.garbage);
    }
    await write(chunk);
    written++;
    if (first) {
      first = false;
      plan.onFirstBytes();
    }
    if (written < texts.length && !plan.trickle) await sleep(plan.latencyMs, res);
  }
  res.end();
}
