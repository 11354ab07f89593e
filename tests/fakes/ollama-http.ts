/**
 * The fake Ollama's side of one HTTP exchange with a client that may leave at any moment: a JSON
 * reply, and waits that end when the client goes. Every endpoint of the fake uses them, so they are
 * no part of the chat endpoint: a client leaving stops a chat's work in Ollama (ChatHandler runs the
 * completion under the request's context, server/routes.go; see PromptEvaluation.clientLeft in
 * ./ollama-chat.ts), so the fake checks for it at every wait.
 */
import type http from 'node:http';

/** A whole JSON reply: an error, a `stream:false` answer, or any other endpoint's body. */
export function sendJson(res: http.ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8' });
  res.end(JSON.stringify(body));
}

/** The client left (or the server was stopped) before the answer was finished. */
export function isGone(res: http.ServerResponse): boolean {
  return res.destroyed || !res.socket || res.socket.destroyed;
}

/** Resolves when the client goes away (or the server is stopped). */
export function closed(res: http.ServerResponse): Promise<void> {
  if (isGone(res)) return Promise.resolve();
  return new Promise((resolve) => res.once('close', () => resolve()));
}

/** Waits `ms`, ending early if the client leaves; false when it left. */
export function pause(ms: number, res: http.ServerResponse): Promise<boolean> {
  if (isGone(res)) return Promise.resolve(false);
  if (!(ms > 0)) return Promise.resolve(true);
  return new Promise((resolve) => {
    const onClose = () => {
      clearTimeout(timer);
      resolve(false);
    };
    const timer = setTimeout(() => {
      res.off('close', onClose);
      resolve(!isGone(res));
    }, ms);
    res.once('close', onClose);
  });
}
