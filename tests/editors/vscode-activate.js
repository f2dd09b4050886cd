'use strict';
// Activates editors/vscode/extension.js as VS Code would, with `vscode` and the language client
// stubbed, and prints what the client was started with (JSON). Usage:
// node vscode-activate.js EXTENSION_DIR [STOWAGE_PATH_SETTING]
const Module = require('module');
const path = require('path');

const [extensionDir, setting] = process.argv.slice(2);
const seen = { clients: [], started: 0, stopped: 0 };
const stubs = {
  vscode: {
    workspace: {
      getConfiguration: (section) => ({
        get: (key) => (section === 'stowage' && key === 'path' ? setting : undefined),
      }),
    },
  },
  'vscode-languageclient/node': {
    TransportKind: { stdio: 0, ipc: 1, pipe: 2, socket: 3 },
    LanguageClient: class {
      constructor(id, name, server, documents) {
        seen.clients.push({ id, name, server, documents });
      }
      start() {
        seen.started += 1;
        return Promise.resolve();
      }
      stop() {
        seen.stopped += 1;
        return Promise.resolve();
      }
    },
  },
};
const load = Module._load;
Module._load = function (request, parent, isMain) {
  return Object.prototype.hasOwnProperty.call(stubs, request) ? stubs[request] : load.call(this, request, parent, isMain);
};

const manifest = require(path.join(extensionDir, 'package.json'));
const extension = require(path.join(extensionDir, manifest.main));
const context = { subscriptions: [] };
Promise.resolve(extension.activate(context))
  .then(() => Promise.all(context.subscriptions.map((s) => s.dispose())))
  .then(() => extension.deactivate())
  .then(() => process.stdout.write(JSON.stringify(seen)));
