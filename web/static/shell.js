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

  var probe = document.createElement('canvas');
  if (!probe.getContext('webgl2')) {
    fail('Этому браузеру недоступен WebGL2, без него приложение не может рисовать. ' +
         'Ce navigateur ne fournit pas WebGL2. This browser has no WebGL2: please use a current browser ' +
         'or enable hardware acceleration.');
    return;
  }

  canvas.addEventListener('webglcontextlost', function (e) {
    e.preventDefault();
    fail('Графический контекст потерян — перезагрузите страницу. Contexte graphique perdu — rechargez la page. ' +
         'The graphics context was lost: reload the page (your data is saved).');
  }, false);

  window.Module = {
    canvas: canvas,
    setStatus: function (text) {
      var m = /\((\d+(?:\.\d+)?)\/(\d+)\)/.exec(text || '');
      if (m) progress.value = 100 * Number(m[1]) / Number(m[2]);
    },
    monitorRunDependencies: function (left) { if (left === 0) progress.value = 100; },
    onRuntimeInitialized: function () { overlay.classList.add('hidden'); window.atelierReady = true; },
    onAbort: function (what) { fail('Atelier: ' + what); },
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
