import { createReadStream } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { dirname, extname, resolve, sep } from 'node:path';

/**
 * A bare page with the same noVNC the renderer bundles, served from node_modules, that connects
 * to `?ws=<url>&password=<p>` with the renderer's own settings (scaled, remote resize). It is the
 * "straight to Xvnc" side of the viewer bench: no app around it, nothing between it and websockify.
 */
const PAGE = `<!doctype html><html><head><meta charset="utf-8"><title>noVNC direct</title>
<style>html,body,#screen{margin:0;width:100%;height:100%;background:#000;overflow:hidden}</style></head>
<body><div id="screen"></div><script type="module">
import RFB from './novnc/core/rfb.js';
const q = new URLSearchParams(location.search);
const rfb = new RFB(document.getElementById('screen'), q.get('ws'), { credentials: { password: q.get('password') } });
rfb.scaleViewport = true;
rfb.resizeSession = true;
rfb.addEventListener('connect', () => { document.body.dataset.status = 'connected'; });
rfb.addEventListener('disconnect', () => { document.body.dataset.status = 'disconnected'; });
window.__rfb = rfb;
</script></body></html>`;

const TYPES: Record<string, string> = { '.js': 'text/javascript', '.json': 'application/json' };

export interface NovncPage {
  url: string;
  close(): Promise<void>;
}

export async function serveNovncPage(): Promise<NovncPage> {
  const root = dirname(createRequire(import.meta.url).resolve('@novnc/novnc'));
  const novncRoot = resolve(root, '..');
  const server: Server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    if (path === '/' || path === '/index.html') {
      res.writeHead(200, { 'Content-Type': 'text/html' }).end(PAGE);
      return;
    }
    const file = resolve(novncRoot, `.${decodeURIComponent(path.replace(/^\/novnc/, ''))}`);
    if (!path.startsWith('/novnc/') || !file.startsWith(novncRoot + sep)) {
      res.writeHead(404).end();
      return;
    }
    const stream = createReadStream(file);
    stream.once('open', () =>
      res.writeHead(200, { 'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream' }),
    );
    stream.once('error', () => res.writeHead(404).end());
    stream.pipe(res);
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    close: () => new Promise((ok) => server.close(() => ok())),
  };
}

/**
 * Counts, in the page, the animation frames in which anything drew on a canvas (`__frames`, what
 * the screen shows) and noVNC's back-buffer copies (`__flips`, one per framebuffer update).
 */
export const FRAME_COUNTER = `(() => {
  let dirty = false;
  const mark = (proto, names) => {
    for (const name of names) {
      const original = proto[name];
      if (typeof original !== 'function') continue;
      proto[name] = function (...args) { dirty = true; return original.apply(this, args); };
    }
  };
  mark(CanvasRenderingContext2D.prototype, ['putImageData', 'drawImage', 'fillRect']);
  // noVNC copies its back buffer onto the visible canvas once per framebuffer update: those copies
  // count updates, which the display's refresh rate does not cap.
  const drawImage = CanvasRenderingContext2D.prototype.drawImage;
  CanvasRenderingContext2D.prototype.drawImage = function (source, ...rest) {
    if (source instanceof HTMLCanvasElement) window.__flips++;
    return drawImage.call(this, source, ...rest);
  };
  window.__frames = 0;
  window.__flips = 0;
  const tick = () => { if (dirty) { window.__frames++; dirty = false; } requestAnimationFrame(tick); };
  requestAnimationFrame(tick);
})();`;
