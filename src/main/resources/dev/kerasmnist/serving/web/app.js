// The draw-a-digit page: everything here is served from the jar, nothing from elsewhere.
'use strict';

const pad = document.getElementById('pad');
const ctx = pad.getContext('2d');
const seen = document.getElementById('seen');
const bars = document.getElementById('bars');
const statusLine = document.getElementById('status');

// Dark ink on white paper, as people write; the server's preprocessing inverts it to MNIST's white on black.
function clearPad() {
  ctx.fillStyle = '#fff';
  ctx.fillRect(0, 0, pad.width, pad.height);
  window.lastResult = null;
  showResult(null);
}

ctx.lineWidth = 18;
ctx.lineCap = 'round';
ctx.lineJoin = 'round';
ctx.strokeStyle = '#000';

for (let d = 0; d < 10; d++) {
  const bar = document.createElement('div');
  bar.className = 'bar';
  bar.dataset.digit = String(d);
  bar.innerHTML = '<div class="fill" style="height:0%"></div><div class="label">' + d + '</div>';
  bars.appendChild(bar);
}

// Predict while drawing: at most one request in flight; the newest drawing goes next.
let inFlight = false;
let dirty = false;
let inked = false;

// Tests (and the curious) can tell when the shown answer is for the drawing as it is now.
function markBusy() {
  document.body.dataset.busy = String(inFlight || dirty);
}

function requestPrediction() {
  if (!inked) return;
  dirty = true;
  if (!inFlight) {
    dirty = false;
    inFlight = true;
    pad.toBlob(blob => send(blob, 'image/png'), 'image/png');
  }
  markBusy();
}

// A server started with --token-file answers 401 to the API without its token: ask once, keep it for this tab.
function api(path, options) {
  options = options || {};
  const token = sessionStorage.getItem('token');
  const headers = Object.assign({}, options.headers || {}, token ? { 'Authorization': 'Bearer ' + token } : {});
  return fetch(path, Object.assign({}, options, { headers: headers })).then(r => {
    if (r.status !== 401) return r;
    const entered = window.prompt('This server needs its access token (the contents of its --token-file):');
    if (!entered) return r;
    sessionStorage.setItem('token', entered.trim());
    return api(path, options);
  });
}

function send(body, type) {
  inFlight = true;
  markBusy();
  api('v1/predict', { method: 'POST', headers: { 'Content-Type': type }, body: body })
    .then(r => r.json().then(json => ({ ok: r.ok, json: json })))
    .then(({ ok, json }) => {
      if (!ok) throw new Error(json.error || 'request failed');
      statusLine.textContent = '';
      window.lastResult = json;
      showResult(json);
    })
    .catch(e => { statusLine.textContent = e.message; })
    .finally(() => {
      inFlight = false;
      if (dirty) requestPrediction();
      markBusy();
    });
}

function showResult(result) {
  document.getElementById('digit').textContent = result ? String(result.digit) : '–';
  document.getElementById('probability').textContent = result ? (result.probability * 100).toFixed(1) + '%' : '';
  bars.querySelectorAll('.bar').forEach(bar => {
    const d = Number(bar.dataset.digit);
    const p = result ? result.probabilities[d] : 0;
    bar.dataset.probability = String(p);
    bar.title = d + ': ' + (p * 100).toFixed(2) + '%';
    bar.classList.toggle('best', !!result && d === result.digit);
    bar.querySelector('.fill').style.height = (p * 100).toFixed(2) + '%';
  });
  const image = seen.getContext('2d').createImageData(28, 28);
  for (let i = 0; i < 784; i++) {
    const v = result && result.preprocessed ? Math.round(result.preprocessed[i] * 255) : 0;
    image.data[4 * i] = image.data[4 * i + 1] = image.data[4 * i + 2] = v;
    image.data[4 * i + 3] = 255;
  }
  seen.getContext('2d').putImageData(image, 0, 0);
}

// Pointer events cover mouse, pen and touch.
let drawing = false;
function point(e) {
  const r = pad.getBoundingClientRect();
  return [(e.clientX - r.left) * pad.width / r.width, (e.clientY - r.top) * pad.height / r.height];
}
pad.addEventListener('pointerdown', e => {
  drawing = true;
  pad.setPointerCapture(e.pointerId);
  const [x, y] = point(e);
  ctx.beginPath();
  ctx.moveTo(x, y);
  ctx.lineTo(x, y);
  ctx.stroke();
  inked = true;
  requestPrediction();
});
pad.addEventListener('pointermove', e => {
  if (!drawing) return;
  const [x, y] = point(e);
  ctx.lineTo(x, y);
  ctx.stroke();
  requestPrediction();
});
['pointerup', 'pointercancel'].forEach(type => pad.addEventListener(type, () => {
  if (!drawing) return;
  drawing = false;
  requestPrediction();
}));

// An image file, dropped or chosen, goes to the server as it is: the server preprocesses it as `predict` does.
function sendFile(file) {
  if (!file) return;
  inked = false;
  dirty = false;
  window.lastResult = null;
  ctx.fillStyle = '#fff';
  ctx.fillRect(0, 0, pad.width, pad.height);
  createImageBitmap(file).then(bitmap => {
    const scale = Math.min(pad.width / bitmap.width, pad.height / bitmap.height);
    const w = bitmap.width * scale, h = bitmap.height * scale;
    ctx.drawImage(bitmap, (pad.width - w) / 2, (pad.height - h) / 2, w, h);
  }).catch(() => {});
  send(file, file.type || 'application/octet-stream');
}
document.getElementById('file').addEventListener('change', e => sendFile(e.target.files[0]));
pad.addEventListener('dragover', e => { e.preventDefault(); pad.classList.add('dragover'); });
pad.addEventListener('dragleave', () => pad.classList.remove('dragover'));
pad.addEventListener('drop', e => {
  e.preventDefault();
  pad.classList.remove('dragover');
  sendFile(e.dataTransfer.files[0]);
});
document.getElementById('clear').addEventListener('click', () => { inked = false; clearPad(); });

api('v1/model').then(r => r.json()).then(m => {
  const s = m.sidecar;
  const acc = s && s.test ? ', test accuracy ' + (s.test.accuracy * 100).toFixed(2) + '%' : '';
  const origin = s && s.origin ? ' (' + s.origin.kind.toLowerCase() + ' ' + s.origin.name + ')' : '';
  document.getElementById('model').textContent = 'Model ' + m.file + origin + acc + ', sha256 ' + m.sha256.slice(0, 12) + '…';
}).catch(() => { document.getElementById('model').textContent = 'Model information unavailable'; });

clearPad();
markBusy();
