# Writes the service worker with the build's stamp: a hash of every file it
# caches, so that any change of the app makes a new cache version.
# cmake -DWWW=... -DSW_IN=... -P stamp.cmake
set(all "")
foreach(f index.html shell.css shell.js app.js app.wasm app.data manifest.webmanifest icon.svg icon-32.png icon-192.png icon-512.png)
  file(SHA256 "${WWW}/${f}" h)
  string(APPEND all "${h}")
endforeach()
string(SHA256 stamp "${all}")
string(SUBSTRING "${stamp}" 0 16 stamp)
file(READ "${SW_IN}" sw)
string(REPLACE "@ATELIER_BUILD_STAMP@" "${stamp}" sw "${sw}")
file(WRITE "${WWW}/sw.js" "${sw}")
file(WRITE "${WWW}/version.txt" "${stamp}\n")
