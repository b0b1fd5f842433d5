// The floor for a Node hop: a bare node:http server that forwards each request with undici's
// request API over a keep-alive pool and pipes the answer back. No identity, policy, masking
// or recording: what any Node gateway costs before it does any work.
// Usage: node bench/targets/node-floor-server.mjs <port> <upstream base URL>
import { createServer } from 'node:http';
import { pipeline } from 'node:stream';
import { Agent, request } from 'undici';

const [port, upstream] = process.argv.slice(2);
const agent = new Agent({ keepAliveTimeout: 30_000, headersTimeout: 0, bodyTimeout: 0 });
const hopByHop = new Set(['connection', 'keep-alive', 'transfer-encoding', 'host', 'content-length']);

const server = createServer((req, res) => {
  const headers = {};
  for (const [name, value] of Object.entries(req.headers)) if (!hopByHop.has(name)) headers[name] = value;
  request(upstream + req.url, { dispatcher: agent, method: req.method, headers, body: req.method === 'GET' ? null : req })
    .then((answer) => {
      const out = {};
      for (const [name, value] of Object.entries(answer.headers)) if (!hopByHop.has(name)) out[name] = value;
      res.writeHead(answer.statusCode, out);
      res.flushHeaders();
      pipeline(answer.body, res, () => {});
      res.once('close', () => answer.body.destroy());
    })
    .catch((error) => {
      if (!res.headersSent) res.writeHead(502, { 'content-type': 'text/plain' });
      res.end(String(error));
    });
});
server.requestTimeout = 0;
server.keepAliveTimeout = 65_000;
server.listen(Number(port), '127.0.0.1', () => console.error(`node floor listening on ${port}`));
process.once('SIGTERM', () => process.exit(0));
