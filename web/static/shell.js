// The app's shell: checks for WebGL2, shows load progress, reports a lost
// graphics context, and starts the WebAssembly module (app.js).
(function () {
  'use strict';
  var overlay = document.getElementById('overlay');
  var status = document.getElementById('status');
  var progress = document.getElementById('progress');
  var canvas = document.getElementById('canvas');

  function fail(message) {
    overlay.classList.remove('hidden');
    overlay.classList.add('error');
    status.textContent = message;
    progress.style.display = 'none';
    window.atelierShellError = message;
  }

  // The studio's name, as the app last knew it, while the app loads.
  try {
    var studio = localStorage.getItem('atelier.studio');
    if (studio) document.querySelector('#overlay .title').textContent = studio;
  } catch (e) { /* storage refused: the generic title stays */ }

  var noWebGL2 = 'Этому браузеру недоступен WebGL2, без него приложение не может рисовать. ' +
    'Ce navigateur ne fournit pas WebGL2. This browser has no WebGL2: please use a current browser ' +
    'or enable hardware acceleration.';
  // A browser without WebGL2 is told at once; one that has it but refuses
  // a context (blocked GPU) is told by the app when its window fails.
  if (typeof WebGL2RenderingContext === 'undefined') {
    fail(noWebGL2);
    return;
  }

  // The module is fetched and compiled while app.js loads, not after it.
  var compiled = (WebAssembly.compileStreaming
    ? WebAssembly.compileStreaming(fetch('app.wasm', { credentials: 'same-origin' }))
    : Promise.reject(new Error('no streaming compilation')))
    .catch(function () {
      // A server that serves the module with another type: compiled from its bytes.
      return fetch('app.wasm', { credentials: 'same-origin' })
        .then(function (r) { if (!r.ok) throw new Error('app.wasm: HTTP ' + r.status); return r.arrayBuffer(); })
        .then(function (bytes) { return WebAssembly.compile(bytes); });
    });

  canvas.addEventListener('webglcontextlost', function (e) {
    e.preventDefault();
    fail('Графический контекст потерян — перезагрузите страницу. Contexte graphique perdu — rechargez la page. ' +
         'The graphics context was lost: reload the page (your data is saved).');
  }, false);
  // The manager's stored data (the app's database in IndexedDB, as
  // Emscripten's IDBFS keeps it: database "/data", version 21, store
  // FILE_DATA), read while the module downloads instead of after it starts;
  // the app writes it into its file system (wasm_app/platform_web.cpp). On
  // a first visit there is no such database: the read says so ({ none:
  // true }) without making it, and IDBFS makes it at the app's first save.
  // The app then starts from the server's empty database (the schema made
  // natively, `image`), fetched meanwhile, rather than run every migration
  // itself; without it (a plain file server) it migrates as before. Any
  // other failure gives false: the app then loads through IDBFS.
  var stored = { version: 21, store: 'FILE_DATA', result: undefined, waiting: null };
  stored.take = function (callback) {
    if (stored.result !== undefined) callback(stored.result);
    else stored.waiting = callback;
  };
  function storedRead(result) {
    stored.result = result;
    if (stored.waiting) stored.waiting(result);
    stored.waiting = null;
  }
  try {
    var opening = indexedDB.open('/data', stored.version);
    var none = false;
    opening.onupgradeneeded = function (e) { none = e.oldVersion === 0; e.target.transaction.abort(); };
    opening.onerror = function (e) {
      e.preventDefault();
      if (!none) return storedRead(false);
      fetch('empty.db', { credentials: 'same-origin' })
        .then(function (r) { return r.ok ? r.arrayBuffer() : null; })
        .catch(function () { return null; })
        .then(function (image) { storedRead({ none: true, image: image }); });
    };
    opening.onblocked = function () { storedRead(false); };
    opening.onsuccess = function () {
      var db = opening.result;
      var keys = null, values = null;
      try {
        var tx = db.transaction([stored.store], 'readonly');
        var files = tx.objectStore(stored.store);
        files.getAllKeys().onsuccess = function (e) { keys = e.target.result; };
        files.getAll().onsuccess = function (e) { values = e.target.result; };
        tx.oncomplete = function () {
          var whole = keys && values && keys.length === values.length;
          if (!whole) db.close();
          storedRead(whole ? { db: db, keys: keys, values: values } : false);
        };
        tx.onerror = tx.onabort = function (e) { if (e && e.preventDefault) e.preventDefault(); db.close(); storedRead(false); };
      } catch (e) {
        db.close();
        storedRead(false);
      }
    };
  } catch (e) {
    storedRead(false);
  }

  // The fonts too: the loader takes them from here when they have arrived.
  var fonts = null;
  fetch('app.data', { credentials: 'same-origin' })
    .then(function (r) { return r.ok ? r.arrayBuffer() : null; })
    .then(function (b) { fonts = b; }, function () { /* app.js fetches them itself */ });

  window.Module = {
    atelierStored: stored,
    getPreloadedPackage: function () { var b = fonts; fonts = null; return b; },
    canvas: canvas,
    setStatus: function (text) {
      var m = /\((\d+(?:\.\d+)?)\/(\d+)\)/.exec(text || '');
      if (m) progress.value = 100 * Number(m[1]) / Number(m[2]);
    },
    monitorRunDependencies: function (left) { if (left === 0) progress.value = 100; },
    onRuntimeInitialized: function () { overlay.classList.add('hidden'); window.atelierReady = true; },
    atelierShown: function () { setTimeout(registerWorker, 0); },
    onAbort: function (what) { fail('Atelier: ' + what); },
    noGraphics: function () { fail(noWebGL2); },
    instantiateWasm: function (imports, done) {
      compiled.then(function (module) {
        return WebAssembly.instantiate(module, imports).then(function (instance) { done(instance, module); });
      }).catch(function (e) { fail('Не удалось загрузить приложение / Impossible de charger l’application / Could not load the app: ' + e); });
      return {};
    },
    print: function (t) { console.log(t); },
    printErr: function (t) { console.warn(t); }
  };
  // The service worker keeps the app's files for offline use. It is
  // registered once the app has drawn its first screen (or said why it
  // cannot): on a first visit its install fetches every file again, and
  // that is not to compete with the app's own start.
  var registered = false;
  function registerWorker() {
    if (registered || !('serviceWorker' in navigator)) return;
    registered = true;
    navigator.serviceWorker.register('sw.js').catch(function (e) { console.warn('atelier: service worker not registered', e); });
  }
  window.addEventListener('online', function () { if (window.Module && Module._atelier_wake) Module._atelier_wake(); });
  window.addEventListener('offline', function () { if (window.Module && Module._atelier_wake) Module._atelier_wake(); });

  var s = document.createElement('script');
  s.src = 'app.js';
  s.onerror = function () { fail('Не удалось загрузить приложение / Impossible de charger l’application / Could not load the app.'); };
  document.body.appendChild(s);
})();
