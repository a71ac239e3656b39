// Loaded with `node --require` before the real main (or preload) bundle: `require('electron')`
// then gets the recording stand-in next to this file instead of the npm package (which only
// knows where the Electron binary would be). BT_FAKE_PLATFORM plays another OS's code paths.
const Module = require('node:module');
const path = require('node:path');

const fake = path.join(__dirname, 'electron.cjs');
const resolve = Module._resolveFilename;
Module._resolveFilename = function resolveElectron(request, ...rest) {
  if (request === 'electron') return fake;
  return resolve.call(this, request, ...rest);
};

if (process.env.BT_FAKE_PLATFORM) {
  Object.defineProperty(process, 'platform', { value: process.env.BT_FAKE_PLATFORM });
}
