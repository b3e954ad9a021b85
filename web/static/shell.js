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

  // The module is fetched and compiled while app.js loads, not after it. It
  // comes in two parts (wasm_app/split.h): app.wasm draws the first frames,
  // app.deferred.wasm the manager's screens; both are on their way at once,
  // the first part ahead.
  function compile(file, priority) {
    return (WebAssembly.compileStreaming
      ? WebAssembly.compileStreaming(fetch(file, { credentials: 'same-origin', priority: priority }))
      : Promise.reject(new Error('no streaming compilation')))
      .catch(function () {
        // A server that serves the module with another type: compiled from its bytes.
        return fetch(file, { credentials: 'same-origin' })
          .then(function (r) { if (!r.ok) throw new Error(file + ': HTTP ' + r.status); return r.arrayBuffer(); })
          .then(function (bytes) { return WebAssembly.compile(bytes); });
      });
  }
  var compiled = compile('app.wasm', 'high');
  var deferred = { module: null, instance: null, early: 0 };
  var deferredCompiled = compile('app.deferred.wasm', 'low');
  deferredCompiled.then(function (m) { deferred.module = m; }, function () { /* reported when instantiated */ });
  window.atelierSplit = deferred;

  function deferredArrived() {
    if (window.Module && Module._atelier_split_ready) Module._atelier_split_ready();
    if (runtimeUp) window.atelierReady = true;
  }
  var runtimeUp = false;

  canvas.addEventListener('webglcontextlost', function (e) {
    e.preventDefault();
    fail('Графический контекст потерян — перезагрузите страницу. Contexte graphique perdu — rechargez la page. ' +
         'The graphics context was lost: reload the page (your data is saved).');
  }, false);
  // The fonts too: the loader takes them from here when they have arrived.
  var fonts = null;
  fetch('app.data', { credentials: 'same-origin' })
    .then(function (r) { return r.ok ? r.arrayBuffer() : null; })
    .then(function (b) { fonts = b; }, function () { /* app.js fetches them itself */ });

  window.Module = {
    getPreloadedPackage: function () { var b = fonts; fonts = null; return b; },
    canvas: canvas,
    setStatus: function (text) {
      var m = /\((\d+(?:\.\d+)?)\/(\d+)\)/.exec(text || '');
      if (m) progress.value = 100 * Number(m[1]) / Number(m[2]);
    },
    monitorRunDependencies: function (left) { if (left === 0) progress.value = 100; },
    onRuntimeInitialized: function () {
      overlay.classList.add('hidden');
      runtimeUp = true;
      if (deferred.instance) window.atelierReady = true;
    },
    // A call into the deferred part before it was instantiated (the app
    // holds its screens back until then, so this is a bug): the part is
    // instantiated on the spot, from the compiled module or, failing that,
    // from its bytes fetched synchronously, and the call is counted.
    loadSplitModule: function (file, imports) {
      deferred.early++;
      console.error('atelier: the deferred part was called before it arrived');
      if (deferred.instance) return;
      if (!deferred.module) {
        var xhr = new XMLHttpRequest();
        xhr.open('GET', file, false);
        xhr.overrideMimeType('text/plain; charset=x-user-defined');
        xhr.send(null);
        var bytes = new Uint8Array(xhr.responseText.length);
        for (var i = 0; i < bytes.length; i++) bytes[i] = xhr.responseText.charCodeAt(i) & 0xff;
        deferred.module = new WebAssembly.Module(bytes);
      }
      deferred.instance = new WebAssembly.Instance(deferred.module, imports);
      setTimeout(deferredArrived, 0);
    },
    onAbort: function (what) { fail('Atelier: ' + what); },
    noGraphics: function () { fail(noWebGL2); },
    instantiateWasm: function (imports, done) {
      var loadFailed = function (e) {
        fail('Не удалось загрузить приложение / Impossible de charger l’application / Could not load the app: ' + e);
      };
      compiled.then(function (module) {
        return WebAssembly.instantiate(module, imports).then(function (instance) {
          done(instance, module);
          return deferredCompiled.then(function (m) {
            return deferred.instance ? null : WebAssembly.instantiate(m, { primary: instance.exports });
          }).then(function (second) {
            if (second) deferred.instance = second;
            deferredArrived();
          });
        });
      }).catch(loadFailed);
      return {};
    },
    print: function (t) { console.log(t); },
    printErr: function (t) { console.warn(t); }
  };
  // The service worker keeps the app's files for offline use.
  if ('serviceWorker' in navigator) {
    navigator.serviceWorker.register('sw.js').catch(function (e) { console.warn('atelier: service worker not registered', e); });
  }
  window.addEventListener('online', function () { if (window.Module && Module._atelier_wake) Module._atelier_wake(); });
  window.addEventListener('offline', function () { if (window.Module && Module._atelier_wake) Module._atelier_wake(); });

  var s = document.createElement('script');
  s.src = 'app.js';
  s.onerror = function () { fail('Не удалось загрузить приложение / Impossible de charger l’application / Could not load the app.'); };
  document.body.appendChild(s);
})();
