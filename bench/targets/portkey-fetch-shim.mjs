// Preloaded (node --import) into the Portkey gateway process only.
//
// @portkey-ai/gateway 1.15 bundles @hono/node-server 1.19, whose lightweight Response hands
// back the upstream fetch Response's *immutable* Headers; Portkey then appends its x-portkey-*
// headers and every streamed call fails with "TypeError: immutable"
// (https://github.com/Portkey-AI/gateway/issues/1389, fix proposed in PR #1390).
// Re-wrapping each fetch result in a fresh Response gives it mutable headers, which is what the
// older @hono/node-server Portkey was written against. The body stream is passed through as is,
// so this adds one object allocation per request and nothing per event.
const originalFetch = globalThis.fetch;
const NativeResponse = globalThis.Response;
globalThis.fetch = async function fetchWithMutableHeaders(input, init) {
  const res = await originalFetch(input, init);
  return new NativeResponse(res.body, { status: res.status, statusText: res.statusText, headers: res.headers });
};
