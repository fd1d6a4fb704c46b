/**
 * A `fetch` for the SDK clients that reports every chunk of a response body as it is read, before
 * the SDK parses it into events: the wire-level clock of the stall watchdog (SSE lines, NDJSON
 * lines, pings and argument deltas all count, complete events or not).
 */
export function activityFetch(onActivity: () => void, base: typeof fetch = fetch): typeof fetch {
  return async (input, init) => {
    const response = await base(input, init);
    onActivity();
    if (!response.body) return response;
    const { status, statusText, headers } = response;
    const body = response.body.pipeThrough(
      new TransformStream<Uint8Array, Uint8Array>({
        transform(chunk, controller) {
          onActivity();
          controller.enqueue(chunk);
        },
      }),
    );
    return new Response(body, { status, statusText, headers });
  };
}
