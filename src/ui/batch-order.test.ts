import { once } from 'node:events';
import { createConnection, createServer, type Socket } from 'node:net';
import { join } from 'node:path';
import { afterEach, expect, it, vi } from 'vitest';
import { tempDir } from '../../test/helpers/repo.js';
import { createBatcher } from './batch.js';

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

/** A connected pair of real sockets: what the server side reads arrives in the poll phase, as keys do. */
async function socketPair(): Promise<{ reader: Socket; writer: Socket }> {
  const path = join(await tempDir('maestro-batch-'), 'keys.sock');
  const server = createServer();
  server.listen(path);
  await once(server, 'listening');
  const writer = createConnection(path);
  const [reader] = (await once(server, 'connection')) as [Socket];
  await once(writer, 'connect');
  cleanups.push(() => {
    writer.destroy();
    reader.destroy();
    server.close();
  });
  return { reader, writer };
}

it('hands a batch that fell due while the loop was busy over after the key that arrived meanwhile', async () => {
  const { reader, writer } = await socketPair();
  const order: string[] = [];
  reader.on('data', (data: Buffer) => order.push(`key ${data.toString()}`));
  // One round trip first, so the reader is flowing before the race is set up.
  writer.write('warm-up');
  await vi.waitFor(() => expect(order).toEqual(['key warm-up']));
  order.length = 0;

  const batcher = createBatcher<number>((items) => order.push(`batch ${items.join(',')}`), { maxFps: 10 });
  cleanups.push(() => batcher.close());
  setImmediate(() => {
    // As when a frame is being drawn: the batch falls due and a key arrives before the loop is free.
    batcher.push(1);
    writer.write('j');
    const busyUntil = performance.now() + 25;
    while (performance.now() < busyUntil) {
      // The frame being drawn.
    }
  });
  await vi.waitFor(() => expect(order).toHaveLength(2));
  expect(order).toEqual(['key j', 'batch 1']);
});
