import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeText, downloadTextAttachment, exportFileName, formatBytes, jsonFile, type AttachmentSource } from '../../src/discord/attachments.js';

const MIB = 1024 * 1024;

/** A stand-in for Discord's CDN on 127.0.0.1: each path serves one kind of answer. */
let server: http.Server;
let base: string;

beforeAll(async () => {
  server = http.createServer((req, res) => {
    switch (req.url) {
      case '/ok.json':
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end('\uFEFF{"version":1,"entries":["héllo 👋 שלום"]}');
        return;
      case '/gone':
        res.writeHead(404, 'Not Found');
        res.end();
        return;
      case '/big-declared':
        res.writeHead(200, { 'content-length': String(3 * MIB) });
        res.end();
        return;
      case '/big-chunked': {
        // No content-length: the limit must be enforced while reading.
        res.writeHead(200, { 'transfer-encoding': 'chunked' });
        const chunk = Buffer.alloc(64 * 1024, 'a');
        for (let i = 0; i < 40; i++) res.write(chunk);
        res.end();
        return;
      }
      case '/binary':
        res.writeHead(200);
        res.end(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x00, 0x01]));
        return;
      case '/hang':
        res.writeHead(200);
        res.write('{"partial":');
        return; // never ends
      default:
        res.writeHead(500);
        res.end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

function file(path: string, overrides: Partial<AttachmentSource> = {}): AttachmentSource {
  return { name: 'export.json', url: `${base}${path}`, size: 100, contentType: 'application/json', ...overrides };
}

describe('formatBytes', () => {
  it('shows sizes the way the error messages quote them', () => {
    expect(formatBytes(10 * MIB)).toBe('10 MB');
    expect(formatBytes(Math.round(52.4 * MIB))).toBe('52.4 MB');
    expect(formatBytes(1536)).toBe('1.5 KB');
    expect(formatBytes(1)).toBe('1 byte');
    expect(formatBytes(12)).toBe('12 bytes');
  });
});

describe('downloadTextAttachment', () => {
  it('returns the text with emoji and right-to-left text intact, without the byte-order mark', async () => {
    const text = await downloadTextAttachment(file('/ok.json'), { maxBytes: MIB });
    expect(JSON.parse(text)).toEqual({ version: 1, entries: ['héllo 👋 שלום'] });
  });

  it('refuses a file Discord reports as too big, before downloading it', async () => {
    const attachment = file('/never-requested', { size: Math.round(52.4 * MIB) });
    await expect(downloadTextAttachment(attachment, { maxBytes: 10 * MIB })).rejects.toThrow('The file is 52.4 MB; the limit is 10 MB.');
  });

  it('refuses a download whose content-length is over the limit', async () => {
    await expect(downloadTextAttachment(file('/big-declared'), { maxBytes: 2 * MIB })).rejects.toThrow('The file is 3 MB; the limit is 2 MB.');
  });

  it('stops reading when a download grows past the limit without announcing its size', async () => {
    await expect(downloadTextAttachment(file('/big-chunked'), { maxBytes: MIB })).rejects.toThrow(/^The file is [\d.]+ MB; the limit is 1 MB\.$/);
  });

  it('refuses an attachment Discord types as an image', async () => {
    await expect(downloadTextAttachment(file('/ok.json', { name: 'cat.png', contentType: 'image/png' }), { maxBytes: MIB })).rejects.toThrow(
      'cat.png is not a text file (image/png)',
    );
  });

  it('refuses bytes that are not text even when the type claims they are', async () => {
    await expect(downloadTextAttachment(file('/binary', { contentType: 'text/plain' }), { maxBytes: MIB })).rejects.toThrow(
      'export.json is not a text file',
    );
  });

  it('explains an HTTP error from Discord', async () => {
    await expect(downloadTextAttachment(file('/gone'), { maxBytes: MIB })).rejects.toThrow('Could not download the file: Discord answered 404 Not Found.');
  });

  it('explains a connection that fails', async () => {
    const closed = file('/ok.json', { url: 'http://127.0.0.1:1/export.json' });
    await expect(downloadTextAttachment(closed, { maxBytes: MIB })).rejects.toThrow(/^Could not download the file: the connection failed/);
  });

  it('gives up on a download that hangs', async () => {
    await expect(downloadTextAttachment(file('/hang'), { maxBytes: MIB, timeoutMs: 300 })).rejects.toThrow(
      'Could not download the file: it took longer than 0.3 seconds.',
    );
  });
});

describe('decodeText', () => {
  it('rejects invalid UTF-8', () => {
    expect(() => decodeText(new Uint8Array([0xff, 0xfe, 0x41]), 'a.json')).toThrow('a.json is not a text file');
  });
});

describe('export files', () => {
  it('names the file after what it holds, the server and the day', () => {
    expect(exportFileName('training', '123456789012345678', new Date('2025-03-04T22:10:00Z'))).toBe('training-123456789012345678-2025-03-04.json');
  });

  it('attaches the export as readable JSON that parses back to the same data', () => {
    const data = { format: 'x', version: 1, entries: [{ question: 'שלום 👋', answer: 'hi' }] };
    const file = jsonFile(data, 'a.json');
    expect(file.name).toBe('a.json');
    expect(JSON.parse(Buffer.from(file.attachment as Buffer).toString('utf8'))).toEqual(data);
  });

  it('refuses an export too big for Discord to take', () => {
    const data = { entries: Array.from({ length: 11 }, () => 'x'.repeat(MIB)) };
    expect(() => jsonFile(data, 'a.json')).toThrow(/^The export is 11 MB, over Discord's upload limit of 10 MB\./);
  });
});
