/**
 * An API answer as plain data, before it becomes a web `Response` (Next's route handlers) or is written to a Node
 * response (the intake fast path in server.ts). Both turn the same `TApiAnswer` into bytes, so the two ways of
 * serving one route cannot answer differently.
 */
export type TApiAnswer = { status: number; headers: Record<string, string>; body: string };

/** The web `Response` of an answer. */
export function toResponse(answer: TApiAnswer): Response {
  return new Response(answer.body, { status: answer.status, headers: answer.headers });
}

/**
 * The parts of an incoming request that reading a body needs, from a web `Request` or a Node `IncomingMessage`.
 * `header` takes a lower-case name. `stop` is called when reading ends early (a body over the limit): it stops the
 * body without ending the connection, so the refusal can still be sent.
 */
export type TRequestBody = {
  header(name: string): string | null;
  body: AsyncIterable<Uint8Array> | null;
  stop(): Promise<void>;
};

/** A web `Request` as a `TRequestBody`. */
export function requestBodyOf(request: Request): TRequestBody {
  const stream = request.body;
  let reader: ReadableStreamDefaultReader<Uint8Array> | null = null;
  return {
    header: (name) => request.headers.get(name),
    body: stream
      ? {
          [Symbol.asyncIterator]: () => {
            reader = stream.getReader();
            const current = reader;
            return {
              next: async () => {
                const { done, value } = await current.read();
                return done ? { done: true, value: undefined } : { done: false, value };
              },
            };
          },
        }
      : null,
    stop: async () => {
      await reader?.cancel().catch(() => undefined);
    },
  };
}
