// Scribe audit viewer: the replay player and in-browser reveal. No framework, no build step.

// ---- Replay: plays recorded pieces at their recorded times, scaled by the chosen speed.
function setUpPlayer(player) {
  const play = player.querySelector('[data-action=play]');
  const pause = player.querySelector('[data-action=pause]');
  const speed = player.querySelector('[data-action=speed]');
  const clock = player.querySelector('.clock');
  const bar = player.querySelector('progress');
  const stream = player.querySelector('.stream');
  const raw = player.querySelector('.sse');
  let pieces = [];
  let next = 0;
  let position = 0;
  let lastTick = 0;
  let playing = false;
  const blocks = new Map();
  const total = () => (pieces.length ? pieces[pieces.length - 1].ms : 0);

  const blockFor = (index, kind) => {
    let el = blocks.get(index);
    if (!el) {
      el = document.createElement('div');
      el.className = `block ${kind}`;
      el.dataset.block = String(index);
      stream.append(el);
      blocks.set(index, el);
    }
    return el;
  };
  const texts = new Map();
  const apply = (piece) => {
    raw.textContent += piece.raw;
    for (const [index, kind, text] of piece.adds) {
      const full = (texts.get(index) ?? '') + text;
      texts.set(index, full);
      renderMarked(blockFor(index, kind), full);
    }
  };
  const show = () => {
    clock.textContent = `${(position / 1000).toFixed(2)} s of ${(total() / 1000).toFixed(2)} s`;
    bar.max = Math.max(total(), 1);
    bar.value = Math.min(position, bar.max);
  };
  const tick = (now) => {
    if (!playing) return;
    position += (now - lastTick) * Number(speed.value);
    lastTick = now;
    while (next < pieces.length && pieces[next].ms <= position) apply(pieces[next++]);
    if (next >= pieces.length) {
      position = total();
      stop(true);
    }
    show();
    if (playing) requestAnimationFrame(tick);
  };
  const stop = (ended) => {
    playing = false;
    stream.classList.remove('playing');
    play.disabled = false;
    pause.disabled = true;
    play.textContent = ended ? 'Play again' : 'Resume';
    player.dataset.state = ended ? 'ended' : 'paused';
  };
  play.addEventListener('click', () => {
    if (next >= pieces.length) {
      next = 0;
      position = 0;
      blocks.clear();
      texts.clear();
      stream.textContent = '';
      raw.textContent = '';
    }
    playing = true;
    player.dataset.state = 'playing';
    stream.classList.add('playing');
    play.disabled = true;
    pause.disabled = false;
    lastTick = performance.now();
    requestAnimationFrame(tick);
  });
  pause.addEventListener('click', () => stop(false));
  play.disabled = true;
  fetch(player.dataset.events, { credentials: 'same-origin' })
    .then((r) => (r.ok ? r.json() : Promise.reject(new Error(`HTTP ${r.status}`))))
    .then((data) => {
      pieces = data.pieces;
      play.disabled = false;
      player.dataset.state = 'ready';
      if (pieces.length === 0) stream.textContent = 'No response was recorded for this exchange.';
      show();
    })
    .catch((error) => {
      stream.textContent = `Cannot load the recorded stream: ${error.message}`;
    });
}

// Redaction placeholders in replayed text are shown as markers, as on the session page.
const placeholder = /\[REDACTED:[A-Za-z0-9_.-]+\]/g;
function renderMarked(element, text) {
  const nodes = [];
  let last = 0;
  for (const match of text.matchAll(placeholder)) {
    nodes.push(document.createTextNode(text.slice(last, match.index)));
    const mark = document.createElement('mark');
    mark.className = 'redaction';
    mark.textContent = match[0];
    nodes.push(mark);
    last = match.index + match[0].length;
  }
  nodes.push(document.createTextNode(text.slice(last)));
  element.replaceChildren(...nodes);
}

// ---- Reveal: the auditor's private key is read from a file into this tab's memory only.
function setUpReveal(panel) {
  const input = panel.querySelector('#reveal-key');
  const status = panel.querySelector('.reveal-status');
  input.addEventListener('change', async () => {
    const file = input.files && input.files[0];
    input.value = '';
    if (!file) return;
    status.textContent = 'Opening sealed originals…';
    let key;
    try {
      key = JSON.parse(await file.text());
    } catch {
      status.textContent = 'That file is not a JWK (not JSON).';
      return;
    }
    if (!key || typeof key !== 'object' || key.d === undefined) {
      status.textContent = 'That is a public key; revealing needs the private key.';
      return;
    }
    try {
      const jose = await import('/assets/jose/index.js');
      const response = await fetch(`/api/sealed?session=${encodeURIComponent(panel.dataset.session)}`, { credentials: 'same-origin' });
      if (!response.ok) throw new Error(`the viewer answered HTTP ${response.status}`);
      const { sealed } = await response.json();
      const keys = new Map();
      let opened = 0;
      const failures = [];
      for (const item of sealed) {
        try {
          const alg = jose.decodeProtectedHeader(item.sealed).alg;
          if (!keys.has(alg)) keys.set(alg, await jose.importJWK(key, alg));
          const { plaintext } = await jose.compactDecrypt(item.sealed, keys.get(alg), { contentEncryptionAlgorithms: ['A256GCM'] });
          showOriginal(`${item.exchange}/${item.index}`, new TextDecoder().decode(plaintext));
          opened++;
        } catch (error) {
          failures.push(`${item.rule}: ${error.message}`);
        }
      }
      keys.clear();
      status.textContent = `Revealed ${opened} of ${sealed.length} sealed original${sealed.length === 1 ? '' : 's'}.` +
        (failures.length ? ` Not opened (wrong key?): ${failures.slice(0, 3).join('; ')}` : '') + ' The key was not kept.';
      panel.dataset.revealed = String(opened);
    } catch (error) {
      status.textContent = `Cannot reveal: ${error.message}`;
    } finally {
      key = undefined;
    }
  });
}

function showOriginal(ref, original) {
  for (const el of document.querySelectorAll(`[data-reveal="${CSS.escape(ref)}"]`)) {
    if (el.tagName === 'MARK') {
      el.classList.add('revealed');
      el.querySelector('.original')?.remove();
      const span = document.createElement('span');
      span.className = 'original';
      span.textContent = original;
      el.append(span);
    } else {
      el.classList.add('revealed');
      el.textContent = original;
    }
  }
}

for (const player of document.querySelectorAll('.player')) setUpPlayer(player);
for (const panel of document.querySelectorAll('.reveal')) setUpReveal(panel);
