import { describe, expect, it, vi } from 'vitest';
import { StreamingReply, type MessageSink, type PostedMessage } from '../../src/discord/tickets/streaming-reply.js';
import { DEFAULT_NONCE_WINDOW_MS, MessageNonces } from '../fakes/discord/message-nonces.js';

/** Records what a member would see: the current text of each message, and every request made. */
function recordingSink(delayMs = 0) {
  const messages: string[] = [];
  const requests: { kind: 'send' | 'edit' | 'delete'; at: number }[] = [];
  const pause = () => new Promise((r) => setTimeout(r, delayMs));
  const sink: MessageSink = {
    async send(content) {
      requests.push({ kind: 'send', at: Date.now() });
      await pause();
      const index = messages.push(content) - 1;
      const message: PostedMessage = {
        async edit(next) {
          requests.push({ kind: 'edit', at: Date.now() });
          await pause();
          messages[index] = next;
        },
        async delete() {
          requests.push({ kind: 'delete', at: Date.now() });
          messages.splice(index, 1);
        },
      };
      return message;
    },
  };
  return { sink, messages, requests };
}

describe('StreamingReply', () => {
  it('replaces the placeholder with the final answer and drops the writing mark', async () => {
    const { sink, messages } = recordingSink();
    const reply = new StreamingReply(sink, 50);
    await reply.placeholder('Working on it…');
    reply.update('Hello');
    reply.update('Hello, world');
    await reply.finish('Hello, world!');
    expect(messages).toEqual(['Hello, world!']);
  });

  it('edits at most about once per interval however fast text arrives', async () => {
    const { sink, requests, messages } = recordingSink();
    const reply = new StreamingReply(sink, 100);
    let text = '';
    const started = Date.now();
    for (let i = 0; i < 60; i++) {
      text += `word${i} `;
      reply.update(text);
      await new Promise((r) => setTimeout(r, 10));
    }
    await reply.finish(text.trim());
    const elapsed = Date.now() - started;
    // ~600 ms of streaming at one request per 100 ms: far fewer requests than 60 updates.
    expect(requests.length).toBeLessThanOrEqual(Math.ceil(elapsed / 100) + 2);
    const gaps = requests.slice(1, -1).map((r, i) => r.at - requests[i]!.at);
    for (const gap of gaps) expect(gap).toBeGreaterThanOrEqual(90);
    expect(messages).toEqual([text.trim()]);
  });

  it('continues a long answer in further messages, each within 2000 characters', async () => {
    const { sink, messages } = recordingSink(2);
    const reply = new StreamingReply(sink, 20);
    const paragraph = 'A sentence of the streamed answer that goes on for a while. '.repeat(6).trim();
    let text = '';
    for (let i = 0; i < 16; i++) {
      text += (i ? '\n\n' : '') + paragraph;
      reply.update(text);
      await new Promise((r) => setTimeout(r, 5));
    }
    await reply.finish(text);
    expect(text.length).toBeGreaterThan(5000);
    expect(messages.length).toBeGreaterThanOrEqual(3);
    for (const m of messages) expect(m.length).toBeLessThanOrEqual(2000);
    expect(messages.join('\n\n')).toBe(text);
  });

  it("sends the finished answer's buttons with its last message's final text, in no request of their own", async () => {
    const shown: { content: string; buttons?: string }[] = [];
    let requests = 0;
    const sink: MessageSink<string> = {
      async send(content, buttons) {
        requests++;
        const index = shown.push({ content, ...(buttons ? { buttons } : {}) }) - 1;
        return {
          async edit(next, more) {
            requests++;
            // As on Discord, an edit without components keeps the ones the message has.
            shown[index] = { ...shown[index], content: next, ...(more ? { buttons: more } : {}) };
          },
          async delete() {
            requests++;
            shown.splice(index, 1);
          },
        };
      },
    };

    const streamed = new StreamingReply<string>(sink, 1000);
    streamed.update('Hello');
    await new Promise((r) => setTimeout(r, 20));
    await streamed.finish('Hello, world!', 'buttons');
    expect(shown).toEqual([{ content: 'Hello, world!', buttons: 'buttons' }]);
    expect(requests).toBe(2);

    shown.length = 0;
    requests = 0;
    const long = 'A sentence of a long trained answer that goes on. '.repeat(60).trim();
    await new StreamingReply<string>(sink, 1000).finish(long, 'buttons');
    expect(shown.length).toBe(2);
    expect(shown.map((m) => m.buttons)).toEqual([undefined, 'buttons']);
    expect(requests).toBe(2);
  });

  it('a part whose answer was lost (created, connection dropped) is sent again with the same nonce: shown once, brought up to date', async () => {
    // The fake Discord's own Create Message dedupe (MessageNonces, `enforce_nonce`): a nonce seen before returns the
    // message created then, as it was. The sink here makes no retry of its own, so the next flush is the retry.
    const dedupe = new MessageNonces(DEFAULT_NONCE_WINDOW_MS);
    const shown: { id: string; content: string; buttons?: string; deleted?: true }[] = [];
    const nonces: string[] = [];
    let loseNext = 1;
    const sink: MessageSink<string> = {
      async send(content, buttons, nonce) {
        nonces.push(nonce);
        const find = (id: string) => shown.find((m) => m.id === id);
        const create = () => shown[shown.push({ id: String(shown.length + 1), content, ...(buttons ? { buttons } : {}) }) - 1]!;
        const message = dedupe.createOnce('bot', { nonce, enforceNonce: true }, find, create);
        if (loseNext-- > 0) throw Object.assign(new Error('other side closed'), { code: 'UND_ERR_SOCKET' });
        return {
          content: message.content,
          async edit(next, more) {
            Object.assign(message, { content: next }, more ? { buttons: more } : {});
          },
          async delete() {
            message.deleted = true;
          },
        };
      },
    };
    const reply = new StreamingReply<string>(sink, 20);
    reply.update('Check the');
    await new Promise((r) => setTimeout(r, 40));
    // The final text goes out with the same nonce, and Discord returns the first message, still showing "Check the ▌".
    await reply.finish('Check the cable first.', 'buttons');
    expect(shown).toEqual([{ id: '1', content: 'Check the cable first.', buttons: 'buttons' }]);
    expect(nonces.length).toBeGreaterThanOrEqual(2);
    expect(new Set(nonces).size).toBe(1);
    expect(nonces[0]).toMatch(/^[\w-]{1,25}$/); // Discord takes up to 25 characters
  });

  it('finish() leaves retrying to the sink (the one retry path): a request that failed for good is not sent again by it', async () => {
    const { sink, messages } = recordingSink();
    let sends = 0;
    const failing: MessageSink = {
      async send(content, extras, nonce) {
        if (++sends === 1) throw Object.assign(new Error('other side closed'), { code: 'UND_ERR_SOCKET' });
        return sink.send(content, extras, nonce);
      },
    };
    await expect(new StreamingReply(failing, 20).finish('Answer after a drop.')).rejects.toMatchObject({ code: 'UND_ERR_SOCKET' });
    expect(sends).toBe(1);
    expect(messages).toEqual([]);
  });

  it('a stop Discord refused (the post archived meanwhile) is redone by the next stop(): the writing mark comes off', async () => {
    const { sink, messages } = recordingSink();
    let refusing = false;
    const refusingSink: MessageSink = {
      async send(content, extras, nonce) {
        const message = await sink.send(content, extras, nonce);
        return { edit: (next) => (refusing ? Promise.reject(new Error('Thread is archived')) : message.edit(next)), delete: () => message.delete() };
      },
    };
    const reply = new StreamingReply(refusingSink, 10);
    reply.update('The first half');
    await vi.waitFor(() => expect(messages).toEqual(['The first half ▌']));
    refusing = true;
    await expect(reply.stop()).rejects.toThrow('Thread is archived');
    refusing = false;
    await reply.stop();
    expect(messages).toEqual(['The first half']);
    reply.update('The first half and more');
    await reply.finish('The whole answer');
    expect(messages).toEqual(['The first half']);
  });

  it('a trailing part whose delete Discord refused (the post archived meanwhile) stays listed: the redone finish() or stop() deletes it', async () => {
    for (const end of ['finish', 'stop'] as const) {
      const { sink, messages } = recordingSink();
      let refusing = false;
      const refusingSink: MessageSink = {
        async send(content, extras, nonce) {
          const message = await sink.send(content, extras, nonce);
          return { edit: (next) => message.edit(next), delete: () => (refusing ? Promise.reject(new Error('Thread is archived')) : message.delete()) };
        },
      };
      const reply = new StreamingReply(refusingSink, 10);
      // 1999 characters: with the writing mark, two messages; without it, one.
      const text = `${'A sentence of the answer that goes on. '.repeat(40)}\n\n${'Another one. '.repeat(200)}`.slice(0, 1998) + '.';
      reply.update(text);
      // Waited for, not slept: on a loaded machine the throttled first send can take longer than any fixed pause.
      await vi.waitFor(() => expect(messages).toHaveLength(2));
      refusing = true;
      const redo = () => (end === 'finish' ? reply.finish(text) : reply.stop());
      await expect(redo()).rejects.toThrow('Thread is archived');
      refusing = false;
      await redo();
      expect(messages).toEqual([text]);
    }
  });
});
