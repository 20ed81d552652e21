import type { IncomingMessage } from 'node:http';
import type { TRequestBody } from './answer';

/**
 * A Node request as a `TRequestBody` (lib/http/answer.ts), for the answers server.ts gives without Next: its chunks
 * in order, ending with the body, or failing if the client goes away first. `stop` discards the rest of the body
 * without closing the connection, so a refusal (413) still reaches the client and the connection can be reused.
 */
export function nodeRequestBody(request: IncomingMessage): TRequestBody {
  const header = (name: string): string | null => {
    const value = request.headers[name];
    if (value === undefined) return null;
    return Array.isArray(value) ? value.join(', ') : value;
  };
  const queue: Buffer[] = [];
  let ended = false;
  let failure: Error | null = null;
  let wake: (() => void) | null = null;
  const notify = () => {
    const waiting = wake;
    wake = null;
    waiting?.();
  };
  const onData = (chunk: Buffer) => {
    queue.push(chunk);
    notify();
  };
  let listening = false;
  const listen = () => {
    if (listening) return;
    listening = true;
    request.on('data', onData);
    request.once('end', () => {
      ended = true;
      notify();
    });
    request.once('close', () => {
      if (!ended) failure ??= new Error('the client closed the connection before the end of the body');
      notify();
    });
    request.once('error', (error) => {
      failure ??= error;
      notify();
    });
  };
  return {
    header,
    body: {
      [Symbol.asyncIterator]: () => ({
        next: async (): Promise<IteratorResult<Uint8Array>> => {
          listen();
          for (;;) {
            const chunk = queue.shift();
            if (chunk) return { done: false, value: chunk };
            if (failure) throw failure;
            if (ended) return { done: true, value: undefined };
            await new Promise<void>((resolve) => (wake = resolve));
          }
        },
      }),
    },
    stop: async () => {
      request.off('data', onData);
      queue.length = 0;
      // Flowing with no listener: the rest of the body is read and dropped, and the connection stays usable.
      request.resume();
    },
  };
}
